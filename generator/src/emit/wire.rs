//! A sample as it goes on the wire: a value's JSON (what the mock answers, what curl sends)
//! and the request as curl sends it.

use crate::ir::{Api, Method, Operation, PathSegment, Sample, SampleValue};

/// The crate's default base URL: the spec's first server, else Atlas.
pub(crate) fn default_base_url(api: &Api) -> &str {
    api.base_url.as_deref().unwrap_or(ATLAS)
}

/// Atlas's base URL, the default of a spec that names no absolute server.
pub(crate) const ATLAS: &str = "https://cloud.mongodb.com";

/// The curl command's second line, with a service account's token.
pub(super) const AUTHORIZATION: &str = "  --header \"Authorization: Bearer ${ACCESS_TOKEN}\" \\";

/// The curl command's second line, with an API key.
pub(super) const DIGEST_USER: &str = "  --digest --user \"${PUBLIC_KEY}:${PRIVATE_KEY}\" \\";

/// The request as curl sends it: the method, the URL with the sample's path values, `Accept`
/// with the resource version, and the body as JSON; the `Authorization` line, the same in
/// every sample ([`AUTHORIZATION`]), goes after the first.
pub(super) fn curl(api: &Api, operation: &Operation, sample: &Sample) -> Vec<String> {
    let mut path = String::new();
    for segment in &operation.path_segments {
        match segment {
            PathSegment::Literal(text) => path.push_str(text),
            PathSegment::Param(index) => path.push_str(&sample.path_args.get(*index).map_or_else(String::new, path_text)),
        }
    }
    // The crate's default: the spec's server, else Atlas.
    let base = default_base_url(api);
    let method = match operation.method {
        Method::Get => String::new(),
        other => format!(" --request {}", other.as_str()),
    };
    let mut lines = vec![format!("curl{method} \"{base}{path}\" \\"), format!("  --header \"Accept: {}\"", operation.accept)];
    if let (Some(body), Some(value)) = (&operation.body, &sample.body) {
        let last = lines.len() - 1;
        lines[last].push_str(" \\");
        lines.push(format!("  --header \"Content-Type: {}\" \\", body.content_type));
        lines.push(format!("  --data '{}'", json(value)));
    }
    lines
}

/// A path parameter's value as the path has it: its JSON without a string's quotes.
fn path_text(value: &SampleValue) -> String {
    match value {
        SampleValue::String(text) | SampleValue::DateTime(text) | SampleValue::Id(text) => text.clone(),
        SampleValue::Variant { wire, .. } => wire.clone(),
        other => json(other),
    }
}

/// `value` as JSON on the wire (wire names and values).
pub(super) fn json(value: &SampleValue) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}

fn write_json(value: &SampleValue, out: &mut String) {
    match value {
        SampleValue::String(text) | SampleValue::DateTime(text) | SampleValue::Id(text) => write_json_string(text, out),
        SampleValue::Variant { wire, .. } => write_json_string(wire, out),
        SampleValue::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        SampleValue::Integer(value) => out.push_str(&value.to_string()),
        SampleValue::Number(value) => out.push_str(&value.to_string()),
        SampleValue::Json | SampleValue::Null => out.push_str("null"),
        SampleValue::Union { value, .. } | SampleValue::Some(value) => write_json(value, out),
        SampleValue::Struct { fields, .. } => {
            out.push('{');
            for (index, field) in fields.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_json_string(&field.wire_name, out);
                out.push(':');
                write_json(&field.value, out);
            }
            out.push('}');
        }
        SampleValue::Vec(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        SampleValue::Map => out.push_str("{}"),
    }
}

/// A JSON string: quotes, backslashes and control characters escaped.
fn write_json_string(text: &str, out: &mut String) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            control if (control as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", control as u32)),
            other => out.push(other),
        }
    }
    out.push('"');
}
