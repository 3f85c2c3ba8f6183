//! `teams`: an organization's teams, their members (through the MongoDB Cloud Users
//! `:addUser` and `:removeUser`, never the deprecated team-users endpoints) and their roles
//! in projects.

use std::error::Error;

use atlas_admin::models::{AddOrRemoveUserFromTeam, Team, TeamRole, TeamUpdate};
use atlas_admin::roles::ProjectRole;
use atlas_admin::{TeamId, UserId};
use clap::{Args, Subcommand};
use futures::TryStreamExt;
use serde_json::{Value, json};

use super::Context;
use crate::args::{Org, Project, project_role, unique};

#[derive(Debug, Subcommand)]
pub enum TeamsAction {
    /// List the organization's teams, every page of them.
    #[command(after_help = "Example:\n  atlas-members teams list --org 4888442a3354817a7320eb61")]
    List {
        #[command(flatten)]
        org: Org,
    },
    /// Show one team, named by its ID or its name.
    #[command(after_help = "Example:\n  atlas-members teams show --org 4888442a3354817a7320eb61 --name platform")]
    Show {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        which: TeamByIdOrName,
    },
    /// Create a team with its first members (Atlas refuses an empty team).
    #[command(
        after_help = "Example:\n  atlas-members teams create --org 4888442a3354817a7320eb61 --name platform --username jane@example.com --username joe@example.com"
    )]
    Create {
        #[command(flatten)]
        org: Org,
        /// The team's name, unique in the organization.
        #[arg(long)]
        name: String,
        /// The email address of a member of the organization (pending or active) to put in the
        /// team; repeat for several.
        #[arg(long = "username", value_name = "EMAIL", required = true)]
        usernames: Vec<String>,
    },
    /// Give a team a new name.
    #[command(
        after_help = "Example:\n  atlas-members teams rename --org 4888442a3354817a7320eb61 --team 6a1b2c3d4e5f60718293a4b5 --name data-platform"
    )]
    Rename {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        team: TeamArg,
        /// The new name.
        #[arg(long)]
        name: String,
    },
    /// Delete a team: its members stay in the organization, its project roles go.
    #[command(
        after_help = "Example:\n  atlas-members teams delete --org 4888442a3354817a7320eb61 --team 6a1b2c3d4e5f60718293a4b5"
    )]
    Delete {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        team: TeamArg,
    },
    /// The members of one team.
    Members {
        #[command(subcommand)]
        action: MembersAction,
    },
    /// The roles teams hold in one project.
    Projects {
        #[command(subcommand)]
        action: ProjectsAction,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct TeamByIdOrName {
    /// The team's ID (24 hexadecimal characters).
    #[arg(long, value_name = "TEAM_ID")]
    team: Option<TeamId>,
    /// The team's name.
    #[arg(long)]
    name: Option<String>,
}

#[derive(Debug, Args)]
pub struct TeamArg {
    /// The team's ID (24 hexadecimal characters); `teams show --name` finds it.
    #[arg(long, value_name = "TEAM_ID")]
    team: TeamId,
}

#[derive(Debug, Args)]
pub struct TeamUser {
    #[command(flatten)]
    org: Org,
    #[command(flatten)]
    team: TeamArg,
    /// The user's ID, pending or active; `users org list --username` finds it.
    #[arg(long)]
    user: UserId,
}

#[derive(Debug, Subcommand)]
pub enum MembersAction {
    /// List a team's members, pending and active, every page of them.
    #[command(
        after_help = "Example:\n  atlas-members teams members list --org 4888442a3354817a7320eb61 --team 6a1b2c3d4e5f60718293a4b5"
    )]
    List {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        team: TeamArg,
    },
    /// Add a member of the organization (a pending one too) to a team.
    #[command(
        after_help = "Example:\n  atlas-members teams members add --org 4888442a3354817a7320eb61 --team 6a1b2c3d4e5f60718293a4b5 --user 67d1548a0f3c2b1e4d5a6a01"
    )]
    Add(TeamUser),
    /// Take a member out of a team (they stay in the organization).
    #[command(
        after_help = "Example:\n  atlas-members teams members remove --org 4888442a3354817a7320eb61 --team 6a1b2c3d4e5f60718293a4b5 --user 67d1548a0f3c2b1e4d5a6a01"
    )]
    Remove(TeamUser),
}

#[derive(Debug, Args)]
pub struct TeamRoles {
    #[command(flatten)]
    project: Project,
    #[command(flatten)]
    team: TeamArg,
    /// A project role for the team; repeat for several.
    #[arg(long = "role", required = true, value_name = "ROLE", value_parser = project_role())]
    roles: Vec<ProjectRole>,
}

#[derive(Debug, Subcommand)]
pub enum ProjectsAction {
    /// List the teams of a project and their roles.
    #[command(after_help = "Example:\n  atlas-members teams projects list --group 32b6e34b3d91647abb20e7b8")]
    List {
        #[command(flatten)]
        project: Project,
    },
    /// Give a team roles in a project it is not in yet.
    #[command(
        after_help = "Example:\n  atlas-members teams projects assign --group 32b6e34b3d91647abb20e7b8 --team 6a1b2c3d4e5f60718293a4b5 --role GROUP_READ_ONLY"
    )]
    Assign(TeamRoles),
    /// Replace a team's roles in a project with these.
    #[command(
        after_help = "Example:\n  atlas-members teams projects update --group 32b6e34b3d91647abb20e7b8 --team 6a1b2c3d4e5f60718293a4b5 --role GROUP_OWNER"
    )]
    Update(TeamRoles),
    /// Take a team out of a project (its members keep their own roles).
    #[command(
        after_help = "Example:\n  atlas-members teams projects remove --group 32b6e34b3d91647abb20e7b8 --team 6a1b2c3d4e5f60718293a4b5"
    )]
    Remove {
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        team: TeamArg,
    },
}

pub async fn run(ctx: &Context, action: TeamsAction) -> Result<(), Box<dyn Error>> {
    let client = &ctx.client;
    let answer = match action {
        TeamsAction::List { org } => {
            let teams: Vec<_> =
                client.list_org_teams_stream(&org.resolve(&ctx.defaults)?, &Default::default()).try_collect().await?;
            serde_json::to_value(teams)?
        }
        TeamsAction::Show { org, which: TeamByIdOrName { team: Some(team), .. } } => {
            serde_json::to_value(client.get_org_team(&org.resolve(&ctx.defaults)?, &team).await?)?
        }
        TeamsAction::Show { org, which: TeamByIdOrName { name, .. } } => {
            let name = name.expect("clap requires --team or --name");
            serde_json::to_value(client.get_org_team_by_name(&org.resolve(&ctx.defaults)?, &name).await?)?
        }
        TeamsAction::Create { org, name, usernames } => {
            let body = Team { id: None, links: None, name, usernames: unique(usernames) };
            serde_json::to_value(client.create_org_team(&org.resolve(&ctx.defaults)?, &body).await?)?
        }
        TeamsAction::Rename { org, team, name } => {
            let body = TeamUpdate { links: None, name };
            serde_json::to_value(client.rename_org_team(&org.resolve(&ctx.defaults)?, &team.team, &body).await?)?
        }
        TeamsAction::Delete { org, team } => {
            client.delete_org_team(&org.resolve(&ctx.defaults)?, &team.team).await?;
            json!({ "deleted": true, "teamId": team.team })
        }
        TeamsAction::Members { action } => members(ctx, action).await?,
        TeamsAction::Projects { action } => projects(ctx, action).await?,
    };
    ctx.out.answer(&answer);
    Ok(())
}

async fn members(ctx: &Context, action: MembersAction) -> Result<Value, Box<dyn Error>> {
    let client = &ctx.client;
    Ok(match action {
        MembersAction::List { org, team } => {
            let org = org.resolve(&ctx.defaults)?;
            let users: Vec<_> = client.list_org_team_users_stream(&org, &team.team, &Default::default()).try_collect().await?;
            serde_json::to_value(users)?
        }
        MembersAction::Add(TeamUser { org, team, user }) => {
            let body = AddOrRemoveUserFromTeam { id: user.to_string() };
            serde_json::to_value(client.add_org_team_user(&org.resolve(&ctx.defaults)?, &team.team, &body).await?)?
        }
        MembersAction::Remove(TeamUser { org, team, user }) => {
            let body = AddOrRemoveUserFromTeam { id: user.to_string() };
            serde_json::to_value(client.remove_org_team_user(&org.resolve(&ctx.defaults)?, &team.team, &body).await?)?
        }
    })
}

async fn projects(ctx: &Context, action: ProjectsAction) -> Result<Value, Box<dyn Error>> {
    let client = &ctx.client;
    let role =
        |team: TeamId, roles: Vec<ProjectRole>| TeamRole { links: None, role_names: Some(unique(roles)), team_id: Some(team) };
    Ok(match action {
        ProjectsAction::List { project } => {
            let teams: Vec<_> =
                client.list_group_teams_stream(&project.resolve(&ctx.defaults)?, &Default::default()).try_collect().await?;
            serde_json::to_value(teams)?
        }
        ProjectsAction::Assign(TeamRoles { project, team, roles }) => {
            let body = [role(team.team, roles)];
            serde_json::to_value(client.add_group_teams(&project.resolve(&ctx.defaults)?, &body).await?.results)?
        }
        ProjectsAction::Update(TeamRoles { project, team, roles }) => {
            let body = role(team.team.clone(), roles);
            serde_json::to_value(client.update_group_team(&project.resolve(&ctx.defaults)?, &team.team, &body).await?.results)?
        }
        ProjectsAction::Remove { project, team } => {
            client.remove_group_team(&project.resolve(&ctx.defaults)?, &team.team).await?;
            json!({ "removed": true, "teamId": team.team })
        }
    })
}
