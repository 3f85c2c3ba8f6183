//! ID inference: which path parameters, properties and `id` fields are validated ID types.

use openapiv3::{
    Operation as SpecOperation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode, Type,
};

use super::state::{Lowerer, methods, path_item};
use crate::diag::Sink;
use crate::ir::{IdType, Method};
use crate::names;
use crate::pointer::join;
use crate::resolve::schema_key;

/// The only pattern that makes a string an ID type: what Atlas uses for every 24-hex identifier.
pub const HEX24_PATTERN: &str = "^([a-f0-9]{24})$";

pub(super) fn is_hex24_string(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if s.pattern.as_deref() == Some(HEX24_PATTERN))
}

/// A string with the 24-hex pattern, or one that says nothing more (no other pattern, no
/// format, no values): it may hold an ID.
pub(super) fn may_be_hex24_string(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            s.pattern.as_deref().is_none_or(|pattern| pattern == HEX24_PATTERN)
                && s.enumeration.is_empty()
                && matches!(s.format, openapiv3::VariantOrUnknownOrEmpty::Empty)
        }
        _ => false,
    }
}

impl<'a> Lowerer<'a> {
    /// Every path parameter with the 24-hex pattern gets an ID type named after it; the
    /// same parameter name elsewhere uses that type too, so one ID flows between operations.
    pub(super) fn collect_ids(&mut self, sink: &mut Sink<'_>) {
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
                        .map_or_else(|| example_id(&parameter_data.name), str::to_owned);
                    let doc = parameter_data.description.clone().unwrap_or_default();
                    let name = names::type_name(&parameter_data.name);
                    self.ids.insert(parameter_data.name.clone(), IdType { name, doc, example });
                }
                // A schema returned by `GET .../{xId}` is the resource `xId` names: its `id` is an `XId`.
                let last_param =
                    path.rsplit('/').next().and_then(|last| last.strip_prefix('{')).and_then(|last| last.strip_suffix('}'));
                if let (Method::Get, Some(param)) = (method, last_param) {
                    if let Some(key) = self.success_schema_key(operation, &[200]) {
                        self.id_fields.entry(key.to_owned()).or_insert_with(|| param.to_owned());
                    }
                }
            }
        }
        // A schema that a `POST` to a collection returns is the resource it created, the one its
        // item path `.../{xId}` names: `createOrgTeam`'s `Team` has the `id` of `.../teams/{teamId}`.
        let item_params: std::collections::BTreeMap<&str, &str> = self
            .spec
            .paths
            .paths
            .keys()
            .filter_map(|path| {
                let (collection, last) = path.rsplit_once('/')?;
                Some((collection, last.strip_prefix('{')?.strip_suffix('}')?))
            })
            .collect();
        for (path, item) in &self.spec.paths.paths {
            let (Some(item), Some(param)) = (path_item(item), item_params.get(path.as_str())) else { continue };
            if let Some(key) = item.post.as_ref().and_then(|post| self.success_schema_key(post, &[200, 201])) {
                self.id_fields.entry(key.to_owned()).or_insert_with(|| (*param).to_owned());
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

    /// The component that the operation's response of the first of `statuses` it declares
    /// refers to.
    fn success_schema_key(&self, operation: &'a SpecOperation, statuses: &[u16]) -> Option<&'a str> {
        let (_, response) = operation
            .responses
            .responses
            .iter()
            .find(|(code, _)| matches!(code, StatusCode::Code(status) if statuses.contains(status)))?;
        let ReferenceOr::Item(response) = response else { return None };
        response.content.values().find_map(|media| match &media.schema {
            Some(ReferenceOr::Reference { reference }) => schema_key(reference),
            _ => None,
        })
    }

    /// The `schema` of a parameter or media type at `at`, following `$ref`s into components.
    /// A bad reference is reported where [`Lowerer::ty_of`] reports it for the same schema
    /// (`at/schema/$ref`), so the two reports of one problem are one.
    pub(super) fn inline_schema(&self, schema: &'a ReferenceOr<Schema>, at: &str, sink: &mut Sink<'_>) -> Option<&'a Schema> {
        let reference_at = join(&join(at, "schema"), "$ref");
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => match schema_key(reference) {
                Some(key) => self.resolve.component_schema(key, &reference_at, sink).map(|(schema, _)| schema),
                None => {
                    sink.error(
                        &reference_at,
                        format!("unsupported $ref `{reference}` (expected `#/components/schemas/...`)"),
                        Some("only local references into components/schemas are supported".to_owned()),
                    );
                    None
                }
            },
        }
    }
}

/// The example of an ID parameter the spec gives none: 24 hex digits made from its name
/// (FNV-1a), the same on every run, so that two ID types' samples never show one ID for both.
fn example_id(name: &str) -> String {
    let fnv = |salt: u8| {
        [salt]
            .into_iter()
            .chain(name.bytes())
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3))
    };
    format!("{:016x}{:08x}", fnv(0), fnv(1) >> 32)
}
