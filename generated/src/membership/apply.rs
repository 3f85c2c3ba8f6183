//! Bulk desired state: a members file's projects and organizations, users and teams, every one
//! planned before anything is written, then written in order with one report.

use std::cell::Cell;
use std::collections::BTreeMap;

use futures_util::StreamExt;

use super::ensure::{EnsurePlan, Ensured};
use super::grants::{Grants, Scope};
use super::scope::Written;
use super::team::{TeamEnsured, TeamPlan, TeamRef, TeamState, TeamWrite};
use crate::ids::{GroupId, OrgId, TeamId};
use crate::roles::{OrgRole, ProjectRole};
use crate::transport::Pacer;
use crate::{Client, Error};

/// The desired members of projects and organizations, as a members file (YAML or JSON, read
/// with the serde format of your choice) describes them. Names as in the file: `projects`
/// (`group`, `members`: `username`, `roles`) and `orgs` (`org`, `members`: `username`,
/// `roles`, `projectRoles`, `teams`; `teams`: `name` or `id`, `members`, `projectRoles`).
///
/// ```
/// use atlas_admin::membership::MembersFile;
///
/// let file: MembersFile = serde_json::from_value(serde_json::json!({
///     "orgs": [{
///         "org": "4888442a3354817a7320eb61",
///         "members": [{ "username": "ana@example.com", "roles": ["ORG_MEMBER"] }],
///         "teams": [{
///             "name": "platform",
///             "members": ["ana@example.com"],
///             "projectRoles": { "32b6e34b3d91647abb20e7b8": ["GROUP_READ_ONLY"] },
///         }],
///     }],
/// }))
/// .unwrap();
/// file.check().unwrap();
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MembersFile {
    /// Projects and their members.
    #[serde(default)]
    pub projects: Vec<ProjectMembers>,
    /// Organizations, their members and their teams.
    #[serde(default)]
    pub orgs: Vec<OrgMembers>,
}

/// A project of a [`MembersFile`].
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ProjectMembers {
    /// The project.
    pub group: GroupId,
    /// Its members.
    pub members: Vec<ProjectMember>,
}

/// A member of a project of a [`MembersFile`].
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ProjectMember {
    /// The username.
    pub username: String,
    /// Its roles (at least one).
    pub roles: Vec<ProjectRole>,
}

/// An organization of a [`MembersFile`].
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OrgMembers {
    /// The organization.
    pub org: OrgId,
    /// Its members.
    #[serde(default)]
    pub members: Vec<OrgMember>,
    /// Its teams.
    #[serde(default)]
    pub teams: Vec<TeamMembers>,
}

/// A member of an organization of a [`MembersFile`].
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OrgMember {
    /// The username.
    pub username: String,
    /// Its organization roles (at least one).
    pub roles: Vec<OrgRole>,
    /// Its roles per project.
    #[serde(default, rename = "projectRoles")]
    pub project_roles: BTreeMap<GroupId, Vec<ProjectRole>>,
    /// Its teams; when absent, the teams it is in are left as they are, even when pruning.
    #[serde(default)]
    pub teams: Option<Vec<TeamId>>,
}

/// A team of an organization of a [`MembersFile`]: `name` or `id`, its members, its roles per
/// project (a project with no roles: the team should have no access to it).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TeamMembers {
    /// The team's name (created when no team has it).
    #[serde(default)]
    pub name: Option<String>,
    /// Or its ID.
    #[serde(default)]
    pub id: Option<TeamId>,
    /// Its members' usernames (at least one; users of the organization, pending or active).
    pub members: Vec<String>,
    /// Its roles per project.
    #[serde(default, rename = "projectRoles")]
    pub project_roles: BTreeMap<GroupId, Vec<ProjectRole>>,
}

impl TeamMembers {
    fn team(&self) -> Result<TeamRef, Error> {
        match (&self.name, &self.id) {
            (Some(name), None) => Ok(TeamRef::Name(name.clone())),
            (None, Some(id)) => Ok(TeamRef::Id(id.clone())),
            _ => Err(Error::invalid_argument(format!(
                "a team names either `name` or `id`, not both or neither: {:?}",
                self.members
            ))),
        }
    }

    fn state(&self) -> TeamState {
        let state = self.members.iter().fold(TeamState::new(), |state, username| state.with_member(username.clone()));
        self.project_roles.iter().fold(state, |state, (group, roles)| {
            roles.iter().fold(state.without_project(group), |state, role| state.with_project_role(group, role.clone()))
        })
    }
}

impl OrgMember {
    fn grants(&self) -> Grants {
        let grants = self.roles.iter().fold(Grants::new(), |grants, role| grants.with_org_role(role.clone()));
        let grants = self.project_roles.iter().fold(grants, |grants, (group, roles)| {
            roles.iter().fold(grants, |grants, role| grants.with_project_role(group, role.clone()))
        });
        self.teams.iter().flatten().fold(grants, |grants, team| grants.with_team(team))
    }
}

impl MembersFile {
    /// Checks what reading the file cannot: every role is one this crate knows (so a typo is an
    /// error naming it, never a role sent to Atlas), and every team is named by name or ID.
    ///
    /// ```
    /// use atlas_admin::membership::MembersFile;
    /// let file: MembersFile = serde_json::from_str(
    ///     r#"{"projects":[{"group":"32b6e34b3d91647abb20e7b8","members":[{"username":"a@example.com","roles":["GROUP_OWNR"]}]}]}"#,
    /// ).unwrap();
    /// assert_eq!(file.check().unwrap_err().to_string(), "invalid argument: unknown project role GROUP_OWNR");
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let members = self.orgs.iter().flat_map(|org| &org.members);
        let teams = self.orgs.iter().flat_map(|org| &org.teams);
        let project_roles = (self.projects.iter().flat_map(|project| project.members.iter().flat_map(|member| &member.roles)))
            .chain(members.clone().flat_map(|member| member.project_roles.values().flatten()))
            .chain(teams.clone().flat_map(|team| team.project_roles.values().flatten()));
        if let Some(role) = project_roles.into_iter().find(|role| !ProjectRole::KNOWN.contains(role)) {
            return Err(Error::invalid_argument(format!("unknown project role {role}")));
        }
        if let Some(role) = members.flat_map(|member| &member.roles).find(|role| !OrgRole::KNOWN.contains(role)) {
            return Err(Error::invalid_argument(format!("unknown organization role {role}")));
        }
        teams.map(TeamMembers::team).find_map(Result::err).map_or(Ok(()), Err)
    }

    /// Checks the file, then reads and plans every user and team of it, in order; nothing is
    /// written. The first one that cannot be planned stops it.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, file: atlas_admin::membership::MembersFile) -> Result<(), atlas_admin::Error> {
    /// let plan = file.plan(&client, false).await?;
    /// println!("{} to change", plan.changes());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn plan(&self, client: &Client, prune: bool) -> Result<ApplyPlan, Error> {
        self.check()?;
        let mut users = Vec::new();
        for project in &self.projects {
            for member in &project.members {
                users.push(EnsurePlan::project(client, &project.group, &member.username, &member.roles, prune).await?);
            }
        }
        let mut teams = Vec::new();
        for org in &self.orgs {
            for member in &org.members {
                let managed = member.teams.is_some();
                users.push(
                    EnsurePlan::org_with_teams(client, &org.org, &member.username, &member.grants(), prune, managed).await?,
                );
            }
            for team in &org.teams {
                teams.push(TeamPlan::new(client, &org.org, &team.team()?, &team.state(), prune).await?);
            }
        }
        Ok(ApplyPlan { users, teams, prune })
    }
}

/// Every user and team of a [`MembersFile`], planned. Its JSON: `users` (each an
/// [`EnsurePlan`]), `teams` (each a [`TeamPlan`]), `prune`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct ApplyPlan {
    /// One per user, projects' first.
    pub users: Vec<EnsurePlan>,
    /// One per team.
    pub teams: Vec<TeamPlan>,
    /// Whether what is held beyond the file is taken away.
    pub prune: bool,
}

impl ApplyPlan {
    /// How many users and teams executing it changes.
    ///
    /// ```no_run
    /// # fn demo(plan: atlas_admin::membership::ApplyPlan) {
    /// println!("{} of {} to change", plan.changes(), plan.users.len() + plan.teams.len());
    /// # }
    /// ```
    pub fn changes(&self) -> usize {
        self.users.iter().filter(|plan| plan.change.writes()).count()
            + self.teams.iter().filter(|plan| !plan.writes().is_empty()).count()
    }

    /// How many users and teams executing it takes something away from.
    ///
    /// ```no_run
    /// # fn demo(plan: atlas_admin::membership::ApplyPlan) {
    /// if plan.removals() > 0 {
    ///     eprintln!("this takes something away from {} users or teams", plan.removals());
    /// }
    /// # }
    /// ```
    pub fn removals(&self) -> usize {
        let users =
            self.users.iter().filter(|plan| matches!(&plan.change, super::Change::Update { remove, .. } if !remove.is_empty()));
        users.count() + self.teams.iter().filter(|plan| plan.writes().iter().any(TeamWrite::removes)).count()
    }

    /// Writes every change, in order: users first (a team's new members must be users of its
    /// organization), then teams; each write waits for `pacer`. A failure stops only its own
    /// user or team; `progress` hears of each as it ends. The same as
    /// [`execute_until`](ApplyPlan::execute_until) with a `stop` that never comes.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, plan: atlas_admin::membership::ApplyPlan) {
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// let report = plan.execute(&client, &Pacer::new(&Pacing::default()), |applied| eprintln!("{applied:?}")).await;
    /// std::process::exit(if report.failed() == 0 { 0 } else { 1 });
    /// # }
    /// ```
    pub async fn execute(&self, client: &Client, pacer: &Pacer, progress: impl FnMut(&Applied)) -> ApplyReport {
        self.execute_until(client, pacer, std::future::pending(), progress).await
    }

    /// [`execute`](ApplyPlan::execute), starting no further user or team once `stop` has
    /// completed (a Ctrl-C, a deadline, a cancellation token): the one in flight finishes its
    /// writes, and the report has an entry for each one started; [`ApplyReport::is_complete`]
    /// says whether that is all of them. A rerun plans the rest again.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, plan: atlas_admin::membership::ApplyPlan) {
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// // Start nothing after ten minutes; a tool would pass its Ctrl-C signal instead.
    /// let deadline = tokio::time::sleep(std::time::Duration::from_secs(600));
    /// let report = plan.execute_until(&client, &Pacer::new(&Pacing::default()), deadline, |_| {}).await;
    /// if !report.is_complete() {
    ///     eprintln!("stopped after {} of {} members and teams", report.entries.len(), report.planned);
    /// }
    /// # }
    /// ```
    pub async fn execute_until(
        &self,
        client: &Client,
        pacer: &Pacer,
        stop: impl Future<Output = ()>,
        mut progress: impl FnMut(&Applied),
    ) -> ApplyReport {
        let planned = self.changes();
        let mut entries = Vec::with_capacity(planned);
        let users = self.users.iter().filter(|plan| plan.change.writes()).map(Job::User);
        let teams = self.teams.iter().filter(|plan| !plan.writes().is_empty()).map(Job::Team);
        let stopped = Cell::new(false);
        // One at a time, in order; once `stop` has come, no further one starts.
        let runs = futures_util::stream::iter(users.chain(teams))
            .take_while(|_| std::future::ready(!stopped.get()))
            .then(|job| job.apply(client, pacer));
        super::drive_until(runs, stop, &stopped, |applied| {
            entries.push(applied);
            progress(entries.last().expect("just pushed"));
        })
        .await;
        ApplyReport { entries, planned }
    }
}

/// One user or team of an [`ApplyPlan`] with something to write.
enum Job<'a> {
    User(&'a EnsurePlan),
    Team(&'a TeamPlan),
}

impl Job<'_> {
    /// Writes it; a failure keeps what was written.
    async fn apply(self, client: &Client, pacer: &Pacer) -> Applied {
        match self {
            Job::User(plan) => {
                let mut granted = Written::default();
                let outcome = match plan.execute_recording(client, pacer, &mut granted).await {
                    Ok(ensured) => AppliedOutcome::User(ensured),
                    Err(error) => AppliedOutcome::Failed(Failure {
                        error,
                        written: Vec::new(),
                        added: granted.added,
                        removed: granted.removed,
                    }),
                };
                Applied { scope: plan.scope.clone(), subject: Subject::User(plan.username.clone()), outcome }
            }
            Job::Team(plan) => {
                let mut written = Vec::new();
                let outcome = match plan.write(client, pacer, &mut written).await {
                    Ok(team) => AppliedOutcome::Team(TeamEnsured { team, written }),
                    Err(error) => {
                        AppliedOutcome::Failed(Failure { error, written, added: Grants::new(), removed: Grants::new() })
                    }
                };
                Applied { scope: Scope::Organization(plan.org.clone()), subject: Subject::Team(plan.team.clone()), outcome }
            }
        }
    }
}

/// Who a line of an [`ApplyReport`] is about; in its JSON, `username` or `team`.
///
/// ```
/// use atlas_admin::membership::Subject;
/// let subject = Subject::User("ana@example.com".into());
/// assert_eq!(serde_json::to_value(&subject).unwrap(), serde_json::json!({ "username": "ana@example.com" }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum Subject {
    /// A user, by username.
    #[serde(rename = "username")]
    User(String),
    /// A team.
    #[serde(rename = "team")]
    Team(TeamRef),
}

/// How one user's or team's change ended.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum AppliedOutcome {
    /// A user converged (`outcome`: `created`, `changed`, `unchanged`).
    User(Ensured),
    /// A team converged (`outcome`: `team`), with every write made.
    Team(TeamEnsured),
    /// It failed (`outcome`: `failed`); what was written before is kept.
    Failed(Failure),
}

/// A failed change: Atlas's answer (as JSON `error`, `status`, `errorCode`), and what was
/// written before it: a team's writes, or the roles a user was given or lost (a project
/// member's roles are written one at a time).
#[derive(Debug, serde::Serialize)]
#[serde(tag = "outcome", rename = "failed")]
#[non_exhaustive]
pub struct Failure {
    /// What went wrong.
    #[serde(flatten, serialize_with = "super::error_fields")]
    pub error: Error,
    /// The writes Atlas took before the failure, for a team.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub written: Vec<TeamWrite>,
    /// What a user was given before the failure.
    #[serde(skip_serializing_if = "Grants::is_empty")]
    pub added: Grants,
    /// What a user lost before the failure.
    #[serde(skip_serializing_if = "Grants::is_empty")]
    pub removed: Grants,
}

/// One user's or team's line of an [`ApplyReport`]: `scope`, `username` or `team`, and the
/// outcome's fields.
///
/// ```
/// use atlas_admin::membership::{Applied, AppliedOutcome};
/// fn failed(applied: &Applied) -> bool {
///     matches!(applied.outcome, AppliedOutcome::Failed(_))
/// }
/// # let _ = failed;
/// ```
#[derive(Debug, serde::Serialize)]
#[non_exhaustive]
pub struct Applied {
    /// The project or organization.
    pub scope: Scope,
    /// The user or team.
    #[serde(flatten)]
    pub subject: Subject,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: AppliedOutcome,
}

/// What [`ApplyPlan::execute`] did: one entry per user or team it changed, in order.
#[derive(Debug, serde::Serialize)]
#[non_exhaustive]
pub struct ApplyReport {
    /// One per user or team changed.
    pub entries: Vec<Applied>,
    /// How many users and teams the plan changes ([`ApplyPlan::changes`]): more than
    /// `entries` when the run was stopped ([`ApplyPlan::execute_until`]).
    pub planned: usize,
}

impl ApplyReport {
    /// Whether every change of the plan was started, that is the run was not stopped.
    ///
    /// ```no_run
    /// # fn demo(report: atlas_admin::membership::ApplyReport) {
    /// assert_eq!(report.is_complete(), report.entries.len() == report.planned);
    /// # }
    /// ```
    pub fn is_complete(&self) -> bool {
        self.entries.len() == self.planned
    }

    /// How many failed.
    ///
    /// ```no_run
    /// # fn demo(report: atlas_admin::membership::ApplyReport) {
    /// std::process::exit(if report.failed() == 0 { 0 } else { 1 });
    /// # }
    /// ```
    pub fn failed(&self) -> usize {
        self.entries.iter().filter(|entry| matches!(entry.outcome, AppliedOutcome::Failed(_))).count()
    }
}
