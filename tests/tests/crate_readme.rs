//! The quick start of `generated/README.md` (the crate's page for its users), also the first
//! example of the workspace README, compiled and run against a loopback server; a test keeps
//! the copy below and both READMEs' blocks identical.

use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

// --- the README's quick start, verbatim ---
use atlas_admin::models::GroupUserRequest;
use atlas_admin::roles::ProjectRole;
use atlas_admin::{Client, GroupId};
use futures::TryStreamExt;

/// A client for Atlas, with a service account's credentials.
fn atlas(client_id: &str, client_secret: &str) -> Result<Client, atlas_admin::Error> {
    Client::builder()
        .service_account(client_id, client_secret) // or .digest(public, private), .bearer_token(token)
        .build()
}

/// Invites Jane to a project, lists everyone in it, and withdraws the invitation.
async fn invite_jane(client: &Client) -> Result<(), atlas_admin::Error> {
    let group: GroupId = "32b6e34b3d91647abb20e7b8".parse()?;

    // Jane is a pending user of the project until she accepts.
    let request = GroupUserRequest { username: "jane@example.com".into(), roles: vec![ProjectRole::GroupReadOnly] };
    let jane = client.add_group_users(&group, &request).await?;
    println!("{} is {}", jane.username(), jane.org_membership_status());

    // Everyone in the project, page after page, one page in memory at a time.
    let users: Vec<_> = client.list_group_users_stream(&group, &Default::default()).try_collect().await?;
    println!("{} users", users.len());

    // Withdraw the invitation (or remove her, once she has accepted).
    client.remove_group_user(&group, jane.id()).await?;
    Ok(())
}
// --- end of the quick start ---

const README: &str = include_str!("../../generated/README.md");
const WORKSPACE_README: &str = include_str!("../../README.md");
const THIS_FILE: &str = include_str!("crate_readme.rs");
const USERS: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/users";
const MEDIA_TYPE: &str = "application/vnd.atlas.2025-02-19+json";

#[test]
fn the_copy_here_is_the_readme_quick_start() {
    let in_readme = README.split("```rust\n").nth(1).and_then(|rest| rest.split("```\n").next()).expect("a ```rust block");
    let copied = THIS_FILE
        .split("// --- the README's quick start, verbatim ---\n")
        .nth(1)
        .and_then(|rest| rest.split("// --- end of the quick start ---\n").next())
        .expect("the markers");
    assert_eq!(copied, in_readme, "generated/README.md's quick start and the copy tested here have drifted apart");
    assert!(!in_readme.contains("_invite"), "the quick start uses the Cloud Users API, not the deprecated invitations");
    let first_in_workspace_readme = WORKSPACE_README.split("```rust\n").nth(1).and_then(|rest| rest.split("```\n").next());
    assert_eq!(first_in_workspace_readme, Some(in_readme), "the workspace README's first example is the crate's quick start");
}

#[test]
fn the_quick_start_client_goes_to_atlas_with_a_service_account() {
    let client = atlas("mdb_sa_id_1234", "mdb_sa_sk_secret").expect("valid credentials");
    assert_eq!(client.base_url(), "https://cloud.mongodb.com");
    assert!(!format!("{client:?}").contains("mdb_sa_sk_secret"));
}

#[tokio::test]
async fn the_quick_start_invites_lists_and_withdraws_against_a_loopback_server() {
    let server = MockServer::start().await;
    let jane = serde_json::json!({
        "id": "6a1b2c3d4e5f60718293a4b5", "orgMembershipStatus": "PENDING", "username": "jane@example.com",
        "roles": ["GROUP_READ_ONLY"], "invitationCreatedAt": "2025-03-12T09:30:00Z",
        "invitationExpiresAt": "2025-04-11T09:30:00Z", "inviterUsername": "admin@example.com",
    });
    let reply = |status: u16, body: &serde_json::Value| {
        ResponseTemplate::new(status).set_body_raw(serde_json::to_vec(body).unwrap(), MEDIA_TYPE)
    };
    Mock::given(method("POST"))
        .and(path(USERS))
        .and(body_json(serde_json::json!({"username": "jane@example.com", "roles": ["GROUP_READ_ONLY"]})))
        .respond_with(reply(201, &jane))
        .expect(1)
        .mount(&server)
        .await;
    let page = serde_json::json!({"results": [jane], "totalCount": 1, "links": []});
    Mock::given(method("GET")).and(path(USERS)).respond_with(reply(200, &page)).expect(1).mount(&server).await;
    Mock::given(method("DELETE"))
        .and(path(format!("{USERS}/6a1b2c3d4e5f60718293a4b5")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::builder().base_url(server.uri()).bearer_token("test-token").build().unwrap();
    invite_jane(&client).await.expect("the quick start runs");
}
