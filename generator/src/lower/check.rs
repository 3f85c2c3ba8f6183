//! The contract between the spec and the hand-written runtime, checked on the IR: what the
//! runtime reads must be there, or generation stops with a message saying what to add.

use crate::diag::Sink;
use std::collections::BTreeMap;

use crate::ir::TypeDef;

/// The `ApiError` properties the runtime reads (`Error`'s `Display`, `Error::api_error`).
const API_ERROR_FIELDS: [&str; 4] = ["error", "errorCode", "detail", "reason"];

/// Reports an `ApiError` schema that is missing, not an object, or lacks what the runtime reads.
/// `api_error` is the name of the type the component `ApiError` became (bound to it when the
/// spec was read), `None` when the spec has no such component.
pub(super) fn runtime_contract(types: &BTreeMap<String, TypeDef>, api_error: Option<&str>, sink: &mut Sink<'_>) {
    match api_error.and_then(|name| types.get(name)) {
        None => sink.error(
            "/components/schemas",
            "the spec has no `ApiError` schema, which the runtime decodes error responses into",
            Some("add components/schemas/ApiError as the Atlas spec defines it".to_owned()),
        ),
        Some(TypeDef::Struct(api_error)) => {
            let missing: Vec<&str> = API_ERROR_FIELDS
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
}
