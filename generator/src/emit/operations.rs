//! `operations/mod.rs`: `OperationInfo`, the `OPERATIONS` table and one module per tag; and
//! `operations/<tag>.rs`: per operation of the tag, sans-IO request building and response
//! decoding, and its `Client` methods.

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;
use syn::{Expr, Lit};

use super::requests;
use super::signature::{deprecation_attr, fn_args, success_ty};
use super::syntax::{self, Paths, ident, module_preamble};
use super::template::{self, Fill};
use crate::ir::{Api, BodyEncoding, Operation, ResponseBody, StatusBody};

/// The module docs and `OperationInfo`.
fn index_fixed() -> TokenStream {
    let module_doc = module_preamble(
        "Every operation without an HTTP client: build its `http::Request`, decode its `http::Response`.\n\nEach operation has a module named after its `operationId` with `INFO`, the media types it sends, a `Query` struct when it takes query parameters, `request` and `response`. `Client` uses these; a caller with another transport, sync or async, can too.\n\nThe operations are filed by the spec's tags, one module and one cargo feature per tag (all on by default); every operation module is also re-exported here.",
    );
    quote! {
        #module_doc

        /// What the spec says about one operation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct OperationInfo {
            /// The spec's `operationId`.
            pub operation_id: &'static str,
            /// The HTTP method, upper case.
            pub method: &'static str,
            /// The path template, with `{name}` for each path parameter.
            pub path: &'static str,
            /// The resource version the request asks for (`YYYY-MM-DD`).
            pub api_version: &'static str,
            /// Whether Atlas has deprecated the operation.
            pub deprecated: bool,
            /// Whether sending it twice does what sending it once does (by method, or as
            /// the spec declares), so that the client may retry it after a failure that may
            /// have reached the server.
            pub idempotent: bool,
            /// The date after which Atlas may remove the operation.
            pub sunset: Option<&'static str>,
            /// The spec's one-line summary.
            pub summary: &'static str,
        }
    }
}

/// `operations/mod.rs`: `OperationInfo`, the `OPERATIONS` table and the tag modules.
pub fn emit_index(api: &Api) -> syn::File {
    let tags = api.tags.iter().map(|tag| {
        let (feature, module) = (&tag.feature, ident(&tag.module));
        quote! {
            #[cfg(feature = #feature)]
            pub mod #module;
            #[cfg(feature = #feature)]
            pub use #module::*;
        }
    });
    let fixed = index_fixed();
    let mut file: syn::File = template::parse(quote! {
        #fixed

        /// Every operation of the spec whose tag's feature is on, sorted by path, then method.
        pub static OPERATIONS: &[OperationInfo] = &[];

        #(#tags)*
    });
    // The table, one gated path per operation, is built as syntax: it is most of the file.
    let table = api.operations.iter().map(|operation| {
        let tag = &api.tags[operation.tag];
        let mut info = syntax::path_expr(&[&tag.module, &operation.module, "INFO"]);
        let feature = &tag.feature;
        info.attrs.push(syntax::list_attr("cfg", quote!(feature = #feature)));
        Expr::Path(info)
    });
    let statics = file.items.iter_mut().filter_map(|item| match item {
        syn::Item::Static(item) => Some(item),
        _ => None,
    });
    for item in statics {
        if let Expr::Reference(reference) = &mut *item.expr {
            if let Expr::Array(array) = &mut *reference.expr {
                array.elems = table.clone().collect();
            }
        }
    }
    file
}

/// `operations/<tag>.rs`: the module docs, the tag's `Client` methods (`client::methods`) and
/// one module per operation.
pub fn emit_tag(api: &Api, tag: usize) -> syn::File {
    let info = &api.tags[tag];
    let mut doc = format!("The operations tagged {} (cargo feature `{}`).", crate::docs::code_span(&info.name), info.feature);
    if let Some(description) = &info.doc {
        doc.push_str("\n\n");
        doc.push_str(description);
    }
    let operations: Vec<&Operation> = api.operations.iter().filter(|operation| operation.tag == tag).collect();
    let mut file: syn::File = syn::parse2(module_preamble(&doc)).expect("a tag's module docs parse");
    file.items.push(super::client::methods(api, &operations));
    TEMPLATES.with(|templates| file.items.extend(operations.iter().map(|operation| operation_module(api, operation, templates))));
    file
}

thread_local! {
    /// Parsed once per thread (syntax trees cannot cross threads).
    static TEMPLATES: Templates = Templates::new();
}

/// The parts of an operation's module that every operation has in the same shape, parsed once
/// per thread (see `template`) and filled in per operation.
struct Templates {
    requests: requests::Fixed,
    /// `pub mod __module { use ..; INFO; ACCEPT }`.
    module: syn::Item,
    /// `CONTENT_TYPE`, for an operation with a body.
    content_type: syn::Item,
    /// `request`'s signature, before its arguments.
    request: syn::ItemFn,
    /// The call that builds the request: `build_request(http::Method::__http_method, .., __body)`.
    build: Expr,
    /// The body `build_request` gets for an operation that has one.
    json_body: Expr,
    /// `response`, decoding with `crate::runtime::__decode`; `B` is also `Into<Vec<u8>>` in
    /// the second (a body returned as bytes is moved out of the response, not copied).
    response: [syn::Item; 2],
}

impl Templates {
    fn new() -> Templates {
        let response = |bound: TokenStream| {
            template::parse(quote! {
                pub fn response<B: #bound>(response: http::Response<B>) -> Result<__Success, crate::Error> {
                    crate::runtime::__decode(response, __statuses)
                }
            })
        };
        Templates {
            requests: requests::Fixed::new(),
            module: template::parse(quote! {
                pub mod __module {
                    use crate::operations::OperationInfo;

                    /// What the spec says about this operation.
                    pub const INFO: OperationInfo = OperationInfo {
                        operation_id: __operation_id,
                        method: __method,
                        path: __path,
                        api_version: __api_version,
                        deprecated: __deprecated,
                        idempotent: __idempotent,
                        sunset: __sunset,
                        summary: __summary,
                    };

                    #[doc = __accept_doc]
                    pub const ACCEPT: &str = __accept;
                }
            }),
            content_type: template::parse(quote! {
                /// The media type of the request body.
                pub const CONTENT_TYPE: &str = __content_type;
            }),
            request: template::parse(quote! {
                pub fn request(base_url: &str) -> Result<http::Request<Vec<u8>>, crate::Error> {}
            }),
            build: template::parse(quote!(crate::runtime::build_request(http::Method::__http_method, &url, ACCEPT, __body))),
            json_body: template::parse(quote!(Some((CONTENT_TYPE, crate::runtime::json_body(body)?)))),
            response: [response(quote!(AsRef<[u8]>)), response(quote!(AsRef<[u8]> + Into<Vec<u8>>))],
        }
    }
}

/// The statuses `response` accepts: the declared ones as numbers (so any 2xx is matched
/// exactly, named by `http` or not), or every 2xx for a `2XX` range or a `default` response.
fn statuses_expr(statuses: &[u16], any_2xx: bool) -> Expr {
    if any_2xx {
        return Expr::Path(syntax::path_expr(&["crate", "runtime", "ANY_2XX"]));
    }
    let statuses = statuses.iter().map(|status| syntax::lit_expr(Lit::new(Literal::u16_unsuffixed(*status))));
    Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(Expr::Array(syn::ExprArray {
            attrs: Vec::new(),
            bracket_token: Default::default(),
            elems: statuses.collect(),
        })),
    })
}

/// `response` for an operation whose successes all have one body (or none).
fn single_response(api: &Api, operation: &Operation, body: &ResponseBody, templates: &Templates) -> syn::Item {
    let decode = match (body, operation.success.empty_allowed) {
        (ResponseBody::Json(_), false) => "decode_json",
        (ResponseBody::Json(_), true) => "decode_optional_json",
        (ResponseBody::Bytes, _) => "expect_bytes",
        (ResponseBody::Empty | ResponseBody::ByStatus(_), _) => "expect_empty",
    };
    let mut response = templates.response[usize::from(*body == ResponseBody::Bytes)].clone();
    template::fill_item(
        &mut response,
        &mut [
            ("__Success", Fill::Type(success_ty(api, operation))),
            ("__decode", Fill::Ident(ident(decode))),
            ("__statuses", Fill::Expr(statuses_expr(&operation.success.statuses, operation.success.any_2xx))),
        ],
    );
    response
}

/// The enum `Response` of an operation whose success statuses have different bodies, one
/// variant per status, and `response`, which decodes the body by the status. The enum
/// serializes as the body it holds.
fn by_status(api: &Api, operation: &Operation, bodies: &[StatusBody]) -> (syn::Item, syn::Item) {
    let variants = bodies.iter().map(|StatusBody { status, variant, body }| {
        let name = ident(variant);
        let when = status.map_or_else(|| "Any other 2xx".to_owned(), |status| format!("`{status}`"));
        match body {
            ResponseBody::Json(ty) => {
                let doc = format!(" {when}, with its body.");
                let ty = syntax::ty(api, ty, Paths::Qualified);
                quote!(#[doc = #doc] #name(#ty))
            }
            ResponseBody::Bytes => {
                let doc = format!(" {when}, with the bytes of its body.");
                quote!(#[doc = #doc] #name(Vec<u8>))
            }
            _ => {
                let doc = format!(" {when}, without a body.");
                quote!(#[doc = #doc] #name)
            }
        }
    });
    let arms = bodies.iter().map(|StatusBody { status, variant, body }| {
        let name = ident(variant);
        let pattern = match status {
            Some(status) => {
                let status = Literal::u16_unsuffixed(*status);
                quote!(#status)
            }
            None => quote!(200..=299),
        };
        let statuses = statuses_expr(&status.iter().copied().collect::<Vec<_>>(), status.is_none());
        match body {
            ResponseBody::Json(_) => quote!(#pattern => crate::runtime::decode_json(response, #statuses).map(Response::#name),),
            ResponseBody::Bytes => quote!(#pattern => crate::runtime::expect_bytes(response, #statuses).map(Response::#name),),
            _ => quote!(#pattern => crate::runtime::expect_empty(response, #statuses).map(|()| Response::#name),),
        }
    });
    let bound = if bodies.iter().any(|status| status.body == ResponseBody::Bytes) {
        quote!(AsRef<[u8]> + Into<Vec<u8>>)
    } else {
        quote!(AsRef<[u8]>)
    };
    let enum_doc = format!(
        " What {} answers, by status: each success status has its own body.",
        crate::docs::code_span(&operation.operation_id)
    );
    let enum_item = template::parse(quote! {
        #[doc = #enum_doc]
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum Response {
            #(#variants),*
        }
    });
    let response = template::parse(quote! {
        pub fn response<B: #bound>(response: http::Response<B>) -> Result<Response, crate::Error> {
            match response.status().as_u16() {
                #(#arms)*
                _ => Err(crate::runtime::error_from_response(&response)),
            }
        }
    });
    (enum_item, response)
}

/// An operation's module: its docs, `INFO`, the media types, then its functions.
fn operation_module(api: &Api, operation: &Operation, templates: &Templates) -> syn::Item {
    let Operation { operation_id, path, api_version, summary, accept, .. } = operation;
    let sunset = match &operation.sunset {
        Some(sunset) => syntax::call(&["Some"], [syntax::str_expr(sunset)]),
        None => Expr::Path(syntax::path_expr(&["None"])),
    };
    let mut module = templates.module.clone();
    template::fill_item(
        &mut module,
        &mut [
            ("__module", Fill::Ident(ident(&operation.module))),
            ("__operation_id", Fill::Expr(syntax::str_expr(operation_id))),
            ("__method", Fill::Expr(syntax::str_expr(operation.method.as_str()))),
            ("__path", Fill::Expr(syntax::str_expr(path))),
            ("__api_version", Fill::Expr(syntax::str_expr(api_version))),
            ("__deprecated", Fill::Expr(syntax::lit_expr(Lit::Bool(syn::LitBool::new(operation.deprecated, Span::call_site()))))),
            ("__idempotent", Fill::Expr(syntax::lit_expr(Lit::Bool(syn::LitBool::new(operation.idempotent, Span::call_site()))))),
            ("__sunset", Fill::Expr(sunset)),
            ("__summary", Fill::Expr(syntax::str_expr(summary))),
            (
                "__accept_doc",
                Fill::Expr(syntax::str_expr(&format!(" The media type asked for in `Accept`: resource version {api_version}."))),
            ),
            ("__accept", Fill::Expr(syntax::str_expr(accept))),
        ],
    );
    let syn::Item::Mod(module_item) = &mut module else { unreachable!("the module template is a module") };
    syntax::doc_attrs(&format!("{}: {}", crate::docs::code_span(operation_id), summary), &mut module_item.attrs);
    let items = &mut module_item.content.as_mut().expect("the module has a body").1;
    if let Some(body) = &operation.body {
        let mut content_type = templates.content_type.clone();
        template::fill_item(&mut content_type, &mut [("__content_type", Fill::Expr(syntax::str_expr(&body.content_type)))]);
        items.push(content_type);
    }
    items.extend(functions(api, operation, templates));
    module
}

/// The items of an operation's module after its constants: the `Query` struct, the
/// `Response` enum, `request` and `response`.
fn functions(api: &Api, operation: &Operation, templates: &Templates) -> Vec<syn::Item> {
    let (by_status, response) = response_items(api, operation, templates);
    let mut items: Vec<syn::Item> =
        (!operation.query_params.is_empty()).then(|| requests::query_struct(api, operation)).into_iter().collect();
    items.extend(by_status);
    items.push(request_item(api, operation, templates));
    items.push(response);
    items
}

/// The operation's `request` function.
fn request_item(api: &Api, operation: &Operation, templates: &Templates) -> syn::Item {
    let method = operation.method.as_str();
    // The request's statements: the many that only push a path segment or a query
    // parameter are built as trees (`requests`), the rest parsed from tokens.
    let mut body = requests::checks(operation);
    let checked = !body.is_empty();
    body.extend(templates.requests.url());
    requests::push_path(operation, &mut body);
    requests::push_query(api, operation, &templates.requests, &mut body);

    let set_headers = requests::set_headers(api, operation);
    let mut build = templates.build.clone();
    let request_body = match operation.body.as_ref().map(|body| body.encoding) {
        Some(BodyEncoding::Json) => templates.json_body.clone(),
        Some(BodyEncoding::Form) => template::parse(quote!(Some((CONTENT_TYPE, crate::runtime::form_body(body)?)))),
        Some(BodyEncoding::Text) => template::parse(quote!(Some((CONTENT_TYPE, body.as_bytes().to_vec())))),
        Some(BodyEncoding::Bytes) => template::parse(quote!(Some((CONTENT_TYPE, body.to_vec())))),
        None => Expr::Path(syntax::path_expr(&["None"])),
    };
    template::fill_expr(&mut build, &mut [("__http_method", Fill::Ident(ident(method))), ("__body", Fill::Expr(request_body))]);
    if set_headers.is_empty() {
        body.push(syn::Stmt::Expr(build, None));
    } else {
        body.extend(template::statements(quote! {
            let mut request = #build?;
            #(#set_headers)*
            Ok(request)
        }));
    }

    let mut request = templates.request.clone();
    syntax::doc_attrs(&request_doc(operation, checked, super::wire::default_base_url(api)), &mut request.attrs);
    request.attrs.extend(deprecation_attr(operation));
    request.sig.inputs.extend(fn_args(api, operation));
    request.block.stmts = body;

    syn::Item::Fn(request)
}

/// The operation's `Response` enum when its successes have bodies by status, and its
/// `response` function.
fn response_items(api: &Api, operation: &Operation, templates: &Templates) -> (Option<syn::Item>, syn::Item) {
    let (mut response, by_status) = match &operation.success.body {
        ResponseBody::ByStatus(bodies) => {
            let (by_status, response) = by_status(api, operation, bodies);
            (response, Some(by_status))
        }
        body => (single_response(api, operation, body, templates), None),
    };
    let syn::Item::Fn(response_fn) = &mut response else { unreachable!("the response template is a function") };
    syntax::doc_attrs(&response_doc(operation), &mut response_fn.attrs);

    (by_status, response)
}

/// The docs of `request`; `checked` when it checks parameters' bounds first. `base_url` is
/// the crate's default, named as Atlas's or as the spec's server.
fn request_doc(operation: &Operation, checked: bool, base_url: &str) -> String {
    let default = if base_url == super::wire::ATLAS {
        format!("`{base_url}` for Atlas")
    } else {
        format!("`{base_url}`, the spec's server")
    };
    format!(
        "Builds the `{} {}` request for {}, against `base_url` ({default}).\n\nFails with `Error::InvalidArgument` when {}the body cannot be serialized or the URL is invalid.",
        operation.method.as_str(),
        operation.path,
        crate::docs::code_span(&operation.operation_id),
        if checked { "a parameter is outside the bounds the spec declares, " } else { "" },
    )
}

/// The docs of `response`.
fn response_doc(operation: &Operation) -> String {
    let mut success_statuses: Vec<String> = operation.success.statuses.iter().map(u16::to_string).collect();
    if operation.success.any_2xx {
        success_statuses.push(if success_statuses.is_empty() { "2xx" } else { "any other 2xx" }.to_owned());
    }
    let what = if matches!(operation.success.body, ResponseBody::ByStatus(_)) { "the `Response` of" } else { "the body of" };
    format!(
        "Decodes the response to {operation_id}: {what} a {}{} or the `Error` the response stands for.",
        success_statuses.join(" or "),
        if operation.success.empty_allowed { " (`None` when it has none)" } else { "" },
        operation_id = crate::docs::code_span(&operation.operation_id),
    )
}
