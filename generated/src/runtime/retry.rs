//! The limits of a call's retries and the loop's bookkeeping: after each attempt, the
//! [`RetryClassifier`]'s verdict, held to `max_retries` and to the call's delay budget, and
//! the wait on the client's clock.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http::Method;

use super::Error;
use super::classify::{Attempt, AttemptOutcome, RetryClassifier, Verdict};
use super::headers::retry_after;
use super::seam::TransportErrorKind;
use super::sender::{Failed, FailedCause, Response, Sender};
use crate::operations::OperationInfo;

/// Retries after the first attempt, unless the builder says otherwise.
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 3;
/// Total time one call may spend waiting between attempts, unless the builder says otherwise.
pub(crate) const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

/// The limits every call's retries keep.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) max_total_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: DEFAULT_MAX_RETRIES, max_total_delay: DEFAULT_MAX_RETRY_DELAY }
    }
}

/// What one call may still spend waiting between attempts: its own retries and those of
/// the token requests it makes draw on the same budget, so `max_retry_delay` bounds the
/// call's whole waiting.
pub(crate) struct Budget {
    limit: Duration,
    /// Nanoseconds waited so far (584 years fit).
    waited: AtomicU64,
}

impl Budget {
    pub(crate) fn new(limit: Duration) -> Self {
        Self { limit, waited: AtomicU64::new(0) }
    }

    /// Takes `delay` from the budget, or leaves it untouched and says no when it does not fit.
    fn spend(&self, delay: Duration) -> bool {
        let wanted = u64::try_from(delay.as_nanos()).unwrap_or(u64::MAX);
        let limit = u64::try_from(self.limit.as_nanos()).unwrap_or(u64::MAX);
        self.waited
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |waited| {
                waited.checked_add(wanted).filter(|total| *total <= limit)
            })
            .is_ok()
    }
}

/// What a loop of attempts does next.
pub(crate) enum Next {
    /// The outcome is the result.
    Return(Result<Response, Error>),
    /// Send again (the wait, if any, is over).
    Again,
    /// The classifier asks for new credentials after this 401; if there are none, it is
    /// the result.
    Renew(Response),
}

/// The retries of one loop (a call's attempts, or one token request's): the classifier and
/// the limits, how many attempts were made, with the waiting taken from the call's
/// [`Budget`] and done on the sender's clock.
pub(crate) struct Retries<'a> {
    sender: &'a Sender,
    classifier: &'a dyn RetryClassifier,
    policy: RetryPolicy,
    budget: &'a Budget,
    operation: Option<&'a OperationInfo>,
    method: &'a Method,
    idempotent: bool,
    attempts: u32,
    retries: u32,
    renewed: bool,
}

impl<'a> Retries<'a> {
    pub(crate) fn new(
        sender: &'a Sender,
        classifier: &'a dyn RetryClassifier,
        policy: RetryPolicy,
        budget: &'a Budget,
        operation: Option<&'a OperationInfo>,
        method: &'a Method,
        idempotent: bool,
    ) -> Self {
        Self { sender, classifier, policy, budget, operation, method, idempotent, attempts: 0, retries: 0, renewed: false }
    }

    /// The attempts made so far: counted here, and only here.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Counts an attempt with `outcome` and decides what follows it, waiting first when the
    /// classifier says to retry and the count and the budget allow.
    ///
    /// A wait that does not fit in what is left of the call's budget ends the retries at
    /// once: the caller gets the response (and its `Retry-After`) now rather than after a
    /// wait that could not end in another attempt. A renewal of credentials is never asked
    /// for twice in a row, so a server that refuses every answer ends the loop.
    pub(crate) async fn after(&mut self, outcome: Result<Response, Failed>) -> Next {
        self.attempts += 1;
        let renewed = std::mem::take(&mut self.renewed);
        let now = self.sender.clock.now_utc();
        let (attempt_outcome, wait) = match &outcome {
            Ok(response) => (
                AttemptOutcome::Response { status: response.status(), headers: response.headers(), body: Some(response.body()) },
                retry_after(response.headers(), now),
            ),
            Err(Failed { cause: FailedCause::Transport(kind), .. }) => (AttemptOutcome::Failed(*kind), None),
            Err(Failed { cause: FailedCause::TooLarge { status, headers }, .. }) => {
                (AttemptOutcome::Response { status: *status, headers, body: None }, retry_after(headers, now))
            }
            Err(Failed { cause: FailedCause::BeforeSending, .. }) => return Next::Return(outcome.map_err(|failed| failed.error)),
        };
        let attempt = Attempt {
            operation: self.operation,
            method: self.method,
            idempotent: self.idempotent,
            number: self.attempts,
            outcome: attempt_outcome,
            retry_after: wait,
        };
        let verdict = self.classifier.classify(&attempt);
        let what = describe(&attempt.outcome);
        let outcome = outcome.map_err(|failed| failed.error);
        match verdict {
            Verdict::Reauthenticate if !renewed => match outcome {
                Ok(response) => {
                    self.renewed = true;
                    Next::Renew(response)
                }
                Err(error) => Next::Return(Err(error)),
            },
            Verdict::Retry { after, reason } if self.retries < self.policy.max_retries && self.budget.spend(after) => {
                self.retries += 1;
                tracing::info!(
                    reason = %what,
                    kind = ?reason,
                    retry = self.retries,
                    delay_ms = u64::try_from(after.as_millis()).unwrap_or(u64::MAX),
                    "retrying"
                );
                self.sender.clock.sleep(after).await;
                Next::Again
            }
            _ => Next::Return(outcome),
        }
    }

    /// Runs `attempt` until its outcome is the result: for a request whose credentials are
    /// its own (a token request), so a 401 is final.
    pub(crate) async fn run<F, Fut>(&mut self, mut attempt: F) -> Result<Response, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Response, Failed>>,
    {
        loop {
            match self.after(attempt().await).await {
                Next::Return(outcome) => return outcome,
                Next::Again => {}
                Next::Renew(response) => return Ok(response),
            }
        }
    }
}

/// What happened to an attempt, for the log: the status, or how far the exchange got.
fn describe(outcome: &AttemptOutcome<'_>) -> String {
    match outcome {
        AttemptOutcome::Response { status, .. } => format!("HTTP {status}"),
        AttemptOutcome::Failed(TransportErrorKind::NotConnected) => "could not connect".to_owned(),
        AttemptOutcome::Failed(TransportErrorKind::Interrupted) => "connection failed after the request was sent".to_owned(),
        AttemptOutcome::Failed(TransportErrorKind::TimedOut) => "timed out".to_owned(),
        AttemptOutcome::Failed(_) => "the exchange failed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_shared_and_never_overdrawn() {
        let budget = Budget::new(Duration::from_secs(10));
        assert!(budget.spend(Duration::from_secs(6)));
        assert!(!budget.spend(Duration::from_secs(6)), "6 s more would exceed 10 s");
        assert!(budget.spend(Duration::from_secs(4)));
        assert!(!budget.spend(Duration::from_nanos(1)));
        assert!(!Budget::new(Duration::from_secs(60)).spend(Duration::MAX));
        assert!(Budget::new(Duration::ZERO).spend(Duration::ZERO));
    }
}
