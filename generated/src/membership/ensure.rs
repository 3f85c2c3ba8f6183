//! Membership as desired state: one user of a project with exactly these roles, or of an
//! organization with these organization roles, project roles and teams.

use super::grants::{Grants, Scope};
use super::is_conflict;
use super::scope::{Members, OrgMembers, ProjectMembers, Update, Written};
use crate::ids::{GroupId, OrgId, UserId};
use crate::roles::ProjectRole;
use crate::transport::{Pacer, Pacing};
use crate::{Client, Error};

/// What converging a member changes.
///
/// ```
/// use atlas_admin::membership::{Change, Grants};
/// let change = Change::Create { grants: Grants::new() };
/// assert!(change.writes());
/// assert_eq!(serde_json::to_value(&change).unwrap(), serde_json::json!({ "change": "create", "grants": {} }));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "change", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Change {
    /// Nobody of that username is a member: create a pending user with `grants`.
    Create {
        /// What the new user gets.
        grants: Grants,
    },
    /// A member to update: `add` first, then `remove`.
    Update {
        /// The member.
        #[serde(rename = "userId")]
        user: UserId,
        /// Grants to add.
        add: Grants,
        /// Grants to take away (only when pruning).
        remove: Grants,
    },
    /// The member already holds what is wanted.
    Unchanged {
        /// The member.
        #[serde(rename = "userId")]
        user: UserId,
    },
}

impl Change {
    /// Whether carrying it out writes anything.
    ///
    /// ```
    /// use atlas_admin::membership::Change;
    /// assert!(!Change::Unchanged { user: "6a1b2c3d4e5f60718293a4b5".parse().unwrap() }.writes());
    /// ```
    pub fn writes(&self) -> bool {
        !matches!(self, Change::Unchanged { .. })
    }
}

/// What converging a member did.
///
/// ```
/// use atlas_admin::membership::Ensured;
/// # fn show(ensured: &Ensured) {
/// match ensured {
///     Ensured::Created { user, .. } => println!("created {user}"),
///     Ensured::Changed { added, removed, .. } => println!("added {added:?}, removed {removed:?}"),
///     Ensured::Unchanged { .. } => println!("unchanged"),
///     _ => {}
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Ensured {
    /// A pending user was created.
    Created {
        /// The new user.
        #[serde(rename = "userId")]
        user: UserId,
        /// What it holds.
        grants: Grants,
    },
    /// The member was updated.
    Changed {
        /// The member.
        #[serde(rename = "userId")]
        user: UserId,
        /// What was added.
        added: Grants,
        /// What was taken away.
        removed: Grants,
    },
    /// Nothing was written.
    Unchanged {
        /// The member.
        #[serde(rename = "userId")]
        user: UserId,
    },
}

/// The change that makes one member hold what is wanted, read but not yet written. With
/// `prune`, grants the member holds beyond the wanted ones are removed; without, only
/// additions are planned.
///
/// ```no_run
/// use atlas_admin::membership::{EnsurePlan, Pacer, Pacing};
/// use atlas_admin::roles::ProjectRole;
///
/// # async fn demo(client: atlas_admin::Client, group: atlas_admin::GroupId) -> Result<(), atlas_admin::Error> {
/// let plan = EnsurePlan::project(&client, &group, "jane@example.com", &[ProjectRole::GroupReadOnly], true).await?;
/// println!("{:?}", plan.change);
/// let done = plan.execute(&client, &Pacer::new(&Pacing::default())).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct EnsurePlan {
    /// The project or organization.
    pub scope: Scope,
    /// The member's username.
    pub username: String,
    /// What executing it writes.
    #[serde(flatten)]
    pub change: Change,
    /// What the member holds once it is executed.
    pub target: Grants,
    #[serde(skip)]
    wanted: Grants,
    #[serde(skip)]
    prune: bool,
    /// Whether the member's teams are part of what is wanted; when not (a members file that
    /// lists no teams for them), the teams they hold are neither added to nor pruned.
    #[serde(skip)]
    teams_managed: bool,
}

impl EnsurePlan {
    /// Plans `username` in the project `group` with `roles` (at least one).
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, group: atlas_admin::GroupId) -> Result<(), atlas_admin::Error> {
    /// use atlas_admin::{membership::EnsurePlan, roles::ProjectRole};
    /// let plan = EnsurePlan::project(&client, &group, "jane@example.com", &[ProjectRole::GroupOwner], false).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn project(
        client: &Client,
        group: &GroupId,
        username: &str,
        roles: &[ProjectRole],
        prune: bool,
    ) -> Result<EnsurePlan, Error> {
        if roles.is_empty() {
            return Err(Error::invalid_argument(format!("{username} needs at least one project role")));
        }
        let wanted = roles.iter().fold(Grants::new(), |grants, role| grants.with_project_role(group, role.clone()));
        plan_in(&ProjectMembers(group), client, username, wanted, prune, true).await
    }

    /// Plans `username` in the organization `org` with `wanted`'s organization roles (at least
    /// one), project roles and teams.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, org: atlas_admin::OrgId) -> Result<(), atlas_admin::Error> {
    /// use atlas_admin::{membership::{EnsurePlan, Grants}, roles::OrgRole};
    /// let wanted = Grants::new().with_org_role(OrgRole::OrgMember);
    /// let plan = EnsurePlan::org(&client, &org, "jane@example.com", &wanted, true).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn org(client: &Client, org: &OrgId, username: &str, wanted: &Grants, prune: bool) -> Result<EnsurePlan, Error> {
        Self::org_with_teams(client, org, username, wanted, prune, true).await
    }

    /// [`EnsurePlan::org`], leaving the member's teams as they are unless `teams_managed`.
    pub(crate) async fn org_with_teams(
        client: &Client,
        org: &OrgId,
        username: &str,
        wanted: &Grants,
        prune: bool,
        teams_managed: bool,
    ) -> Result<EnsurePlan, Error> {
        if wanted.org_roles.is_empty() {
            return Err(Error::invalid_argument(format!("{username} needs at least one organization role")));
        }
        plan_in(&OrgMembers(org), client, username, wanted.clone(), prune, teams_managed).await
    }

    /// Writes the change, each write waiting for `pacer`. A project member gets each role to
    /// add before any role is removed, so it never holds none; an organization member is read
    /// again and gets one `updateOrgUser` with what it holds then, plus the planned additions,
    /// minus the planned removals (its whole role set and teams). When creating answers 409 (someone
    /// made them a member since the plan), the member is read again and updated instead.
    ///
    /// ```no_run
    /// # async fn demo(client: atlas_admin::Client, plan: atlas_admin::membership::EnsurePlan) -> Result<(), atlas_admin::Error> {
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// let ensured = plan.execute(&client, &Pacer::new(&Pacing::unlimited())).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute(&self, client: &Client, pacer: &Pacer) -> Result<Ensured, Error> {
        self.execute_recording(client, pacer, &mut Written::default()).await
    }

    /// [`execute`](EnsurePlan::execute), with `written` gaining what each write Atlas took
    /// changed: a project member's roles are written one at a time, and when a later one fails
    /// the earlier ones stay written.
    pub(crate) async fn execute_recording(
        &self,
        client: &Client,
        pacer: &Pacer,
        written: &mut Written,
    ) -> Result<Ensured, Error> {
        let members = self.scope.members();
        match self.write(&members, client, pacer, written).await {
            // Someone made them a member since the plan: converge that member instead.
            Err(error) if matches!(self.change, Change::Create { .. }) && is_conflict(&error) => {
                let replanned =
                    plan_in(&members, client, &self.username, self.wanted.clone(), self.prune, self.teams_managed).await?;
                if let Change::Create { .. } = replanned.change {
                    return Err(error);
                }
                replanned.write(&members, client, pacer, written).await
            }
            done => done,
        }
    }

    /// Writes the planned change as it is.
    async fn write(
        &self,
        members: &impl Members,
        client: &Client,
        pacer: &Pacer,
        written: &mut Written,
    ) -> Result<Ensured, Error> {
        match &self.change {
            Change::Unchanged { user } => Ok(Ensured::Unchanged { user: user.clone() }),
            Change::Create { grants } => {
                super::pace(client, pacer).await;
                let user = members.create(client, &self.username, grants).await?;
                written.added = grants.clone();
                Ok(Ensured::Created { user, grants: grants.clone() })
            }
            Change::Update { user, add, remove } => {
                members.update(client, pacer, Update { user, add, remove }, written).await?;
                Ok(Ensured::Changed { user: user.clone(), added: add.clone(), removed: remove.clone() })
            }
        }
    }
}

/// Reads what `username` holds in `members`' scope and plans the change to `wanted`.
async fn plan_in(
    members: &impl Members,
    client: &Client,
    username: &str,
    mut wanted: Grants,
    prune: bool,
    teams_managed: bool,
) -> Result<EnsurePlan, Error> {
    let member = members.find(client, username).await?;
    let (change, target) = match &member {
        None => (Change::Create { grants: wanted.clone() }, wanted.clone()),
        Some((user, held)) => {
            if !teams_managed {
                wanted.teams = held.teams.clone();
            }
            let target = if prune { wanted.clone() } else { held.union(&wanted) };
            let (add, remove) = (target.minus(held), held.minus(&target));
            let change = if add.is_empty() && remove.is_empty() {
                Change::Unchanged { user: user.clone() }
            } else {
                Change::Update { user: user.clone(), add, remove }
            };
            (change, target)
        }
    };
    Ok(EnsurePlan { scope: members.scope(), username: username.to_owned(), change, target, wanted, prune, teams_managed })
}

/// Makes `username` a member of the project `group` with exactly `roles` (at least one):
/// creates a pending user, or adds the missing roles and then removes the others, or writes
/// nothing. A second call with the same input writes nothing.
///
/// ```no_run
/// use atlas_admin::membership::{ensure_project_user, Ensured};
/// use atlas_admin::roles::ProjectRole;
///
/// # async fn demo(client: atlas_admin::Client, group: atlas_admin::GroupId) -> Result<(), atlas_admin::Error> {
/// let roles = [ProjectRole::GroupReadOnly, ProjectRole::GroupDataAccessReadOnly];
/// ensure_project_user(&client, &group, "jane@example.com", &roles).await?;
/// let again = ensure_project_user(&client, &group, "jane@example.com", &roles).await?;
/// assert!(matches!(again, Ensured::Unchanged { .. }));
/// # Ok(())
/// # }
/// ```
pub async fn ensure_project_user(
    client: &Client,
    group: &GroupId,
    username: &str,
    roles: &[ProjectRole],
) -> Result<Ensured, Error> {
    let plan = EnsurePlan::project(client, group, username, roles, true).await?;
    plan.execute(client, &Pacer::new(&Pacing::unlimited())).await
}

/// Makes `username` a member of the organization `org` with exactly `wanted`'s organization
/// roles (at least one), project roles and teams: creates a pending user, or updates it with
/// one PATCH, or writes nothing. A second call with the same input writes nothing.
///
/// ```no_run
/// use atlas_admin::membership::{ensure_org_user, Grants};
/// use atlas_admin::roles::{OrgRole, ProjectRole};
///
/// # async fn demo(client: atlas_admin::Client, org: atlas_admin::OrgId, group: atlas_admin::GroupId) -> Result<(), atlas_admin::Error> {
/// let team = "6a1b2c3d4e5f60718293a4b5".parse()?;
/// let wanted = Grants::new()
///     .with_org_role(OrgRole::OrgMember)
///     .with_project_role(&group, ProjectRole::GroupReadOnly)
///     .with_team(&team);
/// let ensured = ensure_org_user(&client, &org, "jane@example.com", &wanted).await?;
/// # Ok(())
/// # }
/// ```
pub async fn ensure_org_user(client: &Client, org: &OrgId, username: &str, wanted: &Grants) -> Result<Ensured, Error> {
    let plan = EnsurePlan::org(client, org, username, wanted, true).await?;
    plan.execute(client, &Pacer::new(&Pacing::unlimited())).await
}
