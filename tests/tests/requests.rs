//! Each operation's sans-IO request: method, path, `Accept`, `Content-Type` and body, with no
//! HTTP client involved; and the `OPERATIONS` table that describes them.
#![allow(deprecated)] // The invitation operations are deprecated upstream; using them is the point.

use atlas_admin::models::{
    AddOrRemoveGroupRole, AddOrRemoveOrgRole, GroupInvitationRequest, GroupInvitationUpdateRequest, GroupUserRequest,
    OrgUserRequest, OrgUserRolesRequest, OrgUserUpdateRequest, OrganizationInvitationRequest,
    OrganizationInvitationUpdateRequest,
};
use atlas_admin::operations::{self, OPERATIONS};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{GroupId, InvitationId, OrgId, UserId};
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
fn the_operations_table_lists_all_twenty_five_with_version_and_sunset() {
    let mut invitations: Vec<&str> = OPERATIONS.iter().filter(|info| info.deprecated).map(|info| info.operation_id).collect();
    invitations.sort_unstable();
    assert_eq!(
        invitations,
        [
            "createGroupInvite",
            "createOrgInvite",
            "deleteGroupInvite",
            "deleteOrgInvite",
            "getGroupInvite",
            "getOrgInvite",
            "listGroupInvites",
            "listOrgInvites",
            "updateGroupInviteById",
            "updateGroupInvites",
            "updateOrgInviteById",
            "updateOrgInvites",
        ]
    );
    let mut users: Vec<&str> = OPERATIONS.iter().filter(|info| !info.deprecated).map(|info| info.operation_id).collect();
    users.sort_unstable();
    assert_eq!(
        users,
        [
            "addGroupUserRole",
            "addGroupUsers",
            "addOrgUserRole",
            "createOrgUser",
            "getGroupUser",
            "getOrgUser",
            "listGroupUsers",
            "listOrgUsers",
            "removeGroupUser",
            "removeGroupUserRole",
            "removeOrgUser",
            "removeOrgUserRole",
            "updateOrgUser",
        ]
    );
    for info in OPERATIONS {
        let (version, sunset) = if info.deprecated { ("2023-01-01", Some("2027-07-01")) } else { ("2025-02-19", None) };
        assert_eq!(info.api_version, version, "{}", info.operation_id);
        assert_eq!(info.sunset, sunset, "{}", info.operation_id);
        assert!(info.path.starts_with("/api/atlas/v2/"), "{}", info.operation_id);
        assert!(!info.summary.is_empty(), "{}", info.operation_id);
    }
    assert_eq!(operations::delete_group_invite::INFO.path, "/api/atlas/v2/groups/{groupId}/invites/{invitationId}");
    assert_eq!(operations::add_group_user_role::INFO.path, "/api/atlas/v2/groups/{groupId}/users/{userId}:addRole");
}
