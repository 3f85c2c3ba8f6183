//! What an operation's `request` function, `Client` method and stream method share in their
//! signatures: the arguments, the success type and the deprecation.

use quote::quote;

use super::syntax::{self, Paths};
use crate::ir::{Api, BodyEncoding, Operation, ResponseBody};

/// The arguments of `request` and the `Client` method (after `base_url` or `&self`): the path
/// parameters, then the body, then the query.
pub(super) fn fn_args(api: &Api, operation: &Operation) -> impl Iterator<Item = syn::FnArg> {
    let path = operation.path_params.iter().map(|param| syntax::fn_arg(&param.name, syntax::borrowed_ty(api, &param.ty)));
    let body = operation.body.as_ref().map(|body| {
        let ty = match body.encoding {
            BodyEncoding::Bytes => syntax::reference(syntax::slice(syntax::plain(&["u8"]))),
            BodyEncoding::Text => syntax::reference(syntax::plain(&["str"])),
            BodyEncoding::Json | BodyEncoding::Form => syntax::borrowed_ty(api, &body.ty),
        };
        syntax::fn_arg("body", ty)
    });
    let query = (!operation.query_params.is_empty()).then(|| {
        let query = syntax::plain(&["crate", "operations", &operation.module, "Query"]);
        syntax::fn_arg("query", syntax::reference(query))
    });
    path.chain(body).chain(query)
}

/// The type a successful call returns.
pub(super) fn success_ty(api: &Api, operation: &Operation) -> syn::Type {
    let ty = match &operation.success.body {
        ResponseBody::Json(ty) => syntax::ty(api, ty, Paths::Qualified),
        ResponseBody::Bytes => syntax::generic(&["Vec"], [syntax::plain(&["u8"])]),
        ResponseBody::Empty => return syntax::unit(),
        ResponseBody::ByStatus(_) => return syntax::plain(&["crate", "operations", &operation.module, "Response"]),
    };
    if operation.success.empty_allowed { syntax::generic(&["Option"], [ty]) } else { ty }
}

/// The `#[deprecated]` attribute for a deprecated operation, naming the sunset and replacement.
pub(super) fn deprecation_attr(operation: &Operation) -> Option<syn::Attribute> {
    if !operation.deprecated {
        return None;
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
    Some(syntax::list_attr("deprecated", quote!(note = #note)))
}
