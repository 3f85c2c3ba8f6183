//! `users`: the users of one project or organization, pending (invited) and active, through
//! the MongoDB Cloud Users API, which replaces the invitation endpoints; and `ensure`, which
//! makes one user hold exactly the roles given.

use std::error::Error;

use atlas_admin::membership::{Scope, ensure_org_user, ensure_project_user};
use atlas_admin::models::{AddOrRemoveGroupRole, AddOrRemoveOrgRole, GroupUserRequest, OrgUserRequest, OrgUserUpdateRequest};
use atlas_admin::operations::{list_group_users, list_org_users};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{GroupId, TeamId};
use clap::{Args, Subcommand};
use futures::TryStreamExt;
use serde_json::json;

use super::Context;
use crate::args::{
    Org, Project, ProjectRoles, User, non_empty, org_role, org_user_roles, project_role, project_role_assignment, unique,
};
use crate::bulk::org_grants;
use crate::reports::{describe_ensured, ensured_json};

#[derive(Debug, Subcommand)]
pub enum UsersScope {
    /// The users of one project.
    Project {
        #[command(subcommand)]
        action: ProjectUserAction,
    },
    /// The users of one organization.
    Org {
        #[command(subcommand)]
        action: OrgUserAction,
    },
}

#[derive(Debug, Args)]
pub struct UserFilter {
    /// Only the users who have not accepted their invitation yet.
    #[arg(long)]
    pending: bool,
    /// Only the user with this email address.
    #[arg(long)]
    username: Option<String>,
}

impl UserFilter {
    /// The `orgMembershipStatuses` query field: `PENDING` with `--pending`, else left out
    /// (Atlas then lists active and pending users).
    fn statuses(&self) -> Option<Vec<String>> {
        self.pending.then(|| vec!["PENDING".to_owned()])
    }
}

#[derive(Debug, Subcommand)]
pub enum ProjectUserAction {
    /// List the project's users, every page of them.
    #[command(after_help = "Example:\n  atlas-members users project list --group 32b6e34b3d91647abb20e7b8 --pending")]
    List {
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        filter: UserFilter,
    },
    /// Show one user of the project.
    #[command(
        after_help = "Example:\n  atlas-members users project show --group 32b6e34b3d91647abb20e7b8 --user 67d1548a0f3c2b1e4d5a6a01"
    )]
    Show {
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        user: User,
    },
    /// Add a user to the project: someone not yet in the organization is invited and is a
    /// pending user until they accept.
    #[command(
        after_help = "Example:\n  atlas-members users project invite --group 32b6e34b3d91647abb20e7b8 --username jane@example.com --role GROUP_READ_ONLY"
    )]
    Invite {
        #[command(flatten)]
        project: Project,
        /// Email address of the user to add.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        roles: ProjectRoles,
    },
    /// Grant one more project role to a user.
    #[command(
        after_help = "Example:\n  atlas-members users project add-role --group 32b6e34b3d91647abb20e7b8 --user 67d1548a0f3c2b1e4d5a6a01 --role GROUP_OWNER"
    )]
    AddRole {
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        user: User,
        /// The project role to grant.
        #[arg(long, value_parser = project_role())]
        role: ProjectRole,
    },
    /// Take one project role away from a user (who keeps at least one: add the new role first).
    #[command(
        after_help = "Example:\n  atlas-members users project remove-role --group 32b6e34b3d91647abb20e7b8 --user 67d1548a0f3c2b1e4d5a6a01 --role GROUP_READ_ONLY"
    )]
    RemoveRole {
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        user: User,
        /// The project role to take away.
        #[arg(long, value_parser = project_role())]
        role: ProjectRole,
    },
    /// Remove a user, pending or active, from the project.
    #[command(
        after_help = "Example:\n  atlas-members users project remove --group 32b6e34b3d91647abb20e7b8 --user 67d1548a0f3c2b1e4d5a6a01"
    )]
    Remove {
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        user: User,
    },
    /// Make a user a member of the project with exactly these roles (adding before removing).
    #[command(
        after_help = "Example:\n  atlas-members users project ensure --group 32b6e34b3d91647abb20e7b8 --username jane@example.com --role GROUP_OWNER"
    )]
    Ensure(EnsureProject),
}

#[derive(Debug, Subcommand)]
pub enum OrgUserAction {
    /// List the organization's users, every page of them.
    #[command(after_help = "Example:\n  atlas-members users org list --org 4888442a3354817a7320eb61 --username jane@example.com")]
    List {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        filter: UserFilter,
    },
    /// Show one user of the organization.
    #[command(
        after_help = "Example:\n  atlas-members users org show --org 4888442a3354817a7320eb61 --user 67d1548a0f3c2b1e4d5a6a02"
    )]
    Show {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        user: User,
    },
    /// Invite a user to the organization, and optionally to teams and projects in it.
    #[command(
        after_help = "Example:\n  atlas-members users org invite --org 4888442a3354817a7320eb61 --username jane@example.com --role ORG_MEMBER \\\n      --project-role 32b6e34b3d91647abb20e7b8:GROUP_READ_ONLY"
    )]
    Invite {
        #[command(flatten)]
        org: Org,
        /// Email address of the user to invite.
        #[arg(long)]
        username: String,
        /// An organization role to grant; repeat for several.
        #[arg(long = "role", required = true, value_name = "ROLE", value_parser = org_role())]
        roles: Vec<OrgRole>,
        /// The ID of a team to join; repeat for several.
        #[arg(long = "team", value_name = "TEAM_ID")]
        teams: Vec<String>,
        /// A role in one of the organization's projects, as PROJECT_ID:ROLE; repeat for several.
        #[arg(long = "project-role", value_name = "PROJECT_ID:ROLE", value_parser = project_role_assignment)]
        project_roles: Vec<(GroupId, ProjectRole)>,
    },
    /// Change a user's roles or teams; only the options given are sent.
    #[command(
        after_help = "Example:\n  atlas-members users org update --org 4888442a3354817a7320eb61 --user 67d1548a0f3c2b1e4d5a6a02 --role ORG_MEMBER \\\n      --project-role 32b6e34b3d91647abb20e7b8:GROUP_OWNER"
    )]
    Update {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        user: User,
        #[command(flatten)]
        changes: OrgUserChanges,
    },
    /// Grant one more organization role to a user.
    #[command(
        after_help = "Example:\n  atlas-members users org add-role --org 4888442a3354817a7320eb61 --user 67d1548a0f3c2b1e4d5a6a02 --role ORG_BILLING_ADMIN"
    )]
    AddRole {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        user: User,
        /// The organization role to grant.
        #[arg(long, value_parser = org_role())]
        role: OrgRole,
    },
    /// Take one organization role away from a user (who keeps at least one: add the new role first).
    #[command(
        after_help = "Example:\n  atlas-members users org remove-role --org 4888442a3354817a7320eb61 --user 67d1548a0f3c2b1e4d5a6a02 --role ORG_READ_ONLY"
    )]
    RemoveRole {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        user: User,
        /// The organization role to take away.
        #[arg(long, value_parser = org_role())]
        role: OrgRole,
    },
    /// Remove a user, pending or active, from the organization.
    #[command(
        after_help = "Example:\n  atlas-members users org remove --org 4888442a3354817a7320eb61 --user 67d1548a0f3c2b1e4d5a6a02"
    )]
    Remove {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        user: User,
    },
    /// Make a user a member of the organization with exactly these roles, project roles and teams.
    #[command(
        after_help = "Example:\n  atlas-members users org ensure --org 4888442a3354817a7320eb61 --username jane@example.com --role ORG_MEMBER \\\n      --project-role 32b6e34b3d91647abb20e7b8:GROUP_OWNER --team 6a1b2c3d4e5f60718293a4b5"
    )]
    Ensure(EnsureOrg),
}

/// What `users org update` changes: `--role` replaces the organization roles, together with
/// the project roles that `--project-role` gives (which therefore needs `--role`), and
/// `--team` the teams.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct OrgUserChanges {
    /// An organization role the user is to hold; repeat for several.
    #[arg(long = "role", value_name = "ROLE", value_parser = org_role())]
    roles: Vec<OrgRole>,
    /// The ID of a team the user is to belong to; repeat for several.
    #[arg(long = "team", value_name = "TEAM_ID")]
    teams: Vec<String>,
    /// A role in one of the organization's projects, as PROJECT_ID:ROLE, given with --role;
    /// repeat for several.
    #[arg(long = "project-role", value_name = "PROJECT_ID:ROLE", value_parser = project_role_assignment, requires = "roles")]
    project_roles: Vec<(GroupId, ProjectRole)>,
}

#[derive(Debug, Args)]
pub struct EnsureProject {
    #[command(flatten)]
    project: Project,
    /// The user's email address.
    #[arg(long)]
    username: String,
    /// A project role the user is to hold; repeat for several. Roles not given are removed.
    #[arg(long = "role", required = true, value_name = "ROLE", value_parser = project_role())]
    roles: Vec<ProjectRole>,
}

#[derive(Debug, Args)]
pub struct EnsureOrg {
    #[command(flatten)]
    org: Org,
    /// The user's email address.
    #[arg(long)]
    username: String,
    /// An organization role the user is to hold; repeat for several.
    #[arg(long = "role", required = true, value_name = "ROLE", value_parser = org_role())]
    roles: Vec<OrgRole>,
    /// A role the user is to hold in one of the organization's projects, as PROJECT_ID:ROLE; repeat for several.
    #[arg(long = "project-role", value_name = "PROJECT_ID:ROLE", value_parser = project_role_assignment)]
    project_roles: Vec<(GroupId, ProjectRole)>,
    /// The ID of a team the user is to belong to; repeat for several.
    #[arg(long = "team", value_name = "TEAM_ID")]
    teams: Vec<TeamId>,
}

pub async fn run(ctx: &Context, scope: UsersScope) -> Result<(), Box<dyn Error>> {
    match scope {
        UsersScope::Project { action } => project(ctx, action).await,
        UsersScope::Org { action } => org(ctx, action).await,
    }
}

async fn project(ctx: &Context, action: ProjectUserAction) -> Result<(), Box<dyn Error>> {
    let client = &ctx.client;
    let answer = match action {
        ProjectUserAction::List { project, filter } => {
            let query = list_group_users::Query {
                org_membership_statuses: filter.statuses(),
                username: filter.username,
                ..Default::default()
            };
            let users: Vec<_> = client.list_group_users_stream(&project.resolve(&ctx.defaults)?, &query).try_collect().await?;
            serde_json::to_value(users)?
        }
        ProjectUserAction::Show { project, user } => {
            serde_json::to_value(client.get_group_user(&project.resolve(&ctx.defaults)?, &user.user, &Default::default()).await?)?
        }
        ProjectUserAction::Invite { project, username, roles } => {
            let body = GroupUserRequest { username, roles: unique(roles.roles) };
            serde_json::to_value(client.add_group_users(&project.resolve(&ctx.defaults)?, &body).await?)?
        }
        ProjectUserAction::AddRole { project, user, role } => {
            let body = AddOrRemoveGroupRole { group_role: role };
            serde_json::to_value(client.add_group_user_role(&project.resolve(&ctx.defaults)?, &user.user, &body).await?)?
        }
        ProjectUserAction::RemoveRole { project, user, role } => {
            let body = AddOrRemoveGroupRole { group_role: role };
            serde_json::to_value(client.remove_group_user_role(&project.resolve(&ctx.defaults)?, &user.user, &body).await?)?
        }
        ProjectUserAction::Remove { project, user } => {
            client.remove_group_user(&project.resolve(&ctx.defaults)?, &user.user).await?;
            json!({ "removed": true, "userId": user.user })
        }
        ProjectUserAction::Ensure(ensure) => {
            let group = ensure.project.resolve(&ctx.defaults)?;
            let ensured = ensure_project_user(client, &group, &ensure.username, &ensure.roles).await?;
            let scope = Scope::Project(group);
            ctx.out.text(describe_ensured(&scope, &ensure.username, &ensured));
            ctx.out.json(|| ensured_json(&scope, &ensure.username, &ensured));
            return Ok(());
        }
    };
    ctx.out.answer(&answer);
    Ok(())
}

async fn org(ctx: &Context, action: OrgUserAction) -> Result<(), Box<dyn Error>> {
    let client = &ctx.client;
    let answer = match action {
        OrgUserAction::List { org, filter } => {
            let query = list_org_users::Query {
                org_membership_statuses: filter.statuses(),
                username: filter.username,
                ..Default::default()
            };
            let users: Vec<_> = client.list_org_users_stream(&org.resolve(&ctx.defaults)?, &query).try_collect().await?;
            serde_json::to_value(users)?
        }
        OrgUserAction::Show { org, user } => {
            serde_json::to_value(client.get_org_user(&org.resolve(&ctx.defaults)?, &user.user, &Default::default()).await?)?
        }
        OrgUserAction::Invite { org, username, roles, teams, project_roles } => {
            let roles = org_user_roles(roles, &project_roles).ok_or("at least one --role is needed")?;
            let body = OrgUserRequest { roles, team_ids: non_empty(unique(teams)), username };
            serde_json::to_value(client.create_org_user(&org.resolve(&ctx.defaults)?, &body).await?)?
        }
        OrgUserAction::Update { org, user, changes } => {
            let body = OrgUserUpdateRequest {
                roles: org_user_roles(changes.roles, &changes.project_roles),
                team_ids: non_empty(unique(changes.teams)),
            };
            serde_json::to_value(client.update_org_user(&org.resolve(&ctx.defaults)?, &user.user, &body).await?)?
        }
        OrgUserAction::AddRole { org, user, role } => {
            let body = AddOrRemoveOrgRole { org_role: role };
            serde_json::to_value(client.add_org_user_role(&org.resolve(&ctx.defaults)?, &user.user, &body).await?)?
        }
        OrgUserAction::RemoveRole { org, user, role } => {
            let body = AddOrRemoveOrgRole { org_role: role };
            serde_json::to_value(client.remove_org_user_role(&org.resolve(&ctx.defaults)?, &user.user, &body).await?)?
        }
        OrgUserAction::Remove { org, user } => {
            client.remove_org_user(&org.resolve(&ctx.defaults)?, &user.user).await?;
            json!({ "removed": true, "userId": user.user })
        }
        OrgUserAction::Ensure(ensure) => {
            let org = ensure.org.resolve(&ctx.defaults)?;
            let wanted = org_grants(&ensure.roles, ensure.project_roles.iter().map(|(group, role)| (group, role)), &ensure.teams);
            let ensured = ensure_org_user(client, &org, &ensure.username, &wanted).await?;
            let scope = Scope::Organization(org);
            ctx.out.text(describe_ensured(&scope, &ensure.username, &ensured));
            ctx.out.json(|| ensured_json(&scope, &ensure.username, &ensured));
            return Ok(());
        }
    };
    ctx.out.answer(&answer);
    Ok(())
}
