//! Samples: the values each operation's sample call passes and the mock answers it with, built
//! from the named types (every required field set) and the ID types' examples.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use crate::ir::{
    Access, Api, BodyEncoding, Bounds, Method, Operation, ResponseBody, Sample, SampleField, SampleRead, SampleValue, Struct, Ty,
    TypeDef, TypeId,
};

/// How deep a sample value nests before the type is given up on: only a required field that
/// contains its own struct again comes near it.
const MAX_DEPTH: usize = 12;

/// The error statuses a sample tells apart where the operation documents them, in the order
/// its arms test them: the resource is already there, or is not.
const TOLD_APART: [u16; 2] = [409, 404];

/// The sample of every operation whose body and answer can be built, by `fn_name`.
pub(super) fn decide(api: &Api, spec: &OpenAPI) -> BTreeMap<String, Sample> {
    let examples = Examples { api, spec };
    api.operations.iter().filter_map(|operation| Some((operation.fn_name.clone(), examples.sample(operation)?))).collect()
}

/// How a result of type `id` gives its `id`, when it has one: what the sample reads.
fn id_read(api: &Api, id: TypeId) -> Option<SampleRead> {
    match api.type_def(id)? {
        TypeDef::Struct(model) => {
            model.fields.iter().find(|field| field.wire_name == "id").map(|field| SampleRead::Field(field.name.clone()))
        }
        TypeDef::Union(union) => {
            union.shared.iter().find(|field| field.name == "id").map(|field| SampleRead::Method(field.name.clone()))
        }
        TypeDef::Enum(_) => None,
    }
}

/// A string path parameter's sample, its name, as long as its bounds allow: cut at
/// `maxLength`, padded with `x` to `minLength` (the client refuses anything else).
fn fit(name: &str, bounds: &Bounds) -> String {
    let max = bounds.max_length.map_or(usize::MAX, |max| usize::try_from(max).unwrap_or(usize::MAX));
    let mut text: String = name.chars().take(max).collect();
    let min = bounds.min_length.map_or(0, |min| usize::try_from(min).unwrap_or(usize::MAX)).min(4096);
    let missing = min.saturating_sub(text.chars().count());
    text.extend(std::iter::repeat_n('x', missing));
    text
}

/// The named types and the spec's examples of its component schemas.
struct Examples<'a> {
    api: &'a Api,
    spec: &'a OpenAPI,
}

impl Examples<'_> {
    fn sample(&self, operation: &Operation) -> Option<Sample> {
        let api = self.api;
        let path_args = operation
            .path_params
            .iter()
            .map(|param| match &param.ty {
                Ty::Id(name) => Some(SampleValue::Id(api.ids.get(name).map_or_else(String::new, |id| id.example.clone()))),
                Ty::String => Some(SampleValue::String(fit(&param.wire_name, &param.bounds))),
                // An enum's value, a number: typed as the argument is.
                ty => self.value(ty, None, Direction::Request, 0),
            })
            .collect::<Option<Vec<_>>>()?;
        let body = match &operation.body {
            Some(body) if matches!(body.encoding, BodyEncoding::Json | BodyEncoding::Form) => {
                Some(self.value(&body.ty, None, Direction::Request, 0)?)
            }
            Some(_) => return None,
            None => None,
        };
        let mut status = operation.success.statuses.first().copied().unwrap_or(200);
        let answer_body = match &operation.success.body {
            ResponseBody::ByStatus(bodies) => {
                let first = bodies.first()?;
                status = first.status.unwrap_or(status);
                &first.body
            }
            body => body,
        };
        let answer = match answer_body {
            ResponseBody::Json(ty) => Some(self.value(ty, None, Direction::Response, 0)?),
            _ => None,
        };
        let (errors, command) = self.spec_operation(operation).map_or_else(Default::default, |spec| {
            let documented = |code: &u16| spec.responses.responses.contains_key(&openapiv3::StatusCode::Code(*code));
            let command = spec.extensions.get("x-atlas-members").and_then(Value::as_str).map(str::to_owned);
            (TOLD_APART.iter().copied().filter(documented).collect(), command)
        });
        // An answer that may be empty is an `Option`: printed whole.
        let read = match &operation.success.body {
            ResponseBody::Json(Ty::Named(id)) if !operation.success.empty_allowed => id_read(api, *id),
            _ => None,
        };
        let query = if operation.query_params.iter().any(|param| param.required) {
            let value = |ty| self.value(ty, None, Direction::Request, 0);
            let values =
                operation.query_params.iter().map(|param| if param.required { value(&param.ty).map(Some) } else { Some(None) });
            values.collect::<Option<Vec<_>>>()?
        } else {
            Vec::new()
        };
        Some(Sample { path_args, body, status, answer, errors, command, query, read })
    }

    /// The operation as the spec declares it, by path and method.
    fn spec_operation(&self, operation: &Operation) -> Option<&openapiv3::Operation> {
        let ReferenceOr::Item(item) = self.spec.paths.paths.get(&operation.path)? else { return None };
        match operation.method {
            Method::Get => item.get.as_ref(),
            Method::Put => item.put.as_ref(),
            Method::Post => item.post.as_ref(),
            Method::Delete => item.delete.as_ref(),
            Method::Options => item.options.as_ref(),
            Method::Head => item.head.as_ref(),
            Method::Patch => item.patch.as_ref(),
            Method::Trace => item.trace.as_ref(),
        }
    }

    /// The example the spec gives the component schema at `pointer`.
    fn schema_example(&self, pointer: &str) -> Option<&Value> {
        let name = pointer.strip_prefix("/components/schemas/").filter(|name| !name.contains(['/', '~']))?;
        match self.spec.components.as_ref()?.schemas.get(name)? {
            ReferenceOr::Item(schema) => schema.schema_data.example.as_ref(),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// A value of `ty`, from `example` where it fits: the required fields, and the optional
    /// ones the example sets (in the direction the value travels); one item per array without
    /// an example; an enum's first variant unless the example names another.
    fn value(&self, ty: &Ty, example: Option<&Value>, direction: Direction, depth: usize) -> Option<SampleValue> {
        if depth > MAX_DEPTH {
            return None;
        }
        let api = self.api;
        let text = example.and_then(Value::as_str);
        Some(match ty {
            Ty::String => SampleValue::String(text.unwrap_or("string").to_owned()),
            Ty::Bool => SampleValue::Bool(example.and_then(Value::as_bool).unwrap_or(true)),
            Ty::I32 | Ty::I64 => SampleValue::Integer(example.and_then(Value::as_i64).unwrap_or(1)),
            Ty::F64 => SampleValue::Number(example.and_then(Value::as_f64).unwrap_or(1.0)),
            Ty::DateTime => {
                SampleValue::DateTime(text.filter(|text| text.len() >= 20).unwrap_or("2025-01-01T00:00:00Z").to_owned())
            }
            Ty::Json => SampleValue::Json,
            Ty::Id(name) => {
                let fits = |text: &&str| text.len() == 24 && text.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'));
                SampleValue::Id(
                    text.filter(fits)
                        .map_or_else(|| api.ids.get(name).map(|id| id.example.clone()), |text| Some(text.to_owned()))?,
                )
            }
            Ty::Vec(item) => {
                let items: Vec<&Value> = example.and_then(Value::as_array).into_iter().flatten().take(2).collect();
                if items.is_empty() {
                    SampleValue::Vec(vec![self.value(item, None, direction, depth + 1)?])
                } else {
                    let items = items.into_iter().map(|example| self.value(item, Some(example), direction, depth + 1));
                    SampleValue::Vec(items.collect::<Option<_>>()?)
                }
            }
            Ty::Map(_) => SampleValue::Map,
            Ty::Option(inner) => SampleValue::Some(Box::new(self.value(inner, example, direction, depth + 1)?)),
            Ty::Named(id) => match api.type_def(*id)? {
                TypeDef::Enum(e) => {
                    let chosen = text.and_then(|text| e.variants.iter().find(|variant| variant.wire == text));
                    let chosen = chosen.or_else(|| e.variants.first())?;
                    SampleValue::Variant { ty: *id, variant: chosen.name.clone(), wire: chosen.wire.clone() }
                }
                TypeDef::Union(u) => {
                    let chosen = u.variants.iter().min_by_key(|variant| self.misfit(&variant.ty, example));
                    let chosen = chosen?;
                    SampleValue::Union {
                        ty: *id,
                        variant: chosen.name.clone(),
                        boxed: matches!(chosen.ty, Ty::Named(_)),
                        value: Box::new(self.value(&chosen.ty, example, direction, depth + 1)?),
                    }
                }
                TypeDef::Struct(s) => self.structure(*id, s, example, direction, depth)?,
            },
        })
    }

    /// How badly an example object fits a union's variant: the example's properties the
    /// struct lacks and the required fields the example lacks (0 without an example or
    /// struct). The first variant wins a tie, so without an example it is the first.
    fn misfit(&self, ty: &Ty, example: Option<&Value>) -> usize {
        let (Ty::Named(id), Some(Value::Object(example))) = (ty, example) else { return 0 };
        let Some(TypeDef::Struct(s)) = self.api.type_def(*id) else { return 0 };
        let unknown = example.keys().filter(|key| !s.fields.iter().any(|field| &field.wire_name == *key)).count();
        let missing = s.fields.iter().filter(|field| field.required && !example.contains_key(&field.wire_name)).count();
        unknown + missing
    }

    fn structure(
        &self,
        id: TypeId,
        s: &Struct,
        example: Option<&Value>,
        direction: Direction,
        depth: usize,
    ) -> Option<SampleValue> {
        let example = example.filter(|example| example.is_object()).or_else(|| self.schema_example(&s.pointer));
        let mut fields = Vec::new();
        let mut omitted = Vec::new();
        for field in &s.fields {
            let field_example = example.and_then(|example| example.get(&field.wire_name)).filter(|value| !value.is_null());
            let travels = match field.access {
                Access::ReadWrite => true,
                Access::ReadOnly => direction == Direction::Response,
                Access::WriteOnly => direction == Direction::Request,
            };
            let optional = !field.required || field.nullable;
            // A request shows what its example sets; the mock's answer, hidden, only what decoding needs.
            let shows_optional = direction == Direction::Request;
            let shown = field.required || (travels && shows_optional && field_example.is_some());
            let value = if field.three_state() || !shown {
                None
            } else if field.nullable && field_example.is_none() {
                // Required, and sent as `null`: `None` in Rust, `null` on the wire.
                Some((false, SampleValue::Null))
            } else {
                Some((optional, self.value(&field.ty, field_example, direction, depth + 1)?))
            };
            match value {
                Some((optional, value)) => fields.push(SampleField {
                    name: field.name.clone(),
                    wire_name: field.wire_name.clone(),
                    boxed: field.boxed,
                    optional,
                    value,
                }),
                None => omitted.push(field.name.clone()),
            }
        }
        let defaulted = s.fields.iter().all(|field| !field.required) && s.rest.is_none();
        Some(SampleValue::Struct { ty: id, fields, omitted, defaulted, rest: s.rest.as_ref().map(|rest| rest.name.clone()) })
    }
}

/// Which way a value travels: a request sets no read-only field, a response no write-only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

#[cfg(test)]
mod tests {
    use crate::ir::{Sample, SampleRead, SampleValue};

    #[test]
    fn a_string_path_parameter_fits_its_bounds() {
        let bounds = |min_length, max_length| crate::ir::Bounds { min_length, max_length, ..Default::default() };
        assert_eq!(super::fit("code", &bounds(None, Some(3))), "cod");
        assert_eq!(super::fit("token", &bounds(Some(8), None)), "tokenxxx");
        assert_eq!(super::fit("name", &bounds(Some(2), Some(6))), "name");
    }

    fn api(spec: &str) -> crate::ir::Api {
        let input = crate::Input { file: "spec/2025-03-12/t.yaml", text: spec, release: None };
        crate::to_ir(&input).expect("the spec lowers")
    }

    const SPEC: &str = r##"
openapi: 3.0.1
info: { title: T, version: "1" }
paths:
  /groups/{groupId}/invites:
    patch:
      operationId: updateInvite
      tags: [Projects]
      parameters:
        - { name: groupId, in: path, required: true, schema: { type: string, pattern: "^([a-f0-9]{24})$", example: 32b6e34b3d91647abb20e7b8 } }
      requestBody:
        content:
          application/vnd.atlas.2023-01-01+json:
            schema: { $ref: "#/components/schemas/Update" }
      responses:
        "200":
          description: OK
          content:
            application/vnd.atlas.2023-01-01+json:
              schema: { $ref: "#/components/schemas/Invite" }
components:
  schemas:
    ApiError:
      type: object
      properties:
        error: { type: integer }
        errorCode: { type: string }
        detail: { type: string }
        reason: { type: string }
    Update:
      type: object
      required: [roles, username]
      properties:
        roles: { type: array, items: { type: string, enum: [GROUP_OWNER, GROUP_READ_ONLY] } }
        username: { type: string }
        note: { type: string }
        createdBy: { type: string, readOnly: true }
      example:
        roles: [GROUP_READ_ONLY]
        username: jane@example.com
        note: Welcome.
        createdBy: never in a request
    Invite:
      type: object
      required: [createdAt]
      properties:
        createdAt: { type: string, format: date-time }
        id: { type: string, readOnly: true }
        comment: { type: string, writeOnly: true }
      example:
        id: abc
        comment: never in a response
"##;

    #[test]
    fn a_sample_sets_the_required_fields_and_the_path_examples() {
        let api = api(SPEC);
        let Sample { path_args, body, status, answer, read, .. } = &api.samples["update_invite"];
        assert_eq!(read, &Some(SampleRead::Field("id".to_owned())), "the sample reads the result's id");
        assert_eq!(path_args, &[SampleValue::Id("32b6e34b3d91647abb20e7b8".to_owned())]);
        assert_eq!(*status, 200);
        let Some(SampleValue::Struct { fields, omitted, defaulted, .. }) = body else { panic!("a struct body: {body:?}") };
        let names: Vec<&str> = fields.iter().map(|field| field.name.as_str()).collect();
        assert_eq!(names, ["roles", "username", "note"], "the required fields and the optional one the example sets");
        assert_eq!(omitted, &["created_by"], "a request sets no read-only field, whatever its example says");
        assert!(!fields[0].optional && fields[2].optional);
        assert_eq!(fields[1].value, SampleValue::String("jane@example.com".to_owned()));
        assert!(!defaulted, "the struct has required fields, so no Default");
        let SampleValue::Vec(roles) = &fields[0].value else { panic!("an array: {:?}", fields[0].value) };
        assert!(matches!(&roles[..], [SampleValue::Variant { wire, .. }] if wire == "GROUP_READ_ONLY"), "{roles:?}");
        let Some(SampleValue::Struct { fields, omitted, .. }) = answer else { panic!("a struct answer: {answer:?}") };
        assert!(matches!(&fields[0].value, SampleValue::DateTime(_)), "{fields:?}");
        assert_eq!(fields.len(), 1, "the mock's answer has only the required field: {fields:?}");
        assert_eq!(omitted, &["id", "comment"]);
    }

    #[test]
    fn a_sample_tells_apart_the_errors_the_operation_documents_and_names_its_command() {
        let documented = SPEC.replace(
            "        \"200\":\n          description: OK\n",
            "        \"404\": { description: Not found }\n        \"400\": { description: Bad }\n        \"409\": { description: Taken }\n        \"200\":\n          description: OK\n",
        );
        let documented = documented.replace(
            "      operationId: updateInvite\n",
            "      operationId: updateInvite\n      x-atlas-members: \"atlas-members project update --group 32b6e34b3d91647abb20e7b8\"\n",
        );
        let sample = &api(&documented).samples["update_invite"];
        assert_eq!(sample.errors, [409, 404], "the conflict first, then not found; never the 400");
        assert_eq!(sample.command.as_deref(), Some("atlas-members project update --group 32b6e34b3d91647abb20e7b8"));
        let plain = &api(SPEC).samples["update_invite"];
        assert!(plain.errors.is_empty() && plain.command.is_none(), "{plain:?}");
    }
}
