//! Service accounts: an OAuth 2.0 client-credentials access token from
//! `{base_url}/api/oauth/token`, cached, refreshed one request at a time.

use std::time::{Duration, Instant};

use http::StatusCode;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use tokio::sync::Mutex;
use tracing::Instrument;

use super::auth::{Secret, bearer_header, with_authorization};
use super::transport::{Response, Transport, copy};
use super::{Error, RateLimit, response};
use crate::models::ApiError;

const TOKEN_PATH: &str = "/api/oauth/token";
/// A token is replaced this long before it expires, so no request leaves with a token that
/// expires on the way. Lifetimes shorter than twice this are replaced halfway through.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A service account's credentials and its current access token.
///
/// Atlas issues at most 10 tokens a minute per service account, so the token lives here,
/// once per client, behind the `Arc` every clone of the client shares.
pub(crate) struct ServiceAccount {
    client_id: String,
    /// The token request, ready to copy: `POST`, HTTP Basic with the client ID and secret,
    /// `grant_type=client_credentials`.
    token_request: reqwest::Request,
    /// The current token. The lock is held while a new token is requested, so requests that
    /// need one meanwhile wait for that one instead of each asking for their own.
    token: Mutex<Option<AccessToken>>,
}

struct AccessToken {
    /// `Bearer <access token>`, marked sensitive.
    header: HeaderValue,
    /// When to get a new token; `None` when Atlas did not say when this one expires, so
    /// only a 401 replaces it.
    refresh_at: Option<Instant>,
}

impl AccessToken {
    fn is_due(&self, now: Instant) -> bool {
        self.refresh_at.is_some_and(|at| now >= at)
    }
}

impl ServiceAccount {
    pub(crate) fn new(transport: &Transport, base_url: &str, client_id: String, client_secret: &Secret) -> Result<Self, Error> {
        if client_id.trim().is_empty() || client_secret.expose().trim().is_empty() {
            return Err(Error::invalid_argument("service account client ID and secret must not be empty"));
        }
        // HTTP Basic separates the ID from the secret with the first colon.
        if client_id.contains(':') {
            return Err(Error::invalid_argument("service account client ID must not contain ':'"));
        }
        let token_request = transport
            .http
            .post(format!("{base_url}{TOKEN_PATH}"))
            .basic_auth(&client_id, Some(client_secret.expose()))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .build()
            .map_err(|err| Error::invalid_argument_caused_by("cannot build the service account token request", err))?;
        Ok(Self { client_id, token_request, token: Mutex::new(None) })
    }

    /// Sends a copy of `request` with the current token; when the API answers 401, gets a
    /// new token and sends it once more.
    pub(crate) async fn send(&self, transport: &Transport, request: &reqwest::Request) -> Result<Response, Error> {
        let token = self.token(transport, None).await?;
        let response = transport.send(with_authorization(request, token.clone())).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        tracing::info!("the API refused the access token; getting a new one and sending the request again");
        let token = self.token(transport, Some(&token)).await?;
        transport.send(with_authorization(request, token)).await
    }

    /// The cached token unless it is due or is the one the API just `rejected`; otherwise a
    /// new one. A caller that waited on the lock finds the token the caller before it got.
    async fn token(&self, transport: &Transport, rejected: Option<&HeaderValue>) -> Result<HeaderValue, Error> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref() {
            if !token.is_due(Instant::now()) && Some(&token.header) != rejected {
                return Ok(token.header.clone());
            }
        }
        let token = self.request_token(transport).await?;
        let header = token.header.clone();
        *cached = Some(token);
        Ok(header)
    }

    async fn request_token(&self, transport: &Transport) -> Result<AccessToken, Error> {
        let span = tracing::info_span!("atlas_token_request", client_id = %self.client_id);
        async {
            tracing::info!("requesting an access token");
            let sent_at = Instant::now();
            let response = transport.with_retries(&http::Method::POST, || transport.send(copy(&self.token_request))).await?;
            let token = read_token(&response, sent_at)?;
            tracing::info!(expires_in_s = token.refresh_at.map(|at| (at - sent_at).as_secs()), "access token received");
            Ok(token)
        }
        .instrument(span)
        .await
    }
}

/// The token response body (RFC 6749 section 5.1). No `Debug`: it holds the token.
#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// An OAuth error body (RFC 6749 section 5.2).
#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Reads a token response; anything but a 200 with a bearer token is [`Error::Auth`].
fn read_token(response: &Response, sent_at: Instant) -> Result<AccessToken, Error> {
    let status = response.status();
    let refused = |message: String| Error::Auth { status, message, rate_limit: RateLimit::from_headers(response.headers()) };
    let body = response.body().as_slice();
    if status != StatusCode::OK {
        return Err(refused(refusal_message(body)));
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
    let refresh_at = token.expires_in.and_then(|seconds| {
        let lifetime = Duration::from_secs(seconds);
        sent_at.checked_add(lifetime - REFRESH_MARGIN.min(lifetime / 2))
    });
    Ok(AccessToken { header, refresh_at })
}

/// Why the token endpoint refused: the OAuth error and its description, an Atlas error, or
/// the start of whatever else it sent.
fn refusal_message(body: &[u8]) -> String {
    if let Ok(oauth) = serde_json::from_slice::<OAuthError>(body) {
        return match oauth.error_description {
            Some(description) => format!("{}: {description}", oauth.error),
            None => oauth.error,
        };
    }
    if let Ok(api) = serde_json::from_slice::<ApiError>(body) {
        return api.to_string();
    }
    response::excerpt(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        http::Response::builder().status(status).header("RateLimit-Remaining", "0").body(body.as_bytes().to_vec()).unwrap()
    }

    fn refusal(status: u16, body: &str) -> (StatusCode, String, RateLimit) {
        match read_token(&response(status, body), Instant::now()) {
            Err(Error::Auth { status, message, rate_limit }) => (status, message, rate_limit),
            Err(other) => panic!("expected Error::Auth, got {other:?}"),
            Ok(_) => panic!("expected Error::Auth, got a token"),
        }
    }

    #[test]
    fn reads_a_token_and_when_to_refresh_it() {
        let now = Instant::now();
        let token = read_token(&response(200, r#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#), now).unwrap();
        assert_eq!(token.header, "Bearer abc");
        assert!(token.header.is_sensitive());
        assert_eq!(token.refresh_at, Some(now + Duration::from_secs(3600 - 60)));
        assert!(!token.is_due(now));

        let short = read_token(&response(200, r#"{"access_token":"abc","expires_in":30}"#), now).unwrap();
        assert_eq!(short.refresh_at, Some(now + Duration::from_secs(15)));
        let expired = read_token(&response(200, r#"{"access_token":"abc","expires_in":0}"#), now).unwrap();
        assert!(expired.is_due(now));
        let forever = read_token(&response(200, r#"{"access_token":"abc"}"#), now).unwrap();
        assert!(!forever.is_due(now + Duration::from_secs(1 << 30)));
        let huge = read_token(&response(200, r#"{"access_token":"abc","expires_in":18446744073709551615}"#), now).unwrap();
        assert_eq!(huge.refresh_at, None);
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
        assert_eq!(message, "<html>bad gateway</html>");

        let (status, message, _) = refusal(200, r#"{"access_token":"s3cr3t","expires_in":"soon"}"#);
        assert_eq!(status, StatusCode::OK);
        assert!(message.contains("not an OAuth token response") && !message.contains("s3cr3t"), "{message}");
        let (_, message, _) = refusal(200, r#"{"access_token":"s3cr3t","token_type":"mac"}"#);
        assert!(message.contains("\"mac\"") && !message.contains("s3cr3t"), "{message}");
        let (_, message, _) = refusal(200, "{\"access_token\":\"s3cr3t\\n\"}");
        assert!(message.contains("malformed") && !message.contains("s3cr3t"), "{message}");
    }
}
