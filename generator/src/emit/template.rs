//! Items that every operation (or enum) has in the same shape, parsed once per file and
//! filled in per use.
//!
//! A template is ordinary Rust tokens with placeholders: identifiers that start with two
//! underscores (`__name`). [`fill`] clones nothing; it replaces, in a tree the caller has
//! cloned, each placeholder identifier, each placeholder expression or type (a path that is
//! just the placeholder) and each placeholder pattern (a binding of it) with its value. What comes out is the tree that
//! parsing the filled-in tokens would give, so prettyplease prints it the same, byte for byte.

use proc_macro2::{Ident, TokenStream};
use syn::visit_mut::VisitMut;
use syn::{Expr, Type};

/// What a placeholder stands for.
pub(crate) enum Fill {
    Ident(Ident),
    Expr(Expr),
    Type(Type),
    Pat(syn::Pat),
}

/// Parses a template: generator code, so a template that does not parse is a bug.
pub(crate) fn parse<T: syn::parse::Parse>(tokens: TokenStream) -> T {
    match syn::parse2(tokens.clone()) {
        Ok(tree) => tree,
        Err(error) => panic!("generator bug: a template does not parse ({error}):\n{tokens}"),
    }
}

/// Fills the placeholders of an item.
pub(crate) fn fill_item(item: &mut syn::Item, fills: &[(&str, Fill)]) {
    Filler { fills }.visit_item_mut(item);
}

/// Fills the placeholders of a method (or another item of an `impl`).
pub(crate) fn fill_impl_item(item: &mut syn::ImplItem, fills: &[(&str, Fill)]) {
    Filler { fills }.visit_impl_item_mut(item);
}

/// Fills the placeholders of an expression.
pub(crate) fn fill_expr(expr: &mut Expr, fills: &[(&str, Fill)]) {
    Filler { fills }.visit_expr_mut(expr);
}

/// The visitor that fills `fills` into whatever tree it visits.
pub(crate) fn filler<'a>(fills: &'a [(&'a str, Fill)]) -> impl VisitMut + 'a {
    Filler { fills }
}

struct Filler<'a> {
    fills: &'a [(&'a str, Fill)],
}

impl Filler<'_> {
    fn find(&self, ident: &Ident) -> Option<&Fill> {
        self.fills.iter().find(|(name, _)| ident == name).map(|(_, fill)| fill)
    }

    /// The fill for a path that is only a placeholder (`__name`, not `a::__name`).
    fn find_path(&self, path: &syn::Path) -> Option<&Fill> {
        match (path.leading_colon, path.segments.first()) {
            (None, Some(segment)) if path.segments.len() == 1 && segment.arguments.is_none() => self.find(&segment.ident),
            _ => None,
        }
    }
}

impl VisitMut for Filler<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Path(path) = expr {
            if let (None, Some(Fill::Expr(value))) = (&path.qself, self.find_path(&path.path)) {
                *expr = value.clone();
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(path) = ty {
            if let (None, Some(Fill::Type(value))) = (&path.qself, self.find_path(&path.path)) {
                *ty = value.clone();
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }

    fn visit_pat_mut(&mut self, pat: &mut syn::Pat) {
        if let syn::Pat::Ident(binding) = pat {
            if let Some(Fill::Pat(value)) = self.find(&binding.ident) {
                *pat = value.clone();
                return;
            }
        }
        syn::visit_mut::visit_pat_mut(self, pat);
    }

    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if let Some(Fill::Ident(value)) = self.find(ident) {
            *ident = value.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::{Fill, fill_item, parse};
    use crate::emit::{ident, syntax};

    /// A filled template is the tree the filled-in tokens parse to.
    #[test]
    fn a_filled_template_is_the_parsed_item() {
        let template: syn::Item = parse(quote! {
            pub fn __name(value: __Ty) -> __Ty { helper::__name(value, __extra) }
        });
        let mut filled = template.clone();
        fill_item(
            &mut filled,
            &[
                ("__name", Fill::Ident(ident("get_group"))),
                ("__Ty", Fill::Type(syntax::generic(&["Vec"], [syntax::plain(&["u8"])]))),
                ("__extra", Fill::Expr(syntax::str_expr("extra"))),
            ],
        );
        let parsed: syn::Item = parse(quote! {
            pub fn get_group(value: Vec<u8>) -> Vec<u8> { helper::get_group(value, "extra") }
        });
        assert_eq!(quote!(#filled).to_string(), quote!(#parsed).to_string());
        // A placeholder left without a value stays as it was.
        let mut partly = template.clone();
        fill_item(&mut partly, &[("__name", Fill::Ident(ident("get_group")))]);
        let partly = quote!(#partly).to_string();
        assert!(partly.contains("helper :: get_group") && partly.contains("__Ty") && partly.contains("__extra"), "{partly}");
    }
}
