//! Contract tests: the generated `Client` (and, in `cli/tests/contract_prism.rs`, the
//! `atlas-members` tool built on it) against Prism serving the fragment with request
//! validation on, so that an independent reading of the spec, not this crate's own, judges
//! every request it sends: all 41 operations, the invitations, the MongoDB Cloud Users API
//! that replaces them and the Teams operations, and the five list streams.
//!
//! `cargo xtask test` installs the Prism that `tests/package.json` pins (`npm ci`) and passes
//! its path in `ATLAS_PRISM`. Without it (plain `cargo test`) each test says it was skipped
//! and passes.
//!
//! What Prism (5.14) checks, as `prism_rejects_requests_that_break_the_contract` proves:
//! path parameters against their patterns, query parameters (the `email` format), the body
//! against its schema (role enums, types) and its `Content-Type` (415 for a foreign type,
//! though any `+json` flavour passes, so the resource version in `Content-Type` is *not*
//! checked), `Accept` against the media types the operation can answer with (406, so the
//! version in `Accept` is checked), and security. With `--errors` a violation gets the
//! response the operation declares for it (400 or 401, with the spec's example body and
//! the findings in an `sl-violations` header) or, where it declares none, a 422
//! `application/problem+json` whose `validation` array lists them.
//!
//! Security: the fragment accepts the `ServiceAccounts` OAuth 2.0 scheme or HTTP digest.
//! Prism fetches no token and checks no signature: for an oauth2 scheme it accepts any
//! `Authorization` header matching `^Bearer\s.+$`, so these tests send a made-up bearer
//! token; without an `Authorization` header Prism answers 401. Its digest check wants every
//! parameter quoted and lower-case alphanumeric, which a real RFC 7616 answer (`qop=auth`,
//! `nc=00000001`, a `uri` with slashes) never is, so digest cannot be checked here.
//!
//! The fragment marks the users lists' `orgMembershipStatus` query parameter deprecated (as
//! upstream does): Prism lets a request with it through with a warning, which these tests
//! would count as a violation, so nothing here sends it but the test that pins that warning.
#![allow(deprecated)] // The invitation and team membership operations are deprecated upstream; using them is the point.

use atlas_admin::models::{
    AddOrRemoveGroupRole, AddOrRemoveOrgRole, AddOrRemoveUserFromTeam, AddUserToTeam, GroupInvitation, GroupInvitationRequest,
    GroupInvitationUpdateRequest, GroupRoleAssignment, GroupUserRequest, GroupUserResponse, OrgUserRequest, OrgUserResponse,
    OrgUserRolesRequest, OrgUserUpdateRequest, OrganizationInvitation, OrganizationInvitationGroupRoleAssignmentsRequest,
    OrganizationInvitationRequest, OrganizationInvitationUpdateRequest, Team, TeamResponse, TeamRole, TeamUpdate,
};
use atlas_admin::operations::{
    self, get_group_user, get_org_user, list_group_invites, list_group_teams, list_group_users, list_org_invites,
    list_org_team_users, list_org_teams, list_org_users,
};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{Client, GroupId, InvitationId, OrgId, TeamId, UserId};
use futures::TryStreamExt;
use http::StatusCode;
use http::header::{ACCEPT, HeaderValue};
use tests::prism::{Prism, REQUEST_TIMEOUT, prism_or_skip, with_token};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const ORG: &str = "4888442a3354817a7320eb61";
const INVITATION: &str = "5f4a1c2b3d4e5f6a7b8c9d0e";
const TEAM: &str = "6a1b2c3d4e5f60718293a4b5";
/// The `id`s of the fragment's `GroupInvitation` and `OrganizationInvitation` examples,
/// which Prism answers with.
const GROUP_EXAMPLE_ID: &str = "67d1548a0f3c2b1e4d5a6978";
const ORG_EXAMPLE_ID: &str = "67d1548a0f3c2b1e4d5a6979";
/// The `id`s of the fragment's user examples: the pending user that `GroupUserResponse`
/// and `OrgUserResponse` show (and that each list's first result is), and the active user
/// that each list's second result is.
const GROUP_USER_EXAMPLE_ID: &str = "67d1548a0f3c2b1e4d5a6a01";
const ORG_USER_EXAMPLE_ID: &str = "67d1548a0f3c2b1e4d5a6a02";
const ACTIVE_USER_EXAMPLE_ID: &str = "5f2a3b4c5d6e7f8091a2b3c4";

fn ids() -> (GroupId, OrgId, InvitationId) {
    (GROUP.parse().unwrap(), ORG.parse().unwrap(), INVITATION.parse().unwrap())
}

#[tokio::test]
async fn every_operation_passes_prism_validation() {
    let Some(executable) = prism_or_skip("every_operation_passes_prism_validation") else { return };
    let prism = Prism::start(&executable);
    let client = prism.client();
    let (group, org, invitation) = ids();
    let ids_of =
        |invitations: &[GroupInvitation]| invitations.iter().map(|i| i.id.clone().unwrap().to_string()).collect::<Vec<_>>();
    let org_ids_of = |invitations: &[OrganizationInvitation]| {
        invitations.iter().map(|i| i.id.clone().unwrap().to_string()).collect::<Vec<_>>()
    };

    // Project invitations.
    let all = list_group_invites::Query::default();
    let listed = prism
        .passes("listGroupInvites", client.list_group_invites(&group, &all).await, |base| {
            operations::list_group_invites::request(base, &group, &all)
        })
        .await;
    assert_eq!(ids_of(&listed), [GROUP_EXAMPLE_ID]);

    let jane = list_group_invites::Query { username: Some("jane@example.com".into()) };
    let listed = prism
        .passes("listGroupInvites?username", client.list_group_invites(&group, &jane).await, |base| {
            operations::list_group_invites::request(base, &group, &jane)
        })
        .await;
    assert_eq!(ids_of(&listed), [GROUP_EXAMPLE_ID]);

    let invite = GroupInvitationRequest {
        username: Some("jane@example.com".into()),
        roles: Some(vec![ProjectRole::GroupReadOnly, ProjectRole::GroupDataAccessReadWrite]),
    };
    let created = prism
        .passes("createGroupInvite", client.create_group_invite(&group, &invite).await, |base| {
            operations::create_group_invite::request(base, &group, &invite)
        })
        .await;
    // The invitation's `id` goes straight back into the calls that take an invitation ID.
    let example_id = created.id.clone().expect("the example has an id");
    assert_eq!(example_id.as_str(), GROUP_EXAMPLE_ID);

    let updated = prism
        .passes("updateGroupInvites", client.update_group_invites(&group, &invite).await, |base| {
            operations::update_group_invites::request(base, &group, &invite)
        })
        .await;
    assert_eq!(updated.roles, Some(vec![ProjectRole::GroupReadOnly, ProjectRole::GroupDataAccessReadWrite]));

    let got = prism
        .passes("getGroupInvite", client.get_group_invite(&group, &example_id).await, |base| {
            operations::get_group_invite::request(base, &group, &example_id)
        })
        .await;
    assert_eq!(got.group_id, Some(group.clone()));

    let roles = GroupInvitationUpdateRequest { roles: Some(vec![ProjectRole::GroupClusterManager]) };
    let updated = prism
        .passes("updateGroupInviteById", client.update_group_invite_by_id(&group, &invitation, &roles).await, |base| {
            operations::update_group_invite_by_id::request(base, &group, &invitation, &roles)
        })
        .await;
    assert_eq!(updated.username.as_deref(), Some("jane@example.com"));

    prism
        .passes("deleteGroupInvite", client.delete_group_invite(&group, &invitation).await, |base| {
            operations::delete_group_invite::request(base, &group, &invitation)
        })
        .await;

    // Organization invitations.
    let all = list_org_invites::Query::default();
    let listed = prism
        .passes("listOrgInvites", client.list_org_invites(&org, &all).await, |base| {
            operations::list_org_invites::request(base, &org, &all)
        })
        .await;
    assert_eq!(org_ids_of(&listed), [ORG_EXAMPLE_ID]);

    let assignments = vec![OrganizationInvitationGroupRoleAssignmentsRequest {
        group_id: Some(group.clone()),
        roles: Some(vec![ProjectRole::GroupReadOnly, ProjectRole::GroupObservabilityViewer]),
    }];
    let invite = OrganizationInvitationRequest {
        group_role_assignments: Some(assignments.clone()),
        roles: Some(vec![OrgRole::OrgMember]),
        team_ids: Some(vec![TEAM.into()]),
        username: Some("jane@example.com".into()),
    };
    let created = prism
        .passes("createOrgInvite", client.create_org_invite(&org, &invite).await, |base| {
            operations::create_org_invite::request(base, &org, &invite)
        })
        .await;
    assert_eq!(created.org_name, "Example-Corp");

    let updated = prism
        .passes("updateOrgInvites", client.update_org_invites(&org, &invite).await, |base| {
            operations::update_org_invites::request(base, &org, &invite)
        })
        .await;
    assert_eq!(updated.roles, Some(vec![OrgRole::OrgMember]));

    let got = prism
        .passes("getOrgInvite", client.get_org_invite(&org, &invitation).await, |base| {
            operations::get_org_invite::request(base, &org, &invitation)
        })
        .await;
    assert_eq!(got.org_id, Some(org.clone()));

    let grants = OrganizationInvitationUpdateRequest {
        group_role_assignments: Some(assignments),
        roles: Some(vec![OrgRole::OrgMember, OrgRole::OrgBillingReadOnly]),
        team_ids: Some(vec![TEAM.into()]),
    };
    let updated = prism
        .passes("updateOrgInviteById", client.update_org_invite_by_id(&org, &invitation, &grants).await, |base| {
            operations::update_org_invite_by_id::request(base, &org, &invitation, &grants)
        })
        .await;
    assert_eq!(updated.team_ids, Some(vec![TEAM.to_owned()]));

    prism
        .passes("deleteOrgInvite", client.delete_org_invite(&org, &invitation).await, |base| {
            operations::delete_org_invite::request(base, &org, &invitation)
        })
        .await;

    // Project users: the MongoDB Cloud Users API, which replaces the invitations. Every
    // query parameter but the deprecated `orgMembershipStatus` (see the module docs).
    let filtered = list_group_users::Query {
        include_count: Some(true),
        items_per_page: Some(50),
        page_num: Some(1),
        flatten_teams: Some(true),
        include_org_users: Some(true),
        org_membership_statuses: Some(vec!["PENDING".into(), "ACTIVE".into()]),
        username: Some("jane@example.com".into()),
        ..Default::default()
    };
    let page = prism
        .passes("listGroupUsers", client.list_group_users(&group, &filtered).await, |base| {
            operations::list_group_users::request(base, &group, &filtered)
        })
        .await;
    assert_eq!(page.total_count, Some(2));
    let listed = page.results.expect("the example has results");
    assert!(matches!(listed.as_slice(), [GroupUserResponse::Pending(_), GroupUserResponse::Active(_)]), "{listed:?}");
    let user_ids: Vec<&str> = listed.iter().map(|user| user.id().as_str()).collect();
    assert_eq!(user_ids, [GROUP_USER_EXAMPLE_ID, ACTIVE_USER_EXAMPLE_ID]);

    // The stream sends one request: the example page (two users) is shorter than the 100 it
    // asks for. `assert_no_violations` counts the requests, so a second one would show.
    let pending = list_group_users::Query { org_membership_statuses: Some(vec!["PENDING".into()]), ..Default::default() };
    let first_page =
        list_group_users::Query { include_count: Some(false), items_per_page: Some(100), page_num: Some(1), ..pending.clone() };
    let streamed: Vec<GroupUserResponse> = prism
        .passes("listGroupUsers stream", client.list_group_users_stream(&group, &pending).try_collect().await, |base| {
            operations::list_group_users::request(base, &group, &first_page)
        })
        .await;
    assert_eq!(streamed, listed);

    let jane = GroupUserRequest {
        username: "jane@example.com".into(),
        roles: vec![ProjectRole::GroupReadOnly, ProjectRole::GroupDataAccessReadWrite],
    };
    let added = prism
        .passes("addGroupUsers", client.add_group_users(&group, &jane).await, |base| {
            operations::add_group_users::request(base, &group, &jane)
        })
        .await;
    assert!(matches!(added, GroupUserResponse::Pending(_)), "{added:?}");
    // The user's `id` goes straight back into the calls that take a user ID.
    let user = added.id().clone();
    assert_eq!(user.as_str(), GROUP_USER_EXAMPLE_ID);

    let statuses = get_group_user::Query { org_membership_statuses: Some(vec!["PENDING".into(), "ACTIVE".into()]) };
    let got = prism
        .passes("getGroupUser", client.get_group_user(&group, &user, &statuses).await, |base| {
            operations::get_group_user::request(base, &group, &user, &statuses)
        })
        .await;
    assert_eq!(got.username(), "jane@example.com");

    let role = AddOrRemoveGroupRole { group_role: ProjectRole::GroupClusterManager };
    let changed = prism
        .passes("addGroupUserRole", client.add_group_user_role(&group, &user, &role).await, |base| {
            operations::add_group_user_role::request(base, &group, &user, &role)
        })
        .await;
    assert_eq!(changed.id(), &user);
    let changed = prism
        .passes("removeGroupUserRole", client.remove_group_user_role(&group, &user, &role).await, |base| {
            operations::remove_group_user_role::request(base, &group, &user, &role)
        })
        .await;
    assert_eq!(changed.roles(), [ProjectRole::GroupReadOnly]);

    prism
        .passes("removeGroupUser", client.remove_group_user(&group, &user).await, |base| {
            operations::remove_group_user::request(base, &group, &user)
        })
        .await;

    // Organization users.
    let filtered = list_org_users::Query {
        include_count: Some(true),
        items_per_page: Some(50),
        page_num: Some(1),
        org_membership_statuses: Some(vec!["PENDING".into(), "ACTIVE".into()]),
        username: Some("jane@example.com".into()),
        ..Default::default()
    };
    let page = prism
        .passes("listOrgUsers", client.list_org_users(&org, &filtered).await, |base| {
            operations::list_org_users::request(base, &org, &filtered)
        })
        .await;
    let listed = page.results.expect("the example has results");
    assert!(matches!(listed.as_slice(), [OrgUserResponse::Pending(_), OrgUserResponse::Active(_)]), "{listed:?}");
    let user_ids: Vec<&str> = listed.iter().map(|user| user.id().as_str()).collect();
    assert_eq!(user_ids, [ORG_USER_EXAMPLE_ID, ACTIVE_USER_EXAMPLE_ID]);
    assert_eq!(listed[1].roles().org_roles, Some(vec![OrgRole::OrgOwner]));

    let all = list_org_users::Query::default();
    let first_page =
        list_org_users::Query { include_count: Some(false), items_per_page: Some(100), page_num: Some(1), ..all.clone() };
    let streamed: Vec<OrgUserResponse> = prism
        .passes("listOrgUsers stream", client.list_org_users_stream(&org, &all).try_collect().await, |base| {
            operations::list_org_users::request(base, &org, &first_page)
        })
        .await;
    assert_eq!(streamed, listed);

    let project_roles = vec![GroupRoleAssignment {
        group_id: Some(group.clone()),
        group_roles: Some(vec![ProjectRole::GroupReadOnly, ProjectRole::GroupObservabilityViewer]),
    }];
    let jane = OrgUserRequest {
        roles: OrgUserRolesRequest { group_role_assignments: Some(project_roles.clone()), org_roles: vec![OrgRole::OrgMember] },
        team_ids: Some(vec![TEAM.into()]),
        username: "jane@example.com".into(),
    };
    let created = prism
        .passes("createOrgUser", client.create_org_user(&org, &jane).await, |base| {
            operations::create_org_user::request(base, &org, &jane)
        })
        .await;
    assert!(matches!(created, OrgUserResponse::Pending(_)), "{created:?}");
    assert_eq!(created.team_ids(), Some([TEAM.to_owned()].as_slice()));
    let user = created.id().clone();
    assert_eq!(user.as_str(), ORG_USER_EXAMPLE_ID);

    let statuses = get_org_user::Query { org_membership_statuses: Some(vec!["PENDING".into()]) };
    let got = prism
        .passes("getOrgUser", client.get_org_user(&org, &user, &statuses).await, |base| {
            operations::get_org_user::request(base, &org, &user, &statuses)
        })
        .await;
    assert_eq!(got.username(), "jane@example.com");

    let changes = OrgUserUpdateRequest {
        roles: Some(OrgUserRolesRequest {
            group_role_assignments: Some(project_roles),
            org_roles: vec![OrgRole::OrgMember, OrgRole::OrgBillingReadOnly],
        }),
        team_ids: Some(vec![TEAM.into()]),
    };
    let updated = prism
        .passes("updateOrgUser", client.update_org_user(&org, &user, &changes).await, |base| {
            operations::update_org_user::request(base, &org, &user, &changes)
        })
        .await;
    assert_eq!(updated.id(), &user);

    let role = AddOrRemoveOrgRole { org_role: OrgRole::OrgBillingReadOnly };
    let changed = prism
        .passes("addOrgUserRole", client.add_org_user_role(&org, &user, &role).await, |base| {
            operations::add_org_user_role::request(base, &org, &user, &role)
        })
        .await;
    assert_eq!(changed.id(), &user);
    let changed = prism
        .passes("removeOrgUserRole", client.remove_org_user_role(&org, &user, &role).await, |base| {
            operations::remove_org_user_role::request(base, &org, &user, &role)
        })
        .await;
    assert_eq!(changed.roles().org_roles, Some(vec![OrgRole::OrgMember]));

    prism
        .passes("removeOrgUser", client.remove_org_user(&org, &user).await, |base| {
            operations::remove_org_user::request(base, &org, &user)
        })
        .await;

    // Teams: a project's teams and their roles, an organization's teams, and their members.
    let team: TeamId = TEAM.parse().unwrap();
    let member: UserId = ACTIVE_USER_EXAMPLE_ID.parse().unwrap();
    let all = list_group_teams::Query::default();
    let listed = prism
        .passes("listGroupTeams", client.list_group_teams(&group, &all).await, |base| {
            operations::list_group_teams::request(base, &group, &all)
        })
        .await;
    let results = listed.results.unwrap_or_default();
    assert_eq!(results.iter().map(|role| role.team_id.clone()).collect::<Vec<_>>(), [Some(team.clone())]);
    let first_page = list_group_teams::Query { include_count: Some(false), items_per_page: Some(100), page_num: Some(1) };
    let streamed: Vec<TeamRole> = prism
        .passes("listGroupTeams stream", client.list_group_teams_stream(&group, &all).try_collect().await, |base| {
            operations::list_group_teams::request(base, &group, &first_page)
        })
        .await;
    assert_eq!(streamed, results);

    let roles = TeamRole {
        links: None,
        role_names: Some(vec![ProjectRole::GroupReadOnly, ProjectRole::GroupDataAccessReadOnly]),
        team_id: Some(team.clone()),
    };
    let added = prism
        .passes("addGroupTeams", client.add_group_teams(&group, std::slice::from_ref(&roles)).await, |base| {
            operations::add_group_teams::request(base, &group, std::slice::from_ref(&roles))
        })
        .await;
    assert_eq!(added.results.map(|results| results.len()), Some(1));
    let got = prism
        .passes("getGroupTeam", client.get_group_team(&group, &team).await, |base| {
            operations::get_group_team::request(base, &group, &team)
        })
        .await;
    assert_eq!(got.role_names, roles.role_names);
    let updated = prism
        .passes("updateGroupTeam", client.update_group_team(&group, &team, &roles).await, |base| {
            operations::update_group_team::request(base, &group, &team, &roles)
        })
        .await;
    assert_eq!(updated.total_count, Some(1));
    prism
        .passes("removeGroupTeam", client.remove_group_team(&group, &team).await, |base| {
            operations::remove_group_team::request(base, &group, &team)
        })
        .await;

    let all = list_org_teams::Query::default();
    let listed = prism
        .passes("listOrgTeams", client.list_org_teams(&org, &all).await, |base| {
            operations::list_org_teams::request(base, &org, &all)
        })
        .await;
    let results = listed.results.unwrap_or_default();
    assert_eq!(results.iter().map(|team| team.id.clone()).collect::<Vec<_>>(), [Some(team.clone())]);
    let first_page = list_org_teams::Query { include_count: Some(false), items_per_page: Some(100), page_num: Some(1) };
    let streamed: Vec<TeamResponse> = prism
        .passes("listOrgTeams stream", client.list_org_teams_stream(&org, &all).try_collect().await, |base| {
            operations::list_org_teams::request(base, &org, &first_page)
        })
        .await;
    assert_eq!(streamed, results);

    let platform = Team {
        id: None,
        links: None,
        name: "Platform".into(),
        usernames: vec!["jane@example.com".into(), "sam@example.com".into()],
    };
    let created = prism
        .passes("createOrgTeam", client.create_org_team(&org, &platform).await, |base| {
            operations::create_org_team::request(base, &org, &platform)
        })
        .await;
    // The created team's `id` goes straight back into the calls that take a team ID.
    assert_eq!(created.id, Some(team.clone()));
    let got = prism
        .passes("getOrgTeam", client.get_org_team(&org, &team).await, |base| operations::get_org_team::request(base, &org, &team))
        .await;
    assert_eq!(got.id, Some(team.clone()));
    let by_name = prism
        .passes("getOrgTeamByName", client.get_org_team_by_name(&org, "Platform Team").await, |base| {
            operations::get_org_team_by_name::request(base, &org, "Platform Team")
        })
        .await;
    assert_eq!(by_name.name.as_deref(), Some("Platform"));
    let rename = TeamUpdate { links: None, name: "Platform Engineering".into() };
    prism
        .passes("renameOrgTeam", client.rename_org_team(&org, &team, &rename).await, |base| {
            operations::rename_org_team::request(base, &org, &team, &rename)
        })
        .await;

    // Its members, through the Cloud Users API; every query parameter but the deprecated one.
    let filtered = list_org_team_users::Query {
        username: Some("sam@example.com".into()),
        org_membership_statuses: Some(vec!["ACTIVE".into(), "PENDING".into()]),
        user_id: Some(ACTIVE_USER_EXAMPLE_ID.into()),
        ..Default::default()
    };
    let listed = prism
        .passes("listOrgTeamUsers", client.list_org_team_users(&org, &team, &filtered).await, |base| {
            operations::list_org_team_users::request(base, &org, &team, &filtered)
        })
        .await;
    let members = listed.results.unwrap_or_default();
    assert_eq!(members.iter().map(|user| user.id().as_str()).collect::<Vec<_>>(), [ORG_USER_EXAMPLE_ID, ACTIVE_USER_EXAMPLE_ID]);
    let all = list_org_team_users::Query::default();
    let first_page = list_org_team_users::Query { items_per_page: Some(100), page_num: Some(1), ..all.clone() };
    let streamed: Vec<OrgUserResponse> = prism
        .passes("listOrgTeamUsers stream", client.list_org_team_users_stream(&org, &team, &all).try_collect().await, |base| {
            operations::list_org_team_users::request(base, &org, &team, &first_page)
        })
        .await;
    assert_eq!(streamed, members);

    let pending = AddOrRemoveUserFromTeam { id: ORG_USER_EXAMPLE_ID.into() };
    let added = prism
        .passes("addOrgTeamUser", client.add_org_team_user(&org, &team, &pending).await, |base| {
            operations::add_org_team_user::request(base, &org, &team, &pending)
        })
        .await;
    assert!(matches!(added, OrgUserResponse::Pending(_)), "a pending user joins a team: {added:?}");
    assert_eq!(added.team_ids(), Some([TEAM.to_owned()].as_slice()));
    prism
        .passes("removeOrgTeamUser", client.remove_org_team_user(&org, &team, &pending).await, |base| {
            operations::remove_org_team_user::request(base, &org, &team, &pending)
        })
        .await;

    // The deprecated membership endpoints, for active users only.
    let legacy = [AddUserToTeam { id: ACTIVE_USER_EXAMPLE_ID.into() }];
    let added = prism
        .passes("addOrgTeamUsers", client.add_org_team_users(&org, &team, &legacy).await, |base| {
            operations::add_org_team_users::request(base, &org, &team, &legacy)
        })
        .await;
    let users = added.results.unwrap_or_default();
    assert_eq!(users.iter().map(|user| user.id.as_deref()).collect::<Vec<_>>(), [Some(ACTIVE_USER_EXAMPLE_ID)]);
    prism
        .passes("removeOrgTeamUserFromTeam", client.remove_org_team_user_from_team(&org, &team, &member).await, |base| {
            operations::remove_org_team_user_from_team::request(base, &org, &team, &member)
        })
        .await;
    prism
        .passes("deleteOrgTeam", client.delete_org_team(&org, &team).await, |base| {
            operations::delete_org_team::request(base, &org, &team)
        })
        .await;

    // Every operation once; listGroupInvites twice (with and without its query parameter)
    // and each users and teams list twice (once through its stream).
    prism.assert_every_operation_passed();
    prism.assert_no_violations(47);
}

/// The oracle is live: requests that break the contract in one way each are refused, and the
/// same requests unbroken are not.
#[tokio::test]
async fn prism_rejects_requests_that_break_the_contract() {
    let Some(executable) = prism_or_skip("prism_rejects_requests_that_break_the_contract") else { return };
    let prism = Prism::start(&executable);
    let client = prism.client();
    let base = prism.base_url.as_str();
    let (group, org, _) = ids();
    let invite =
        GroupInvitationRequest { username: Some("jane@example.com".into()), roles: Some(vec![ProjectRole::GroupReadOnly]) };
    let create = || with_token(operations::create_group_invite::request(base, &group, &invite).unwrap());
    let update = || with_token(operations::update_group_invites::request(base, &group, &invite).unwrap());

    // The control: both requests as built pass, so each refusal below is down to its one change.
    for request in [create(), update()] {
        let reply = prism.send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply}");
    }

    // A wrong media type in `Accept`: a plain one, and the right type at another version.
    for accept in ["application/json", "application/vnd.atlas.2024-08-05+json"] {
        let mut request = create();
        request.headers_mut().insert(ACCEPT, HeaderValue::from_static(accept));
        let reply = prism.send(request).await;
        assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE, "Accept: {accept}\n{reply}");
        assert!(reply.body.contains(accept), "{reply}");
    }

    // The same for a users operation, asked for at the invitations' resource version.
    let user: UserId = GROUP_USER_EXAMPLE_ID.parse().unwrap();
    let role = AddOrRemoveGroupRole { group_role: ProjectRole::GroupOwner };
    let add_role = || with_token(operations::add_group_user_role::request(base, &group, &user, &role).unwrap());
    let reply = prism.send(add_role()).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply}");
    let mut request = add_role();
    request.headers_mut().insert(ACCEPT, HeaderValue::from_static("application/vnd.atlas.2023-01-01+json"));
    let reply = prism.send(request).await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE, "{reply}");
    assert!(reply.body.contains("application/vnd.atlas.2023-01-01+json"), "{reply}");

    // A project role that is not in the enum: addGroupUserRole declares a 400.
    let mut request = add_role();
    *request.body_mut() = br#"{"groupRole":"NOT_A_ROLE"}"#.to_vec();
    let reply = prism.send(request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{reply}");
    assert!(reply.violations.as_deref().unwrap_or_default().contains("groupRole"), "{reply}");

    // A role that is not in the enum, in a hand-written body. createGroupInvite declares no
    // 400, so Prism makes up a 422 listing the violation.
    let mut request = create();
    *request.body_mut() = br#"{"username":"jane@example.com","roles":["NOT_A_ROLE"]}"#.to_vec();
    let reply = prism.send(request).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
    assert!(reply.findings().contains("roles.0 must be equal to one of the allowed values"), "{reply}");

    // updateGroupInvites declares a 400: Prism answers with it and lists the violation in
    // `sl-violations`.
    let mut request = update();
    *request.body_mut() = br#"{"username":"jane@example.com","roles":["NOT_A_ROLE"]}"#.to_vec();
    let reply = prism.send(request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{reply}");
    assert!(reply.violations.as_deref().unwrap_or_default().contains("roles.0"), "{reply}");

    // The same through the client: a role this crate does not know is sent as is (the
    // catch-all variant), and the client reports Prism's refusal as an error.
    let unknown =
        GroupInvitationRequest { username: Some("jane@example.com".into()), roles: Some(vec!["NOT_A_ROLE".parse().unwrap()]) };
    let err = client.create_group_invite(&group, &unknown).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY), "{err}");
    let err = client.update_group_invites(&group, &unknown).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST), "{err}");

    // A team's project roles are checked too: the fragment puts upstream's role list on the
    // `roleNames` items, where a valid body passes and a made-up role is refused (addGroupTeams
    // declares a 400).
    let team: TeamId = TEAM.parse().unwrap();
    let roles = [TeamRole { links: None, role_names: Some(vec![ProjectRole::GroupReadOnly]), team_id: Some(team.clone()) }];
    let add_teams = || with_token(operations::add_group_teams::request(base, &group, &roles).unwrap());
    let reply = prism.send(add_teams()).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply}");
    let mut request = add_teams();
    *request.body_mut() = format!(r#"[{{"teamId":"{TEAM}","roleNames":["NOT_A_ROLE"]}}]"#).into_bytes();
    let reply = prism.send(request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{reply}");
    assert!(reply.violations.as_deref().unwrap_or_default().contains("roleNames.0"), "{reply}");

    // A query parameter that is not an email address.
    let query = list_group_invites::Query { username: Some("not-an-email".into()) };
    let err = client.list_group_invites(&group, &query).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY), "{err}");

    // The deprecated `orgMembershipStatus` is let through, but Prism warns about it.
    let query = list_org_users::Query { org_membership_status: Some("PENDING".into()), ..Default::default() };
    let reply = prism.send(with_token(operations::list_org_users::request(base, &org, &query).unwrap())).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply}");
    prism.wait_for_log("Query param orgMembershipStatus is deprecated");

    // No credentials: the fragment requires a service account token or digest.
    let anonymous = Client::builder().base_url(base).timeout(REQUEST_TIMEOUT).build().unwrap();
    let err = anonymous.list_group_invites(&group, &Default::default()).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED), "{err}");
    let reply = prism.send(operations::list_group_invites::request(base, &group, &Default::default()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{reply}");
    assert!(reply.findings().contains("Invalid security scheme used"), "{reply}");
}
