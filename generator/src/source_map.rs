//! Maps JSON pointers back to line:column in block-style YAML, so diagnostics can say where.
//!
//! serde_yaml keeps no spans, so this reads the text once more, line by line, the first time a
//! diagnostic needs a location. It understands what OpenAPI documents use: block mappings,
//! block sequences (indented or not), quoted keys and multi-line scalars. A pointer it cannot
//! find resolves to its nearest ancestor that it can.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::pointer::escape_token;

/// The source text of one spec and a lazily built index of where each node starts.
#[derive(Debug)]
pub struct SourceMap {
    text: String,
    index: OnceLock<HashMap<String, (usize, usize)>>,
}

struct Frame {
    indent: usize,
    is_item: bool,
    pointer: String,
    next_item: usize,
}

impl SourceMap {
    pub fn new(text: &str) -> Self {
        SourceMap { text: text.to_owned(), index: OnceLock::new() }
    }

    /// The 1-based line and column where `pointer` (or its nearest known ancestor) starts.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let index = self.index.get_or_init(|| build_index(&self.text));
        let mut current = pointer;
        loop {
            if let Some(found) = index.get(current) {
                return Some(*found);
            }
            let cut = current.rfind('/')?;
            current = &current[..cut];
        }
    }
}

fn build_index(text: &str) -> HashMap<String, (usize, usize)> {
    let mut index = HashMap::new();
    let mut stack: Vec<Frame> = vec![Frame { indent: 0, is_item: false, pointer: String::new(), next_item: 0 }];
    // Lines indented deeper than this belong to a scalar that started above them.
    let mut scalar_deeper_than: Option<usize> = None;

    for (line_number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start_matches(' ');
        let mut column = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") && column == 0 {
            continue;
        }
        if let Some(limit) = scalar_deeper_than {
            if column > limit {
                continue;
            }
            scalar_deeper_than = None;
        }
        let mut rest = trimmed;
        // Each leading "- " opens a sequence item; "- - x" opens two.
        while rest == "-" || rest.starts_with("- ") {
            while stack.len() > 1 {
                let top = stack.last().expect("stack keeps its root");
                if top.indent > column || (top.indent == column && top.is_item) {
                    stack.pop();
                } else {
                    break;
                }
            }
            let parent = stack.last_mut().expect("stack keeps its root");
            let pointer = format!("{}/{}", parent.pointer, parent.next_item);
            parent.next_item += 1;
            index.entry(pointer.clone()).or_insert((line_number + 1, column + 1));
            stack.push(Frame { indent: column, is_item: true, pointer, next_item: 0 });
            let after = rest[1..].trim_start_matches(' ');
            column += rest.len() - after.len();
            rest = after;
        }
        if rest.is_empty() {
            continue;
        }
        match split_key(rest) {
            Some((key, value)) => {
                while stack.len() > 1 && stack.last().is_some_and(|top| top.indent >= column) {
                    stack.pop();
                }
                let parent = stack.last().expect("stack keeps its root");
                let pointer = format!("{}/{}", parent.pointer, escape_token(&key));
                index.entry(pointer.clone()).or_insert((line_number + 1, column + 1));
                stack.push(Frame { indent: column, is_item: false, pointer, next_item: 0 });
                if !value.is_empty() && !value.starts_with('#') && !value.starts_with('&') {
                    scalar_deeper_than = Some(column);
                }
            }
            None => scalar_deeper_than = Some(column.saturating_sub(1)),
        }
    }
    index
}

/// Splits `key: value` (the key possibly quoted); `None` when the line is not a mapping entry.
fn split_key(line: &str) -> Option<(String, &str)> {
    let (key, after) = match line.chars().next()? {
        quote @ ('"' | '\'') => {
            let end = line[1..].find(quote)? + 1;
            (line[1..end].to_owned(), &line[end + 1..])
        }
        '{' | '[' => return None,
        _ => {
            let end = line.find(": ").or_else(|| line.ends_with(':').then(|| line.len() - 1))?;
            (line[..end].trim_end().to_owned(), &line[end..])
        }
    };
    let value = after.strip_prefix(':')?;
    if !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((key, value.trim()))
}

#[cfg(test)]
mod tests {
    use super::SourceMap;

    const YAML: &str = "openapi: 3.0.1\npaths:\n  /a/{id}:\n    get:\n      description: >\n        text: that looks like a key\n      parameters:\n      - name: id\n        in: path\n      - $ref: '#/components/parameters/x'\n      responses:\n        '200':\n          description: OK\n";

    #[test]
    fn locates_keys_items_and_quoted_keys() {
        let map = SourceMap::new(YAML);
        assert_eq!(map.locate("/paths/~1a~1{id}/get"), Some((4, 5)));
        assert_eq!(map.locate("/paths/~1a~1{id}/get/parameters/0"), Some((8, 7)));
        assert_eq!(map.locate("/paths/~1a~1{id}/get/parameters/0/in"), Some((9, 9)));
        assert_eq!(map.locate("/paths/~1a~1{id}/get/parameters/1/$ref"), Some((10, 9)));
        assert_eq!(map.locate("/paths/~1a~1{id}/get/responses/200/description"), Some((13, 11)));
    }

    #[test]
    fn skips_scalar_continuations_and_falls_back_to_ancestors() {
        let map = SourceMap::new(YAML);
        assert_eq!(map.locate("/paths/~1a~1{id}/get/description/text"), Some((5, 7)));
        assert_eq!(map.locate("/paths/~1a~1{id}/get/nothing/here"), Some((4, 5)));
        assert_eq!(map.locate(""), None);
    }
}
