//! `project` and `org`: the deprecated invitation endpoints (sunset 2027-07-01), to list,
//! create, update and cancel the invitations made with them until then.
#![allow(deprecated, reason = "Atlas deprecated the invitation endpoints (sunset 2027-07-01); this tool manages them until then")]

use std::error::Error;

use atlas_admin::InvitationId;
use atlas_admin::models::{
    GroupInvitationRequest, GroupInvitationUpdateRequest, OrganizationInvitationRequest, OrganizationInvitationUpdateRequest,
};
use atlas_admin::operations::{list_group_invites, list_org_invites};
use clap::Subcommand;
use serde_json::{Value, json};

use super::Context;
use crate::args::{Org, OrgGrants, Project, ProjectRoles, Target, non_empty};

#[derive(Debug, Subcommand)]
pub enum ProjectAction {
    /// List the project's pending invitations.
    #[command(after_help = "Example:\n  atlas-members project list --group 32b6e34b3d91647abb20e7b8")]
    List {
        #[command(flatten)]
        project: Project,
        /// Only the invitation sent to this email address.
        #[arg(long)]
        username: Option<String>,
    },
    /// Show one pending invitation.
    #[command(
        after_help = "Example:\n  atlas-members project get --group 32b6e34b3d91647abb20e7b8 --invitation 67d1548a0f3c2b1e4d5a6978"
    )]
    Get {
        #[command(flatten)]
        project: Project,
        /// The invitation's ID.
        #[arg(long)]
        invitation: InvitationId,
    },
    /// Invite a user to the project.
    #[command(
        after_help = "Example:\n  atlas-members project create --group 32b6e34b3d91647abb20e7b8 --username jane@example.com --role GROUP_READ_ONLY"
    )]
    Create {
        #[command(flatten)]
        project: Project,
        /// Email address of the user to invite.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        roles: ProjectRoles,
    },
    /// Replace the project roles of a pending invitation.
    #[command(
        after_help = "Example:\n  atlas-members project update --group 32b6e34b3d91647abb20e7b8 --username jane@example.com --role GROUP_OWNER"
    )]
    Update {
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        roles: ProjectRoles,
    },
    /// Cancel a pending invitation.
    #[command(
        after_help = "Example:\n  atlas-members project cancel --group 32b6e34b3d91647abb20e7b8 --invitation 67d1548a0f3c2b1e4d5a6978"
    )]
    Cancel {
        #[command(flatten)]
        project: Project,
        /// The invitation's ID.
        #[arg(long)]
        invitation: InvitationId,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgAction {
    /// List the organization's pending invitations.
    #[command(after_help = "Example:\n  atlas-members org list --org 4888442a3354817a7320eb61 --username jane@example.com")]
    List {
        #[command(flatten)]
        org: Org,
        /// Only the invitation sent to this email address.
        #[arg(long)]
        username: Option<String>,
    },
    /// Show one pending invitation.
    #[command(
        after_help = "Example:\n  atlas-members org get --org 4888442a3354817a7320eb61 --invitation 67d1548a0f3c2b1e4d5a6979"
    )]
    Get {
        #[command(flatten)]
        org: Org,
        /// The invitation's ID.
        #[arg(long)]
        invitation: InvitationId,
    },
    /// Invite a user to the organization, and optionally to teams and projects in it.
    #[command(
        after_help = "Example:\n  atlas-members org create --org 4888442a3354817a7320eb61 --username jane@example.com --role ORG_MEMBER \\\n      --project-role 32b6e34b3d91647abb20e7b8:GROUP_READ_ONLY"
    )]
    Create {
        #[command(flatten)]
        org: Org,
        /// Email address of the user to invite.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        grants: OrgGrants,
    },
    /// Change what a pending invitation grants; only the options given are sent.
    #[command(
        after_help = "Example:\n  atlas-members org update --org 4888442a3354817a7320eb61 --invitation 67d1548a0f3c2b1e4d5a6979 --role ORG_MEMBER \\\n      --project-role 32b6e34b3d91647abb20e7b8:GROUP_OWNER"
    )]
    Update {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        grants: OrgGrants,
    },
    /// Cancel a pending invitation.
    #[command(
        after_help = "Example:\n  atlas-members org cancel --org 4888442a3354817a7320eb61 --invitation 67d1548a0f3c2b1e4d5a6979"
    )]
    Cancel {
        #[command(flatten)]
        org: Org,
        /// The invitation's ID.
        #[arg(long)]
        invitation: InvitationId,
    },
}

pub async fn run_project(ctx: &Context, action: ProjectAction) -> Result<(), Box<dyn Error>> {
    let client = &ctx.client;
    let answer = match action {
        ProjectAction::List { project, username } => {
            let query = list_group_invites::Query { username };
            serde_json::to_value(client.list_group_invites(&project.resolve(&ctx.defaults)?, &query).await?)?
        }
        ProjectAction::Get { project, invitation } => {
            serde_json::to_value(client.get_group_invite(&project.resolve(&ctx.defaults)?, &invitation).await?)?
        }
        ProjectAction::Create { project, username, roles } => {
            let body = GroupInvitationRequest { username: Some(username), roles: Some(roles.roles) };
            serde_json::to_value(client.create_group_invite(&project.resolve(&ctx.defaults)?, &body).await?)?
        }
        ProjectAction::Update { project, target, roles } => {
            let group = project.resolve(&ctx.defaults)?;
            let updated = match (target.invitation, target.username) {
                (Some(invitation), _) => {
                    let body = GroupInvitationUpdateRequest { roles: Some(roles.roles) };
                    client.update_group_invite_by_id(&group, &invitation, &body).await?
                }
                (None, username) => {
                    let body = GroupInvitationRequest { username, roles: Some(roles.roles) };
                    client.update_group_invites(&group, &body).await?
                }
            };
            serde_json::to_value(updated)?
        }
        ProjectAction::Cancel { project, invitation } => {
            client.delete_group_invite(&project.resolve(&ctx.defaults)?, &invitation).await?;
            json!({ "cancelled": true, "invitationId": invitation })
        }
    };
    ctx.out.answer(&answer);
    Ok(())
}

pub async fn run_org(ctx: &Context, action: OrgAction) -> Result<(), Box<dyn Error>> {
    let client = &ctx.client;
    let answer: Value = match action {
        OrgAction::List { org, username } => {
            let query = list_org_invites::Query { username };
            serde_json::to_value(client.list_org_invites(&org.resolve(&ctx.defaults)?, &query).await?)?
        }
        OrgAction::Get { org, invitation } => {
            serde_json::to_value(client.get_org_invite(&org.resolve(&ctx.defaults)?, &invitation).await?)?
        }
        OrgAction::Create { org, username, grants } => {
            let body = OrganizationInvitationRequest {
                group_role_assignments: grants.group_role_assignments(),
                username: Some(username),
                roles: non_empty(grants.roles),
                team_ids: non_empty(grants.teams),
            };
            serde_json::to_value(client.create_org_invite(&org.resolve(&ctx.defaults)?, &body).await?)?
        }
        OrgAction::Update { org, target, grants } => {
            let org = org.resolve(&ctx.defaults)?;
            let group_role_assignments = grants.group_role_assignments();
            let (roles, team_ids) = (non_empty(grants.roles), non_empty(grants.teams));
            let updated = match (target.invitation, target.username) {
                (Some(invitation), _) => {
                    let body = OrganizationInvitationUpdateRequest { group_role_assignments, roles, team_ids };
                    client.update_org_invite_by_id(&org, &invitation, &body).await?
                }
                (None, username) => {
                    let body = OrganizationInvitationRequest { group_role_assignments, roles, team_ids, username };
                    client.update_org_invites(&org, &body).await?
                }
            };
            serde_json::to_value(updated)?
        }
        OrgAction::Cancel { org, invitation } => {
            client.delete_org_invite(&org.resolve(&ctx.defaults)?, &invitation).await?;
            json!({ "cancelled": true, "invitationId": invitation })
        }
    };
    ctx.out.answer(&answer);
    Ok(())
}
