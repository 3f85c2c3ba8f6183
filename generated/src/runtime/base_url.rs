//! The client's base URL: checked once, in `build`, and shown without what may be secret.

use super::Error;

/// Returns the base URL without trailing slashes, or why it cannot be one: every request
/// URL starts with it as written, so it must be one that every call can send.
///
/// Messages never quote the URL: a mistyped one may still carry a password.
pub(crate) fn check_base_url(base_url: &str) -> Result<String, Error> {
    // A URL parser forgives these (trims spaces, reads `\` as `/`, encodes a space in the
    // path), but the requests would carry them as written.
    if let Some(byte) = base_url.bytes().find(|byte| !byte.is_ascii_graphic() || *byte == b'\\') {
        let what = match byte {
            b' ' => "a space".to_owned(),
            b'\\' => "a backslash".to_owned(),
            byte if byte.is_ascii_control() => format!("a control character (0x{byte:02x})"),
            _ => "a character that is not ASCII (percent-encode it)".to_owned(),
        };
        return Err(Error::invalid_argument(format!("base URL must not contain {what}")));
    }
    let url =
        reqwest::Url::parse(base_url).map_err(|err| Error::invalid_argument_caused_by("base URL is not an absolute URL", err))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_argument("base URL must not contain credentials; use the builder's credential methods"));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid_argument(format!("base URL must use http or https, not {}", url.scheme())));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_argument("base URL must not have a query or fragment"));
    }
    let base_url = super::request::base_url(base_url);
    if let Err(err) = format!("{base_url}/api/atlas/v2").parse::<http::Uri>() {
        return Err(Error::invalid_argument_caused_by("base URL cannot start a request URL", err));
    }
    Ok(base_url)
}

/// `url` without what may be secret or personal: user info, query and fragment become
/// `[redacted]`; a URL that does not parse is not shown at all.
pub(crate) fn redacted_url(url: &str) -> String {
    let Ok(parsed) = reqwest::Url::parse(url) else { return "[not a URL]".to_owned() };
    let mut shown = format!("{}://", parsed.scheme());
    if !parsed.username().is_empty() || parsed.password().is_some() {
        shown.push_str("[redacted]@");
    }
    shown.push_str(parsed.host_str().unwrap_or_default());
    if let Some(port) = parsed.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(parsed.path());
    if parsed.query().is_some() || parsed.fragment().is_some() {
        shown.push_str("?[redacted]");
    }
    shown
}
