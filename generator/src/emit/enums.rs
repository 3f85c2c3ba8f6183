//! The string enums of `models.rs` and `roles.rs`: one variant per value and a catch-all,
//! `KNOWN` and `as_str` (built as syntax trees: some Atlas enums have a thousand values), and
//! the runtime's `wire_enum!` for `Display`, `FromStr` and serde.

use quote::quote;

use super::syntax::{self, doc_literal, gate_attr, ident};
use super::template::{self, Fill, fill_item};
use crate::docs::code_span;
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
        .map(|v| syntax::variant(syntax::string_literal(&format!(" {}", code_span(&v.wire))), &v.name, syn::Fields::Unit))
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
