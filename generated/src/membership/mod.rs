//! Membership workflows over the MongoDB Cloud Users API: moving a project's or an
//! organization's legacy invitations onto pending users ([`Migration`]), and making one member
//! hold exactly the roles you want ([`ensure_project_user`], [`ensure_org_user`]).
//!
//! Hand-written, like the runtime; the generated `lib.rs` declares this module only when the
//! spec has every operation it calls, and it compiles only with the features of those
//! operations (`projects`, `organizations` and `mongodb-cloud-users` for the fragment).
//!
//! Every write waits for a [`Pacer`] (one write a second, one at a time, by default), and the
//! client's own 429 and `Retry-After` handling still applies to each call.
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

mod ensure;
mod grants;
mod migrate;
mod pace;

pub use ensure::{Change, EnsurePlan, Ensured, ensure_org_user, ensure_project_user};
pub use grants::{Grants, Scope};
pub use migrate::{Action, Entry, Migration, Outcome, Report, Stage, Step};
pub use pace::{Pacer, Pacing, Progress};

use crate::Error;

/// Whether `error` is Atlas saying the user already has a pending or active membership.
fn is_conflict(error: &Error) -> bool {
    error.status() == Some(http::StatusCode::CONFLICT)
}
