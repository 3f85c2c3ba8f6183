//! Samples: the values each operation's sample call passes and the mock answers it with, built
//! from the named types (every required field set) and the ID types' examples.

use std::collections::BTreeMap;

use crate::ir::{Api, BodyEncoding, Operation, ResponseBody, Sample, SampleField, SampleValue, Ty, TypeDef};

/// How deep a sample value nests before the type is given up on: only a required field that
/// contains its own struct again comes near it.
const MAX_DEPTH: usize = 12;

/// The sample of every operation whose body and answer can be built, by `fn_name`.
pub(super) fn decide(api: &Api) -> BTreeMap<String, Sample> {
    api.operations.iter().filter_map(|operation| Some((operation.fn_name.clone(), sample(api, operation)?))).collect()
}

fn sample(api: &Api, operation: &Operation) -> Option<Sample> {
    let path_args = operation
        .path_params
        .iter()
        .map(|param| match &param.ty {
            Ty::Id(name) => api.ids.get(name).map_or_else(String::new, |id| id.example.clone()),
            _ => param.wire_name.clone(),
        })
        .collect();
    let body = match &operation.body {
        Some(body) if matches!(body.encoding, BodyEncoding::Json | BodyEncoding::Form) => Some(value(api, &body.ty, 0)?),
        Some(_) => return None,
        None => None,
    };
    let status = operation.success.statuses.first().copied().unwrap_or(200);
    let answer = match &operation.success.body {
        ResponseBody::Json(ty) => Some(value(api, ty, 0)?),
        ResponseBody::Empty | ResponseBody::Bytes => None,
        ResponseBody::ByStatus(bodies) => {
            let first = bodies.first()?;
            let status = first.status.unwrap_or(status);
            let answer = match &first.body {
                ResponseBody::Json(ty) => Some(value(api, ty, 0)?),
                _ => None,
            };
            return Some(Sample { path_args, body, status, answer });
        }
    };
    Some(Sample { path_args, body, status, answer })
}

/// The smallest value of `ty` a sample shows: required fields only, one item per array, the
/// first variant of an enum (the catch-all never).
fn value(api: &Api, ty: &Ty, depth: usize) -> Option<SampleValue> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match ty {
        Ty::String => SampleValue::String("string".to_owned()),
        Ty::Bool => SampleValue::Bool(true),
        Ty::I32 | Ty::I64 => SampleValue::Integer(1),
        Ty::F64 => SampleValue::Number(1.0),
        Ty::DateTime => SampleValue::DateTime("2025-01-01T00:00:00Z".to_owned()),
        Ty::Json => SampleValue::Json,
        Ty::Id(name) => SampleValue::Id(api.ids.get(name)?.example.clone()),
        Ty::Vec(item) => SampleValue::Vec(vec![value(api, item, depth + 1)?]),
        Ty::Map(_) => SampleValue::Map,
        Ty::Option(inner) => SampleValue::Some(Box::new(value(api, inner, depth + 1)?)),
        Ty::Named(id) => match api.type_def(*id)? {
            TypeDef::Enum(e) => {
                let first = e.variants.first()?;
                SampleValue::Variant { ty: *id, variant: first.name.clone(), wire: first.wire.clone() }
            }
            TypeDef::Union(u) => {
                let first = u.variants.first()?;
                SampleValue::Union {
                    ty: *id,
                    variant: first.name.clone(),
                    boxed: matches!(first.ty, Ty::Named(_)),
                    value: Box::new(value(api, &first.ty, depth + 1)?),
                }
            }
            TypeDef::Struct(s) => {
                let mut fields = Vec::new();
                let mut omitted = Vec::new();
                for field in &s.fields {
                    if field.required && !field.nullable {
                        let value = value(api, &field.ty, depth + 1)?;
                        fields.push(SampleField {
                            name: field.name.clone(),
                            wire_name: field.wire_name.clone(),
                            boxed: field.boxed,
                            value,
                        });
                    } else {
                        omitted.push(field.name.clone());
                    }
                }
                let defaulted = s.fields.iter().all(|field| !field.required) && s.rest.is_none();
                SampleValue::Struct { ty: *id, fields, omitted, defaulted, rest: s.rest.as_ref().map(|rest| rest.name.clone()) }
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use crate::ir::{Sample, SampleValue};

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
    Invite:
      type: object
      required: [createdAt]
      properties:
        createdAt: { type: string, format: date-time }
        id: { type: string }
"##;

    #[test]
    fn a_sample_sets_the_required_fields_and_the_path_examples() {
        let api = api(SPEC);
        let Sample { path_args, body, status, answer } = &api.samples["update_invite"];
        assert_eq!(path_args, &["32b6e34b3d91647abb20e7b8"]);
        assert_eq!(*status, 200);
        let Some(SampleValue::Struct { fields, omitted, defaulted, .. }) = body else { panic!("a struct body: {body:?}") };
        let names: Vec<&str> = fields.iter().map(|field| field.name.as_str()).collect();
        assert_eq!(names, ["roles", "username"]);
        assert_eq!(omitted, &["note"]);
        assert!(!defaulted, "the struct has required fields, so no Default");
        let SampleValue::Vec(roles) = &fields[0].value else { panic!("an array: {:?}", fields[0].value) };
        assert!(matches!(&roles[0], SampleValue::Variant { wire, .. } if wire == "GROUP_OWNER"), "{roles:?}");
        let Some(SampleValue::Struct { fields, .. }) = answer else { panic!("a struct answer: {answer:?}") };
        assert!(matches!(&fields[0].value, SampleValue::DateTime(_)), "{fields:?}");
    }
}
