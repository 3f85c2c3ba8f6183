//! Docs: turns the spec's CommonMark descriptions into rustdoc text that builds without warnings.
//!
//! Spec prose is not written for rustdoc: bare URLs, `[a-f0-9]` that rustdoc would read as
//! intra-doc links, `<Payload>` that it would read as HTML, and code that it would compile as
//! doc tests (fenced blocks, whatever their language, and lines indented into a code block).
//! Each is neutralised here; the words stay as the spec has them. [`code_span`] quotes a
//! value from the spec (an enum value, a property name) whatever characters it holds.

/// The rustdoc lines for `text`: trimmed, escaped, every fenced block marked `text`, and
/// no line indented far enough to start an indented code block.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with("```") {
            // Spec examples are shell, JSON or prose, and a block marked `rust` need not
            // compile against this crate: none is a doc test.
            lines.push(if in_fence { "```" } else { "```text" }.to_owned());
            in_fence = !in_fence;
            continue;
        }
        lines.push(if in_fence { line.to_owned() } else { escape_prose(&outdent(line)) });
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    lines
}

/// `line` with its indentation (a tab counting four columns) cut to three columns at most:
/// four would start an indented code block, which rustdoc compiles as a doc test.
fn outdent(line: &str) -> std::borrow::Cow<'_, str> {
    let text = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - text.len()];
    let columns: usize = indent.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
    if columns < 4 && !indent.contains('\t') {
        return std::borrow::Cow::Borrowed(line);
    }
    std::borrow::Cow::Owned(format!("{}{text}", " ".repeat(columns.min(3))))
}

/// `value` as a CommonMark code span that shows exactly its characters: fenced by more
/// backticks than any run inside it, and padded with a space where it starts or ends with a
/// backtick (`` ` `` for a backtick).
pub fn code_span(value: &str) -> String {
    let longest = if value.contains('`') { value.split(|c| c != '`').map(str::len).max().unwrap_or(0) } else { 0 };
    let pad = if value.starts_with('`') || value.ends_with('`') { " " } else { "" };
    // Built by hand: `format!` costs more than the copying, and every enum value passes here.
    let mut span = String::with_capacity(value.len() + 2 * (longest + 2));
    let fence = |span: &mut String| (0..=longest).for_each(|_| span.push('`'));
    fence(&mut span);
    span.push_str(pad);
    span.push_str(value);
    span.push_str(pad);
    fence(&mut span);
    span
}

/// Escapes one line of prose outside code spans.
fn escape_prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let Some(len) = rest[start + 1..].find('`') else { break };
        out.push_str(&escape_plain(&rest[..start]));
        out.push_str(&rest[start..start + len + 2]);
        rest = &rest[start + len + 2..];
    }
    out.push_str(&escape_plain(rest));
    out
}

fn escape_plain(text: &str) -> String {
    // Most prose has nothing to escape: found by two quick scans, it is copied whole.
    if !text.bytes().any(|byte| matches!(byte, b'[' | b']' | b'<' | b'>')) && !text.contains("http") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_link_text = false;
    let bytes = text.as_bytes();
    // `text[copied..at]` is waiting to be copied as it is: everything but brackets, angle
    // brackets and URLs (scanned byte by byte: they are ASCII).
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        let byte = bytes[at];
        let url = byte == b'h' && (bytes[at..].starts_with(b"https://") || bytes[at..].starts_with(b"http://"));
        if !url && !matches!(byte, b'[' | b']' | b'<' | b'>') {
            at += 1;
            continue;
        }
        // An ASCII byte: a character boundary.
        let rest = &text[at..];
        out.push_str(&text[copied..at]);
        copied = at;
        if url {
            if preceded_by_link_syntax(&out) {
                at += 1;
                continue;
            }
            let end = rest.find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'')).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            at += url.len();
            copied = at;
            continue;
        }
        match byte {
            // `[text](url)` stays a link; any other bracket is literal text.
            b'[' if !in_link_text && link_follows(rest) => {
                in_link_text = true;
                out.push('[');
            }
            b']' if in_link_text => {
                in_link_text = false;
                out.push(']');
            }
            _ => {
                out.push('\\');
                out.push(char::from(byte));
            }
        }
        at += 1;
        copied = at;
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether `rest` (starting at `[`) is a `[text](target)` link.
fn link_follows(rest: &str) -> bool {
    let Some(close) = rest.find(']') else { return false };
    rest[close + 1..].starts_with('(') && !rest[1..close].contains('[')
}

fn preceded_by_link_syntax(out: &str) -> bool {
    out.ends_with("](") || out.ends_with('<')
}

#[cfg(test)]
mod tests {
    use super::doc_lines;

    #[test]
    fn neutralises_what_rustdoc_would_misread() {
        let text = "Matches ^([a-f0-9]{24})$ and <Payload>.\nSee https://example.com/x. Or [the docs](https://example.com/y) and `a[0]`.\n```\ncurl -X GET\n```";
        assert_eq!(
            doc_lines(text),
            vec![
                r"Matches ^(\[a-f0-9\]{24})$ and \<Payload\>.",
                "See <https://example.com/x>. Or [the docs](https://example.com/y) and `a[0]`.",
                "```text",
                "curl -X GET",
                "```",
            ]
        );
    }

    #[test]
    fn text_beyond_ascii_is_kept_around_what_is_escaped() {
        assert_eq!(
            doc_lines("API — façade [x] <é> see https://exämple.com/ü. ok"),
            vec![r"API — façade \[x\] \<é\> see <https://exämple.com/ü>. ok"]
        );
    }

    #[test]
    fn no_spec_text_becomes_a_doc_test() {
        let text = "Example:\n```rust\nlet x: Undefined = 1;\n```\n\n\tindented by a tab\n\n      six spaces\n  - two spaces";
        assert_eq!(
            doc_lines(text),
            vec![
                "Example:",
                "```text",
                "let x: Undefined = 1;",
                "```",
                "",
                "   indented by a tab",
                "",
                "   six spaces",
                "  - two spaces",
            ]
        );
    }

    #[test]
    fn code_spans_hold_any_value() {
        assert_eq!(super::code_span("GROUP_OWNER"), "`GROUP_OWNER`");
        assert_eq!(super::code_span("`"), "`` ` ``");
        assert_eq!(super::code_span("a``b"), "```a``b```");
        assert_eq!(super::code_span("\t"), "`\t`");
    }
}
