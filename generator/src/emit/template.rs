//! Items that every operation (or enum, or union) has in the same shape, parsed once per
//! thread by the module that uses them and filled in per use.
//!
//! A template is ordinary Rust tokens with placeholders: identifiers that start with two
//! underscores (`__name`). Filling ([`fill_item`] and its siblings) clones nothing; in a tree
//! the caller has cloned, it replaces each placeholder identifier, each placeholder
//! expression or type (a path that is just the placeholder), each placeholder pattern (a
//! binding of it), each placeholder argument (`f(__args)`, by any number of arguments) and
//! each placeholder statement (`__stmts;`, by any number of statements) with its value. What
//! comes out is the tree that parsing the filled-in tokens would give, so prettyplease prints
//! it the same, byte for byte.
//!
//! A run (arguments, statements, arms) is spliced in after the template around it is filled,
//! and is not walked: its own placeholders are filled before, when it is built. A value may
//! be filled into a tree that is filled again (a union's arms, then its name): no name
//! `names.rs` makes starts with two underscores (`names::tests`), so a value is never taken
//! for a placeholder.

use proc_macro2::{Ident, TokenStream};
use syn::visit_mut::VisitMut;
use syn::{Expr, Type};

/// What a placeholder stands for.
pub(crate) enum Fill {
    Ident(Ident),
    Expr(Expr),
    Type(Type),
    Pat(syn::Pat),
    /// In an argument list (`f(__args)`), any number of arguments.
    Exprs(Vec<Expr>),
    /// As a statement of its own (`__stmts;`), any number of statements.
    Stmts(Vec<syn::Stmt>),
    /// As an arm of a match (`__arms => unreachable!(),`), any number of arms.
    Arms(Vec<syn::Arm>),
}

/// Parses a template: generator code, so a template that does not parse is a bug.
pub(crate) fn parse<T: syn::parse::Parse>(tokens: TokenStream) -> T {
    match syn::parse2(tokens.clone()) {
        Ok(tree) => tree,
        Err(error) => panic!("generator bug: a template does not parse ({error}):\n{tokens}"),
    }
}

/// A match arm parsed from `tokens` (syn parses an arm only inside a `match`).
pub(crate) fn parse_arm(tokens: TokenStream) -> syn::Arm {
    let by: syn::ExprMatch = parse(quote::quote!(match () { #tokens }));
    by.arms.into_iter().next().expect("the template is one arm")
}

/// Statements parsed from `tokens`.
pub(crate) fn statements(tokens: TokenStream) -> Vec<syn::Stmt> {
    match syn::parse::Parser::parse2(syn::Block::parse_within, tokens.clone()) {
        Ok(statements) => statements,
        Err(error) => panic!("generator bug: emitted tokens do not parse as statements ({error}):\n{tokens}"),
    }
}

/// Fills the placeholders of an item.
pub(crate) fn fill_item(item: &mut syn::Item, fills: &mut [(&str, Fill)]) {
    Filler { fills }.visit_item_mut(item);
}

/// Fills the placeholders of a method (or another item of an `impl`).
pub(crate) fn fill_impl_item(item: &mut syn::ImplItem, fills: &mut [(&str, Fill)]) {
    Filler { fills }.visit_impl_item_mut(item);
}

/// Fills the placeholders of an expression.
pub(crate) fn fill_expr(expr: &mut Expr, fills: &mut [(&str, Fill)]) {
    Filler { fills }.visit_expr_mut(expr);
}

/// Fills the placeholders of a run of statements, a statement placeholder among them too.
pub(crate) fn fill_stmts(statements: &mut Vec<syn::Stmt>, fills: &mut [(&str, Fill)]) {
    let mut block = syn::Block { brace_token: Default::default(), stmts: std::mem::take(statements) };
    Filler { fills }.visit_block_mut(&mut block);
    *statements = block.stmts;
}

/// Fills the placeholders of one statement.
pub(crate) fn fill_stmt(statement: &mut syn::Stmt, fills: &mut [(&str, Fill)]) {
    Filler { fills }.visit_stmt_mut(statement);
}

/// Fills the placeholders of a match arm.
pub(crate) fn fill_arm(arm: &mut syn::Arm, fills: &mut [(&str, Fill)]) {
    Filler { fills }.visit_arm_mut(arm);
}

/// The placeholders left in `file`, in order: a generator bug when there are any, since each
/// would print as an identifier of the generated code. Checked in debug builds for every file
/// emitted (`emit::Job::run`) and by the tests over every template.
#[cfg(debug_assertions)]
pub(crate) fn placeholders_left(file: &mut syn::File) -> Vec<String> {
    let mut finder = Leftovers(Vec::new());
    finder.visit_file_mut(file);
    finder.0
}

/// Collects placeholder identifiers, leaving the tree as it is (syn's read-only visitor is
/// not compiled in; this walks with the mutable one and changes nothing).
#[cfg(debug_assertions)]
struct Leftovers(Vec<String>);

#[cfg(debug_assertions)]
impl VisitMut for Leftovers {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        let name = ident.to_string();
        if name.trim_start_matches("r#").starts_with("__") {
            self.0.push(name);
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        syn::visit_mut::visit_macro_mut(self, mac);
        let mut pending: Vec<TokenStream> = vec![mac.tokens.clone()];
        while let Some(tokens) = pending.pop() {
            for token in tokens {
                match token {
                    proc_macro2::TokenTree::Ident(mut ident) => self.visit_ident_mut(&mut ident),
                    proc_macro2::TokenTree::Group(group) => pending.push(group.stream()),
                    _ => {}
                }
            }
        }
    }
}

/// Fills placeholders. A run (arguments, statements, arms) is moved into the one place its
/// placeholder stands, not cloned: each run placeholder appears once in a template.
struct Filler<'f, 'n> {
    fills: &'f mut [(&'n str, Fill)],
}

impl Filler<'_, '_> {
    fn find(&self, ident: &Ident) -> Option<&Fill> {
        self.fills.iter().find(|(name, _)| ident == name).map(|(_, fill)| fill)
    }

    fn find_mut(&mut self, ident: &Ident) -> Option<&mut Fill> {
        self.fills.iter_mut().find(|(name, _)| ident == name).map(|(_, fill)| fill)
    }

    /// The run a placeholder path stands for, moved out.
    fn take_run<T>(&mut self, expr: &Expr, run: fn(&mut Fill) -> Option<&mut Vec<T>>) -> Option<Vec<T>> {
        let Expr::Path(path) = expr else { return None };
        if path.qself.is_some() || path.path.leading_colon.is_some() || path.path.segments.len() != 1 {
            return None;
        }
        let segment = path.path.segments.first()?;
        if !segment.arguments.is_none() {
            return None;
        }
        self.find_mut(&segment.ident).and_then(run).map(std::mem::take)
    }

    /// The fill of an expression that is only a placeholder.
    fn find_expr(&self, expr: &Expr) -> Option<&Fill> {
        match expr {
            Expr::Path(path) if path.qself.is_none() => self.find_path(&path.path),
            _ => None,
        }
    }

    /// `args` with each `Fill::Exprs` placeholder replaced by its arguments.
    fn splice_args(&mut self, args: &mut syn::punctuated::Punctuated<Expr, syn::Token![,]>) {
        if !args.iter().any(|arg| matches!(self.find_expr(arg), Some(Fill::Exprs(_)))) {
            return;
        }
        fn exprs(fill: &mut Fill) -> Option<&mut Vec<Expr>> {
            match fill {
                Fill::Exprs(values) => Some(values),
                _ => None,
            }
        }
        *args =
            std::mem::take(args).into_iter().flat_map(|arg| self.take_run(&arg, exprs).unwrap_or_else(|| vec![arg])).collect();
    }

    /// The fill for a path that is only a placeholder (`__name`, not `a::__name`).
    fn find_path(&self, path: &syn::Path) -> Option<&Fill> {
        match (path.leading_colon, path.segments.first()) {
            (None, Some(segment)) if path.segments.len() == 1 && segment.arguments.is_none() => self.find(&segment.ident),
            _ => None,
        }
    }
}

impl VisitMut for Filler<'_, '_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Path(_) = expr {
            if let Some(Fill::Expr(value)) = self.find_expr(expr) {
                *expr = value.clone();
                return;
            }
        }
        // The template's own parts first; the runs spliced in after are values, not walked.
        syn::visit_mut::visit_expr_mut(self, expr);
        match expr {
            Expr::Call(call) => self.splice_args(&mut call.args),
            Expr::MethodCall(call) => self.splice_args(&mut call.args),
            Expr::Array(array) => self.splice_args(&mut array.elems),
            Expr::Match(by) => {
                let is_run = |filler: &Self, arm: &syn::Arm| match &arm.pat {
                    syn::Pat::Ident(binding) => matches!(filler.find(&binding.ident), Some(Fill::Arms(_))),
                    _ => false,
                };
                if by.arms.iter().any(|arm| is_run(self, arm)) {
                    by.arms = std::mem::take(&mut by.arms)
                        .into_iter()
                        .flat_map(|arm| match &arm.pat {
                            syn::Pat::Ident(binding) if is_run(self, &arm) => match self.find_mut(&binding.ident) {
                                Some(Fill::Arms(arms)) => std::mem::take(arms),
                                _ => unreachable!("checked to be a run of arms"),
                            },
                            _ => vec![arm],
                        })
                        .collect();
                }
            }
            _ => {}
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        syn::visit_mut::visit_block_mut(self, block);
        let is_placeholder = |stmt: &syn::Stmt| match stmt {
            syn::Stmt::Expr(expr, Some(_)) => matches!(self.find_expr(expr), Some(Fill::Stmts(_))),
            _ => false,
        };
        if block.stmts.iter().any(is_placeholder) {
            block.stmts = std::mem::take(&mut block.stmts)
                .into_iter()
                .flat_map(|stmt| {
                    fn statements(fill: &mut Fill) -> Option<&mut Vec<syn::Stmt>> {
                        match fill {
                            Fill::Stmts(values) => Some(values),
                            _ => None,
                        }
                    }
                    match &stmt {
                        syn::Stmt::Expr(expr, Some(_)) => self.take_run(expr, statements).unwrap_or_else(|| vec![stmt]),
                        _ => vec![stmt],
                    }
                })
                .collect();
        }
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

    /// A macro's arguments are tokens, not a tree: identifiers among them are filled too
    /// (`wire_enum!(__Name, __CatchAll)`).
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        syn::visit_mut::visit_macro_mut(self, mac);
        mac.tokens = self.fill_tokens(std::mem::take(&mut mac.tokens));
    }
}

impl Filler<'_, '_> {
    fn fill_tokens(&self, tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .map(|token| match token {
                proc_macro2::TokenTree::Ident(ident) => match self.find(&ident) {
                    Some(Fill::Ident(value)) => proc_macro2::TokenTree::Ident(value.clone()),
                    _ => proc_macro2::TokenTree::Ident(ident),
                },
                proc_macro2::TokenTree::Group(group) => {
                    let mut filled = proc_macro2::Group::new(group.delimiter(), self.fill_tokens(group.stream()));
                    filled.set_span(group.span());
                    proc_macro2::TokenTree::Group(filled)
                }
                other => other,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::{Fill, fill_item, parse};
    use crate::emit::syntax::{self, ident};

    /// A filled template is the tree the filled-in tokens parse to.
    #[test]
    fn a_filled_template_is_the_parsed_item() {
        let template: syn::Item = parse(quote! {
            pub fn __name(value: __Ty) -> __Ty {
                __before;
                helper::__name(value, __extra, __more)
            }
        });
        let mut filled = template.clone();
        fill_item(
            &mut filled,
            &mut [
                ("__name", Fill::Ident(ident("get_group"))),
                ("__Ty", Fill::Type(syntax::generic(&["Vec"], [syntax::plain(&["u8"])]))),
                ("__extra", Fill::Expr(syntax::str_expr("extra"))),
                ("__more", Fill::Exprs(vec![syntax::variable("a"), syntax::variable("b")])),
                ("__before", Fill::Stmts(super::statements(quote!(let a = 1; let b = a;)))),
            ],
        );
        let parsed: syn::Item = parse(quote! {
            pub fn get_group(value: Vec<u8>) -> Vec<u8> {
                let a = 1;
                let b = a;
                helper::get_group(value, "extra", a, b)
            }
        });
        assert_eq!(quote!(#filled).to_string(), quote!(#parsed).to_string());
        // A placeholder left without a value stays as it was.
        let mut partly = template.clone();
        fill_item(&mut partly, &mut [("__name", Fill::Ident(ident("get_group")))]);
        let partly = quote!(#partly).to_string();
        assert!(partly.contains("helper :: get_group") && partly.contains("__Ty") && partly.contains("__extra"), "{partly}");
        // No arguments and no statements leave neither behind.
        let mut empty = template.clone();
        fill_item(&mut empty, &mut [("__more", Fill::Exprs(Vec::new())), ("__before", Fill::Stmts(Vec::new()))]);
        let empty = quote!(#empty).to_string();
        assert!(!empty.contains("__more") && !empty.contains("__before") && empty.contains("(value , __extra)"), "{empty}");
    }

    /// Arms, array elements, a macro's arguments and a statement placeholder at the top of a
    /// run are filled like the rest; whatever is not filled is found.
    #[test]
    #[cfg(debug_assertions)]
    fn arms_elements_macro_arguments_and_runs_are_filled_and_leftovers_found() {
        use super::{fill_stmts, placeholders_left};
        let template: syn::File = parse(quote! {
            const KNOWN: &[u8] = &[__known];
            fn f(x: u8) -> u8 {
                match x {
                    __arms => unreachable!(),
                    _ => 0,
                }
            }
            wire_enum!(__Name, (__Name));
        });
        let arms = vec![parse::<syn::Arm>(quote!(1 => 2,)), parse::<syn::Arm>(quote!(3 => 4,))];
        let mut filled = template.clone();
        let mut fills = [
            ("__known", Fill::Exprs(vec![syntax::variable("A"), syntax::variable("B")])),
            ("__arms", Fill::Arms(arms)),
            ("__Name", Fill::Ident(ident("Mark"))),
        ];
        for item in &mut filled.items {
            fill_item(item, &mut fills);
        }
        let parsed: syn::File = parse(quote! {
            const KNOWN: &[u8] = &[A, B];
            fn f(x: u8) -> u8 {
                match x {
                    1 => 2,
                    3 => 4,
                    _ => 0,
                }
            }
            wire_enum!(Mark, (Mark));
        });
        assert_eq!(quote!(#filled).to_string(), quote!(#parsed).to_string());
        assert!(placeholders_left(&mut filled).is_empty());
        assert_eq!(placeholders_left(&mut template.clone()), ["__known", "__arms", "__Name", "__Name"]);

        let mut run = super::statements(quote!(let a = 1; __more; a));
        fill_stmts(&mut run, &mut [("__more", Fill::Stmts(super::statements(quote!(let b = a;))))]);
        assert_eq!(quote!(#(#run)*).to_string(), quote!(let a = 1; let b = a; a).to_string());
    }
}
