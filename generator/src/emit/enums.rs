//! The string enums of `models.rs` and `roles.rs`: one variant per value and a catch-all,
//! `KNOWN` and `as_str` (built as syntax trees: some Atlas enums have a thousand values), and
//! the runtime's `wire_enum!` for `Display`, `FromStr` and serde.

use proc_macro2::Literal;
use quote::quote;

use super::template::{self, Fill, fill_item};
use super::{doc_literal, gate_attr, ident, syntax};
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
        .map(|v| syntax::variant(Literal::string(&format!(" {}", code_span(&v.wire))), &v.name, syn::Fields::Unit))
        .collect();
    variants.push(syntax::variant(
        doc_literal("A value this version of the crate does not know, kept as it was sent."),
        &e.catch_all,
        syntax::tuple_fields(syntax::plain(&["String"])),
    ));
    items.push(syntax::pub_enum(attrs, &e.name, variants));

    let (name, catch_all) = (ident(&e.name), ident(&e.catch_all));
    let fills = [("__Name", Fill::Ident(name.clone())), ("__CatchAll", Fill::Ident(catch_all.clone()))];
    let mut tail = TAIL.with(Vec::clone);
    for item in &mut tail {
        fill_item(item, &fills);
        item_attrs(item).splice(0..0, gate_attr(api, &e.name));
    }
    if let Some(syn::Item::Macro(call)) = tail.last_mut() {
        call.mac.tokens = quote!(#name, #catch_all);
    }
    let Some(syn::Item::Impl(inherent)) = tail.first_mut() else { unreachable!("the tail starts with the impl") };
    for item in &mut inherent.items {
        match item {
            syn::ImplItem::Const(known) => {
                let syn::Expr::Reference(reference) = &mut known.expr else { unreachable!("KNOWN is `&[...]`") };
                let syn::Expr::Array(array) = &mut *reference.expr else { unreachable!("KNOWN is `&[...]`") };
                array.elems = e.variants.iter().map(|v| syn::Expr::Path(syntax::self_path(&v.name))).collect();
            }
            syn::ImplItem::Fn(as_str) => {
                let Some(syn::Stmt::Expr(syn::Expr::Match(arms), None)) = as_str.block.stmts.first_mut() else {
                    unreachable!("as_str is one match")
                };
                let known = e.variants.iter().map(|v| syn::Arm {
                    attrs: Vec::new(),
                    pat: syn::Pat::Path(syntax::self_path(&v.name)),
                    guard: None,
                    fat_arrow_token: Default::default(),
                    body: Box::new(syntax::str_expr(&v.wire)),
                    comma: Some(Default::default()),
                });
                arms.arms.splice(0..0, known);
            }
            _ => unreachable!("the impl holds KNOWN and as_str"),
        }
    }
    items.extend(tail);
}

thread_local! {
    /// The tail's template, parsed once per thread (syntax trees cannot cross threads).
    static TAIL: Vec<syn::Item> = tail_template();
}

/// The impl with `KNOWN` empty and only the catch-all's arm, and the macro call, for an enum
/// `__Name` whose catch-all is `__CatchAll`; the values go in as trees.
fn tail_template() -> Vec<syn::Item> {
    let file: syn::File = template::parse(quote! {
        impl __Name {
            /// Every value the spec lists, in its order.
            pub const KNOWN: &'static [Self] = &[];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
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
