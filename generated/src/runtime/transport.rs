//! The seam below [`Client`](crate::Client), the one place an attempt goes out and its
//! response comes back, over `http` types; and the points where a user extends the client's
//! pipeline: the [`RetryClassifier`] that decides every retry, [`Interceptor`] hooks,
//! per-call [`CallSettings`], a rotating [`TokenProvider`], the [`Clock`] it reads and
//! waits on, and the [`Pacer`] that paces writes.
//!
//! The client sends every attempt of every call (and every service account token request)
//! through a [`Transport`]: by default one over reqwest with rustls, or whatever
//! [`ClientBuilder::transport`](crate::ClientBuilder::transport) was given, such as the mock of
//! the `test-util` feature. Authentication, retries, the per-attempt timeout and the body
//! limit stay in the client, above the seam, so they work the same over any transport.
//!
//! Each request carries the [`OperationInfo`](crate::operations::OperationInfo) of its call
//! in its extensions (a token request carries none).
//!
//! # Examples
//!
//! A transport that answers every request itself, and a client that sends through it:
//!
//! ```
//! use atlas_admin::transport::{Body, SendFuture, Transport};
//! use atlas_admin::operations::OperationInfo;
//!
//! struct Canned;
//!
//! impl Transport for Canned {
//!     fn send(&self, request: atlas_admin::http::Request<Vec<u8>>) -> SendFuture {
//!         // Which operation the request is for (a token request carries none).
//!         let operation = request.extensions().get::<OperationInfo>().map(|info| info.operation_id);
//!         let body = if operation.is_some() { r#"{"results": [], "totalCount": 0}"# } else { "{}" };
//!         Box::pin(async move { Ok(atlas_admin::http::Response::new(Body::from(body))) })
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), atlas_admin::Error> {
//! let response = Canned.send(atlas_admin::http::Request::new(Vec::new())).await.expect("answered");
//! assert_eq!(response.status(), 200);
//! // Every call of this client, and every retry of it, goes through `Canned`.
//! let client = atlas_admin::Client::builder().transport(Canned).bearer_token("t").build()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```

pub use super::auth::{TokenFuture, TokenProvider};
pub use super::classify::{Attempt, AttemptOutcome, DefaultRetryClassifier, RetryClassifier, RetryReason, Verdict};
pub use super::clock::{Clock, Sleep, TokioClock};
pub use super::intercept::{CallInfo, Interceptor};
pub use super::pace::{Pacer, Pacing, Turn};
pub use super::seam::{Body, SendFuture, Transport, TransportError, TransportErrorKind};
pub use super::settings::CallSettings;
