//! `apply` with teams: the built binary against the stateful fake on 127.0.0.1 (which keeps
//! Atlas's team rules), a members file of five users and two teams: the plan, the writes, a
//! second run writing nothing, and `--prune` taking one member out of a team. Run with
//! `--nocapture` to see the outputs.

mod common;

use std::io::Write as _;
use std::process::Output;

use serde_json::Value;
use tests::fake_atlas::{FakeAtlas, GROUP, ORG, OTHER_GROUP, Write};

/// Runs the tool with `args` against `fake`, writes unspaced, output not a terminal.
async fn run(fake: &FakeAtlas, args: &[&str]) -> Output {
    common::run_against(fake, args, &[("INVITES_WRITES_PER_MINUTE", "0")]).await
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn members_yaml() -> String {
    format!(
        r#"
projects:
  - group: {GROUP}
    members:
      - username: ana@example.com
        roles: [GROUP_OWNER]
      - username: dee@example.com
        roles: [GROUP_READ_ONLY]
orgs:
  - org: {ORG}
    members:
      - username: bo@example.com
        roles: [ORG_MEMBER]
      - username: cy@example.com
        roles: [ORG_MEMBER]
        projectRoles:
          {OTHER_GROUP}: [GROUP_READ_ONLY]
      - username: eve@example.com
        roles: [ORG_MEMBER]
    teams:
      - name: platform
        members: [ana@example.com, bo@example.com, eve@example.com]
        projectRoles:
          {GROUP}: [GROUP_READ_ONLY]
      - name: data
        members: [cy@example.com, dee@example.com]
        projectRoles:
          {OTHER_GROUP}: [GROUP_DATA_ACCESS_READ_ONLY]
"#
    )
}

/// Each write as `METHOD path status`, team and user IDs as they are.
fn shown(writes: &[Write]) -> Vec<String> {
    writes.iter().map(|write| format!("{} {} {}", write.method, write.path, write.status)).collect()
}

#[tokio::test]
async fn apply_five_users_and_two_teams_then_nothing_then_prune_one_team_member() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    fake.add_member("bo@example.com", &["ORG_MEMBER"], &[], &[]);
    fake.add_member("cy@example.com", &["ORG_MEMBER"], &[], &[]);
    let zed = fake.add_member("zed@example.com", &["ORG_MEMBER"], &[], &[]);
    let data = fake.add_team("data", &["cy@example.com", "zed@example.com"]);
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(members_yaml().as_bytes()).unwrap();
    let path = file.path().to_str().unwrap().to_owned();

    let dry = run(&fake, &["apply", "--file", &path, "--dry-run"]).await;
    assert_eq!(dry.status.code(), Some(0));
    let plan = stdout(&dry);
    assert!(plan.contains("plan: 4 of 5 members to change, 2 of 2 teams"), "{plan}");
    assert!(plan.contains("team platform: create with ana@example.com, bo@example.com, eve@example.com; assign"), "{plan}");
    assert!(plan.contains("team data: add member dee@example.com; assign"), "{plan}");
    assert!(!plan.contains("remove"), "nothing removed without --prune: {plan}");
    let json = run(&fake, &["apply", "--file", &path, "--dry-run", "--json"]).await;
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["teams"][0]["team"], serde_json::json!({ "name": "platform" }));
    assert_eq!(json["teams"][0]["writes"][0]["write"], "create");
    assert_eq!(json["plan"].as_array().unwrap().len(), 5);
    assert!(fake.writes().is_empty(), "a dry run writes nothing");

    let applied = run(&fake, &["apply", "--file", &path]).await;
    assert_eq!(applied.status.code(), Some(0));
    let writes = fake.writes();
    println!("writes of the first apply:\n  {}\n", shown(&writes).join("\n  "));
    assert!(writes.iter().all(|write| write.status < 300), "{:?}", shown(&writes));
    let platform = fake.team("platform").expect("created");
    assert_eq!(fake.team_members(&platform.id), ["ana@example.com", "bo@example.com", "eve@example.com"]);
    assert!(!fake.member("eve@example.com").unwrap().active, "a pending user is in the team");
    assert_eq!(platform.project_roles[GROUP], ["GROUP_READ_ONLY"]);
    assert_eq!(fake.team_members(&data), ["cy@example.com", "dee@example.com", "zed@example.com"]);
    assert_eq!(fake.team("data").unwrap().project_roles[OTHER_GROUP], ["GROUP_DATA_ACCESS_READ_ONLY"]);
    assert_eq!(fake.member("ana@example.com").unwrap().project_roles[GROUP], ["GROUP_OWNER"]);
    for write in &writes {
        let deprecated = write.path.contains("/teams/") && write.path.contains("/users");
        assert!(!deprecated, "a deprecated team endpoint was called: {} {}", write.method, write.path);
    }

    let again = run(&fake, &["apply", "--file", &path]).await;
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).contains("plan: 0 of 5 members to change, 0 of 2 teams"), "{}", stdout(&again));
    assert_eq!(fake.writes().len(), writes.len(), "the second run writes nothing");

    let pruned = run(&fake, &["apply", "--file", &path, "--prune", "--yes"]).await;
    assert_eq!(pruned.status.code(), Some(0));
    assert!(stdout(&pruned).contains("plan: 0 of 5 members to change, 1 of 2 teams (pruning)"), "{}", stdout(&pruned));
    let prune_writes = &fake.writes()[writes.len()..];
    println!("writes of the prune: {:?}", shown(prune_writes));
    assert_eq!(shown(prune_writes), [format!("POST /orgs/{ORG}/teams/{data}:removeUser 200")]);
    assert_eq!(prune_writes[0].body["id"], zed.as_str());
    assert_eq!(fake.team_members(&data), ["cy@example.com", "dee@example.com"]);
    assert!(fake.member("zed@example.com").is_some(), "out of the team, still in the organization");
}

/// A team whose member is not in the organization fails on its own, naming the user, before
/// any write to it; the other team and the users are written; the exit status is 1 and the
/// JSON report says which failed and why.
#[tokio::test]
async fn a_team_member_not_in_the_organization_fails_that_team_alone() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    let yaml = format!(
        "orgs:\n  - org: {ORG}\n    members:\n      - username: bo@example.com\n        roles: [ORG_MEMBER]\n    teams:\n      \
         - name: ghosts\n        members: [ana@example.com, ghost@example.com]\n      - name: platform\n        members: [ana@example.com, bo@example.com]\n"
    );
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(yaml.as_bytes()).unwrap();
    let output = run(&fake, &["apply", "--file", file.path().to_str().unwrap(), "--json"]).await;
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["failed"], 1);
    let results = report["results"].as_array().unwrap();
    let outcomes: Vec<(&Value, &str)> =
        results.iter().map(|entry| (&entry["team"], entry["outcome"].as_str().unwrap())).collect();
    assert_eq!(
        outcomes,
        [
            (&Value::Null, "created"),
            (&serde_json::json!({ "name": "ghosts" }), "failed"),
            (&serde_json::json!({ "name": "platform" }), "team")
        ]
    );
    assert!(results[1]["error"].as_str().unwrap().contains("ghost@example.com"), "{}", results[1]);
    assert!(fake.team("ghosts").is_none(), "nothing written for the failed team");
    assert_eq!(fake.team_members(&fake.team("platform").unwrap().id), ["ana@example.com", "bo@example.com"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("1 of 3 members and teams could not be changed"));
}
