//! Operations: parameters, body, success response and the chosen resource version of each,
//! with their types in the type space; the naming pass turns them into `ir::Operation`s.

use std::collections::BTreeMap;

use openapiv3::{Operation as SpecOperation, StatusCode};

use super::schemas::Context;
use super::state::{Lowerer, Site, methods, path_item};
use super::types::Parent;
use crate::diag::Sink;
use crate::ir::{Body, BodyEncoding, Method, PathParam, PathSegment, QueryParam, Ty};
use crate::names;
use crate::pointer::join;
use crate::resolve::{essence, is_json, media_type_version, pick_media_type, pick_version};

/// An operation as the lowering builds it: `ir::Operation` with its types by id and its
/// tag by name, before the passes over every operation (`tags`, `paging`, [`replacements`])
/// and the naming pass.
pub(super) struct Operation {
    pub(super) operation_id: String,
    pub(super) fn_name: String,
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) path_segments: Vec<PathSegment>,
    pub(super) summary: String,
    pub(super) doc: Option<String>,
    pub(super) path_params: Vec<PathParam>,
    pub(super) query_params: Vec<QueryParam>,
    pub(super) body: Option<Body>,
    pub(super) accept: String,
    pub(super) api_version: String,
    pub(super) success: Success,
    pub(super) deprecated: bool,
    /// Whether sending it twice does what sending it once does (see [`idempotent`]).
    pub(super) idempotent: bool,
    pub(super) sunset: Option<String>,
    pub(super) replacement: Option<Replacement>,
    /// The operation's first tag in the spec (every Atlas operation has exactly one).
    pub(super) tag: String,
}

/// What replaces a deprecated operation, from its `externalDocs`: `ir::Replacement` before
/// the operation it names is found (by [`replacements`]) and named.
pub(super) struct Replacement {
    pub(super) title: String,
    pub(super) api: Option<String>,
    /// The replacing operation by method and path, from `x-replaced-by`: a title or an
    /// `operationId` can name different operations in different releases.
    pub(super) target: Option<(Method, String)>,
}

pub(super) struct Success {
    /// The 2xx statuses the operation declares one by one, ascending.
    pub(super) statuses: Vec<u16>,
    /// A `2XX` range, or a `default` response with no 2xx beside it: any 2xx is a success.
    pub(super) any_2xx: bool,
    pub(super) body: ResponseBody,
    pub(super) empty_allowed: bool,
}

impl Success {
    /// Every type a success body is decoded into.
    pub(super) fn json_types(&self) -> Vec<&Ty> {
        match &self.body {
            ResponseBody::Json(ty) => vec![ty],
            ResponseBody::ByStatus(bodies) => bodies
                .iter()
                .filter_map(|(_, body)| match body {
                    ResponseBody::Json(ty) => Some(ty),
                    _ => None,
                })
                .collect(),
            ResponseBody::Empty | ResponseBody::Bytes => Vec::new(),
        }
    }
}

#[derive(Clone, PartialEq)]
pub(super) enum ResponseBody {
    Empty,
    Json(Ty),
    Bytes,
    /// Statuses whose bodies differ: each status (`None`: the rest of a `2XX` range, or a
    /// `default`) with its own, never `ByStatus` again.
    ByStatus(Vec<(Option<u16>, ResponseBody)>),
}

impl<'a> Lowerer<'a> {
    /// Every operation, sorted by path and method; two that become the same method are reported.
    pub(super) fn lower_operations(&mut self, release: &str, sink: &mut Sink<'_>) -> Vec<Operation> {
        let mut operations: Vec<Operation> = Vec::new();
        let mut by_fn: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut unnamed = UnnamedOperations::new(self.spec);
        for (path, item) in &self.spec.paths.paths {
            let path_pointer = join("/paths", path);
            let Some(item) = path_item(item) else {
                sink.error(&path_pointer, "a $ref path item is not supported", Some("write the path item inline".to_owned()));
                continue;
            };
            for (method, operation) in methods(item) {
                let pointer = join(&path_pointer, &method.as_str().to_ascii_lowercase());
                let operation_id = match &operation.operation_id {
                    Some(operation_id) => operation_id.clone(),
                    None => unnamed.name(method, path),
                };
                let site = Site { path, method, item, operation, operation_id, pointer, release };
                let Some(lowered) = self.lower_operation(&site, sink) else { continue };
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
                    sink.error(&join(&site.pointer, "operationId"), message, Some(hint.to_owned()));
                    continue;
                }
                by_fn.insert(lowered.fn_name.clone(), (lowered.operation_id.clone(), here));
                operations.push(lowered);
            }
        }
        operations.sort_by(|a, b| (&a.path, a.method).cmp(&(&b.path, b.method)));
        operations
    }

    fn lower_operation(&mut self, site: &Site<'a, '_>, sink: &mut Sink<'_>) -> Option<Operation> {
        let (path, method, operation, pointer) = (site.path, site.method, site.operation, site.pointer.as_str());
        let operation_id = site.operation_id.clone();
        let parent = Parent::Operation(operation_id.clone());
        let parameters = self.parameters(site, sink);
        let (path_segments, path_params) = self.path_params(site, &parameters, &parent, sink);
        let query_params = self.query_params(&parameters, &parent, sink);

        // Resource version: the newest not later than the release, across body and success.
        let body_spec = match &operation.request_body {
            Some(body) => self.resolve.request_body(body, &join(pointer, "requestBody"), sink),
            None => None,
        };
        let successes = self.successes(operation, pointer, &operation_id, sink);
        let contents =
            body_spec.iter().map(|(body, _)| &body.content).chain(successes.iter().map(|(_, response, _)| &response.content));
        let version = match pick_version(contents, site.release) {
            Ok(version) => version,
            Err(versions) => {
                sink.error(
                    pointer,
                    format!(
                        "{operation_id} has no resource version at or before release {} (it has {})",
                        site.release,
                        versions.join(", ")
                    ),
                    Some("generate for a later release (--api-version) or leave the operation out".to_owned()),
                );
                return None;
            }
        };

        let body = match body_spec {
            Some((body, at)) => self.request_body(&operation_id, body, &at, version.as_deref(), &parent, sink),
            None => None,
        };

        let (accept, success) = self.success(&successes, version.as_deref(), &parent, sink);

        Some(Operation {
            fn_name: names::value_name(&operation_id),
            operation_id,
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
            success,
            deprecated: operation.deprecated,
            idempotent: idempotent(site.method, operation),
            sunset: operation.extensions.get("x-sunset").and_then(|value| value.as_str()).map(str::to_owned),
            replacement: self.replacement(site, sink),
            tag: operation.tags.first().cloned().unwrap_or_default(),
        })
    }

    /// The operation's successes: every 2xx it declares, and a `2XX` range (matched after
    /// them) last; its `default` response when it declares neither. Each with its status and
    /// where it is.
    fn successes(
        &self,
        operation: &'a SpecOperation,
        pointer: &str,
        operation_id: &str,
        sink: &mut Sink<'_>,
    ) -> Vec<(Option<u16>, &'a openapiv3::Response, String)> {
        // Every 2xx the operation declares is a success, and a `2XX` range stands for every
        // other 2xx; an operation that declares neither succeeds as its `default` says.
        let responses_at = join(pointer, "responses");
        let mut successes: Vec<(Option<u16>, &'a openapiv3::Response, String)> = operation
            .responses
            .responses
            .iter()
            .filter_map(|(code, response)| match code {
                StatusCode::Code(code @ 200..=299) => Some((Some(*code), response)),
                StatusCode::Range(2) => Some((None, response)),
                _ => None,
            })
            .filter_map(|(code, response)| {
                let key = code.map_or_else(|| "2XX".to_owned(), |code| code.to_string());
                self.resolve.response(response, &join(&responses_at, &key), sink).map(|(response, at)| (code, response, at))
            })
            .collect();
        if successes.is_empty() {
            if let Some(default) = &operation.responses.default {
                let at = join(&responses_at, "default");
                successes.extend(self.resolve.response(default, &at, sink).map(|(response, at)| (None, response, at)));
            }
        }
        // Explicit statuses first, ascending; the range (matched after them) last.
        successes.sort_by_key(|(code, _, _)| code.unwrap_or(u16::MAX));
        if successes.is_empty() {
            sink.error(
                &responses_at,
                format!("{operation_id} has no 2xx response"),
                Some("declare the success response the operation returns".to_owned()),
            );
        }
        successes
    }

    /// What the successes decode to, in resource version `version`, and the `Accept` that
    /// asks for each of their media types.
    fn success(
        &mut self,
        successes: &[(Option<u16>, &'a openapiv3::Response, String)],
        version: Option<&str>,
        parent: &Parent,
        sink: &mut Sink<'_>,
    ) -> (String, Success) {
        let has_body = |response: &openapiv3::Response| {
            pick_media_type(&response.content, version)
                .is_some_and(|(content_type, media)| media.schema.is_some() || !is_json(content_type))
        };
        let statuses: Vec<u16> = successes.iter().filter_map(|(code, _, _)| *code).collect();
        let any_2xx = successes.iter().any(|(code, _, _)| code.is_none());
        let first_with_body = successes.iter().find(|(_, response, _)| has_body(response)).or(successes.first());
        let chosen = first_with_body.and_then(|(_, response, _)| pick_media_type(&response.content, version));
        let mut accept = match (chosen, version) {
            (Some((content_type, _)), _) => content_type.clone(),
            (None, Some(version)) => format!("application/vnd.atlas.{version}+json"),
            (None, None) => "application/json".to_owned(),
        };
        // Statuses with bodies of other media types (200 a gzip file, 202 a JSON job): each
        // is asked for, or a server that honours `Accept` could not send it.
        for (_, response, _) in successes {
            if let Some((content_type, _)) = pick_media_type(&response.content, version) {
                if has_body(response) && !accept.split(", ").any(|asked| asked == content_type) {
                    accept.push_str(", ");
                    accept.push_str(content_type);
                }
            }
        }
        let mut bodies: Vec<(Option<u16>, ResponseBody)> = Vec::with_capacity(successes.len());
        for (code, response, at) in successes {
            let body = self.response_body(response, at, version, parent, sink);
            bodies.push((*code, body));
        }
        let mut distinct: Vec<&ResponseBody> = Vec::new();
        for (_, body) in &bodies {
            if *body != ResponseBody::Empty && !distinct.contains(&body) {
                distinct.push(body);
            }
        }
        let success = match distinct.as_slice() {
            // One body (or none) for every status: that type, `Option` where a status has none.
            [] | [_] => {
                let body = distinct.first().map_or(ResponseBody::Empty, |body| (*body).clone());
                let empty_allowed = body != ResponseBody::Empty && bodies.iter().any(|(_, body)| *body == ResponseBody::Empty);
                Success { statuses, any_2xx, body, empty_allowed }
            }
            // Statuses with different bodies (200 an export, 202 a job): an enum by status.
            _ => Success { statuses, any_2xx, body: ResponseBody::ByStatus(bodies), empty_allowed: false },
        };
        (accept, success)
    }

    /// The request body in the chosen resource version: JSON, text, bytes or a form; a media
    /// type none of these models is reported, never sent as JSON.
    fn request_body(
        &mut self,
        operation_id: &str,
        body: &'a openapiv3::RequestBody,
        at: &str,
        version: Option<&str>,
        parent: &Parent,
        sink: &mut Sink<'_>,
    ) -> Option<Body> {
        // A media type without a resource version (`text/plain`) serves every version.
        let picked = pick_media_type(&body.content, version)
            .or_else(|| body.content.iter().find(|(key, _)| media_type_version(key).is_none()));
        let Some((content_type, media)) = picked else {
            sink.error(
                &join(at, "content"),
                format!("{operation_id}'s request body has no content type for version {}", version.unwrap_or("(none)")),
                None,
            );
            return None;
        };
        let at = join(&join(at, "content"), content_type);
        let essence = essence(content_type);
        let encoding = if is_json(&essence) {
            Some(BodyEncoding::Json)
        } else if essence == "application/x-www-form-urlencoded" {
            Some(BodyEncoding::Form)
        } else {
            // Text and bytes by the schema (resolved only here: JSON and forms resolve it
            // when they lower it, and a bad `$ref` is reported once).
            let inline = media.schema.as_ref().and_then(|schema| self.inline_schema(schema, &at, sink));
            let string = inline.and_then(|schema| match &schema.schema_kind {
                openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) => Some(string),
                _ => None,
            });
            let binary = string.is_some_and(|string| {
                matches!(string.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
            });
            if binary || essence == "application/octet-stream" {
                Some(BodyEncoding::Bytes)
            } else if essence.starts_with("text/") && (string.is_some() || media.schema.is_none()) {
                Some(BodyEncoding::Text)
            } else {
                None
            }
        };
        let Some(encoding) = encoding else {
            sink.error(
                &at,
                format!("{operation_id}'s request body has content type `{content_type}`, which the generator cannot model"),
                Some("JSON, `text/*` strings, `application/octet-stream` (or any `format: binary` string) and `application/x-www-form-urlencoded` objects are supported".to_owned()),
            );
            return None;
        };
        let ty = match (&media.schema, encoding) {
            (_, BodyEncoding::Text | BodyEncoding::Bytes) => Ty::String,
            (Some(schema), _) => {
                let context = Context { parent, field: "body", pointer: &join(&at, "schema") };
                self.ty_of(schema, context, sink)
            }
            (None, _) => Ty::Json,
        };
        if encoding == BodyEncoding::Form && !matches!(ty, Ty::Named(_) | Ty::Map(_) | Ty::Json) {
            sink.error(
                &at,
                format!("{operation_id}'s `{content_type}` body is not an object"),
                Some("a form body is an object whose properties are its fields".to_owned()),
            );
            return None;
        }
        Some(Body { ty, content_type: content_type.clone(), encoding, doc: body.description.clone() })
    }

    /// What one success response carries in the chosen resource version.
    fn response_body(
        &mut self,
        response: &'a openapiv3::Response,
        at: &str,
        version: Option<&str>,
        parent: &Parent,
        sink: &mut Sink<'_>,
    ) -> ResponseBody {
        match pick_media_type(&response.content, version) {
            Some((content_type, _)) if !is_json(content_type) => ResponseBody::Bytes,
            Some((content_type, media)) => match &media.schema {
                Some(schema) => {
                    let at = join(&join(&join(at, "content"), content_type), "schema");
                    let context = Context { parent, field: "response", pointer: &at };
                    ResponseBody::Json(self.ty_of(schema, context, sink))
                }
                None => ResponseBody::Empty,
            },
            None => ResponseBody::Empty,
        }
    }
}

/// Whether the operation may be sent again after a failure that leaves unknown whether it
/// acted: the spec's `x-idempotent: true|false` where it says so (Atlas's `POST .../{id}:addRole`
/// is a POST that a spec may declare idempotent), else RFC 9110's rule by method (GET, HEAD,
/// PUT, DELETE, OPTIONS and TRACE are; POST and PATCH are not).
fn idempotent(method: Method, operation: &SpecOperation) -> bool {
    match operation.extensions.get("x-idempotent").and_then(serde_json::Value::as_bool) {
        Some(declared) => declared,
        None => !matches!(method, Method::Post | Method::Patch),
    }
}

/// Names the operations a spec gives no `operationId`, from their method and path
/// ([`names::operation_id_from`]), numbered (`getThings2`) where the name, or the method it
/// becomes, is taken by any operation's own `operationId` or an earlier such name. The spec's
/// own names are never moved, so giving one operation its `operationId` renames no other.
struct UnnamedOperations {
    /// Every `operationId` and method name taken so far.
    taken: std::collections::BTreeSet<String>,
}

impl UnnamedOperations {
    fn new(spec: &openapiv3::OpenAPI) -> Self {
        let named = spec.paths.paths.values().filter_map(path_item).flat_map(methods);
        let taken = named
            .filter_map(|(_, operation)| operation.operation_id.as_deref())
            .flat_map(|operation_id| [operation_id.to_owned(), names::value_name(operation_id)])
            .collect();
        Self { taken }
    }

    fn name(&mut self, method: Method, path: &str) -> String {
        let base = names::operation_id_from(method.as_str(), path);
        let free = |candidate: &String| !self.taken.contains(candidate) && !self.taken.contains(&names::value_name(candidate));
        let operation_id = std::iter::once(base.clone())
            .chain((2..).map(|number| format!("{base}{number}")))
            .find(free)
            .expect("a number not taken yet");
        self.taken.insert(names::value_name(&operation_id));
        self.taken.insert(operation_id.clone());
        operation_id
    }
}

/// What a deprecated operation's `externalDocs` point to instead: its title, the API it
/// belongs to when the link names its tag (`...#tag/MongoDB-Cloud-Users/operation/...`), and
/// the operation itself when `x-replaced-by` names its method and path.
fn titled_replacement(docs: &openapiv3::ExternalDocumentation, target: Option<(Method, String)>) -> Option<Replacement> {
    let title = docs.description.as_deref()?.trim().to_owned();
    let api = docs.url.split_once("#tag/").and_then(|(_, rest)| rest.split('/').next()).map(|tag| tag.replace('-', " "));
    Some(Replacement { title, api, target })
}

impl Lowerer<'_> {
    /// The operation's [`Replacement`]; an `x-replaced-by` that is not a method and a path,
    /// or that has no `externalDocs` beside it to title it, is reported.
    fn replacement(&self, site: &Site<'_, '_>, sink: &mut Sink<'_>) -> Option<Replacement> {
        let at = join(&site.pointer, "x-replaced-by");
        let target = match site.operation.extensions.get("x-replaced-by") {
            Some(value) => {
                let method = value.get("method").and_then(|method| method.as_str()).and_then(method_named);
                let path = value.get("path").and_then(|path| path.as_str());
                match (method, path) {
                    (Some(method), Some(path)) => Some((method, path.to_owned())),
                    _ => {
                        sink.error(&at, "`x-replaced-by` is not a method and a path", Some(REPLACED_BY_HINT.to_owned()));
                        None
                    }
                }
            }
            None => None,
        };
        match &site.operation.external_docs {
            Some(docs) => titled_replacement(docs, target),
            None => {
                if target.is_some() {
                    sink.error(
                        &at,
                        "`x-replaced-by` without `externalDocs`",
                        Some("add `externalDocs` whose description is the replacement's title".to_owned()),
                    );
                }
                None
            }
        }
    }
}

const REPLACED_BY_HINT: &str = "write `x-replaced-by: { method: post, path: /the/replacing/path }`";

/// An HTTP method as OpenAPI writes it in a path item (`get`), or in any case.
fn method_named(name: &str) -> Option<Method> {
    Some(match name.to_ascii_lowercase().as_str() {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        "trace" => Method::Trace,
        _ => return None,
    })
}

/// For each operation, by index, the operation of this spec that replaces it: the one at the
/// method and path its `x-replaced-by` names, never one found by a title or an
/// `operationId`, which upstream reuses for other operations across releases (2026-08's
/// `removeUserFromTeam` is 2025-06-30's `:removeUser`'s deprecated predecessor). A target
/// that is missing or deprecated itself is reported.
pub(super) fn replacements(operations: &[Operation], sink: &mut Sink<'_>) -> Vec<Option<usize>> {
    let by_route: BTreeMap<(Method, &str), usize> =
        operations.iter().enumerate().map(|(index, op)| ((op.method, op.path.as_str()), index)).collect();
    operations
        .iter()
        .map(|op| {
            let (method, path) = op.replacement.as_ref()?.target.as_ref()?;
            let found = by_route.get(&(*method, path.as_str())).copied();
            let problem = match found {
                None => "is not an operation of this spec",
                Some(index) if operations[index].deprecated => "is deprecated itself",
                Some(_) => return found,
            };
            let at = join(&join(&join("/paths", &op.path), &op.method.as_str().to_ascii_lowercase()), "x-replaced-by");
            sink.error(
                &at,
                format!("{} replaced by {} {path}, which {problem}", op.operation_id, method.as_str()),
                Some("name the method and path of the operation that replaces it".to_owned()),
            );
            None
        })
        .collect()
}
