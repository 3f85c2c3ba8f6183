//! The arguments several commands share (which project, organization, user; roles and grants),
//! their parsers, and the usage error that exits with status 2.

use std::fmt;

use atlas_admin::models::{GroupRoleAssignment, OrgUserRolesRequest, OrganizationInvitationGroupRoleAssignmentsRequest};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{GroupId, InvitationId, OrgId, UserId};
use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use crate::profile::Defaults;

/// A command line that names too little (no project, no organization, `--prune` without
/// `--yes` off a terminal): the tool exits with status 2, as for one clap cannot parse.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The group is named apart from the `project` command, which clap would take it for.
#[derive(Debug, Args)]
#[group(id = "project_id")]
pub struct Project {
    /// The project's ID (24 hexadecimal characters); by default MONGODB_ATLAS_PROJECT_ID, else
    /// the profile's project_id.
    #[arg(long, env = "MONGODB_ATLAS_PROJECT_ID")]
    pub group: Option<GroupId>,
}

impl Project {
    /// The project the flag, the environment or the profile names.
    pub fn resolve(&self, defaults: &Defaults) -> Result<GroupId, UsageError> {
        self.group.clone().or_else(|| defaults.project.clone()).ok_or_else(|| {
            UsageError(
                "no project: pass --group PROJECT_ID, set MONGODB_ATLAS_PROJECT_ID, or set project_id in the Atlas CLI profile"
                    .to_owned(),
            )
        })
    }
}

#[derive(Debug, Args)]
#[group(id = "org_id")]
pub struct Org {
    /// The organization's ID (24 hexadecimal characters); by default MONGODB_ATLAS_ORG_ID,
    /// else the profile's org_id.
    #[arg(long, env = "MONGODB_ATLAS_ORG_ID")]
    pub org: Option<OrgId>,
}

impl Org {
    /// The organization the flag, the environment or the profile names.
    pub fn resolve(&self, defaults: &Defaults) -> Result<OrgId, UsageError> {
        self.org.clone().or_else(|| defaults.org.clone()).ok_or_else(|| {
            UsageError(
                "no organization: pass --org ORG_ID, set MONGODB_ATLAS_ORG_ID, or set org_id in the Atlas CLI profile".to_owned(),
            )
        })
    }
}

#[derive(Debug, Args)]
pub struct User {
    /// The user's ID (24 hexadecimal characters), pending or active; `list --username` finds it.
    #[arg(long)]
    pub user: UserId,
}

/// Which invitation to update: by its ID, or by the email address it was sent to.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Target {
    /// The invitation's ID.
    #[arg(long)]
    pub invitation: Option<InvitationId>,
    /// The email address the invitation was sent to.
    #[arg(long)]
    pub username: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProjectRoles {
    /// A project role to grant; repeat for several.
    #[arg(long = "role", required = true, value_name = "ROLE", value_parser = project_role())]
    pub roles: Vec<ProjectRole>,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct OrgGrants {
    /// An organization role to grant; repeat for several.
    #[arg(long = "role", value_name = "ROLE", value_parser = org_role())]
    pub roles: Vec<OrgRole>,
    /// The ID of a team to join; repeat for several.
    #[arg(long = "team", value_name = "TEAM_ID")]
    pub teams: Vec<String>,
    /// A role in one of the organization's projects, as PROJECT_ID:ROLE; repeat for several.
    #[arg(long = "project-role", value_name = "PROJECT_ID:ROLE", value_parser = project_role_assignment)]
    pub project_roles: Vec<(GroupId, ProjectRole)>,
}

impl OrgGrants {
    /// One assignment per project, in the order the projects were first named.
    pub fn group_role_assignments(&self) -> Option<Vec<OrganizationInvitationGroupRoleAssignmentsRequest>> {
        let assignments = by_project(&self.project_roles)
            .into_iter()
            .map(|(group, roles)| OrganizationInvitationGroupRoleAssignmentsRequest { group_id: Some(group), roles: Some(roles) })
            .collect();
        non_empty(assignments)
    }
}

/// The roles per project, in the order the projects were first named.
fn by_project(project_roles: &[(GroupId, ProjectRole)]) -> Vec<(GroupId, Vec<ProjectRole>)> {
    let mut projects: Vec<(GroupId, Vec<ProjectRole>)> = Vec::new();
    for (group, role) in project_roles {
        match projects.iter_mut().find(|(known, _)| known == group) {
            Some((_, roles)) => roles.push(role.clone()),
            None => projects.push((group.clone(), vec![role.clone()])),
        }
    }
    projects
}

/// The `roles` of a users request: `None` without organization roles, which Atlas requires.
pub fn org_user_roles(org_roles: Vec<OrgRole>, project_roles: &[(GroupId, ProjectRole)]) -> Option<OrgUserRolesRequest> {
    let group_role_assignments = by_project(project_roles)
        .into_iter()
        .map(|(group, roles)| GroupRoleAssignment { group_id: Some(group), group_roles: Some(unique(roles)) })
        .collect();
    let org_roles = non_empty(unique(org_roles))?;
    Some(OrgUserRolesRequest { group_role_assignments: non_empty(group_role_assignments), org_roles })
}

/// Accepts only the roles this crate knows, so a typo fails here rather than at Atlas.
pub fn project_role() -> impl TypedValueParser<Value = ProjectRole> {
    PossibleValuesParser::new(ProjectRole::KNOWN.iter().map(ProjectRole::as_str))
        .map(|name| name.parse::<ProjectRole>().unwrap_or_else(|never| match never {}))
}

pub fn org_role() -> impl TypedValueParser<Value = OrgRole> {
    PossibleValuesParser::new(OrgRole::KNOWN.iter().map(OrgRole::as_str))
        .map(|name| name.parse::<OrgRole>().unwrap_or_else(|never| match never {}))
}

pub fn project_role_assignment(value: &str) -> Result<(GroupId, ProjectRole), String> {
    let (group, role) = value.split_once(':').ok_or("expected PROJECT_ID:ROLE")?;
    let group = group.parse::<GroupId>().map_err(|err| err.to_string())?;
    let role = ProjectRole::KNOWN.iter().find(|known| known.as_str() == role).cloned().ok_or_else(|| {
        let known: Vec<&str> = ProjectRole::KNOWN.iter().map(ProjectRole::as_str).collect();
        format!("unknown project role {role:?}; expected one of {}", known.join(", "))
    })?;
    Ok((group, role))
}

pub fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// `items` without repeats, in order: the users endpoints refuse a role or team named twice.
pub fn unique<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    kept
}
