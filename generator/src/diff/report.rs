//! The diff as Markdown for people, JSON for pipelines, and one line for `codegen`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::model::{ApiDiff, Change, Class};

const CLASSES: [Class; 3] = [Class::Breaking, Class::Additive, Class::None];

fn verdict(diff: &ApiDiff, current_version: &str) -> String {
    let next = diff.next_version(current_version).unwrap_or_else(|| "?".to_owned());
    match diff.worst() {
        None => format!("no change to the public API: {current_version} stays"),
        Some(Class::None) => format!("no signature changes: {current_version} stays"),
        Some(class) => format!("{}: {current_version} -> {next}", class.as_str()),
    }
}

pub(super) fn summary(diff: &ApiDiff, current_version: &str) -> String {
    let counts: Vec<String> = CLASSES.iter().map(|class| format!("{} {}", diff.count(*class), class.as_str())).collect();
    format!("public API: {} ({})", verdict(diff, current_version), counts.join(", "))
}

pub(super) fn markdown(diff: &ApiDiff, old: &str, new: &str, current_version: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Public API changes: `{old}` -> `{new}`\n");
    let _ = writeln!(out, "**Version: {}**\n", verdict(diff, current_version));
    let _ = writeln!(out, "| class | changes |\n|---|---:|");
    for class in CLASSES {
        let _ = writeln!(out, "| {} | {} |", class.as_str(), diff.count(class));
    }
    let mut groups: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for change in &diff.changes {
        groups.entry(change.group.as_str()).or_default().push(change);
    }
    for (group, changes) in groups {
        let _ = writeln!(out, "\n## {}", if group.is_empty() { "Untagged" } else { group });
        for class in CLASSES {
            let of_class: Vec<&&Change> = changes.iter().filter(|change| change.class == class).collect();
            if of_class.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {} ({})\n", class.as_str(), of_class.len());
            for change in of_class {
                let _ = write!(out, "- `{}`: {}. {}.", change.item, change.change, upper_first(&change.reason));
                if change.location.len() > 1 {
                    let _ = write!(out, " (`{}`)", change.location);
                }
                out.push('\n');
            }
        }
    }
    out
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

pub(super) fn json(diff: &ApiDiff, old: &str, new: &str, current_version: &str) -> serde_json::Value {
    let counts: serde_json::Map<String, serde_json::Value> =
        CLASSES.iter().map(|class| (class.as_str().to_owned(), diff.count(*class).into())).collect();
    let changes: Vec<serde_json::Value> = diff
        .changes
        .iter()
        .map(|change| {
            serde_json::json!({
                "class": change.class.as_str(),
                "group": change.group,
                "item": change.item,
                "change": change.change,
                "reason": change.reason,
                "location": change.location,
            })
        })
        .collect();
    serde_json::json!({
        "old": old,
        "new": new,
        "worst": diff.worst().map(Class::as_str),
        "current_version": current_version,
        "next_version": diff.next_version(current_version),
        "counts": counts,
        "changes": changes,
    })
}
