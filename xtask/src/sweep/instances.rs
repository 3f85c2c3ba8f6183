//! Random JSON instances of an OpenAPI 3.0 schema, as a server (a response) or a client (a
//! request body) may send them: every required property, a random choice of the others,
//! `nullable` values sometimes `null`, one branch of each `oneOf`/`anyOf` (the discriminator
//! set to its mapping's value), enum values, formats and the simple patterns a decoder checks.

use serde_json::{Map, Value, json};

/// Which way an instance travels: what a schema leaves out differs (`readOnly`, `writeOnly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Response,
    Request,
}

/// A small deterministic generator (splitmix64): the same seed gives the same instances on
/// every machine, without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Nesting deeper than this keeps only required properties and leaves arrays and maps empty,
/// so recursive schemas (a tree of alerts, a `$ref` to itself) end.
const DEEP: usize = 5;
/// Deeper than this, an instance is given up: a schema that requires itself has none.
const TOO_DEEP: usize = 12;

/// Generates instances of the schemas of one spec document.
pub struct Instances<'a> {
    spec: &'a Value,
    direction: Direction,
    rng: Rng,
    /// The `$ref`s being expanded, outermost first.
    stack: Vec<String>,
}

impl<'a> Instances<'a> {
    pub fn new(spec: &'a Value, direction: Direction, rng: Rng) -> Instances<'a> {
        Instances { spec, direction, rng, stack: Vec::new() }
    }

    /// One instance of `schema`, or `None` when the generator gave up (a schema that requires
    /// itself without end).
    pub fn instance(&mut self, schema: &Value) -> Option<Value> {
        self.stack.clear();
        self.value(schema, 0)
    }

    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        self.spec.pointer(reference.strip_prefix('#')?)
    }

    fn value(&mut self, schema: &Value, depth: usize) -> Option<Value> {
        if depth > TOO_DEEP {
            return None;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let target = self.resolve(reference)?;
            self.stack.push(reference.to_owned());
            let value = self.value(target, depth + 1);
            self.stack.pop();
            return value;
        }
        if schema.get("nullable").and_then(Value::as_bool) == Some(true) && self.rng.chance(15) {
            return Some(Value::Null);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let merged = self.merge_all_of(schema, parts);
            return self.value(&merged, depth + 1);
        }
        if let Some(branches) = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array) {
            return self.union(schema, branches, depth);
        }
        // A base schema whose discriminator maps to schemas that are `allOf` it and more (no
        // `oneOf`): an instance is one of those, as the discriminator's value says.
        if schema.pointer("/discriminator/mapping").and_then(Value::as_object).is_some_and(|mapping| !mapping.is_empty()) {
            return self.union(schema, &[], depth);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array).filter(|values| !values.is_empty()) {
            return Some(values[self.rng.below(values.len())].clone());
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => Some(Value::String(self.string(schema))),
            Some("integer") => Some(json!(self.integer(schema))),
            Some("number") => Some(self.number(schema)),
            Some("boolean") => Some(Value::Bool(self.rng.chance(50))),
            Some("array") => self.array(schema, depth),
            Some("object") => self.object(schema, depth),
            _ if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() => self.object(schema, depth),
            // A schema that says nothing of its type accepts anything; a string is a value.
            _ => Some(Value::String("anything".to_owned())),
        }
    }

    /// `allOf` as one schema: properties and `required` joined, the first `type`, `enum` and
    /// union kept. A part that is a `$ref` already being expanded (a variant naming its own
    /// union as its base) gives its properties, never its union again.
    fn merge_all_of(&self, schema: &Value, parts: &[Value]) -> Value {
        let mut merged = Map::new();
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut add = |part: &Value, union_allowed: bool, merged: &mut Map<String, Value>| {
            if let Some(own) = part.get("properties").and_then(Value::as_object) {
                for (name, property) in own {
                    // A property two parts declare must satisfy both (a variant narrowing
                    // its base's `latestDefinition` to a richer schema).
                    match properties.get_mut(name) {
                        Some(existing) if existing != property => {
                            *existing = json!({ "allOf": [existing.clone(), property.clone()] })
                        }
                        Some(_) => {}
                        None => {
                            properties.insert(name.clone(), property.clone());
                        }
                    }
                }
            }
            for name in part.get("required").and_then(Value::as_array).into_iter().flatten() {
                if !required.contains(name) {
                    required.push(name.clone());
                }
            }
            for (key, value) in part.as_object().into_iter().flatten() {
                let union_key = matches!(key.as_str(), "oneOf" | "anyOf" | "discriminator");
                let merged_elsewhere = matches!(key.as_str(), "properties" | "required" | "allOf" | "description");
                if merged_elsewhere || (union_key && !union_allowed) {
                    continue;
                }
                merged.entry(key.clone()).or_insert_with(|| value.clone());
            }
        };
        for part in parts {
            let mut part = part;
            let mut union_allowed = true;
            let mut seen = 0;
            while let Some(reference) = part.get("$ref").and_then(Value::as_str) {
                union_allowed &= !self.stack.iter().any(|open| open == reference);
                match self.resolve(reference) {
                    Some(target) if seen < 16 => part = target,
                    _ => break,
                }
                seen += 1;
            }
            if let Some(nested) = part.get("allOf").and_then(Value::as_array) {
                let inner = self.merge_all_of(part, nested);
                add(&inner, union_allowed, &mut merged);
            } else {
                add(part, union_allowed, &mut merged);
            }
        }
        let mut own = schema.clone();
        if let Some(own) = own.as_object_mut() {
            own.remove("allOf");
        }
        add(&own, true, &mut merged);
        if !properties.is_empty() {
            merged.insert("properties".to_owned(), Value::Object(properties));
        }
        if !required.is_empty() {
            merged.insert("required".to_owned(), Value::Array(required));
        }
        Value::Object(merged)
    }

    /// One branch of a `oneOf`/`anyOf`; with a discriminator, one of its mapping's values (or
    /// a branch's component name) and that branch, the property set to the value.
    fn union(&mut self, schema: &Value, branches: &[Value], depth: usize) -> Option<Value> {
        let discriminator = schema.get("discriminator");
        let property = discriminator.and_then(|d| d.get("propertyName")).and_then(Value::as_str);
        let (tag, branch) = match discriminator.and_then(|d| d.get("mapping")).and_then(Value::as_object) {
            Some(mapping) if !mapping.is_empty() => {
                let (tag, reference) = mapping.iter().nth(self.rng.below(mapping.len()))?;
                (Some(tag.clone()), json!({ "$ref": reference }))
            }
            _ if branches.is_empty() => return Some(json!({})),
            _ => {
                let branch = branches[self.rng.below(branches.len())].clone();
                let tag = property.and(branch.get("$ref").and_then(Value::as_str)).and_then(|r| r.rsplit('/').next());
                (tag.map(str::to_owned), branch)
            }
        };
        // Properties written beside the union belong to every branch.
        let mut rest = schema.clone();
        if let Some(rest) = rest.as_object_mut() {
            for key in ["oneOf", "anyOf", "discriminator"] {
                rest.remove(key);
            }
        }
        let beside = rest.get("properties").is_some();
        let combined = if beside { json!({ "allOf": [rest, branch] }) } else { branch };
        let mut value = self.value(&combined, depth + 1)?;
        if let (Some(property), Some(tag), Some(object)) = (property, tag, value.as_object_mut()) {
            object.insert(property.to_owned(), Value::String(tag));
        }
        Some(value)
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Option<Value> {
        let required: Vec<&str> =
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let mut object = Map::new();
        for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if self.left_out(property) {
                continue;
            }
            let is_required = required.contains(&name.as_str());
            if !is_required && (depth >= DEEP || !self.rng.chance(60)) {
                continue;
            }
            match self.value(property, depth + 1) {
                Some(value) => {
                    object.insert(name.clone(), value);
                }
                None if is_required => return None,
                None => {}
            }
        }
        if let Some(values) = schema.get("additionalProperties").filter(|extra| extra.is_object()) {
            let entries = if depth >= DEEP { 0 } else { self.rng.below(3) };
            for entry in 0..entries {
                let key = format!("extra{entry}");
                if let Some(value) = self.value(values, depth + 1) {
                    object.entry(key).or_insert(value);
                }
            }
        }
        Some(Value::Object(object))
    }

    /// A property the other side never sends: `readOnly` in a request, `writeOnly` in a
    /// response.
    fn left_out(&self, property: &Value) -> bool {
        let flag = |name: &str| {
            let mut schema = property;
            for _ in 0..16 {
                if schema.get(name).and_then(Value::as_bool) == Some(true) {
                    return true;
                }
                match schema.get("$ref").and_then(Value::as_str).and_then(|r| self.resolve(r)) {
                    Some(target) => schema = target,
                    None => return false,
                }
            }
            false
        };
        match self.direction {
            Direction::Request => flag("readOnly"),
            Direction::Response => flag("writeOnly"),
        }
    }

    fn array(&mut self, schema: &Value, depth: usize) -> Option<Value> {
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema.get("maxItems").and_then(Value::as_u64).map_or(3, |max| (max as usize).min(3)).max(min);
        let count = if depth >= DEEP { min } else { min + self.rng.below(max - min + 1) };
        let items = schema.get("items").cloned().unwrap_or_else(|| json!({}));
        let unique = schema.get("uniqueItems").and_then(Value::as_bool) == Some(true);
        let mut values: Vec<Value> = Vec::with_capacity(count);
        for _ in 0..count * 4 {
            if values.len() == count {
                break;
            }
            let value = self.value(&items, depth + 1)?;
            if !unique || !values.contains(&value) {
                values.push(value);
            }
        }
        (values.len() >= min).then_some(Value::Array(values))
    }

    fn integer(&mut self, schema: &Value) -> i64 {
        let int32 = schema.get("format").and_then(Value::as_str) == Some("int32");
        let (floor, ceiling) = if int32 { (i64::from(i32::MIN), i64::from(i32::MAX)) } else { (-1_000_000, 10_000_000_000) };
        let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
        let mut low = schema.get("minimum").and_then(Value::as_f64).map_or(floor.max(0), |min| min.ceil() as i64);
        let mut high =
            schema.get("maximum").and_then(Value::as_f64).map_or(ceiling.min(low.saturating_add(1000)), |max| max as i64);
        if exclusive("exclusiveMinimum") {
            low += 1;
        }
        if exclusive("exclusiveMaximum") {
            high -= 1;
        }
        if high < low {
            return low;
        }
        let span = (high - low) as u64 + 1;
        low + (self.rng.next() % span) as i64
    }

    fn number(&mut self, schema: &Value) -> Value {
        let low = schema.get("minimum").and_then(Value::as_f64).unwrap_or(0.0);
        let high = schema.get("maximum").and_then(Value::as_f64).unwrap_or(low + 1000.0).max(low);
        // Quarters: exact in binary, so a value that round-trips compares equal.
        let steps = ((high - low) * 4.0).floor().max(0.0) as u64;
        let value = low + (self.rng.next() % (steps + 1)) as f64 / 4.0;
        json!(value)
    }

    fn string(&mut self, schema: &Value) -> String {
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => return format!("2024-0{}-1{}T10:11:12Z", 1 + self.rng.below(9), self.rng.below(10)),
            Some("date") => return format!("2024-0{}-1{}", 1 + self.rng.below(9), self.rng.below(10)),
            Some("email") => return format!("user{}@example.com", self.rng.below(1000)),
            Some("uuid") => return "3fa85f64-5717-4562-b3fc-2c963f66afa6".to_owned(),
            _ => {}
        }
        if let Some(value) = schema.get("pattern").and_then(Value::as_str).and_then(|pattern| self.matching(pattern)) {
            return value;
        }
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1) as usize;
        let max = schema.get("maxLength").and_then(Value::as_u64).map_or(12, |max| max as usize).max(min);
        let length = min.max(1.min(max)) + self.rng.below(max.min(min + 12) - min + 1);
        (0..length).map(|_| (b'a' + self.rng.below(26) as u8) as char).collect()
    }

    /// A string matching `pattern` when it is a run of literals and bracketed classes with
    /// `{n}` or `{n,m}` counts, anchored, in at most one group (the ID patterns); `None` for
    /// anything else, which the client does not check.
    fn matching(&mut self, pattern: &str) -> Option<String> {
        let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
        let body = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')).unwrap_or(body);
        let chars: Vec<char> = body.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        while at < chars.len() {
            let alphabet: Vec<char> = match chars[at] {
                '[' => {
                    let end = at + chars[at..].iter().position(|&c| c == ']')?;
                    let class = class_chars(&chars[at + 1..end])?;
                    at = end + 1;
                    class
                }
                '\\' if chars.get(at + 1) == Some(&'d') => {
                    at += 2;
                    ('0'..='9').collect()
                }
                c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                    at += 1;
                    vec![c]
                }
                _ => return None,
            };
            let (count, next) = match chars.get(at) {
                Some('{') => {
                    let end = at + chars[at..].iter().position(|&c| c == '}')?;
                    let spec: String = chars[at + 1..end].iter().collect();
                    let (low, high): (usize, usize) = match spec.split_once(',') {
                        Some((low, high)) => (low.parse().ok()?, high.parse().ok()?),
                        None => (spec.parse().ok()?, spec.parse().ok()?),
                    };
                    if high < low {
                        return None;
                    }
                    (low + self.rng.below(high - low + 1), end + 1)
                }
                Some('*' | '+' | '?' | '(' | ')' | '|' | '.') => return None,
                _ => (1, at),
            };
            at = next;
            for _ in 0..count {
                out.push(alphabet[self.rng.below(alphabet.len())]);
            }
        }
        Some(out)
    }
}

/// The characters of a bracketed class such as `a-fA-F\d`; `None` for negated classes and
/// escapes other than `\d`.
fn class_chars(class: &[char]) -> Option<Vec<char>> {
    if class.first() == Some(&'^') {
        return None;
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at < class.len() {
        match (class[at], class.get(at + 1), class.get(at + 2)) {
            ('\\', Some('d'), _) => {
                out.extend('0'..='9');
                at += 2;
            }
            ('\\', _, _) => return None,
            (from, Some('-'), Some(&to)) if from <= to => {
                out.extend(from..=to);
                at += 3;
            }
            (c, _, _) => {
                out.push(c);
                at += 1;
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> Rng {
        Rng::new(7)
    }

    #[test]
    fn id_patterns_are_matched() {
        let spec = json!({});
        let mut instances = Instances::new(&spec, Direction::Response, rng());
        for _ in 0..50 {
            let id = instances.matching("^([a-f0-9]{24})$").unwrap();
            assert_eq!(id.len(), 24);
            assert!(id.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{id}");
            let account = instances.matching("^mdb_sa_id_[a-fA-F\\d]{24}$").unwrap();
            assert!(account.starts_with("mdb_sa_id_") && account.len() == 34, "{account}");
        }
        assert_eq!(instances.matching("^(\\.(?!$)|$)$"), None, "lookarounds are not attempted");
    }

    #[test]
    fn a_discriminated_union_sets_its_property_and_keeps_the_base_fields() {
        let spec = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["kind", "id"], "discriminator": {"propertyName": "kind",
                "mapping": {"A": "#/components/schemas/A", "B": "#/components/schemas/B"}},
                "properties": {"kind": {"type": "string"}, "id": {"type": "string", "readOnly": true}},
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
            "A": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["b"], "properties": {"b": {"type": "boolean"}}}]},
        }}});
        let root = json!({"$ref": "#/components/schemas/Base"});
        let mut seen = std::collections::BTreeSet::new();
        let mut responses = Instances::new(&spec, Direction::Response, rng());
        for _ in 0..20 {
            let value = responses.instance(&root).expect("an instance");
            let kind = value["kind"].as_str().unwrap().to_owned();
            let own = if kind == "A" { "a" } else { "b" };
            assert!(value.get(own).is_some() && value.get("id").is_some(), "{value}");
            seen.insert(kind);
        }
        assert_eq!(seen.len(), 2, "both branches are drawn");
        let request = Instances::new(&spec, Direction::Request, rng()).instance(&root).unwrap();
        assert!(request.get("id").is_none(), "readOnly stays out of a request: {request}");
    }

    #[test]
    fn a_base_whose_discriminator_maps_to_its_extensions_is_one_of_them() {
        let spec = json!({"components": {"schemas": {
            "Bucket": {"type": "object", "required": ["cloud"], "discriminator": {"propertyName": "cloud",
                "mapping": {"GCP": "#/components/schemas/Gcp"}},
                "properties": {"cloud": {"type": "string", "enum": ["AWS", "GCP"]}}},
            "Gcp": {"type": "object", "required": ["cloud", "roleId"], "allOf": [{"$ref": "#/components/schemas/Bucket"},
                {"type": "object", "properties": {"roleId": {"type": "string"}}}]},
        }}});
        let mut instances = Instances::new(&spec, Direction::Response, rng());
        for _ in 0..10 {
            let value = instances.instance(&json!({"$ref": "#/components/schemas/Bucket"})).unwrap();
            assert_eq!(value["cloud"], "GCP", "{value}");
            assert!(value["roleId"].is_string(), "the mapped schema's required field is there: {value}");
        }
    }

    #[test]
    fn a_schema_that_requires_itself_gives_up_instead_of_overflowing() {
        let spec = json!({"components": {"schemas": {"Loop": {"type": "object", "required": ["next"],
            "properties": {"next": {"$ref": "#/components/schemas/Loop"}}}}}});
        let mut instances = Instances::new(&spec, Direction::Response, rng());
        assert_eq!(instances.instance(&json!({"$ref": "#/components/schemas/Loop"})), None);
    }
}
