//! Schemas into the type space: one type per object schema, per `allOf` (merged into one
//! struct), per `oneOf`/`anyOf` and per distinct enum value set; inline schemas are hoisted
//! into types of their own, one per distinct shape.

use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::composition::{Collected, Property, becomes_type, string_enum, value_set};
use super::ids::is_hex24_string;
use super::state::Lowerer;
use super::types::{self, Enum, Kind, Origin, Parent, Struct, TypeDef, Union, UnionVariant};
use crate::diag::Sink;
use crate::ir::{Access, Field, Rest, Ty, TypeId};
use crate::names;
use crate::pointer::join;
use crate::resolve::schema_key;

/// Where a schema is being lowered: what holds it and the field it is for.
#[derive(Clone, Copy)]
pub(super) struct Context<'c> {
    pub(super) parent: &'c Parent,
    pub(super) field: &'c str,
    pub(super) pointer: &'c str,
}

fn def(origin: Origin, doc: Option<String>, pointer: &str, kind: Kind) -> TypeDef {
    TypeDef { origin, doc, pointer: pointer.to_owned(), kind }
}

impl<'a> Lowerer<'a> {
    /// Gives every component schema that becomes a type its id, in the spec's order.
    pub(super) fn reserve_components(&mut self) {
        for (key, schema) in self.resolve.schemas() {
            let ReferenceOr::Item(schema) = schema else { continue };
            if !becomes_type(schema) || self.all_of_alias(schema).is_some() {
                continue;
            }
            let id = self.space.reserve();
            if let Some(values) = string_enum(schema) {
                self.enums_by_values.entry(value_set(values)).or_insert(id);
            }
            self.component_ids.insert(key.clone(), id);
        }
    }

    pub(super) fn lower_components(&mut self, sink: &mut Sink<'_>) {
        let components: Vec<(String, TypeId)> = self.component_ids.iter().map(|(k, id)| (k.clone(), *id)).collect();
        for (key, id) in components {
            let pointer = join("/components/schemas", &key);
            let Some(ReferenceOr::Item(schema)) = self.spec.components.as_ref().and_then(|c| c.schemas.get(&key)) else {
                continue;
            };
            let (doc, kind) = self.lower_named(id, Some(&key), schema, &pointer, sink);
            self.space.insert(id, def(Origin::Component(key), doc, &pointer, kind));
        }
    }

    /// The type for a schema that `becomes_type`: a struct, an enum or a union.
    fn lower_named(
        &mut self,
        id: TypeId,
        key: Option<&str>,
        schema: &'a Schema,
        pointer: &str,
        sink: &mut Sink<'_>,
    ) -> (Option<String>, Kind) {
        let doc = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        if let Some(values) = string_enum(schema) {
            return (doc, Kind::Enum(Enum { values }));
        }
        let kind = match &schema.schema_kind {
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                // One of several string enums (AWS, Azure or GCP instance sizes) is one enum
                // of all their values: a union could not tell which enum a value came from.
                if let Some(values) = self.enum_values_of_all(parts, sink) {
                    return (doc, Kind::Enum(Enum { values }));
                }
                // An `anyOf` of objects that a value may match several of at once is one struct
                // with every branch's properties: a union would keep one branch's.
                if matches!(schema.schema_kind, SchemaKind::AnyOf { .. })
                    && schema.schema_data.discriminator.is_none()
                    && self.overlapping_objects(parts)
                {
                    let mut collected = Collected { seen: key.map(str::to_owned).into_iter().collect(), ..Collected::default() };
                    self.collect_properties(schema, pointer, &mut collected, sink);
                    let fields = self.fields(id, key, &collected.properties, &collected.required, sink);
                    let rest = collected.additional.map(|(values, at)| self.rest(id, &fields, values, &at, sink));
                    return (doc, Kind::Struct(Struct { fields, rest }));
                }
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                Kind::Union(self.union_def(id, schema, parts, &join(pointer, keyword), sink))
            }
            // A base schema whose discriminator maps each tag to a subtype (`allOf` of the
            // base plus its own fields) is, wherever it is used, one of those subtypes.
            SchemaKind::Type(Type::Object(_)) if key.is_some_and(|key| self.has_subtype_mapping(key, schema)) => {
                Kind::Union(self.subtype_union(id, key.unwrap_or_default(), schema, pointer, sink))
            }
            _ => {
                // The component itself counts as followed: a `oneOf` that lists it is its base's.
                let mut collected = Collected { seen: key.map(str::to_owned).into_iter().collect(), ..Collected::default() };
                self.collect_properties(schema, pointer, &mut collected, sink);
                let fields = self.fields(id, key, &collected.properties, &collected.required, sink);
                let rest = collected.additional.map(|(values, at)| self.rest(id, &fields, values, &at, sink));
                Kind::Struct(Struct { fields, rest })
            }
        };
        (doc, kind)
    }

    /// The map of undeclared properties (`additionalProperties` beside `properties`), named in
    /// the struct's field scope after its fields.
    fn rest(
        &mut self,
        id: TypeId,
        fields: &[Field],
        values: &'a AdditionalProperties,
        pointer: &str,
        sink: &mut Sink<'_>,
    ) -> Rest {
        let mut scope = names::Scope::default();
        for field in fields {
            scope.claim(field.name.clone());
        }
        let name = scope.claim("additional_properties".to_owned());
        let values = match values {
            AdditionalProperties::Schema(values) => {
                let parent = Parent::Type(id);
                let ty = self.ty_of(values, Context { parent: &parent, field: "additionalProperties", pointer }, sink);
                let nullable = match values.as_ref() {
                    ReferenceOr::Item(schema) => schema.schema_data.nullable,
                    ReferenceOr::Reference { reference } => self.component_nullable(reference),
                };
                or_null(ty, nullable)
            }
            AdditionalProperties::Any(_) => Ty::Json,
        };
        Rest { name, values }
    }

    /// Struct fields for `properties`; the `id` property and properties named like a path
    /// parameter take their ID type.
    fn fields(
        &mut self,
        id: TypeId,
        key: Option<&str>,
        properties: &[Property<'a>],
        required: &[String],
        sink: &mut Sink<'_>,
    ) -> Vec<Field> {
        let mut fields: Vec<Field> = Vec::new();
        for property in properties {
            let wire_name = property.wire_name;
            // Properties that collide after conversion (`groupId`, `group_id`) are numbered;
            // serde keeps each one's wire name.
            let converted = self.field_names.entry(wire_name.to_owned()).or_insert_with(|| names::value_name(wire_name)).clone();
            let field_name = names::numbered(converted, |candidate| fields.iter().any(|f| f.name == candidate));
            let property_schema = match property.schema {
                ReferenceOr::Item(schema) => Some(schema.as_ref()),
                ReferenceOr::Reference { .. } => None,
            };
            let nullable = self.nullable(property.schema);
            // A `$ref` property travels the way its target schema says.
            let access_schema = match property.schema {
                ReferenceOr::Item(schema) => Some(schema.as_ref()),
                ReferenceOr::Reference { reference } => schema_key(reference)
                    .and_then(|key| self.resolve.component_schema(key, &property.pointer, sink))
                    .map(|(s, _)| s),
            };
            let access = match access_schema.map(|schema| (schema.schema_data.read_only, schema.schema_data.write_only)) {
                Some((true, _)) => Access::ReadOnly,
                Some((_, true)) => Access::WriteOnly,
                _ => Access::ReadWrite,
            };
            let id_type = match (property_schema, key) {
                (Some(schema), Some(key)) if wire_name == "id" && is_hex24_string(schema) => self.id_fields.get(key).cloned(),
                (Some(schema), _) if is_hex24_string(schema) => self.ids.get(wire_name).map(|id| id.name.clone()),
                _ => None,
            };
            let ty = match id_type {
                Some(id) => Ty::Id(id),
                None if property.conflict => Ty::Json,
                None => {
                    let base = property.base_of.and_then(|key| self.component_ids.get(key)).copied();
                    let parent = Parent::Type(base.unwrap_or(id));
                    let context = Context { parent: &parent, field: wire_name, pointer: &property.pointer };
                    self.ty_of_boxed(property.schema, context, sink)
                }
            };
            fields.push(Field {
                name: field_name,
                wire_name: wire_name.clone(),
                ty,
                required: required.contains(wire_name),
                nullable,
                boxed: false,
                access,
                doc: property_schema.and_then(|schema| schema.schema_data.description.clone()),
            });
        }
        fields
    }

    /// The union of the subtypes a base schema's discriminator maps to, one variant per
    /// subtype with every tag that selects it, in the mapping's order.
    fn subtype_union(&mut self, id: TypeId, key: &str, schema: &Schema, pointer: &str, sink: &mut Sink<'_>) -> Union {
        let discriminator = schema.schema_data.discriminator.as_ref().expect("checked by has_subtype_mapping");
        let mapping_pointer = join(&join(pointer, "discriminator"), "mapping");
        let parent = Parent::Type(id);
        let mut variants: Vec<UnionVariant> = Vec::new();
        for (tag, target) in &discriminator.mapping {
            if schema_key(target) == Some(key) {
                continue;
            }
            let at = join(&mapping_pointer, tag);
            let ty = self.ty_of_ref(target, Context { parent: &parent, field: tag, pointer: &at }, sink);
            match variants.iter_mut().find(|variant| variant.ty == ty) {
                Some(variant) => variant.tags.push(tag.clone()),
                None => variants.push(UnionVariant { ty, tags: vec![tag.clone()] }),
            }
        }
        union(Some(discriminator.property_name.clone()), variants)
    }

    /// A `oneOf`/`anyOf` as a union, selected by the discriminator's mapping (or the
    /// referenced schema's name) when there is one.
    fn union_def(
        &mut self,
        id: TypeId,
        schema: &'a Schema,
        parts: &'a [ReferenceOr<Schema>],
        pointer: &str,
        sink: &mut Sink<'_>,
    ) -> Union {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let parent = Parent::Type(id);
        let mut variants: Vec<UnionVariant> = Vec::new();
        for (index, part) in parts.iter().enumerate() {
            let part_pointer = join(pointer, &index.to_string());
            let field = format!("Variant{}", index + 1);
            let ty = self.ty_of(part, Context { parent: &parent, field: &field, pointer: &part_pointer }, sink);
            let tags = match (discriminator, part) {
                (Some(discriminator), ReferenceOr::Reference { reference }) => {
                    let mapped: Vec<String> = discriminator
                        .mapping
                        .iter()
                        .filter(|(_, target)| *target == reference || schema_key(target) == schema_key(reference))
                        .map(|(value, _)| value.clone())
                        .collect();
                    if mapped.is_empty() {
                        schema_key(reference).map(|key| vec![key.to_owned()]).unwrap_or_default()
                    } else {
                        mapped
                    }
                }
                _ => Vec::new(),
            };
            variants.push(UnionVariant { ty, tags });
        }
        union(discriminator.map(|d| d.property_name.clone()), variants)
    }

    fn ty_of_boxed(&mut self, schema: &'a ReferenceOr<Box<Schema>>, context: Context<'_>, sink: &mut Sink<'_>) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.ty_of_ref(reference, context, sink),
            ReferenceOr::Item(schema) => self.ty_of_schema(schema, context, sink),
        }
    }

    pub(super) fn ty_of(&mut self, schema: &'a ReferenceOr<Schema>, context: Context<'_>, sink: &mut Sink<'_>) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.ty_of_ref(reference, context, sink),
            ReferenceOr::Item(schema) => self.ty_of_schema(schema, context, sink),
        }
    }

    fn ty_of_ref(&mut self, reference: &str, context: Context<'_>, sink: &mut Sink<'_>) -> Ty {
        let Some(key) = schema_key(reference) else {
            sink.error(
                &join(context.pointer, "$ref"),
                format!("unsupported $ref `{reference}` (expected `#/components/schemas/...`)"),
                Some("only local references into components/schemas are supported".to_owned()),
            );
            return Ty::Json;
        };
        let Some((target, pointer)) = self.resolve.component_schema(key, &join(context.pointer, "$ref"), sink) else {
            return Ty::Json;
        };
        if let Some(id) = self.component_ids.get(key) {
            return Ty::Named(*id);
        }
        // An alias that holds itself (a map or an array of itself, directly or through other
        // aliases) has no Rust type of finite size and no name to refer to: where it comes
        // round again it holds any JSON value, which keeps every value it can have.
        if self.aliases_followed.iter().any(|followed| followed == key) {
            return Ty::Json;
        }
        // An alias of a primitive or array: use what it stands for.
        let context = Context { pointer: &pointer, ..context };
        self.aliases_followed.push(key.to_owned());
        let ty = self.ty_of_schema(target, context, sink);
        self.aliases_followed.pop();
        ty
    }

    fn ty_of_schema(&mut self, schema: &'a Schema, context: Context<'_>, sink: &mut Sink<'_>) -> Ty {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if let Some(values) = string_enum(schema) {
                    return self.hoist_enum(values, schema, context);
                }
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
                    _ => Ty::String,
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => match integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
                _ => Ty::I64,
            },
            SchemaKind::Type(Type::Number(_)) => Ty::F64,
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(array)) => {
                let items_pointer = join(context.pointer, "items");
                match &array.items {
                    Some(items) => {
                        let item = self.ty_of_boxed(items, Context { pointer: &items_pointer, ..context }, sink);
                        Ty::Vec(Box::new(or_null(item, self.nullable(items))))
                    }
                    None => Ty::Vec(Box::new(Ty::Json)),
                }
            }
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => self.hoist(schema, context, sink),
            SchemaKind::Type(Type::Object(object)) => match &object.additional_properties {
                Some(AdditionalProperties::Schema(values)) => {
                    let values_pointer = join(context.pointer, "additionalProperties");
                    let value = self.ty_of(values, Context { pointer: &values_pointer, ..context }, sink);
                    let nullable = match values.as_ref() {
                        ReferenceOr::Item(schema) => schema.schema_data.nullable,
                        ReferenceOr::Reference { reference } => self.component_nullable(reference),
                    };
                    Ty::Map(Box::new(or_null(value, nullable)))
                }
                Some(AdditionalProperties::Any(true)) => Ty::Map(Box::new(Ty::Json)),
                _ => Ty::Json,
            },
            // `allOf: [$ref]` (often used to attach a description) is just the referenced type.
            SchemaKind::AllOf { all_of: parts } | SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts }
                if parts.len() == 1 =>
            {
                let keyword = match schema.schema_kind {
                    SchemaKind::AllOf { .. } => "allOf",
                    SchemaKind::OneOf { .. } => "oneOf",
                    _ => "anyOf",
                };
                let part_pointer = join(&join(context.pointer, keyword), "0");
                self.ty_of(&parts[0], Context { pointer: &part_pointer, ..context }, sink)
            }
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => match self.all_of_alias(schema) {
                // `allOf` of one type and constraints (`{minimum: 0}`, a description) is that type.
                Some((index, part)) => {
                    let part_pointer = join(&join(context.pointer, "allOf"), &index.to_string());
                    self.ty_of(part, Context { pointer: &part_pointer, ..context }, sink)
                }
                None => self.hoist(schema, context, sink),
            },
            // `not` and schemas without a type say too little to type: any JSON value.
            SchemaKind::Not { .. } | SchemaKind::Any(_) => Ty::Json,
        }
    }

    /// An inline schema that needs a type of its own: one type per distinct shape (what the
    /// generated type would be, apart from its documentation), named after where it first
    /// appears.
    fn hoist(&mut self, schema: &'a Schema, context: Context<'_>, sink: &mut Sink<'_>) -> Ty {
        let id = self.space.reserve();
        let (doc, kind) = self.lower_named(id, None, schema, context.pointer, sink);
        let shape = types::shape(&kind);
        if let Some(existing) = self.hoisted.get(&shape) {
            self.space.merge(id, *existing);
            return Ty::Named(*existing);
        }
        self.hoisted.insert(shape, id);
        let origin = Origin::Hoisted { parent: context.parent.clone(), field: context.field.to_owned() };
        self.space.insert(id, def(origin, doc, context.pointer, kind));
        Ty::Named(id)
    }

    /// One enum type per distinct value set: an inline enum with the values of a named one is
    /// that type; otherwise it is hoisted and named after where it first appears.
    fn hoist_enum(&mut self, values: Vec<String>, schema: &Schema, context: Context<'_>) -> Ty {
        if let Some(id) = self.enums_by_values.get(&value_set(values.clone())) {
            return Ty::Named(*id);
        }
        let id = self.space.reserve();
        let origin = Origin::Hoisted { parent: context.parent.clone(), field: context.field.to_owned() };
        let doc = schema.schema_data.description.clone();
        self.enums_by_values.insert(value_set(values.clone()), id);
        self.space.insert(id, def(origin, doc, context.pointer, Kind::Enum(Enum { values })));
        Ty::Named(id)
    }
}

/// `ty`, or `Option<ty>` for an array item or map value that may be `null` (JSON, which holds
/// `null` already, stays as it is).
fn or_null(ty: Ty, nullable: bool) -> Ty {
    if nullable && ty != Ty::Json { Ty::Option(Box::new(ty)) } else { ty }
}

/// A union without shared fields yet ([`super::unions::share_fields`] finds them).
fn union(discriminator: Option<String>, variants: Vec<UnionVariant>) -> Union {
    Union { discriminator, variants, catch_all_struct: None, shared: Vec::new() }
}
