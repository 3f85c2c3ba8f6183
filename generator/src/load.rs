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
///
/// A spec whose `components` section can be cut out at column 0 (both upstream specs, the
/// fragment) is parsed in two halves on two threads ([`load_in_halves`]); anything that path
/// does not read, it leaves to [`load_serial`], which gives the same document or the
/// diagnostic.
pub fn load(file: &str, text: &str) -> Result<OpenAPI, Diagnostics> {
    match load_in_halves(text) {
        Some(spec) => Ok(spec),
        None => load_serial(file, text),
    }
}

/// Parses `text` on one thread: the reference for [`load`], and where every diagnostic comes from.
pub fn load_serial(file: &str, text: &str) -> Result<OpenAPI, Diagnostics> {
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

/// The spec parsed as two documents at once: its `components` section on a second thread,
/// and the rest (`paths` above all) on this one, each normalized and deserialized on its own;
/// the two are about the same size in both upstream specs.
///
/// `None` when the text is not laid out for it or any piece does not parse: a top-level
/// mapping in block style whose `components:` line starts at column 0 and whose section ends
/// at the next column-0 key. The text before the section, the section and the text after it
/// are parsed as three documents, so nothing is read across a cut: a quoted scalar or flow
/// collection still open at a cut leaves its piece unterminated (an error), an alias cannot
/// reach an anchor in another piece, and a key that two pieces both hold is refused. Outside
/// those, a column-0 `key:` line starts a new entry of the top-level mapping, so each piece
/// means what it means in the whole. Every case this path refuses, and every error, goes to
/// [`load_serial`].
pub fn load_in_halves(text: &str) -> Option<OpenAPI> {
    let (start, end) = components_section(text)?;
    let parse = |yaml: &str| -> Option<serde_json::Map<String, serde_json::Value>> {
        match serde_yaml::from_str::<serde_json::Value>(yaml).ok()? {
            serde_json::Value::Object(object) => Some(object),
            // An empty piece (blank lines and comments only) holds no entries.
            serde_json::Value::Null if yaml.lines().all(|line| line.trim().is_empty() || line.trim_start().starts_with('#')) => {
                Some(serde_json::Map::new())
            }
            _ => None,
        }
    };
    std::thread::scope(|scope| {
        let components = scope.spawn(|| {
            let mut document = serde_json::Value::Object(parse(&text[start..end]).filter(|object| object.len() == 1)?);
            crate::normalize::normalize(&mut document);
            serde_json::from_value::<openapiv3::Components>(document.as_object_mut()?.remove("components")?).ok()
        });
        let mut rest = parse(&text[..start])?;
        for (key, value) in parse(&text[end..])? {
            if key == "components" || rest.insert(key, value).is_some() {
                return None;
            }
        }
        let mut document = serde_json::Value::Object(rest);
        crate::normalize::normalize(&mut document);
        let mut spec: OpenAPI = serde_json::from_value(document).ok()?;
        // A panic in the other half is a bug to see, not a reason to parse again.
        let components = components.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        spec.components = Some(components);
        Some(spec)
    })
}

/// The byte range of the `components:` section: from its line to the next line that starts
/// a top-level key (or the end), if the line is there and nothing at column 0 in between is
/// other than a comment.
fn components_section(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut start = None;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let first = content.bytes().next();
        if start.is_none() {
            if content == "components:" {
                start = Some(at);
            }
            continue;
        }
        match first {
            None | Some(b' ' | b'#') => continue,
            Some(_) if is_plain_key_line(content) => return Some((start?, at)),
            // Anything else at column 0 (a directive, a document marker, flow style, a
            // quoted key): not a layout this path reads.
            Some(_) => return None,
        }
    }
    start.map(|start| (start, text.len()))
}

/// `key:` or `key: value` at column 0 with a plain key (letters, digits, `_`, `-`, `.`).
fn is_plain_key_line(line: &str) -> bool {
    let Some((key, after)) = line.split_once(':') else { return false };
    !key.is_empty()
        && key.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.'))
        && (after.is_empty() || after.starts_with(' '))
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
