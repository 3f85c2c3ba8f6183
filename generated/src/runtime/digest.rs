//! Programmatic API keys: HTTP Digest authentication (RFC 7616) as Atlas asks for it, with
//! the computation left to the `digest_auth` crate.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use digest_auth::{AuthContext, HttpMethod, WwwAuthenticateHeader};
use http::header::{HeaderValue, WWW_AUTHENTICATE};
use http::{HeaderMap, StatusCode};

use super::Error;
use super::auth::{Secret, sensitive, with_authorization};
use super::sender::{Request, Response, Sender, copy};

/// An API key and the last challenge Atlas sent for it.
pub(crate) struct DigestKey {
    public_key: String,
    private_key: Secret,
    /// The last challenge, shared by every request of every clone. Its nonce answers later
    /// requests too, each with the next `nc`, so a request normally takes one round trip; a
    /// new challenge replaces it once, however many requests it answered at the same time.
    challenge: Mutex<Option<Arc<Challenge>>>,
}

/// A server's challenge and how many requests have answered its nonce. The count is taken
/// with one atomic step, so concurrent requests send successive `nc` values and no nonce
/// and count pair goes out twice (a server may refuse a replay: RFC 7616 section 3.4).
struct Challenge {
    header: WwwAuthenticateHeader,
    answered: AtomicU32,
}

impl Challenge {
    fn new(header: WwwAuthenticateHeader) -> Arc<Self> {
        Arc::new(Self { header, answered: AtomicU32::new(0) })
    }

    /// Whether `other` is the same challenge again: a server answers every request without
    /// a valid answer with its current nonce, so concurrent first requests all bring it.
    fn is(&self, other: &WwwAuthenticateHeader) -> bool {
        self.header.nonce == other.nonce && self.header.realm == other.realm && self.header.opaque == other.opaque
    }
}

impl DigestKey {
    pub(crate) fn new(public_key: String, private_key: Secret) -> Result<Self, Error> {
        if public_key.is_empty() || private_key.expose().is_empty() {
            return Err(Error::invalid_argument("digest public and private keys must not be empty"));
        }
        // The public key travels inside a quoted string of the `Authorization` header.
        if !public_key.bytes().all(|byte| byte.is_ascii_graphic() && byte != b'"' && byte != b'\\') {
            return Err(Error::invalid_argument(
                "digest public key must be printable ASCII without spaces, quotes or backslashes",
            ));
        }
        Ok(Self { public_key, private_key, challenge: Mutex::new(None) })
    }

    /// Sends a copy of `request`, answering the last challenge if there is one. When Atlas
    /// answers 401 with a new challenge (the first request, a `stale=true` nonce, or a nonce
    /// it no longer accepts), answers that one and sends the request, body and all, once more.
    pub(crate) async fn send(&self, transport: &Sender, request: &Request) -> Result<Response, Error> {
        let known = self.current().and_then(|challenge| self.answer(&challenge, request));
        let first = match known {
            Some(authorization) => with_authorization(request, authorization),
            None => copy(request),
        };
        let response = transport.send(first).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let Some(received) = challenge(response.headers()) else {
            return Ok(response);
        };
        tracing::debug!(stale = received.stale, "answering a digest challenge");
        let challenge = self.adopt(received);
        let Some(authorization) = self.answer(&challenge, request) else {
            return Ok(response);
        };
        transport.send(with_authorization(request, authorization)).await
    }

    fn current(&self) -> Option<Arc<Challenge>> {
        self.challenge.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The shared challenge after the server sent `received`: the one already kept when it
    /// is the same (another request got there first, and its count goes on), else `received`,
    /// which replaces it.
    fn adopt(&self, received: WwwAuthenticateHeader) -> Arc<Challenge> {
        let mut kept = self.challenge.lock().unwrap_or_else(PoisonError::into_inner);
        match &*kept {
            Some(challenge) if challenge.is(&received) => challenge.clone(),
            _ => kept.insert(Challenge::new(received)).clone(),
        }
    }

    /// The `Authorization` header answering `challenge` for `request` with the next `nc`;
    /// `None` when the challenge asks for something that cannot be answered.
    fn answer(&self, challenge: &Challenge, request: &Request) -> Option<HeaderValue> {
        let mut header = challenge.header.clone();
        // `respond` counts this answer: it sends `header.nc + 1`.
        header.nc = challenge.answered.fetch_add(1, Ordering::Relaxed);
        // The request-target exactly as sent: the path and the query string.
        let target = request.uri().path_and_query().map_or("/", |target| target.as_str());
        let body = request.body();
        let context = AuthContext::new_with_method(
            self.public_key.as_str(),
            self.private_key.expose(),
            target,
            (!body.is_empty()).then_some(body.as_slice()),
            HttpMethod(request.method().as_str().into()),
        );
        match header.respond(&context) {
            Ok(answer) => HeaderValue::try_from(answer.to_header_string()).ok().map(sensitive),
            Err(err) => {
                tracing::warn!(error = %err, "cannot answer the digest challenge");
                None
            }
        }
    }
}

/// The `Digest` challenge among the response's `WWW-Authenticate` headers, if it has one
/// that parses.
fn challenge(headers: &HeaderMap) -> Option<WwwAuthenticateHeader> {
    let params = headers.get_all(WWW_AUTHENTICATE).iter().filter_map(|value| value.to_str().ok()).find_map(|value| {
        let value = value.trim_start();
        let (scheme, params) = value.split_at_checked(6)?;
        scheme.eq_ignore_ascii_case("digest").then_some(params)
    })?;
    WwwAuthenticateHeader::parse(params)
        .inspect_err(|err| tracing::warn!(error = %err, "the server sent a digest challenge that does not parse"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenges(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(WWW_AUTHENTICATE, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn finds_the_digest_challenge() {
        let headers = challenges(&[
            r#"Bearer realm="x""#,
            r#"digest realm="MMS Public API", domain="", nonce="n1", algorithm=MD5, qop="auth", stale=true"#,
        ]);
        let found = challenge(&headers).expect("a digest challenge");
        assert_eq!((found.realm.as_str(), found.nonce.as_str(), found.stale), ("MMS Public API", "n1", true));
        assert!(challenge(&challenges(&[r#"Basic realm="x""#])).is_none());
        assert!(challenge(&challenges(&["Digest"])).is_none());
        assert!(challenge(&challenges(&[r#"Digest nonce="no realm""#])).is_none());
        assert!(challenge(&HeaderMap::new()).is_none());
    }

    #[test]
    fn refuses_keys_that_cannot_be_sent() {
        let key = |public: &str, private: &str| DigestKey::new(public.into(), Secret::new(private.into()));
        assert!(key("abcdefgh", "0c5e1a2b-private").is_ok());
        for (public, private) in [("", "p"), ("abc", ""), ("a b", "p"), ("a\"b", "p"), ("a\\b", "p"), ("é", "p")] {
            assert!(matches!(key(public, private), Err(Error::InvalidArgument { .. })), "{public:?}");
        }
    }
}
