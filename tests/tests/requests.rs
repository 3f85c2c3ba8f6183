//! Each operation's sans-IO request: method, path, `Accept`, `Content-Type` and body, with no
//! HTTP client involved; and the `OPERATIONS` table that describes them.
#![allow(deprecated)] // The invitation operations are deprecated upstream; using them is the point.

use atlas_admin::models::{
    AddOrRemoveGroupRole, AddOrRemoveOrgRole, AddOrRemoveUserFromTeam, AddUserToTeam, GroupInvitationRequest,
    GroupInvitationUpdateRequest, GroupUserRequest, OrgUserRequest, OrgUserRolesRequest, OrgUserUpdateRequest,
    OrganizationInvitationRequest, OrganizationInvitationUpdateRequest, Team, TeamRole, TeamUpdate,
};
use atlas_admin::operations::{self, OPERATIONS};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{GroupId, InvitationId, OrgId, TeamId, UserId};
use serde_json::json;

const BASE: &str = "https://cloud.mongodb.com";
const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
const USERS_MEDIA_TYPE: &str = "application/vnd.atlas.2025-02-19+json";

fn ids() -> (GroupId, OrgId, InvitationId) {
    (
        "32b6e34b3d91647abb20e7b8".parse().unwrap(),
        "4888442a3354817a7320eb61".parse().unwrap(),
        "5f4a1c2b3d4e5f6a7b8c9d0e".parse().unwrap(),
    )
}

fn header<'r>(request: &'r http::Request<Vec<u8>>, name: &str) -> Option<&'r str> {
    request.headers().get(name).map(|value| value.to_str().unwrap())
}

/// Checks one invitation request against (operationId, method, URL, has body).
fn check(operation_id: &str, request: http::Request<Vec<u8>>, method: &str, url: &str, body: Option<serde_json::Value>) {
    check_versioned(MEDIA_TYPE, operation_id, request, method, url, body);
}

/// Checks one request against (media type, operationId, method, URL, has body).
fn check_versioned(
    media_type: &str,
    operation_id: &str,
    request: http::Request<Vec<u8>>,
    method: &str,
    url: &str,
    body: Option<serde_json::Value>,
) {
    let info = OPERATIONS.iter().find(|info| info.operation_id == operation_id).expect("listed in OPERATIONS");
    assert_eq!(request.method().as_str(), method, "{operation_id}");
    assert_eq!(info.method, method, "{operation_id}");
    assert_eq!(request.uri().to_string(), url, "{operation_id}");
    assert_eq!(header(&request, "accept"), Some(media_type), "{operation_id}");
    match body {
        Some(body) => {
            assert_eq!(header(&request, "content-type"), Some(media_type), "{operation_id}");
            let sent: serde_json::Value = serde_json::from_slice(request.body()).expect("a JSON body");
            assert_eq!(sent, body, "{operation_id}");
        }
        None => {
            assert_eq!(header(&request, "content-type"), None, "{operation_id}");
            assert!(request.body().is_empty(), "{operation_id}");
        }
    }
}

#[test]
fn every_project_request_has_its_method_path_and_media_types() {
    let (group, _, invitation) = ids();
    let base = format!("{BASE}/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites");
    let by_id = format!("{base}/5f4a1c2b3d4e5f6a7b8c9d0e");
    let body = GroupInvitationRequest { username: Some("jane@example.com".into()), roles: Some(vec![ProjectRole::GroupOwner]) };
    let json = serde_json::json!({"username": "jane@example.com", "roles": ["GROUP_OWNER"]});
    let update = GroupInvitationUpdateRequest { roles: Some(vec![ProjectRole::GroupSearchIndexEditor]) };

    let query = operations::list_group_invites::Query { username: Some("a b&c=d+e@example.com".into()) };
    check(
        "listGroupInvites",
        operations::list_group_invites::request(BASE, &group, &query).unwrap(),
        "GET",
        &format!("{base}?username=a%20b%26c%3Dd%2Be%40example.com"),
        None,
    );
    check(
        "listGroupInvites",
        operations::list_group_invites::request(BASE, &group, &Default::default()).unwrap(),
        "GET",
        &base,
        None,
    );
    check(
        "createGroupInvite",
        operations::create_group_invite::request(BASE, &group, &body).unwrap(),
        "POST",
        &base,
        Some(json.clone()),
    );
    check(
        "updateGroupInvites",
        operations::update_group_invites::request(BASE, &group, &body).unwrap(),
        "PATCH",
        &base,
        Some(json),
    );
    check("getGroupInvite", operations::get_group_invite::request(BASE, &group, &invitation).unwrap(), "GET", &by_id, None);
    check(
        "updateGroupInviteById",
        operations::update_group_invite_by_id::request(BASE, &group, &invitation, &update).unwrap(),
        "PATCH",
        &by_id,
        Some(serde_json::json!({"roles": ["GROUP_SEARCH_INDEX_EDITOR"]})),
    );
    check(
        "deleteGroupInvite",
        operations::delete_group_invite::request(BASE, &group, &invitation).unwrap(),
        "DELETE",
        &by_id,
        None,
    );
}

#[test]
fn every_organization_request_has_its_method_path_and_media_types() {
    let (_, org, invitation) = ids();
    let base = format!("{BASE}/api/atlas/v2/orgs/4888442a3354817a7320eb61/invites");
    let by_id = format!("{base}/5f4a1c2b3d4e5f6a7b8c9d0e");
    let body = OrganizationInvitationRequest { roles: Some(vec![OrgRole::OrgReadOnly]), ..Default::default() };
    let json = serde_json::json!({"roles": ["ORG_READ_ONLY"]});
    let update = OrganizationInvitationUpdateRequest { roles: Some(vec![OrgRole::OrgOwner]), ..Default::default() };

    check("listOrgInvites", operations::list_org_invites::request(BASE, &org, &Default::default()).unwrap(), "GET", &base, None);
    check(
        "createOrgInvite",
        operations::create_org_invite::request(BASE, &org, &body).unwrap(),
        "POST",
        &base,
        Some(json.clone()),
    );
    check("updateOrgInvites", operations::update_org_invites::request(BASE, &org, &body).unwrap(), "PATCH", &base, Some(json));
    check("getOrgInvite", operations::get_org_invite::request(BASE, &org, &invitation).unwrap(), "GET", &by_id, None);
    check(
        "updateOrgInviteById",
        operations::update_org_invite_by_id::request(BASE, &org, &invitation, &update).unwrap(),
        "PATCH",
        &by_id,
        Some(serde_json::json!({"roles": ["ORG_OWNER"]})),
    );
    check("deleteOrgInvite", operations::delete_org_invite::request(BASE, &org, &invitation).unwrap(), "DELETE", &by_id, None);
}

#[test]
fn a_base_url_with_a_trailing_slash_or_a_prefix_is_honoured() {
    let (group, _, invitation) = ids();
    let request = operations::get_group_invite::request("http://127.0.0.1:8080/proxy/", &group, &invitation).unwrap();
    assert_eq!(
        request.uri().to_string(),
        "http://127.0.0.1:8080/proxy/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites/5f4a1c2b3d4e5f6a7b8c9d0e"
    );
}

#[test]
fn responses_decode_without_a_client() {
    let ok = http::Response::builder().status(200).body(br#"{"orgName":"Org-0","roles":["ORG_OWNER"]}"#.to_vec()).unwrap();
    let invitation = operations::get_org_invite::response(ok).expect("decodes");
    assert_eq!(invitation.org_name, "Org-0");

    let deleted = http::Response::builder().status(204).body(Vec::new()).unwrap();
    operations::delete_org_invite::response(deleted).expect("204 is success");

    let not_found = http::Response::builder()
        .status(404)
        .body(br#"{"error":404,"errorCode":"RESOURCE_NOT_FOUND","reason":"Not Found"}"#.to_vec())
        .unwrap();
    let error = operations::delete_org_invite::response(not_found).expect_err("404 is an error");
    assert_eq!(error.api_error().map(|api| api.error_code.as_str()), Some("RESOURCE_NOT_FOUND"));
}

#[test]
fn every_cloud_users_request_has_its_method_path_and_resource_version() {
    let (group, org, _) = ids();
    let user: UserId = "6a1b2c3d4e5f60718293a4b5".parse().unwrap();
    let users = |scope: &str| format!("{BASE}/api/atlas/v2/{scope}/users");
    let (project, organization) = (users("groups/32b6e34b3d91647abb20e7b8"), users("orgs/4888442a3354817a7320eb61"));
    let (project_user, org_user) =
        (format!("{project}/6a1b2c3d4e5f60718293a4b5"), format!("{organization}/6a1b2c3d4e5f60718293a4b5"));
    let check =
        |id: &str, request, method: &str, url: &str, body| check_versioned(USERS_MEDIA_TYPE, id, request, method, url, body);
    let add = GroupUserRequest { username: "jane@example.com".into(), roles: vec![ProjectRole::GroupReadOnly] };
    let role = AddOrRemoveGroupRole { group_role: ProjectRole::GroupOwner };
    let role_json = json!({"groupRole": "GROUP_OWNER"});
    let org_role = AddOrRemoveOrgRole { org_role: OrgRole::OrgMember };
    let org_role_json = json!({"orgRole": "ORG_MEMBER"});

    let pending = operations::list_group_users::Query {
        org_membership_statuses: Some(vec!["PENDING".into(), "INVITATION_EXPIRED".into()]),
        ..Default::default()
    };
    check(
        "listGroupUsers",
        operations::list_group_users::request(BASE, &group, &pending).unwrap(),
        "GET",
        &format!("{project}?orgMembershipStatuses=PENDING&orgMembershipStatuses=INVITATION_EXPIRED"),
        None,
    );
    check(
        "addGroupUsers",
        operations::add_group_users::request(BASE, &group, &add).unwrap(),
        "POST",
        &project,
        Some(json!({"username": "jane@example.com", "roles": ["GROUP_READ_ONLY"]})),
    );
    check(
        "getGroupUser",
        operations::get_group_user::request(BASE, &group, &user, &Default::default()).unwrap(),
        "GET",
        &project_user,
        None,
    );
    check("removeGroupUser", operations::remove_group_user::request(BASE, &group, &user).unwrap(), "DELETE", &project_user, None);
    check(
        "addGroupUserRole",
        operations::add_group_user_role::request(BASE, &group, &user, &role).unwrap(),
        "POST",
        &format!("{project_user}:addRole"),
        Some(role_json.clone()),
    );
    check(
        "removeGroupUserRole",
        operations::remove_group_user_role::request(BASE, &group, &user, &role).unwrap(),
        "POST",
        &format!("{project_user}:removeRole"),
        Some(role_json),
    );

    let create = OrgUserRequest {
        username: "jane@example.com".into(),
        roles: OrgUserRolesRequest { org_roles: vec![OrgRole::OrgMember], group_role_assignments: None },
        team_ids: None,
    };
    let update = OrgUserUpdateRequest { team_ids: Some(vec!["6a7b8c9d0e1f2a3b4c5d6e7f".into()]), ..Default::default() };
    check(
        "listOrgUsers",
        operations::list_org_users::request(BASE, &org, &Default::default()).unwrap(),
        "GET",
        &organization,
        None,
    );
    check(
        "createOrgUser",
        operations::create_org_user::request(BASE, &org, &create).unwrap(),
        "POST",
        &organization,
        Some(json!({"username": "jane@example.com", "roles": {"orgRoles": ["ORG_MEMBER"]}})),
    );
    check(
        "getOrgUser",
        operations::get_org_user::request(BASE, &org, &user, &Default::default()).unwrap(),
        "GET",
        &org_user,
        None,
    );
    check(
        "updateOrgUser",
        operations::update_org_user::request(BASE, &org, &user, &update).unwrap(),
        "PATCH",
        &org_user,
        Some(json!({"teamIds": ["6a7b8c9d0e1f2a3b4c5d6e7f"]})),
    );
    check("removeOrgUser", operations::remove_org_user::request(BASE, &org, &user).unwrap(), "DELETE", &org_user, None);
    check(
        "addOrgUserRole",
        operations::add_org_user_role::request(BASE, &org, &user, &org_role).unwrap(),
        "POST",
        &format!("{org_user}:addRole"),
        Some(org_role_json.clone()),
    );
    check(
        "removeOrgUserRole",
        operations::remove_org_user_role::request(BASE, &org, &user, &org_role).unwrap(),
        "POST",
        &format!("{org_user}:removeRole"),
        Some(org_role_json),
    );
}

#[test]
fn every_teams_request_has_its_method_path_and_resource_version() {
    let (group, org, _) = ids();
    let team: TeamId = "6a1b2c3d4e5f60718293a4b5".parse().unwrap();
    let user: UserId = "5f2a3b4c5d6e7f8091a2b3c4".parse().unwrap();
    let project_teams = format!("{BASE}/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/teams");
    let org_teams = format!("{BASE}/api/atlas/v2/orgs/4888442a3354817a7320eb61/teams");
    let (project_team, org_team) = (format!("{project_teams}/{team}"), format!("{org_teams}/{team}"));
    let roles = TeamRole { team_id: Some(team.clone()), role_names: Some(vec![ProjectRole::GroupReadOnly]), links: None };
    let roles_json = json!({"teamId": "6a1b2c3d4e5f60718293a4b5", "roleNames": ["GROUP_READ_ONLY"]});
    let member = AddOrRemoveUserFromTeam { id: user.to_string() };
    let member_json = json!({"id": "5f2a3b4c5d6e7f8091a2b3c4"});

    let page = operations::list_group_teams::Query { items_per_page: Some(50), ..Default::default() };
    check(
        "listGroupTeams",
        operations::list_group_teams::request(BASE, &group, &page).unwrap(),
        "GET",
        &format!("{project_teams}?itemsPerPage=50"),
        None,
    );
    check(
        "addGroupTeams",
        operations::add_group_teams::request(BASE, &group, std::slice::from_ref(&roles)).unwrap(),
        "POST",
        &project_teams,
        Some(json!([roles_json.clone()])),
    );
    check("getGroupTeam", operations::get_group_team::request(BASE, &group, &team).unwrap(), "GET", &project_team, None);
    check(
        "updateGroupTeam",
        operations::update_group_team::request(BASE, &group, &team, &roles).unwrap(),
        "PATCH",
        &project_team,
        Some(roles_json),
    );
    check("removeGroupTeam", operations::remove_group_team::request(BASE, &group, &team).unwrap(), "DELETE", &project_team, None);

    check("listOrgTeams", operations::list_org_teams::request(BASE, &org, &Default::default()).unwrap(), "GET", &org_teams, None);
    let create = Team { id: None, links: None, name: "Platform".into(), usernames: vec!["jane@example.com".into()] };
    check(
        "createOrgTeam",
        operations::create_org_team::request(BASE, &org, &create).unwrap(),
        "POST",
        &org_teams,
        Some(json!({"name": "Platform", "usernames": ["jane@example.com"]})),
    );
    check("getOrgTeam", operations::get_org_team::request(BASE, &org, &team).unwrap(), "GET", &org_team, None);
    let rename = TeamUpdate { links: None, name: "Platform Engineering".into() };
    check(
        "renameOrgTeam",
        operations::rename_org_team::request(BASE, &org, &team, &rename).unwrap(),
        "PATCH",
        &org_team,
        Some(json!({"name": "Platform Engineering"})),
    );
    check("deleteOrgTeam", operations::delete_org_team::request(BASE, &org, &team).unwrap(), "DELETE", &org_team, None);
    // A team name is any text, so it is one percent-encoded path segment.
    check(
        "getOrgTeamByName",
        operations::get_org_team_by_name::request(BASE, &org, "Platform/Ops team").unwrap(),
        "GET",
        &format!("{org_teams}/byName/Platform%2FOps%20team"),
        None,
    );
    let legacy = [AddUserToTeam { id: user.to_string() }];
    check(
        "addOrgTeamUsers",
        operations::add_org_team_users::request(BASE, &org, &team, &legacy).unwrap(),
        "POST",
        &format!("{org_team}/users"),
        Some(json!([member_json.clone()])),
    );
    check(
        "removeOrgTeamUserFromTeam",
        operations::remove_org_team_user_from_team::request(BASE, &org, &team, &user).unwrap(),
        "DELETE",
        &format!("{org_team}/users/{user}"),
        None,
    );

    let check =
        |id: &str, request, method: &str, url: &str, body| check_versioned(USERS_MEDIA_TYPE, id, request, method, url, body);
    let pending =
        operations::list_org_team_users::Query { org_membership_statuses: Some(vec!["PENDING".into()]), ..Default::default() };
    check(
        "listOrgTeamUsers",
        operations::list_org_team_users::request(BASE, &org, &team, &pending).unwrap(),
        "GET",
        &format!("{org_team}/users?orgMembershipStatuses=PENDING"),
        None,
    );
    check(
        "addOrgTeamUser",
        operations::add_org_team_user::request(BASE, &org, &team, &member).unwrap(),
        "POST",
        &format!("{org_team}:addUser"),
        Some(member_json.clone()),
    );
    check(
        "removeOrgTeamUser",
        operations::remove_org_team_user::request(BASE, &org, &team, &member).unwrap(),
        "POST",
        &format!("{org_team}:removeUser"),
        Some(member_json),
    );
}

/// The Atlas release the fragment was cut from: each operation's resource version is the
/// newest its upstream content types list that is not later.
const RELEASE: &str = "2025-03-12";

#[test]
fn the_operations_table_equals_upstream_for_every_operation() {
    let text = std::fs::read_to_string(tests::upstream_dir().join("atlas-api-transformed-2026-08.yaml")).unwrap();
    let upstream: serde_json::Value = serde_yaml::from_str(&text).expect("the 2026-08 spec is YAML");
    assert_eq!(OPERATIONS.len(), 41, "12 invitation, 13 Cloud Users and 16 Teams operations");
    for info in OPERATIONS {
        let at = format!("{} {} ({})", info.method, info.path, info.operation_id);
        let operation = &upstream["paths"][info.path][info.method.to_ascii_lowercase()];
        assert!(operation.is_object(), "{at} is not in the 2026-08 spec");
        let published = operation["x-xgen-docs-url"].as_str().and_then(|url| url.rsplit('/').next());
        assert_eq!(Some(info.operation_id), published, "{at}: the name its documentation URL publishes");
        assert_eq!(info.deprecated, operation["deprecated"].as_bool().unwrap_or(false), "{at}: deprecated");
        assert_eq!(info.sunset.map(str::to_owned), operation["x-sunset"].as_str().map(str::to_owned), "{at}: x-sunset");
        assert_eq!(Some(info.summary), operation["summary"].as_str(), "{at}: summary");
        let bodies = std::iter::once(&operation["requestBody"]).chain(
            operation["responses"].as_object().unwrap().iter().filter(|(status, _)| status.starts_with('2')).map(|(_, r)| r),
        );
        let version = bodies
            .filter_map(|holder| holder["content"].as_object())
            .flat_map(|content| content.keys())
            .filter_map(|media_type| media_type.strip_prefix("application/vnd.atlas.")?.strip_suffix("+json"))
            .filter(|version| *version <= RELEASE)
            .max();
        assert_eq!(Some(info.api_version), version, "{at}: resource version");
    }
    let deprecated = OPERATIONS.iter().filter(|info| info.deprecated).count();
    assert_eq!(deprecated, 14, "the twelve invitation operations and the two team membership ones");
}
