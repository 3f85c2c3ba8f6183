//! The state of lowering one spec (`Lowerer`): the type space being built, the ids of the
//! components and enum value sets, and what ID inference found. The stages (`ids`, `schemas`,
//! `operations`, `parameters`) each add their methods to it; this module depends on none of
//! them.

use std::collections::{BTreeMap, HashMap};

use openapiv3::{OpenAPI, Operation as SpecOperation, PathItem, ReferenceOr};

use super::types::{Kind, TypeSpace};
use crate::ir::{IdType, Method, TypeId};
use crate::resolve::Resolver;

/// The state of lowering one spec: the type space being built and what ID inference found.
pub(super) struct Lowerer<'a> {
    pub(super) spec: &'a OpenAPI,
    pub(super) resolve: Resolver<'a>,
    pub(super) space: TypeSpace,
    /// Component schema key -> its type, for schemas that become types.
    pub(super) component_ids: BTreeMap<String, TypeId>,
    /// Enum value sets (sorted) -> the one type that holds them.
    pub(super) enums_by_values: BTreeMap<Vec<String>, TypeId>,
    /// Path parameter wire name (`groupId`) -> its ID type.
    pub(super) ids: BTreeMap<String, IdType>,
    /// Component schema key -> the ID type of its `id` property.
    pub(super) id_fields: BTreeMap<String, String>,
    /// The shape of a hoisted inline schema (`types::shape`) -> its type. Only looked up,
    /// never walked, so a hash map keeps the output deterministic.
    pub(super) hoisted: HashMap<Kind, TypeId>,
    /// `names::value_name` of each property name met so far: the same names recur in
    /// hundreds of schemas.
    pub(super) field_names: HashMap<String, String>,
    /// The alias components whose schema is being typed, innermost last: a reference to one
    /// of them is a recursion (`schemas::ty_of_ref`).
    pub(super) aliases_followed: Vec<String>,
}

impl<'a> Lowerer<'a> {
    pub(super) fn new(spec: &'a OpenAPI) -> Lowerer<'a> {
        Lowerer {
            resolve: Resolver::new(spec),
            spec,
            space: TypeSpace::default(),
            component_ids: BTreeMap::new(),
            enums_by_values: BTreeMap::new(),
            ids: BTreeMap::new(),
            id_fields: BTreeMap::new(),
            hoisted: HashMap::new(),
            field_names: HashMap::new(),
            aliases_followed: Vec::new(),
        }
    }
}

/// One operation of the spec being lowered, and where it is.
pub(super) struct Site<'a, 'r> {
    pub(super) path: &'a str,
    pub(super) method: Method,
    pub(super) item: &'a PathItem,
    pub(super) operation: &'a SpecOperation,
    /// Its `operationId`, or the one `operations::UnnamedOperations` gave it.
    pub(super) operation_id: String,
    pub(super) pointer: String,
    pub(super) release: &'r str,
}

/// The operations of a path item, in a fixed method order.
pub(super) fn methods(item: &openapiv3::PathItem) -> impl Iterator<Item = (Method, &SpecOperation)> {
    [
        (Method::Get, &item.get),
        (Method::Put, &item.put),
        (Method::Post, &item.post),
        (Method::Delete, &item.delete),
        (Method::Options, &item.options),
        (Method::Head, &item.head),
        (Method::Patch, &item.patch),
        (Method::Trace, &item.trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_ref().map(|operation| (method, operation)))
}

/// A path item written in place; `None` for a `$ref` to one.
pub(super) fn path_item(item: &ReferenceOr<openapiv3::PathItem>) -> Option<&openapiv3::PathItem> {
    match item {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { .. } => None,
    }
}
