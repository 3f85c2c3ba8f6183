//! Bulk membership work the library does not offer yet (issue 27 point 4 moves it into
//! `atlas_admin::membership`): the `apply` file and its role check, planning every member of
//! it, writing the plans with one count of failures, and the pace of bulk writes.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;

use atlas_admin::membership::{EnsurePlan, Ensured, Grants, Pacer, Pacing};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{Client, GroupId, OrgId, TeamId};

/// The `apply` file: projects and organizations, each with the members it should have.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersFile {
    #[serde(default)]
    projects: Vec<ProjectMembers>,
    #[serde(default)]
    orgs: Vec<OrgMembers>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectMembers {
    group: GroupId,
    members: Vec<ProjectMember>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectMember {
    username: String,
    roles: Vec<ProjectRole>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgMembers {
    org: OrgId,
    members: Vec<OrgMember>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgMember {
    username: String,
    roles: Vec<OrgRole>,
    #[serde(default, rename = "projectRoles")]
    project_roles: BTreeMap<GroupId, Vec<ProjectRole>>,
    #[serde(default)]
    teams: Vec<TeamId>,
}

impl MembersFile {
    /// Reads and checks the file: every role one this crate knows, so a typo fails here.
    pub fn read(path: &Path) -> Result<MembersFile, Box<dyn Error>> {
        let text = std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        let file: MembersFile = serde_yaml::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
        let project_roles =
            file.projects.iter().flat_map(|project| project.members.iter().flat_map(|member| &member.roles)).chain(
                file.orgs.iter().flat_map(|org| org.members.iter().flat_map(|member| member.project_roles.values().flatten())),
            );
        if let Some(role) = project_roles.into_iter().find(|role| !ProjectRole::KNOWN.contains(role)) {
            return Err(format!("{}: unknown project role {role}", path.display()).into());
        }
        let org_roles = file.orgs.iter().flat_map(|org| org.members.iter().flat_map(|member| &member.roles));
        if let Some(role) = org_roles.into_iter().find(|role| !OrgRole::KNOWN.contains(role)) {
            return Err(format!("{}: unknown organization role {role}", path.display()).into());
        }
        Ok(file)
    }

    /// Plans every member of the file, in order; the first member that cannot be planned
    /// stops it.
    pub async fn plan(&self, client: &Client, prune: bool) -> Result<Vec<EnsurePlan>, atlas_admin::Error> {
        let mut plans = Vec::new();
        for project in &self.projects {
            for member in &project.members {
                plans.push(EnsurePlan::project(client, &project.group, &member.username, &member.roles, prune).await?);
            }
        }
        for org in &self.orgs {
            for member in &org.members {
                let project_roles =
                    member.project_roles.iter().flat_map(|(group, roles)| roles.iter().map(move |role| (group, role)));
                let wanted = org_grants(&member.roles, project_roles, &member.teams);
                plans.push(EnsurePlan::org(client, &org.org, &member.username, &wanted, prune).await?);
            }
        }
        Ok(plans)
    }
}

/// The grants of an organization member: roles, project roles and teams.
pub fn org_grants<'a>(
    roles: &[OrgRole],
    project_roles: impl IntoIterator<Item = (&'a GroupId, &'a ProjectRole)>,
    teams: &[TeamId],
) -> Grants {
    let grants = roles.iter().fold(Grants::new(), |grants, role| grants.with_org_role(role.clone()));
    let grants = project_roles.into_iter().fold(grants, |grants, (group, role)| grants.with_project_role(group, role.clone()));
    teams.iter().fold(grants, |grants, team| grants.with_team(team))
}

/// Whether executing the plan takes anything away.
pub fn removes(plan: &EnsurePlan) -> bool {
    matches!(&plan.change, atlas_admin::membership::Change::Update { remove, .. } if !remove.is_empty())
}

/// Writes every plan that writes, in order, each through `pacer`; `done` hears of each.
pub async fn execute<'a>(
    client: &Client,
    plans: &'a [EnsurePlan],
    pacer: &Pacer,
    mut done: impl FnMut(&'a EnsurePlan, &Result<Ensured, atlas_admin::Error>),
) -> usize {
    let mut failed = 0;
    for plan in plans.iter().filter(|plan| plan.change.writes()) {
        let ensured = plan.execute(client, pacer).await;
        failed += usize::from(ensured.is_err());
        done(plan, &ensured);
    }
    failed
}

/// The pace of bulk writes: one a second, one at a time, unless `INVITES_WRITES_PER_MINUTE`
/// (0: unspaced) or `INVITES_CONCURRENCY` say otherwise.
pub fn pacing() -> Result<Pacing, Box<dyn Error>> {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
    let mut pacing = Pacing::default();
    if let Some(value) = var("INVITES_WRITES_PER_MINUTE") {
        let writes: u32 = value.trim().parse().map_err(|err| format!("INVITES_WRITES_PER_MINUTE={value:?}: {err}"))?;
        pacing = if writes == 0 { Pacing::unlimited() } else { pacing.with_writes_per_minute(writes) };
    }
    if let Some(value) = var("INVITES_CONCURRENCY") {
        let concurrency: usize = value.trim().parse().map_err(|err| format!("INVITES_CONCURRENCY={value:?}: {err}"))?;
        pacing = pacing.with_concurrency(concurrency);
    }
    Ok(pacing)
}
