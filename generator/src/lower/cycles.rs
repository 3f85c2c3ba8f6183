//! Cycles: a struct that contains itself again must hold that field behind a `Box`.

use std::collections::{BTreeMap, BTreeSet};

use super::types::{Kind, TypeSpace};
use crate::ir::{Ty, TypeId};

/// Boxes every struct field through which its struct contains itself again without a `Vec`
/// or map in between (`Option` does not help: `Option<T>` is as large as `T`).
pub(super) fn box_recursive_fields(space: &mut TypeSpace) {
    let edges: BTreeMap<TypeId, Vec<(usize, TypeId)>> = space
        .defs
        .iter()
        .filter_map(|(id, def)| match &def.kind {
            Kind::Struct(s) => Some((
                *id,
                s.fields
                    .iter()
                    .enumerate()
                    .filter_map(|(index, field)| match field.ty {
                        Ty::Named(target) => Some((index, target)),
                        _ => None,
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let reaches = |from: TypeId, target: TypeId| {
        let mut stack = vec![from];
        let mut seen = BTreeSet::new();
        while let Some(current) = stack.pop() {
            if current == target {
                return true;
            }
            if seen.insert(current) {
                stack.extend(edges.get(&current).into_iter().flatten().map(|(_, next)| *next));
            }
        }
        false
    };
    let to_box: Vec<(TypeId, usize)> = edges
        .iter()
        .flat_map(|(id, targets)| targets.iter().filter(|(_, target)| reaches(*target, *id)).map(|(index, _)| (*id, *index)))
        .collect();
    for (id, index) in to_box {
        if let Some(Kind::Struct(s)) = space.defs.get_mut(&id).map(|def| &mut def.kind) {
            s.fields[index].boxed = true;
        }
    }
}
