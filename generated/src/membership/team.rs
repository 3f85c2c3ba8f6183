//! A team as desired state: it exists in its organization with exactly these members (pending
//! users included) and these roles in the projects named, converged through the Cloud Users
//! `:addUser`/`:removeUser` and the project teams operations, never the deprecated ones.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::TryStreamExt;

use super::{is_conflict, pace};
use crate::ids::{GroupId, OrgId, TeamId, UserId};
use crate::models::{AddOrRemoveUserFromTeam, Team, TeamRole};
use crate::roles::ProjectRole;
use crate::transport::{Pacer, Pacing};
use crate::{Client, Error};

/// A team, named by its name or its ID.
///
/// ```
/// use atlas_admin::membership::TeamRef;
/// assert_eq!(TeamRef::Name("platform".into()).to_string(), "team platform");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum TeamRef {
    /// By name (unique in its organization); ensuring a team of a new name creates it.
    Name(String),
    /// By ID; the team must exist.
    Id(TeamId),
}

impl TeamRef {
    /// The team's ID, read from Atlas (`getOrgTeamByName` or `getOrgTeam`); a team that does
    /// not exist is an error naming it and the organization.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, org: atlas_admin::OrgId) -> Result<(), atlas_admin::Error> {
    /// use atlas_admin::membership::TeamRef;
    /// let id = TeamRef::Name("platform".into()).resolve(&client, &org).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn resolve(&self, client: &Client, org: &OrgId) -> Result<TeamId, Error> {
        self.find(client, org).await?.ok_or_else(|| Error::invalid_argument(format!("no {self} in organization {org}")))
    }

    /// The team's ID, `None` when Atlas answers 404.
    async fn find(&self, client: &Client, org: &OrgId) -> Result<Option<TeamId>, Error> {
        let found = match self {
            TeamRef::Name(name) => client.get_org_team_by_name(org, name).await,
            TeamRef::Id(id) => client.get_org_team(org, id).await,
        };
        match found {
            Err(error) if error.status() == Some(http::StatusCode::NOT_FOUND) => Ok(None),
            found => Ok(Some(found?.id.ok_or_else(|| no_id(self))?)),
        }
    }
}

impl std::fmt::Display for TeamRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TeamRef::Name(name) => write!(f, "team {name}"),
            TeamRef::Id(id) => write!(f, "team {id}"),
        }
    }
}

/// What a team should be: its members' usernames and its roles per project. A project with no
/// roles means the team should have no access to it (removed only when pruning).
///
/// ```
/// use atlas_admin::membership::TeamState;
/// use atlas_admin::roles::ProjectRole;
///
/// let group = "32b6e34b3d91647abb20e7b8".parse().unwrap();
/// let state = TeamState::new().with_member("ana@example.com").with_project_role(&group, ProjectRole::GroupReadOnly);
/// assert!(state.members.contains("ana@example.com"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TeamState {
    /// Usernames (Atlas compares them without case).
    pub members: BTreeSet<String>,
    /// Roles per project.
    pub project_roles: BTreeMap<GroupId, BTreeSet<ProjectRole>>,
}

impl TeamState {
    /// No members and no projects.
    ///
    /// ```
    /// assert!(atlas_admin::membership::TeamState::new().members.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// This state and the member `username`.
    ///
    /// ```
    /// let state = atlas_admin::membership::TeamState::new().with_member("ana@example.com");
    /// assert_eq!(state.members.len(), 1);
    /// ```
    pub fn with_member(mut self, username: impl Into<String>) -> Self {
        self.members.insert(username.into());
        self
    }

    /// This state and `role` in the project `group`.
    ///
    /// ```
    /// use atlas_admin::{membership::TeamState, roles::ProjectRole, GroupId};
    /// let group: GroupId = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    /// let state = TeamState::new().with_project_role(&group, ProjectRole::GroupOwner);
    /// assert!(state.project_roles[&group].contains(&ProjectRole::GroupOwner));
    /// ```
    pub fn with_project_role(mut self, group: &GroupId, role: ProjectRole) -> Self {
        self.project_roles.entry(group.clone()).or_default().insert(role);
        self
    }

    /// This state with the project `group` named but holding no role: a prune takes the team
    /// out of it.
    ///
    /// ```
    /// use atlas_admin::{membership::TeamState, GroupId};
    /// let group: GroupId = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    /// assert!(TeamState::new().without_project(&group).project_roles[&group].is_empty());
    /// ```
    pub fn without_project(mut self, group: &GroupId) -> Self {
        self.project_roles.insert(group.clone(), BTreeSet::new());
        self
    }
}

/// One write that converging a team makes, in the order it makes them.
///
/// ```
/// use atlas_admin::membership::TeamWrite;
/// let write = TeamWrite::AddMember { username: "ana@example.com".into() };
/// assert_eq!(serde_json::to_value(&write).unwrap()["write"], "addMember");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "write", rename_all = "camelCase")]
#[non_exhaustive]
pub enum TeamWrite {
    /// `createOrgTeam` with its first members (Atlas refuses an empty team).
    Create {
        /// The team's name.
        name: String,
        /// Its first members.
        members: Vec<String>,
    },
    /// `addOrgTeamUser` (`:addUser`).
    AddMember {
        /// The member.
        username: String,
    },
    /// `addGroupTeams`: the team gets access to a project with these roles.
    AssignProject {
        /// The project.
        group: GroupId,
        /// Its roles there.
        roles: Vec<ProjectRole>,
    },
    /// `updateGroupTeam`: the team's roles in a project become these.
    UpdateProject {
        /// The project.
        group: GroupId,
        /// Its roles there from now on.
        roles: Vec<ProjectRole>,
    },
    /// `removeGroupTeam` (only when pruning).
    RemoveProject {
        /// The project.
        group: GroupId,
    },
    /// `removeOrgTeamUser` (`:removeUser`; only when pruning, after every addition).
    RemoveMember {
        /// The member.
        username: String,
    },
}

impl TeamWrite {
    /// Whether it takes something away.
    ///
    /// ```
    /// use atlas_admin::membership::TeamWrite;
    /// assert!(TeamWrite::RemoveMember { username: "zed@example.com".into() }.removes());
    /// assert!(!TeamWrite::AddMember { username: "ana@example.com".into() }.removes());
    /// ```
    pub fn removes(&self) -> bool {
        matches!(self, TeamWrite::RemoveProject { .. } | TeamWrite::RemoveMember { .. })
    }
}

/// The writes that make a team what is wanted, read but not yet written: every member and
/// every named project read from every page. Without `prune` only additions are planned.
///
/// ```no_run
/// use atlas_admin::membership::{Pacer, Pacing, TeamPlan, TeamRef, TeamState};
///
/// # async fn demo(client: atlas_admin::Client, org: atlas_admin::OrgId) -> Result<(), atlas_admin::Error> {
/// let wanted = TeamState::new().with_member("ana@example.com").with_member("lee@example.com");
/// let plan = TeamPlan::new(&client, &org, &TeamRef::Name("platform".into()), &wanted, true).await?;
/// for write in plan.writes() {
///     println!("{write:?}");
/// }
/// let ensured = plan.execute(&client, &Pacer::new(&Pacing::default())).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct TeamPlan {
    /// The organization.
    pub org: OrgId,
    /// The team as it was named.
    pub team: TeamRef,
    /// Its ID, `None` when it is to be created.
    pub id: Option<TeamId>,
    writes: Vec<TeamWrite>,
    #[serde(skip)]
    wanted: TeamState,
    #[serde(skip)]
    prune: bool,
    /// The team's members by lowercase username, as read.
    #[serde(skip)]
    members: BTreeMap<String, UserId>,
}

/// What converging a team wrote; as JSON `{"outcome": "team", "teamId", "written"}`.
///
/// ```
/// # fn show(ensured: &atlas_admin::membership::TeamEnsured) {
/// if ensured.written.is_empty() {
///     println!("team {} unchanged", ensured.team);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "outcome", rename = "team")]
#[non_exhaustive]
pub struct TeamEnsured {
    /// The team.
    #[serde(rename = "teamId")]
    pub team: TeamId,
    /// Every write made, in order (none when it was as wanted).
    pub written: Vec<TeamWrite>,
}

impl TeamPlan {
    /// Reads the team `team` of `org` (by name: absent means it is to be created; by ID: it
    /// must exist), its members and its roles in each project `wanted` names, and plans the
    /// writes. `wanted` needs at least one member: Atlas keeps no team empty.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, org: atlas_admin::OrgId) -> Result<(), atlas_admin::Error> {
    /// use atlas_admin::membership::{TeamPlan, TeamRef, TeamState};
    /// let team = TeamRef::Id("6a1b2c3d4e5f60718293a4b5".parse()?);
    /// let plan = TeamPlan::new(&client, &org, &team, &TeamState::new().with_member("ana@example.com"), false).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn new(client: &Client, org: &OrgId, team: &TeamRef, wanted: &TeamState, prune: bool) -> Result<TeamPlan, Error> {
        if wanted.members.is_empty() {
            return Err(Error::invalid_argument(format!("{team} needs at least one member: Atlas keeps no team empty")));
        }
        let found = team.find(client, org).await?;
        let mut plan = TeamPlan {
            org: org.clone(),
            team: team.clone(),
            id: None,
            writes: Vec::new(),
            wanted: wanted.clone(),
            prune,
            members: BTreeMap::new(),
        };
        match (found, team) {
            (Some(id), _) => plan.plan_update(client, id).await?,
            (None, TeamRef::Name(name)) => plan.plan_creation(name),
            (None, TeamRef::Id(_)) => return Err(Error::invalid_argument(format!("no {team} in organization {org}"))),
        }
        Ok(plan)
    }

    /// The writes, in the order [`execute`](TeamPlan::execute) makes them.
    ///
    /// ```no_run
    /// # fn demo(plan: atlas_admin::membership::TeamPlan) {
    /// let removals = plan.writes().iter().filter(|write| write.removes()).count();
    /// # }
    /// ```
    pub fn writes(&self) -> &[TeamWrite] {
        &self.writes
    }

    fn plan_creation(&mut self, name: &str) {
        let members = self.wanted.members.iter().cloned().collect();
        self.writes.push(TeamWrite::Create { name: name.to_owned(), members });
        for (group, roles) in self.wanted.project_roles.iter().filter(|(_, roles)| !roles.is_empty()) {
            self.writes.push(TeamWrite::AssignProject { group: group.clone(), roles: roles.iter().cloned().collect() });
        }
    }

    /// Additions first (members, then projects), removals last, so the team is never left
    /// without a member (Atlas refuses to take out the last one).
    async fn plan_update(&mut self, client: &Client, id: TeamId) -> Result<(), Error> {
        let users: Vec<_> = client.list_org_team_users_stream(&self.org, &id, &Default::default()).try_collect().await?;
        self.members = users.iter().map(|user| (user.username().to_lowercase(), user.id().clone())).collect();
        let held: BTreeMap<String, String> =
            users.iter().map(|user| (user.username().to_lowercase(), user.username().to_owned())).collect();
        let wanted: BTreeMap<String, &String> = self.wanted.members.iter().map(|name| (name.to_lowercase(), name)).collect();
        for (lowercase, username) in &wanted {
            if !held.contains_key(lowercase) {
                self.writes.push(TeamWrite::AddMember { username: (*username).clone() });
            }
        }
        for (group, roles) in &self.wanted.project_roles {
            let held = project_roles(client, group, &id).await?;
            self.writes.extend(project_write(group, held, roles, self.prune));
        }
        if self.prune {
            for (lowercase, username) in &held {
                if !wanted.contains_key(lowercase) {
                    self.writes.push(TeamWrite::RemoveMember { username: username.clone() });
                }
            }
        }
        self.id = Some(id);
        Ok(())
    }

    /// Makes the planned writes, each waiting for `pacer`. Every member to add must already be
    /// in the organization (a pending user will do): the organization's users are read first,
    /// and a username that is not one of them is an error before anything is written. When
    /// creating answers 409 (a team of that name was made since the plan), that team is read
    /// and converged instead.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, plan: atlas_admin::membership::TeamPlan) -> Result<(), atlas_admin::Error> {
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// let ensured = plan.execute(&client, &Pacer::new(&Pacing::default())).await?;
    /// println!("{} writes to team {}", ensured.written.len(), ensured.team);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute(&self, client: &Client, pacer: &Pacer) -> Result<TeamEnsured, Error> {
        let mut written = Vec::new();
        match self.write(client, pacer, &mut written).await {
            Err(error) if written.is_empty() && self.id.is_none() && is_conflict(&error) => {
                let replanned = TeamPlan::new(client, &self.org, &self.team, &self.wanted, self.prune).await?;
                if replanned.id.is_none() {
                    return Err(error);
                }
                let team = replanned.write(client, pacer, &mut written).await?;
                Ok(TeamEnsured { team, written })
            }
            Err(error) => Err(error),
            Ok(team) => Ok(TeamEnsured { team, written }),
        }
    }

    /// Makes the writes in order, pushing each to `written` once Atlas has taken it.
    pub(crate) async fn write(&self, client: &Client, pacer: &Pacer, written: &mut Vec<TeamWrite>) -> Result<TeamId, Error> {
        let org_users = self.org_users_to_add(client).await?;
        let mut id = self.id.clone();
        for write in &self.writes {
            pace(client, pacer).await;
            self.write_one(client, &mut id, write, &org_users).await?;
            written.push(write.clone());
        }
        id.ok_or_else(|| no_id(&self.team))
    }

    /// Makes `write` to the team `id` (which creating it sets).
    async fn write_one(
        &self,
        client: &Client,
        id: &mut Option<TeamId>,
        write: &TeamWrite,
        org_users: &BTreeMap<String, UserId>,
    ) -> Result<(), Error> {
        if let TeamWrite::Create { name, members } = write {
            let team = Team { id: None, links: None, name: name.clone(), usernames: members.clone() };
            *id = Some(client.create_org_team(&self.org, &team).await?.id.ok_or_else(|| no_id(&self.team))?);
            return Ok(());
        }
        let team = id.as_ref().ok_or_else(|| no_id(&self.team))?;
        let member = |username: &String, ids: &BTreeMap<String, UserId>| {
            let id = ids.get(&username.to_lowercase()).map(ToString::to_string);
            id.map(|id| AddOrRemoveUserFromTeam { id }).ok_or_else(|| not_in_org(&self.org, &[username]))
        };
        let roles =
            |roles: &[ProjectRole]| TeamRole { links: None, role_names: Some(roles.to_vec()), team_id: Some(team.clone()) };
        match write {
            TeamWrite::Create { .. } => {}
            TeamWrite::AddMember { username } => {
                client.add_org_team_user(&self.org, team, &member(username, org_users)?).await?;
            }
            TeamWrite::RemoveMember { username } => {
                client.remove_org_team_user(&self.org, team, &member(username, &self.members)?).await?;
            }
            TeamWrite::AssignProject { group, roles: wanted } => {
                client.add_group_teams(group, &[roles(wanted)]).await?;
            }
            TeamWrite::UpdateProject { group, roles: wanted } => {
                client.update_group_team(group, team, &roles(wanted)).await?;
            }
            TeamWrite::RemoveProject { group } => client.remove_group_team(group, team).await?,
        }
        Ok(())
    }

    /// The organization's users by lowercase username, read from every page when a member is
    /// to be added or the team created; an error naming every member to add who is not one.
    async fn org_users_to_add(&self, client: &Client) -> Result<BTreeMap<String, UserId>, Error> {
        let adding: Vec<&String> = self
            .writes
            .iter()
            .flat_map(|write| match write {
                TeamWrite::Create { members, .. } => members.iter().collect(),
                TeamWrite::AddMember { username } => vec![username],
                _ => Vec::new(),
            })
            .collect();
        if adding.is_empty() {
            return Ok(BTreeMap::new());
        }
        let users: BTreeMap<String, UserId> = client
            .list_org_users_stream(&self.org, &Default::default())
            .map_ok(|user| (user.username().to_lowercase(), user.id().clone()))
            .try_collect()
            .await?;
        let missing: Vec<&String> = adding.into_iter().filter(|username| !users.contains_key(&username.to_lowercase())).collect();
        if !missing.is_empty() {
            return Err(not_in_org(&self.org, &missing));
        }
        Ok(users)
    }
}

/// The team's roles in `group`, `None` when it has no access to it, read from every page.
async fn project_roles(client: &Client, group: &GroupId, team: &TeamId) -> Result<Option<BTreeSet<ProjectRole>>, Error> {
    let teams: Vec<TeamRole> = client.list_group_teams_stream(group, &Default::default()).try_collect().await?;
    let held = teams.into_iter().find(|role| role.team_id.as_ref() == Some(team));
    Ok(held.map(|role| role.role_names.unwrap_or_default().into_iter().collect()))
}

/// The write that takes a team's roles in `group` from `held` to `wanted` (to `held` and
/// `wanted` together without `prune`).
fn project_write(
    group: &GroupId,
    held: Option<BTreeSet<ProjectRole>>,
    wanted: &BTreeSet<ProjectRole>,
    prune: bool,
) -> Option<TeamWrite> {
    let group = group.clone();
    match held {
        None if wanted.is_empty() => None,
        None => Some(TeamWrite::AssignProject { group, roles: wanted.iter().cloned().collect() }),
        Some(_) if wanted.is_empty() => prune.then_some(TeamWrite::RemoveProject { group }),
        Some(held) => {
            let target: BTreeSet<ProjectRole> = if prune { wanted.clone() } else { held.union(wanted).cloned().collect() };
            (target != held).then(|| TeamWrite::UpdateProject { group, roles: target.into_iter().collect() })
        }
    }
}

fn no_id(team: &TeamRef) -> Error {
    Error::invalid_argument(format!("Atlas answered for {team} without its ID"))
}

fn not_in_org(org: &OrgId, usernames: &[&String]) -> Error {
    let names: Vec<&str> = usernames.iter().map(|name| name.as_str()).collect();
    Error::invalid_argument(format!(
        "not in organization {org}: {} (a team's members are users of its organization, pending or active; add them first)",
        names.join(", ")
    ))
}

/// Makes the team `team` of `org` exist with exactly `wanted`'s members and project roles:
/// creates it with its members, or adds members, sets project roles and then removes the
/// members and projects it has beyond `wanted`'s, or writes nothing. A second call with the
/// same input writes nothing.
///
/// ```no_run
/// use atlas_admin::membership::{ensure_team, TeamRef, TeamState};
/// use atlas_admin::roles::ProjectRole;
///
/// # async fn demo(client: atlas_admin::Client, org: atlas_admin::OrgId, group: atlas_admin::GroupId) -> Result<(), atlas_admin::Error> {
/// let wanted = TeamState::new()
///     .with_member("ana@example.com")
///     .with_member("lee@example.com")
///     .with_project_role(&group, ProjectRole::GroupReadOnly);
/// let team = TeamRef::Name("platform".into());
/// ensure_team(&client, &org, &team, &wanted).await?;
/// let again = ensure_team(&client, &org, &team, &wanted).await?;
/// assert!(again.written.is_empty());
/// # Ok(())
/// # }
/// ```
pub async fn ensure_team(client: &Client, org: &OrgId, team: &TeamRef, wanted: &TeamState) -> Result<TeamEnsured, Error> {
    let plan = TeamPlan::new(client, org, team, wanted, true).await?;
    plan.execute(client, &Pacer::new(&Pacing::unlimited())).await
}
