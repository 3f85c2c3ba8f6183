//! Syntax trees built directly, for what varies item by item in the items a spec has
//! thousands of (model structs, their fields, enum variants and the arms that name them,
//! argument lists, the expressions filled into templates); and the conventions every emit
//! module shares: identifiers, doc literals, module preambles, feature gates, type paths.
//!
//! Parsing tokens was most of the generator's time, so these are built as the `syn` trees
//! the parse would give, and prettyplease prints them the same, byte for byte (the snapshot
//! tests and the full-spec output prove it).

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{
    AttrStyle, Attribute, Expr, ExprLit, ExprPath, Field, FieldMutability, Fields, GenericArgument, Lit, MacroDelimiter, Meta,
    MetaList, MetaNameValue, Path, PathArguments, PathSegment, Type, TypePath, Visibility,
};

use crate::docs::doc_lines;
use crate::ir::{Api, Module, Ty, TypeDef};

/// `#[cfg(feature = "...")]` (or `any` of several) for a type that only some tags reach;
/// nothing for the rest.
pub(crate) fn gate(api: &Api, type_name: &str) -> TokenStream {
    match gate_condition(api, type_name) {
        Some(condition) => quote!(#[cfg(#condition)]),
        None => quote!(),
    }
}

/// The `#[cfg]` of [`gate`] as an attribute, for items built as syntax trees.
pub(crate) fn gate_attr(api: &Api, type_name: &str) -> Option<syn::Attribute> {
    gate_condition(api, type_name).map(|condition| list_attr("cfg", condition))
}

/// What goes inside the `#[cfg(...)]` of a type only some tags reach.
fn gate_condition(api: &Api, type_name: &str) -> Option<TokenStream> {
    let features = gate_features(api, type_name)?;
    Some(match features.as_slice() {
        [one] => quote!(feature = #one),
        _ => quote!(any(#(feature = #features),*)),
    })
}

/// The features that compile a type only some tags reach.
fn gate_features<'a>(api: &'a Api, type_name: &str) -> Option<Vec<&'a str>> {
    let tags = api.gates.get(type_name)?;
    Some(tags.iter().map(|tag| api.tags[*tag].feature.as_str()).collect())
}

/// An identifier, raw (`r#type`) when the name says so.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The start of every generated module: its `//!` documentation, and an attribute that keeps
/// `cargo fmt` away, since prettyplease, not rustfmt, decides the layout of generated code.
pub(crate) fn module_preamble(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|line| doc_literal(&line));
    quote! {
        #( #![doc = #lines] )*
        #![cfg_attr(rustfmt, rustfmt::skip)]
    }
}

/// The string literal of one doc line: a space, then `line` (nothing for an empty line).
///
/// A raw string (`r"..."`, with as many `#` as the line needs) holds the line as it is, so
/// neither making the literal nor reading it back in the formatter escapes or unescapes it
/// character by character; prettyplease prints the same `///` line either way. A line a raw
/// string cannot hold (a carriage return) falls back to an ordinary literal.
pub(crate) fn doc_literal(line: &str) -> Literal {
    if line.is_empty() {
        return Literal::string("");
    }
    // One more `#` than the longest run of them after a quote in the line.
    let mut hashes = 0;
    for (index, _) in line.match_indices('"') {
        let run = line[index + 1..].bytes().take_while(|&byte| byte == b'#').count();
        hashes = hashes.max(run + 1);
    }
    // Built by hand: `format!` costs more than the copying, on every doc line.
    let mut raw = String::with_capacity(line.len() + 4 + 2 * hashes);
    raw.push('r');
    (0..hashes).for_each(|_| raw.push('#'));
    raw.push_str("\" ");
    raw.push_str(line);
    raw.push('"');
    (0..hashes).for_each(|_| raw.push('#'));
    raw.parse().unwrap_or_else(|_| Literal::string(&format!(" {line}")))
}

/// The module a named type lives in.
pub(crate) fn module_of(api: &Api, name: &str) -> Module {
    match api.types.get(name) {
        Some(TypeDef::Enum(e)) => e.module,
        _ => Module::Models,
    }
}

/// How types are written: bare inside the model modules, by full path elsewhere.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paths {
    Bare,
    Qualified,
}

/// `a::b::c` from its segments (each may be raw: `r#type`).
pub(crate) fn path(segments: &[&str]) -> Path {
    Path { leading_colon: None, segments: segments.iter().map(|segment| PathSegment::from(ident(segment))).collect() }
}

/// The expression (or pattern) `a::b::c`.
pub(crate) fn path_expr(segments: &[&str]) -> ExprPath {
    ExprPath { attrs: Vec::new(), qself: None, path: path(segments) }
}

/// The expression (or pattern) `Self::Variant`.
pub(crate) fn self_path(variant: &str) -> ExprPath {
    path_expr(&["Self", variant])
}

/// A string literal, as `Literal::string` makes it. A value of printable ASCII without `"` or
/// `\` needs no escaping, so its literal is read from the quoted value, at a fraction of the
/// cost of escaping it character by character.
pub(crate) fn string_literal(value: &str) -> Literal {
    if value.bytes().all(|byte| (0x20..0x7f).contains(&byte) && byte != b'"' && byte != b'\\') {
        let mut quoted = String::with_capacity(value.len() + 2);
        quoted.push('"');
        quoted.push_str(value);
        quoted.push('"');
        if let Ok(literal) = quoted.parse() {
            return literal;
        }
    }
    Literal::string(value)
}

/// A string literal expression, as `quote!` writes a `&str`. `LitStr::new` escapes the value
/// into the token and is done: `Lit::new` would read the token back to classify it, and an
/// expression's literal is printed as its token, never read (unlike a doc line's).
pub(crate) fn str_expr(value: &str) -> Expr {
    Expr::Lit(ExprLit { attrs: Vec::new(), lit: Lit::Str(syn::LitStr::new(value, Span::call_site())) })
}

/// `#[doc = <literal>]`.
pub(crate) fn doc_attr(literal: Literal) -> Attribute {
    outer(Meta::NameValue(MetaNameValue {
        path: path(&["doc"]),
        eq_token: Default::default(),
        value: Expr::Lit(ExprLit { attrs: Vec::new(), lit: Lit::new(literal) }),
    }))
}

/// `#![doc]` attributes for authored text, one per line, as `module_preamble` writes them.
pub(crate) fn inner_doc_attrs(text: &str, attrs: &mut Vec<Attribute>) {
    if text.is_empty() {
        attrs.push(inner(doc_attr(doc_literal(""))));
    }
    attrs.extend(text.lines().map(|line| inner(doc_attr(doc_literal(line)))));
}

/// `attr` as an inner attribute (`#![..]`).
pub(crate) fn inner(mut attr: Attribute) -> Attribute {
    attr.style = AttrStyle::Inner(Default::default());
    attr
}

/// The `#[doc]` attributes for spec text, as [`docs`] emits them.
pub(crate) fn doc_attrs(text: &str, attrs: &mut Vec<Attribute>) {
    attrs.extend(doc_lines(text).iter().map(|line| doc_attr(doc_literal(line))));
}

/// `#[name(tokens)]`: the tokens stay tokens, as syn keeps them.
pub(crate) fn list_attr(name: &str, tokens: TokenStream) -> Attribute {
    outer(Meta::List(MetaList { path: path(&[name]), delimiter: MacroDelimiter::Paren(Default::default()), tokens }))
}

fn outer(meta: Meta) -> Attribute {
    Attribute { pound_token: Default::default(), style: AttrStyle::Outer, bracket_token: Default::default(), meta }
}

/// A named field: `attrs pub name: ty`.
pub(crate) fn named_field(attrs: Vec<Attribute>, name: &str, ty: Type) -> Field {
    Field {
        attrs,
        vis: Visibility::Public(Default::default()),
        mutability: FieldMutability::None,
        ident: Some(ident(name)),
        colon_token: Some(Default::default()),
        ty,
    }
}

/// An unnamed field of a tuple variant: `(ty)`.
pub(crate) fn tuple_fields(ty: Type) -> Fields {
    let field = Field {
        attrs: Vec::new(),
        vis: Visibility::Inherited,
        mutability: FieldMutability::None,
        ident: None,
        colon_token: None,
        ty,
    };
    Fields::Unnamed(syn::FieldsUnnamed { paren_token: Default::default(), unnamed: Punctuated::from_iter([field]) })
}

/// `pub enum name { variants }`.
pub(crate) fn pub_enum(attrs: Vec<Attribute>, name: &str, variants: Punctuated<syn::Variant, syn::Token![,]>) -> syn::Item {
    syn::Item::Enum(syn::ItemEnum {
        attrs,
        vis: Visibility::Public(Default::default()),
        enum_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        brace_token: Default::default(),
        variants,
    })
}

/// A variant with one doc line: `#[doc = <doc>] name fields`.
pub(crate) fn variant(doc: Literal, name: &str, fields: Fields) -> syn::Variant {
    syn::Variant { attrs: vec![doc_attr(doc)], ident: ident(name), fields, discriminant: None }
}

/// The type `path`.
pub(crate) fn plain(segments: &[&str]) -> Type {
    Type::Path(TypePath { qself: None, path: path(segments) })
}

/// The type `path<args>`.
pub(crate) fn generic(segments: &[&str], args: impl IntoIterator<Item = Type>) -> Type {
    let mut path = path(segments);
    let last = path.segments.last_mut().expect("a path has a segment");
    last.arguments = PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
        colon2_token: None,
        lt_token: Default::default(),
        args: args.into_iter().map(GenericArgument::Type).collect(),
        gt_token: Default::default(),
    });
    Type::Path(TypePath { qself: None, path })
}

/// The Rust type of `ty`.
pub(crate) fn ty(api: &Api, ty: &Ty, paths: Paths) -> Type {
    match ty {
        Ty::String => plain(&["String"]),
        Ty::Bool => plain(&["bool"]),
        Ty::I32 => plain(&["i32"]),
        Ty::I64 => plain(&["i64"]),
        Ty::F64 => plain(&["f64"]),
        Ty::DateTime => generic(&["chrono", "DateTime"], [plain(&["chrono", "Utc"])]),
        Ty::Json => plain(&["serde_json", "Value"]),
        Ty::Id(name) => match paths {
            Paths::Bare => plain(&[name]),
            Paths::Qualified => plain(&["crate", "ids", name]),
        },
        Ty::Named(id) => match (paths, api.type_name(*id)) {
            (Paths::Bare, name) => plain(&[name]),
            (Paths::Qualified, name) => {
                let module = match module_of(api, name) {
                    Module::Models => "models",
                    Module::Roles => "roles",
                };
                plain(&["crate", module, name])
            }
        },
        Ty::Vec(inner) => generic(&["Vec"], [self::ty(api, inner, paths)]),
        Ty::Map(inner) => generic(&["std", "collections", "BTreeMap"], [plain(&["String"]), self::ty(api, inner, paths)]),
        Ty::Option(inner) => generic(&["Option"], [self::ty(api, inner, paths)]),
    }
}

/// The type `&ty`.
pub(crate) fn reference(ty: Type) -> Type {
    Type::Reference(syn::TypeReference { and_token: Default::default(), lifetime: None, mutability: None, elem: Box::new(ty) })
}

/// The type `()`.
pub(crate) fn unit() -> Type {
    Type::Tuple(syn::TypeTuple { paren_token: Default::default(), elems: Punctuated::new() })
}

/// The type of an argument passed by reference:
/// `&str` for strings, `&[T]` for lists, `&T` otherwise.
pub(crate) fn borrowed_ty(api: &Api, ty: &Ty) -> Type {
    match ty {
        Ty::String => reference(plain(&["str"])),
        Ty::Vec(inner) => reference(slice(self::ty(api, inner, Paths::Qualified))),
        other => reference(self::ty(api, other, Paths::Qualified)),
    }
}

/// The function argument `name: ty`.
pub(crate) fn fn_arg(name: &str, ty: Type) -> syn::FnArg {
    syn::FnArg::Typed(syn::PatType {
        attrs: Vec::new(),
        pat: Box::new(syn::Pat::Ident(syn::PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: ident(name),
            subpat: None,
        })),
        colon_token: Default::default(),
        ty: Box::new(ty),
    })
}

/// A literal expression: `true`, `false`, a number.
pub(crate) fn lit_expr(lit: Lit) -> Expr {
    Expr::Lit(ExprLit { attrs: Vec::new(), lit })
}

/// The call `function(args)`.
pub(crate) fn call(function: &[&str], args: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(Expr::Path(path_expr(function))),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// The type `[ty]`.
pub(crate) fn slice(ty: Type) -> Type {
    Type::Slice(syn::TypeSlice { bracket_token: Default::default(), elem: Box::new(ty) })
}

/// The expression `name`: a variable.
pub(crate) fn variable(name: &str) -> Expr {
    Expr::Path(path_expr(&[name]))
}

/// The expression `base.name`.
pub(crate) fn field(base: Expr, name: &str) -> Expr {
    Expr::Field(syn::ExprField {
        attrs: Vec::new(),
        base: Box::new(base),
        dot_token: Default::default(),
        member: syn::Member::Named(ident(name)),
    })
}

/// The expression `&expr`.
pub(crate) fn reference_expr(expr: Expr) -> Expr {
    Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(expr),
    })
}

/// The expression `receiver.method(args)`.
pub(crate) fn method_call(receiver: Expr, method: &str, args: Vec<Expr>) -> Expr {
    Expr::MethodCall(syn::ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(receiver),
        dot_token: Default::default(),
        method: ident(method),
        turbofish: None,
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use proc_macro2::Literal;

    /// `string_literal` writes what `Literal::string` writes, for values it reads straight and
    /// for values that need escaping.
    #[test]
    fn string_literals_are_what_literal_string_makes() {
        for value in ["", "plain", "it's", "a \"quote\"", "back\\slash", "tab\there", "new\nline", "é ü", "nul\0", "{id}/~1"] {
            assert_eq!(super::string_literal(value).to_string(), Literal::string(value).to_string(), "{value:?}");
        }
    }
}
