//! Tags: each operation's module and cargo feature, and which features need each type.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Operation, ResponseBody, Tag, Ty, TypeDef};
use crate::names::{self, FEATURES_RESERVED, Scope};

/// The tags the operations use, sorted by module, and the index of each operation's tag.
/// Each distinct tag gets its own module (bounded in length, numbered on collision, in the
/// order of the tags' names) and feature (numbered past the features the crate reserves).
pub(super) fn assign(spec_tags: &[openapiv3::Tag], operation_tags: &[&str]) -> (Vec<Tag>, Vec<usize>) {
    let distinct: BTreeSet<&str> = operation_tags.iter().copied().collect();
    let (mut modules, mut features) = (Scope::default(), Scope::reserving(FEATURES_RESERVED));
    let mut tags: Vec<Tag> = distinct
        .into_iter()
        .map(|name| {
            let module = modules.claim(names::tag_module(name));
            Tag {
                name: name.to_owned(),
                feature: features.claim_feature(names::tag_feature(&module)),
                doc: spec_tags.iter().find(|tag| tag.name == name).and_then(|tag| tag.description.clone()),
                module,
            }
        })
        .collect();
    tags.sort_by(|a, b| a.module.cmp(&b.module));
    let index: BTreeMap<&str, usize> = tags.iter().enumerate().map(|(i, tag)| (tag.name.as_str(), i)).collect();
    let of_operation = operation_tags.iter().map(|name| index[name]).collect();
    (tags, of_operation)
}

/// For each type that only some tags' operations reach, the indices of those tags. Types
/// the runtime needs (`api_error`, the spec's `ApiError`, and what it holds), types every tag
/// reaches and types no operation reaches are always compiled and have no entry.
pub(super) fn gates(
    types: &BTreeMap<String, TypeDef>,
    operations: &[Operation],
    tags: usize,
    api_error: &str,
) -> BTreeMap<String, Vec<usize>> {
    let always = reachable(types, [Ty::Named(api_error.to_owned())]);
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
