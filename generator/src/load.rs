//! Load: YAML text into `openapiv3::OpenAPI`, or one diagnostic saying where the text is wrong.
//!
//! The text goes YAML -> JSON value -> `OpenAPI`. The detour through `serde_json::Value` is
//! deliberate: openapiv3's `$ref`-or-item deserializer decodes a failing node twice, once
//! from the input and once from a JSON value, and panics when the two disagree, which YAML
//! input can make happen (found by `tests/tests/no_panic.rs`). From a JSON value both
//! passes see the same thing. `serde_path_to_error` keeps the path of a shape error, so the
//! diagnostic still gets a pointer and a line:column.

use openapiv3::OpenAPI;

use crate::diag::{Diagnostic, Diagnostics};
use crate::pointer::escape_token;
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
    let (start, end) = section(text, "components")?;
    // The rest is larger in both upstream specs (`paths` above all): the first entries of
    // `paths` go to the components thread until the two halves are about even.
    let (components_len, rest_len) = (end - start, text.len() - (end - start));
    let paths = section(text, "paths").filter(|_| rest_len > components_len).and_then(|(from, to)| {
        let (body, cut) = paths_cut(text, from, to, (rest_len - components_len) / 2)?;
        Some((from, body, cut, to))
    });
    // The pieces the rest is read from, in text order: all but the components section and,
    // when it is cut, the `paths` section.
    let mut rest_pieces = vec![(0, start), (end, text.len())];
    if let Some((from, _, _, to)) = paths {
        rest_pieces = rest_pieces
            .into_iter()
            .flat_map(|(a, b)| if from >= a && to <= b { vec![(a, from), (to, b)] } else { vec![(a, b)] })
            .collect();
    }
    std::thread::scope(|scope| {
        let (first_paths_tx, first_paths_rx) = std::sync::mpsc::channel();
        let components = scope.spawn(move || {
            if let Some((_, body, cut, _)) = paths {
                // Sent before the components are read, so the other half waits as little as it can.
                let _ = first_paths_tx.send(paths_entries(&text[body..cut]));
            }
            let mut document = serde_json::Value::Object(parse_piece(&text[start..end]).filter(|object| object.len() == 1)?);
            crate::normalize::normalize(&mut document);
            serde_json::from_value::<openapiv3::Components>(document.as_object_mut()?.remove("components")?).ok()
        });
        let mut rest = serde_json::Map::new();
        for (from, to) in rest_pieces {
            for (key, value) in parse_piece(&text[from..to])? {
                if key == "components" || (paths.is_some() && key == "paths") || rest.insert(key, value).is_some() {
                    return None;
                }
            }
        }
        if let Some((_, _, cut, to)) = paths {
            let last = paths_entries(&text[cut..to]);
            let mut entries = first_paths_rx.recv().ok().flatten()?;
            for (key, value) in last? {
                if entries.insert(key, value).is_some() {
                    return None;
                }
            }
            rest.insert("paths".to_owned(), serde_json::Value::Object(entries));
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

/// One piece of the spec parsed as a document of its own: its top-level entries.
fn parse_piece(yaml: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_yaml::from_str::<serde_json::Value>(yaml).ok()? {
        serde_json::Value::Object(object) => Some(object),
        // An empty piece (blank lines and comments only) holds no entries.
        serde_json::Value::Null if yaml.lines().all(|line| line.trim().is_empty() || line.trim_start().starts_with('#')) => {
            Some(serde_json::Map::new())
        }
        _ => None,
    }
}

/// Entry lines of `paths` (indented by two) parsed as a document of their own, under a
/// `paths:` line: the entries of the mapping.
fn paths_entries(entries: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut document = parse_piece(&format!("paths:\n{entries}"))?;
    match document.remove("paths")? {
        serde_json::Value::Object(entries) if document.is_empty() => Some(entries),
        _ => None,
    }
}

/// Where the entries of the `paths:` section `from..to` start, and where to cut them so that
/// about `share` bytes come before the cut: the start of the first entry line (`  /...:`, two spaces in) at or
/// after that point, if the section is a block mapping whose entries are indented by two.
/// A column-2 line outside a quoted scalar or flow collection is an entry of that mapping
/// (a block or plain scalar inside `paths` is indented further), and each side is parsed on
/// its own, so a cut inside a quoted scalar fails to parse and the serial path takes over.
fn paths_cut(text: &str, from: usize, to: usize, share: usize) -> Option<(usize, usize)> {
    let body = from + text[from..to].find('\n')? + 1;
    let is_entry = |line: &str| line.starts_with("  /") && line.trim_end().ends_with(':') && !line.trim_end().ends_with("::");
    let first = text[body..to].lines().find(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))?;
    if !is_entry(first) {
        return None;
    }
    let mut offset = body;
    for line in text[body..to].split_inclusive('\n') {
        if offset >= body + share && offset > body && is_entry(line) {
            return Some((body, offset));
        }
        offset += line.len();
    }
    None
}

/// The byte range of the `key:` section: from its line (exactly `key:`) to the next line that
/// starts a top-level key (or the end), if the line is there and nothing at column 0 in
/// between is other than a comment.
fn section(text: &str, key: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    // The line that is exactly `key:` (a carriage return aside).
    let line = format!("\n{key}:");
    let first = text.starts_with(&line[1..]).then_some(0);
    let start = first.into_iter().chain(text.match_indices(&line).map(|(at, _)| at + 1)).find(|&at| {
        let line_end = text[at..].find('\n').map_or(text.len(), |end| at + end);
        text[at + key.len() + 1..line_end].bytes().all(|byte| byte == b'\r')
    })?;
    // Only a line that starts at column 0 can end the section: the others are passed over by
    // looking at the byte after each newline.
    let Some(first_newline) = text[start..].find('\n').map(|end| start + end) else { return Some((start, text.len())) };
    for (newline, _) in text[first_newline..].match_indices('\n') {
        let at = first_newline + newline + 1;
        match bytes.get(at) {
            None => break,
            Some(b' ' | b'#' | b'\n') => continue,
            Some(_) => {
                let line_end = text[at..].find('\n').map_or(text.len(), |end| at + end);
                let content = text[at..line_end].trim_end_matches('\r');
                if content.is_empty() {
                    continue;
                }
                // Anything else at column 0 (a directive, a document marker, flow style, a
                // quoted key): not a layout this path reads.
                return is_plain_key_line(content).then_some((start, at));
            }
        }
    }
    Some((start, text.len()))
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
