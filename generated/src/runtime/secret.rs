//! Secrets as values: a credential that never shows in `Debug`, and the sensitive header
//! values credentials become.

use std::fmt;

use http::header::HeaderValue;

use super::Error;

/// A credential that never shows in `Debug` output.
#[derive(Clone)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// `Bearer <token>`, marked sensitive.
pub(crate) fn bearer_header(token: &str) -> Result<HeaderValue, Error> {
    if token.trim().is_empty() {
        return Err(Error::invalid_argument("bearer token must not be empty"));
    }
    let value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|err| {
        Error::invalid_argument_caused_by("bearer token contains characters not allowed in an HTTP header", err)
    })?;
    Ok(sensitive(value))
}

/// Keeps a credential header out of `Debug` of header maps and out of HTTP/2 header
/// compression tables.
pub(crate) fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}
