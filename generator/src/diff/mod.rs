//! Diff: what regenerating the crate from another spec (or release) changes in its public API,
//! item by item, each change classed by what it does to code built on the crate.
//!
//! Two IRs in, a [`ApiDiff`] out; like every stage it does no IO. Operations are matched by
//! method and path, types by where they come from in the spec (`types::View`), ID types by
//! name (they are named after the parameters they type); a Rust name alone never matches two
//! items. The classes follow Rust's SemVer rules for the code the generator emits: models,
//! `Query` structs and enums are exhaustive, so a field or variant added to one is breaking
//! for code that builds the struct with a literal or matches the enum without `_`; a new
//! method, type or module is additive; a deprecation or a new resource version changes no
//! signature.

mod model;
mod operations;
mod report;
mod types;

use model::change;
pub use model::{ApiDiff, Change, Class};

use crate::ir;

impl ApiDiff {
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
