//! Credentials as the builder records them, and the authenticator a client builds from them:
//! the one place secrets turn into `Authorization` headers.

use std::fmt;
use std::time::Duration;

use http::header::{AUTHORIZATION, HeaderValue};

use super::Error;
use super::digest::DigestKey;
use super::retry::Budget;
use super::sender::{Request, Response, Sender, copy};
use super::service_account::ServiceAccount;

/// The credentials a [`ClientBuilder`](super::ClientBuilder) records: plain values, checked
/// by `build`. Identifiers (client ID, public key) are not secret and show in `Debug`.
#[derive(Clone, Debug)]
pub(crate) enum Credentials {
    None,
    Bearer(Secret),
    ServiceAccount { client_id: String, client_secret: Secret },
    Digest { public_key: String, private_key: Secret },
}

impl Credentials {
    /// Checks the values and sets up the state that every clone of the client shares: the
    /// service account's token cache, the digest key's last challenge.
    pub(crate) fn authenticator(self, base_url: &str, token_retry_delay: Duration) -> Result<Authenticator, Error> {
        Ok(match self {
            Self::None => Authenticator::None,
            Self::Bearer(token) => Authenticator::Bearer(bearer_header(token.expose())?),
            Self::ServiceAccount { client_id, client_secret } => {
                let account = ServiceAccount::new(base_url, client_id, &client_secret, token_retry_delay)?;
                Authenticator::ServiceAccount(Box::new(account))
            }
            Self::Digest { public_key, private_key } => Authenticator::Digest(DigestKey::new(public_key, private_key)?),
        })
    }
}

/// How a built client authenticates its requests.
pub(crate) enum Authenticator {
    None,
    Bearer(HeaderValue),
    ServiceAccount(Box<ServiceAccount>),
    Digest(DigestKey),
}

impl Authenticator {
    /// What `Debug` of a client shows instead of any secret.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Bearer(_) => "bearer token",
            Self::ServiceAccount(_) => "service account",
            Self::Digest(_) => "digest API key",
        }
    }

    /// Sends a copy of `request` with credentials. A service account refreshes its token
    /// and a digest key answers a new challenge, each at most once, so this sends the
    /// request at most twice. A token request waits out of `budget`, the call's.
    pub(crate) async fn send(&self, transport: &Sender, request: &Request, budget: &Budget) -> Result<Response, Error> {
        match self {
            Self::None => transport.send(copy(request)).await,
            Self::Bearer(header) => transport.send(with_authorization(request, header.clone())).await,
            Self::ServiceAccount(account) => account.send(transport, request, budget).await,
            Self::Digest(key) => key.send(transport, request).await,
        }
    }
}

/// A copy of `request` carrying `authorization`.
pub(crate) fn with_authorization(request: &Request, authorization: HeaderValue) -> Request {
    let mut request = copy(request);
    request.headers_mut().insert(AUTHORIZATION, authorization);
    request
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
