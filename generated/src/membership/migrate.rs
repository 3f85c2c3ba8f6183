//! Moving legacy invitations onto the Cloud Users API: plan (each pending invitation and what it
//! becomes), execute (create or complete the member, then delete the invitation), report.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use futures_util::{StreamExt, TryStreamExt};

use super::grants::{Grants, Scope};
use super::is_conflict;
use super::scope::{Members, Update, Written};
use crate::ids::{GroupId, InvitationId, OrgId, UserId};
use crate::transport::Pacer;
use crate::{Client, Error};

/// What a migration does with one invitation.
///
/// ```
/// use atlas_admin::membership::{Action, Grants};
///
/// let action = Action::AddToMember {
///     user: "6a1b2c3d4e5f60718293a4b5".parse().unwrap(),
///     held: Grants::new(),
///     missing: Grants::new(),
/// };
/// assert!(matches!(action, Action::AddToMember { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "action", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Action {
    /// Nobody of that username is a member: create a pending user with the invitation's
    /// grants (`addGroupUsers` or `createOrgUser`), then delete the invitation.
    Create,
    /// Already a member (pending or active): add the grants `missing` (none when the
    /// member already holds all of them), then delete the invitation.
    AddToMember {
        /// The member.
        #[serde(rename = "userId")]
        user: UserId,
        /// What the member holds now.
        held: Grants,
        /// What the invitation grants that the member does not hold.
        missing: Grants,
    },
}

/// One pending invitation and what the migration does with it.
///
/// ```
/// # async fn demo(migration: atlas_admin::membership::Migration) {
/// for step in migration.steps() {
///     println!("{} {}: {:?} ({:?})", step.invitation, step.username, step.action, step.grants);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Step {
    /// The legacy invitation.
    #[serde(rename = "invitationId")]
    pub invitation: InvitationId,
    /// Who was invited.
    pub username: String,
    /// What the invitation grants.
    pub grants: Grants,
    /// What happens to it.
    #[serde(flatten)]
    pub action: Action,
}

/// Where a failed invitation stopped; the invitation is deleted only after the last write
/// before it succeeded, so in every case below but `DeletingInvitation` it is still in place.
///
/// ```
/// use atlas_admin::membership::Stage;
/// assert_eq!(Stage::CreatingUser.to_string(), "creating the user");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// `addGroupUsers` or `createOrgUser` failed.
    CreatingUser,
    /// The user exists (409) but could not be found by username.
    FindingMember,
    /// Adding the missing roles to an existing member failed.
    AddingRoles,
    /// The member has every grant, but deleting the invitation failed: a rerun only deletes it.
    DeletingInvitation,
}

/// As JSON, the words of its `Display`.
impl serde::Serialize for Stage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::CreatingUser => "creating the user",
            Stage::FindingMember => "finding the existing member",
            Stage::AddingRoles => "adding the missing roles",
            Stage::DeletingInvitation => "deleting the invitation",
        })
    }
}

/// How one invitation's migration ended.
///
/// ```
/// use atlas_admin::membership::Outcome;
/// let outcome = Outcome::Migrated { user: "6a1b2c3d4e5f60718293a4b5".parse().unwrap() };
/// assert!(outcome.is_success());
/// ```
#[derive(Debug, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Outcome {
    /// Re-created as a pending user, and the invitation deleted.
    Migrated {
        /// The new pending user.
        #[serde(rename = "userId")]
        user: UserId,
    },
    /// Already a member: `added` were added (nothing when the member held everything), and
    /// the invitation deleted.
    AlreadyMember {
        /// The member.
        #[serde(rename = "userId")]
        user: UserId,
        /// What was added.
        added: Grants,
    },
    /// Something failed at `stage`; the invitation is left in place unless `stage` is
    /// [`Stage::DeletingInvitation`] (where it could not be deleted).
    Failed {
        /// Where it stopped.
        stage: Stage,
        /// Atlas's answer, or what kept the request from being answered.
        #[serde(flatten, serialize_with = "super::error_fields")]
        error: Error,
    },
}

impl Outcome {
    /// Whether the invitation was moved and deleted.
    ///
    /// ```
    /// use atlas_admin::membership::{Grants, Outcome};
    /// let user = "6a1b2c3d4e5f60718293a4b5".parse().unwrap();
    /// assert!(Outcome::AlreadyMember { user, added: Grants::new() }.is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        !matches!(self, Outcome::Failed { .. })
    }
}

/// One invitation's line of a [`Report`].
///
/// ```
/// # fn demo(report: &atlas_admin::membership::Report) {
/// for entry in &report.entries {
///     println!("{} {} {}", entry.invitation, entry.username, entry.outcome.is_success());
/// }
/// # }
/// ```
#[derive(Debug, serde::Serialize)]
#[non_exhaustive]
pub struct Entry {
    /// The legacy invitation.
    #[serde(rename = "invitationId")]
    pub invitation: InvitationId,
    /// Who was invited.
    pub username: String,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What [`Migration::execute`] did, one entry per invitation started, in the plan's order.
///
/// ```
/// # fn demo(report: atlas_admin::membership::Report) {
/// if !report.all_migrated() {
///     for entry in report.failures() {
///         eprintln!("{} stays: {:?}", entry.username, entry.outcome);
///     }
/// }
/// # }
/// ```
#[derive(Debug, serde::Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The project or organization.
    pub scope: Scope,
    /// One per invitation started.
    pub entries: Vec<Entry>,
    /// How many invitations the plan had: more than `entries` when the run was stopped.
    pub planned: usize,
}

impl Report {
    /// Whether every invitation of the plan was started, that is the run was not stopped
    /// ([`Migration::execute_until`]).
    ///
    /// ```
    /// # fn demo(report: atlas_admin::membership::Report) {
    /// let untouched = report.planned - report.entries.len();
    /// assert_eq!(untouched == 0, report.is_complete());
    /// # }
    /// ```
    pub fn is_complete(&self) -> bool {
        self.entries.len() == self.planned
    }

    /// Whether every invitation started was moved (true when there was none); see
    /// [`is_complete`](Report::is_complete) for whether all were started.
    ///
    /// ```
    /// # fn demo(report: atlas_admin::membership::Report) {
    /// std::process::exit(if report.all_migrated() { 0 } else { 1 });
    /// # }
    /// ```
    pub fn all_migrated(&self) -> bool {
        self.entries.iter().all(|entry| entry.outcome.is_success())
    }

    /// The entries that failed.
    ///
    /// ```
    /// # fn demo(report: atlas_admin::membership::Report) {
    /// assert_eq!(report.failures().count() == 0, report.all_migrated());
    /// # }
    /// ```
    pub fn failures(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|entry| !entry.outcome.is_success())
    }
}

/// The plan to move one project's or organization's pending invitations onto pending users.
/// Planning only reads; [`execute`](Migration::execute) writes.
///
/// Rerunning is safe: a migrated invitation is gone, and one whose user was created but that
/// could not be deleted is planned as [`Action::AddToMember`] with nothing missing, so the
/// rerun only deletes it.
///
/// ```no_run
/// use atlas_admin::membership::{Migration, Pacer, Pacing};
/// use atlas_admin::{Client, OrgId};
///
/// # async fn demo(client: Client) -> Result<(), atlas_admin::Error> {
/// let org: OrgId = "4888442a3354817a7320eb61".parse()?;
/// let migration = Migration::plan_org(&client, &org).await?;
/// let pacer = Pacer::new(&Pacing::default());
/// let report = migration
///     .execute(&client, &pacer, |progress| eprintln!("{}/{}", progress.done, progress.total))
///     .await;
/// println!("{} failed", report.failures().count());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Migration {
    /// The project or organization.
    pub scope: Scope,
    #[serde(rename = "invitations")]
    steps: Vec<Step>,
}

impl Migration {
    /// Lists the project's invitations and members, and plans each invitation.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, group: atlas_admin::GroupId) -> Result<(), atlas_admin::Error> {
    /// let migration = atlas_admin::membership::Migration::plan_project(&client, &group).await?;
    /// println!("{} invitations", migration.steps().len());
    /// # Ok(())
    /// # }
    /// ```
    #[allow(deprecated, reason = "reading the invitations is the point of the migration")]
    pub async fn plan_project(client: &Client, group: &GroupId) -> Result<Migration, Error> {
        let invitations = client.list_group_invites(group, &Default::default()).await?;
        let invited = usernames(invitations.iter().filter_map(|invitation| invitation.username.as_deref()));
        let members: BTreeMap<String, (UserId, Grants)> = client
            .list_group_users_stream(group, &Default::default())
            .try_filter_map(|user| {
                let member = keep_invited(&invited, user.username(), || (user.id().clone(), Grants::of_group_user(group, &user)));
                std::future::ready(Ok(member))
            })
            .try_collect()
            .await?;
        // Atlas lists every invitation in one answer (no paging): each invitation's fields are
        // moved into its step or freed as it is planned, never held twice.
        let steps = invitations
            .into_iter()
            .filter_map(|invitation| {
                let grants = Grants::of_group_invitation(group, &invitation);
                Some(step(invitation.id?, invitation.username?, grants, &members))
            })
            .collect();
        Ok(Migration { scope: Scope::Project(group.clone()), steps })
    }

    /// Lists the organization's invitations and members, and plans each invitation.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, org: atlas_admin::OrgId) -> Result<(), atlas_admin::Error> {
    /// let migration = atlas_admin::membership::Migration::plan_org(&client, &org).await?;
    /// println!("{} invitations", migration.steps().len());
    /// # Ok(())
    /// # }
    /// ```
    #[allow(deprecated, reason = "reading the invitations is the point of the migration")]
    pub async fn plan_org(client: &Client, org: &OrgId) -> Result<Migration, Error> {
        let invitations = client.list_org_invites(org, &Default::default()).await?;
        let invited = usernames(invitations.iter().filter_map(|invitation| invitation.username.as_deref()));
        let members: BTreeMap<String, (UserId, Grants)> = client
            .list_org_users_stream(org, &Default::default())
            .try_filter_map(|user| {
                let member = keep_invited(&invited, user.username(), || (user.id().clone(), Grants::of_org_user(&user)));
                std::future::ready(Ok(member))
            })
            .try_collect()
            .await?;
        // As in `plan_project`: one answer, each invitation moved into its step or freed.
        let steps = invitations
            .into_iter()
            .filter_map(|invitation| {
                let grants = Grants::of_org_invitation(&invitation);
                Some(step(invitation.id?, invitation.username?, grants, &members))
            })
            .collect();
        Ok(Migration { scope: Scope::Organization(org.clone()), steps })
    }

    /// Each pending invitation (those with an ID and a username) and what happens to it.
    ///
    /// ```no_run
    /// # fn demo(migration: atlas_admin::membership::Migration) {
    /// let creates = migration.steps().iter().filter(|step| matches!(step.action, atlas_admin::membership::Action::Create)).count();
    /// # }
    /// ```
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Moves every invitation, `pacer.pacing().concurrency()` at a time, each write waiting for
    /// `pacer`; calls `progress` after each invitation. A failure stops only its own
    /// invitation, which is then left in place. The same as
    /// [`execute_until`](Migration::execute_until) with a `stop` that never comes.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, migration: atlas_admin::membership::Migration) {
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// let pacer = Pacer::new(&Pacing::default().with_writes_per_minute(120).with_concurrency(2));
    /// let report = migration.execute(&client, &pacer, |_| {}).await;
    /// # }
    /// ```
    pub async fn execute(&self, client: &Client, pacer: &Pacer, progress: impl FnMut(Progress<'_>)) -> Report {
        self.execute_until(client, pacer, std::future::pending(), progress).await
    }

    /// [`execute`](Migration::execute), starting no further invitation once `stop` has
    /// completed (a Ctrl-C, a deadline, a cancellation token): the invitations in flight
    /// finish their writes, so none is left half-moved, and the report has an entry for each
    /// invitation started, in the plan's order; [`Report::is_complete`] says whether that is
    /// all of them. The rest are untouched and a rerun plans them again.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, migration: atlas_admin::membership::Migration) {
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// // Start nothing after ten minutes; a tool would pass its Ctrl-C signal instead.
    /// let deadline = tokio::time::sleep(std::time::Duration::from_secs(600));
    /// let report = migration.execute_until(&client, &Pacer::new(&Pacing::default()), deadline, |_| {}).await;
    /// if !report.is_complete() {
    ///     eprintln!("interrupted after {} of {} invitations", report.entries.len(), report.planned);
    /// }
    /// # }
    /// ```
    pub async fn execute_until(
        &self,
        client: &Client,
        pacer: &Pacer,
        stop: impl Future<Output = ()>,
        mut progress: impl FnMut(Progress<'_>),
    ) -> Report {
        let total = self.steps.len();
        let mut finished: Vec<(usize, Entry)> = Vec::with_capacity(total);
        let stopped = Cell::new(false);
        // Ending the steps fed to `buffer_unordered` still lets it drive the started ones to
        // their end; `stop` is polled beside them, so it is heard while they wait.
        let runs = futures_util::stream::iter(self.steps.iter().enumerate())
            .take_while(|_| std::future::ready(!stopped.get()))
            .map(|(index, step)| async move { (index, self.run(client, pacer, step).await) })
            .buffer_unordered(pacer.pacing().concurrency());
        super::drive_until(runs, stop, &stopped, |(index, entry)| {
            finished.push((index, entry));
            let last = &finished.last().expect("just pushed").1;
            progress(Progress { done: finished.len(), total, last });
        })
        .await;
        finished.sort_by_key(|(index, _)| *index);
        let entries = finished.into_iter().map(|(_, entry)| entry).collect();
        Report { scope: self.scope.clone(), planned: total, entries }
    }

    async fn run(&self, client: &Client, pacer: &Pacer, step: &Step) -> Entry {
        let outcome = match self.complete_member(client, pacer, step).await {
            Err((stage, error)) => Outcome::Failed { stage, error },
            Ok(done) => {
                super::pace(client, pacer).await;
                match self.delete_invitation(client, &step.invitation).await {
                    Err(error) => Outcome::Failed { stage: Stage::DeletingInvitation, error },
                    Ok(()) => done,
                }
            }
        };
        Entry { invitation: step.invitation.clone(), username: step.username.clone(), outcome }
    }

    /// Creates the member or adds what it lacks; the outcome the invitation gets once deleted.
    async fn complete_member(&self, client: &Client, pacer: &Pacer, step: &Step) -> Result<Outcome, (Stage, Error)> {
        let (user, missing) = match &step.action {
            Action::AddToMember { user, missing, .. } => (user.clone(), missing.clone()),
            Action::Create => {
                super::pace(client, pacer).await;
                match self.create(client, step).await {
                    Ok(user) => return Ok(Outcome::Migrated { user }),
                    Err(error) if is_conflict(&error) => {
                        let (user, held) =
                            self.find_member(client, &step.username).await.map_err(|error| (Stage::FindingMember, error))?;
                        (user, step.grants.minus(&held))
                    }
                    Err(error) => return Err((Stage::CreatingUser, error)),
                }
            }
        };
        self.add(client, pacer, &user, &missing).await.map_err(|error| (Stage::AddingRoles, error))?;
        Ok(Outcome::AlreadyMember { user, added: missing })
    }

    async fn create(&self, client: &Client, step: &Step) -> Result<UserId, Error> {
        self.scope.members().create(client, &step.username, &step.grants).await
    }

    /// The member named `username` (case-insensitively, as Atlas compares them).
    async fn find_member(&self, client: &Client, username: &str) -> Result<(UserId, Grants), Error> {
        let found = self.scope.members().find(client, username).await?;
        found.ok_or_else(|| Error::invalid_argument(format!("Atlas answered 409 for {username}, but lists no such member")))
    }

    /// Adds `missing` to a member: one `:addRole` per project role, or one `updateOrgUser`
    /// with what the member holds then and `missing` (it replaces the role set and teams).
    async fn add(&self, client: &Client, pacer: &Pacer, user: &UserId, missing: &Grants) -> Result<(), Error> {
        if missing.is_empty() {
            return Ok(());
        }
        let change = Update { user, add: missing, remove: &Grants::new() };
        self.scope.members().update(client, pacer, change, &mut Written::default()).await
    }

    #[allow(deprecated, reason = "deleting the invitation is the point of the migration")]
    async fn delete_invitation(&self, client: &Client, invitation: &InvitationId) -> Result<(), Error> {
        match &self.scope {
            Scope::Project(group) => client.delete_group_invite(group, invitation).await,
            Scope::Organization(org) => client.delete_org_invite(org, invitation).await,
        }
    }
}

/// The invited usernames, lowercase as Atlas compares them.
fn usernames<'a>(invited: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    invited.map(str::to_lowercase).collect()
}

/// A member worth keeping while the members are read page by page: only one someone invited,
/// so the plan holds the invitations and their members, never the whole organization.
fn keep_invited<T>(invited: &BTreeSet<String>, username: &str, member: impl FnOnce() -> T) -> Option<(String, T)> {
    let key = username.to_lowercase();
    invited.contains(&key).then(|| (key, member()))
}

/// What to do with one invitation, given the members by lowercase username.
fn step(invitation: InvitationId, username: String, grants: Grants, members: &BTreeMap<String, (UserId, Grants)>) -> Step {
    let action = match members.get(&username.to_lowercase()) {
        None => Action::Create,
        Some((user, held)) => Action::AddToMember { user: user.clone(), held: held.clone(), missing: grants.minus(held) },
    };
    Step { invitation, username, grants, action }
}

/// Where a bulk run stands, given to its progress callback after each invitation.
///
/// ```
/// use atlas_admin::membership::Progress;
///
/// fn show(progress: Progress<'_>) {
///     eprintln!("{}/{} {}", progress.done, progress.total, progress.last.username);
/// }
/// # let _ = show;
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Progress<'a> {
    /// Invitations finished so far, this one included.
    pub done: usize,
    /// Invitations in the run.
    pub total: usize,
    /// The one just finished.
    pub last: &'a Entry,
}
