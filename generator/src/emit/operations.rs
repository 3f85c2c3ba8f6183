//! `operations/mod.rs`: `OperationInfo`, the `OPERATIONS` table and one module per tag; and
//! `operations/<tag>.rs`: per operation of the tag, sans-IO request building and response
//! decoding, and its `Client` methods.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Paths, borrowed_ty_tokens, docs, ident, module_preamble, requests, ty_tokens};
use crate::ir::{Api, Operation, ParamLocation, ResponseBody, Ty};

pub fn emit_index(api: &Api) -> TokenStream {
    let module_doc = module_preamble(
        "Every operation without an HTTP client: build its `http::Request`, decode its `http::Response`.\n\nEach operation has a module named after its `operationId` with `INFO`, the media types it sends, a `Query` struct when it takes query parameters, `request` and `response`. `Client` uses these; a caller with another transport, sync or async, can too.\n\nThe operations are filed by the spec's tags, one module and one cargo feature per tag (all on by default); every operation module is also re-exported here.",
    );
    let table = api.operations.iter().map(|operation| {
        let tag = &api.tags[operation.tag];
        let (feature, tag) = (&tag.feature, ident(&tag.module));
        let module = ident(&operation.fn_name);
        quote!(#[cfg(feature = #feature)] #tag::#module::INFO)
    });
    let tags = api.tags.iter().map(|tag| {
        let (feature, module) = (&tag.feature, ident(&tag.module));
        quote! {
            #[cfg(feature = #feature)]
            pub mod #module;
            #[cfg(feature = #feature)]
            pub use #module::*;
        }
    });
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
            /// The date after which Atlas may remove the operation.
            pub sunset: Option<&'static str>,
            /// The spec's one-line summary.
            pub summary: &'static str,
        }

        /// Every operation of the spec whose tag's feature is on, sorted by path, then method.
        pub static OPERATIONS: &[OperationInfo] = &[#(#table),*];

        #(#tags)*
    }
}

/// One tag's module: its operations' sans-IO modules and their `Client` methods.
pub fn emit_tag(api: &Api, tag: usize) -> syn::File {
    let info = &api.tags[tag];
    let mut doc = format!("The operations tagged `{}` (cargo feature `{}`).", info.name, info.feature);
    if let Some(description) = &info.doc {
        doc.push_str("\n\n");
        doc.push_str(description);
    }
    let module_doc = module_preamble(&doc);
    let operations: Vec<&Operation> = api.operations.iter().filter(|operation| operation.tag == tag).collect();
    let methods = super::client::methods(api, &operations);
    let mut file: syn::File = syn::parse2(module_doc).expect("a tag's module docs parse");
    file.items.push(methods);
    let fixed = requests::Fixed::new();
    file.items.extend(operations.iter().map(|operation| emit_operation(api, operation, &fixed)));
    file
}

/// The `#[deprecated]` attribute for a deprecated operation, naming the sunset and replacement.
pub(crate) fn deprecation(operation: &Operation) -> TokenStream {
    if !operation.deprecated {
        return quote!();
    }
    let mut note = String::from("Atlas deprecated this operation");
    if let Some(sunset) = &operation.sunset {
        note.push_str(&format!(" (sunset {sunset})"));
    }
    match &operation.replacement {
        Some(replacement) => {
            let title = match &replacement.api {
                Some(api) => format!("`{}` in the {api} API", replacement.title),
                None => format!("`{}`", replacement.title),
            };
            match &replacement.fn_name {
                Some(fn_name) => note.push_str(&format!("; use `Client::{fn_name}` ({title}) instead")),
                None => note.push_str(&format!("; use {title} instead")),
            }
        }
        None => note.push('.'),
    }
    quote!(#[deprecated(note = #note)])
}

pub(super) fn has_default(ty: &Ty) -> bool {
    matches!(ty, Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Json | Ty::Vec(_) | Ty::Map(_))
}

/// A status code as the runtime's decoding helpers take it: the number itself, so any 2xx
/// the spec declares is matched exactly, named by `http` or not.
fn status_tokens(status: u16) -> TokenStream {
    let status = proc_macro2::Literal::u16_unsuffixed(status);
    quote!(#status)
}

/// The argument list shared by `request` and the `Client` method (without `base_url`).
pub(crate) fn arguments(api: &Api, operation: &Operation) -> Vec<TokenStream> {
    let mut arguments: Vec<TokenStream> = operation
        .path_params
        .iter()
        .map(|param| {
            let name = ident(&param.name);
            let ty = borrowed_ty_tokens(api, &param.ty);
            quote!(#name: #ty)
        })
        .collect();
    if let Some(body) = &operation.body {
        let ty = borrowed_ty_tokens(api, &body.ty);
        arguments.push(quote!(body: #ty));
    }
    if !operation.query_params.is_empty() {
        let module = ident(&operation.fn_name);
        arguments.push(quote!(query: &crate::operations::#module::Query));
    }
    arguments
}

pub(crate) fn success_tokens(api: &Api, operation: &Operation) -> TokenStream {
    let ty = match &operation.success.body {
        ResponseBody::Json(ty) => ty_tokens(api, ty, Paths::Qualified),
        ResponseBody::Bytes => quote!(Vec<u8>),
        ResponseBody::Empty => return quote!(()),
    };
    if operation.success.empty_allowed { quote!(Option<#ty>) } else { ty }
}

fn emit_operation(api: &Api, operation: &Operation, fixed: &requests::Fixed) -> syn::Item {
    let module = ident(&operation.fn_name);
    let module_doc = docs(&format!("`{}`: {}", operation.operation_id, operation.summary));
    let Operation { operation_id, path, api_version, deprecated, summary, accept, .. } = operation;
    let method = operation.method.as_str();
    let sunset = match &operation.sunset {
        Some(sunset) => quote!(Some(#sunset)),
        None => quote!(None),
    };
    let http_method = ident(method);

    let query_struct = (!operation.query_params.is_empty()).then(|| requests::query_struct(api, operation));

    // The request's statements: the many that only push a path segment or a query
    // parameter are built as trees (`requests`), the rest parsed from tokens.
    let mut body = fixed.url();
    requests::push_path(operation, &mut body);
    requests::push_query(operation, fixed, &mut body);

    let set_headers: Vec<_> = operation
        .query_params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|param| {
            let wire = &param.wire_name;
            let value = requests::value_tokens(param);
            match &param.ty {
                // Arrays are comma-separated (OpenAPI's `simple` style for headers).
                Ty::Vec(_) => quote! {
                    crate::runtime::set_header(
                        &mut request,
                        #wire,
                        #value.map(|values| values.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")),
                    )?;
                },
                _ => quote!(crate::runtime::set_header(&mut request, #wire, #value)?;),
            }
        })
        .collect();

    let (content_type_const, body_tokens) = match &operation.body {
        Some(body) => {
            let content_type = &body.content_type;
            (
                Some(quote! {
                    /// The media type of the request body.
                    pub const CONTENT_TYPE: &str = #content_type;
                }),
                quote!(Some((CONTENT_TYPE, crate::runtime::json_body(body)?))),
            )
        }
        None => (None, quote!(None)),
    };

    let build = if set_headers.is_empty() {
        quote!(crate::runtime::build_request(http::Method::#http_method, &url, ACCEPT, #body_tokens))
    } else {
        quote! {
            let mut request = crate::runtime::build_request(http::Method::#http_method, &url, ACCEPT, #body_tokens)?;
            #(#set_headers)*
            Ok(request)
        }
    };
    let arguments = arguments(api, operation);
    let deprecation = deprecation(operation);
    let success = success_tokens(api, operation);
    let statuses = operation.success.statuses.iter().map(|status| status_tokens(*status));
    let statuses = quote!(&[#(#statuses),*]);
    let decode = match (&operation.success.body, operation.success.empty_allowed) {
        (ResponseBody::Json(_), false) => quote!(crate::runtime::decode_json(response, #statuses)),
        (ResponseBody::Json(_), true) => quote!(crate::runtime::decode_optional_json(response, #statuses)),
        (ResponseBody::Bytes, _) => quote!(crate::runtime::expect_bytes(response, #statuses)),
        (ResponseBody::Empty, _) => quote!(crate::runtime::expect_empty(response, #statuses)),
    };
    // A body returned as bytes is moved out of the response, not copied.
    let body_bound = match operation.success.body {
        ResponseBody::Bytes => quote!(B: AsRef<[u8]> + Into<Vec<u8>>),
        _ => quote!(B: AsRef<[u8]>),
    };
    let request_doc = docs(&format!(
        "Builds the `{method} {path}` request for `{operation_id}`, against `base_url` (`https://cloud.mongodb.com` for Atlas).\n\nFails with `Error::InvalidArgument` when the body cannot be serialized or the URL is invalid."
    ));
    let success_statuses: Vec<String> = operation.success.statuses.iter().map(u16::to_string).collect();
    let response_doc = docs(&format!(
        "Decodes the response to `{operation_id}`: the body of a {}{} or the `Error` the response stands for.",
        success_statuses.join(" or "),
        if operation.success.empty_allowed { " (`None` when it has none)" } else { "" }
    ));
    let accept_doc = format!(" The media type asked for in `Accept`: resource version {api_version}.");

    let mut module_item: syn::ItemMod = syn::parse2(quote! {
        #module_doc
        pub mod #module {
            use crate::operations::OperationInfo;

            /// What the spec says about this operation.
            pub const INFO: OperationInfo = OperationInfo {
                operation_id: #operation_id,
                method: #method,
                path: #path,
                api_version: #api_version,
                deprecated: #deprecated,
                sunset: #sunset,
                summary: #summary,
            };

            #[doc = #accept_doc]
            pub const ACCEPT: &str = #accept;

            #content_type_const
        }
    })
    .expect("an operation module's head parses");
    let mut request: syn::ItemFn = syn::parse2(quote! {
        #request_doc
        #deprecation
        pub fn request(base_url: &str, #(#arguments),*) -> Result<http::Request<Vec<u8>>, crate::Error> {}
    })
    .expect("the request signature parses");
    body.extend(requests::statements(build));
    request.block.stmts = body;
    let response: syn::Item = syn::parse2(quote! {
        #response_doc
        pub fn response<#body_bound>(response: http::Response<B>) -> Result<#success, crate::Error> {
            #decode
        }
    })
    .expect("the response function parses");
    let items = &mut module_item.content.as_mut().expect("the module has a body").1;
    items.extend(query_struct);
    items.push(syn::Item::Fn(request));
    items.push(response);
    syn::Item::Mod(module_item)
}
