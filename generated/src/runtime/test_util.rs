//! A mock [`Transport`] for testing code built on this crate without a network (cargo
//! feature `test-util`, off by default: add it to your `[dev-dependencies]`).
//!
//! Rules answer by operation ID (optionally only requests a predicate accepts), in the order
//! they were added; each answers with its sequence of answers in turn, the last one again and
//! again. Every request is recorded; one no rule answers fails its call with an error naming
//! the operation and the rules there are, and is listed by
//! [`unmatched`](MockTransport::unmatched). The client above the mock is the real one: its
//! retries, delays and timeouts run as usual, so tests of them belong on paused tokio time
//! (`#[tokio::test(start_paused = true)]`), where they take no real time.
//!
//! # Examples
//!
//! The crate's front page and every `Client` method's docs show calls answered by rules; this
//! one is the same in every crate this generator writes, so it sends its own request.
//!
//! ```
//! use atlas_admin::test_util::{MockTransport, Rule};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! // The token endpoint refuses once (retried after its Retry-After), then grants a token.
//! let mock = MockTransport::new().with(
//!     Rule::token_request()
//!         .api_error(429, "RATE_LIMITED", "Slow down.")
//!         .header("Retry-After", "1")
//!         .ok(&serde_json::json!({"access_token": "t", "expires_in": 3600})),
//! );
//! let client = mock.builder().service_account("mdb_sa_id_example", "mdb_sa_sk_example").build().unwrap();
//! // No rule answers this request: its call fails, saying so.
//! let request = atlas_admin::http::Request::get("/api/atlas/v2/groups").body(Vec::new()).unwrap();
//! let error = client.send(request).await.unwrap_err();
//! assert!(error.to_string().contains("no rule"), "{error}");
//! assert_eq!(mock.requests().len(), 3, "the refused token request, its retry, the request");
//! assert_eq!(mock.unmatched().len(), 1);
//! # }
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use http::{HeaderName, HeaderValue, StatusCode};
use serde::Serialize;

use super::clock::{Clock, Sleep};
use super::seam::{Body, SendFuture, Transport, TransportError, TransportErrorKind};
use super::{Client, ClientBuilder};
use crate::operations::OperationInfo;

/// A [`Transport`] that answers from rules and records every request. Clones share their
/// rules and records, so keep one to inspect after handing another to the client.
#[derive(Clone, Default)]
pub struct MockTransport {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    rules: Mutex<Vec<(Rule, usize)>>,
    requests: Mutex<Vec<RecordedRequest>>,
    unmatched: Mutex<Vec<RecordedRequest>>,
}

impl MockTransport {
    /// A mock without rules: every request is unmatched.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `rule` after the rules added before, which are tried first.
    #[must_use]
    pub fn with(self, rule: Rule) -> Self {
        self.add(rule);
        self
    }

    /// Adds `rule` after the rules added before, which are tried first.
    pub fn add(&self, rule: Rule) {
        lock(&self.shared.rules).push((rule, 0));
    }

    /// A client over this mock, with a bearer token and the default settings.
    pub fn client(&self) -> Client {
        self.builder().build().expect("the mock's client settings are valid")
    }

    /// A builder for a client over this mock, with a bearer token, for other settings.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder().transport(self.clone()).bearer_token("mock-token")
    }

    /// Every request the mock received, in order, answered or not.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// The requests no rule answered.
    pub fn unmatched(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.unmatched).clone()
    }
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules: Vec<String> = lock(&self.shared.rules).iter().map(|(rule, _)| rule.operation_id.clone()).collect();
        f.debug_struct("MockTransport").field("rules", &rules).field("requests", &lock(&self.shared.requests).len()).finish()
    }
}

impl Transport for MockTransport {
    fn send(&self, request: http::Request<Vec<u8>>) -> SendFuture {
        let recorded = RecordedRequest::new(&request);
        lock(&self.shared.requests).push(recorded.clone());
        let operation = match recorded.operation_id {
            Some(id) => id,
            None if recorded.uri.path().ends_with(TOKEN_PATH) => TOKEN_REQUEST,
            None => "a request without an operation",
        };
        let answer = {
            let mut rules = lock(&self.shared.rules);
            let matched = rules.iter_mut().find(|(rule, _)| {
                rule.operation_id == operation && rule.predicate.as_ref().is_none_or(|accepts| accepts(&request))
            });
            match matched {
                Some((rule, used)) if !rule.answers.is_empty() => {
                    let answer = rule.answers[(*used).min(rule.answers.len() - 1)].clone();
                    *used += 1;
                    Some(answer)
                }
                _ => {
                    let known: Vec<&str> = rules.iter().map(|(rule, _)| rule.operation_id.as_str()).collect();
                    let message = format!(
                        "the mock transport has no rule (with an answer) for {} {} {} (rules: {})",
                        operation,
                        recorded.method,
                        recorded.uri.path(),
                        if known.is_empty() { "none".to_owned() } else { known.join(", ") },
                    );
                    lock(&self.shared.unmatched).push(recorded);
                    return Box::pin(async move { Err(TransportError::new(TransportErrorKind::Other, message)) });
                }
            }
        };
        Box::pin(async move {
            match answer.expect("matched") {
                Answer::Response { status, headers, body } => {
                    let mut response = http::Response::new(Body::from(body));
                    *response.status_mut() = status;
                    *response.headers_mut() = headers;
                    Ok(response)
                }
                Answer::Fault(Fault::Reset) => {
                    Err(TransportError::new(TransportErrorKind::Interrupted, "connection reset (mock fault)"))
                }
                Answer::Fault(Fault::Refused) => {
                    Err(TransportError::new(TransportErrorKind::NotConnected, "connection refused (mock fault)"))
                }
                // The client's timeout ends the attempt.
                Answer::Fault(Fault::Timeout) => std::future::pending().await,
            }
        })
    }
}

/// What a service account's token request is matched as: see [`Rule::token_request`].
const TOKEN_REQUEST: &str = "(token request)";
const TOKEN_PATH: &str = "/api/oauth/token";

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What [`Rule::when`] keeps.
type Predicate = dyn Fn(&http::Request<Vec<u8>>) -> bool + Send + Sync;

/// How one operation is answered: by status, model, API error or fault, in sequence.
#[must_use = "a rule does nothing until it is added to a MockTransport"]
pub struct Rule {
    operation_id: String,
    predicate: Option<Box<Predicate>>,
    answers: Vec<Answer>,
}

#[derive(Clone)]
enum Answer {
    Response { status: StatusCode, headers: http::HeaderMap, body: Vec<u8> },
    Fault(Fault),
}

/// A failed exchange a rule can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The connection was reset after the request was sent: retried only for GET, PUT,
    /// DELETE and HEAD.
    Reset,
    /// No connection could be made: retried for every method.
    Refused,
    /// No answer: the attempt ends at the client's timeout.
    Timeout,
}

impl Rule {
    /// A rule for the operation with this `operationId` (as in
    /// [`OperationInfo::operation_id`]), without answers yet.
    pub fn new(operation_id: impl Into<String>) -> Self {
        Self { operation_id: operation_id.into(), predicate: None, answers: Vec::new() }
    }

    /// A rule for a service account's token requests (`POST {base_url}/api/oauth/token`),
    /// e.g. answering `{"access_token": "t", "expires_in": 3600}`.
    pub fn token_request() -> Self {
        Self::new(TOKEN_REQUEST)
    }

    /// Answers only requests `accepts` returns `true` for (e.g. a path parameter, a query
    /// pair, a body field); other requests go on to the next rule.
    pub fn when(mut self, accepts: impl Fn(&http::Request<Vec<u8>>) -> bool + Send + Sync + 'static) -> Self {
        self.predicate = Some(Box::new(accepts));
        self
    }

    /// Then answers `200 OK` with `model` as JSON.
    pub fn ok(self, model: &impl Serialize) -> Self {
        self.json(200, model)
    }

    /// Then answers `status` with `model` as JSON (e.g. `201` for a creation).
    ///
    /// # Panics
    ///
    /// When `status` is not a valid status code or `model` does not serialize.
    pub fn json(self, status: u16, model: &impl Serialize) -> Self {
        let body = serde_json::to_vec(model).expect("the mock's model serializes");
        self.answer(status, body).header("Content-Type", "application/json")
    }

    /// Then answers `status` with an Atlas `ApiError` body naming `error_code` and `detail`.
    pub fn api_error(self, status: u16, error_code: &str, detail: &str) -> Self {
        let reason = StatusCode::from_u16(status).ok().and_then(|status| status.canonical_reason()).unwrap_or("");
        let body = serde_json::json!({"error": status, "errorCode": error_code, "detail": detail, "reason": reason});
        self.json(status, &body)
    }

    /// Then answers `status` with an empty body (e.g. `204` for a deletion).
    pub fn status(self, status: u16) -> Self {
        self.answer(status, Vec::new())
    }

    /// Then fails the exchange with `fault`.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.answers.push(Answer::Fault(fault));
        self
    }

    /// Adds a header to the last answer (e.g. `Retry-After`, `RateLimit-Remaining`).
    ///
    /// # Panics
    ///
    /// When there is no answer yet, the last one is a fault, or the header is invalid.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let Some(Answer::Response { headers, .. }) = self.answers.last_mut() else {
            panic!("Rule::header needs a response to add {name} to");
        };
        headers.append(
            HeaderName::try_from(name).expect("a valid header name"),
            HeaderValue::try_from(value).expect("a valid header value"),
        );
        self
    }

    fn answer(mut self, status: u16, body: Vec<u8>) -> Self {
        let status = StatusCode::from_u16(status).expect("a valid status code");
        self.answers.push(Answer::Response { status, headers: http::HeaderMap::new(), body });
        self
    }
}

/// A request the mock received: the operation it belongs to and what was sent.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The `operationId` of the call, `None` for a service account token request.
    pub operation_id: Option<&'static str>,
    /// The method.
    pub method: http::Method,
    /// The whole URI, query included.
    pub uri: http::Uri,
    /// Every header, `Authorization` included (marked sensitive, so `Debug` hides it).
    pub headers: http::HeaderMap,
    /// The body as sent.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    fn new(request: &http::Request<Vec<u8>>) -> Self {
        Self {
            operation_id: request.extensions().get::<OperationInfo>().map(|info| info.operation_id),
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers: request.headers().clone(),
            body: request.body().clone(),
        }
    }

    /// The value of query parameter `name`, percent-decoded, if the request has it.
    pub fn query(&self, name: &str) -> Option<String> {
        let query = self.uri.query()?;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned())
    }
}

/// A [`Clock`] whose time moves only when something waits on it or a test moves it: a
/// sleep moves it on by its duration and ends at once. Retries, token lifetimes and pacing
/// over it take no real time and depend on no scheduling, even over real sockets (where
/// tokio's paused time would jump ahead while a socket is not ready). Clones share one time.
///
/// ```
/// use std::time::Duration;
/// use atlas_admin::test_util::VirtualClock;
/// use atlas_admin::transport::Clock;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let clock = VirtualClock::new();
/// let start = clock.now();
/// clock.sleep(Duration::from_secs(3600)).await; // at once
/// clock.advance(Duration::from_secs(60));
/// assert_eq!(clock.now() - start, Duration::from_secs(3660));
/// assert_eq!(clock.slept(), Duration::from_secs(3600));
/// let client = atlas_admin::Client::builder().clock(clock.clone()).build().unwrap();
/// # let _ = client;
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct VirtualClock {
    start: Instant,
    start_utc: SystemTime,
    moved: Arc<Mutex<Moved>>,
}

#[derive(Debug, Default)]
struct Moved {
    total: Duration,
    slept: Duration,
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl VirtualClock {
    /// A clock at the system's time now, standing still.
    pub fn new() -> Self {
        Self { start: Instant::now(), start_utc: SystemTime::now(), moved: Arc::default() }
    }

    /// Moves the time on by `duration`, as if it passed.
    pub fn advance(&self, duration: Duration) {
        lock(&self.moved).total += duration;
    }

    /// The time all sleeps on this clock (and its clones) waited, together.
    pub fn slept(&self) -> Duration {
        lock(&self.moved).slept
    }

    /// The time that passed on this clock, sleeps and [`advance`](Self::advance) together.
    pub fn elapsed(&self) -> Duration {
        lock(&self.moved).total
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> Instant {
        self.start + self.elapsed()
    }

    fn now_utc(&self) -> SystemTime {
        self.start_utc + self.elapsed()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        let mut moved = lock(&self.moved);
        moved.total = moved.total.saturating_add(duration);
        moved.slept = moved.slept.saturating_add(duration);
        Box::pin(std::future::ready(()))
    }
}
