//! Paging: operations that take `pageNum`/`itemsPerPage` and return Atlas's paginated
//! envelope (`results`, `totalCount`, `links`) also get a stream over every page's items.
//! Decided on the operations and the type space before naming; the naming pass names the
//! stream method in `Client`'s scope.

use super::operations::{Operation, ResponseBody};
use super::types::{Kind, Struct, TypeSpace};
use crate::ir::{Field, NextLink, ParamLocation, QueryParam, Ty};

/// How to walk every page of an operation: `ir::Paging` with its types by id, before the
/// stream method is named.
pub(super) struct Paging {
    /// The type of one item of `results`.
    pub(super) item: Ty,
    pub(super) page_num: String,
    pub(super) page_num_ty: Ty,
    pub(super) items_per_page: String,
    pub(super) default_items_per_page: Option<i64>,
    pub(super) include_count: Option<String>,
    pub(super) results: String,
    pub(super) results_optional: bool,
    pub(super) next_link: Option<NextLink>,
}

/// The paging of each operation that has the shape, in any spec, by index.
pub(super) fn detect(operations: &[Operation], space: &TypeSpace) -> Vec<Option<Paging>> {
    operations.iter().map(|operation| paging(operation, space)).collect()
}

fn paging(operation: &Operation, space: &TypeSpace) -> Option<Paging> {
    let page_num = optional_query(operation, "pageNum").filter(|p| is_integer(&p.ty))?;
    let items_per_page = optional_query(operation, "itemsPerPage").filter(|p| is_integer(&p.ty))?;
    let include_count = optional_query(operation, "includeCount").filter(|p| p.ty == Ty::Bool);
    let ResponseBody::Json(envelope) = &operation.success.body else { return None };
    if operation.success.empty_allowed || operation.body.is_some() {
        return None;
    }
    let envelope = struct_of(space, envelope)?;
    let results = field(&envelope.fields, "results")?;
    let Ty::Vec(item) = &results.ty else { return None };
    field(&envelope.fields, "totalCount")?;
    let next_link = field(&envelope.fields, "links").and_then(|links| {
        let Ty::Vec(link) = &links.ty else { return None };
        let link = struct_of(space, link)?;
        let rel = field(&link.fields, "rel").filter(|rel| rel.ty == Ty::String)?;
        Some(NextLink {
            links: links.name.clone(),
            links_optional: optional(links),
            rel: rel.name.clone(),
            rel_optional: optional(rel),
        })
    });
    Some(Paging {
        item: item.as_ref().clone(),
        page_num: page_num.name.clone(),
        page_num_ty: page_num.ty.clone(),
        items_per_page: items_per_page.name.clone(),
        default_items_per_page: items_per_page.integer_default,
        include_count: include_count.map(|p| p.name.clone()),
        results: results.name.clone(),
        results_optional: optional(results),
        next_link,
    })
}

/// The struct `ty` refers to, if it is one.
fn struct_of<'s>(space: &'s TypeSpace, ty: &Ty) -> Option<&'s Struct> {
    let Ty::Named(id) = ty else { return None };
    match &space.get(space.canonical(*id))?.kind {
        Kind::Struct(s) => Some(s),
        _ => None,
    }
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
