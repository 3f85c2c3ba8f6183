//! One implementation per scope of what the workflows do to a user there: find them (reading
//! every page), create them with grants, and change their grants, adding before removing.

use futures_util::TryStreamExt;

use super::grants::{Grants, Scope};
use super::pace;
use crate::ids::{GroupId, OrgId, UserId};
use crate::models::{AddOrRemoveGroupRole, GroupUserRequest, OrgUserRequest, OrgUserUpdateRequest};
use crate::transport::Pacer;
use crate::{Client, Error};

/// The users of one scope. Each method is one scope's own way of doing it: a project changes
/// roles one at a time, an organization sends its whole role set and teams in one PATCH.
pub(crate) trait Members {
    /// The scope these members are in.
    fn scope(&self) -> Scope;

    /// The member named `username` (case-insensitively, as Atlas compares them) and what it
    /// holds, read from every page.
    async fn find(&self, client: &Client, username: &str) -> Result<Option<(UserId, Grants)>, Error>;

    /// Creates `username` as a pending user holding `grants` (one write, not paced here).
    async fn create(&self, client: &Client, username: &str, grants: &Grants) -> Result<UserId, Error>;

    /// Gives `user` the grants `add`, then takes `remove` away, each write waiting for `pacer`;
    /// `written` gains what each write Atlas took changed, so a later failure keeps it.
    async fn update(&self, client: &Client, pacer: &Pacer, change: Update<'_>, written: &mut Written) -> Result<(), Error>;
}

/// One member's change: the grants to add, then the grants to take away.
#[derive(Clone, Copy)]
pub(crate) struct Update<'a> {
    pub(crate) user: &'a UserId,
    pub(crate) add: &'a Grants,
    pub(crate) remove: &'a Grants,
}

/// What an update has written so far, kept when a later write fails.
#[derive(Debug, Default)]
pub(crate) struct Written {
    pub(crate) added: Grants,
    pub(crate) removed: Grants,
}

/// The members of a scope, whichever it is: where a [`Scope`] picks its implementation.
pub(crate) enum ScopeMembers<'a> {
    Project(ProjectMembers<'a>),
    Organization(OrgMembers<'a>),
}

impl Scope {
    /// Its members.
    pub(crate) fn members(&self) -> ScopeMembers<'_> {
        match self {
            Scope::Project(group) => ScopeMembers::Project(ProjectMembers(group)),
            Scope::Organization(org) => ScopeMembers::Organization(OrgMembers(org)),
        }
    }
}

impl Members for ScopeMembers<'_> {
    fn scope(&self) -> Scope {
        match self {
            ScopeMembers::Project(members) => members.scope(),
            ScopeMembers::Organization(members) => members.scope(),
        }
    }

    async fn find(&self, client: &Client, username: &str) -> Result<Option<(UserId, Grants)>, Error> {
        match self {
            ScopeMembers::Project(members) => members.find(client, username).await,
            ScopeMembers::Organization(members) => members.find(client, username).await,
        }
    }

    async fn create(&self, client: &Client, username: &str, grants: &Grants) -> Result<UserId, Error> {
        match self {
            ScopeMembers::Project(members) => members.create(client, username, grants).await,
            ScopeMembers::Organization(members) => members.create(client, username, grants).await,
        }
    }

    async fn update(&self, client: &Client, pacer: &Pacer, change: Update<'_>, written: &mut Written) -> Result<(), Error> {
        match self {
            ScopeMembers::Project(members) => members.update(client, pacer, change, written).await,
            ScopeMembers::Organization(members) => members.update(client, pacer, change, written).await,
        }
    }
}

/// The members of one project.
pub(crate) struct ProjectMembers<'a>(pub(crate) &'a GroupId);

/// The members of one organization.
pub(crate) struct OrgMembers<'a>(pub(crate) &'a OrgId);

impl Members for ProjectMembers<'_> {
    fn scope(&self) -> Scope {
        Scope::Project(self.0.clone())
    }

    async fn find(&self, client: &Client, username: &str) -> Result<Option<(UserId, Grants)>, Error> {
        let query = crate::operations::list_group_users::Query { username: Some(username.into()), ..Default::default() };
        let users: Vec<_> = client.list_group_users_stream(self.0, &query).try_collect().await?;
        let lowercase = username.to_lowercase();
        let found = users.into_iter().find(|user| user.username().to_lowercase() == lowercase);
        Ok(found.map(|user| (user.id().clone(), Grants::of_group_user(self.0, &user))))
    }

    async fn create(&self, client: &Client, username: &str, grants: &Grants) -> Result<UserId, Error> {
        let request = GroupUserRequest { username: username.to_owned(), roles: grants.roles_in(self.0) };
        Ok(client.add_group_users(self.0, &request).await?.id().clone())
    }

    /// One `:addRole` per role to add, then one `:removeRole` per role to take away, so the
    /// member never holds no role (Atlas refuses to remove the last one).
    async fn update(&self, client: &Client, pacer: &Pacer, change: Update<'_>, written: &mut Written) -> Result<(), Error> {
        for role in change.add.roles_in(self.0) {
            pace(client, pacer).await;
            client.add_group_user_role(self.0, change.user, &AddOrRemoveGroupRole { group_role: role.clone() }).await?;
            written.added.project_roles.entry(self.0.clone()).or_default().insert(role);
        }
        for role in change.remove.roles_in(self.0) {
            pace(client, pacer).await;
            client.remove_group_user_role(self.0, change.user, &AddOrRemoveGroupRole { group_role: role.clone() }).await?;
            written.removed.project_roles.entry(self.0.clone()).or_default().insert(role);
        }
        Ok(())
    }
}

impl Members for OrgMembers<'_> {
    fn scope(&self) -> Scope {
        Scope::Organization(self.0.clone())
    }

    async fn find(&self, client: &Client, username: &str) -> Result<Option<(UserId, Grants)>, Error> {
        let query = crate::operations::list_org_users::Query { username: Some(username.into()), ..Default::default() };
        let users: Vec<_> = client.list_org_users_stream(self.0, &query).try_collect().await?;
        let lowercase = username.to_lowercase();
        let found = users.into_iter().find(|user| user.username().to_lowercase() == lowercase);
        Ok(found.map(|user| (user.id().clone(), Grants::of_org_user(&user))))
    }

    async fn create(&self, client: &Client, username: &str, grants: &Grants) -> Result<UserId, Error> {
        let team_ids = grants.team_list();
        let request = OrgUserRequest {
            username: username.to_owned(),
            roles: grants.org_roles_request(),
            team_ids: (!team_ids.is_empty()).then_some(team_ids),
        };
        Ok(client.create_org_user(self.0, &request).await?.id().clone())
    }

    /// One `updateOrgUser`, which replaces the role set and the teams: the member is read again
    /// just before it, so what changed since the plan (a team joined, a role granted) is kept
    /// and only `add` and `remove` differ from what it holds at that moment.
    async fn update(&self, client: &Client, pacer: &Pacer, change: Update<'_>, written: &mut Written) -> Result<(), Error> {
        let held = Grants::of_org_user(&client.get_org_user(self.0, change.user, &Default::default()).await?);
        let target = held.union(change.add).minus(change.remove);
        let update = OrgUserUpdateRequest { roles: Some(target.org_roles_request()), team_ids: Some(target.team_list()) };
        pace(client, pacer).await;
        client.update_org_user(self.0, change.user, &update).await?;
        written.added = change.add.clone();
        written.removed = change.remove.clone();
        Ok(())
    }
}
