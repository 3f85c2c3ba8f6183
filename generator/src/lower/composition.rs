//! What a schema's composition says, read from the spec without building a type: the
//! properties an object has once its `allOf` parts and `oneOf`/`anyOf` branches are merged,
//! whether an `anyOf`'s objects overlap, whether an `allOf` is one part's alias, whether a
//! schema allows `null`, whether a base maps tags to subtypes, and enum values. `schemas`
//! builds the types from what these say.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use super::state::Lowerer;
use crate::diag::Sink;
use crate::pointer::join;
use crate::resolve::schema_key;

/// One property of an object schema, with where it is in the spec.
pub(super) struct Property<'a> {
    pub(super) wire_name: &'a String,
    pub(super) schema: &'a ReferenceOr<Box<Schema>>,
    pub(super) pointer: String,
    /// The union whose base properties these are, when normalization copied them into a
    /// variant: types hoisted from them are named after it.
    pub(super) base_of: Option<&'a str>,
    /// A property of a branch of a `oneOf`/`anyOf` inside an `allOf`: never required.
    pub(super) from_branch: bool,
    /// Branches declare it with different schemas: it holds any JSON value.
    pub(super) conflict: bool,
}

/// A primitive, enum or array part of an `allOf` beside object parts: no struct holds a value
/// that is both, so the generator says it cannot model it rather than drop the part.
fn report_unmodelable(part: &Schema, pointer: &str, sink: &mut Sink<'_>) {
    let kind = match &part.schema_kind {
        SchemaKind::Type(Type::Object(_)) => return,
        SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => "a string enum",
        SchemaKind::Type(Type::String(_)) => "a string",
        SchemaKind::Type(Type::Integer(_)) => "an integer",
        SchemaKind::Type(Type::Number(_)) => "a number",
        SchemaKind::Type(Type::Boolean(_)) => "a boolean",
        SchemaKind::Type(Type::Array(_)) => "an array",
        _ => return,
    };
    sink.error(
        pointer,
        format!("cannot model an `allOf` that merges {kind} with object properties: the struct it becomes would drop this part"),
        Some(
            "make the `allOf` one type plus constraint-only parts (a description, `minimum`), or make every part an object"
                .to_owned(),
        ),
    );
}

/// A part of an `allOf` that only constrains the value (a description, `minimum: 0`,
/// `nullable`): it adds no type.
fn constraint_only(part: &ReferenceOr<Schema>) -> bool {
    match part {
        ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.additional_properties.is_none()
                && any.items.is_none()
                && any.enumeration.is_empty()
                && any.one_of.is_empty()
                && any.all_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
        }
        _ => false,
    }
}

/// What `collect_properties` gathers from an object or the parts of an `allOf`.
#[derive(Default)]
pub(super) struct Collected<'a> {
    pub(super) properties: Vec<Property<'a>>,
    pub(super) required: Vec<String>,
    /// The components already followed through `$ref`.
    pub(super) seen: Vec<String>,
    /// `additionalProperties` beside `properties`, with where it is.
    pub(super) additional: Option<(&'a AdditionalProperties, String)>,
}

pub(super) fn string_enum(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
            Some(string.enumeration.iter().flatten().cloned().collect())
        }
        _ => None,
    }
}

/// Object schemas with properties, compositions and string enums become named types; other
/// components (primitives, arrays, bare objects) are aliases that references see through.
pub(super) fn becomes_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
        SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
        _ => string_enum(schema).is_some(),
    }
}

/// An enum's values as a set: one type serves every list of the same values, in any order.
pub(super) fn value_set(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

impl<'a> Lowerer<'a> {
    /// The properties of an object, or of every part of an `allOf` (through `$ref`s), in
    /// order of appearance; a later part's property of the same name replaces an earlier one.
    pub(super) fn collect_properties(
        &self,
        schema: &'a Schema,
        pointer: &str,
        collected: &mut Collected<'a>,
        sink: &mut Sink<'_>,
    ) {
        let Collected { properties, required, additional, .. } = collected;
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                // `additionalProperties` beside `properties` (in an `allOf`, the last part's
                // schema, which any value must also meet): the undeclared properties are kept
                // in a map.
                match &object.additional_properties {
                    Some(values @ AdditionalProperties::Schema(_)) => {
                        *additional = Some((values, join(pointer, "additionalProperties")));
                    }
                    Some(values @ AdditionalProperties::Any(true)) if additional.is_none() => {
                        *additional = Some((values, join(pointer, "additionalProperties")));
                    }
                    _ => {}
                }
                let base_of = schema.schema_data.extensions.get(crate::normalize::BASE_OF).and_then(|v| v.as_str());
                for (wire_name, property) in &object.properties {
                    properties.retain(|existing| existing.wire_name != wire_name);
                    properties.push(Property {
                        wire_name,
                        schema: property,
                        pointer: join(&join(pointer, "properties"), wire_name),
                        base_of,
                        from_branch: false,
                        conflict: false,
                    });
                }
                required.extend(object.required.iter().cloned());
            }
            SchemaKind::AllOf { all_of } => {
                for (index, part) in all_of.iter().enumerate() {
                    let part_pointer = join(&join(pointer, "allOf"), &index.to_string());
                    self.collect_part(part, &part_pointer, collected, sink);
                }
            }
            // A `oneOf`/`anyOf` inside an `allOf` (directly or through a `$ref`): a value holds
            // one branch's properties, so the struct keeps every branch's, none required. One
            // that lists a schema being merged (the subtypes of a base that each `allOf` the
            // base) says what the subtypes are, not what this one holds: it adds nothing.
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches }
                if !branches.iter().any(|branch| match branch {
                    ReferenceOr::Reference { reference } => {
                        schema_key(reference).is_some_and(|key| collected.seen.iter().any(|seen| seen == key))
                    }
                    ReferenceOr::Item(_) => false,
                }) =>
            {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                for (index, branch) in branches.iter().enumerate() {
                    let branch_pointer = join(&join(pointer, keyword), &index.to_string());
                    let mut inner = Collected { seen: std::mem::take(&mut collected.seen), ..Collected::default() };
                    self.collect_part(branch, &branch_pointer, &mut inner, sink);
                    collected.seen = inner.seen;
                    for property in inner.properties {
                        match collected.properties.iter_mut().find(|existing| existing.wire_name == property.wire_name) {
                            Some(existing) => existing.conflict |= existing.from_branch && existing.schema != property.schema,
                            None => collected.properties.push(Property { from_branch: true, ..property }),
                        }
                    }
                    if collected.additional.is_none() {
                        collected.additional = inner.additional;
                    }
                }
            }
            // A primitive, enum or array part beside object parts: no struct holds a value that
            // is both, so the generator says it cannot model it rather than drop the part.
            SchemaKind::Type(_) => report_unmodelable(schema, pointer, sink),
            // A constraint-only part adds no properties of its own.
            _ => {}
        }
    }

    /// `collect_properties` of a part of an `allOf` or a branch of a `oneOf`, through its
    /// `$ref` (each component once).
    pub(super) fn collect_part(
        &self,
        part: &'a ReferenceOr<Schema>,
        pointer: &str,
        collected: &mut Collected<'a>,
        sink: &mut Sink<'_>,
    ) {
        match part {
            ReferenceOr::Item(part) => self.collect_properties(part, pointer, collected, sink),
            ReferenceOr::Reference { reference } => {
                let Some(key) = schema_key(reference) else { return };
                if collected.seen.iter().any(|s| s == key) {
                    return;
                }
                collected.seen.push(key.to_owned());
                if let Some((target, at)) = self.resolve.component_schema(key, &join(pointer, "$ref"), sink) {
                    if matches!(target.schema_kind, SchemaKind::Type(ref ty) if !matches!(ty, Type::Object(_))) {
                        // Reported where the `allOf` refers to it.
                        return report_unmodelable(target, &join(pointer, "$ref"), sink);
                    }
                    self.collect_properties(target, &at, collected, sink);
                }
            }
        }
    }

    /// Whether every branch is an object with properties (directly or through a `$ref`) and no
    /// property tells them apart: one that every branch has as a string enum, with values no
    /// two branches share (Atlas's token filters by `type`), makes them exclusive.
    pub(super) fn overlapping_objects(&self, parts: &'a [ReferenceOr<Schema>]) -> bool {
        let schemas = self.spec.components.as_ref().map(|components| &components.schemas);
        let resolve = |schema: &'a ReferenceOr<Schema>| -> Option<&'a Schema> {
            match schema {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { reference } => match schema_key(reference).and_then(|key| schemas?.get(key))? {
                    ReferenceOr::Item(schema) => Some(schema),
                    ReferenceOr::Reference { .. } => None,
                },
            }
        };
        let mut objects = Vec::new();
        for part in parts {
            match resolve(part).map(|schema| &schema.schema_kind) {
                Some(SchemaKind::Type(Type::Object(object))) if !object.properties.is_empty() => objects.push(object),
                _ => return false,
            }
        }
        if objects.len() < 2 {
            return false;
        }
        let enum_of = |property: &'a ReferenceOr<Box<Schema>>| -> Option<Vec<String>> {
            match property {
                ReferenceOr::Item(schema) => string_enum(schema),
                ReferenceOr::Reference { reference } => match schema_key(reference).and_then(|key| schemas?.get(key))? {
                    ReferenceOr::Item(schema) => string_enum(schema),
                    ReferenceOr::Reference { .. } => None,
                },
            }
        };
        let exclusive = objects[0].properties.keys().any(|name| {
            let mut taken: Vec<String> = Vec::new();
            objects.iter().all(|object| {
                let Some(values) = object.properties.get(name).and_then(enum_of) else { return false };
                if values.iter().any(|value| taken.contains(value)) {
                    return false;
                }
                taken.extend(values);
                true
            })
        });
        !exclusive
    }

    /// The one part of an `allOf` that says what the value is, when every other part only
    /// constrains it (a description, `minimum: 0`) and that part is not an object with
    /// properties (whose fields the `allOf` struct takes): the `allOf` is that part's type (an
    /// enum, an integer, a union), not an empty struct.
    pub(super) fn all_of_alias(&self, schema: &'a Schema) -> Option<(usize, &'a ReferenceOr<Schema>)> {
        let SchemaKind::AllOf { all_of: parts } = &schema.schema_kind else { return None };
        let mut typed = parts.iter().enumerate().filter(|(_, part)| !constraint_only(part));
        let (index, part) = typed.next()?;
        if typed.next().is_some() {
            return None;
        }
        let target = match part {
            ReferenceOr::Item(part) => part,
            ReferenceOr::Reference { reference } => {
                let schemas = self.spec.components.as_ref().map(|components| &components.schemas);
                match schema_key(reference).and_then(|key| schemas?.get(key))? {
                    ReferenceOr::Item(target) => target,
                    ReferenceOr::Reference { .. } => return Some((index, part)),
                }
            }
        };
        let object = match &target.schema_kind {
            SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
            SchemaKind::AllOf { .. } => self.all_of_alias(target).is_none(),
            _ => false,
        };
        (!object).then_some((index, part))
    }

    /// Whether a schema allows `null`: it says `nullable: true`, or it is a `$ref` to a component
    /// that does (`nullable` beside a `$ref` is ignored, as OpenAPI 3.0 says).
    pub(super) fn nullable(&self, schema: &ReferenceOr<Box<Schema>>) -> bool {
        match schema {
            ReferenceOr::Item(schema) => schema.schema_data.nullable,
            ReferenceOr::Reference { reference } => self.component_nullable(reference),
        }
    }

    /// Whether the component a `$ref` names says `nullable: true` (an unknown one is reported
    /// where the reference is typed).
    pub(super) fn component_nullable(&self, reference: &str) -> bool {
        let schemas = self.spec.components.as_ref().map(|components| &components.schemas);
        match schema_key(reference).and_then(|key| schemas?.get(key)) {
            Some(ReferenceOr::Item(schema)) => schema.schema_data.nullable,
            _ => false,
        }
    }

    /// Whether the discriminator of component `key` maps some tag to another schema.
    pub(super) fn has_subtype_mapping(&self, key: &str, schema: &Schema) -> bool {
        schema.schema_data.discriminator.as_ref().is_some_and(|discriminator| {
            discriminator.mapping.values().any(|target| schema_key(target).is_some_and(|target| target != key))
        })
    }

    /// The values of every part, in order without repeats, when every part is a string enum.
    pub(super) fn enum_values_of_all(&self, parts: &'a [ReferenceOr<Schema>], sink: &mut Sink<'_>) -> Option<Vec<String>> {
        let mut values: Vec<String> = Vec::new();
        for part in parts {
            let schema = match part {
                ReferenceOr::Item(schema) => schema,
                ReferenceOr::Reference { reference } => {
                    let key = schema_key(reference)?;
                    self.resolve.component_schema(key, "", sink)?.0
                }
            };
            for value in string_enum(schema)? {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
        }
        Some(values)
    }
}
