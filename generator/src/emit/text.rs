//! Items written straight as formatted text, byte for byte what prettyplease prints for their
//! syntax trees, for the shapes a spec has thousands of (model structs).
//!
//! prettyplease breaks a group (an attribute's arguments, a type's generic arguments) only
//! when the line it is on would pass its margin of 89 bytes; it then puts each element on a
//! line of its own, four columns in. This writer does the same for one level of breaking, and
//! declines (returns `None`) wherever a line would still not fit: the caller then builds the
//! syntax tree and prettyplease decides. `tests::text_is_what_prettyplease_prints` holds the
//! two side by side for every model of the fragment and of both full upstream specs.

use std::fmt::Write as _;

/// prettyplease's margin, in bytes.
const MARGIN: usize = 89;
/// One level of indentation.
const INDENT: &str = "    ";

/// `///` lines for `lines` (from `docs::doc_lines`), at `indent`: prettyplease prints each
/// `#[doc = " line"]` as `///` and the line.
pub(crate) fn doc_lines<S: AsRef<str>>(indent: &str, lines: &[S], out: &mut String) {
    for line in lines {
        doc_line(indent, line.as_ref(), out);
    }
}

/// One `///` line: `line` behind a space, or `///` alone for an empty line.
pub(crate) fn doc_line(indent: &str, line: &str, out: &mut String) {
    out.push_str(indent);
    out.push_str("///");
    if !line.is_empty() {
        out.push(' ');
        out.push_str(line.trim_end_matches(' '));
    }
    out.push('\n');
}

/// `#[name(args)]` at `indent`, the arguments joined by `, `; broken one per line when the
/// line would pass the margin (with a trailing comma only where the tokens end with one).
pub(crate) fn list_attr(indent: &str, name: &str, args: &[&str], trailing_comma: bool, out: &mut String) {
    let start = out.len();
    let _ = write!(out, "{indent}#[{name}(");
    for (index, arg) in args.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(arg);
    }
    out.push_str(")]");
    if out.len() - start <= MARGIN || args.is_empty() {
        out.push('\n');
        return;
    }
    out.truncate(start);
    let _ = writeln!(out, "{indent}#[{name}(");
    for (index, arg) in args.iter().enumerate() {
        let comma = if index + 1 < args.len() || trailing_comma { "," } else { "" };
        let _ = writeln!(out, "{indent}{INDENT}{arg}{comma}");
    }
    let _ = writeln!(out, "{indent})]");
}

/// A type as prettyplease prints it: a path, with generic arguments or without.
pub(crate) enum Type {
    Plain(String),
    Generic(String, Vec<Type>),
}

impl Type {
    pub(crate) fn plain(path: impl Into<String>) -> Type {
        Type::Plain(path.into())
    }

    pub(crate) fn generic(path: impl Into<String>, args: Vec<Type>) -> Type {
        Type::Generic(path.into(), args)
    }

    /// On one line: `a::B<C, D>`.
    pub(crate) fn flat_string(&self) -> String {
        let mut out = String::new();
        self.flat(&mut out);
        out
    }

    fn flat(&self, out: &mut String) {
        match self {
            Type::Plain(path) => out.push_str(path),
            Type::Generic(path, args) => {
                out.push_str(path);
                out.push('<');
                for (index, arg) in args.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    arg.flat(out);
                }
                out.push('>');
            }
        }
    }
}

/// `{indent}{head}{ty}{tail}`, the type's generic arguments broken one per line if the line
/// would pass the margin; `false` (and nothing written) where a broken line still would not
/// fit or the type has nothing to break.
pub(crate) fn typed_line(indent: &str, head: &str, ty: &Type, tail: &str, out: &mut String) -> bool {
    let start = out.len();
    out.push_str(indent);
    out.push_str(head);
    ty.flat(out);
    out.push_str(tail);
    if out.len() - start <= MARGIN {
        out.push('\n');
        return true;
    }
    out.truncate(start);
    let Type::Generic(path, args) = ty else { return false };
    let _ = writeln!(out, "{indent}{head}{path}<");
    for arg in args {
        let line = out.len();
        out.push_str(indent);
        out.push_str(INDENT);
        arg.flat(out);
        out.push(',');
        if out.len() - line > MARGIN {
            out.truncate(start);
            return false;
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{indent}>{tail}");
    true
}

/// `{head}{args}{tail}`: a parenthesized list (a signature's parameters, a call's arguments)
/// on one line, or, when that would pass the margin, one argument per line (each with a
/// comma) and `tail` on a line of its own, at `head`'s indentation. `false` (and nothing
/// written) where a line would still not fit.
pub(crate) fn call_lines(head: &str, args: &[String], tail: &str, out: &mut String) -> bool {
    let start = out.len();
    let _ = write!(out, "{head}{}{tail}", args.join(", "));
    if out.len() - start <= MARGIN {
        out.push('\n');
        return true;
    }
    out.truncate(start);
    let indent = &head[..head.len() - head.trim_start().len()];
    let _ = writeln!(out, "{head}");
    for arg in args {
        let line = out.len();
        let _ = write!(out, "{indent}{INDENT}{arg},");
        if out.len() - line > MARGIN {
            out.truncate(start);
            return false;
        }
        out.push('\n');
    }
    let line = out.len();
    let _ = write!(out, "{indent}{tail}");
    if out.len() - line > MARGIN {
        out.truncate(start);
        return false;
    }
    out.push('\n');
    true
}

/// A string literal as `proc_macro2::Literal::string` writes it (and prettyplease prints it):
/// quoted, with `\\`, `"` and anything not printable ASCII escaped.
pub(crate) fn string_literal(value: &str) -> String {
    if value.bytes().all(|byte| (0x20..0x7f).contains(&byte) && byte != b'"' && byte != b'\\') {
        format!("\"{value}\"")
    } else {
        proc_macro2::Literal::string(value).to_string()
    }
}

/// The items of `wrapper` (an `impl` or `mod` block) as prettyplease prints them inside it:
/// the lines between the wrapper's braces, at the wrapper's indentation plus four.
pub(crate) fn inside(wrapper: syn::Item) -> String {
    let file = syn::File { shebang: None, attrs: Vec::new(), items: vec![wrapper] };
    // A placeholder left in a tree is a generator bug.
    #[cfg(debug_assertions)]
    {
        let left = super::template::placeholders_left(&mut file.clone());
        assert!(left.is_empty(), "generator bug: placeholders left unfilled: {left:?}");
    }
    let printed = prettyplease::unparse(&file);
    let start = printed.find('\n').map_or(printed.len(), |newline| newline + 1);
    let end = printed[..printed.len().saturating_sub(1)].rfind('\n').map_or(start, |newline| newline + 1);
    printed[start..end.max(start)].to_owned()
}

/// Whether `line` (no newline) fits on one line as it is.
pub(crate) fn fits(indent: &str, line: &str) -> bool {
    indent.len() + line.len() <= MARGIN
}
