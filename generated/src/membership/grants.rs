//! What a member holds (or should hold): organization roles, project roles per project, and
//! teams, as sets, with the conversions from users and into requests.

use std::collections::{BTreeMap, BTreeSet};

use crate::ids::{GroupId, OrgId, TeamId};
use crate::models::{GroupRoleAssignment, GroupUserResponse, OrgUserResponse, OrgUserRolesRequest};
use crate::roles::{OrgRole, ProjectRole};

/// Where a membership lives: one project or one organization.
///
/// ```
/// use atlas_admin::membership::Scope;
///
/// let scope = Scope::Project("32b6e34b3d91647abb20e7b8".parse().unwrap());
/// assert_eq!(scope.to_string(), "project 32b6e34b3d91647abb20e7b8");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum Scope {
    /// A project (Atlas calls it a group); as JSON `{"project": ID}`.
    #[serde(rename = "project")]
    Project(GroupId),
    /// An organization; as JSON `{"org": ID}`.
    #[serde(rename = "org")]
    Organization(OrgId),
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Project(group) => write!(f, "project {group}"),
            Scope::Organization(org) => write!(f, "organization {org}"),
        }
    }
}

/// Roles and teams: an organization's roles, project roles grouped per project, and team IDs.
/// A project membership uses only `project_roles`, under its own project.
///
/// ```
/// use atlas_admin::membership::Grants;
/// use atlas_admin::roles::{OrgRole, ProjectRole};
/// use atlas_admin::TeamId;
///
/// let group = "32b6e34b3d91647abb20e7b8".parse().unwrap();
/// let team: TeamId = "6a1b2c3d4e5f60718293a4b5".parse().unwrap();
/// let wanted = Grants::new()
///     .with_org_role(OrgRole::OrgMember)
///     .with_project_role(&group, ProjectRole::GroupReadOnly)
///     .with_team(&team);
/// let held = Grants::new().with_org_role(OrgRole::OrgMember);
/// let missing = wanted.minus(&held);
/// assert_eq!(missing, Grants::new().with_project_role(&group, ProjectRole::GroupReadOnly).with_team(&team));
/// assert!(held.minus(&wanted).is_empty());
/// assert_eq!(held.union(&missing), wanted);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Grants {
    /// Organization roles.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub org_roles: BTreeSet<OrgRole>,
    /// Project roles, per project; a project is never listed with no roles.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub project_roles: BTreeMap<GroupId, BTreeSet<ProjectRole>>,
    /// Teams.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub teams: BTreeSet<TeamId>,
}

impl Grants {
    /// Nothing granted.
    ///
    /// ```
    /// assert!(atlas_admin::membership::Grants::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// These grants and an organization role.
    ///
    /// ```
    /// use atlas_admin::{membership::Grants, roles::OrgRole};
    /// assert!(Grants::new().with_org_role(OrgRole::OrgOwner).org_roles.contains(&OrgRole::OrgOwner));
    /// ```
    pub fn with_org_role(mut self, role: OrgRole) -> Self {
        self.org_roles.insert(role);
        self
    }

    /// These grants and a role in the project `group`.
    ///
    /// ```
    /// use atlas_admin::{membership::Grants, roles::ProjectRole, GroupId};
    /// let group: GroupId = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    /// let grants = Grants::new().with_project_role(&group, ProjectRole::GroupOwner);
    /// assert!(grants.project_roles[&group].contains(&ProjectRole::GroupOwner));
    /// ```
    pub fn with_project_role(mut self, group: &GroupId, role: ProjectRole) -> Self {
        self.project_roles.entry(group.clone()).or_default().insert(role);
        self
    }

    /// These grants and membership of a team.
    ///
    /// ```
    /// use atlas_admin::{membership::Grants, TeamId};
    /// let team: TeamId = "6a1b2c3d4e5f60718293a4b5".parse().unwrap();
    /// assert!(Grants::new().with_team(&team).teams.contains(&team));
    /// ```
    pub fn with_team(mut self, team: &TeamId) -> Self {
        self.teams.insert(team.clone());
        self
    }

    /// Whether nothing is granted.
    ///
    /// ```
    /// use atlas_admin::{membership::Grants, roles::OrgRole};
    /// assert!(!Grants::new().with_org_role(OrgRole::OrgMember).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.org_roles.is_empty() && self.project_roles.is_empty() && self.teams.is_empty()
    }

    /// What these grants have and `other` has not.
    ///
    /// ```
    /// use atlas_admin::{membership::Grants, roles::OrgRole};
    /// let both = Grants::new().with_org_role(OrgRole::OrgMember).with_org_role(OrgRole::OrgReadOnly);
    /// let one = Grants::new().with_org_role(OrgRole::OrgMember);
    /// assert_eq!(both.minus(&one), Grants::new().with_org_role(OrgRole::OrgReadOnly));
    /// ```
    pub fn minus(&self, other: &Grants) -> Grants {
        let mut project_roles = BTreeMap::new();
        for (group, roles) in &self.project_roles {
            let held = other.project_roles.get(group);
            let left: BTreeSet<ProjectRole> =
                roles.iter().filter(|role| !held.is_some_and(|held| held.contains(role))).cloned().collect();
            if !left.is_empty() {
                project_roles.insert(group.clone(), left);
            }
        }
        Grants {
            org_roles: self.org_roles.difference(&other.org_roles).cloned().collect(),
            project_roles,
            teams: self.teams.difference(&other.teams).cloned().collect(),
        }
    }

    /// Everything either holds.
    ///
    /// ```
    /// use atlas_admin::{membership::Grants, roles::OrgRole};
    /// let team = "6a1b2c3d4e5f60718293a4b5".parse().unwrap();
    /// let a = Grants::new().with_org_role(OrgRole::OrgMember);
    /// let b = Grants::new().with_team(&team);
    /// assert_eq!(a.union(&b), Grants::new().with_org_role(OrgRole::OrgMember).with_team(&team));
    /// ```
    pub fn union(&self, other: &Grants) -> Grants {
        let mut union = self.clone();
        union.org_roles.extend(other.org_roles.iter().cloned());
        for (group, roles) in &other.project_roles {
            union.project_roles.entry(group.clone()).or_default().extend(roles.iter().cloned());
        }
        union.teams.extend(other.teams.iter().cloned());
        union
    }

    /// What a project member holds in its project.
    pub(crate) fn of_group_user(group: &GroupId, user: &GroupUserResponse) -> Grants {
        Self::in_project(group, user.roles().iter().cloned().collect())
    }

    /// What an organization member holds: organization roles, project roles, teams.
    pub(crate) fn of_org_user(user: &OrgUserResponse) -> Grants {
        let roles = user.roles();
        let mut grants = Grants {
            org_roles: roles.org_roles.iter().flatten().cloned().collect(),
            teams: user.team_ids().unwrap_or_default().iter().filter_map(|team| team.parse().ok()).collect(),
            ..Grants::default()
        };
        for assignment in roles.group_role_assignments.iter().flatten() {
            if let Some(group) = &assignment.group_id {
                for role in assignment.group_roles.iter().flatten() {
                    grants = grants.with_project_role(group, role.clone());
                }
            }
        }
        grants
    }

    pub(crate) fn in_project(group: &GroupId, roles: BTreeSet<ProjectRole>) -> Grants {
        let mut grants = Grants::default();
        if !roles.is_empty() {
            grants.project_roles.insert(group.clone(), roles);
        }
        grants
    }

    /// The roles held in `group`, in a stable order.
    pub(crate) fn roles_in(&self, group: &GroupId) -> Vec<ProjectRole> {
        self.project_roles.get(group).map(|roles| roles.iter().cloned().collect()).unwrap_or_default()
    }

    /// The organization roles and project roles as `createOrgUser` and `updateOrgUser` take
    /// them: one entry per project with all its roles.
    pub(crate) fn org_roles_request(&self) -> OrgUserRolesRequest {
        let assignments: Vec<GroupRoleAssignment> = self
            .project_roles
            .iter()
            .map(|(group, roles)| GroupRoleAssignment {
                group_id: Some(group.clone()),
                group_roles: Some(roles.iter().cloned().collect()),
            })
            .collect();
        OrgUserRolesRequest {
            org_roles: self.org_roles.iter().cloned().collect(),
            group_role_assignments: (!assignments.is_empty()).then_some(assignments),
        }
    }

    /// The team IDs as the Cloud Users requests take them (strings), in a stable order.
    pub(crate) fn team_list(&self) -> Vec<String> {
        self.teams.iter().map(ToString::to_string).collect()
    }
}
