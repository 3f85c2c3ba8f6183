//! Load: YAML text into `openapiv3::OpenAPI`, or one diagnostic saying where the text is wrong.
//!
//! The text goes YAML -> JSON value -> `OpenAPI`. The detour through `serde_json::Value` is
//! deliberate: openapiv3's `$ref`-or-item deserializer decodes a failing node twice, once
//! from the input and once from a JSON value, and panics when the two disagree, which YAML
//! input can make happen (found by `tests/tests/no_panic.rs`). From a JSON value both
//! passes see the same thing. `serde_path_to_error` keeps the path of a shape error, so the
//! diagnostic still gets a pointer and a line:column.

use openapiv3::OpenAPI;

use crate::diag::{Diagnostic, Diagnostics, escape_token};
use crate::source_map::SourceMap;

/// Parses `text` (named `file` in messages) as an OpenAPI 3.0 document.
pub fn load(file: &str, text: &str) -> Result<OpenAPI, Diagnostics> {
    let diagnostic = |location, pointer: String, message: String, hint: &str| {
        Diagnostics(vec![Diagnostic { file: file.to_owned(), location, pointer, message, hint: Some(hint.to_owned()) }])
    };
    // Straight into a JSON value when the YAML has only string keys (the common case, and
    // the faster path); through a YAML value, which also takes `200:` as a key, otherwise.
    let mut json = match serde_yaml::from_str::<serde_json::Value>(text) {
        Ok(json) => json,
        Err(_) => {
            let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|error| {
                diagnostic(
                    error.location().map(|at| (at.line(), at.column())),
                    String::new(),
                    format!("the spec is not valid YAML: {error}"),
                    "fix the YAML syntax at that position (indentation, an unclosed quote or bracket)",
                )
            })?;
            serde_json::to_value(&yaml).map_err(|error| {
                diagnostic(
                    None,
                    String::new(),
                    format!("the spec cannot be read as JSON data: {error}"),
                    "use only string keys and plain values (no YAML tags or complex keys)",
                )
            })?
        }
    };
    crate::normalize::normalize(&mut json);
    serde_path_to_error::deserialize::<_, OpenAPI>(json).map_err(|error| {
        let pointer = json_pointer(error.path());
        let source = SourceMap::new(text);
        diagnostic(
            source.locate(&pointer),
            pointer,
            format!("the spec does not match the OpenAPI 3.0 schema: {}", error.inner()),
            "the document is valid YAML but this node is not what OpenAPI 3.0 expects there; compare it with the OpenAPI 3.0 specification",
        )
    })
}

/// `paths./a/{id}.get` (serde_path_to_error's path) as the JSON pointer `/paths/~1a~1{id}/get`.
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .map(|token| format!("/{}", escape_token(&token)))
        .collect()
}
