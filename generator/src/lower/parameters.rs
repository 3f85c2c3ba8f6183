//! Parameters: the path item's and the operation's, merged; the path's pieces with a typed
//! argument for each `{name}`; the query and header parameters that become the `Query`
//! struct, with the bounds their schemas declare and how arrays and objects are written.

use openapiv3::{Parameter, ParameterSchemaOrContent};

use super::schemas::Context;
use super::state::{Lowerer, Site};
use super::types::{Kind, Parent};
use crate::diag::Sink;
use crate::ir::{self, ParamLocation, PathParam, PathSegment, QueryParam, QueryStyle, Ty};
use crate::names;
use crate::pointer::join;

impl<'a> Lowerer<'a> {
    /// The path item's parameters, overridden by the operation's of the same name and place.
    pub(super) fn parameters(&self, site: &Site<'a, '_>, sink: &mut Sink<'_>) -> Vec<(&'a Parameter, String)> {
        let mut resolved: Vec<(&'a Parameter, String)> = Vec::new();
        let item_params = site
            .item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, join(&join(&join("/paths", site.path), "parameters"), &i.to_string())));
        let op_params = site
            .operation
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, join(&join(&site.pointer, "parameters"), &i.to_string())));
        for (parameter, at) in item_params.chain(op_params) {
            let Some((parameter, at)) = self.resolve.parameter(parameter, &at, sink) else { continue };
            let data = parameter.parameter_data_ref();
            resolved.retain(|(existing, _)| {
                let same_place = std::mem::discriminant(*existing) == std::mem::discriminant(parameter);
                !(same_place && existing.parameter_data_ref().name == data.name)
            });
            resolved.push((parameter, at));
        }
        resolved
    }

    /// The path's pieces, and a parameter (an ID type where one is known) for each `{name}`.
    pub(super) fn path_params(
        &mut self,
        site: &Site<'a, '_>,
        parameters: &[(&'a Parameter, String)],
        parent: &Parent,
        sink: &mut Sink<'_>,
    ) -> (Vec<PathSegment>, Vec<PathParam>) {
        let mut path_params = Vec::new();
        let mut path_segments = Vec::new();
        // The arguments of `request`, the `Client` method and the stream method, beside the
        // locals their templates use.
        let mut arguments = names::Scope::reserving(names::LOCALS_RESERVED);
        for piece in split_template(site.path) {
            match piece {
                Template::Literal(text) => path_segments.push(PathSegment::Literal(text.to_owned())),
                Template::Param(name) => {
                    let Some((parameter, at)) = parameters
                        .iter()
                        .find(|(p, _)| matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name)
                    else {
                        sink.error(
                            &site.pointer,
                            format!("the path has `{{{name}}}` but the operation declares no path parameter `{name}`"),
                            Some(format!("add a parameter with `name: {name}` and `in: path`")),
                        );
                        continue;
                    };
                    let data = parameter.parameter_data_ref();
                    // The ID type of a parameter of this name, unless this parameter's own
                    // schema says it is something else: `{id}` may be 24-hex in one operation
                    // and an integer or an email address in another. (A plain string is taken
                    // for the ID: Atlas leaves the pattern out of some of its ID parameters.)
                    let inline = match &data.format {
                        ParameterSchemaOrContent::Schema(schema) => self.inline_schema(schema, at, sink),
                        ParameterSchemaOrContent::Content(_) => None,
                    };
                    let may_be_id = inline.is_some_and(super::ids::may_be_hex24_string);
                    let ty = match self.ids.get(name).filter(|_| may_be_id) {
                        Some(id) => Ty::Id(id.name.clone()),
                        None => match &data.format {
                            ParameterSchemaOrContent::Schema(schema) => {
                                let context = Context { parent, field: name, pointer: &join(at, "schema") };
                                match self.ty_of(schema, context, sink) {
                                    ty @ (Ty::I32 | Ty::I64 | Ty::Bool | Ty::F64 | Ty::Named(_)) => ty,
                                    _ => Ty::String,
                                }
                            }
                            ParameterSchemaOrContent::Content(_) => Ty::String,
                        },
                    };
                    path_segments.push(PathSegment::Param(path_params.len()));
                    // An ID type is checked by its own type.
                    let bounds = match ty {
                        Ty::Id(_) => ir::Bounds::default(),
                        _ => inline.map(bounds).unwrap_or_default(),
                    };
                    path_params.push(PathParam {
                        name: arguments.claim(names::value_name(name)),
                        wire_name: name.to_owned(),
                        ty,
                        bounds,
                        doc: data.description.clone(),
                    });
                }
            }
        }
        (path_segments, path_params)
    }

    /// Query and header parameters: the fields of the operation's `Query` struct.
    pub(super) fn query_params(
        &mut self,
        parameters: &[(&'a Parameter, String)],
        parent: &Parent,
        sink: &mut Sink<'_>,
    ) -> Vec<QueryParam> {
        let mut query_params = Vec::new();
        // The fields of the `Query` struct.
        let mut fields = names::Scope::default();
        for (parameter, at) in parameters {
            let (data, location, style) = match parameter {
                Parameter::Query { parameter_data, style, .. } => (parameter_data, ParamLocation::Query, query_style(style)),
                // A header's array is always comma-separated (`simple`), as `form` unexploded.
                Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header, QueryStyle::Form),
                // Every cookie parameter goes in the one `Cookie` header, `name=value` (`form`).
                Parameter::Cookie { parameter_data, .. } => (parameter_data, ParamLocation::Cookie, QueryStyle::Form),
                Parameter::Path { .. } => continue,
            };
            let (ty, integer_default, bounds) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let context = Context { parent, field: &data.name, pointer: &join(at, "schema") };
                    let inline = self.inline_schema(schema, at, sink);
                    let default =
                        inline.and_then(|schema| schema.schema_data.default.as_ref()).and_then(serde_json::Value::as_i64);
                    (without_null(self.ty_of(schema, context, sink)), default, inline.map(bounds).unwrap_or_default())
                }
                ParameterSchemaOrContent::Content(_) => (Ty::String, None, ir::Bounds::default()),
            };
            // The name goes on the wire as it is: it must be an RFC 6265 cookie name (a token).
            if location == ParamLocation::Cookie && !is_token(&data.name) {
                sink.error(
                    at,
                    format!("cookie parameter `{}` has a name a cookie cannot have", data.name),
                    Some("use letters, digits and `!#$%&'*+-.^_`|~` only (no space, `=`, `;`, `,` or quote)".to_owned()),
                );
                continue;
            }
            // A cookie holds one `name=value` pair: OpenAPI's `form` style for an array or an
            // object there would need separators a cookie value cannot hold unencoded.
            if location == ParamLocation::Cookie && !self.is_scalar(&ty) {
                sink.error(
                    at,
                    format!("cookie parameter `{}` is an array or an object, which a cookie cannot hold as one value", data.name),
                    Some("make it a string, number, boolean or enum (or send it as a query parameter)".to_owned()),
                );
                continue;
            }
            // An array is written item by item, each by its `Display`: an item that is an
            // array, a map or an object has none, and OpenAPI defines no form for it.
            if let Ty::Vec(item) = &ty {
                if !self.is_scalar(item) {
                    let place = if location == ParamLocation::Query { "query" } else { "header" };
                    sink.error(
                        at,
                        format!(
                            "{place} parameter `{}` is an array of arrays or objects, which OpenAPI's `{}` style cannot write",
                            data.name,
                            if location == ParamLocation::Query { "form" } else { "simple" }
                        ),
                        Some("make the items strings, numbers or booleans (or send the value in a JSON body)".to_owned()),
                    );
                    continue;
                }
            }
            query_params.push(QueryParam {
                name: fields.claim(names::value_name(&data.name)),
                wire_name: data.name.clone(),
                ty,
                required: data.required,
                location,
                style,
                // OpenAPI's default: true for `form`, false for every other style.
                explode: data.explode.unwrap_or(style == QueryStyle::Form && location == ParamLocation::Query),
                integer_default,
                bounds,
                doc: data.description.clone(),
            });
        }
        query_params
    }

    /// Whether a value of `ty` is written by its `Display`: not an array, a map, a struct or a
    /// union.
    fn is_scalar(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Vec(_) | Ty::Map(_) => false,
            Ty::Named(id) => !matches!(self.space.get(*id).map(|def| &def.kind), Some(Kind::Struct(_) | Kind::Union(_))),
            _ => true,
        }
    }
}

/// A parameter's type without the `null` its schema may allow (for the value, its array items
/// or its map values). RFC 6570, which OpenAPI's styles follow, treats a `null` as undefined and
/// writes nothing for it, so the `Query` field's `None` (and leaving an item out) is all the
/// wire can say.
fn without_null(ty: Ty) -> Ty {
    match ty {
        Ty::Option(inner) => without_null(*inner),
        Ty::Vec(inner) => Ty::Vec(Box::new(without_null(*inner))),
        Ty::Map(inner) => Ty::Map(Box::new(without_null(*inner))),
        other => other,
    }
}

/// An HTTP token (RFC 9110 `tchar`s), what RFC 6265 allows as a cookie's name.
fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// The bounds `schema` declares for a parameter's value.
fn bounds(schema: &openapiv3::Schema) -> ir::Bounds {
    use openapiv3::{SchemaKind, Type};
    let as_u64 = |value: Option<usize>| value.map(|value| value as u64);
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) => ir::Bounds {
            minimum: integer
                .minimum
                .map(|min| ir::Limit::Integer(if integer.exclusive_minimum { min.saturating_add(1) } else { min })),
            maximum: integer
                .maximum
                .map(|max| ir::Limit::Integer(if integer.exclusive_maximum { max.saturating_sub(1) } else { max })),
            ..ir::Bounds::default()
        },
        SchemaKind::Type(Type::Number(number)) => ir::Bounds {
            minimum: number.minimum.map(|value| ir::Limit::Number { value, exclusive: number.exclusive_minimum }),
            maximum: number.maximum.map(|value| ir::Limit::Number { value, exclusive: number.exclusive_maximum }),
            ..ir::Bounds::default()
        },
        SchemaKind::Type(Type::String(string)) => {
            ir::Bounds { min_length: as_u64(string.min_length), max_length: as_u64(string.max_length), ..ir::Bounds::default() }
        }
        SchemaKind::Type(Type::Array(array)) => {
            ir::Bounds { min_items: as_u64(array.min_items), max_items: as_u64(array.max_items), ..ir::Bounds::default() }
        }
        _ => ir::Bounds::default(),
    }
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

fn query_style(style: &openapiv3::QueryStyle) -> QueryStyle {
    match style {
        openapiv3::QueryStyle::Form => QueryStyle::Form,
        openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
        openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
        openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
    }
}
