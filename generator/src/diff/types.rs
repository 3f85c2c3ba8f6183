//! The types of two IRs matched by where they come from in the spec, and what changed in
//! each: fields, enum values, union variants; and the ID types.

use std::collections::BTreeMap;

use super::model::{Change, Class, change};
use crate::ir::{self, Ty, TypeDef, TypeId};

/// A media type's resource version in a pointer: an inline schema of an operation keeps its
/// origin when the operation moves to another resource version.
const VERSION_PREFIX: &str = "application~1vnd.atlas.";

/// One IR with the origin of each of its types.
pub(super) struct View<'a> {
    pub(super) api: &'a ir::Api,
    /// Each type's origin, by id: its pointer in the spec (versions aside), a union's
    /// catch-all struct as the union's with `#catch-all`.
    origin: BTreeMap<TypeId, String>,
    /// The other way round: each origin's type name.
    by_origin: BTreeMap<String, &'a str>,
}

impl<'a> View<'a> {
    pub(super) fn new(api: &'a ir::Api) -> Self {
        let id_of: BTreeMap<&str, TypeId> = api.type_names.iter().map(|(id, name)| (name.as_str(), *id)).collect();
        let mut origin = BTreeMap::new();
        for def in api.types.values() {
            let Some(&id) = id_of.get(def.name()) else { continue };
            let pointer = match def {
                TypeDef::Struct(s) => &s.pointer,
                TypeDef::Enum(e) => &e.pointer,
                TypeDef::Union(u) => &u.pointer,
            };
            origin.entry(id).or_insert_with(|| without_version(pointer));
            if let TypeDef::Union(union) = def {
                if let Some(catch_all) = union.catch_all_struct {
                    origin.insert(catch_all, format!("{}#catch-all", without_version(&union.pointer)));
                }
            }
        }
        // Two types from one place (hoisted once per shape, so rare): told apart by name.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for key in origin.values() {
            *seen.entry(key.clone()).or_default() += 1;
        }
        for (id, key) in origin.iter_mut() {
            if seen[key.as_str()] > 1 {
                key.push_str(&format!("#{}", api.type_name(*id)));
            }
        }
        let by_origin = origin.iter().map(|(id, key)| (key.clone(), api.type_name(*id))).collect();
        View { api, origin, by_origin }
    }

    /// The type's identity across specs: named types by origin.
    pub(super) fn key(&self, ty: &Ty) -> String {
        match ty {
            Ty::Named(id) => self.origin.get(id).cloned().unwrap_or_else(|| self.api.type_name(*id).to_owned()),
            Ty::Id(name) => format!("id:{name}"),
            Ty::Vec(inner) => format!("Vec<{}>", self.key(inner)),
            Ty::Map(inner) => format!("Map<{}>", self.key(inner)),
            Ty::Option(inner) => format!("Option<{}>", self.key(inner)),
            other => self.rust(other),
        }
    }

    /// The type as the generated code spells it.
    pub(super) fn rust(&self, ty: &Ty) -> String {
        match ty {
            Ty::String => "String".to_owned(),
            Ty::Bool => "bool".to_owned(),
            Ty::I32 => "i32".to_owned(),
            Ty::I64 => "i64".to_owned(),
            Ty::F64 => "f64".to_owned(),
            Ty::DateTime => "DateTime<Utc>".to_owned(),
            Ty::Json => "serde_json::Value".to_owned(),
            Ty::Id(name) => name.clone(),
            Ty::Named(id) => self.api.type_name(*id).to_owned(),
            Ty::Vec(inner) => format!("Vec<{}>", self.rust(inner)),
            Ty::Map(inner) => format!("BTreeMap<String, {}>", self.rust(inner)),
            Ty::Option(inner) => format!("Option<{}>", self.rust(inner)),
        }
    }

    /// The tag a type is filed under: the first tag whose feature compiles it, else shared.
    fn group(&self, name: &str) -> String {
        let tag = self.api.gates.get(name).and_then(|gates| gates.first()).and_then(|&index| self.api.tags.get(index));
        tag.map_or_else(|| "Shared types".to_owned(), |tag| tag.name.clone())
    }

    fn def_by_origin(&self, origin: &str) -> Option<&'a TypeDef> {
        self.by_origin.get(origin).and_then(|name| self.api.types.get(*name))
    }
}

fn without_version(pointer: &str) -> String {
    match pointer.find(VERSION_PREFIX) {
        Some(at) => {
            let rest = &pointer[at + VERSION_PREFIX.len()..];
            let suffix = rest.find('+').map_or("", |plus| &rest[plus..]);
            format!("{}{VERSION_PREFIX}{{version}}{suffix}", &pointer[..at])
        }
        None => pointer.to_owned(),
    }
}

fn module_of(def: &TypeDef) -> &'static str {
    match def {
        TypeDef::Enum(ir::Enum { module: ir::Module::Roles, .. }) => "roles",
        _ => "models",
    }
}

fn pointer_of(def: &TypeDef) -> &str {
    match def {
        TypeDef::Struct(s) => &s.pointer,
        TypeDef::Enum(e) => &e.pointer,
        TypeDef::Union(u) => &u.pointer,
    }
}

const REMOVED_TYPE: &str = "code that names it no longer compiles";
const ADDED_TYPE: &str = "a new type; nothing that compiled names it";
const EXHAUSTIVE_STRUCT: &str =
    "the struct is exhaustive: a struct literal without `..Default::default()` (or a pattern without `..`) no longer compiles";

/// Every type added, removed, renamed, moved or changed inside.
pub(super) fn diff(old: &View<'_>, new: &View<'_>, changes: &mut Vec<Change>) {
    let origins: std::collections::BTreeSet<&String> = old.by_origin.keys().chain(new.by_origin.keys()).collect();
    for origin in origins {
        match (old.def_by_origin(origin), new.def_by_origin(origin)) {
            (Some(gone), None) => {
                let item = format!("{}::{}", module_of(gone), gone.name());
                changes.push(change(Class::Breaking, &old.group(gone.name()), item, "removed", REMOVED_TYPE, pointer_of(gone)));
            }
            (None, Some(added)) => {
                let item = format!("{}::{}", module_of(added), added.name());
                changes.push(change(Class::Additive, &new.group(added.name()), item, "added", ADDED_TYPE, pointer_of(added)));
            }
            (Some(before), Some(after)) => diff_type(old, new, before, after, changes),
            (None, None) => {}
        }
    }
}

fn diff_type(old: &View<'_>, new: &View<'_>, before: &TypeDef, after: &TypeDef, changes: &mut Vec<Change>) {
    let group = new.group(after.name());
    let item = format!("{}::{}", module_of(after), after.name());
    let at = pointer_of(after);
    let (old_path, new_path) = (format!("{}::{}", module_of(before), before.name()), item.clone());
    if old_path != new_path {
        let what = format!("renamed from `{old_path}`");
        changes.push(change(Class::Breaking, &group, item.clone(), what, "code that names the old path no longer compiles", at));
    }
    match (before, after) {
        (TypeDef::Struct(before), TypeDef::Struct(after)) => diff_struct(old, new, before, after, &group, &item, changes),
        (TypeDef::Enum(before), TypeDef::Enum(after)) => diff_enum(before, after, &group, &item, changes),
        (TypeDef::Union(before), TypeDef::Union(after)) => diff_union(old, new, before, after, &group, &item, changes),
        _ => {
            let what = format!("{} instead of {}", kind(after), kind(before));
            changes.push(change(Class::Breaking, &group, item, what, "its constructors, fields and patterns change", at));
        }
    }
}

fn kind(def: &TypeDef) -> &'static str {
    match def {
        TypeDef::Struct(_) => "a struct",
        TypeDef::Enum(_) => "an enum",
        TypeDef::Union(_) => "a union enum",
    }
}

/// A field's type as the struct holds it.
fn field_type(view: &View<'_>, field: &ir::Field, rust: bool) -> String {
    let inner = if rust { view.rust(&field.ty) } else { view.key(&field.ty) };
    let inner = if field.boxed { format!("Box<{inner}>") } else { inner };
    match (field.required, field.nullable) {
        (true, false) => inner,
        (true, true) => format!("Option<{inner}>"),
        (false, false) => format!("Option<{inner}>"),
        (false, true) => format!("Option<Nullable<{inner}>>"),
    }
}

fn diff_struct(
    old: &View<'_>,
    new: &View<'_>,
    before: &ir::Struct,
    after: &ir::Struct,
    group: &str,
    item: &str,
    changes: &mut Vec<Change>,
) {
    let properties = |pointer: &str, wire: &str| format!("{}/properties/{}", pointer, crate::pointer::escape_token(wire));
    for field in &after.fields {
        let at = properties(&after.pointer, &field.wire_name);
        let field_item = format!("{item}::{}", field.name);
        let Some(previous) = before.fields.iter().find(|previous| previous.wire_name == field.wire_name) else {
            let (what, reason) = if field.required && !field.nullable {
                ("added, required", "building the struct needs the new field")
            } else {
                ("added, optional", EXHAUSTIVE_STRUCT)
            };
            let reason = if field.required { reason.to_owned() } else { format!("decoding ignores it, but {reason}") };
            changes.push(change(Class::Breaking, group, field_item, what, &reason, &at));
            continue;
        };
        if previous.name != field.name {
            let what = format!("renamed from `{}`", previous.name);
            changes.push(change(
                Class::Breaking,
                group,
                field_item.clone(),
                what,
                "code that names the old field no longer compiles",
                &at,
            ));
        }
        if field_type(old, previous, false) != field_type(new, field, false) {
            let what = format!("type `{}` -> `{}`", field_type(old, previous, true), field_type(new, field, true));
            let reason = match (previous.required, field.required) {
                (true, false) => "now optional: reads of it get an `Option`",
                (false, true) => "now required: the field is no longer an `Option`",
                _ if previous.nullable != field.nullable => "nullable changed: the field's `Option`/`Nullable` wrapping changes",
                _ => "code that reads or sets the field with its old type no longer compiles",
            };
            changes.push(change(Class::Breaking, group, field_item.clone(), what, reason, &at));
        }
        if previous.access != field.access {
            let what = format!("{:?} -> {:?}", previous.access, field.access);
            changes.push(change(Class::None, group, field_item, what, "only which direction sends it changes", &at));
        }
    }
    for gone in before.fields.iter().filter(|gone| !after.fields.iter().any(|field| field.wire_name == gone.wire_name)) {
        let at = properties(&before.pointer, &gone.wire_name);
        let reason = "code that reads or sets it no longer compiles";
        changes.push(change(Class::Breaking, group, format!("{item}::{}", gone.name), "removed", reason, &at));
    }
    match (&before.rest, &after.rest) {
        (None, Some(rest)) => {
            let reason = format!("undeclared properties are kept in `{}`; {EXHAUSTIVE_STRUCT}", rest.name);
            changes.push(change(Class::Breaking, group, format!("{item}::{}", rest.name), "added", &reason, &after.pointer));
        }
        (Some(rest), None) => {
            let reason = "code that reads it no longer compiles";
            changes.push(change(Class::Breaking, group, format!("{item}::{}", rest.name), "removed", reason, &before.pointer));
        }
        _ => {}
    }
}

fn diff_enum(before: &ir::Enum, after: &ir::Enum, group: &str, item: &str, changes: &mut Vec<Change>) {
    for variant in &after.variants {
        let variant_item = format!("{item}::{}", variant.name);
        match before.variants.iter().find(|previous| previous.wire == variant.wire) {
            None => {
                let what = format!("value `{}` added", variant.wire);
                let reason = format!(
                    "the enum is exhaustive: a `match` without `_` no longer compiles, and `{}` decoded as `{}` before",
                    variant.wire, before.catch_all
                );
                changes.push(change(Class::Breaking, group, variant_item, what, &reason, &after.pointer));
            }
            Some(previous) if previous.name != variant.name => {
                let what = format!("renamed from `{}`", previous.name);
                let reason = "code that names the old variant no longer compiles";
                changes.push(change(Class::Breaking, group, variant_item, what, reason, &after.pointer));
            }
            Some(_) => {}
        }
    }
    for gone in before.variants.iter().filter(|gone| !after.variants.iter().any(|variant| variant.wire == gone.wire)) {
        let what = format!("value `{}` removed", gone.wire);
        let reason = format!("code that names it no longer compiles; the value now decodes as `{}`", after.catch_all);
        changes.push(change(Class::Breaking, group, format!("{item}::{}", gone.name), what, &reason, &before.pointer));
    }
}

fn diff_union(
    old: &View<'_>,
    new: &View<'_>,
    before: &ir::Union,
    after: &ir::Union,
    group: &str,
    item: &str,
    changes: &mut Vec<Change>,
) {
    let at = &after.pointer;
    if before.discriminator != after.discriminator {
        let what = format!("discriminator {:?} -> {:?}", before.discriminator, after.discriminator);
        changes.push(change(Class::Breaking, group, item.to_owned(), what, "values decode into other variants", at));
    }
    for variant in &after.variants {
        let variant_item = format!("{item}::{}", variant.name);
        let same = before.variants.iter().find(|previous| old.key(&previous.ty) == new.key(&variant.ty));
        match same {
            None => {
                let reason = format!(
                    "the enum is exhaustive: a `match` without `_` no longer compiles, and such values decoded as `{}` before",
                    before.catch_all
                );
                changes.push(change(Class::Breaking, group, variant_item, "variant added", &reason, at));
            }
            Some(previous) => {
                if previous.name != variant.name {
                    let what = format!("renamed from `{}`", previous.name);
                    let reason = "code that names the old variant no longer compiles";
                    changes.push(change(Class::Breaking, group, variant_item.clone(), what, reason, at));
                }
                if previous.tags != variant.tags {
                    let what = format!("selected by {:?} instead of {:?}", variant.tags, previous.tags);
                    changes.push(change(Class::Breaking, group, variant_item, what, "values decode into other variants", at));
                }
            }
        }
    }
    for gone in &before.variants {
        if !after.variants.iter().any(|variant| new.key(&variant.ty) == old.key(&gone.ty)) {
            let reason = format!("code that names it no longer compiles; its values now decode as `{}`", after.catch_all);
            changes.push(change(
                Class::Breaking,
                group,
                format!("{item}::{}", gone.name),
                "variant removed",
                &reason,
                &before.pointer,
            ));
        }
    }
    for field in &after.shared {
        if !before.shared.iter().any(|previous| previous.name == field.name) {
            let reason = "a new method; nothing that compiled calls it";
            changes.push(change(Class::Additive, group, format!("{item}::{}()", field.name), "added", reason, at));
        }
    }
    for gone in before.shared.iter().filter(|gone| !after.shared.iter().any(|field| field.name == gone.name)) {
        let reason = "not every variant has the field any more: code that calls the method no longer compiles";
        changes.push(change(Class::Breaking, group, format!("{item}::{}()", gone.name), "removed", reason, &before.pointer));
    }
}

/// The ID types added and removed.
pub(super) fn diff_ids(old: &ir::Api, new: &ir::Api, changes: &mut Vec<Change>) {
    for name in new.ids.keys().filter(|name| !old.ids.contains_key(*name)) {
        changes.push(change(Class::Additive, "ID types", name.clone(), "added", ADDED_TYPE, ""));
    }
    for name in old.ids.keys().filter(|name| !new.ids.contains_key(*name)) {
        changes.push(change(Class::Breaking, "ID types", name.clone(), "removed", REMOVED_TYPE, ""));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_schema_keeps_its_origin_across_resource_versions() {
        let old = "/paths/~1x/get/responses/200/content/application~1vnd.atlas.2023-01-01+json/schema";
        let new = "/paths/~1x/get/responses/200/content/application~1vnd.atlas.2025-02-19+json/schema";
        assert_eq!(without_version(old), without_version(new));
        assert_ne!(without_version(old), without_version(&old.replace("+json", "+csv")));
        assert_eq!(without_version("/components/schemas/A"), "/components/schemas/A");
    }
}
