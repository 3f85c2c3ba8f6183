//! Service accounts: an OAuth 2.0 client-credentials access token from
//! `{base_url}/api/oauth/token`, cached, refreshed one request at a time.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http::Method;

use http::StatusCode;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use tokio::sync::Mutex;
use tracing::Instrument;

use super::Error;
use super::classify::RetryClassifier;
use super::error::BoxError;
use super::headers::RateLimit;
use super::retry::{Budget, Retries, RetryPolicy};
use super::secret::{Secret, bearer_header, sensitive};
use super::sender::{Request, Response, Sender, copy};
use crate::models::ApiError;

const TOKEN_PATH: &str = "/api/oauth/token";
/// A token is replaced this long before it expires, so no request leaves with a token that
/// expires on the way. Lifetimes shorter than twice this are replaced halfway through.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// How long a failed token request keeps the endpoint from being asked again, unless the
/// builder says otherwise: Atlas allows 10 token requests a minute.
pub(crate) const DEFAULT_TOKEN_RETRY_DELAY: Duration = Duration::from_secs(6);
/// However long the token endpoint's `Retry-After`, a failure is not kept longer than this.
const MAX_TOKEN_RETRY_DELAY: Duration = Duration::from_secs(60);

/// What a token request is sent with: the client's sender and retry classifier, and the
/// retry limits and delay budget of the call that needs the token.
#[derive(Clone, Copy)]
pub(crate) struct TokenRequests<'a> {
    pub(crate) sender: &'a Sender,
    pub(crate) classifier: &'a dyn RetryClassifier,
    pub(crate) policy: RetryPolicy,
    pub(crate) budget: &'a Budget,
}

/// A service account's credentials, its current access token and its last failure.
///
/// Atlas issues at most 10 tokens a minute per service account, so the token lives here,
/// once per client, behind the `Arc` every clone of the client shares.
pub(crate) struct ServiceAccount {
    client_id: String,
    secret: Secret,
    /// The token request, ready to copy: `POST`, HTTP Basic with the client ID and secret,
    /// `grant_type=client_credentials`.
    token_request: Request,
    retry_delay: Duration,
    /// How many token requests have finished. A caller reads it before waiting on the lock,
    /// so it can tell a failure that came while it waited (its outcome too) from an older one.
    finished: AtomicU64,
    /// The lock is held while a new token is requested, so requests that need one meanwhile
    /// wait for that request instead of each making their own.
    state: Mutex<TokenState>,
}

#[derive(Default)]
struct TokenState {
    token: Option<AccessToken>,
    /// The last token request's failure, until a token request succeeds.
    failure: Option<TokenFailure>,
}

struct AccessToken {
    /// `Bearer <access token>`, marked sensitive.
    header: HeaderValue,
    /// When to get a new token; `None` when Atlas did not say when this one expires, so
    /// only a 401 replaces it.
    refresh_at: Option<Instant>,
    /// When it stops working; a token due for refresh is still used until then if the
    /// refresh fails.
    expires_at: Option<Instant>,
}

impl AccessToken {
    fn is_due(&self, now: Instant) -> bool {
        self.refresh_at.is_some_and(|at| now >= at)
    }

    fn has_expired(&self, now: Instant) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }
}

/// A failed token request, kept so that every caller gets it (as its own [`Error::Auth`])
/// without asking the endpoint again before `retry_at`.
struct TokenFailure {
    status: Option<StatusCode>,
    message: String,
    rate_limit: RateLimit,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    /// The value of `ServiceAccount::finished` that this request's end set.
    request: u64,
    retry_at: Instant,
}

impl TokenFailure {
    fn error(&self) -> Error {
        Error::Auth {
            status: self.status,
            message: self.message.clone(),
            rate_limit: self.rate_limit.clone(),
            source: self.source.clone().map(|source| Box::new(SharedSource(source)) as BoxError),
        }
    }
}

/// A transport failure shared by every caller of one token request.
struct SharedSource(Arc<dyn std::error::Error + Send + Sync>);

impl fmt::Debug for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for SharedSource {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl ServiceAccount {
    pub(crate) fn new(base_url: &str, client_id: String, client_secret: &Secret, retry_delay: Duration) -> Result<Self, Error> {
        if client_id.trim().is_empty() || client_secret.expose().trim().is_empty() {
            return Err(Error::invalid_argument("service account client ID and secret must not be empty"));
        }
        // HTTP Basic separates the ID from the secret with the first colon.
        if client_id.contains(':') {
            return Err(Error::invalid_argument("service account client ID must not contain ':'"));
        }
        let basic = format!("Basic {}", base64(format!("{client_id}:{}", client_secret.expose()).as_bytes()));
        let authorization = HeaderValue::try_from(basic).map_err(|err| {
            Error::invalid_argument_caused_by("service account client ID and secret must be valid in an HTTP header", err)
        })?;
        let token_request = http::Request::builder()
            .method(http::Method::POST)
            .uri(format!("{base_url}{TOKEN_PATH}"))
            .header(AUTHORIZATION, sensitive(authorization))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(b"grant_type=client_credentials".to_vec())
            .map_err(|err| Error::invalid_argument_caused_by("cannot build the service account token request", err))?;
        Ok(Self {
            client_id,
            secret: client_secret.clone(),
            token_request,
            retry_delay,
            finished: AtomicU64::new(0),
            state: Mutex::default(),
        })
    }

    /// What the token request carries that no error may quote: the secret, and the
    /// `Authorization` header's Base64 of the ID and secret.
    fn credentials(&self) -> [&[u8]; 2] {
        let basic = self.token_request.headers().get(AUTHORIZATION).map_or(&b""[..], HeaderValue::as_bytes);
        [basic.strip_prefix(b"Basic ").unwrap_or(basic), self.secret.expose().as_bytes()]
    }

    /// The cached token unless it is due or is the one the API just `rejected`; otherwise a
    /// new one. A caller that waited on the lock finds the outcome of the request made
    /// while it waited, token or failure; after a failure, the endpoint is asked again
    /// only once the retry delay has passed. Until then a token that is due but has not
    /// expired is still used.
    pub(crate) async fn token(&self, requests: &TokenRequests<'_>, rejected: Option<&HeaderValue>) -> Result<HeaderValue, Error> {
        let finished_before_waiting = self.finished.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        let now = requests.sender.clock.now();
        let usable = state.token.as_ref().filter(|token| Some(&token.header) != rejected);
        if let Some(token) = usable.filter(|token| !token.is_due(now)) {
            return Ok(token.header.clone());
        }
        let fallback = usable.filter(|token| !token.has_expired(now)).map(|token| token.header.clone());
        if let Some(failure) = &state.failure {
            if failure.request > finished_before_waiting || now < failure.retry_at {
                return fallback.ok_or_else(|| failure.error());
            }
        }
        let outcome = self.request_token(requests).await;
        let request = self.finished.fetch_add(1, Ordering::AcqRel) + 1;
        match outcome {
            Ok(token) => {
                let header = token.header.clone();
                *state = TokenState { token: Some(token), failure: None };
                Ok(header)
            }
            Err(err) => {
                let now = requests.sender.clock.now();
                let failure = self.failure(err, request, now);
                tracing::warn!(
                    retry_in_ms = u64::try_from(failure.retry_at.saturating_duration_since(now).as_millis()).unwrap_or(u64::MAX),
                    "the token request failed; the token endpoint is not asked again until then"
                );
                let error = failure.error();
                state.failure = Some(failure);
                fallback.ok_or(error)
            }
        }
    }

    /// What every caller is told about a failed token request, and when to ask again.
    fn failure(&self, err: Error, request: u64, now: Instant) -> TokenFailure {
        let (status, message, rate_limit, source) = match err {
            Error::Auth { status, message, rate_limit, source } => (status, message, rate_limit, source),
            Error::Timeout(source) => {
                (None, format!("the token endpoint did not answer in time ({source})"), RateLimit::default(), Some(source))
            }
            Error::Transport(source) => {
                (None, format!("the connection to the token endpoint failed ({source})"), RateLimit::default(), Some(source))
            }
            other => (other.status(), other.to_string(), RateLimit::default(), None),
        };
        let delay = rate_limit.retry_after.map_or(self.retry_delay, |wait| wait.max(self.retry_delay));
        TokenFailure {
            status,
            message,
            rate_limit,
            source: source.map(Arc::from),
            request,
            retry_at: now + delay.min(MAX_TOKEN_RETRY_DELAY),
        }
    }

    async fn request_token(&self, requests: &TokenRequests<'_>) -> Result<AccessToken, Error> {
        let span = tracing::info_span!("atlas_token_request", client_id = %self.client_id);
        async {
            tracing::info!("requesting an access token");
            let TokenRequests { sender, classifier, policy, budget } = *requests;
            let sent_at = sender.clock.now();
            let mut retries = Retries::new(sender, classifier, policy, budget, None, &Method::POST, false);
            let response = retries.run(|| sender.send(copy(&self.token_request))).await?;
            let token = read_token(&response, sent_at, &self.credentials())?;
            tracing::info!(expires_in_s = token.refresh_at.map(|at| (at - sent_at).as_secs()), "access token received");
            Ok(token)
        }
        .instrument(span)
        .await
    }
}

/// Standard Base64 with padding (RFC 4648 section 4), for HTTP Basic.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let bits = group.iter().enumerate().fold(0u32, |bits, (i, byte)| bits | u32::from(*byte) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                encoded.push(char::from(ALPHABET[(bits >> (18 - 6 * i) & 0x3f) as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

/// The token response body (RFC 6749 section 5.1). No `Debug`: it holds the token.
#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    /// Seconds, as a number or a numeric string (RFC 6749 says a number; servers also send
    /// `3600.0` or `"3600"`): read by [`lifetime`].
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// A token's `expires_in` as a lifetime: whole seconds as an integer, an integer-valued
/// float or a numeric string; `Ok(None)` when absent or `null`, or too large to matter.
fn lifetime(expires_in: Option<&serde_json::Value>) -> Result<Option<Duration>, String> {
    let seconds = match expires_in {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::Number(number)) => number.as_u64().map(|s| s as f64).or_else(|| number.as_f64()),
        Some(serde_json::Value::String(text)) => text.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match seconds {
        Some(seconds) if seconds < 0.0 => Err(format!("the token endpoint's expires_in is negative ({seconds})")),
        Some(seconds) if seconds.is_finite() && seconds.fract() == 0.0 => {
            // Beyond what an `Instant` can count, a lifetime is as good as none.
            Ok(Duration::try_from_secs_f64(seconds).ok().filter(|lifetime| lifetime.as_secs() < u64::MAX / 2))
        }
        _ => Err("the token endpoint's expires_in is not a whole number of seconds".to_owned()),
    }
}

/// An OAuth error body (RFC 6749 section 5.2).
#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Reads a token response; anything but a 200 with a bearer token is [`Error::Auth`],
/// whose message never quotes any of the `credentials` the request carried.
fn read_token(response: &Response, sent_at: Instant, credentials: &[&[u8]]) -> Result<AccessToken, Error> {
    let status = response.status();
    let refused = |message: String| Error::Auth {
        status: Some(status),
        message,
        rate_limit: RateLimit::from_headers(response.headers()),
        source: None,
    };
    let body = response.body().as_slice();
    if status != StatusCode::OK {
        return Err(refused(refusal_message(body, credentials)));
    }
    // Neither serde's message nor the body is quoted: either could contain the token.
    let token: TokenBody = serde_json::from_slice(body).map_err(|err| {
        refused(format!(
            "the token endpoint's answer is not an OAuth token response (line {} column {})",
            err.line(),
            err.column()
        ))
    })?;
    if let Some(kind) = token.token_type.as_deref().filter(|kind| !kind.eq_ignore_ascii_case("bearer")) {
        return Err(refused(format!("the token endpoint issued a {kind:?} token, not a bearer token")));
    }
    let header = bearer_header(&token.access_token)
        .map_err(|_| refused("the token endpoint issued an empty or malformed access token".to_owned()))?;
    // A lifetime too long to add to an `Instant` is as good as none.
    let lifetime = lifetime(token.expires_in.as_ref()).map_err(refused)?;
    let refresh_at = lifetime.and_then(|lifetime| sent_at.checked_add(lifetime - REFRESH_MARGIN.min(lifetime / 2)));
    let expires_at = lifetime.and_then(|lifetime| sent_at.checked_add(lifetime));
    Ok(AccessToken { header, refresh_at, expires_at })
}

/// Why the token endpoint refused, through a filter: only the OAuth `error` and
/// `error_description`, or the Atlas error's fields, are quoted, and only when they hold
/// none of the `credentials`. Anything else (a token, a page that echoes the request's
/// `Authorization` header) is reduced to its length; the status is in the error already.
fn refusal_message(body: &[u8], credentials: &[&[u8]]) -> String {
    let quoted = if let Ok(oauth) = serde_json::from_slice::<OAuthError>(body) {
        match oauth.error_description {
            Some(description) => Some(format!("{}: {description}", oauth.error)),
            None => Some(oauth.error),
        }
    } else {
        serde_json::from_slice::<ApiError>(body).ok().map(|api| api.to_string())
    };
    let quotes_a_credential =
        |text: &str| credentials.iter().any(|secret| !secret.is_empty() && contains(text.as_bytes(), secret));
    match quoted {
        Some(message) if !quotes_a_credential(&message) => message,
        _ => format!("a body of {} bytes that is neither an OAuth nor an Atlas error (not quoted)", body.len()),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        http::Response::builder().status(status).header("RateLimit-Remaining", "0").body(body.as_bytes().to_vec()).unwrap()
    }

    fn read(response: &Response, now: Instant) -> Result<AccessToken, Error> {
        read_token(response, now, &[b"bWRiOnMzY3IzdA==", b"client-s3cr3t"])
    }

    fn refusal(status: u16, body: &str) -> (StatusCode, String, RateLimit) {
        match read(&response(status, body), Instant::now()) {
            Err(Error::Auth { status: Some(status), message, rate_limit, source: None }) => (status, message, rate_limit),
            Err(other) => panic!("expected Error::Auth, got {other:?}"),
            Ok(_) => panic!("expected Error::Auth, got a token"),
        }
    }

    #[test]
    fn reads_a_token_and_when_to_refresh_it() {
        let now = Instant::now();
        let token = read(&response(200, r#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#), now).unwrap();
        assert_eq!(token.header, "Bearer abc");
        assert!(token.header.is_sensitive());
        assert_eq!(token.refresh_at, Some(now + Duration::from_secs(3600 - 60)));
        assert!(!token.is_due(now));

        let short = read(&response(200, r#"{"access_token":"abc","expires_in":30}"#), now).unwrap();
        assert_eq!(short.refresh_at, Some(now + Duration::from_secs(15)));
        let expired = read(&response(200, r#"{"access_token":"abc","expires_in":0}"#), now).unwrap();
        assert!(expired.is_due(now));
        let forever = read(&response(200, r#"{"access_token":"abc"}"#), now).unwrap();
        assert!(!forever.is_due(now + Duration::from_secs(1 << 30)));
        let huge = read(&response(200, r#"{"access_token":"abc","expires_in":18446744073709551615}"#), now).unwrap();
        assert_eq!(huge.refresh_at, None);
    }

    #[test]
    fn base64_is_rfc_4648() {
        for (plain, encoded) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")]
        {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(b"mdb_sa_id_test:mdb_sa_sk_s3cr3t"), "bWRiX3NhX2lkX3Rlc3Q6bWRiX3NhX3NrX3MzY3IzdA==");
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn expires_in_is_read_as_leniently_as_oauth_servers_write_it() {
        let now = Instant::now();
        for expires_in in ["3600", "3600.0", r#""3600""#, r#"" 3600 ""#, r#""3600.0""#] {
            let body = format!(r#"{{"access_token":"abc","expires_in":{expires_in}}}"#);
            let token = read(&response(200, &body), now).unwrap_or_else(|err| panic!("{expires_in}: {err}"));
            assert_eq!(token.expires_at, Some(now + Duration::from_secs(3600)), "{expires_in}");
        }
        let forever = read(&response(200, r#"{"access_token":"abc","expires_in":null}"#), now).unwrap();
        assert_eq!(forever.expires_at, None);
        let (_, message, _) = refusal(200, r#"{"access_token":"s3cr3t","expires_in":-5}"#);
        assert_eq!(message, "the token endpoint's expires_in is negative (-5)");
        for bad in ["3600.5", r#""soon""#, "true", "[]"] {
            let (_, message, _) = refusal(200, &format!(r#"{{"access_token":"s3cr3t","expires_in":{bad}}}"#));
            assert!(message.contains("not a whole number") && !message.contains("s3cr3t"), "{bad}: {message}");
        }
    }

    #[test]
    fn refusals_explain_without_quoting_the_token() {
        let (status, message, rate_limit) =
            refusal(401, r#"{"error":"invalid_client","error_description":"Invalid client credentials"}"#);
        assert_eq!((status, message.as_str()), (StatusCode::UNAUTHORIZED, "invalid_client: Invalid client credentials"));
        assert_eq!(rate_limit.remaining, Some(0));
        let (_, message, _) = refusal(400, r#"{"error":"unsupported_grant_type"}"#);
        assert_eq!(message, "unsupported_grant_type");
        let (_, message, _) = refusal(429, r#"{"error":429,"errorCode":"RATE_LIMITED","detail":"Slow down."}"#);
        assert_eq!(message, "429 RATE_LIMITED: Slow down.");
        let (_, message, _) = refusal(502, "<html>bad gateway</html>");
        assert_eq!(message, "a body of 24 bytes that is neither an OAuth nor an Atlas error (not quoted)");
        let (status, message, _) = refusal(201, r#"{"access_token":"LIVE-TOKEN-201","expires_in":3600}"#);
        assert_eq!(status, StatusCode::CREATED);
        assert!(message.starts_with("a body of ") && !message.contains("LIVE-TOKEN"), "{message}");
        let (_, message, _) = refusal(400, "Bad request. You sent:\r\nAuthorization: Basic bWRiOnMzY3IzdA==\r\n");
        assert!(message.starts_with("a body of ") && !message.contains("bWRi"), "{message}");
        let (_, message, _) =
            refusal(400, r#"{"error":"invalid_request","error_description":"bad header Basic bWRiOnMzY3IzdA=="}"#);
        assert!(message.starts_with("a body of ") && !message.contains("bWRi"), "{message}");
        let (_, message, _) = refusal(400, r#"{"error":"invalid_client","error_description":"secret client-s3cr3t"}"#);
        assert!(!message.contains("client-s3cr3t"), "{message}");

        let (status, message, _) = refusal(200, r#"{"access_token":"s3cr3t","expires_in":{}}"#);
        assert_eq!(status, StatusCode::OK);
        assert!(message.contains("not a whole number") && !message.contains("s3cr3t"), "{message}");
        let (_, message, _) = refusal(200, r#"{"access_token":["s3cr3t"]}"#);
        assert!(message.contains("not an OAuth token response") && !message.contains("s3cr3t"), "{message}");
        let (_, message, _) = refusal(200, r#"{"access_token":"s3cr3t","token_type":"mac"}"#);
        assert!(message.contains("\"mac\"") && !message.contains("s3cr3t"), "{message}");
        let (_, message, _) = refusal(200, "{\"access_token\":\"s3cr3t\\n\"}");
        assert!(message.contains("malformed") && !message.contains("s3cr3t"), "{message}");
    }
}
