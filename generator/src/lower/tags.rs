//! Tags: each operation's module and cargo feature, and which features need each type.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;

use crate::ir::{Operation, ResponseBody, Tag, Ty, TypeDef};
use crate::names;

use super::{methods, path_item};

/// The tags the operations use, sorted by module, with each operation's `tag` set to its
/// index: the operation's first tag in the spec (every Atlas operation has exactly one).
pub(super) fn assign(spec: &OpenAPI, operations: &mut [Operation]) -> Vec<Tag> {
    let first_tag = |operation: &Operation| -> String {
        let item = spec.paths.paths.get(&operation.path).and_then(path_item);
        let spec_operation =
            item.and_then(|item| methods(item).find(|(method, _)| *method == operation.method)).map(|(_, op)| op);
        spec_operation.and_then(|op| op.tags.first().cloned()).unwrap_or_default()
    };
    let names: Vec<String> = operations.iter().map(first_tag).collect();
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for name in &names {
        let module = names::tag_module(name);
        tags.entry(module.clone()).or_insert_with(|| Tag {
            name: name.clone(),
            feature: names::tag_feature(name),
            doc: spec.tags.iter().find(|tag| tag.name == *name).and_then(|tag| tag.description.clone()),
            module,
        });
    }
    let index: BTreeMap<String, usize> = tags.keys().enumerate().map(|(i, module)| (module.clone(), i)).collect();
    for (operation, name) in operations.iter_mut().zip(&names) {
        operation.tag = index[&names::tag_module(name)];
    }
    tags.into_values().collect()
}

/// For each type that only some tags' operations reach, the indices of those tags. Types
/// the runtime needs (`ApiError` and what it holds), types every tag reaches and types no
/// operation reaches are always compiled and have no entry.
pub(super) fn gates(types: &BTreeMap<String, TypeDef>, operations: &[Operation], tags: usize) -> BTreeMap<String, Vec<usize>> {
    let always = reachable(types, [Ty::Named("ApiError".to_owned())]);
    let mut by_type: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for tag in 0..tags {
        let roots = operations.iter().filter(|op| op.tag == tag).flat_map(operation_types);
        for name in reachable(types, roots) {
            by_type.entry(name).or_default().insert(tag);
        }
    }
    by_type
        .into_iter()
        .filter(|(name, reached)| !always.contains(name) && reached.len() < tags)
        .map(|(name, reached)| (name, reached.into_iter().collect()))
        .collect()
}

/// Every type an operation's arguments and result name.
fn operation_types(operation: &Operation) -> Vec<Ty> {
    let mut roots: Vec<Ty> = operation.path_params.iter().map(|param| param.ty.clone()).collect();
    roots.extend(operation.query_params.iter().map(|param| param.ty.clone()));
    roots.extend(operation.body.iter().map(|body| body.ty.clone()));
    if let ResponseBody::Json(ty) = &operation.success.body {
        roots.push(ty.clone());
    }
    roots
}

/// Every named type reachable from `roots` through fields, variants and collections.
fn reachable(types: &BTreeMap<String, TypeDef>, roots: impl IntoIterator<Item = Ty>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<Ty> = roots.into_iter().collect();
    while let Some(ty) = stack.pop() {
        match ty {
            Ty::Vec(inner) | Ty::Map(inner) => stack.push(*inner),
            Ty::Named(name) if seen.insert(name.clone()) => match types.get(&name) {
                Some(TypeDef::Struct(s)) => stack.extend(s.fields.iter().map(|field| field.ty.clone())),
                Some(TypeDef::Union(u)) => {
                    stack.extend(u.variants.iter().map(|variant| variant.ty.clone()));
                    stack.extend(u.catch_all_struct.iter().cloned().map(Ty::Named));
                }
                Some(TypeDef::Enum(_)) | None => {}
            },
            _ => {}
        }
    }
    seen
}
