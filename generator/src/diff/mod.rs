//! Diff: what regenerating the crate from another spec (or release) changes in its public API,
//! item by item, each change classed by what it does to code built on the crate.
//!
//! Two IRs in, a [`ApiDiff`] out; like every stage it does no IO. Operations are matched by
//! method and path, types by where they come from in the spec ([`types::origins`]), ID types by
//! name (they are named after the parameters they type); a Rust name alone never matches two
//! items. The classes follow Rust's SemVer rules for the code the generator emits: models,
//! `Query` structs and enums are exhaustive, so a field or variant added to one is breaking
//! for code that builds the struct with a literal or matches the enum without `_`; a new
//! method, type or module is additive; a deprecation or a new resource version changes no
//! signature.

mod operations;
mod report;
mod types;

use crate::ir;

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

    /// The report for people: per group, breaking first, each item with its reason and place.
    pub fn to_markdown(&self, old: &str, new: &str, current_version: &str) -> String {
        report::markdown(self, old, new, current_version)
    }

    /// The report for pipelines.
    pub fn to_json(&self, old: &str, new: &str, current_version: &str) -> serde_json::Value {
        report::json(self, old, new, current_version)
    }

    /// One line for `cargo xtask codegen`: the counts per class and the version bump.
    pub fn summary(&self, current_version: &str) -> String {
        report::summary(self, current_version)
    }
}

/// The changes to the public API of the crate generated from `old` when it is generated from
/// `new` instead.
pub fn diff(old: &ir::Api, new: &ir::Api) -> ApiDiff {
    let old_view = types::View::new(old);
    let new_view = types::View::new(new);
    let mut changes = Vec::new();
    operations::diff(&old_view, &new_view, &mut changes);
    types::diff(&old_view, &new_view, &mut changes);
    types::diff_ids(old, new, &mut changes);
    diff_features(old, new, &mut changes);
    if old.base_url != new.base_url {
        let shown = |url: &Option<String>| url.clone().unwrap_or_else(|| "none (Atlas)".to_owned());
        let what = format!("`{}` -> `{}`", shown(&old.base_url), shown(&new.base_url));
        let reason = "no signature changes, but a client without `base_url` sends its requests elsewhere";
        changes.push(change(Class::None, "Shared types", "DEFAULT_BASE_URL".to_owned(), what, reason, "/servers"));
    }
    changes.sort_by(|a, b| (&a.group, a.class, &a.item, &a.change).cmp(&(&b.group, b.class, &b.item, &b.change)));
    changes.dedup();
    ApiDiff { changes }
}

/// Each tag is a cargo feature and a module of `operations`: matched by the spec's tag name.
fn diff_features(old: &ir::Api, new: &ir::Api, changes: &mut Vec<Change>) {
    let pointer = |tag: &ir::Tag| format!("/tags/{}", crate::pointer::escape_token(&tag.name));
    for tag in &new.tags {
        let item = format!("feature {}", tag.feature);
        match old.tags.iter().find(|before| before.name == tag.name) {
            None => {
                let reason = "a new feature, on by default; nothing that compiled selects it";
                changes.push(change(Class::Additive, &tag.name, item, "added", reason, &pointer(tag)));
            }
            Some(before) if before.feature != tag.feature || before.module != tag.module => {
                let what = format!("renamed from feature `{}` (module `{}`)", before.feature, before.module);
                let reason = "a manifest that selects the old feature, or code that names the old module, no longer builds";
                changes.push(change(Class::Breaking, &tag.name, item, what, reason, &pointer(tag)));
            }
            Some(_) => {}
        }
    }
    for gone in old.tags.iter().filter(|gone| !new.tags.iter().any(|tag| tag.name == gone.name)) {
        let reason = "a manifest that selects the feature no longer builds";
        changes.push(change(Class::Breaking, &gone.name, format!("feature {}", gone.feature), "removed", reason, &pointer(gone)));
    }
}

fn change(class: Class, group: &str, item: String, change: impl Into<String>, reason: &str, location: &str) -> Change {
    Change {
        class,
        group: group.to_owned(),
        item,
        change: change.into(),
        reason: reason.to_owned(),
        location: format!("#{location}"),
    }
}
