//! `atlas_admin::membership::ensure_team` and `TeamPlan` against the stateful fake on
//! 127.0.0.1, which keeps Atlas's team rules (`tests::fake_atlas`'s `teams`): creation with
//! members, pending members, the last member, a name taken, a user not in the organization,
//! the order of writes, and that the deprecated team endpoints are never called; and the bulk
//! `MembersFile` apply: a team failing midway, an organization update made on fresh roles; and
//! an organization invitation's teams kept by its migration.

use atlas_admin::GroupId;
use atlas_admin::membership::{
    AppliedOutcome, Grants, MembersFile, Migration, Pacer, Pacing, TeamPlan, TeamRef, TeamState, TeamWrite, ensure_org_user,
    ensure_team,
};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::test_util::VirtualClock;
use serde_json::json;
use tests::fake_atlas::{FakeAtlas, GROUP, ORG, OTHER_GROUP, Write};
use tests::sample::{client, group, org};

const TEAM_A: &str = "e0000000000000000000000a";
const TEAM_B: &str = "e0000000000000000000000b";

fn platform() -> TeamRef {
    TeamRef::Name("platform".into())
}

/// The writes Atlas took, as `METHOD path` with the team's ID as `TEAM`.
fn taken(writes: &[Write], team: &str) -> Vec<String> {
    writes
        .iter()
        .filter(|write| write.status < 300)
        .map(|write| format!("{} {}", write.method, write.path.replace(team, "TEAM")))
        .collect()
}

/// No write went to the deprecated `POST .../teams/{id}/users` or `DELETE .../users/{id}`.
fn assert_no_deprecated_call(writes: &[Write]) {
    for write in writes {
        let deprecated = write.path.contains("/teams/") && write.path.contains("/users");
        assert!(!deprecated, "a deprecated team endpoint was called: {} {}", write.method, write.path);
    }
}

#[tokio::test]
async fn a_team_is_created_with_its_members_pending_included_then_a_second_run_writes_nothing() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    let client = client(&fake);
    // A pending user, made through the Cloud Users API.
    let pending = Grants::new().with_org_role(OrgRole::OrgMember);
    ensure_org_user(&client, &org(), "pen@example.com", &pending).await.unwrap();
    assert!(!fake.member("pen@example.com").unwrap().active);
    let before = fake.writes().len();

    let wanted = TeamState::new()
        .with_member("ana@example.com")
        .with_member("pen@example.com")
        .with_project_role(&group(), ProjectRole::GroupReadOnly);
    let plan = TeamPlan::new(&client, &org(), &platform(), &wanted, true).await.unwrap();
    assert_eq!(fake.writes().len(), before, "planning only reads");
    assert_eq!(
        plan.writes(),
        [
            TeamWrite::Create { name: "platform".into(), members: vec!["ana@example.com".into(), "pen@example.com".into()] },
            TeamWrite::AssignProject { group: group(), roles: vec![ProjectRole::GroupReadOnly] },
        ]
    );
    let ensured = plan.execute(&client, &Pacer::new(&Pacing::unlimited())).await.unwrap();
    let team = fake.team("platform").expect("created");
    assert_eq!(ensured.team.as_str(), team.id);
    assert_eq!(fake.team_members(&team.id), ["ana@example.com", "pen@example.com"]);
    assert_eq!(team.project_roles[GROUP], ["GROUP_READ_ONLY"]);
    assert_eq!(
        taken(&fake.writes()[before..], &team.id),
        [format!("POST /orgs/{ORG}/teams"), format!("POST /groups/{GROUP}/teams")]
    );

    let writes = fake.writes().len();
    let again = ensure_team(&client, &org(), &platform(), &wanted).await.unwrap();
    assert!(again.written.is_empty(), "{again:?}");
    assert_eq!(fake.writes().len(), writes, "the second run wrote nothing");
    let by_id = ensure_team(&client, &org(), &TeamRef::Id(ensured.team.clone()), &wanted).await.unwrap();
    assert!(by_id.written.is_empty());
    assert_eq!(fake.writes().len(), writes, "named by ID, the same team, still nothing to write");
}

#[tokio::test]
async fn members_are_added_before_they_are_removed_so_the_last_one_can_be_replaced() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    let bo = fake.add_member("bo@example.com", &["ORG_MEMBER"], &[], &[]);
    let team = fake.add_team("platform", &["ana@example.com"]);
    let ana = fake.member("ana@example.com").unwrap().id;
    let client = client(&fake);

    // Ana is the only member: Atlas refuses to take her out unless Bo is in first.
    let wanted = TeamState::new().with_member("bo@example.com");
    let without_prune = TeamPlan::new(&client, &org(), &platform(), &wanted, false).await.unwrap();
    assert_eq!(without_prune.writes(), [TeamWrite::AddMember { username: "bo@example.com".into() }], "no removal without prune");
    let ensured = ensure_team(&client, &org(), &platform(), &wanted).await.unwrap();
    assert_eq!(
        ensured.written,
        [
            TeamWrite::AddMember { username: "bo@example.com".into() },
            TeamWrite::RemoveMember { username: "ana@example.com".into() }
        ]
    );
    assert_eq!(fake.team_members(&team), ["bo@example.com"]);
    let writes = fake.writes();
    assert_eq!(
        taken(&writes, &team),
        [format!("POST /orgs/{ORG}/teams/TEAM:addUser"), format!("POST /orgs/{ORG}/teams/TEAM:removeUser")]
    );
    assert_eq!((writes[0].body["id"].as_str(), writes[1].body["id"].as_str()), (Some(bo.as_str()), Some(ana.as_str())));
    assert_no_deprecated_call(&writes);

    let refused = ensure_team(&client, &org(), &platform(), &TeamState::new()).await.unwrap_err();
    assert!(refused.to_string().contains("at least one member"), "{refused}");
    assert_eq!(fake.writes().len(), 2, "an empty team is refused before anything is written");
}

#[tokio::test]
async fn project_roles_are_assigned_updated_and_removed_only_where_the_state_names_the_project() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    let team = fake.add_team("platform", &["ana@example.com"]);
    let client = client(&fake);
    let other: GroupId = OTHER_GROUP.parse().unwrap();
    let first = TeamState::new()
        .with_member("ana@example.com")
        .with_project_role(&group(), ProjectRole::GroupReadOnly)
        .with_project_role(&other, ProjectRole::GroupOwner);
    ensure_team(&client, &org(), &platform(), &first).await.unwrap();

    let second = TeamState::new()
        .with_member("ana@example.com")
        .with_project_role(&group(), ProjectRole::GroupDataAccessReadOnly)
        .without_project(&other);
    let added = TeamPlan::new(&client, &org(), &platform(), &second, false).await.unwrap();
    assert_eq!(
        added.writes(),
        [TeamWrite::UpdateProject {
            group: group(),
            roles: vec![ProjectRole::GroupDataAccessReadOnly, ProjectRole::GroupReadOnly]
        }],
        "without prune, roles are only added"
    );
    let ensured = ensure_team(&client, &org(), &platform(), &second).await.unwrap();
    assert_eq!(
        ensured.written,
        [
            TeamWrite::UpdateProject { group: group(), roles: vec![ProjectRole::GroupDataAccessReadOnly] },
            TeamWrite::RemoveProject { group: other.clone() },
        ]
    );
    let held = fake.team("platform").unwrap();
    assert_eq!(held.project_roles.get(GROUP).unwrap(), &["GROUP_DATA_ACCESS_READ_ONLY"]);
    assert!(!held.project_roles.contains_key(OTHER_GROUP));
    assert_eq!(
        taken(&fake.writes(), &team)[2..],
        [format!("PATCH /groups/{GROUP}/teams/TEAM"), format!("DELETE /groups/{OTHER_GROUP}/teams/TEAM")]
    );
}

#[tokio::test]
async fn a_user_not_in_the_organization_is_named_before_anything_is_written() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    let client = client(&fake);
    let wanted = TeamState::new().with_member("ana@example.com").with_member("ghost@example.com");
    let error = ensure_team(&client, &org(), &platform(), &wanted).await.unwrap_err();
    assert!(error.to_string().contains("not in organization") && error.to_string().contains("ghost@example.com"), "{error}");
    assert!(fake.writes().is_empty());
    assert!(fake.team("platform").is_none());

    fake.add_team("platform", &["ana@example.com"]);
    let error = ensure_team(&client, &org(), &platform(), &wanted).await.unwrap_err();
    assert!(error.to_string().contains("ghost@example.com"), "{error}");
    assert!(fake.writes().is_empty(), "adding to an existing team is refused before writing too");
}

#[tokio::test]
async fn a_name_taken_since_the_plan_converges_the_team_that_took_it() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    fake.add_member("bo@example.com", &["ORG_MEMBER"], &[], &[]);
    let client = client(&fake);
    let wanted = TeamState::new().with_member("ana@example.com").with_member("bo@example.com");
    let plan = TeamPlan::new(&client, &org(), &platform(), &wanted, true).await.unwrap();
    assert!(matches!(plan.writes()[0], TeamWrite::Create { .. }));
    let team = fake.add_team("platform", &["ana@example.com"]);

    let ensured = plan.execute(&client, &Pacer::new(&Pacing::unlimited())).await.unwrap();
    assert_eq!(ensured.team.as_str(), team);
    assert_eq!(ensured.written, [TeamWrite::AddMember { username: "bo@example.com".into() }]);
    let statuses: Vec<(String, u16)> =
        fake.writes().iter().map(|write| (write.path.replace(&team, "TEAM"), write.status)).collect();
    assert_eq!(statuses, [(format!("/orgs/{ORG}/teams"), 409), (format!("/orgs/{ORG}/teams/TEAM:addUser"), 200)]);
    assert_eq!(fake.state.lock().unwrap().teams.len(), 1, "no second team of that name");
}

#[tokio::test]
async fn a_team_named_by_an_id_or_a_name_that_does_not_exist_is_a_clear_error() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    let client = client(&fake);
    let missing = TeamRef::Id("e00000000000000000000099".parse().unwrap());
    let error = ensure_team(&client, &org(), &missing, &TeamState::new().with_member("ana@example.com")).await.unwrap_err();
    assert_eq!(error.to_string(), format!("invalid argument: no team e00000000000000000000099 in organization {ORG}"));
    let by_name = TeamRef::Name("no such team".into()).resolve(&client, &org()).await.unwrap_err();
    assert_eq!(by_name.to_string(), format!("invalid argument: no team no such team in organization {ORG}"));
    let team = fake.add_team("data", &["ana@example.com"]);
    assert_eq!(TeamRef::Name("data".into()).resolve(&client, &org()).await.unwrap().as_str(), team, "found by name");
    assert!(fake.writes().is_empty());
}

fn members_file(value: serde_json::Value) -> MembersFile {
    let file: MembersFile = serde_json::from_value(value).expect("a members file");
    file.check().expect("valid roles and teams");
    file
}

#[tokio::test]
async fn a_team_failing_midway_keeps_its_writes_in_the_apply_report() {
    let fake = FakeAtlas::start().await;
    fake.add_member("cy@example.com", &["ORG_MEMBER"], &[], &[]);
    fake.add_member("bo@example.com", &["ORG_MEMBER"], &[], &[]);
    let data = fake.add_team("data", &["cy@example.com"]);
    fake.state.lock().unwrap().teams[0].project_roles.insert(GROUP.into(), vec!["GROUP_READ_ONLY".into()]);
    let client = client(&fake);
    let file = members_file(serde_json::json!({ "orgs": [{ "org": ORG, "teams": [{
        "name": "data",
        "members": ["cy@example.com", "bo@example.com"],
        "projectRoles": { GROUP: ["GROUP_READ_ONLY", "GROUP_OWNER"] },
    }] }] }));
    let plan = file.plan(&client, false).await.unwrap();
    assert_eq!(plan.changes(), 1);
    // Someone takes the team out of the project between the plan and the writes.
    fake.state.lock().unwrap().teams[0].project_roles.clear();

    let mut heard = 0;
    let report = plan.execute(&client, &Pacer::new(&Pacing::unlimited()), |_| heard += 1).await;
    assert_eq!((report.failed(), heard), (1, 1));
    let AppliedOutcome::Failed(failure) = &report.entries[0].outcome else { panic!("{report:?}") };
    assert_eq!(failure.written, [TeamWrite::AddMember { username: "bo@example.com".into() }], "what was written is kept");
    assert_eq!(fake.team_members(&data), ["bo@example.com", "cy@example.com"]);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["entries"][0],
        serde_json::json!({
            "scope": { "org": ORG },
            "team": { "name": "data" },
            "outcome": "failed",
            "error": failure.error.to_string(),
            "status": 404,
            "errorCode": "TEAM_NOT_IN_GROUP",
            "transient": false,
            "written": [{ "write": "addMember", "username": "bo@example.com" }],
        })
    );
}

#[tokio::test]
async fn a_user_failing_midway_keeps_the_roles_already_written_in_the_apply_report() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[(GROUP, &["GROUP_READ_ONLY"])], &[]);
    fake.forbid(":removeRole");
    let client = client(&fake);
    let file = members_file(serde_json::json!({ "projects": [{ "group": GROUP, "members": [
        { "username": "ana@example.com", "roles": ["GROUP_OWNER"] },
    ] }] }));
    let plan = file.plan(&client, true).await.unwrap();

    let report = plan.execute(&client, &Pacer::new(&Pacing::unlimited()), |_| {}).await;
    assert_eq!(report.failed(), 1, "{report:?}");
    let AppliedOutcome::Failed(failure) = &report.entries[0].outcome else { panic!("{report:?}") };
    assert_eq!(failure.error.status(), Some(http::StatusCode::FORBIDDEN));
    assert_eq!(failure.added, Grants::new().with_project_role(&group(), ProjectRole::GroupOwner), "the role Atlas took is kept");
    assert!(failure.removed.is_empty(), "the refused removal is not reported as written");
    assert_eq!(fake.member("ana@example.com").unwrap().project_roles[GROUP], ["GROUP_READ_ONLY", "GROUP_OWNER"]);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["entries"][0]["outcome"], "failed");
    assert_eq!(json["entries"][0]["added"], serde_json::json!({ "projectRoles": { GROUP: ["GROUP_OWNER"] } }));
    assert!(json["entries"][0].get("removed").is_none(), "{json}");
}

#[tokio::test]
async fn an_org_update_sends_the_roles_held_when_it_writes_not_when_it_planned() {
    let fake = FakeAtlas::start().await;
    let lee_id = fake.add_member("lee@example.com", &["ORG_MEMBER"], &[], &[]);
    let client = client(&fake);
    let file = members_file(serde_json::json!({ "orgs": [{ "org": ORG, "members": [{
        "username": "lee@example.com",
        "roles": ["ORG_MEMBER"],
        "projectRoles": { GROUP: ["GROUP_READ_ONLY"] },
    }] }] }));
    let plan = file.plan(&client, false).await.unwrap();
    // Between the plan and the write, lee gets a role in another project and joins a team.
    {
        let mut state = fake.state.lock().unwrap();
        let lee = state.members.iter_mut().find(|member| member.id == lee_id).unwrap();
        lee.project_roles.insert(OTHER_GROUP.into(), vec!["GROUP_OWNER".into()]);
        lee.teams.push("e0000000000000000000000a".into());
    }
    let report = plan.execute(&client, &Pacer::new(&Pacing::unlimited()), |_| {}).await;
    assert_eq!(report.failed(), 0, "{report:?}");
    let patch = fake.writes().last().unwrap().clone();
    assert_eq!(
        patch.body,
        serde_json::json!({
            "roles": { "orgRoles": ["ORG_MEMBER"], "groupRoleAssignments": [
                { "groupId": GROUP, "groupRoles": ["GROUP_READ_ONLY"] },
                { "groupId": OTHER_GROUP, "groupRoles": ["GROUP_OWNER"] },
            ] },
            "teamIds": ["e0000000000000000000000a"],
        })
    );
}

/// 150 members are two pages of 100: the decisions read both, so the one member to add and
/// the one to take out are found on the second page, and nobody on it is added again.
#[tokio::test]
async fn every_page_of_members_is_read_before_a_prune() {
    let fake = FakeAtlas::start().await;
    let usernames: Vec<String> = (0..151).map(|n| format!("user{n:03}@example.com")).collect();
    for username in &usernames {
        fake.add_member(username, &["ORG_MEMBER"], &[], &[]);
    }
    let names: Vec<&str> = usernames[..150].iter().map(String::as_str).collect();
    let team = fake.add_team("big", &names);
    let client = client(&fake);
    let query = atlas_admin::operations::list_org_team_users::Query {
        page_num: Some(2),
        items_per_page: Some(100),
        ..Default::default()
    };
    let second = client.list_org_team_users(&org(), &team.parse().unwrap(), &query).await.unwrap();
    assert_eq!(second.results.unwrap().len(), 50, "the fake pages by 100 (the streams' page size)");
    let wanted = usernames
        .iter()
        .filter(|username| *username != "user140@example.com")
        .fold(TeamState::new(), |state, username| state.with_member(username.clone()));
    let plan = TeamPlan::new(&client, &org(), &TeamRef::Name("big".into()), &wanted, true).await.unwrap();
    assert_eq!(
        plan.writes(),
        [
            TeamWrite::AddMember { username: "user150@example.com".into() },
            TeamWrite::RemoveMember { username: "user140@example.com".into() },
        ]
    );
    plan.execute(&client, &Pacer::new(&Pacing::unlimited())).await.unwrap();
    assert_eq!(fake.team_members(&team).len(), 150);
    assert!(!fake.team_members(&team).contains(&"user140@example.com".to_owned()));
    assert_eq!(fake.writes().len(), 2);
}

/// Every write of a bulk apply, users' and teams', waits for the pacer: on a `VirtualClock` at
/// one write a second, 6 writes take 5 s of pacing, and the pacer counts 6 turns.
#[tokio::test]
async fn every_write_of_an_apply_waits_for_the_pacer() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]);
    fake.add_member("bo@example.com", &["ORG_MEMBER"], &[], &[]);
    fake.add_team("data", &["ana@example.com"]);
    let client = client(&fake);
    let file = members_file(serde_json::json!({ "orgs": [{
        "org": ORG,
        "members": [{ "username": "cy@example.com", "roles": ["ORG_MEMBER"] }],
        "teams": [
            { "name": "data", "members": ["bo@example.com", "cy@example.com"] },
            { "name": "platform", "members": ["ana@example.com"], "projectRoles": { GROUP: ["GROUP_READ_ONLY"] } },
        ],
    }] }));
    let plan = file.plan(&client, true).await.unwrap();
    let clock = VirtualClock::new();
    let pacer = Pacer::with_clock(&Pacing::default().with_writes_per_minute(60), clock.clone());
    let report = plan.execute(&client, &pacer, |_| {}).await;
    assert_eq!(report.failed(), 0, "{report:?}");
    // cy created; data: add bo, add cy, remove ana; platform: create, assign the project.
    assert_eq!(fake.writes().len(), 6);
    assert_eq!(pacer.writes(), 6);
    assert_eq!(clock.elapsed(), std::time::Duration::from_secs(5));
}

/// An organization invitation's teams are part of what its migration plans and writes, and the
/// plan serializes with the names the tool's `--json` prints.
#[tokio::test]
async fn an_org_invitation_keeps_its_teams_in_the_plan_its_json_and_the_new_user() {
    let fake = FakeAtlas::start().await;
    let invitation = fake.invite_to_org("tim@example.com", &["ORG_MEMBER"], &[], &[TEAM_A, TEAM_B]);
    let client = client(&fake);
    let migration = Migration::plan_org(&client, &org()).await.unwrap();
    assert_eq!(
        serde_json::to_value(&migration).unwrap(),
        json!({
            "scope": { "org": ORG },
            "invitations": [{
                "invitationId": invitation,
                "username": "tim@example.com",
                "grants": { "orgRoles": ["ORG_MEMBER"], "teams": [TEAM_A, TEAM_B] },
                "action": "create",
            }],
        })
    );
    let report = migration.execute(&client, &Pacer::new(&Pacing::unlimited()), |_| {}).await;
    assert!(report.all_migrated(), "{report:?}");
    assert_eq!(fake.member("tim@example.com").unwrap().teams, [TEAM_A, TEAM_B]);
    let user = fake.member("tim@example.com").unwrap().id;
    assert_eq!(
        serde_json::to_value(&report).unwrap()["entries"][0],
        json!({ "invitationId": invitation, "username": "tim@example.com", "outcome": "migrated", "userId": user })
    );
}

/// What the file cannot say is refused before anything is read: a team named by both a name
/// and an ID, an unknown role in a team's projects.
#[test]
fn a_members_file_names_each_team_once_and_only_known_roles() {
    let team = |extra: serde_json::Value| {
        let mut team = json!({ "members": ["ana@example.com"] });
        team.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        serde_json::from_value::<MembersFile>(json!({ "orgs": [{ "org": ORG, "teams": [team] }] })).unwrap()
    };
    let both = team(json!({ "name": "platform", "id": "e0000000000000000000000a" })).check().unwrap_err();
    assert!(both.to_string().contains("either `name` or `id`"), "{both}");
    assert!(team(json!({})).check().is_err(), "a team with neither");
    let role = team(json!({ "name": "platform", "projectRoles": { GROUP: ["GROUP_OWNR"] } })).check().unwrap_err();
    assert_eq!(role.to_string(), "invalid argument: unknown project role GROUP_OWNR");
    assert!(team(json!({ "name": "platform", "projectRoles": { GROUP: ["GROUP_OWNER"] } })).check().is_ok());
}

/// A stop heard while the first user's creation is in flight: that user is finished, no other
/// starts, the report says so, and the rerun's plan holds only the other two.
#[tokio::test]
async fn an_apply_stopped_midway_finishes_the_write_in_flight_and_starts_no_other() {
    let fake = FakeAtlas::start().await;
    let client = client(&fake);
    let members: Vec<_> = ["ana", "bo", "cy"]
        .iter()
        .map(|name| json!({ "username": format!("{name}@example.com"), "roles": ["GROUP_READ_ONLY"] }))
        .collect();
    let file = members_file(json!({ "projects": [{ "group": GROUP, "members": members }] }));
    let plan = file.plan(&client, false).await.unwrap();
    assert_eq!(plan.changes(), 3);
    let (held, release) = fake.hold_write(1);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let signal = std::thread::spawn(move || {
        held.recv().expect("the first write arrives");
        stop.send(()).unwrap();
        release.send(()).unwrap();
    });

    let mut heard = Vec::new();
    let pacer = Pacer::new(&Pacing::unlimited());
    let report = plan
        .execute_until(&client, &pacer, async { stopped.await.unwrap() }, |applied| heard.push(applied.subject.clone()))
        .await;
    signal.join().unwrap();
    assert_eq!((report.entries.len(), report.planned, report.is_complete()), (1, 3, false), "{report:?}");
    assert_eq!((report.failed(), heard.len()), (0, 1));
    assert_eq!(fake.writes().len(), 1, "no second write started: {:?}", fake.writes());
    assert!(fake.member("ana@example.com").is_some(), "the write in flight finished");
    assert_eq!(serde_json::to_value(&report).unwrap()["planned"], 3);

    let rerun = file.plan(&client, false).await.unwrap();
    assert_eq!(rerun.changes(), 2, "only the two not started");
    let report = rerun.execute(&client, &pacer, |_| {}).await;
    assert!(report.is_complete() && report.failed() == 0, "{report:?}");
    assert!(["bo", "cy"].iter().all(|name| fake.member(&format!("{name}@example.com")).is_some()));
}
