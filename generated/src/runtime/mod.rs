//! Hand-written runtime that the generated operations and `Client` methods build on.
//!
//! The generated code owns everything that depends on the spec (paths, models, status
//! codes); this module owns everything that does not: authentication, transport, the
//! error type, ID validation and the small URL, request and response helpers that keep
//! each generated operation a few lines long.
//!
//! - `client`: [`Client`] and the pipeline every call goes through (`call`): interceptors,
//!   the pacer, credentials, each attempt through the sender, the retry loop, the span and
//!   the `on_response` hook; `send`/`send_with` open it to any `http::Request`.
//! - `builder`: [`ClientBuilder`], every setting checked in `build`; `base_url` checks the
//!   base URL and shows it without secrets.
//! - `settings`: `CallSettings`, one call's timeout, retries and idempotency.
//! - `intercept`: the `Interceptor` hooks.
//! - `auth`: credentials as the builder records them, and the authenticator that adds them
//!   to each attempt and renews them after a 401 (`TokenProvider` too); `service_account`
//!   (OAuth token cache) and `digest` (API keys; `digest_challenge` reads the challenge)
//!   beside it; `secret`: secrets and sensitive header values.
//! - `classify`: the one `RetryClassifier` and the crate's default: what a call does after
//!   each attempt. `retry`: the loop's bookkeeping (limits, the delay budget shared with
//!   token requests, attempts counted once, the wait).
//! - `sender`: one exchange through the transport, under the timeout and the body limit.
//! - `seam`: the `Transport` trait, `Body`, `TransportError`; `reqwest_transport` is the
//!   default transport (and its TLS and proxy setup); `transport` (public) re-exports the
//!   seam and every extension point.
//! - `clock`: the injected `Clock` (tokio's by default) for retries, tokens, dates, pacing.
//! - `pace`: `Pacing` and `Pacer`, a limiter for writes.
//! - `headers`: [`RateLimit`] and `Retry-After`.
//! - `error`: [`Error`], [`ErrorResponse`].
//! - `id`: [`ParseIdError`] and the check behind every ID type's `FromStr`.
//! - `request`: building sans-IO `http::Request`s (URL, query string, body).
//! - `response`: decoding sans-IO `http::Response`s into models or errors.
//! - `paging`: the stream over every page of a paginated operation.
//! - `nullable`: [`Nullable`], a value that may be `null` (re-exported by specs with
//!   optional nullable properties).
//! - `wire_enum`: `Display`, `FromStr` and serde for every generated string enum.
//! - `test_util` (feature `test-util`): `MockTransport`, `VirtualClock`.
//!
//! No two of these modules import each other.

mod auth;
mod base_url;
mod builder;
mod classify;
mod client;
mod clock;
mod digest;
mod digest_challenge;
mod error;
mod headers;
mod id;
mod intercept;
#[allow(dead_code, reason = "only specs with optional nullable properties use it")]
mod nullable;
mod pace;
#[allow(dead_code, reason = "only specs with paginated operations stream pages")]
mod paging;
mod request;
mod reqwest_transport;
mod response;
mod retry;
mod seam;
mod secret;
mod sender;
mod service_account;
mod settings;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod transport;
#[allow(dead_code, reason = "only specs with string enums call it")]
mod wire_enum;

pub use builder::ClientBuilder;
pub use client::{Client, ResponseInfo};
pub use error::{Error, ErrorResponse};
pub use headers::RateLimit;
pub use id::ParseIdError;
#[allow(unused_imports, reason = "only specs with optional nullable properties re-export it")]
pub use nullable::Nullable;

#[allow(unused_imports, reason = "a spec without ID types does not call it")]
pub(crate) use id::check_hex24;
// Generated operations call these as `crate::runtime::...`. Which ones a spec needs
// depends on its operations (query parameters, bodies, 204 responses), so a spec that
// leaves one unused is not an error.
#[allow(unused_imports, reason = "only specs with paginated operations stream pages")]
pub(crate) use paging::{Page, PageNumber, Paging, paginate};
#[allow(unused_imports, reason = "the spec decides which helpers are called")]
pub(crate) use request::{
    QueryWriter, base_url, build_request, check_items, check_length, check_maximum, check_minimum, form_body, json_body,
    push_cookie, push_path_segment, set_header, simple_object,
};
#[allow(unused_imports, reason = "the spec decides which helpers are called")]
pub(crate) use response::{ANY_2XX, decode_json, decode_optional_json, error_from_response, expect_bytes, expect_empty};
#[allow(unused_imports, reason = "a spec without string enums does not call them")]
pub(crate) use wire_enum::{from_wire, wire_enum};
