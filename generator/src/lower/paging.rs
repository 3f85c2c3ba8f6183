//! Paging: operations that take `pageNum`/`itemsPerPage` and return Atlas's paginated
//! envelope (`results`, `totalCount`, `links`) also get a stream over every page's items.

use std::collections::BTreeMap;

use crate::ir::{Field, NextLink, Operation, Paging, ParamLocation, QueryParam, ResponseBody, Ty, TypeDef};
use crate::names;

/// Sets `paging` on every operation that has the shape, in any spec.
pub(super) fn detect(operations: &mut [Operation], types: &BTreeMap<String, TypeDef>) {
    // The stream methods share `Client`'s scope with the runtime's methods and the operations'.
    let mut methods = names::Scope::reserving(names::CLIENT_RESERVED);
    for operation in operations.iter() {
        methods.claim(operation.fn_name.clone());
    }
    for operation in operations.iter_mut() {
        operation.paging = paging(operation, types).map(|mut paging| {
            paging.stream_fn = methods.claim(paging.stream_fn);
            paging
        });
    }
}

fn paging(operation: &Operation, types: &BTreeMap<String, TypeDef>) -> Option<Paging> {
    let page_num = optional_query(operation, "pageNum").filter(|p| is_integer(&p.ty))?;
    let items_per_page = optional_query(operation, "itemsPerPage").filter(|p| is_integer(&p.ty))?;
    let include_count = optional_query(operation, "includeCount").filter(|p| p.ty == Ty::Bool);
    let ResponseBody::Json(Ty::Named(envelope)) = &operation.success.body else { return None };
    if operation.success.empty_allowed || operation.body.is_some() {
        return None;
    }
    let Some(TypeDef::Struct(envelope)) = types.get(envelope) else { return None };
    let results = field(&envelope.fields, "results")?;
    let Ty::Vec(item) = &results.ty else { return None };
    field(&envelope.fields, "totalCount")?;
    let next_link = field(&envelope.fields, "links").and_then(|links| {
        let Ty::Vec(link) = &links.ty else { return None };
        let Ty::Named(link) = link.as_ref() else { return None };
        let Some(TypeDef::Struct(link)) = types.get(link) else { return None };
        let rel = field(&link.fields, "rel").filter(|rel| rel.ty == Ty::String)?;
        Some(NextLink {
            links: links.name.clone(),
            links_optional: optional(links),
            rel: rel.name.clone(),
            rel_optional: optional(rel),
        })
    });
    Some(Paging {
        stream_fn: names::stream_fn(&operation.fn_name),
        item: item.as_ref().clone(),
        page_num: page_num.name.clone(),
        page_num_ty: page_num.ty.clone(),
        items_per_page: items_per_page.name.clone(),
        default_items_per_page: items_per_page.integer_default,
        max_items_per_page: items_per_page.integer_maximum,
        include_count: include_count.map(|p| p.name.clone()),
        results: results.name.clone(),
        results_optional: optional(results),
        next_link,
    })
}

fn optional_query<'o>(operation: &'o Operation, wire_name: &str) -> Option<&'o QueryParam> {
    operation.query_params.iter().find(|p| p.wire_name == wire_name && p.location == ParamLocation::Query && !p.required)
}

fn field<'f>(fields: &'f [Field], wire_name: &str) -> Option<&'f Field> {
    // A field that may be absent or `null` (`Option<Nullable<T>>`) is not read by the stream.
    fields.iter().find(|field| field.wire_name == wire_name && !field.boxed && !field.three_state())
}

/// Emitted as `Option<T>`: not required, or `null` allowed.
fn optional(field: &Field) -> bool {
    !field.required || field.nullable
}

fn is_integer(ty: &Ty) -> bool {
    matches!(ty, Ty::I32 | Ty::I64)
}
