//! `readOnly` and `writeOnly` by the direction a type travels: one struct serves requests and
//! responses, so a field that only one direction carries is never required in the other.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Access, Operation, ResponseBody, Ty, TypeDef};

/// A required `readOnly` field of a type that some request body reaches becomes optional (a
/// request cannot know it), and so does a required `writeOnly` field of a type that some
/// response reaches (Atlas never returns it). Where the type travels only one way, the flag
/// changes nothing and is cleared, so that only the fields it matters for are documented.
pub(super) fn relax_by_direction(types: &mut BTreeMap<String, TypeDef>, operations: &[Operation]) {
    let sent = reachable(types, operations.iter().filter_map(|op| op.body.as_ref().map(|body| &body.ty)));
    let received = reachable(
        types,
        operations.iter().filter_map(|op| match &op.success.body {
            ResponseBody::Json(ty) => Some(ty),
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

/// Every named type reachable from `roots` through fields, variants and collections.
fn reachable<'t>(types: &BTreeMap<String, TypeDef>, roots: impl Iterator<Item = &'t Ty>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<Ty> = roots.cloned().collect();
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
