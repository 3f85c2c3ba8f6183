//! The contract between the spec and the hand-written runtime, checked on the type space
//! before naming: what the runtime reads must be there, or generation stops with a message
//! saying what to add.

use super::types::{Kind, TypeSpace};
use crate::diag::Sink;
use crate::ir::TypeId;

/// The `ApiError` properties the runtime reads (`Error`'s `Display`, `Error::api_error`).
const API_ERROR_FIELDS: [&str; 4] = ["error", "errorCode", "detail", "reason"];

/// Reports an `ApiError` schema that is missing, not an object, or lacks what the runtime reads.
/// `api_error` is the type of the component `ApiError` (bound to it when the spec was read),
/// `None` when the spec has no such component.
pub(super) fn runtime_contract(space: &TypeSpace, api_error: Option<TypeId>, sink: &mut Sink<'_>) {
    match api_error.and_then(|id| space.get(id)) {
        None => sink.error(
            "/components/schemas",
            "the spec has no `ApiError` schema, which the runtime decodes error responses into",
            Some("add components/schemas/ApiError as the Atlas spec defines it".to_owned()),
        ),
        Some(def) => match &def.kind {
            Kind::Struct(api_error) => {
                let missing: Vec<&str> = API_ERROR_FIELDS
                    .into_iter()
                    .filter(|wire| !api_error.fields.iter().any(|field| field.wire_name == *wire))
                    .collect();
                if !missing.is_empty() {
                    sink.error(
                        &def.pointer,
                        format!("the `ApiError` schema lacks the properties the runtime reads: {}", missing.join(", ")),
                        Some("give ApiError the Atlas error properties error, errorCode, detail and reason".to_owned()),
                    );
                }
            }
            Kind::Enum(_) | Kind::Union(_) => sink.error(
                "/components/schemas/ApiError",
                "the `ApiError` schema is not an object",
                Some("define ApiError as the Atlas error object".to_owned()),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    /// A spec whose one operation returns an object with the runtime's error properties, and
    /// whose `ApiError` is `schema`.
    fn spec_with_api_error(schema: &str) -> String {
        format!(
            r##"
openapi: 3.0.1
info: {{ title: t, version: "1" }}
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{ $ref: "#/components/schemas/ApiErrorLike" }}
components:
  schemas:
    ApiErrorLike:
      type: object
      properties:
        error: {{ type: integer }}
        errorCode: {{ type: string }}
        detail: {{ type: string }}
        reason: {{ type: string }}
    ApiError: {schema}
"##
        )
    }

    fn messages(schema: &str) -> Vec<(String, String)> {
        let text = spec_with_api_error(schema);
        let input = crate::Input { file: "spec/2025-03-12/t.yaml", text: &text, release: None };
        match crate::to_ir(&input) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics.0.into_iter().map(|d| (d.pointer, d.message)).collect(),
        }
    }

    #[test]
    fn the_api_error_component_is_an_object_with_what_the_runtime_reads() {
        assert_eq!(
            messages("{ type: string, enum: [A, B] }"),
            [("/components/schemas/ApiError".to_owned(), "the `ApiError` schema is not an object".to_owned())]
        );
        let lacking = messages("{ type: object, properties: { error: { type: integer } } }");
        assert_eq!(lacking.len(), 1);
        assert_eq!(lacking[0].0, "/components/schemas/ApiError");
        assert!(lacking[0].1.ends_with("errorCode, detail, reason"), "{}", lacking[0].1);
        let complete = "{ type: object, properties: { error: { type: integer }, errorCode: { type: string }, detail: { type: string }, reason: { type: string } } }";
        assert_eq!(messages(complete), []);
    }
}
