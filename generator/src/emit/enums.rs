//! The string enums of `models.rs` and `roles.rs`: one variant per value and a catch-all,
//! `KNOWN` and `as_str` (built as syntax trees: some Atlas enums have a thousand values), and
//! the runtime's `wire_enum!` for `Display`, `FromStr` and serde.

use proc_macro2::Literal;
use quote::quote;

use super::template::{self, Fill, fill_item};
use std::fmt::Write as _;

use super::{doc_literal, gate_attr, gate_text, ident, syntax, text};
use crate::docs::{code_span, doc_lines};
use crate::ir::{Api, Enum};

/// A string enum: the enum (a variant per value, and the catch-all) and `KNOWN` and `as_str`
/// built as syntax trees, then the runtime's `wire_enum!` for the conversions.
pub(super) fn emit(api: &Api, e: &Enum, items: &mut Vec<syn::Item>) {
    let mut attrs = Vec::new();
    syntax::doc_attrs(e.doc.as_deref().unwrap_or(&format!("The values of `{}`.", e.name)), &mut attrs);
    attrs.extend(gate_attr(api, &e.name));
    attrs.push(syntax::list_attr("derive", quote!(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)));
    let mut variants: syn::punctuated::Punctuated<syn::Variant, syn::Token![,]> = e
        .variants
        .iter()
        .map(|v| syntax::variant(Literal::string(&format!(" {}", code_span(&v.wire))), &v.name, syn::Fields::Unit))
        .collect();
    variants.push(syntax::variant(
        doc_literal("A value this version of the crate does not know, kept as it was sent."),
        &e.catch_all,
        syntax::tuple_fields(syntax::plain(&["String"])),
    ));
    items.push(syntax::pub_enum(attrs, &e.name, variants));

    let known = e.variants.iter().map(|v| syn::Expr::Path(syntax::self_path(&v.name))).collect();
    let arms = e
        .variants
        .iter()
        .map(|v| syn::Arm {
            attrs: Vec::new(),
            pat: syn::Pat::Path(syntax::self_path(&v.name)),
            guard: None,
            fat_arrow_token: Default::default(),
            body: Box::new(syntax::str_expr(&v.wire)),
            comma: Some(Default::default()),
        })
        .collect();
    let mut fills = [
        ("__Name", Fill::Ident(ident(&e.name))),
        ("__CatchAll", Fill::Ident(ident(&e.catch_all))),
        ("__known", Fill::Exprs(known)),
        ("__arms", Fill::Arms(arms)),
    ];
    let mut tail = TAIL.with(Vec::clone);
    for item in &mut tail {
        fill_item(item, &mut fills);
        item_attrs(item).splice(0..0, gate_attr(api, &e.name));
    }
    items.extend(tail);
}

/// The enum as [`emit`]'s trees print (blank lines in, as `format::separate_items` puts
/// them), written as text (see `super::text`); `None` where its
/// `#[cfg]` or macro call would need breaking.
pub(super) fn emit_text(api: &Api, e: &Enum) -> Option<String> {
    let mut out = String::with_capacity(400 + 120 * e.variants.len());
    let doc = match &e.doc {
        Some(doc) => doc_lines(doc),
        None => doc_lines(&format!("The values of `{}`.", e.name)),
    };
    text::doc_lines("", &doc, &mut out);
    let gate = match gate_text(api, &e.name) {
        Some(condition) => {
            let attr = format!("#[cfg({condition})]\n");
            if !text::fits("", attr.trim_end()) {
                return None;
            }
            attr
        }
        None => String::new(),
    };
    let mac = format!("crate::runtime::wire_enum!({}, {});", e.name, e.catch_all);
    if !text::fits("", &mac) {
        return None;
    }
    out.push_str(&gate);
    out.push_str("#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]\n");
    let _ = writeln!(out, "pub enum {} {{", e.name);
    for v in &e.variants {
        text::doc_line("    ", &code_span(&v.wire), &mut out);
        let _ = writeln!(out, "    {},", v.name);
    }
    text::doc_line("    ", "A value this version of the crate does not know, kept as it was sent.", &mut out);
    // The blank lines `format::separate_items` puts after an item and a constant.
    let _ = writeln!(out, "    {}(String),\n}}\n", e.catch_all);
    out.push_str(&gate);
    let _ = writeln!(out, "impl {} {{", e.name);
    text::doc_line("    ", "Every value the spec lists, in its order.", &mut out);
    let known: Vec<String> = e.variants.iter().map(|v| format!("Self::{}", v.name)).collect();
    text::array_line("    ", "pub const KNOWN: &'static [Self] = &", &known, ";", &mut out);
    out.push('\n');
    text::doc_line("    ", "The value as it appears on the wire.", &mut out);
    out.push_str("    pub fn as_str(&self) -> &str {\n        match self {\n");
    for v in &e.variants {
        text::arm("            ", &format!("Self::{}", v.name), &text::string_literal(&v.wire), &mut out);
    }
    let _ = writeln!(out, "            Self::{}(value) => value,\n        }}\n    }}\n}}\n", e.catch_all);
    out.push_str(&gate);
    out.push_str(&mac);
    out.push('\n');
    Some(out)
}

thread_local! {
    /// The tail's template, parsed once per thread (syntax trees cannot cross threads).
    static TAIL: Vec<syn::Item> = tail_template();
}

/// The impl with `KNOWN` and `as_str`, and the macro call, for an enum `__Name` whose
/// catch-all is `__CatchAll`; the values (`__known`) and their arms (`__arms`) go in as trees.
fn tail_template() -> Vec<syn::Item> {
    let file: syn::File = template::parse(quote! {
        impl __Name {
            /// Every value the spec lists, in its order.
            pub const KNOWN: &'static [Self] = &[__known];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    __arms => unreachable!(),
                    Self::__CatchAll(value) => value,
                }
            }
        }

        // `Display`, `FromStr` and serde, from `KNOWN` and `as_str`.
        crate::runtime::wire_enum!(__Name, __CatchAll);
    });
    file.items
}

fn item_attrs(item: &mut syn::Item) -> &mut Vec<syn::Attribute> {
    match item {
        syn::Item::Impl(item) => &mut item.attrs,
        syn::Item::Macro(item) => &mut item.attrs,
        _ => unreachable!("the tail is an impl and a macro call"),
    }
}
