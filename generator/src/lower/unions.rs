//! Fields a discriminated union's variants share: read without a `match`, and kept typed by
//! the catch-all for a value the discriminator does not list.

use super::types::{Kind, Origin, Struct, TypeDef, TypeSpace, Union};
use crate::ir::{Field, Rest, SharedField, Ty};
use crate::names;

/// For each union picked by a discriminator whose variants are all structs, finds the fields
/// every variant has (same wire name, same type); when there are some, the catch-all holds a
/// new struct with those fields plus the rest of the object as JSON, so they stay readable
/// for a value no variant takes. The struct's name and documentation come from the naming
/// pass (its origin is `CatchAllOf` the union).
pub(super) fn share_fields(space: &mut TypeSpace) {
    let mut catch_alls = Vec::new();
    for (id, def) in &space.defs {
        let Kind::Union(union) = &def.kind else { continue };
        if union.discriminator.is_none() {
            continue;
        }
        let Some(structs) = variant_structs(space, union) else { continue };
        let shared = common_fields(&structs);
        if shared.is_empty() {
            continue;
        }
        let held_in = |held: fn(&Field) -> bool| -> Vec<Vec<bool>> {
            shared
                .iter()
                .map(|field| {
                    structs.iter().map(|s| s.fields.iter().find(|f| f.wire_name == field.wire_name).is_some_and(held)).collect()
                })
                .collect()
        };
        let (optional_in, null_in) = (held_in(is_optional), held_in(three_state));
        catch_alls.push((*id, shared, optional_in, null_in));
    }
    for (union_id, shared, optional_in, null_in) in catch_alls {
        let struct_id = space.reserve();
        let Some(def) = space.defs.get_mut(&union_id) else { continue };
        let Kind::Union(union) = &mut def.kind else { continue };
        let rest = names::rest_field(|taken| shared.iter().any(|field| field.name == taken));
        union.shared = shared
            .iter()
            .zip(optional_in.into_iter().zip(null_in))
            .map(|(field, (optional_in, null_in))| SharedField {
                name: field.name.clone(),
                ty: field.ty.clone(),
                required: !is_optional(field),
                optional_in,
                null_in,
                catch_all_null: three_state(field),
                doc: field.doc.clone(),
            })
            .collect();
        union.catch_all_struct = Some(struct_id);
        let pointer = def.pointer.clone();
        let kind = Kind::Struct(Struct { fields: shared, rest: Some(Rest { name: rest, values: Ty::Json }) });
        space.insert(struct_id, TypeDef { origin: Origin::CatchAllOf(union_id), doc: None, pointer, kind });
    }
}

/// The documentation of the catch-all struct of `union`, picked by `discriminator`.
pub(super) fn catch_all_doc(union: &str, discriminator: &str) -> String {
    format!(
        "A `{union}` whose `{discriminator}` this crate does not know: the fields every `{union}` has, and the others as JSON."
    )
}

/// The struct behind every variant, or `None` if a variant is anything else.
fn variant_structs<'t>(space: &'t TypeSpace, union: &Union) -> Option<Vec<&'t Struct>> {
    union
        .variants
        .iter()
        .map(|variant| match &variant.ty {
            Ty::Named(id) => match space.get(*id).map(|def| &def.kind) {
                Some(Kind::Struct(s)) => Some(s),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The first variant's fields that every other variant has with the same type, in the first
/// variant's order; required only where every variant requires them.
fn common_fields(structs: &[&Struct]) -> Vec<Field> {
    let Some((first, others)) = structs.split_first() else { return Vec::new() };
    first
        .fields
        .iter()
        .filter(|field| !field.boxed)
        .filter_map(|field| {
            let mut shared = field.clone();
            for other in others {
                let same = other.fields.iter().find(|o| o.wire_name == field.wire_name && o.ty == field.ty && !o.boxed)?;
                shared.required &= same.required;
                shared.nullable |= same.nullable;
            }
            Some(shared)
        })
        .collect()
}

/// Held as an `Option`: not required, or `null` allowed.
fn is_optional(field: &Field) -> bool {
    !field.required || field.nullable
}

/// Held as an `Option<Nullable<T>>`: absent, `null` or a value.
fn three_state(field: &Field) -> bool {
    !field.required && field.nullable
}
