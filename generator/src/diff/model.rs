//! The diff's data: a change to one public item, its class, and every change of a diff.

/// What a change does to code that uses the crate, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Some code that compiled against the old crate no longer compiles, or now means
    /// something else.
    Breaking,
    /// New items only: code that compiled still compiles and means the same.
    Additive,
    /// No signature changes (a deprecation, a resource version, documentation of behaviour).
    None,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::None => "none",
        }
    }
}

/// One change to one public item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub class: Class,
    /// The tag whose module or feature holds the item (`Projects`), or `Shared types` and
    /// `ID types` for items every tag may use.
    pub group: String,
    /// The item as a user names it: `Client::list_group_users`, `models::GroupUser::username`.
    pub item: String,
    /// What changed: `added`, `removed`, `type String -> i64`.
    pub change: String,
    /// Why the change has its class.
    pub reason: String,
    /// Where the item is in the spec: a JSON pointer into the new spec, or the old one for an
    /// item that is gone.
    pub location: String,
}

/// Every change between two generated crates, sorted by group, class, item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiDiff {
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// The worst class of any change; `None` when nothing in the public API changed.
    pub fn worst(&self) -> Option<Class> {
        self.changes.iter().map(|change| change.class).min()
    }

    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|change| change.class == class).count()
    }

    /// The version the crate needs after this diff, from `current` (`MAJOR.MINOR.PATCH`), by
    /// Cargo's SemVer rules: below 1.0.0 a breaking change bumps the minor and anything else
    /// the patch. `None` when `current` is not such a version.
    pub fn next_version(&self, current: &str) -> Option<String> {
        let mut parts = current.split('.').map(|part| part.parse::<u64>().ok());
        let (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let next = match (self.worst(), major) {
            (None | Some(Class::None), _) => (major, minor, patch),
            (Some(Class::Breaking), 0) => (0, minor + 1, 0),
            (Some(Class::Breaking), _) => (major + 1, 0, 0),
            (Some(Class::Additive), 0) => (0, minor, patch + 1),
            (Some(Class::Additive), _) => (major, minor + 1, 0),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }
}

pub(super) fn change(class: Class, group: &str, item: String, change: impl Into<String>, reason: &str, location: &str) -> Change {
    Change {
        class,
        group: group.to_owned(),
        item,
        change: change.into(),
        reason: reason.to_owned(),
        location: format!("#{location}"),
    }
}
