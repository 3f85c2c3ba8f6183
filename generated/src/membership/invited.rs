//! What a legacy invitation grants, as [`Grants`]: the migration's input.

use std::collections::BTreeSet;

use super::grants::Grants;
use crate::ids::GroupId;
use crate::models::{GroupInvitation, OrganizationInvitation};
use crate::roles::ProjectRole;

impl Grants {
    /// The grants of a project invitation: its roles, in its project.
    pub(crate) fn of_group_invitation(group: &GroupId, invitation: &GroupInvitation) -> Grants {
        let roles: BTreeSet<ProjectRole> = invitation.roles.iter().flatten().cloned().collect();
        Self::in_project(group, roles)
    }

    /// The grants of an organization invitation: its organization roles, its teams, and its
    /// `groupRoleAssignments` (one role per entry) grouped per project. A team ID that is not
    /// one (24 hex digits) cannot name a team, and Atlas sends none such.
    pub(crate) fn of_org_invitation(invitation: &OrganizationInvitation) -> Grants {
        let mut grants = Grants {
            org_roles: invitation.roles.iter().flatten().cloned().collect(),
            teams: invitation.team_ids.iter().flatten().filter_map(|team| team.parse().ok()).collect(),
            ..Grants::default()
        };
        for assignment in invitation.group_role_assignments.iter().flatten() {
            if let (Some(group), Some(role)) = (&assignment.group_id, &assignment.group_role) {
                grants = grants.with_project_role(group, role.clone());
            }
        }
        grants
    }
}
