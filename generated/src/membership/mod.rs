//! Membership workflows over the MongoDB Cloud Users API: moving a project's or an
//! organization's legacy invitations onto pending users ([`Migration`]), making one member
//! hold exactly the roles you want ([`ensure_project_user`], [`ensure_org_user`]), and one team
//! exactly its members and project roles ([`ensure_team`]).
//!
//! Hand-written, like the runtime; the generated `lib.rs` declares this module only when the
//! spec has every operation it calls, and only with the features every workflow needs
//! (`mongodb-cloud-users` for the fragment); each workflow needs its own on top:
//! [`Migration`] `projects` and `organizations`, [`ensure_team`] and the bulk
//! [`MembersFile`] (users and teams of several projects and organizations) `teams`.
//!
//! Every write waits for a [`Pacer`] (one write a second, one at a time, by default), the
//! runtime's, which any code can share; and the client's retry classifier still waits out
//! each call's throttling (429, 400 `INVITATIONS_RATE_LIMITED_IP`) as `Retry-After` says.
//!
//! ```no_run
//! use atlas_admin::membership::{Migration, Pacer, Pacing};
//! use atlas_admin::{Client, GroupId};
//!
//! # async fn demo() -> Result<(), atlas_admin::Error> {
//! let client = Client::builder().bearer_token("access-token").build()?;
//! let group: GroupId = "32b6e34b3d91647abb20e7b8".parse()?;
//! let migration = Migration::plan_project(&client, &group).await?;
//! for step in migration.steps() {
//!     println!("{}: {:?}", step.username, step.action);
//! }
//! let report = migration.execute(&client, &Pacer::new(&Pacing::default()), |_| {}).await;
//! assert!(report.all_migrated());
//! # Ok(())
//! # }
//! ```

#[cfg(feature = "teams")]
mod apply;
mod ensure;
mod grants;
#[cfg(all(feature = "organizations", feature = "projects"))]
mod invited;
#[cfg(all(feature = "organizations", feature = "projects"))]
mod migrate;
mod scope;
#[cfg(feature = "teams")]
mod team;

/// The runtime's pacer (also [`atlas_admin::transport::Pacer`](crate::transport::Pacer)).
pub use crate::transport::{Pacer, Pacing};
#[cfg(feature = "teams")]
pub use apply::{
    Applied, AppliedOutcome, ApplyPlan, ApplyReport, Failure, MembersFile, OrgMember, OrgMembers, ProjectMember, ProjectMembers,
    Subject, TeamMembers,
};
pub use ensure::{Change, EnsurePlan, Ensured, ensure_org_user, ensure_project_user};
pub use grants::{Grants, Scope};
#[cfg(all(feature = "organizations", feature = "projects"))]
pub use migrate::{Action, Entry, Migration, Outcome, Progress, Report, Stage, Step};
#[cfg(feature = "teams")]
pub use team::{TeamEnsured, TeamPlan, TeamRef, TeamState, TeamWrite, ensure_team};

use crate::{Client, Error};

/// Waits for `pacer` before a write, unless `client` paces its writes with it already
/// ([`ClientBuilder::pacer`](crate::ClientBuilder::pacer)): a write waits for one slot.
async fn pace(client: &Client, pacer: &Pacer) {
    if !client.paces_with(pacer) {
        pacer.wait().await;
    }
}

/// Drives `runs` to its end, handing each item to `each`, with `stop` polled beside it: once
/// `stop` has completed, `stopped` is set (so a `take_while` on it feeds no further work into
/// `runs`), and the work already started is still driven to its end. `stop` is heard while that
/// work waits. The migration's and the bulk apply's `execute_until`.
#[cfg(any(all(feature = "organizations", feature = "projects"), feature = "teams"))]
async fn drive_until<T>(
    runs: impl futures_util::Stream<Item = T>,
    stop: impl Future<Output = ()>,
    stopped: &std::cell::Cell<bool>,
    mut each: impl FnMut(T),
) {
    use futures_util::StreamExt;
    use futures_util::future::{self, Either};
    let mut runs = std::pin::pin!(runs);
    let mut stop = std::pin::pin!(stop);
    loop {
        let next = if stopped.get() {
            runs.next().await
        } else {
            // `stop` first: once it has come, no further work is pulled.
            match future::select(stop.as_mut(), runs.next()).await {
                Either::Left(((), next)) => {
                    stopped.set(true);
                    next.await
                }
                Either::Right((next, _)) => next,
            }
        };
        let Some(item) = next else { break };
        each(item);
    }
}

/// Whether `error` is Atlas saying the user already has a pending or active membership.
fn is_conflict(error: &Error) -> bool {
    error.status() == Some(http::StatusCode::CONFLICT)
}

/// An error as JSON fields: `error` (its text), `status` and `errorCode` (Atlas's, when it
/// answered) and `transient` (whether a rerun may well succeed), so a script can tell a
/// refusal from a failed connection. The reports that hold
/// an error are the migration's and the bulk apply's.
#[cfg(any(all(feature = "organizations", feature = "projects"), feature = "teams"))]
fn error_fields<S: serde::Serializer>(error: &Error, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(4))?;
    map.serialize_entry("error", &error.to_string())?;
    map.serialize_entry("status", &error.status().map(|status| status.as_u16()))?;
    map.serialize_entry("errorCode", &error.api_error().map(|api| api.error_code.as_str()))?;
    map.serialize_entry("transient", &error.is_transient())?;
    map.end()
}
