//! Ctrl-C for the bulk commands (`migrate`, `apply`): the first starts no further write and
//! lets the one in flight finish, the second quits at once; a stopped run exits with 130.

use std::error::Error;
use std::task::Poll;

use crate::output::Notices;

/// A run stopped by Ctrl-C: the tool exits with 130 (128 + SIGINT, as shells report it).
#[derive(Debug)]
pub struct Interrupted {
    pub done: usize,
    pub planned: usize,
    /// What was planned, plural: `invitations`.
    pub what: &'static str,
}

impl Interrupted {
    pub const EXIT_STATUS: u8 = 130;
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self { done, planned, what } = self;
        write!(f, "interrupted after {done} of {planned} {what}; {} not started: rerun to finish", planned - done)
    }
}

impl Error for Interrupted {}

/// Completes at the first Ctrl-C, after saying that `in_flight` (`the invitations in flight`)
/// finish and no other starts; a second one exits at once.
pub async fn ctrl_c(notices: Notices, in_flight: &'static str) {
    if tokio::signal::ctrl_c().await.is_err() {
        // Without a handler Ctrl-C keeps its default (the process ends), so never stop early.
        std::future::pending::<()>().await;
    }
    let mut again = Box::pin(tokio::signal::ctrl_c());
    // Listening (a first poll registers) before saying so: a Ctrl-C right after is heard.
    match futures::poll!(again.as_mut()) {
        Poll::Pending => {
            notices.line(&format!("interrupted: finishing {in_flight}, starting no other (Ctrl-C again to quit now)"));
            tokio::spawn(async move {
                if again.await.is_ok() {
                    std::process::exit(Interrupted::EXIT_STATUS.into());
                }
            });
        }
        Poll::Ready(Ok(())) => std::process::exit(Interrupted::EXIT_STATUS.into()),
        Poll::Ready(Err(_)) => notices.line(&format!("interrupted: finishing {in_flight}, starting no other")),
    }
}
