//! What the bulk commands share beyond the library's `atlas_admin::membership`: the pace of
//! their writes (from the environment) and an organization member's grants from flags.

use std::error::Error;

use atlas_admin::membership::{Grants, Pacing};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{GroupId, TeamId};

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
