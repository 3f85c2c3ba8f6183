//! The parts of an operation's sans-IO module that a spec has thousands of, built as syntax
//! trees (see `syntax`): the `Query` struct and its fields, and the statements of `request`
//! that push a path segment or a query parameter. What is rarer (array and object parameters,
//! written as their `style` and `explode` say) is emitted as tokens and parsed.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::{Expr, Stmt};

use super::syntax::{self, Paths, ident, method_call, variable};
use super::template;
use crate::ir::{Api, Limit, Operation, ParamLocation, PathSegment, QueryParam, QueryStyle, Ty, TypeDef};

/// The statements every `request` with a path (and every one with a query) starts with,
/// parsed once per thread (with the other templates of `operations`) and cloned into each.
pub(crate) struct Fixed {
    url: Vec<Stmt>,
    writer: Vec<Stmt>,
}

impl Fixed {
    pub(crate) fn new() -> Fixed {
        Fixed {
            url: template::statements(quote!(let mut url = crate::runtime::base_url(base_url);)),
            writer: template::statements(quote!(let mut writer = crate::runtime::QueryWriter::new(&mut url);)),
        }
    }

    /// `let mut url = crate::runtime::base_url(base_url);`
    pub(crate) fn url(&self) -> Vec<Stmt> {
        self.url.clone()
    }
}

/// The docs of a `Query` field: the parameter's description (or what it is), and, for a
/// header or a cookie, where it is sent.
fn param_doc(param: &QueryParam) -> (String, Option<String>) {
    let wire = crate::docs::code_span(&param.wire_name);
    let (place, sent) = match param.location {
        ParamLocation::Query => ("query parameter", None),
        ParamLocation::Header => ("header", Some(format!("Sent as the {wire} header."))),
        ParamLocation::Cookie => ("cookie", Some("Sent in the `Cookie` header.".to_owned())),
    };
    (param.doc.clone().unwrap_or_else(|| format!("The {wire} {place}.")), sent)
}

/// `pub struct Query`: one field per query (or header) parameter, `Option` unless required.
pub(crate) fn query_struct(api: &Api, operation: &Operation) -> syn::Item {
    let fields = operation.query_params.iter().map(|param| {
        let (doc, sent) = param_doc(param);
        let mut attrs = Vec::new();
        syntax::doc_attrs(&doc, &mut attrs);
        if let Some(sent) = sent {
            attrs.push(syntax::doc_attr(syntax::string_literal("")));
            attrs.push(syntax::doc_attr(syntax::string_literal(&format!(" {sent}"))));
        }
        let ty = syntax::ty(api, &param.ty, Paths::Qualified);
        let ty = if param.required { ty } else { syntax::generic(&["Option"], [ty]) };
        syntax::named_field(attrs, &param.name, ty)
    });
    // A required parameter has no default the caller meant: `Default` would send `limit=0`
    // or an empty string without being asked to.
    let defaultable = operation.query_params.iter().all(|param| !param.required);
    let (derive, doc) = if defaultable {
        (quote!(Debug, Clone, Default, PartialEq), " The query parameters; `Default` leaves every optional one out.")
    } else {
        (quote!(Debug, Clone, PartialEq), " The query parameters; the required ones have no default.")
    };
    syn::Item::Struct(syn::ItemStruct {
        attrs: vec![syntax::doc_attr(syntax::string_literal(doc)), syntax::list_attr("derive", derive)],
        vis: syn::Visibility::Public(Default::default()),
        struct_token: Default::default(),
        ident: ident("Query"),
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed { brace_token: Default::default(), named: fields.collect() }),
        semi_token: None,
    })
}

/// The checks of every bound the spec declares for a parameter (`minimum`, `maximum`, their
/// exclusive forms, `minLength`, `maxLength`, `minItems`, `maxItems`), each failing with
/// `Error::InvalidArgument` before anything is sent: the calls of [`check_calls`], parsed
/// (few parameters have bounds).
pub(crate) fn checks(operation: &Operation) -> Vec<Stmt> {
    let calls: String = check_calls(operation)
        .iter()
        .map(|(function, args)| format!("crate::runtime::{function}({})?;", args.join(", ")))
        .collect();
    if calls.is_empty() {
        return Vec::new();
    }
    template::statements(calls.parse().expect("the checks are Rust tokens"))
}

/// The check calls of [`checks`], in order: the runtime function and its arguments as Rust
/// text, for every bound of each path parameter, then of each query parameter (`minimum`,
/// `maximum`, then the length of a string, then the items of an array). The value goes in as
/// an `Option` of a copy (numbers), of a `&str` (strings) or of the number of items (arrays).
fn check_calls(operation: &Operation) -> Vec<(&'static str, Vec<String>)> {
    // Only a parameter with bounds is checked: the others cost no text.
    let path = operation.path_params.iter().filter(|param| !param.bounds.is_empty()).map(|param| {
        let name = param.name.as_str();
        let borrowed = format!("Some({name})");
        (param.wire_name.as_str(), &param.ty, &param.bounds, format!("Some(*{name})"), borrowed.clone(), borrowed)
    });
    let query = operation.query_params.iter().filter(|param| !param.bounds.is_empty()).map(|param| {
        let name = param.name.as_str();
        let (copied, text, items) = if param.required {
            (format!("Some(query.{name})"), format!("Some(query.{name}.as_str())"), format!("Some(query.{name}.len())"))
        } else {
            (format!("query.{name}"), format!("query.{name}.as_deref()"), format!("query.{name}.as_ref().map(Vec::len)"))
        };
        (param.wire_name.as_str(), &param.ty, &param.bounds, copied, text, items)
    });
    let mut calls = Vec::new();
    for (wire, ty, bounds, copied, text, items) in path.chain(query) {
        let wire = syntax::string_literal(wire).to_string();
        let limit = |limit: &Limit| -> Option<(String, bool)> {
            match (ty, limit) {
                (Ty::I32, Limit::Integer(value)) => i32::try_from(*value).ok().map(|value| (value.to_string(), false)),
                (Ty::I64, Limit::Integer(value)) => Some((value.to_string(), false)),
                (Ty::F64, Limit::Integer(value)) => Some((Literal::f64_unsuffixed(*value as f64).to_string(), false)),
                (Ty::F64, Limit::Number { value, exclusive }) if value.is_finite() => {
                    Some((Literal::f64_unsuffixed(*value).to_string(), *exclusive))
                }
                _ => None,
            }
        };
        for (function, bound) in [("check_minimum", &bounds.minimum), ("check_maximum", &bounds.maximum)] {
            if let Some((value, exclusive)) = bound.as_ref().and_then(limit) {
                calls.push((function, vec![wire.clone(), copied.clone(), value, exclusive.to_string()]));
            }
        }
        let count = |bound: Option<u64>| bound.map_or_else(|| "None".to_owned(), |bound| format!("Some({bound})"));
        if *ty == Ty::String && (bounds.min_length.is_some() || bounds.max_length.is_some()) {
            calls.push(("check_length", vec![wire.clone(), text, count(bounds.min_length), count(bounds.max_length)]));
        }
        if matches!(ty, Ty::Vec(_)) && (bounds.min_items.is_some() || bounds.max_items.is_some()) {
            calls.push(("check_items", vec![wire, items, count(bounds.min_items), count(bounds.max_items)]));
        }
    }
    calls
}

/// The path, segment by segment, onto `url`.
pub(crate) fn push_path(operation: &Operation, body: &mut Vec<Stmt>) {
    for segment in &operation.path_segments {
        match segment {
            PathSegment::Literal(text) => body.push(method_statement(variable("url"), "push_str", vec![syntax::str_expr(text)])),
            PathSegment::Param(index) => {
                let param = &operation.path_params[*index];
                match &param.ty {
                    // IDs are validated hex: nothing in them needs escaping.
                    Ty::Id(_) => body.push(method_statement(
                        variable("url"),
                        "push_str",
                        vec![method_call(variable(&param.name), "as_str", Vec::new())],
                    )),
                    // `crate::runtime::push_path_segment(&mut url, <segment>)?;`
                    Ty::String => body.push(push_segment(variable(&param.name))),
                    _ => body.push(push_segment(syntax::reference_expr(method_call(
                        variable(&param.name),
                        "to_string",
                        Vec::new(),
                    )))),
                }
            }
        }
    }
}

/// `crate::runtime::push_path_segment(&mut url, segment)?;`: the segment percent-encoded.
fn push_segment(segment: Expr) -> Stmt {
    let url = Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: Some(Default::default()),
        expr: Box::new(variable("url")),
    });
    let call = syntax::call(&["crate", "runtime", "push_path_segment"], [url, segment]);
    Stmt::Expr(
        Expr::Try(syn::ExprTry { attrs: Vec::new(), expr: Box::new(call), question_token: Default::default() }),
        Some(Default::default()),
    )
}

/// The query string: a `QueryWriter` over `url` and one push per query parameter.
pub(crate) fn push_query(api: &Api, operation: &Operation, fixed: &Fixed, body: &mut Vec<Stmt>) {
    let in_query: Vec<&QueryParam> =
        operation.query_params.iter().filter(|param| param.location == ParamLocation::Query).collect();
    if in_query.is_empty() {
        return;
    }
    body.extend(fixed.writer.iter().cloned());
    for param in in_query {
        let wire = &param.wire_name;
        match &param.ty {
            Ty::Vec(item) => {
                let value = value_tokens(param);
                let date_time = **item == Ty::DateTime;
                let item = if date_time { rfc3339(quote!(value)) } else { quote!(value) };
                body.extend(template::statements(match delimiter(param) {
                    None => quote! {
                        for value in #value.into_iter().flatten() {
                            writer.push_opt_display(#wire, Some(#item));
                        }
                    },
                    Some(delimiter) => {
                        let values = if date_time {
                            quote!(#value.into_iter().flatten().map(|value| #item))
                        } else {
                            quote!(#value.into_iter().flatten())
                        };
                        quote!(writer.push_joined(#wire, #values, #delimiter);)
                    }
                }));
            }
            ty if is_object(api, ty) => {
                let value = value_tokens(param);
                body.extend(template::statements(match (param.style, delimiter(param)) {
                    (QueryStyle::DeepObject, _) => quote!(writer.push_deep_object(#wire, #value)?;),
                    (_, None) => quote!(writer.push_object_exploded(#wire, #value)?;),
                    (_, Some(delimiter)) => quote!(writer.push_object_joined(#wire, #value, #delimiter)?;),
                }));
            }
            _ => body.push(method_statement(variable("writer"), "push_opt_display", vec![syntax::str_expr(wire), value(param)])),
        }
    }
}

/// What joins an array's items (or an object's names and values) under one key, written as it
/// is; `None` when they are exploded into pairs of their own (for `deepObject` too, which
/// OpenAPI defines for objects only: an array in it is sent as `form` would send it).
fn delimiter(param: &QueryParam) -> Option<&'static str> {
    match param.style {
        _ if param.explode => None,
        QueryStyle::Form => Some(","),
        QueryStyle::SpaceDelimited => Some("%20"),
        QueryStyle::PipeDelimited => Some("|"),
        QueryStyle::DeepObject => None,
    }
}

/// Whether a parameter of type `ty` is written as an object (a struct, a union or a map): it
/// has no `Display`, the runtime flattens it through serde.
pub(crate) fn is_object(api: &Api, ty: &Ty) -> bool {
    match ty {
        Ty::Map(_) => true,
        Ty::Named(id) => matches!(api.type_def(*id), Some(TypeDef::Struct(_) | TypeDef::Union(_))),
        _ => false,
    }
}

/// `Some(&query.name)` for a required parameter, `query.name.as_ref()` for an optional one;
/// a date-time as RFC 3339.
fn value(param: &QueryParam) -> Expr {
    if param.ty == Ty::DateTime {
        return super::template::parse(value_tokens(param));
    }
    let field = syntax::field(variable("query"), &param.name);
    if param.required {
        syntax::call(&["Some"], [syntax::reference_expr(field)])
    } else {
        method_call(field, "as_ref", Vec::new())
    }
}

/// The same value as tokens, for the statements that are parsed.
pub(crate) fn value_tokens(param: &QueryParam) -> TokenStream {
    let name = ident(&param.name);
    let value = if param.required { quote!(Some(&query.#name)) } else { quote!(query.#name.as_ref()) };
    if param.ty == Ty::DateTime {
        let rfc3339 = rfc3339(quote!(value));
        quote!(#value.map(|value| #rfc3339))
    } else {
        value
    }
}

/// The statements that set the request's headers after it is built: each header parameter
/// (arrays comma-separated, objects in OpenAPI's `simple` style), then the one `Cookie` header
/// that every cookie parameter is a pair of.
pub(crate) fn set_headers(api: &Api, operation: &Operation) -> Vec<TokenStream> {
    let mut set_headers: Vec<TokenStream> = operation
        .query_params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|param| {
            let wire = &param.wire_name;
            let value = value_tokens(param);
            match &param.ty {
                // Arrays are comma-separated (OpenAPI's `simple` style for headers).
                Ty::Vec(item) => {
                    let item = if **item == Ty::DateTime {
                        let rfc3339 = rfc3339(quote!(value));
                        quote!(|value| #rfc3339)
                    } else {
                        quote!(ToString::to_string)
                    };
                    quote! {
                        crate::runtime::set_header(
                            &mut request,
                            #wire,
                            #value.map(|values| values.iter().map(#item).collect::<Vec<_>>().join(",")),
                        )?;
                    }
                }
                // An object as OpenAPI's `simple` style writes it: `a,1,b,2`, or `a=1,b=2` exploded.
                ty if is_object(api, ty) => {
                    let explode = param.explode;
                    quote!(crate::runtime::set_header(&mut request, #wire, crate::runtime::simple_object(#wire, #value, #explode)?)?;)
                }
                _ => quote!(crate::runtime::set_header(&mut request, #wire, #value)?;),
            }
        })
        .collect();
    // Every cookie parameter is one `name=value` pair of the one `Cookie` header.
    let cookies: Vec<_> = operation
        .query_params
        .iter()
        .filter(|p| p.location == ParamLocation::Cookie)
        .map(|param| {
            let wire = &param.wire_name;
            let value = value_tokens(param);
            quote!(crate::runtime::push_cookie(&mut cookies, #wire, #value);)
        })
        .collect();
    if !cookies.is_empty() {
        set_headers.push(quote! {
            let mut cookies = String::new();
            #(#cookies)*
            crate::runtime::set_header(&mut request, "cookie", (!cookies.is_empty()).then_some(cookies))?;
        });
    }
    set_headers
}

/// `value` (a `chrono::DateTime<Utc>`) in RFC 3339, as serde writes it in bodies
/// (`2024-02-29T10:11:12Z`): its `Display` (`2024-02-29 10:11:12 UTC`) is not what a
/// parameter of `format: date-time` means.
pub(crate) fn rfc3339(value: TokenStream) -> TokenStream {
    quote!(#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

/// `receiver.method(args);`
fn method_statement(receiver: Expr, method: &str, args: Vec<Expr>) -> Stmt {
    Stmt::Expr(method_call(receiver, method, args), Some(Default::default()))
}
