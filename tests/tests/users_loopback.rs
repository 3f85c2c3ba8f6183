//! The thirteen MongoDB Cloud Users operations through `Client` against a real HTTP server on
//! 127.0.0.1: what each sends (resource version 2025-02-19, `:addRole` paths as they are),
//! and pending, active and unknown users coming back.

use atlas_admin::models::{
    AddOrRemoveGroupRole, AddOrRemoveOrgRole, GroupUserRequest, GroupUserResponse, OrgUserRequest, OrgUserResponse,
    OrgUserRolesRequest, OrgUserUpdateRequest,
};
use atlas_admin::operations::{list_group_users, list_org_users};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{Client, GroupId, OrgId, UserId};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MEDIA_TYPE: &str = "application/vnd.atlas.2025-02-19+json";
const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const ORG: &str = "4888442a3354817a7320eb61";
const USER: &str = "6a1b2c3d4e5f60718293a4b5";

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).bearer_token("test-token").build().expect("valid configuration")
}

fn ids() -> (GroupId, OrgId, UserId) {
    (GROUP.parse().unwrap(), ORG.parse().unwrap(), USER.parse().unwrap())
}

fn pending_project_user() -> Value {
    json!({
        "id": USER, "orgMembershipStatus": "PENDING", "username": "jane@example.com", "roles": ["GROUP_READ_ONLY"],
        "invitationCreatedAt": "2025-03-12T09:30:00Z", "invitationExpiresAt": "2025-04-11T09:30:00Z",
        "inviterUsername": "admin@example.com",
    })
}

fn active_project_user() -> Value {
    json!({
        "id": USER, "orgMembershipStatus": "ACTIVE", "username": "jane@example.com", "roles": ["GROUP_OWNER", "GROUP_READ_ONLY"],
        "createdAt": "2024-01-02T03:04:05Z", "firstName": "Jane", "lastName": "Doe", "country": "US",
    })
}

fn org_user(status: &str) -> Value {
    let mut user = json!({
        "id": USER, "orgMembershipStatus": status, "username": "jane@example.com", "teamIds": ["6a7b8c9d0e1f2a3b4c5d6e7f"],
        "roles": {"orgRoles": ["ORG_MEMBER"], "groupRoleAssignments": [{"groupId": GROUP, "groupRoles": ["GROUP_OWNER"]}]},
    });
    let extra = match status {
        "PENDING" => json!({"invitationCreatedAt": "2025-03-12T09:30:00Z", "invitationExpiresAt": "2025-04-11T09:30:00Z",
                            "inviterUsername": "admin@example.com"}),
        _ => json!({"createdAt": "2024-01-02T03:04:05Z", "firstName": "Jane", "lastName": "Doe"}),
    };
    user.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    user
}

/// Expects exactly one request with the 2025-02-19 `Accept`, the bearer token and (when
/// `body` is given) the 2025-02-19 `Content-Type` and that JSON; answers `status` with `reply`.
async fn expect(server: &MockServer, verb: &str, at: &str, body: Option<Value>, status: u16, reply: Option<Value>) {
    let mut mock = Mock::given(method(verb))
        .and(path(at))
        .and(header("accept", MEDIA_TYPE))
        .and(header("authorization", "Bearer test-token"));
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
async fn all_six_project_user_operations_send_and_decode() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (group, _, user) = ids();
    let users = format!("/api/atlas/v2/groups/{GROUP}/users");
    let by_id = format!("{users}/{USER}");
    let role = json!({"groupRole": "GROUP_OWNER"});

    Mock::given(method("GET"))
        .and(path(&users))
        .and(query_param("username", "jane@example.com"))
        .and(query_param("orgMembershipStatuses", "PENDING"))
        .and(header("accept", MEDIA_TYPE))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            serde_json::to_vec(&json!({"results": [pending_project_user()], "totalCount": 1})).unwrap(),
            MEDIA_TYPE,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let request = json!({"username": "jane@example.com", "roles": ["GROUP_READ_ONLY"]});
    expect(&server, "POST", &users, Some(request), 201, Some(pending_project_user())).await;
    expect(&server, "GET", &by_id, None, 200, Some(active_project_user())).await;
    // The colon before the action is sent as it is, not as `%3A`.
    expect(&server, "POST", &format!("{by_id}:addRole"), Some(role.clone()), 200, Some(active_project_user())).await;
    expect(&server, "POST", &format!("{by_id}:removeRole"), Some(role), 200, Some(pending_project_user())).await;
    expect(&server, "DELETE", &by_id, None, 204, None).await;

    let query = list_group_users::Query {
        username: Some("jane@example.com".into()),
        org_membership_statuses: Some(vec!["PENDING".into()]),
        ..Default::default()
    };
    let page = client.list_group_users(&group, &query).await.expect("list");
    assert_eq!(page.total_count, Some(1));
    let listed = page.results.expect("results");
    assert!(matches!(&listed[0], GroupUserResponse::Pending(pending) if pending.inviter_username == "admin@example.com"));

    let added = client
        .add_group_users(
            &group,
            &GroupUserRequest { username: "jane@example.com".into(), roles: vec![ProjectRole::GroupReadOnly] },
        )
        .await
        .expect("add");
    let GroupUserResponse::Pending(pending) = &added else { panic!("adding someone new makes a pending user: {added:?}") };
    assert_eq!(pending.invitation_expires_at.to_rfc3339(), "2025-04-11T09:30:00+00:00");
    // The `id` of a returned user goes straight into the next call.
    let id = added.id().clone();
    assert_eq!(id, user);

    let fetched = client.get_group_user(&group, &id, &Default::default()).await.expect("get");
    let GroupUserResponse::Active(active) = &fetched else { panic!("expected an active user: {fetched:?}") };
    assert_eq!((active.first_name.as_str(), active.country.as_deref()), ("Jane", Some("US")));
    assert_eq!(fetched.roles(), [ProjectRole::GroupOwner, ProjectRole::GroupReadOnly]);

    let role = AddOrRemoveGroupRole { group_role: ProjectRole::GroupOwner };
    let with_role = client.add_group_user_role(&group, &id, &role).await.expect("add role");
    assert!(with_role.roles().contains(&ProjectRole::GroupOwner));
    let without_role = client.remove_group_user_role(&group, &id, &role).await.expect("remove role");
    assert_eq!(without_role.roles(), [ProjectRole::GroupReadOnly]);
    client.remove_group_user(&group, &id).await.expect("remove");
    server.verify().await;
}

#[tokio::test]
async fn all_seven_organization_user_operations_send_and_decode() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (group, org, user) = ids();
    let users = format!("/api/atlas/v2/orgs/{ORG}/users");
    let by_id = format!("{users}/{USER}");
    let role = json!({"orgRole": "ORG_BILLING_ADMIN"});

    Mock::given(method("GET"))
        .and(path(&users))
        .and(query_param("itemsPerPage", "2"))
        .and(header("accept", MEDIA_TYPE))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            serde_json::to_vec(&json!({"results": [org_user("PENDING"), org_user("ACTIVE")], "totalCount": 2})).unwrap(),
            MEDIA_TYPE,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let create = json!({
        "username": "jane@example.com",
        "roles": {"orgRoles": ["ORG_MEMBER"], "groupRoleAssignments": [{"groupId": GROUP, "groupRoles": ["GROUP_OWNER"]}]},
        "teamIds": ["6a7b8c9d0e1f2a3b4c5d6e7f"],
    });
    expect(&server, "POST", &users, Some(create), 201, Some(org_user("PENDING"))).await;
    expect(&server, "GET", &by_id, None, 200, Some(org_user("ACTIVE"))).await;
    expect(&server, "PATCH", &by_id, Some(json!({"roles": {"orgRoles": ["ORG_OWNER"]}})), 200, Some(org_user("ACTIVE"))).await;
    expect(&server, "POST", &format!("{by_id}:addRole"), Some(role.clone()), 200, Some(org_user("ACTIVE"))).await;
    expect(&server, "POST", &format!("{by_id}:removeRole"), Some(role), 200, Some(org_user("ACTIVE"))).await;
    expect(&server, "DELETE", &by_id, None, 204, None).await;

    let query = list_org_users::Query { items_per_page: Some(2), ..Default::default() };
    let listed = client.list_org_users(&org, &query).await.expect("list").results.expect("results");
    assert!(matches!((&listed[0], &listed[1]), (OrgUserResponse::Pending(_), OrgUserResponse::Active(_))), "{listed:?}");

    let request = OrgUserRequest {
        username: "jane@example.com".into(),
        roles: OrgUserRolesRequest {
            org_roles: vec![OrgRole::OrgMember],
            group_role_assignments: Some(vec![atlas_admin::models::GroupRoleAssignment {
                group_id: Some(group.clone()),
                group_roles: Some(vec![ProjectRole::GroupOwner]),
            }]),
        },
        team_ids: Some(vec!["6a7b8c9d0e1f2a3b4c5d6e7f".into()]),
    };
    let created = client.create_org_user(&org, &request).await.expect("create");
    assert!(matches!(created, OrgUserResponse::Pending(_)));
    let assignments = created.roles().group_role_assignments.as_ref().expect("assignments");
    assert_eq!(assignments[0].group_id.as_ref(), Some(&group));

    let fetched = client.get_org_user(&org, &user, &Default::default()).await.expect("get");
    assert!(matches!(&fetched, OrgUserResponse::Active(active) if active.last_name == "Doe"));
    assert_eq!(fetched.team_ids(), Some(&["6a7b8c9d0e1f2a3b4c5d6e7f".to_owned()][..]));

    let update = OrgUserUpdateRequest {
        roles: Some(OrgUserRolesRequest { org_roles: vec![OrgRole::OrgOwner], group_role_assignments: None }),
        team_ids: None,
    };
    client.update_org_user(&org, &user, &update).await.expect("update");
    let role = AddOrRemoveOrgRole { org_role: OrgRole::OrgBillingAdmin };
    client.add_org_user_role(&org, &user, &role).await.expect("add role");
    client.remove_org_user_role(&org, &user, &role).await.expect("remove role");
    client.remove_org_user(&org, &user).await.expect("remove");
    server.verify().await;
}

#[tokio::test]
async fn a_status_this_crate_does_not_know_still_decodes_with_its_shared_fields() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (group, _, user) = ids();
    let mut expired = pending_project_user();
    expired["orgMembershipStatus"] = json!("INVITATION_EXPIRED");
    expired["invitationExpiresAt"] = Value::Null;
    expect(&server, "GET", &format!("/api/atlas/v2/groups/{GROUP}/users/{USER}"), None, 200, Some(expired.clone())).await;

    let fetched = client.get_group_user(&group, &user, &Default::default()).await.expect("an unknown status decodes");

    let GroupUserResponse::Unknown(unknown) = &fetched else { panic!("expected the catch-all: {fetched:?}") };
    assert_eq!(unknown.other.get("inviterUsername"), Some(&json!("admin@example.com")));
    assert_eq!(fetched.id(), &user);
    assert_eq!(fetched.org_membership_status().as_str(), "INVITATION_EXPIRED");
    assert_eq!(serde_json::to_value(&fetched).unwrap(), expired, "it round-trips without loss");
    server.verify().await;
}

#[tokio::test]
async fn a_user_id_that_is_not_24_hex_digits_is_refused_before_any_request() {
    assert!("6a1b2c3d4e5f60718293a4b5:addRole".parse::<UserId>().is_err());
    assert!("../6a1b2c3d4e5f60718293a4b".parse::<UserId>().is_err());
    let error: atlas_admin::Error = "not-an-id".parse::<UserId>().unwrap_err().into();
    assert!(error.to_string().contains("not-an-id"), "{error}");
}
