//! Normalize: rewrites schema shapes that openapiv3 can only read as an untyped "any" schema
//! into equivalent shapes it types, before the document is deserialized.
//!
//! The Atlas spec puts `type: object` (and often `properties` and `required`) beside `allOf`
//! and `oneOf`; openapiv3 then falls back to `SchemaKind::Any` and the generator would see no
//! composition at all. Here `allOf` absorbs the sibling properties as one more part, `oneOf`
//! and `anyOf` drop the sibling `type` and the base properties their variants repeat, and a
//! schema that lists `properties`, `items` or string `enum` values without a `type` gets it.
//!
//! A `oneOf` whose variants are `allOf` of the union itself plus their own properties (Atlas's
//! `GroupUserResponse` and its pending and active users) keeps its base properties: they are
//! copied into each such variant in place of the reference back to the union.
//!
//! A discriminator's property whose string `enum` lacks a tag the discriminator maps (Atlas's
//! `StreamsConnection.type` without `S3`) gains it: the mapping says the property takes it.
//!
//! A discriminator mapping's value that is a bare schema name (`dog: Dog`, which OpenAPI 3.0
//! allows beside references) becomes the reference it stands for, so every later stage reads
//! mappings one way.

use serde_json::{Map, Value};

/// The extension that marks the base properties copied into a variant with the union's key.
pub const BASE_OF: &str = "x-base-of";

/// Normalizes every schema in `document` in place.
pub fn normalize(document: &mut Value) {
    qualify_mapping_names(document);
    list_discriminator_tags(document);
    inline_union_bases(document);
    normalize_schemas(document);
}

fn normalize_schemas(value: &mut Value) {
    match value {
        Value::Object(object) => {
            drop_required_only_choice(object);
            if is_schema_with_composition(object) {
                normalize_composition(object);
            } else if looks_like_untyped_schema(object) {
                infer_type(object);
            }
            for (key, value) in object.iter_mut() {
                match value {
                    // A map of property names to schemas: each value is a schema, the map is
                    // not one, whatever its keys (a property named `items` or `enum`).
                    Value::Object(properties) if key == "properties" => properties.values_mut().for_each(normalize_schemas),
                    value => normalize_schemas(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_schemas),
        _ => {}
    }
}

/// Rewrites each discriminator mapping value that names a component schema (`Dog`) as the
/// reference `#/components/schemas/Dog`. A value with a `/` or `#` is a reference already; a
/// name no component has is left for the stages that report unknown references.
fn qualify_mapping_names(document: &mut Value) {
    let names: Vec<String> = match document.pointer("/components/schemas").and_then(Value::as_object) {
        Some(schemas) => schemas.keys().cloned().collect(),
        None => return,
    };
    qualify_mappings_in(document, &names);
}

fn qualify_mappings_in(value: &mut Value, names: &[String]) {
    match value {
        Value::Object(object) => {
            let mapping = object.get_mut("discriminator").and_then(|d| d.get_mut("mapping")).and_then(Value::as_object_mut);
            for target in mapping.into_iter().flat_map(|mapping| mapping.values_mut()) {
                let bare = target.as_str().filter(|name| !name.contains(['/', '#']) && names.iter().any(|known| known == name));
                if let Some(name) = bare {
                    *target = Value::String(format!("#/components/schemas/{name}"));
                }
            }
            object.values_mut().for_each(|value| qualify_mappings_in(value, names));
        }
        Value::Array(items) => items.iter_mut().for_each(|value| qualify_mappings_in(value, names)),
        _ => {}
    }
}

/// Adds to the string `enum` of each discriminator's property the tags it lacks (the
/// mapping's keys, and the component name of each `oneOf`/`anyOf` branch the mapping does not
/// name): where it is declared beside the discriminator, every tag; where a selected
/// component declares it, the tags that select that component (Atlas's `tokenizernGram`,
/// selected by `nGram`, lists only `edgeGram`). Runs before the base properties are copied
/// into the variants, so every copy lists them.
fn list_discriminator_tags(document: &mut Value) {
    let mut selections = Vec::new();
    list_base_tags(document, &mut selections);
    let Some(schemas) = document.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    for (key, property, tag) in selections {
        if let Some(selected) = schemas.get_mut(&key).and_then(Value::as_object_mut) {
            add_tags(selected, &property, [tag]);
        }
    }
}

/// The base's part of [`list_discriminator_tags`]; gathers which component each tag selects
/// and by which property, as `(component, property, tag)`.
fn list_base_tags(value: &mut Value, selections: &mut Vec<(String, String, String)>) {
    match value {
        Value::Object(object) => {
            let property = object.get("discriminator").and_then(|d| d.get("propertyName")).and_then(Value::as_str);
            if let Some(property) = property.map(str::to_owned) {
                let tags = discriminator_tags(object);
                add_tags(object, &property, tags.iter().map(|(tag, _)| tag.clone()));
                selections.extend(tags.into_iter().filter_map(|(tag, key)| Some((key?, property.clone(), tag))));
            }
            object.values_mut().for_each(|value| list_base_tags(value, selections));
        }
        Value::Array(items) => items.iter_mut().for_each(|value| list_base_tags(value, selections)),
        _ => {}
    }
}

/// Adds the `tags` that `object`'s inline string enum `property` lacks.
fn add_tags(object: &mut Map<String, Value>, property: &str, tags: impl IntoIterator<Item = String>) {
    let values = object.get_mut("properties").and_then(|p| p.get_mut(property)?.get_mut("enum")?.as_array_mut());
    let Some(values) = values.filter(|values| values.iter().all(Value::is_string)) else { return };
    for tag in tags {
        if !values.iter().any(|value| value.as_str() == Some(tag.as_str())) {
            values.push(Value::String(tag));
        }
    }
}

/// The values a discriminator in `object` selects a schema by, in order, each with the
/// component it selects (when it is one).
fn discriminator_tags(object: &Map<String, Value>) -> Vec<(String, Option<String>)> {
    let component = |reference: &str| reference.strip_prefix("#/components/schemas/").map(str::to_owned);
    let mapping = object.get("discriminator").and_then(|d| d.get("mapping")).and_then(Value::as_object);
    let mut tags: Vec<(String, Option<String>)> =
        mapping.into_iter().flatten().map(|(tag, target)| (tag.clone(), target.as_str().and_then(component))).collect();
    let mapped =
        |reference: &str| mapping.is_some_and(|mapping| mapping.values().any(|target| target.as_str() == Some(reference)));
    for keyword in ["oneOf", "anyOf"] {
        for branch in object.get(keyword).and_then(Value::as_array).into_iter().flatten() {
            let Some(reference) = branch.get("$ref").and_then(Value::as_str) else { continue };
            if let Some(name) = component(reference).filter(|_| !mapped(reference)) {
                tags.push((name.clone(), Some(name)));
            }
        }
    }
    tags
}

/// For each component `oneOf`/`anyOf` with properties beside it, replaces the `allOf` part
/// `$ref: '#/components/schemas/<union>'` of each of its variants by those properties: the
/// variant is the union's base plus its own fields, and the reference alone would bring only
/// the union (whose base properties [`normalize_composition`] then drops).
fn inline_union_bases(document: &mut Value) {
    let Some(schemas) = document.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    let mut rewrites: Vec<(String, String, Value)> = Vec::new();
    for (key, schema) in schemas.iter() {
        let Some(object) = schema.as_object() else { continue };
        let Some(properties) = object.get("properties").filter(|p| p.is_object()) else { continue };
        let Some(variants) = ["oneOf", "anyOf"].iter().find_map(|keyword| object.get(*keyword).and_then(Value::as_array)) else {
            continue;
        };
        let mut base = Map::new();
        base.insert("type".to_owned(), Value::String("object".to_owned()));
        // Types hoisted from these properties are named after the union, not each variant.
        base.insert(BASE_OF.to_owned(), Value::String(key.clone()));
        base.insert("properties".to_owned(), properties.clone());
        if let Some(required) = object.get("required") {
            base.insert("required".to_owned(), required.clone());
        }
        for variant in variants {
            if let Some(variant_key) =
                variant.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                rewrites.push((variant_key.to_owned(), format!("#/components/schemas/{key}"), Value::Object(base.clone())));
            }
        }
    }
    for (variant_key, reference, base) in rewrites {
        let Some(parts) = schemas.get_mut(&variant_key).and_then(|v| v.get_mut("allOf")).and_then(Value::as_array_mut) else {
            continue;
        };
        for part in parts.iter_mut().filter(|part| part.get("$ref").and_then(Value::as_str) == Some(reference.as_str())) {
            *part = base.clone();
        }
    }
}

/// Composition keywords hold arrays; a property that happens to be named `allOf` holds an
/// object, so it is not mistaken for one.
fn is_schema_with_composition(object: &Map<String, Value>) -> bool {
    ["allOf", "oneOf", "anyOf"].iter().any(|keyword| object.get(*keyword).is_some_and(Value::is_array))
}

/// A `oneOf`/`anyOf` beside `properties` whose variants only list which of them are required
/// (`oneOf: [{required: [a]}, {required: [b]}]`) says which properties a value has, not what it
/// is: it is dropped, and the schema is an object of its properties (none of the listed ones
/// required, since each value has only some).
fn drop_required_only_choice(object: &mut Map<String, Value>) {
    if !object.get("properties").is_some_and(Value::is_object) {
        return;
    }
    let only_required = |variant: &Value| {
        variant.as_object().is_some_and(|variant| {
            variant.contains_key("required")
                && variant.keys().all(|key| matches!(key.as_str(), "required" | "description" | "title"))
        })
    };
    for keyword in ["oneOf", "anyOf"] {
        let choice = object.get(keyword).and_then(Value::as_array);
        if choice.is_some_and(|variants| !variants.is_empty() && variants.iter().all(only_required)) {
            object.remove(keyword);
            if !object.contains_key("type") && !is_schema_with_composition(object) {
                object.insert("type".to_owned(), Value::String("object".to_owned()));
            }
        }
    }
}

fn normalize_composition(object: &mut Map<String, Value>) {
    if object.get("type").and_then(Value::as_str).is_some_and(|ty| ty == "object") {
        object.remove("type");
    }
    if object.get("allOf").is_some_and(Value::is_array) {
        let mut own = Map::new();
        for key in ["properties", "required", "additionalProperties"] {
            if let Some(value) = object.remove(key) {
                own.insert(key.to_owned(), value);
            }
        }
        if !own.is_empty() {
            own.insert("type".to_owned(), Value::String("object".to_owned()));
            if let Some(Value::Array(parts)) = object.get_mut("allOf") {
                parts.push(Value::Object(own));
            }
        }
    } else {
        // Each variant of a oneOf/anyOf is a whole schema: the base properties listed beside
        // them are repeated in the variants (which the union decodes into).
        object.remove("properties");
        object.remove("required");
        object.remove("type");
    }
}

/// An object that has schema keywords but no `type`: a schema only if its keywords say so.
fn looks_like_untyped_schema(object: &Map<String, Value>) -> bool {
    !object.contains_key("type")
        && !object.contains_key("$ref")
        && (object
            .get("properties")
            .is_some_and(|p| p.is_object() && p.as_object().is_some_and(|p| p.values().all(Value::is_object)))
            || object.get("items").is_some_and(Value::is_object)
            || object
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_string)))
}

fn infer_type(object: &mut Map<String, Value>) {
    let ty = if object.contains_key("properties") {
        "object"
    } else if object.contains_key("items") {
        "array"
    } else {
        "string"
    };
    object.insert("type".to_owned(), Value::String(ty.to_owned()));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::normalize;

    #[test]
    fn a_one_of_of_required_lists_leaves_an_object_of_its_properties() {
        let mut schema = json!({"properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "oneOf": [{"required": ["a"]}, {"required": ["b"]}]});
        normalize(&mut schema);
        assert_eq!(schema, json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}));
        // A variant with a type of its own is a real choice.
        let mut schema = json!({"type": "object", "properties": {"a": {"type": "string"}},
            "oneOf": [{"required": ["a"]}, {"type": "object", "properties": {"c": {"type": "string"}}}]});
        normalize(&mut schema);
        assert!(schema.get("oneOf").is_some());
    }

    #[test]
    fn all_of_absorbs_sibling_properties_and_drops_the_type() {
        let mut schema =
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}, "allOf": [{"$ref": "#/x"}]});
        normalize(&mut schema);
        assert_eq!(
            schema,
            json!({"allOf": [{"$ref": "#/x"}, {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}]})
        );
    }

    #[test]
    fn one_of_keeps_only_its_variants_and_discriminator() {
        let mut schema = json!({"type": "object", "properties": {"p": {"type": "string"}}, "discriminator": {"propertyName": "p"}, "oneOf": [{"$ref": "#/a"}]});
        normalize(&mut schema);
        assert_eq!(schema, json!({"discriminator": {"propertyName": "p"}, "oneOf": [{"$ref": "#/a"}]}));
    }

    #[test]
    fn variants_that_extend_their_union_get_its_base_properties() {
        let base = json!({"id": {"type": "string"}});
        let mut document = json!({"components": {"schemas": {
            "User": {"type": "object", "properties": base, "required": ["id"], "oneOf": [{"$ref": "#/components/schemas/Pending"}]},
            "Pending": {"type": "object", "allOf": [{"$ref": "#/components/schemas/User"}, {"properties": {"since": {"type": "string"}}}]},
        }}});
        normalize(&mut document);
        assert_eq!(
            document["components"]["schemas"]["Pending"]["allOf"][0],
            json!({"type": "object", "x-base-of": "User", "properties": base, "required": ["id"]})
        );
        assert_eq!(document["components"]["schemas"]["User"], json!({"oneOf": [{"$ref": "#/components/schemas/Pending"}]}));
    }

    #[test]
    fn a_mapping_to_a_bare_schema_name_becomes_its_reference() {
        let mut document = json!({"components": {"schemas": {
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}],
                "discriminator": {"propertyName": "kind", "mapping": {
                    "dog": "Dog", "cat": "#/components/schemas/Cat", "fish": "Fish", "bird": "other.yaml#/Bird"}}},
            "Dog": {"type": "object"},
            "Cat": {"type": "object"},
        }}});
        normalize(&mut document);
        assert_eq!(
            document["components"]["schemas"]["Pet"]["discriminator"]["mapping"],
            json!({"dog": "#/components/schemas/Dog", "cat": "#/components/schemas/Cat", "fish": "Fish", "bird": "other.yaml#/Bird"}),
            "a known name is qualified; references and unknown names are left for later stages to read or report"
        );
    }

    #[test]
    fn a_discriminator_property_lists_every_tag_that_selects_a_variant() {
        let mut document = json!({"components": {"schemas": {
            "Connection": {"type": "object",
                "properties": {"type": {"type": "string", "enum": ["Kafka"]}},
                "discriminator": {"propertyName": "type", "mapping": {
                    "Kafka": "#/components/schemas/Kafka", "S3": "#/components/schemas/S3"}},
                "oneOf": [{"$ref": "#/components/schemas/Kafka"}, {"$ref": "#/components/schemas/S3"},
                          {"$ref": "#/components/schemas/Sample"}]},
            "S3": {"type": "object", "allOf": [{"$ref": "#/components/schemas/Connection"}]},
            "Kafka": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["x"]}},
                "discriminator": {"propertyName": "other"}},
        }}});
        normalize(&mut document);
        let copied = &document["components"]["schemas"]["S3"]["allOf"][0]["properties"]["type"]["enum"];
        assert_eq!(copied, &json!(["Kafka", "S3", "Sample"]), "mapped tags, then the unmapped branch's name");
        assert_eq!(document["components"]["schemas"]["Kafka"]["properties"]["kind"]["enum"], json!(["x"]), "another property");
    }

    #[test]
    fn a_selected_schema_lists_the_tags_that_select_it() {
        let mut document = json!({"components": {"schemas": {
            "Tokenizer": {"discriminator": {"propertyName": "type", "mapping": {
                    "edgeGram": "#/components/schemas/EdgeGram", "nGram": "#/components/schemas/NGram"}},
                "oneOf": [{"$ref": "#/components/schemas/EdgeGram"}, {"$ref": "#/components/schemas/NGram"}]},
            "EdgeGram": {"type": "object", "properties": {"type": {"type": "string", "enum": ["edgeGram"]}}},
            "NGram": {"type": "object", "properties": {"type": {"type": "string", "enum": ["edgeGram"]}}},
        }}});
        normalize(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["NGram"]["properties"]["type"]["enum"], json!(["edgeGram", "nGram"]));
        assert_eq!(schemas["EdgeGram"]["properties"]["type"]["enum"], json!(["edgeGram"]), "only the tags that select it");
    }

    #[test]
    fn untyped_schemas_get_the_type_their_keywords_imply_and_properties_named_all_of_stay() {
        let mut schema = json!({"properties": {"allOf": {"type": "string"}, "tags": {"items": {"enum": ["A"]}}}});
        normalize(&mut schema);
        assert_eq!(
            schema,
            json!({"type": "object", "properties": {"allOf": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string", "enum": ["A"]}}}})
        );
    }

    #[test]
    fn properties_named_like_schema_keywords_stay_properties() {
        let mut schema =
            json!({"type": "object", "properties": {"items": {"type": "string"}, "enum": {"properties": {"a": {}}}}});
        normalize(&mut schema);
        assert_eq!(
            schema,
            json!({"type": "object", "properties": {"items": {"type": "string"}, "enum": {"type": "object", "properties": {"a": {}}}}})
        );
    }
}
