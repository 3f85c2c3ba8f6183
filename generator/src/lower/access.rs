//! `readOnly` and `writeOnly` by the direction a type travels: one struct serves requests and
//! responses, so a field that only one direction carries is never required in the other.

use super::operations::Operation;
use super::types::{Kind, TypeSpace};

use crate::ir::Access;

/// A required `readOnly` field of a type that some request body reaches becomes optional (a
/// request cannot know it), and so does a required `writeOnly` field of a type that some
/// response reaches (Atlas never returns it). Where the type travels only one way, the flag
/// changes nothing and is cleared, so that only the fields it matters for are documented.
pub(super) fn relax_by_direction(space: &mut TypeSpace, operations: &[Operation]) {
    let sent = space.reachable(operations.iter().filter_map(|op| op.body.as_ref().map(|body| body.ty.clone())));
    let received = space.reachable(operations.iter().flat_map(|op| op.success.json_types()).cloned());
    for (id, def) in space.defs.iter_mut() {
        let Kind::Struct(s) = &mut def.kind else { continue };
        for field in &mut s.fields {
            let travels_both_ways = match field.access {
                Access::ReadOnly => sent.contains(id),
                Access::WriteOnly => received.contains(id),
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
