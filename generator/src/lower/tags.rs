//! Tags: each operation's module and cargo feature, and which features need each type.

use std::collections::{BTreeMap, BTreeSet};

use super::operations::Operation;
use super::types::TypeSpace;
use crate::ir::{Tag, Ty, TypeId};
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

/// For each type that only some tags' operations reach, the indices of those tags
/// (`tag_of`: each operation's). Types the runtime needs (`api_error`, the spec's `ApiError`,
/// and what it holds), types every tag reaches, types no operation reaches, and what those
/// hold, are always compiled and have no entry: an ungated type never names a gated one.
/// Reachability is the type space's, by id.
pub(super) fn gates(
    space: &TypeSpace,
    operations: &[Operation],
    tag_of: &[usize],
    tags: usize,
    api_error: Option<TypeId>,
) -> BTreeMap<TypeId, Vec<usize>> {
    let mut by_type: BTreeMap<TypeId, BTreeSet<usize>> = BTreeMap::new();
    for tag in 0..tags {
        let roots = operations.iter().zip(tag_of).filter(|(_, of)| **of == tag).flat_map(|(op, _)| operation_types(op));
        for id in space.reachable(roots) {
            by_type.entry(id).or_default().insert(tag);
        }
    }
    let unreached = space.defs.keys().filter(|id| !by_type.contains_key(id)).map(|id| Ty::Named(*id));
    let always = space.reachable(api_error.map(Ty::Named).into_iter().chain(unreached));
    by_type
        .into_iter()
        .filter(|(id, reached)| !always.contains(id) && reached.len() < tags)
        .map(|(id, reached)| (id, reached.into_iter().collect()))
        .collect()
}

/// Every type an operation's arguments and result name.
fn operation_types(operation: &Operation) -> Vec<Ty> {
    let mut roots: Vec<Ty> = operation.path_params.iter().map(|param| param.ty.clone()).collect();
    roots.extend(operation.query_params.iter().map(|param| param.ty.clone()));
    roots.extend(operation.body.iter().map(|body| body.ty.clone()));
    roots.extend(operation.success.json_types().into_iter().cloned());
    roots
}
