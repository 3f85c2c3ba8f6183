//! `readOnly` and `writeOnly` by the direction a type travels: one struct serves requests and
//! responses, so a field that only one direction carries is never required in the other.

use std::collections::BTreeMap;

use super::tags::reachable;

use crate::ir::{Access, Operation, ResponseBody, TypeDef};

/// A required `readOnly` field of a type that some request body reaches becomes optional (a
/// request cannot know it), and so does a required `writeOnly` field of a type that some
/// response reaches (Atlas never returns it). Where the type travels only one way, the flag
/// changes nothing and is cleared, so that only the fields it matters for are documented.
pub(super) fn relax_by_direction(types: &mut BTreeMap<String, TypeDef>, operations: &[Operation]) {
    let sent = reachable(types, operations.iter().filter_map(|op| op.body.as_ref().map(|body| body.ty.clone())));
    let received = reachable(
        types,
        operations.iter().filter_map(|op| match &op.success.body {
            ResponseBody::Json(ty) => Some(ty.clone()),
            _ => None,
        }),
    );
    for (name, def) in types.iter_mut() {
        let TypeDef::Struct(s) = def else { continue };
        for field in &mut s.fields {
            let travels_both_ways = match field.access {
                Access::ReadOnly => sent.contains(name),
                Access::WriteOnly => received.contains(name),
                Access::ReadWrite => false,
            };
            if travels_both_ways {
                field.required = false;
            } else {
                // Only one direction carries the type: the flag changes nothing about it.
                field.access = Access::ReadWrite;
            }
        }
    }
}
