//! Lower: turns the resolved spec into the IR, deciding every type, field and function.
//!
//! This module walks the spec into types and operations; the passes that run on the
//! finished type space have their own modules: `unions` (fields every variant shares),
//! `access` (`readOnly`/`writeOnly` by the direction a type travels), `paging`, and `tags`
//! (each operation's module and feature, and which features need each type).

mod access;
mod paging;
mod tags;
mod unions;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, OpenAPI, Operation as SpecOperation, Parameter, ParameterSchemaOrContent, ReferenceOr,
    Schema, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::diag::{Sink, join};
use crate::ir::{
    self, Access, Api, Field, IdType, Method, Module, ParamLocation, PathSegment, ResponseBody, Ty, TypeDef, Variant,
};
use crate::names;
use crate::resolve::{Resolver, pick_media_type, pick_version, schema_key};

/// The only pattern that makes a string an ID type: what Atlas uses for every 24-hex identifier.
pub const HEX24_PATTERN: &str = "^([a-f0-9]{24})$";

/// Lowers `spec` for API release `release`, or reports every problem found.
pub fn lower(spec: &OpenAPI, source: &str, release: &str, sink: &mut Sink<'_>) -> Option<Api> {
    let mut lowerer = Lowerer {
        resolve: Resolver::new(spec),
        spec,
        types: BTreeMap::new(),
        component_names: BTreeMap::new(),
        enums_by_values: BTreeMap::new(),
        ids: BTreeMap::new(),
        id_fields: BTreeMap::new(),
        hoisted: BTreeMap::new(),
        taken_names: BTreeSet::new(),
    };
    lowerer.name_components();
    lowerer.collect_ids(sink);
    lowerer.lower_components(sink);
    let operations = lowerer.lower_operations(release, sink);
    match lowerer.types.get("ApiError") {
        None => sink.error(
            "/components/schemas",
            "the spec has no `ApiError` schema, which the runtime decodes error responses into",
            Some("add components/schemas/ApiError as the Atlas spec defines it".to_owned()),
        ),
        Some(TypeDef::Struct(api_error)) => {
            // The runtime reads these fields (`Error`'s `Display`, `Error::api_error`).
            let missing: Vec<&str> = ["error", "errorCode", "detail", "reason"]
                .into_iter()
                .filter(|wire| !api_error.fields.iter().any(|field| field.wire_name == *wire))
                .collect();
            if !missing.is_empty() {
                sink.error(
                    &api_error.pointer,
                    format!("the `ApiError` schema lacks the properties the runtime reads: {}", missing.join(", ")),
                    Some("give ApiError the Atlas error properties error, errorCode, detail and reason".to_owned()),
                );
            }
        }
        Some(_) => sink.error(
            "/components/schemas/ApiError",
            "the `ApiError` schema is not an object",
            Some("define ApiError as the Atlas error object".to_owned()),
        ),
    }
    if sink.has_errors() {
        return None;
    }
    box_recursive_fields(&mut lowerer.types);
    let mut operations = operations;
    access::relax_by_direction(&mut lowerer.types, &operations);
    unions::share_fields(&mut lowerer.types, &mut lowerer.taken_names);
    paging::detect(&mut operations, &lowerer.types);
    link_replacements(&mut operations);
    let tags = tags::assign(spec, &mut operations);
    let gates = tags::gates(&lowerer.types, &operations, tags.len());
    Some(Api {
        source: source.to_owned(),
        release: release.to_owned(),
        title: spec.info.title.clone(),
        ids: lowerer.ids.into_values().map(|id| (id.name.clone(), id)).collect(),
        types: lowerer.types,
        operations,
        tags,
        gates,
    })
}

struct Lowerer<'a> {
    spec: &'a OpenAPI,
    resolve: Resolver<'a>,
    types: BTreeMap<String, TypeDef>,
    /// Component schema key -> Rust type name, for schemas that become types.
    component_names: BTreeMap<String, String>,
    /// Enum value sets (sorted) -> the one type that holds them.
    enums_by_values: BTreeMap<Vec<String>, String>,
    /// Path parameter wire name (`groupId`) -> its ID type.
    ids: BTreeMap<String, IdType>,
    /// Component schema key -> the ID type of its `id` property.
    id_fields: BTreeMap<String, String>,
    /// Inline schema (as JSON) -> the type hoisted for it.
    hoisted: BTreeMap<String, String>,
    /// Every type name given out so far.
    taken_names: BTreeSet<String>,
}

/// A union with final variant names (after their tags when the discriminator picks each by
/// one value), its catch-all, and no shared fields yet ([`unions::share_fields`] finds them).
fn union(
    name: &str,
    doc: Option<String>,
    discriminator: Option<String>,
    mut variants: Vec<ir::UnionVariant>,
    pointer: &str,
) -> ir::Union {
    if discriminator.is_some() {
        let tags: Vec<&[String]> = variants.iter().map(|variant| variant.tags.as_slice()).collect();
        if let Some(by_tag) = names::variants_by_tag(&tags) {
            variants.iter_mut().zip(by_tag).for_each(|(variant, name)| variant.name = name);
        }
    }
    let variant_names: Vec<String> = variants.iter().map(|variant| variant.name.clone()).collect();
    ir::Union {
        name: name.to_owned(),
        doc,
        discriminator,
        catch_all: names::catch_all_variant(&variant_names),
        variants,
        catch_all_struct: None,
        shared: Vec::new(),
        pointer: pointer.to_owned(),
    }
}

/// An enum's values as a set: one type serves every list of the same values, in any order.
fn value_set(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

/// Boxes every struct field through which its struct contains itself again without a `Vec`
/// or map in between (`Option` does not help: `Option<T>` is as large as `T`).
fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    let direct = |ty: &Ty| match ty {
        Ty::Named(name) => Some(name.clone()),
        _ => None,
    };
    let edges: BTreeMap<String, Vec<String>> = types
        .values()
        .filter_map(|def| match def {
            TypeDef::Struct(s) => Some((s.name.clone(), s.fields.iter().filter_map(|f| direct(&f.ty)).collect())),
            _ => None,
        })
        .collect();
    let reaches = |from: &str, target: &str| {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(current) = stack.pop() {
            if current == target {
                return true;
            }
            if seen.insert(current.clone()) {
                stack.extend(edges.get(&current).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut to_box = Vec::new();
    for (name, targets) in &edges {
        for (index, target) in targets.iter().enumerate() {
            if reaches(target, name) {
                to_box.push((name.clone(), index));
            }
        }
    }
    for (name, direct_index) in to_box {
        let Some(TypeDef::Struct(s)) = types.get_mut(&name) else { continue };
        if let Some(field) = s.fields.iter_mut().filter(|f| matches!(f.ty, Ty::Named(_))).nth(direct_index) {
            field.boxed = true;
        }
    }
}

/// One property of an object schema, with where it is in the spec.
struct Property<'a> {
    wire_name: &'a String,
    schema: &'a ReferenceOr<Box<Schema>>,
    pointer: String,
    /// The union whose base properties these are, when normalization copied them into a
    /// variant: types hoisted from them are named after it.
    base_of: Option<&'a str>,
}

/// Where a schema is being lowered: the type that holds it and the field it is for.
#[derive(Clone, Copy)]
struct Context<'c> {
    parent: &'c str,
    field: &'c str,
    pointer: &'c str,
}

fn string_enum(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
            Some(string.enumeration.iter().flatten().cloned().collect())
        }
        _ => None,
    }
}

/// Object schemas with properties, compositions and string enums become named types; other
/// components (primitives, arrays, bare objects) are aliases that references see through.
fn becomes_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
        SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
        _ => string_enum(schema).is_some(),
    }
}

fn is_hex24_string(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if s.pattern.as_deref() == Some(HEX24_PATTERN))
}

fn methods(item: &openapiv3::PathItem) -> impl Iterator<Item = (Method, &SpecOperation)> {
    [
        (Method::Get, &item.get),
        (Method::Put, &item.put),
        (Method::Post, &item.post),
        (Method::Delete, &item.delete),
        (Method::Options, &item.options),
        (Method::Head, &item.head),
        (Method::Patch, &item.patch),
        (Method::Trace, &item.trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_ref().map(|operation| (method, operation)))
}

fn path_item(item: &ReferenceOr<openapiv3::PathItem>) -> Option<&openapiv3::PathItem> {
    match item {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { .. } => None,
    }
}

impl<'a> Lowerer<'a> {
    /// Names every component schema that becomes a type.
    fn name_components(&mut self) {
        for (key, schema) in self.resolve.schemas() {
            let ReferenceOr::Item(schema) = schema else { continue };
            if !becomes_type(schema) {
                continue;
            }
            // Two schemas that differ only in case or punctuation keep distinct, numbered types.
            let name = self.fresh_name(&names::type_name(key));
            if let Some(values) = string_enum(schema) {
                self.enums_by_values.entry(value_set(values)).or_insert_with(|| name.clone());
            }
            self.component_names.insert(key.clone(), name);
        }
    }

    /// Every path parameter with the 24-hex pattern gets an ID type named after it; the
    /// same parameter name elsewhere uses that type too, so one ID flows between operations.
    fn collect_ids(&mut self, sink: &mut Sink<'_>) {
        for (path, item) in &self.spec.paths.paths {
            let Some(item) = path_item(item) else { continue };
            for (method, operation) in methods(item) {
                let pointer = join(&join("/paths", path), &method.as_str().to_ascii_lowercase());
                for (index, parameter) in operation.parameters.iter().enumerate() {
                    let at = join(&join(&pointer, "parameters"), &index.to_string());
                    let Some((Parameter::Path { parameter_data, .. }, _)) = self.resolve.parameter(parameter, &at, sink) else {
                        continue;
                    };
                    let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else { continue };
                    let Some(schema) = self.inline_schema(schema, &at, sink) else { continue };
                    if !is_hex24_string(schema) || self.ids.contains_key(&parameter_data.name) {
                        continue;
                    }
                    let example = schema
                        .schema_data
                        .example
                        .as_ref()
                        .and_then(|example| example.as_str())
                        .unwrap_or("32b6e34b3d91647abb20e7b8")
                        .to_owned();
                    let doc = parameter_data.description.clone().unwrap_or_default();
                    let name = names::type_name(&parameter_data.name);
                    self.ids.insert(parameter_data.name.clone(), IdType { name, doc, example });
                }
                // A schema returned by `GET .../{xId}` is the resource `xId` names: its `id` is an `XId`.
                let last_param =
                    path.rsplit('/').next().and_then(|last| last.strip_prefix('{')).and_then(|last| last.strip_suffix('}'));
                if let (Method::Get, Some(param)) = (method, last_param) {
                    if let Some(key) = self.success_schema_key(operation) {
                        self.id_fields.entry(key.to_owned()).or_insert_with(|| param.to_owned());
                    }
                }
            }
        }
        // A union's variants are the resource too: `GroupPendingUserResponse` has the `id` of
        // the `GroupUserResponse` that `GET .../users/{userId}` returns.
        let unions: Vec<(String, String)> = self
            .id_fields
            .iter()
            .flat_map(|(key, param)| self.union_variant_keys(key).into_iter().map(move |variant| (variant, param.clone())))
            .collect();
        for (variant, param) in unions {
            self.id_fields.entry(variant).or_insert(param);
        }
        // `id_fields` holds parameter names until every ID type is known; keep those that are.
        let ids = &self.ids;
        self.id_fields = std::mem::take(&mut self.id_fields)
            .into_iter()
            .filter_map(|(key, param)| ids.get(&param).map(|id| (key, id.name.clone())))
            .collect();
    }

    /// The component keys a `oneOf`/`anyOf` component refers to.
    fn union_variant_keys(&self, key: &str) -> Vec<String> {
        let Some(ReferenceOr::Item(schema)) = self.spec.components.as_ref().and_then(|c| c.schemas.get(key)) else {
            return Vec::new();
        };
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => parts
                .iter()
                .filter_map(|part| match part {
                    ReferenceOr::Reference { reference } => schema_key(reference).map(str::to_owned),
                    ReferenceOr::Item(_) => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn success_schema_key(&self, operation: &'a SpecOperation) -> Option<&'a str> {
        let (_, response) = operation.responses.responses.iter().find(|(code, _)| matches!(code, StatusCode::Code(200)))?;
        let ReferenceOr::Item(response) = response else { return None };
        response.content.values().find_map(|media| match &media.schema {
            Some(ReferenceOr::Reference { reference }) => schema_key(reference),
            _ => None,
        })
    }

    /// A parameter's or alias's schema, following `$ref`s into components.
    fn inline_schema(&self, schema: &'a ReferenceOr<Schema>, at: &str, sink: &mut Sink<'_>) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => match schema_key(reference) {
                Some(key) => self.resolve.component_schema(key, &join(at, "schema"), sink).map(|(schema, _)| schema),
                None => {
                    sink.error(&join(at, "schema"), format!("unsupported $ref `{reference}`"), None);
                    None
                }
            },
        }
    }

    fn lower_components(&mut self, sink: &mut Sink<'_>) {
        let components: Vec<(String, String)> = self.component_names.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (key, name) in components {
            let pointer = join("/components/schemas", &key);
            let Some(ReferenceOr::Item(schema)) = self.spec.components.as_ref().and_then(|c| c.schemas.get(&key)) else {
                continue;
            };
            let def = self.lower_named(&name, Some(&key), schema, &pointer, sink);
            self.types.insert(name, def);
        }
    }

    /// The type for a schema that `becomes_type`: a struct, an enum or a union.
    fn lower_named(&mut self, name: &str, key: Option<&str>, schema: &'a Schema, pointer: &str, sink: &mut Sink<'_>) -> TypeDef {
        let doc = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        if let Some(values) = string_enum(schema) {
            return TypeDef::Enum(self.enum_def(name, doc, &values, pointer));
        }
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                // One of several string enums (AWS, Azure or GCP instance sizes) is one enum
                // of all their values: a union could not tell which enum a value came from.
                if let Some(values) = self.enum_values_of_all(parts, sink) {
                    return TypeDef::Enum(self.enum_def(name, doc, &values, pointer));
                }
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                TypeDef::Union(self.union_def(name, doc, schema, parts, &join(pointer, keyword), sink))
            }
            // A base schema whose discriminator maps each tag to a subtype (`allOf` of the
            // base plus its own fields) is, wherever it is used, one of those subtypes.
            SchemaKind::Type(Type::Object(_)) if key.is_some_and(|key| self.has_subtype_mapping(key, schema)) => {
                TypeDef::Union(self.subtype_union(name, doc, key.unwrap_or_default(), schema, pointer, sink))
            }
            _ => {
                let mut properties = Vec::new();
                let mut required = Vec::new();
                self.collect_properties(schema, pointer, &mut properties, &mut required, &mut Vec::new(), sink);
                let fields = self.fields(name, key, &properties, &required, sink);
                TypeDef::Struct(ir::Struct { name: name.to_owned(), doc, fields, rest: None, pointer: pointer.to_owned() })
            }
        }
    }

    /// The properties of an object, or of every part of an `allOf` (through `$ref`s), in
    /// order of appearance; a later part's property of the same name replaces an earlier one.
    fn collect_properties(
        &self,
        schema: &'a Schema,
        pointer: &str,
        properties: &mut Vec<Property<'a>>,
        required: &mut Vec<String>,
        seen: &mut Vec<String>,
        sink: &mut Sink<'_>,
    ) {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                let base_of = schema.schema_data.extensions.get(crate::normalize::BASE_OF).and_then(|v| v.as_str());
                for (wire_name, property) in &object.properties {
                    properties.retain(|existing| existing.wire_name != wire_name);
                    properties.push(Property {
                        wire_name,
                        schema: property,
                        pointer: join(&join(pointer, "properties"), wire_name),
                        base_of,
                    });
                }
                required.extend(object.required.iter().cloned());
            }
            SchemaKind::AllOf { all_of } => {
                for (index, part) in all_of.iter().enumerate() {
                    let part_pointer = join(&join(pointer, "allOf"), &index.to_string());
                    match part {
                        ReferenceOr::Item(part) => self.collect_properties(part, &part_pointer, properties, required, seen, sink),
                        ReferenceOr::Reference { reference } => {
                            let Some(key) = schema_key(reference) else { continue };
                            if seen.iter().any(|s| s == key) {
                                continue;
                            }
                            seen.push(key.to_owned());
                            if let Some((target, at)) = self.resolve.component_schema(key, &join(&part_pointer, "$ref"), sink) {
                                self.collect_properties(target, &at, properties, required, seen, sink);
                            }
                        }
                    }
                }
            }
            // A `oneOf` inside an `allOf`, or a primitive part, adds no properties of its own.
            _ => {}
        }
    }

    /// Struct fields for `properties`; the `id` property and properties named like a path
    /// parameter take their ID type.
    fn fields(
        &mut self,
        name: &str,
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
            let field_name =
                names::numbered(names::value_name(wire_name), |candidate| fields.iter().any(|f| f.name == candidate));
            let (property_schema, nullable) = match property.schema {
                ReferenceOr::Item(schema) => (Some(schema.as_ref()), schema.schema_data.nullable),
                ReferenceOr::Reference { .. } => (None, false),
            };
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
                None => {
                    let base = property.base_of.and_then(|key| self.component_names.get(key)).cloned();
                    let context =
                        Context { parent: base.as_deref().unwrap_or(name), field: wire_name, pointer: &property.pointer };
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

    /// Whether the discriminator of component `key` maps some tag to another schema.
    fn has_subtype_mapping(&self, key: &str, schema: &Schema) -> bool {
        schema.schema_data.discriminator.as_ref().is_some_and(|discriminator| {
            discriminator.mapping.values().any(|target| schema_key(target).is_some_and(|target| target != key))
        })
    }

    /// The union of the subtypes a base schema's discriminator maps to, one variant per
    /// subtype with every tag that selects it, in the mapping's order.
    fn subtype_union(
        &mut self,
        name: &str,
        doc: Option<String>,
        key: &str,
        schema: &Schema,
        pointer: &str,
        sink: &mut Sink<'_>,
    ) -> ir::Union {
        let discriminator = schema.schema_data.discriminator.as_ref().expect("checked by has_subtype_mapping");
        let mapping_pointer = join(&join(pointer, "discriminator"), "mapping");
        let mut variants: Vec<ir::UnionVariant> = Vec::new();
        for (tag, target) in &discriminator.mapping {
            if schema_key(target) == Some(key) {
                continue;
            }
            let at = join(&mapping_pointer, tag);
            let ty = self.ty_of_ref(target, Context { parent: name, field: tag, pointer: &at }, sink);
            match variants.iter_mut().find(|variant| variant.ty == ty) {
                Some(variant) => variant.tags.push(tag.clone()),
                None => {
                    let variant_name =
                        names::numbered(names::union_variant_name(&ty), |taken| variants.iter().any(|v| v.name == taken));
                    variants.push(ir::UnionVariant { name: variant_name, ty, tags: vec![tag.clone()] });
                }
            }
        }
        union(name, doc, Some(discriminator.property_name.clone()), variants, pointer)
    }

    /// The values of every part, in order without repeats, when every part is a string enum.
    fn enum_values_of_all(&self, parts: &'a [ReferenceOr<Schema>], sink: &mut Sink<'_>) -> Option<Vec<String>> {
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

    /// A `oneOf`/`anyOf` as a union: variants named after their types, selected by the
    /// discriminator's mapping (or the referenced schema's name) when there is one.
    fn union_def(
        &mut self,
        name: &str,
        doc: Option<String>,
        schema: &'a Schema,
        parts: &'a [ReferenceOr<Schema>],
        pointer: &str,
        sink: &mut Sink<'_>,
    ) -> ir::Union {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variants: Vec<ir::UnionVariant> = Vec::new();
        for (index, part) in parts.iter().enumerate() {
            let part_pointer = join(pointer, &index.to_string());
            let field = format!("Variant{}", index + 1);
            let ty = self.ty_of(part, Context { parent: name, field: &field, pointer: &part_pointer }, sink);
            let mut variant_name = names::union_variant_name(&ty);
            if variants.iter().any(|v| v.name == variant_name) {
                variant_name = format!("{variant_name}{}", index + 1);
            }
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
            variants.push(ir::UnionVariant { name: variant_name, ty, tags });
        }
        union(name, doc, discriminator.map(|d| d.property_name.clone()), variants, pointer)
    }

    fn enum_def(&self, name: &str, doc: Option<String>, values: &[String], pointer: &str) -> ir::Enum {
        let mut variants: Vec<Variant> = Vec::new();
        for value in values {
            let variant = names::numbered(names::variant_name(value), |candidate| variants.iter().any(|v| v.name == candidate));
            variants.push(Variant { name: variant, wire: value.clone() });
        }
        let module = if name.ends_with("Role") { Module::Roles } else { Module::Models };
        ir::Enum { name: name.to_owned(), doc, module, variants, pointer: pointer.to_owned() }
    }

    fn ty_of_boxed(&mut self, schema: &'a ReferenceOr<Box<Schema>>, context: Context<'_>, sink: &mut Sink<'_>) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.ty_of_ref(reference, context, sink),
            ReferenceOr::Item(schema) => self.ty_of_schema(schema, context, sink),
        }
    }

    fn ty_of(&mut self, schema: &'a ReferenceOr<Schema>, context: Context<'_>, sink: &mut Sink<'_>) -> Ty {
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
        if let Some(name) = self.component_names.get(key) {
            return Ty::Named(name.clone());
        }
        // An alias of a primitive or array: use what it stands for.
        let context = Context { pointer: &pointer, ..context };
        self.ty_of_schema(target, context, sink)
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
                        Ty::Vec(Box::new(self.ty_of_boxed(items, Context { pointer: &items_pointer, ..context }, sink)))
                    }
                    None => Ty::Vec(Box::new(Ty::Json)),
                }
            }
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => self.hoist(schema, context, sink),
            SchemaKind::Type(Type::Object(object)) => match &object.additional_properties {
                Some(AdditionalProperties::Schema(values)) => {
                    let values_pointer = join(context.pointer, "additionalProperties");
                    Ty::Map(Box::new(self.ty_of(values, Context { pointer: &values_pointer, ..context }, sink)))
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
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => self.hoist(schema, context, sink),
            // `not` and schemas without a type say too little to type: any JSON value.
            SchemaKind::Not { .. } | SchemaKind::Any(_) => Ty::Json,
        }
    }

    /// An inline schema that needs a type of its own: one type per distinct schema content,
    /// named after where it first appears (`{Parent}{Field}`, numbered if that is taken).
    fn hoist(&mut self, schema: &'a Schema, context: Context<'_>, sink: &mut Sink<'_>) -> Ty {
        let content = serde_json::to_string(schema).expect("a parsed schema serializes");
        if let Some(name) = self.hoisted.get(&content) {
            return Ty::Named(name.clone());
        }
        let name = self.fresh_name(&names::hoisted_name(context.parent, context.field));
        self.hoisted.insert(content, name.clone());
        let def = self.lower_named(&name, None, schema, context.pointer, sink);
        self.types.insert(name.clone(), def);
        Ty::Named(name)
    }

    /// `base`, or `base2`, `base3`, ... if a type already has that name.
    fn fresh_name(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut counter = 2;
        while self.taken_names.contains(&name) {
            name = format!("{base}{counter}");
            counter += 1;
        }
        self.taken_names.insert(name.clone());
        name
    }

    /// One enum type per distinct value list: an inline enum with the values of a named one is
    /// that type; otherwise it is hoisted and named after where it first appears.
    fn hoist_enum(&mut self, values: Vec<String>, schema: &Schema, context: Context<'_>) -> Ty {
        if let Some(name) = self.enums_by_values.get(&value_set(values.clone())) {
            return Ty::Named(name.clone());
        }
        let name = self.fresh_name(&names::hoisted_name(context.parent, context.field));
        let doc = schema.schema_data.description.clone();
        let def = self.enum_def(&name, doc, &values, context.pointer);
        self.enums_by_values.insert(value_set(values), name.clone());
        self.types.insert(name.clone(), TypeDef::Enum(def));
        Ty::Named(name)
    }

    fn lower_operations(&mut self, release: &str, sink: &mut Sink<'_>) -> Vec<ir::Operation> {
        let mut operations: Vec<ir::Operation> = Vec::new();
        let mut by_fn: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (path, item) in &self.spec.paths.paths {
            let path_pointer = join("/paths", path);
            let Some(item) = path_item(item) else {
                sink.error(&path_pointer, "a $ref path item is not supported", Some("write the path item inline".to_owned()));
                continue;
            };
            for (method, operation) in methods(item) {
                let pointer = join(&path_pointer, &method.as_str().to_ascii_lowercase());
                let Some(lowered) = self.lower_operation(path, method, item, operation, &pointer, release, sink) else {
                    continue;
                };
                let here = format!("{} {path}", method.as_str());
                if let Some((other_id, other_at)) = by_fn.get(&lowered.fn_name) {
                    let (message, hint) = if *other_id == lowered.operation_id {
                        (
                            format!("operationId `{other_id}` is used twice: by {other_at} and by {here}"),
                            "give each operation its own operationId",
                        )
                    } else {
                        (
                            format!(
                                "operationIds `{other_id}` ({other_at}) and `{}` ({here}) both become the method `{}`",
                                lowered.operation_id, lowered.fn_name
                            ),
                            "rename one: the method name is the operationId in snake_case, so the two cannot both keep theirs",
                        )
                    };
                    sink.error(&join(&pointer, "operationId"), message, Some(hint.to_owned()));
                    continue;
                }
                by_fn.insert(lowered.fn_name.clone(), (lowered.operation_id.clone(), here));
                operations.push(lowered);
            }
        }
        operations.sort_by(|a, b| (&a.path, a.method).cmp(&(&b.path, b.method)));
        operations
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_operation(
        &mut self,
        path: &str,
        method: Method,
        item: &'a openapiv3::PathItem,
        operation: &'a SpecOperation,
        pointer: &str,
        release: &str,
        sink: &mut Sink<'_>,
    ) -> Option<ir::Operation> {
        let Some(operation_id) = operation.operation_id.clone() else {
            sink.error(
                pointer,
                format!("{} {path} has no operationId", method.as_str()),
                Some("add a unique `operationId`; it names the generated method".to_owned()),
            );
            return None;
        };
        let fn_name = names::value_name(&operation_id);
        let type_prefix = names::type_name(&operation_id);

        // Parameters: the path item's, overridden by the operation's of the same name and place.
        let mut resolved: Vec<(&Parameter, String)> = Vec::new();
        let item_params = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, join(&join(&join("/paths", path), "parameters"), &i.to_string())));
        let op_params =
            operation.parameters.iter().enumerate().map(|(i, p)| (p, join(&join(pointer, "parameters"), &i.to_string())));
        for (parameter, at) in item_params.chain(op_params) {
            let Some((parameter, at)) = self.resolve.parameter(parameter, &at, sink) else { continue };
            let data = parameter.parameter_data_ref();
            resolved.retain(|(existing, _)| {
                let same_place = std::mem::discriminant(*existing) == std::mem::discriminant(parameter);
                !(same_place && existing.parameter_data_ref().name == data.name)
            });
            resolved.push((parameter, at));
        }

        let mut path_params = Vec::new();
        let mut path_segments = Vec::new();
        let mut query_params = Vec::new();
        for piece in split_template(path) {
            match piece {
                Template::Literal(text) => path_segments.push(PathSegment::Literal(text.to_owned())),
                Template::Param(name) => {
                    let Some((parameter, at)) =
                        resolved.iter().find(|(p, _)| matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name)
                    else {
                        sink.error(
                            pointer,
                            format!("the path has `{{{name}}}` but the operation declares no path parameter `{name}`"),
                            Some(format!("add a parameter with `name: {name}` and `in: path`")),
                        );
                        continue;
                    };
                    let data = parameter.parameter_data_ref();
                    let ty = match self.ids.get(name) {
                        Some(id) => Ty::Id(id.name.clone()),
                        None => match &data.format {
                            ParameterSchemaOrContent::Schema(schema) => {
                                let context = Context { parent: &type_prefix, field: name, pointer: at };
                                match self.ty_of(schema, context, sink) {
                                    ty @ (Ty::I32 | Ty::I64 | Ty::Bool | Ty::F64 | Ty::Named(_)) => ty,
                                    _ => Ty::String,
                                }
                            }
                            ParameterSchemaOrContent::Content(_) => Ty::String,
                        },
                    };
                    path_segments.push(PathSegment::Param(path_params.len()));
                    path_params.push(ir::PathParam {
                        name: names::value_name(name),
                        wire_name: name.to_owned(),
                        ty,
                        doc: data.description.clone(),
                    });
                }
            }
        }
        for (parameter, at) in &resolved {
            let (data, location) = match parameter {
                Parameter::Query { parameter_data, .. } => (parameter_data, ParamLocation::Query),
                Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header),
                Parameter::Path { .. } | Parameter::Cookie { .. } => continue,
            };
            let (ty, integer_default) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let context = Context { parent: &type_prefix, field: &data.name, pointer: at };
                    let default = self
                        .inline_schema(schema, at, sink)
                        .and_then(|schema| schema.schema_data.default.as_ref())
                        .and_then(serde_json::Value::as_i64);
                    (self.ty_of(schema, context, sink), default)
                }
                ParameterSchemaOrContent::Content(_) => (Ty::String, None),
            };
            query_params.push(ir::QueryParam {
                name: names::value_name(&data.name),
                wire_name: data.name.clone(),
                ty,
                required: data.required,
                location,
                integer_default,
                doc: data.description.clone(),
            });
        }

        // Resource version: the newest not later than the release, across body and success.
        let body_spec = match &operation.request_body {
            Some(body) => self.resolve.request_body(body, &join(pointer, "requestBody"), sink),
            None => None,
        };
        // Every 2xx the operation declares is a success; the first that has a body decides
        // what is decoded.
        let mut successes: Vec<(u16, &'a openapiv3::Response, String)> = operation
            .responses
            .responses
            .iter()
            .filter_map(|(code, response)| match code {
                StatusCode::Code(code @ 200..=299) => Some((*code, response)),
                _ => None,
            })
            .filter_map(|(code, response)| {
                let at = join(&join(pointer, "responses"), &code.to_string());
                self.resolve.response(response, &at, sink).map(|(response, at)| (code, response, at))
            })
            .collect();
        successes.sort_by_key(|(code, _, _)| *code);
        if successes.is_empty() {
            sink.error(
                &join(pointer, "responses"),
                format!("{operation_id} has no 2xx response"),
                Some("declare the success response the operation returns".to_owned()),
            );
        }
        let contents =
            body_spec.iter().map(|(body, _)| &body.content).chain(successes.iter().map(|(_, response, _)| &response.content));
        let version = match pick_version(contents, release) {
            Ok(version) => version,
            Err(versions) => {
                sink.error(
                    pointer,
                    format!(
                        "{operation_id} has no resource version at or before release {release} (it has {})",
                        versions.join(", ")
                    ),
                    Some("generate for a later release (--api-version) or leave the operation out".to_owned()),
                );
                return None;
            }
        };

        let body = match body_spec {
            Some((body, at)) => match pick_media_type(&body.content, version.as_deref()) {
                Some((content_type, media)) => {
                    let at = join(&join(&at, "content"), content_type);
                    let ty = match &media.schema {
                        Some(schema) => {
                            let context = Context { parent: &type_prefix, field: "body", pointer: &join(&at, "schema") };
                            self.ty_of(schema, context, sink)
                        }
                        None => Ty::Json,
                    };
                    Some(ir::Body { ty, content_type: content_type.clone(), doc: body.description.clone() })
                }
                None => {
                    sink.error(
                        &join(&at, "content"),
                        format!(
                            "{operation_id}'s request body has no content type for version {}",
                            version.as_deref().unwrap_or("(none)")
                        ),
                        None,
                    );
                    None
                }
            },
            None => None,
        };

        let has_body = |response: &openapiv3::Response| {
            pick_media_type(&response.content, version.as_deref())
                .is_some_and(|(content_type, media)| media.schema.is_some() || !is_json(content_type))
        };
        let statuses: Vec<u16> = successes.iter().map(|(code, _, _)| *code).collect();
        let (_, response, response_at) = successes.iter().find(|(_, response, _)| has_body(response)).or(successes.first())?;
        let empty_allowed = has_body(response) && successes.iter().any(|(_, other, _)| !has_body(other));
        let chosen = pick_media_type(&response.content, version.as_deref());
        let success_body = match chosen {
            Some((content_type, _)) if !is_json(content_type) => ResponseBody::Bytes,
            Some((content_type, media)) => match &media.schema {
                Some(schema) => {
                    let at = join(&join(&join(response_at, "content"), content_type), "schema");
                    let context = Context { parent: &type_prefix, field: "response", pointer: &at };
                    ResponseBody::Json(self.ty_of(schema, context, sink))
                }
                None => ResponseBody::Empty,
            },
            None => ResponseBody::Empty,
        };
        let accept = match (chosen, &version) {
            (Some((content_type, _)), _) => content_type.clone(),
            (None, Some(version)) => format!("application/vnd.atlas.{version}+json"),
            (None, None) => "application/json".to_owned(),
        };

        Some(ir::Operation {
            operation_id,
            fn_name,
            method,
            path: path.to_owned(),
            path_segments,
            summary: operation.summary.clone().unwrap_or_default(),
            doc: operation.description.clone(),
            path_params,
            query_params,
            body,
            accept,
            api_version: version.unwrap_or_default(),
            success: ir::Success { statuses, body: success_body, empty_allowed },
            deprecated: operation.deprecated,
            sunset: operation.extensions.get("x-sunset").and_then(|value| value.as_str()).map(str::to_owned),
            replacement: operation.external_docs.as_ref().and_then(replacement),
            paging: None,
            tag: 0,
        })
    }
}

/// What a deprecated operation's `externalDocs` point to instead: its title, and the API it
/// belongs to when the link names its tag (`...#tag/MongoDB-Cloud-Users/operation/...`).
/// The method is found later, by [`link_replacements`].
fn replacement(docs: &openapiv3::ExternalDocumentation) -> Option<ir::Replacement> {
    let title = docs.description.as_deref()?.trim().to_owned();
    let api = docs.url.split_once("#tag/").and_then(|(_, rest)| rest.split('/').next()).map(|tag| tag.replace('-', " "));
    Some(ir::Replacement { title, api, fn_name: None })
}

/// Names the `Client` method of each replacement that is an operation of this spec: the one
/// whose summary is the replacement's title.
fn link_replacements(operations: &mut [ir::Operation]) {
    let by_summary: BTreeMap<String, String> =
        operations.iter().filter(|op| !op.deprecated).map(|op| (op.summary.clone(), op.fn_name.clone())).collect();
    for operation in operations.iter_mut() {
        if let Some(replacement) = &mut operation.replacement {
            replacement.fn_name = by_summary.get(&replacement.title).cloned();
        }
    }
}

/// `application/json`, `application/vnd.atlas.2023-01-01+json`, `application/problem+json`.
fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

enum Template<'p> {
    Literal(&'p str),
    Param(&'p str),
}

/// `/groups/{groupId}/invites` -> `/groups/`, `groupId`, `/invites`.
fn split_template(path: &str) -> Vec<Template<'_>> {
    let mut pieces = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        if open > 0 {
            pieces.push(Template::Literal(&rest[..open]));
        }
        pieces.push(Template::Param(&rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Template::Literal(rest));
    }
    pieces
}
