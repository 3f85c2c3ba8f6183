//! The `teams` commands, the built binary against the stateful fake on 127.0.0.1 (which keeps
//! Atlas's team rules): a team's life from creation with its members to deletion, its members
//! changed only through the Cloud Users `:addUser` / `:removeUser`, its project roles, and the
//! refusals Atlas answers with. Run with `--nocapture` to see the outputs.

mod common;

use std::process::Output;

use serde_json::Value;
use tests::fake_atlas::{FakeAtlas, GROUP, ORG};

/// Runs the tool with `args` against `fake`; stdout is not a terminal, so answers are JSON.
async fn teams(fake: &FakeAtlas, args: &[&str]) -> Output {
    common::run_against(fake, args, &[("MONGODB_ATLAS_ORG_ID", ORG)]).await
}

/// The JSON answer of a run that succeeded.
async fn answer(fake: &FakeAtlas, args: &[&str]) -> Value {
    let output = teams(fake, args).await;
    assert_eq!(output.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A run Atlas refused: exit 1, and its error code on stderr.
async fn refused(fake: &FakeAtlas, args: &[&str], code: &str) {
    let output = teams(fake, args).await;
    assert_eq!(output.status.code(), Some(1), "{args:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains(code), "{args:?} should be refused with {code}");
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|item| item["name"].as_str().or(item["username"].as_str()).unwrap()).collect()
}

#[tokio::test]
async fn a_team_from_creation_with_members_to_deletion() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    fake.add_member("bo@example.com", &["ORG_MEMBER"], &[], &[]);
    let pending = answer(&fake, &["users", "org", "invite", "--username", "new@example.com", "--role", "ORG_MEMBER"]).await;
    let pending = pending["id"].as_str().unwrap().to_owned();

    let empty = teams(&fake, &["teams", "create", "--name", "platform"]).await;
    assert_eq!(empty.status.code(), Some(2), "a team is created with members");
    refused(&fake, &["teams", "create", "--name", "platform", "--username", "stranger@example.com"], "USER_NOT_IN_ORG").await;
    let created = answer(
        &fake,
        &["teams", "create", "--name", "platform", "--username", "ana@example.com", "--username", "bo@example.com"],
    )
    .await;
    let team = created["id"].as_str().unwrap().to_owned();
    assert_eq!(fake.team_members(&team), ["ana@example.com", "bo@example.com"]);
    refused(&fake, &["teams", "create", "--name", "platform", "--username", "ana@example.com"], "DUPLICATE_TEAM_NAME").await;

    assert_eq!(names(&answer(&fake, &["teams", "list"]).await), ["platform"]);
    assert_eq!(answer(&fake, &["teams", "show", "--name", "platform"]).await["id"], team.as_str());
    assert_eq!(answer(&fake, &["teams", "show", "--team", &team]).await["name"], "platform");
    let both = teams(&fake, &["teams", "show", "--team", &team, "--name", "platform"]).await;
    assert_eq!(both.status.code(), Some(2), "one of --team and --name");

    // Members: a pending user may join; the last member cannot leave.
    answer(&fake, &["teams", "members", "add", "--team", &team, "--user", &pending]).await;
    let members = answer(&fake, &["teams", "members", "list", "--team", &team]).await;
    assert_eq!(names(&members), ["ana@example.com", "bo@example.com", "new@example.com"]);
    for username in ["ana@example.com", "bo@example.com"] {
        let user = fake.member(username).unwrap().id;
        answer(&fake, &["teams", "members", "remove", "--team", &team, "--user", &user]).await;
    }
    refused(&fake, &["teams", "members", "remove", "--team", &team, "--user", &pending], "CANNOT_REMOVE_LAST_TEAM_USER").await;
    assert_eq!(fake.team_members(&team), ["new@example.com"]);

    answer(&fake, &["teams", "rename", "--team", &team, "--name", "data-platform"]).await;
    refused(&fake, &["teams", "show", "--name", "platform"], "404").await;

    // Project roles.
    let assigned =
        answer(&fake, &["teams", "projects", "assign", "--group", GROUP, "--team", &team, "--role", "GROUP_READ_ONLY"]).await;
    assert_eq!(assigned[0]["roleNames"], serde_json::json!(["GROUP_READ_ONLY"]));
    let update =
        ["teams", "projects", "update", "--group", GROUP, "--team", &team, "--role", "GROUP_OWNER", "--role", "GROUP_READ_ONLY"];
    answer(&fake, &update).await;
    let listed = answer(&fake, &["teams", "projects", "list", "--group", GROUP]).await;
    assert_eq!(listed[0]["teamId"], team.as_str());
    assert_eq!(listed[0]["roleNames"].as_array().unwrap().len(), 2);
    answer(&fake, &["teams", "projects", "remove", "--group", GROUP, "--team", &team]).await;
    assert_eq!(answer(&fake, &["teams", "projects", "list", "--group", GROUP]).await, serde_json::json!([]));

    assert_eq!(answer(&fake, &["teams", "delete", "--team", &team]).await["deleted"], true);
    assert_eq!(answer(&fake, &["teams", "list"]).await, serde_json::json!([]));

    // Members changed only through the Cloud Users operations.
    let member_writes: Vec<String> = fake
        .writes()
        .iter()
        .map(|write| format!("{} {}", write.method, write.path))
        .filter(|write| write.contains("/teams/") && (write.contains("/users") || write.contains(':')))
        .collect();
    assert!(!member_writes.is_empty());
    assert!(member_writes.iter().all(|write| write.ends_with(":addUser") || write.ends_with(":removeUser")), "{member_writes:?}");
}
