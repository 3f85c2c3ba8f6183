//! Fields a discriminated union's variants share: read without a `match`, and kept typed by
//! the catch-all for a value the discriminator does not list.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Field, SharedField, Struct, Ty, TypeDef, Union};
use crate::names;

/// For each union picked by a discriminator whose variants are all structs, finds the fields
/// every variant has (same wire name, same type); when there are some, the catch-all holds a
/// new struct with those fields plus the rest of the object as JSON, so they stay readable
/// for a value no variant takes.
pub(super) fn share_fields(types: &mut BTreeMap<String, TypeDef>, taken_names: &mut BTreeSet<String>) {
    let mut catch_alls = Vec::new();
    for def in types.values() {
        let TypeDef::Union(union) = def else { continue };
        if union.discriminator.is_none() {
            continue;
        }
        let Some(structs) = variant_structs(types, union) else { continue };
        let shared = common_fields(&structs);
        if shared.is_empty() {
            continue;
        }
        let optional_in: Vec<Vec<bool>> = shared
            .iter()
            .map(|field| {
                structs
                    .iter()
                    .map(|s| s.fields.iter().find(|f| f.wire_name == field.wire_name).is_some_and(is_optional))
                    .collect()
            })
            .collect();
        catch_alls.push((union.name.clone(), shared, optional_in));
    }
    for (union_name, shared, optional_in) in catch_alls {
        let struct_name = fresh(taken_names, &names::unknown_variant_struct(&union_name));
        let Some(TypeDef::Union(union)) = types.get_mut(&union_name) else { continue };
        let rest = names::numbered("other".to_owned(), |taken| shared.iter().any(|field| field.name == taken));
        let doc = format!(
            "A `{union_name}` whose `{}` this crate does not know: the fields every `{union_name}` has, and the others as JSON.",
            union.discriminator.as_deref().unwrap_or_default()
        );
        union.shared = shared
            .iter()
            .zip(optional_in)
            .map(|(field, optional_in)| SharedField {
                name: field.name.clone(),
                ty: field.ty.clone(),
                required: !is_optional(field),
                optional_in,
                doc: field.doc.clone(),
            })
            .collect();
        union.catch_all_struct = Some(struct_name.clone());
        let pointer = union.pointer.clone();
        let catch_all = Struct { name: struct_name.clone(), doc: Some(doc), fields: shared, rest: Some(rest), pointer };
        types.insert(struct_name, TypeDef::Struct(catch_all));
    }
}

/// The struct behind every variant, or `None` if a variant is anything else.
fn variant_structs<'t>(types: &'t BTreeMap<String, TypeDef>, union: &Union) -> Option<Vec<&'t Struct>> {
    union
        .variants
        .iter()
        .map(|variant| match &variant.ty {
            Ty::Named(name) => match types.get(name) {
                Some(TypeDef::Struct(s)) => Some(s),
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

/// `base`, or `base2`, ... if a type already has that name; the name is then taken.
fn fresh(taken: &mut BTreeSet<String>, base: &str) -> String {
    let name = names::numbered(base.to_owned(), |candidate| taken.contains(candidate));
    taken.insert(name.clone());
    name
}
