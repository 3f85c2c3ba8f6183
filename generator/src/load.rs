//! Load: YAML text into `openapiv3::OpenAPI`, or one diagnostic saying where the text is wrong.

use openapiv3::OpenAPI;

use crate::diag::{Diagnostic, Diagnostics};

/// Parses `text` (named `file` in messages) as an OpenAPI 3.0 document.
pub fn load(file: &str, text: &str) -> Result<OpenAPI, Diagnostics> {
    let error = match serde_yaml::from_str::<OpenAPI>(text) {
        Ok(spec) => return Ok(spec),
        Err(error) => error,
    };
    // serde_yaml reports where it stopped; say what kind of failure it was so the hint fits.
    let syntax = serde_yaml::from_str::<serde_yaml::Value>(text).is_err();
    let hint = if syntax {
        "fix the YAML syntax at that position (indentation, an unclosed quote or bracket)"
    } else {
        "the document is valid YAML but not an OpenAPI 3.0 document of the expected shape; compare that node with the OpenAPI 3.0 specification"
    };
    Err(Diagnostics(vec![Diagnostic {
        file: file.to_owned(),
        location: error.location().map(|at| (at.line(), at.column())),
        pointer: String::new(),
        message: if syntax {
            format!("the spec is not valid YAML: {error}")
        } else {
            format!("the spec does not match the OpenAPI 3.0 schema: {error}")
        },
        hint: Some(hint.to_owned()),
    }]))
}
