//! Sans-IO response decoding: a success body into its model, anything else into [`Error`].

use serde::de::DeserializeOwned;

use super::{Error, ErrorResponse, RateLimit};
use crate::models::ApiError;

/// How much of an undecodable body an error quotes: enough to see an HTML error page
/// or a truncated document for what it is, short enough for one log line.
const EXCERPT_CHARS: usize = 200;

/// Every 2xx status: what an operation whose spec declares a `2XX` range (or only a `default`
/// response) accepts.
#[allow(dead_code, reason = "only operations with a 2XX range or a default response use it")]
pub(crate) const ANY_2XX: &[u16] = &{
    let mut statuses = [0; 100];
    let mut i = 0;
    while i < statuses.len() {
        statuses[i] = 200 + i as u16;
        i += 1;
    }
    statuses
};

/// Decodes the JSON body of a response whose status is one of `expected` (the operation's
/// success statuses); any other status becomes [`error_from_response`].
#[allow(dead_code, reason = "a spec whose operations return no JSON does not call it")]
pub(crate) fn decode_json<T, B>(response: http::Response<B>, expected: &[u16]) -> Result<T, Error>
where
    T: DeserializeOwned,
    B: AsRef<[u8]>,
{
    if !is_expected(&response, expected) {
        return Err(error_from_response(&response));
    }
    let body = response.body().as_ref();
    serde_json::from_slice(body).map_err(|source| Error::Decode {
        status: response.status(),
        excerpt: excerpt(body),
        source: Box::new(DecodeFailure(redact_emails(&source.to_string()))),
    })
}

/// Like [`decode_json`], for operations where one success status carries a body and another
/// (`204`) does not: an empty body is `None`.
#[allow(dead_code, reason = "only operations with both a body and an empty success call it")]
pub(crate) fn decode_optional_json<T, B>(response: http::Response<B>, expected: &[u16]) -> Result<Option<T>, Error>
where
    T: DeserializeOwned,
    B: AsRef<[u8]>,
{
    if is_expected(&response, expected) && response.body().as_ref().iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    decode_json(response, expected).map(Some)
}

/// Accepts a response whose status is one of `expected` and ignores its body; any other
/// status becomes [`error_from_response`].
#[allow(dead_code, reason = "only operations without a response body call it")]
pub(crate) fn expect_empty<B: AsRef<[u8]>>(response: http::Response<B>, expected: &[u16]) -> Result<(), Error> {
    if is_expected(&response, expected) { Ok(()) } else { Err(error_from_response(&response)) }
}

/// Accepts a response whose status is one of `expected` and returns its body as it came:
/// for media types that are not JSON (`+csv`, `+gzip`); any other status becomes
/// [`error_from_response`].
#[allow(dead_code, reason = "only operations with a CSV or compressed response call it")]
pub(crate) fn expect_bytes<B: AsRef<[u8]> + Into<Vec<u8>>>(
    response: http::Response<B>,
    expected: &[u16],
) -> Result<Vec<u8>, Error> {
    // The body becomes the result as it is: a `Vec<u8>` (what `Client` reads) is not copied.
    if is_expected(&response, expected) { Ok(response.into_body().into()) } else { Err(error_from_response(&response)) }
}

/// Whether `response` has one of the `expected` status codes (as numbers, so that a 2xx
/// without a name in `http` is matched too).
fn is_expected<B>(response: &http::Response<B>, expected: &[u16]) -> bool {
    expected.contains(&response.status().as_u16())
}

/// The error for a response an operation did not expect: [`Error::Api`] when the body
/// is an Atlas `ApiError`, otherwise [`Error::Status`] with the status, the rate-limit
/// headers and an excerpt (a proxy's error page is not a body Atlas failed to encode).
pub(crate) fn error_from_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Error {
    let body = response.body().as_ref();
    let status = response.status();
    let rate_limit = RateLimit::from_headers(response.headers());
    match serde_json::from_slice::<ApiError>(body) {
        Ok(error) => Error::Api(Box::new(ErrorResponse { status, error, rate_limit })),
        Err(_) => Error::Status { status, rate_limit, excerpt: excerpt(body) },
    }
}

/// The first `EXCERPT_CHARS` characters of `body` as lossy UTF-8, `…` marking a cut, with
/// every email address in it replaced by `[email]`: an excerpt ends up in `Display`, `Debug`
/// and logs, and a user's address is personal data.
pub(crate) fn excerpt(body: &[u8]) -> String {
    // A character is at most 4 bytes (an invalid byte becomes one character), so this
    // prefix holds one character past the cut: the cut is exact, and a large body is not
    // copied whole.
    let prefix = &body[..body.len().min(4 * (EXCERPT_CHARS + 1))];
    let text = String::from_utf8_lossy(prefix);
    let cut = match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.into_owned(),
    };
    redact_emails(&cut)
}

/// Why a body did not decode, as the JSON decoder said it, emails replaced: the decoder's
/// own error would quote a refused value (`invalid type: string "jane@example.com"`) in
/// `Debug`, and is not this crate's to expose.
#[derive(Debug)]
struct DecodeFailure(String);

impl std::fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeFailure {}

/// `text` with each `local@domain` (the characters an address may hold on either side of an
/// `@`, the local part not empty) replaced by `[email]`; a cut address is still replaced.
fn redact_emails(text: &str) -> String {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let start = rest[..at].rfind(|c: char| !local(c)).map_or(0, |i| i + rest[i..].chars().next().map_or(1, char::len_utf8));
        let end = rest[at + 1..].find(|c: char| !domain(c)).map_or(rest.len(), |i| at + 1 + i);
        if start == at {
            out.push_str(&rest[..=at]);
            rest = &rest[at + 1..];
        } else {
            out.push_str(&rest[..start]);
            out.push_str("[email]");
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn decodes_the_expected_status() {
        let value: serde_json::Value = decode_json(response(200, &[], r#"{"id":"x"}"#), &[200]).unwrap();
        assert_eq!(value["id"], "x");
        expect_empty(response(204, &[], ""), &[204]).unwrap();
    }

    #[test]
    fn undecodable_success_body_is_a_decode_error() {
        let err = decode_json::<ApiError, _>(response(200, &[], r#"{"id":1}"#), &[200]).unwrap_err();
        assert!(matches!(&err, Error::Decode { status, excerpt, .. }
            if *status == StatusCode::OK && excerpt == r#"{"id":1}"#));
        assert_eq!(err.to_string(), r#"could not decode the Atlas response (HTTP 200 OK); body: "{\"id\":1}""#);
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn error_status_with_api_error_body_is_an_api_error() {
        let body = r#"{"detail":"Too many requests.","error":429,"errorCode":"RATE_LIMITED",
            "reason":"Too Many Requests","parameters":[],"unknownField":true}"#;
        let headers = [("Retry-After", "7"), ("RateLimit-Remaining", "0")];
        let err = decode_json::<serde_json::Value, _>(response(429, &headers, body), &[200]).unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(err.api_error().unwrap().error_code, "RATE_LIMITED");
        let rate_limit = err.rate_limit().unwrap();
        assert_eq!(rate_limit.retry_after, Some(std::time::Duration::from_secs(7)));
        assert_eq!(rate_limit.remaining, Some(0));
        assert_eq!(rate_limit.limit, None);
        assert_eq!(err.to_string(), "Atlas API error 429 Too Many Requests (RATE_LIMITED): Too many requests.");
    }

    #[test]
    fn any_declared_success_status_is_accepted_and_an_empty_one_is_none() {
        // A 2xx without a name in `http` is matched by its number like any other.
        let unnamed: serde_json::Value = decode_json(response(299, &[], "[]"), &[200, 299]).unwrap();
        assert_eq!(unnamed, serde_json::json!([]));
        assert_eq!(decode_json::<serde_json::Value, _>(response(299, &[], "[]"), &[200]).unwrap_err().status().unwrap(), 299);
        let both = [200, 201];
        let value: serde_json::Value = decode_json(response(201, &[], r#"{"id":"x"}"#), &both).unwrap();
        assert_eq!(value["id"], "x");
        let with_empty = [200, 204];
        let none: Option<serde_json::Value> = decode_optional_json(response(204, &[], ""), &with_empty).unwrap();
        assert_eq!(none, None);
        let some: Option<serde_json::Value> = decode_optional_json(response(200, &[], "[1]"), &with_empty).unwrap();
        assert_eq!(some, Some(serde_json::json!([1])));
        assert!(decode_optional_json::<serde_json::Value, _>(response(404, &[], ""), &with_empty).is_err());
    }

    #[test]
    fn any_2xx_is_every_success_status_and_nothing_else() {
        assert_eq!(ANY_2XX.len(), 100);
        assert_eq!((ANY_2XX[0], ANY_2XX[99]), (200, 299));
        let value: serde_json::Value = decode_json(response(207, &[], "1"), ANY_2XX).unwrap();
        assert_eq!(value, 1);
        assert_eq!(expect_empty(response(300, &[], ""), ANY_2XX).unwrap_err().status().unwrap(), 300);
    }

    #[test]
    fn unexpected_status_without_api_error_body_is_a_status_error() {
        let headers = [("Retry-After", "5")];
        let err = expect_empty(response(502, &headers, "<html>bad gateway</html>"), &[204]).unwrap_err();
        assert!(matches!(&err, Error::Status { status, excerpt, rate_limit, .. }
            if *status == StatusCode::BAD_GATEWAY && excerpt == "<html>bad gateway</html>"
                && rate_limit.retry_after == Some(std::time::Duration::from_secs(5))));
        let err = decode_json::<serde_json::Value, _>(response(503, &[], ""), &[200]).unwrap_err();
        assert!(
            matches!(&err, Error::Status { status, excerpt, .. } if *status == StatusCode::SERVICE_UNAVAILABLE && excerpt.is_empty())
        );
        // An unexpected success status is not taken for the expected one.
        let err = expect_empty(response(200, &[], "{}"), &[204]).unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::OK));
    }

    #[test]
    fn excerpts_show_no_email_address() {
        let body = br#"{"username":"jane.doe+atlas@example.com","inviter":"a@b.io","note":"@here, x@"}"#;
        assert_eq!(excerpt(body), r#"{"username":"[email]","inviter":"[email]","note":"@here, [email]"}"#);
        let cut = format!("{}jane@example.com", "x ".repeat(EXCERPT_CHARS / 2 - 3));
        assert!(!excerpt(cut.as_bytes()).contains("jane"), "an address cut by the excerpt is still replaced");
        assert_eq!(excerpt("é@ü, no address".as_bytes()), "é@ü, no address");
        let err = decode_json::<ApiError, _>(response(200, &[], r#"{"error":"jane@example.com"}"#), &[200]).unwrap_err();
        let source = std::error::Error::source(&err).expect("the decoder's reason");
        assert!(source.to_string().contains("invalid type: string \"[email]\""), "{source}");
        assert!(!format!("{err} {err:?} {source}").contains("jane"), "{err:?}");
    }

    #[test]
    fn excerpt_is_bounded_lossy_and_char_safe() {
        assert_eq!(excerpt(b""), "");
        assert_eq!(excerpt(b"ok\xff"), "ok\u{FFFD}");
        let long = "é".repeat(EXCERPT_CHARS + 1);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut, format!("{}…", "é".repeat(EXCERPT_CHARS)));
        let exact = "é".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(exact.as_bytes()), exact);
        let wide = "😀".repeat(EXCERPT_CHARS + 5);
        assert_eq!(excerpt(wide.as_bytes()), format!("{}…", "😀".repeat(EXCERPT_CHARS)));
        let invalid = vec![0xff; 10 * EXCERPT_CHARS];
        assert_eq!(excerpt(&invalid), format!("{}…", "\u{FFFD}".repeat(EXCERPT_CHARS)));
    }
}
