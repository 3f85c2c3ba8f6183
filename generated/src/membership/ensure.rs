//! Membership as desired state: one user of a project with exactly these roles, or of an
//! organization with these organization roles, project roles and teams.

use futures_util::TryStreamExt;

use super::grants::{Grants, Scope};
use super::is_conflict;
use crate::ids::{GroupId, OrgId, UserId};
use crate::models::{AddOrRemoveGroupRole, GroupUserRequest, OrgUserRequest, OrgUserUpdateRequest};
use crate::roles::ProjectRole;
use crate::transport::{Pacer, Pacing};
use crate::{Client, Error};

/// What converging a member changes.
///
/// ```
/// use atlas_admin::membership::{Change, Grants};
/// let change = Change::Create { grants: Grants::new() };
/// assert!(change.writes());
/// ```
#[derive(Debug, Clone, PartialEq)]
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
        user: UserId,
        /// Grants to add.
        add: Grants,
        /// Grants to take away (only when pruning).
        remove: Grants,
    },
    /// The member already holds what is wanted.
    Unchanged {
        /// The member.
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
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Ensured {
    /// A pending user was created.
    Created {
        /// The new user.
        user: UserId,
        /// What it holds.
        grants: Grants,
    },
    /// The member was updated.
    Changed {
        /// The member.
        user: UserId,
        /// What was added.
        added: Grants,
        /// What was taken away.
        removed: Grants,
    },
    /// Nothing was written.
    Unchanged {
        /// The member.
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
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EnsurePlan {
    /// The project or organization.
    pub scope: Scope,
    /// The member's username.
    pub username: String,
    /// What executing it writes.
    pub change: Change,
    /// What the member holds once it is executed.
    pub target: Grants,
    wanted: Grants,
    prune: bool,
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
        let lowercase = username.to_lowercase();
        let query = crate::operations::list_group_users::Query { username: Some(username.into()), ..Default::default() };
        let users: Vec<_> = client.list_group_users_stream(group, &query).try_collect().await?;
        let member = users
            .into_iter()
            .find(|user| user.username().to_lowercase() == lowercase)
            .map(|user| (user.id().clone(), Grants::of_group_user(group, &user)));
        Ok(plan(Scope::Project(group.clone()), username, wanted, member, prune))
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
        if wanted.org_roles.is_empty() {
            return Err(Error::invalid_argument(format!("{username} needs at least one organization role")));
        }
        let lowercase = username.to_lowercase();
        let query = crate::operations::list_org_users::Query { username: Some(username.into()), ..Default::default() };
        let users: Vec<_> = client.list_org_users_stream(org, &query).try_collect().await?;
        let member = users
            .into_iter()
            .find(|user| user.username().to_lowercase() == lowercase)
            .map(|user| (user.id().clone(), Grants::of_org_user(&user)));
        Ok(plan(Scope::Organization(org.clone()), username, wanted.clone(), member, prune))
    }

    /// Writes the change, each write waiting for `pacer`. A project member gets each role to
    /// add before any role is removed, so it never holds none; an organization member gets one
    /// `updateOrgUser` with its whole new role set and teams. When creating answers 409 (someone
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
        match self.write(client, pacer).await {
            // Someone made them a member since the plan: converge that member instead.
            Err(error) if matches!(self.change, Change::Create { .. }) && is_conflict(&error) => {
                let replanned = self.replan(client).await?;
                if let Change::Create { .. } = replanned.change {
                    return Err(error);
                }
                replanned.write(client, pacer).await
            }
            written => written,
        }
    }

    /// Writes the planned change as it is.
    async fn write(&self, client: &Client, pacer: &Pacer) -> Result<Ensured, Error> {
        match &self.change {
            Change::Unchanged { user } => Ok(Ensured::Unchanged { user: user.clone() }),
            Change::Create { grants } => self.create(client, pacer, grants).await,
            Change::Update { user, add, remove } => self.update(client, pacer, user, add, remove).await,
        }
    }

    async fn create(&self, client: &Client, pacer: &Pacer, grants: &Grants) -> Result<Ensured, Error> {
        super::pace(client, pacer).await;
        let user = match &self.scope {
            Scope::Project(group) => {
                let request = GroupUserRequest { username: self.username.clone(), roles: grants.roles_in(group) };
                client.add_group_users(group, &request).await?.id().clone()
            }
            Scope::Organization(org) => {
                let team_ids = grants.team_list();
                let request = OrgUserRequest {
                    username: self.username.clone(),
                    roles: grants.org_roles_request(),
                    team_ids: (!team_ids.is_empty()).then_some(team_ids),
                };
                client.create_org_user(org, &request).await?.id().clone()
            }
        };
        Ok(Ensured::Created { user, grants: grants.clone() })
    }

    /// The same plan, read again: what the member holds now against what was wanted.
    async fn replan(&self, client: &Client) -> Result<EnsurePlan, Error> {
        match &self.scope {
            Scope::Project(group) => {
                EnsurePlan::project(client, group, &self.username, &self.wanted.roles_in(group), self.prune).await
            }
            Scope::Organization(org) => EnsurePlan::org(client, org, &self.username, &self.wanted, self.prune).await,
        }
    }

    /// Adds `add`, then removes `remove` (one role at a time in a project, one PATCH with the
    /// target in an organization).
    async fn update(
        &self,
        client: &Client,
        pacer: &Pacer,
        user: &UserId,
        add: &Grants,
        remove: &Grants,
    ) -> Result<Ensured, Error> {
        match &self.scope {
            Scope::Project(group) => {
                for role in add.roles_in(group) {
                    super::pace(client, pacer).await;
                    client.add_group_user_role(group, user, &AddOrRemoveGroupRole { group_role: role }).await?;
                }
                for role in remove.roles_in(group) {
                    super::pace(client, pacer).await;
                    client.remove_group_user_role(group, user, &AddOrRemoveGroupRole { group_role: role }).await?;
                }
            }
            Scope::Organization(org) => {
                super::pace(client, pacer).await;
                let update = OrgUserUpdateRequest {
                    roles: Some(self.target.org_roles_request()),
                    team_ids: Some(self.target.team_list()),
                };
                client.update_org_user(org, user, &update).await?;
            }
        }
        Ok(Ensured::Changed { user: user.clone(), added: add.clone(), removed: remove.clone() })
    }
}

fn plan(scope: Scope, username: &str, wanted: Grants, member: Option<(UserId, Grants)>, prune: bool) -> EnsurePlan {
    let (change, target) = match member {
        None => (Change::Create { grants: wanted.clone() }, wanted.clone()),
        Some((user, held)) => {
            let target = if prune { wanted.clone() } else { held.union(&wanted) };
            let (add, remove) = (target.minus(&held), held.minus(&target));
            let change = if add.is_empty() && remove.is_empty() {
                Change::Unchanged { user }
            } else {
                Change::Update { user, add, remove }
            };
            (change, target)
        }
    };
    EnsurePlan { scope, username: username.to_owned(), change, target, wanted, prune }
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
/// let wanted = Grants::new()
///     .with_org_role(OrgRole::OrgMember)
///     .with_project_role(&group, ProjectRole::GroupReadOnly)
///     .with_team("6a1b2c3d4e5f60718293a4b5");
/// let ensured = ensure_org_user(&client, &org, "jane@example.com", &wanted).await?;
/// # Ok(())
/// # }
/// ```
pub async fn ensure_org_user(client: &Client, org: &OrgId, username: &str, wanted: &Grants) -> Result<Ensured, Error> {
    let plan = EnsurePlan::org(client, org, username, wanted, true).await?;
    plan.execute(client, &Pacer::new(&Pacing::unlimited())).await
}
