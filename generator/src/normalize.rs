//! Normalize: rewrites schema shapes that openapiv3 can only read as an untyped "any" schema
//! into equivalent shapes it types, before the document is deserialized.
//!
//! The Atlas spec puts `type: object` (and often `properties` and `required`) beside `allOf`
//! and `oneOf`; openapiv3 then falls back to `SchemaKind::Any` and the generator would see no
//! composition at all. Here `allOf` absorbs the sibling properties as one more part, `oneOf`
//! and `anyOf` drop the sibling `type` and the base properties their variants repeat, and a
//! schema that lists `properties`, `items` or string `enum` values without a `type` gets it.

use serde_json::{Map, Value};

/// Normalizes every schema in `document` in place.
pub fn normalize(document: &mut Value) {
    match document {
        Value::Object(object) => {
            if is_schema_with_composition(object) {
                normalize_composition(object);
            } else if looks_like_untyped_schema(object) {
                infer_type(object);
            }
            object.values_mut().for_each(normalize);
        }
        Value::Array(items) => items.iter_mut().for_each(normalize),
        _ => {}
    }
}

/// Composition keywords hold arrays; a property that happens to be named `allOf` holds an
/// object, so it is not mistaken for one.
fn is_schema_with_composition(object: &Map<String, Value>) -> bool {
    ["allOf", "oneOf", "anyOf"].iter().any(|keyword| object.get(*keyword).is_some_and(Value::is_array))
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
    fn untyped_schemas_get_the_type_their_keywords_imply_and_properties_named_all_of_stay() {
        let mut schema = json!({"properties": {"allOf": {"type": "string"}, "tags": {"items": {"enum": ["A"]}}}});
        normalize(&mut schema);
        assert_eq!(
            schema,
            json!({"type": "object", "properties": {"allOf": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string", "enum": ["A"]}}}})
        );
    }
}
