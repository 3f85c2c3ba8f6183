//! The crate's error type: API errors, transport failures, decoding failures and bad input.

use std::fmt;

use http::StatusCode;

use super::ParseIdError;
use super::classify::{is_throttling_code, is_transient_status};
use super::headers::RateLimit;
pub(crate) use super::seam::BoxError;
use super::seam::TransportError;
use crate::models::ApiError;

/// Everything that can go wrong calling Atlas.
///
/// [`is_transient`](Self::is_transient) says whether the same call may succeed later;
/// [`status`](Self::status) and [`rate_limit`](Self::rate_limit) read the response the error
/// came from, whatever its kind.
///
/// # Examples
///
/// ```
/// use atlas_admin::Error;
/// use atlas_admin::http::StatusCode;
///
/// /// What to tell a user after an Atlas call failed.
/// fn explain(err: &Error) -> String {
///     if err.status() == Some(StatusCode::TOO_MANY_REQUESTS) {
///         let wait = err.rate_limit().and_then(|limit| limit.retry_after);
///         return format!("rate limited, retry after {wait:?}");
///     }
///     match err.api_error() {
///         Some(api) if api.error_code == "RESOURCE_NOT_FOUND" => "no such invitation".to_owned(),
///         _ if err.is_transient() => format!("{err}; try again later"),
///         _ => err.to_string(),
///     }
/// }
///
/// let err: Error = atlas_admin::Client::builder().base_url("ftp://example.com").build().unwrap_err();
/// assert!(matches!(err, Error::InvalidArgument { .. }));
/// assert!(!err.is_transient());
/// assert_eq!(explain(&err), err.to_string());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Atlas answered with an error status and an `ApiError` body.
    #[error("{0}")]
    Api(Box<ErrorResponse>),
    /// A response with a status the operation does not expect and a body that is not an
    /// Atlas `ApiError`: typically a proxy or load balancer in front of Atlas (an HTML
    /// `502 Bad Gateway`, an empty `503`).
    #[error("unexpected HTTP {status} without an Atlas error body; body: {excerpt:?}")]
    #[non_exhaustive]
    Status {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The rate-limit headers of the response.
        rate_limit: RateLimit,
        /// The start of the body (about 200 characters, lossy UTF-8, `…` when cut).
        excerpt: String,
    },
    /// A service account could not get an access token: the token endpoint
    /// (`{base_url}/api/oauth/token`) refused the client ID and secret, answered with
    /// something that is not a bearer token, or could not be reached. No API request was
    /// sent.
    ///
    /// Every call waiting for the same token request gets its failure, and the endpoint is
    /// not asked again before [`ClientBuilder::token_retry_delay`](crate::ClientBuilder::token_retry_delay)
    /// has passed: calls in between fail at once with the same error.
    #[error("could not get a service account access token{}: {message}", http_status(.status))]
    #[non_exhaustive]
    Auth {
        /// The HTTP status of the token endpoint's response; `None` when there was none
        /// (the endpoint could not be reached or did not answer in time).
        status: Option<StatusCode>,
        /// Why: the OAuth `error` and `error_description`, the Atlas error, the start of
        /// the body, or what kept the request from being answered; never the token.
        message: String,
        /// The rate-limit headers of the token endpoint's response (Atlas issues at most
        /// 10 tokens a minute).
        rate_limit: RateLimit,
        /// The transport failure behind it, when there was no response.
        #[source]
        source: Option<BoxError>,
    },
    /// The request could not be sent or the response could not be read: the connection
    /// was refused, reset or closed early. Its `Display` names what failed, where and the
    /// root cause in one line, e.g. `could not connect to 127.0.0.1:4010: connection refused`.
    #[error(transparent)]
    Transport(BoxError),
    /// An attempt did not complete within the client's timeout (or its connect timeout),
    /// e.g. `the request to cloud.mongodb.com:443 timed out`.
    #[error(transparent)]
    Timeout(BoxError),
    /// The response body is larger than the client's
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes); it was read no
    /// further than the limit (not at all when `Content-Length` announced it).
    #[error("the Atlas response (HTTP {status}) is larger than the limit of {limit} bytes (max_response_bytes)")]
    #[non_exhaustive]
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The limit it exceeded, in bytes.
        limit: u64,
        /// The rate-limit headers of the response.
        rate_limit: RateLimit,
    },
    /// A paging stream (`<method>_stream`) stopped because its pages cannot be trusted to
    /// end: a page repeated the one before it (the server ignored `pageNum`), or there were
    /// more pages than [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages)
    /// allows. The items before it were delivered; the stream ends here, never silently.
    #[error("paging stopped before page {page}: {message}")]
    #[non_exhaustive]
    Paging {
        /// The page that was not delivered, counting as `pageNum` does.
        page: i64,
        /// Why.
        message: String,
    },
    /// A success response whose body does not match the expected model.
    #[error("could not decode the Atlas response (HTTP {status}); body: {excerpt:?}")]
    #[non_exhaustive]
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The start of the body (about 200 characters, lossy UTF-8, `…` when cut), every
        /// email address in it replaced by `[email]`.
        excerpt: String,
        /// Why decoding failed: the JSON decoder's message (which quotes the value it
        /// refused, with email addresses replaced) and where in the body.
        #[source]
        source: BoxError,
    },
    /// An argument was refused before any request was sent.
    #[error("invalid argument: {message}")]
    InvalidArgument {
        /// What was wrong.
        message: String,
        /// The underlying error, where there is one.
        #[source]
        source: Option<BoxError>,
    },
}

/// ` (HTTP <status>)`, or nothing without a status.
fn http_status(status: &Option<StatusCode>) -> String {
    status.map(|status| format!(" (HTTP {status})")).unwrap_or_default()
}

impl Error {
    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Self::InvalidArgument { message: message.into(), source: None }
    }

    pub(crate) fn invalid_argument_caused_by(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::InvalidArgument { message: message.into(), source: Some(source.into()) }
    }

    /// A failed exchange as the call's error: [`Error::Timeout`] when it timed out, so
    /// callers can tell it from a refused or broken connection without digging through the
    /// source chain, else [`Error::Transport`].
    pub(crate) fn from_transport(err: TransportError) -> Self {
        if err.is_timeout() { Self::Timeout(Box::new(err)) } else { Self::Transport(Box::new(err)) }
    }

    /// Whether the same call may succeed if tried again later: a transport failure or
    /// timeout, or a response (API error, unexpected status or token refusal) with status
    /// 429, 502, 503 or 504, an API error whose `errorCode` is one of Atlas's throttling
    /// codes (`INVITATIONS_RATE_LIMITED_IP`, `RATE_LIMITED...`), or a token endpoint that
    /// could not be reached. The client
    /// has already retried such failures as far as its settings allow; this tells a caller
    /// whether to try again after its own, longer wait.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transport(_) | Self::Timeout(_) | Self::Auth { status: None, .. } => true,
            Self::Api(response) if is_throttling_code(&response.error.error_code) => true,
            Self::Api(_) | Self::Status { .. } | Self::Auth { .. } | Self::ResponseTooLarge { .. } => {
                self.status().is_some_and(is_transient_status)
            }
            Self::Decode { .. } | Self::InvalidArgument { .. } | Self::Paging { .. } => false,
        }
    }

    /// The HTTP status of the response this error came from, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(response) => Some(response.status),
            Self::Auth { status, .. } => *status,
            Self::Status { status, .. } | Self::ResponseTooLarge { status, .. } | Self::Decode { status, .. } => Some(*status),
            Self::Transport(_) | Self::Timeout(_) | Self::InvalidArgument { .. } | Self::Paging { .. } => None,
        }
    }

    /// The error body Atlas sent, if this is an [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(response) => Some(&response.error),
            _ => None,
        }
    }

    /// The rate-limit headers of the response, if this is an [`Error::Api`], an
    /// [`Error::Status`], an [`Error::Auth`] or an [`Error::ResponseTooLarge`].
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        match self {
            Self::Api(response) => Some(&response.rate_limit),
            Self::Status { rate_limit, .. } | Self::Auth { rate_limit, .. } | Self::ResponseTooLarge { rate_limit, .. } => {
                Some(rate_limit)
            }
            _ => None,
        }
    }
}

impl From<ParseIdError> for Error {
    fn from(err: ParseIdError) -> Self {
        Self::invalid_argument_caused_by(err.to_string(), err)
    }
}

/// An error response from Atlas: the HTTP status, the decoded body and the rate-limit
/// headers that came with it.
///
/// Its `Display` names the status and the `errorCode`, e.g.
/// `Atlas API error 404 Not Found (RESOURCE_NOT_FOUND): Cannot find resource ...`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The decoded error body.
    pub error: ApiError,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Atlas API error {} ({})", self.status, self.error.error_code)?;
        match explanation(&self.error) {
            Some(text) => write!(f, ": {text}"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for ApiError {
    /// Formats as `<error> <errorCode>: <detail or reason>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.error, self.error_code)?;
        match explanation(self) {
            Some(text) => write!(f, ": {text}"),
            None => Ok(()),
        }
    }
}

/// `detail` is the specific message; `reason` is only the status's generic phrase.
fn explanation(error: &ApiError) -> Option<&str> {
    error.detail.as_deref().or(error.reason.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use crate::models::{BadRequestDetail, FieldViolation};

    fn api_error(detail: Option<&str>, reason: Option<&str>) -> ApiError {
        ApiError {
            bad_request_detail: Some(BadRequestDetail {
                fields: Some(vec![FieldViolation { description: "must be an email".into(), field: "username".into() }]),
            }),
            detail: detail.map(Into::into),
            error: 404,
            error_code: "RESOURCE_NOT_FOUND".into(),
            parameters: None,
            reason: reason.map(Into::into),
        }
    }

    fn api(error: ApiError) -> Error {
        Error::Api(Box::new(ErrorResponse { status: StatusCode::NOT_FOUND, error, rate_limit: RateLimit::default() }))
    }

    #[test]
    fn api_error_display_names_status_and_code() {
        let err = api(api_error(Some("Cannot find resource."), Some("Not Found")));
        assert_eq!(err.to_string(), "Atlas API error 404 Not Found (RESOURCE_NOT_FOUND): Cannot find resource.");
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(err.api_error().map(|e| e.error), Some(404));
        assert_eq!(err.rate_limit(), Some(&RateLimit::default()));

        let err = api(api_error(None, Some("Not Found")));
        assert_eq!(err.to_string(), "Atlas API error 404 Not Found (RESOURCE_NOT_FOUND): Not Found");
        let err = api(api_error(None, None));
        assert_eq!(err.to_string(), "Atlas API error 404 Not Found (RESOURCE_NOT_FOUND)");
    }

    #[test]
    fn api_error_model_display() {
        assert_eq!(api_error(Some("No invitation."), Some("Not Found")).to_string(), "404 RESOURCE_NOT_FOUND: No invitation.");
        assert_eq!(api_error(None, None).to_string(), "404 RESOURCE_NOT_FOUND");
    }

    #[test]
    fn auth_error_names_the_status_and_keeps_the_rate_limit() {
        let rate_limit = RateLimit { limit: Some(10), remaining: Some(0), retry_after: Some(Duration::from_secs(6)) };
        let err = Error::Auth {
            status: Some(StatusCode::UNAUTHORIZED),
            message: "invalid_client: Invalid client credentials".into(),
            rate_limit: rate_limit.clone(),
            source: None,
        };
        assert_eq!(
            err.to_string(),
            "could not get a service account access token (HTTP 401 Unauthorized): invalid_client: Invalid client credentials"
        );
        assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(err.rate_limit(), Some(&rate_limit));
        assert!(err.api_error().is_none());
        assert!(!err.is_transient());

        let unreachable = Error::Auth {
            status: None,
            message: "the connection to the token endpoint failed".into(),
            rate_limit: RateLimit::default(),
            source: Some("connection refused".into()),
        };
        assert_eq!(
            unreachable.to_string(),
            "could not get a service account access token: the connection to the token endpoint failed"
        );
        assert_eq!(unreachable.status(), None);
        assert!(unreachable.is_transient());
        assert_eq!(std::error::Error::source(&unreachable).unwrap().to_string(), "connection refused");
    }

    #[test]
    fn transient_errors_are_the_ones_a_later_try_may_fix() {
        let status = |code: u16| Error::Status {
            status: StatusCode::from_u16(code).unwrap(),
            rate_limit: RateLimit::default(),
            excerpt: String::new(),
        };
        for code in [429, 502, 503, 504] {
            assert!(status(code).is_transient(), "{code}");
        }
        for code in [400, 401, 404, 500, 501] {
            assert!(!status(code).is_transient(), "{code}");
        }
        assert!(!api(api_error(None, None)).is_transient());
        assert!(Error::Transport("reset".into()).is_transient());
        assert!(Error::Timeout("timed out".into()).is_transient());
        let too_large =
            Error::ResponseTooLarge { status: StatusCode::SERVICE_UNAVAILABLE, limit: 10, rate_limit: RateLimit::default() };
        assert!(too_large.is_transient(), "an oversized 503 is still a 503");
        let too_large_ok = Error::ResponseTooLarge { status: StatusCode::OK, limit: 10, rate_limit: RateLimit::default() };
        assert!(!too_large_ok.is_transient(), "the same body would be too large again");
        assert_eq!(
            too_large.to_string(),
            "the Atlas response (HTTP 503 Service Unavailable) is larger than the limit of 10 bytes (max_response_bytes)"
        );
        assert_eq!(too_large.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    }

    #[test]
    fn an_unexpected_status_names_the_status_and_keeps_the_rate_limit() {
        let rate_limit = RateLimit { limit: None, remaining: None, retry_after: Some(Duration::from_secs(3)) };
        let err = Error::Status { status: StatusCode::BAD_GATEWAY, rate_limit: rate_limit.clone(), excerpt: "<html>".into() };
        assert_eq!(err.to_string(), r#"unexpected HTTP 502 Bad Gateway without an Atlas error body; body: "<html>""#);
        assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
        assert_eq!(err.rate_limit(), Some(&rate_limit));
        assert!(err.api_error().is_none());
    }

    #[test]
    fn parse_id_error_becomes_invalid_argument_with_source() {
        let parse = crate::runtime::check_hex24("OrgId", "nope").unwrap_err();
        let err = Error::from(parse.clone());
        assert_eq!(err.to_string(), format!("invalid argument: {parse}"));
        let source = std::error::Error::source(&err).expect("has a source");
        assert_eq!(source.to_string(), parse.to_string());
        assert_eq!(err.status(), None);
        assert!(err.api_error().is_none());
    }
}
