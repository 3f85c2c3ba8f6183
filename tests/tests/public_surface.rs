//! DESIGN.md's "public surface" example, compiled and run against a loopback server on a
//! port the OS picks: the example is verbatim but for its base URL, the server's address
//! instead of `http://127.0.0.1:4010`.
#![allow(deprecated)] // The invitation operations are deprecated upstream; using them is the point.
#![allow(unused_variables)] // The example binds `pending` and `everyone` without reading them.

use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

// --- the example from DESIGN.md, verbatim but for `base_url` ---
use atlas_admin::models::GroupInvitationRequest;
use atlas_admin::roles::ProjectRole;
use atlas_admin::{Client, GroupId};
use atlas_admin::{UserId, models::GroupUserRequest};
use futures::TryStreamExt;

async fn demo(base_url: &str) -> Result<(), atlas_admin::Error> {
    let client = Client::builder()
        .base_url(base_url) // default https://cloud.mongodb.com
        .bearer_token("access-token") // or .service_account(id, secret) or .digest(public, private)
        .build()?;
    let group: GroupId = "32b6e34b3d91647abb20e7b8".parse()?;
    let invite = client
        .create_group_invite(
            &group,
            &GroupInvitationRequest { username: Some("jane@example.com".into()), roles: Some(vec![ProjectRole::GroupReadOnly]) },
        )
        .await?;
    let pending = client.list_group_invites(&group, &Default::default()).await?;
    let id = invite.id.clone().expect("set by the server");
    client.delete_group_invite(&group, &id).await?;

    // The replacement: inviting someone through the Cloud Users API makes a pending user.
    let user = client
        .add_group_users(
            &group,
            &GroupUserRequest { username: "jane@example.com".into(), roles: vec![ProjectRole::GroupReadOnly] },
        )
        .await?;
    let user_id: UserId = user.id().clone();
    let everyone: Vec<_> = client
        .list_group_users_stream(&group, &Default::default()) // every page, one at a time
        .try_collect()
        .await?;
    client.remove_group_user(&group, &user_id).await?;
    Ok(())
}
// --- end of the example ---

const GROUP: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites";
const INVITATION: &str = "5f4a1c2b3d4e5f6a7b8c9d0e";
const USERS: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/users";
const USER: &str = "6a1b2c3d4e5f60718293a4b5";

#[tokio::test]
async fn the_design_example_runs_against_a_loopback_server() {
    let server = MockServer::start().await;
    let invitation = serde_json::json!({
        "id": INVITATION,
        "groupId": "32b6e34b3d91647abb20e7b8",
        "username": "jane@example.com",
        "roles": ["GROUP_READ_ONLY"],
    });
    let media_type = "application/vnd.atlas.2023-01-01+json";
    Mock::given(method("POST"))
        .and(path(GROUP))
        .and(header("authorization", "Bearer access-token"))
        .and(header("content-type", media_type))
        .and(body_json(serde_json::json!({"username": "jane@example.com", "roles": ["GROUP_READ_ONLY"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(&invitation))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(GROUP))
        .and(header("accept", media_type))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([invitation])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{GROUP}/{INVITATION}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let users_media_type = "application/vnd.atlas.2025-02-19+json";
    let pending_user = serde_json::json!({
        "id": USER,
        "orgMembershipStatus": "PENDING",
        "username": "jane@example.com",
        "roles": ["GROUP_READ_ONLY"],
        "invitationCreatedAt": "2025-03-12T09:30:00Z",
        "invitationExpiresAt": "2025-04-11T09:30:00Z",
        "inviterUsername": "admin@example.com",
    });
    Mock::given(method("POST"))
        .and(path(USERS))
        .and(header("content-type", users_media_type))
        .and(body_json(serde_json::json!({"username": "jane@example.com", "roles": ["GROUP_READ_ONLY"]})))
        .respond_with(ResponseTemplate::new(201).set_body_raw(serde_json::to_vec(&pending_user).unwrap(), users_media_type))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(header("accept", users_media_type))
        .and(query_param("pageNum", "1"))
        .and(query_param("includeCount", "false"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"links": [], "results": [pending_user]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{USERS}/{USER}")))
        .and(header("accept", users_media_type))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    demo(&server.uri()).await.expect("the example succeeds");
    // Dropping the server verifies that each request arrived exactly once.
    server.verify().await;
}
