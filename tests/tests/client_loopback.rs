//! The generated `Client` against a real HTTP server on 127.0.0.1: all twelve operations, what
//! each sends, what it decodes, and how error bodies come back.
#![allow(deprecated)] // The invitation operations are deprecated upstream; using them is the point.

use atlas_admin::models::{
    GroupInvitationRequest, GroupInvitationUpdateRequest, OrganizationInvitationGroupRoleAssignmentsRequest,
    OrganizationInvitationRequest, OrganizationInvitationUpdateRequest,
};
use atlas_admin::operations::{list_group_invites, list_org_invites};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{Client, GroupId, InvitationId, OrgId};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const ORG: &str = "4888442a3354817a7320eb61";
const INVITATION: &str = "5f4a1c2b3d4e5f6a7b8c9d0e";

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).bearer_token("test-token").build().expect("valid configuration")
}

fn ids() -> (GroupId, OrgId, InvitationId) {
    (GROUP.parse().unwrap(), ORG.parse().unwrap(), INVITATION.parse().unwrap())
}

fn group_invitation() -> Value {
    json!({
        "id": INVITATION,
        "groupId": GROUP,
        "groupName": "Project-0",
        "username": "jane@example.com",
        "inviterUsername": "admin@example.com",
        "roles": ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_WRITE"],
        "createdAt": "2025-03-12T09:30:00Z",
        "expiresAt": "2025-04-11T09:30:00Z",
        "links": [{"href": "https://cloud.mongodb.com/api/atlas", "rel": "self"}],
    })
}

fn org_invitation() -> Value {
    json!({
        "id": INVITATION,
        "orgId": ORG,
        "orgName": "Org-0",
        "username": "jane@example.com",
        "roles": ["ORG_MEMBER"],
        "teamIds": ["6a7b8c9d0e1f2a3b4c5d6e7f"],
        "groupRoleAssignments": [{"groupId": GROUP, "groupRole": "GROUP_OWNER"}],
    })
}

/// Expects exactly one request with the versioned `Accept`, the bearer token, the
/// `User-Agent`, and (when `body` is given) the versioned `Content-Type` and that JSON.
async fn expect(server: &MockServer, verb: &str, at: &str, body: Option<Value>, status: u16, reply: Option<Value>) {
    let mut mock = Mock::given(method(verb))
        .and(path(at))
        .and(header("accept", MEDIA_TYPE))
        .and(header("authorization", "Bearer test-token"))
        .and(header("user-agent", concat!("atlas-admin/", "0.1.0")));
    if let Some(body) = body {
        mock = mock.and(header("content-type", MEDIA_TYPE)).and(body_json(body));
    }
    let mut response = ResponseTemplate::new(status);
    if let Some(reply) = reply {
        response = response.set_body_raw(serde_json::to_vec(&reply).unwrap(), MEDIA_TYPE);
    }
    mock.respond_with(response).expect(1).mount(server).await;
}

#[tokio::test]
async fn all_six_project_operations_send_and_decode() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (group, _, invitation) = ids();
    let base = format!("/api/atlas/v2/groups/{GROUP}/invites");
    let by_id = format!("{base}/{INVITATION}");
    let request =
        GroupInvitationRequest { username: Some("jane@example.com".into()), roles: Some(vec![ProjectRole::GroupReadOnly]) };
    let request_json = json!({"username": "jane@example.com", "roles": ["GROUP_READ_ONLY"]});

    Mock::given(method("GET"))
        .and(path(&base))
        .and(query_param("username", "jane+1@example.com"))
        .and(header("accept", MEDIA_TYPE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([group_invitation()])))
        .expect(1)
        .mount(&server)
        .await;
    expect(&server, "POST", &base, Some(request_json.clone()), 200, Some(group_invitation())).await;
    expect(&server, "PATCH", &base, Some(request_json), 200, Some(group_invitation())).await;
    expect(&server, "GET", &by_id, None, 200, Some(group_invitation())).await;
    expect(&server, "PATCH", &by_id, Some(json!({"roles": ["GROUP_OWNER"]})), 200, Some(group_invitation())).await;
    expect(&server, "DELETE", &by_id, None, 204, None).await;

    let query = list_group_invites::Query { username: Some("jane+1@example.com".into()) };
    let listed = client.list_group_invites(&group, &query).await.expect("list");
    assert_eq!(listed.len(), 1);
    let created = client.create_group_invite(&group, &request).await.expect("create");
    assert_eq!(created.id.as_ref(), Some(&invitation));
    assert_eq!(created.group_id.as_ref(), Some(&group));
    assert_eq!(created.roles, Some(vec![ProjectRole::GroupReadOnly, ProjectRole::GroupDataAccessReadWrite]));
    assert_eq!(created.created_at.map(|at| at.to_rfc3339()), Some("2025-03-12T09:30:00+00:00".to_owned()));
    let updated = client.update_group_invites(&group, &request).await.expect("update by username");
    assert_eq!(updated.username.as_deref(), Some("jane@example.com"));
    // The `id` of a returned invitation goes straight back into the next call.
    let id = listed[0].id.clone().expect("the server sent an id");
    let fetched = client.get_group_invite(&group, &id).await.expect("get");
    assert_eq!(fetched.group_name.as_deref(), Some("Project-0"));
    let update = GroupInvitationUpdateRequest { roles: Some(vec![ProjectRole::GroupOwner]) };
    client.update_group_invite_by_id(&group, &id, &update).await.expect("update by id");
    client.delete_group_invite(&group, &id).await.expect("delete");
    server.verify().await;
}

#[tokio::test]
async fn all_six_organization_operations_send_and_decode() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (group, org, invitation) = ids();
    let base = format!("/api/atlas/v2/orgs/{ORG}/invites");
    let by_id = format!("{base}/{INVITATION}");
    let request = OrganizationInvitationRequest {
        username: Some("jane@example.com".into()),
        roles: Some(vec![OrgRole::OrgMember]),
        team_ids: None,
        group_role_assignments: Some(vec![OrganizationInvitationGroupRoleAssignmentsRequest {
            group_id: Some(group.clone()),
            roles: Some(vec![ProjectRole::GroupOwner]),
        }]),
    };
    let request_json = json!({
        "username": "jane@example.com",
        "roles": ["ORG_MEMBER"],
        "groupRoleAssignments": [{"groupId": GROUP, "roles": ["GROUP_OWNER"]}],
    });

    Mock::given(method("GET"))
        .and(path(&base))
        .and(header("accept", MEDIA_TYPE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([org_invitation(), org_invitation()])))
        .expect(1)
        .mount(&server)
        .await;
    expect(&server, "POST", &base, Some(request_json.clone()), 200, Some(org_invitation())).await;
    expect(&server, "PATCH", &base, Some(request_json), 200, Some(org_invitation())).await;
    expect(&server, "GET", &by_id, None, 200, Some(org_invitation())).await;
    expect(&server, "PATCH", &by_id, Some(json!({"teamIds": ["6a7b8c9d0e1f2a3b4c5d6e7f"]})), 200, Some(org_invitation())).await;
    expect(&server, "DELETE", &by_id, None, 204, None).await;

    let listed = client.list_org_invites(&org, &list_org_invites::Query::default()).await.expect("list");
    assert_eq!(listed.len(), 2);
    let created = client.create_org_invite(&org, &request).await.expect("create");
    assert_eq!(created.org_name, "Org-0");
    assert_eq!(created.org_id.as_ref(), Some(&org));
    let assignment = &created.group_role_assignments.as_ref().unwrap()[0];
    assert_eq!(assignment.group_role, Some(ProjectRole::GroupOwner));
    client.update_org_invites(&org, &request).await.expect("update by username");
    let fetched = client.get_org_invite(&org, &invitation).await.expect("get");
    assert_eq!(fetched.roles, Some(vec![OrgRole::OrgMember]));
    let update = OrganizationInvitationUpdateRequest {
        team_ids: Some(vec!["6a7b8c9d0e1f2a3b4c5d6e7f".into()]),
        roles: None,
        group_role_assignments: None,
    };
    client.update_org_invite_by_id(&org, &invitation, &update).await.expect("update by id");
    client.delete_org_invite(&org, &invitation).await.expect("delete");
    server.verify().await;
}

#[tokio::test]
async fn error_bodies_decode_into_api_error_with_the_error_code() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (group, org, invitation) = ids();
    Mock::given(method("GET"))
        .and(path(format!("/api/atlas/v2/groups/{GROUP}/invites/{INVITATION}")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": 404, "errorCode": "RESOURCE_NOT_FOUND", "reason": "Not Found",
            "detail": "No invitation with ID 5f4a1c2b3d4e5f6a7b8c9d0e exists."
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/atlas/v2/orgs/{ORG}/invites")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": 400, "errorCode": "INVALID_ATTRIBUTE", "reason": "Bad Request",
            "badRequestDetail": {"fields": [{"field": "roles", "description": "unknown role"}]}
        })))
        .mount(&server)
        .await;

    let error = client.get_group_invite(&group, &invitation).await.expect_err("404");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
    let api = error.api_error().expect("the body is an ApiError");
    assert_eq!(api.error_code, "RESOURCE_NOT_FOUND");
    assert_eq!(api.error, 404);
    let shown = error.to_string();
    assert!(shown.contains("404") && shown.contains("RESOURCE_NOT_FOUND"), "{shown}");

    let error = client.create_org_invite(&org, &OrganizationInvitationRequest::default()).await.expect_err("400");
    let api = error.api_error().expect("the body is an ApiError");
    assert_eq!(api.error_code, "INVALID_ATTRIBUTE");
    let fields = api.bad_request_detail.as_ref().and_then(|detail| detail.fields.as_ref()).expect("field violations");
    assert_eq!((fields[0].field.as_str(), fields[0].description.as_str()), ("roles", "unknown role"));
}

#[tokio::test]
async fn an_error_status_without_an_api_error_body_is_a_status_error_with_an_excerpt() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (group, _, invitation) = ids();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .mount(&server)
        .await;
    let error = client.get_group_invite(&group, &invitation).await.expect_err("502");
    match &error {
        atlas_admin::Error::Status { status, excerpt, .. } => {
            assert_eq!(status.as_u16(), 502);
            assert!(excerpt.contains("bad gateway"), "{excerpt}");
        }
        other => panic!("expected a status error, got {other:?}"),
    }
}
