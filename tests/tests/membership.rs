//! `atlas_admin::membership` against a stateful fake of the invitation and Cloud Users
//! endpoints on 127.0.0.1 (`tests::fake_atlas`): migration plans, outcomes and write order,
//! 409s, refusals, reruns, ensure, and the pace of writes on paused time.

use std::time::Duration;

use atlas_admin::GroupId;
use atlas_admin::membership::{
    Action, Change, EnsurePlan, Ensured, Grants, Migration, Outcome, Pacer, Pacing, Stage, ensure_org_user, ensure_project_user,
};
use atlas_admin::roles::{OrgRole, ProjectRole};
use serde_json::json;
use tests::fake_atlas::{FakeAtlas, GROUP, ORG, OTHER_GROUP, Write};
use tests::sample::{client, group, org};

const TEAM_A: &str = "e0000000000000000000000a";
const TEAM_B: &str = "e0000000000000000000000b";

fn unpaced() -> Pacer {
    Pacer::new(&Pacing::unlimited())
}

/// The successful writes, as `METHOD path`.
fn successful(writes: &[Write]) -> Vec<String> {
    writes.iter().filter(|write| write.status < 300).map(|write| format!("{} {}", write.method, write.path)).collect()
}

#[tokio::test]
async fn project_invitations_become_pending_users_and_are_deleted_after() {
    let fake = FakeAtlas::start().await;
    let new = fake.invite_to_project(GROUP, "new@example.com", &["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]);
    let member = fake.add_member("member@example.com", &["ORG_MEMBER"], &[(GROUP, &["GROUP_READ_ONLY"])], &[]);
    let known = fake.invite_to_project(GROUP, "member@example.com", &["GROUP_READ_ONLY", "GROUP_OWNER"]);
    let client = client(&fake);

    let migration = Migration::plan_project(&client, &group()).await.unwrap();
    assert!(fake.writes().is_empty(), "planning only reads");
    let actions: Vec<_> = migration.steps().iter().map(|step| (step.username.as_str(), step.action.clone())).collect();
    assert_eq!(
        actions,
        [
            ("new@example.com", Action::Create),
            (
                "member@example.com",
                Action::AddToMember {
                    user: member.parse().unwrap(),
                    held: Grants::new().with_project_role(&group(), ProjectRole::GroupReadOnly),
                    missing: Grants::new().with_project_role(&group(), ProjectRole::GroupOwner),
                }
            ),
        ]
    );

    let report = migration.execute(&client, &unpaced(), |_| {}).await;
    assert!(report.all_migrated(), "{report:?}");
    let created = fake.member("new@example.com").expect("created");
    assert!(!created.active, "a re-sent invitation is a pending user");
    assert_eq!(created.project_roles[GROUP], ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
    assert!(matches!(&report.entries[0].outcome, Outcome::Migrated { user } if user.as_str() == created.id));
    assert!(matches!(&report.entries[1].outcome, Outcome::AlreadyMember { added, .. }
        if *added == Grants::new().with_project_role(&group(), ProjectRole::GroupOwner)));
    assert_eq!(fake.member("member@example.com").unwrap().project_roles[GROUP], ["GROUP_READ_ONLY", "GROUP_OWNER"]);
    assert!(fake.group_invites(GROUP).is_empty());
    assert_eq!(
        successful(&fake.writes()),
        [
            format!("POST /groups/{GROUP}/users"),
            format!("DELETE /groups/{GROUP}/invites/{new}"),
            format!("POST /groups/{GROUP}/users/{member}:addRole"),
            format!("DELETE /groups/{GROUP}/invites/{known}"),
        ],
        "each invitation is deleted only after its user has every role"
    );
}

#[tokio::test]
async fn the_plan_finds_an_invited_member_on_any_page_whatever_the_case() {
    let fake = FakeAtlas::start().await;
    for n in 0..150 {
        fake.add_member(&format!("member{n:03}@example.com"), &["ORG_MEMBER"], &[], &[]);
    }
    let late = fake.add_member("Late@Example.com", &["ORG_MEMBER"], &[], &[]);
    fake.invite_to_org("late@example.COM", &["ORG_MEMBER"], &[(GROUP, "GROUP_OWNER")], &[]);
    fake.invite_to_org("new@example.com", &["ORG_MEMBER"], &[], &[]);
    let migration = Migration::plan_org(&client(&fake), &org()).await.unwrap();
    let actions: Vec<_> = migration.steps().iter().map(|step| (step.username.as_str(), &step.action)).collect();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[1], ("new@example.com", &Action::Create));
    let Action::AddToMember { user, held, missing } = actions[0].1 else { panic!("{actions:?}") };
    assert_eq!(user.as_str(), late, "found past the first page of members, whatever the case");
    assert_eq!(*held, Grants::new().with_org_role(OrgRole::OrgMember));
    assert_eq!(*missing, Grants::new().with_project_role(&group(), ProjectRole::GroupOwner));
}

#[tokio::test]
async fn a_409_finds_the_member_by_username_and_adds_only_the_missing_roles() {
    let fake = FakeAtlas::start().await;
    fake.invite_to_project(GROUP, "Late@Example.com", &["GROUP_READ_ONLY", "GROUP_OWNER"]);
    let client = client(&fake);
    let migration = Migration::plan_project(&client, &group()).await.unwrap();
    assert_eq!(migration.steps()[0].action, Action::Create);
    // Someone makes them a member between the plan and the run: the create answers 409.
    let member = fake.add_member("late@example.com", &["ORG_MEMBER"], &[(GROUP, &["GROUP_OWNER"])], &[]);

    let report = migration.execute(&client, &unpaced(), |_| {}).await;
    let Outcome::AlreadyMember { user, added } = &report.entries[0].outcome else { panic!("{report:?}") };
    assert_eq!(user.as_str(), member);
    assert_eq!(*added, Grants::new().with_project_role(&group(), ProjectRole::GroupReadOnly));
    let writes = fake.writes();
    assert_eq!(writes[0].status, 409);
    assert_eq!(writes[1].body, json!({ "groupRole": "GROUP_READ_ONLY" }), "only the missing role is added");
    assert_eq!(writes.len(), 3, "409, addRole, delete: {writes:?}");
    assert!(fake.group_invites(GROUP).is_empty());
}

#[tokio::test]
async fn a_refused_invitation_stays_in_place_and_stops_nothing_else() {
    let fake = FakeAtlas::start().await;
    fake.invite_to_project(GROUP, "a@example.com", &["GROUP_READ_ONLY"]);
    let refused = fake.invite_to_project(GROUP, "refused@example.com", &["GROUP_READ_ONLY"]);
    fake.invite_to_project(GROUP, "b@example.com", &["GROUP_READ_ONLY"]);
    fake.refuse("refused@example.com");
    let client = client(&fake);

    let migration = Migration::plan_project(&client, &group()).await.unwrap();
    let mut seen = Vec::new();
    let report = migration.execute(&client, &unpaced(), |progress| seen.push((progress.done, progress.total))).await;
    assert_eq!(seen, [(1, 3), (2, 3), (3, 3)]);
    assert!(!report.all_migrated());
    let failures: Vec<_> = report.failures().collect();
    assert_eq!(failures.len(), 1);
    let Outcome::Failed { stage, error } = &failures[0].outcome else { unreachable!() };
    assert_eq!(*stage, Stage::CreatingUser);
    assert_eq!(error.status().map(|status| status.as_u16()), Some(400));
    assert_eq!(error.api_error().unwrap().error_code, "USER_UNDER_REVIEW");
    let left: Vec<_> = fake.group_invites(GROUP).iter().map(|invite| invite["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(left, std::slice::from_ref(&refused), "only the refused invitation stays");
    assert!(!fake.writes().iter().any(|write| write.path.ends_with(&refused) && write.method == "DELETE"));
    assert!(fake.member("b@example.com").is_some(), "the failure stopped nothing after it");

    // A rerun repeats no successful write: only the refused invitation is tried again.
    let before = fake.writes().len();
    let rerun = Migration::plan_project(&client, &group()).await.unwrap().execute(&client, &unpaced(), |_| {}).await;
    let again = &fake.writes()[before..];
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!((again[0].method.as_str(), again[0].status), ("POST", 400));
    assert_eq!(rerun.entries.len(), 1);
}

#[tokio::test]
async fn a_rerun_after_a_complete_migration_writes_nothing() {
    let fake = FakeAtlas::start().await;
    for n in 0..5 {
        fake.invite_to_project(GROUP, &format!("user{n}@example.com"), &["GROUP_READ_ONLY"]);
        fake.invite_to_org(&format!("org{n}@example.com"), &["ORG_MEMBER"], &[(GROUP, "GROUP_OWNER")], &[]);
    }
    let client = client(&fake);
    let project = Migration::plan_project(&client, &group()).await.unwrap().execute(&client, &unpaced(), |_| {}).await;
    let organization = Migration::plan_org(&client, &org()).await.unwrap().execute(&client, &unpaced(), |_| {}).await;
    assert!(project.all_migrated() && organization.all_migrated());
    assert_eq!(fake.writes().len(), 20);

    let project = Migration::plan_project(&client, &group()).await.unwrap();
    let organization = Migration::plan_org(&client, &org()).await.unwrap();
    assert!(project.steps().is_empty() && organization.steps().is_empty());
    project.execute(&client, &unpaced(), |_| {}).await;
    organization.execute(&client, &unpaced(), |_| {}).await;
    assert_eq!(fake.writes().len(), 20, "the rerun wrote nothing");
}

#[tokio::test]
async fn a_user_created_but_whose_invitation_was_not_deleted_is_only_deleted_on_rerun() {
    let fake = FakeAtlas::start().await;
    let invitation = fake.invite_to_project(GROUP, "half@example.com", &["GROUP_READ_ONLY"]);
    // As if a first run created the user and then stopped before the delete.
    let user = fake.add_member("half@example.com", &["ORG_MEMBER"], &[(GROUP, &["GROUP_READ_ONLY"])], &[]);
    let client = client(&fake);
    let migration = Migration::plan_project(&client, &group()).await.unwrap();
    assert!(matches!(&migration.steps()[0].action, Action::AddToMember { missing, .. } if missing.is_empty()));
    let report = migration.execute(&client, &unpaced(), |_| {}).await;
    assert!(
        matches!(&report.entries[0].outcome, Outcome::AlreadyMember { user: found, added } if found.as_str() == user && added.is_empty())
    );
    assert_eq!(successful(&fake.writes()), [format!("DELETE /groups/{GROUP}/invites/{invitation}")]);
}

#[tokio::test]
async fn org_invitations_group_their_project_roles_per_project() {
    let fake = FakeAtlas::start().await;
    fake.invite_to_org(
        "jane@example.com",
        &["ORG_MEMBER"],
        &[(GROUP, "GROUP_READ_ONLY"), (OTHER_GROUP, "GROUP_OWNER"), (GROUP, "GROUP_DATA_ACCESS_READ_ONLY")],
        &["6a1b2c3d4e5f60718293a4b5"],
    );
    let client = client(&fake);
    let report = Migration::plan_org(&client, &org()).await.unwrap().execute(&client, &unpaced(), |_| {}).await;
    assert!(report.all_migrated(), "{report:?}");
    let create = &fake.writes()[0];
    assert_eq!((create.method.as_str(), create.path.as_str()), ("POST", &*format!("/orgs/{ORG}/users")));
    assert_eq!(
        create.body,
        json!({
            "username": "jane@example.com",
            "roles": {
                "orgRoles": ["ORG_MEMBER"],
                "groupRoleAssignments": [
                    { "groupId": GROUP, "groupRoles": ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"] },
                    { "groupId": OTHER_GROUP, "groupRoles": ["GROUP_OWNER"] },
                ],
            },
            "teamIds": ["6a1b2c3d4e5f60718293a4b5"],
        })
    );
    assert!(fake.org_invites().is_empty());
}

#[tokio::test]
async fn an_org_member_gets_the_union_of_its_grants_and_the_invitations_in_one_patch() {
    let fake = FakeAtlas::start().await;
    let member = fake.add_member("kim@example.com", &["ORG_READ_ONLY"], &[(OTHER_GROUP, &["GROUP_OWNER"])], &[TEAM_A]);
    fake.invite_to_org("kim@example.com", &["ORG_MEMBER"], &[(GROUP, "GROUP_READ_ONLY")], &[TEAM_B]);
    let client = client(&fake);
    let report = Migration::plan_org(&client, &org()).await.unwrap().execute(&client, &unpaced(), |_| {}).await;
    let Outcome::AlreadyMember { added, .. } = &report.entries[0].outcome else { panic!("{report:?}") };
    assert_eq!(
        *added,
        Grants::new()
            .with_org_role(OrgRole::OrgMember)
            .with_project_role(&group(), ProjectRole::GroupReadOnly)
            .with_team(&TEAM_B.parse().unwrap())
    );
    let kim = fake.member("kim@example.com").unwrap();
    assert_eq!(kim.id, member);
    assert_eq!(kim.org_roles, ["ORG_MEMBER", "ORG_READ_ONLY"], "nothing it held is lost");
    assert_eq!(kim.project_roles[OTHER_GROUP], ["GROUP_OWNER"]);
    assert_eq!(kim.project_roles[GROUP], ["GROUP_READ_ONLY"]);
    assert_eq!(kim.teams, [TEAM_A, TEAM_B], "the invitation's team is kept beside the one held");
    let methods: Vec<_> = fake.writes().iter().map(|write| write.method.clone()).collect();
    assert_eq!(methods, ["PATCH", "DELETE"]);
}

#[tokio::test]
async fn every_write_waits_for_the_pacer_and_concurrent_runs_keep_the_plans_order() {
    let fake = FakeAtlas::start().await;
    fake.add_member("member@example.com", &["ORG_MEMBER"], &[(GROUP, &["GROUP_READ_ONLY"])], &[]);
    for n in 0..8 {
        fake.invite_to_project(GROUP, &format!("user{n}@example.com"), &["GROUP_READ_ONLY"]);
    }
    fake.invite_to_project(GROUP, "member@example.com", &["GROUP_OWNER", "GROUP_CLUSTER_MANAGER"]);
    let client = client(&fake);
    let pacer = Pacer::new(&Pacing::unlimited().with_concurrency(4));
    let migration = Migration::plan_project(&client, &group()).await.unwrap();
    let report = migration.execute(&client, &pacer, |_| {}).await;
    assert!(report.all_migrated(), "{report:?}");
    let planned: Vec<_> = migration.steps().iter().map(|step| step.invitation.clone()).collect();
    let reported: Vec<_> = report.entries.iter().map(|entry| entry.invitation.clone()).collect();
    assert_eq!(reported, planned);
    assert_eq!(fake.writes().len(), 8 * 2 + 2 + 1, "8 creates and deletes, 2 roles added, 1 delete");
    assert_eq!(pacer.writes(), fake.writes().len() as u64, "every write waited for the pacer");
}

#[tokio::test]
async fn the_clients_429_handling_still_applies_to_migration_writes() {
    let fake = FakeAtlas::start().await;
    fake.invite_to_project(GROUP, "slow@example.com", &["GROUP_READ_ONLY"]);
    fake.throttle_next_writes(2);
    let client = client(&fake);
    let report = Migration::plan_project(&client, &group()).await.unwrap().execute(&client, &unpaced(), |_| {}).await;
    assert!(report.all_migrated(), "{report:?}");
    let statuses: Vec<u16> = fake.writes().iter().map(|write| write.status).collect();
    assert_eq!(statuses, [429, 429, 201, 204]);
}

#[tokio::test]
async fn ensure_project_adds_before_it_removes_and_a_second_call_writes_nothing() {
    let fake = FakeAtlas::start().await;
    let user = fake.add_member("ana@example.com", &["ORG_MEMBER"], &[(GROUP, &["GROUP_READ_ONLY"])], &[]);
    let client = client(&fake);
    let wanted = [ProjectRole::GroupOwner, ProjectRole::GroupDataAccessReadWrite];

    let plan = EnsurePlan::project(&client, &group(), "ana@example.com", &wanted, true).await.unwrap();
    let pacer = unpaced();
    let ensured = plan.execute(&client, &pacer).await.unwrap();
    assert_eq!(pacer.writes(), 3, "every write waited for the pacer");
    let Ensured::Changed { added, removed, .. } = &ensured else { panic!("{ensured:?}") };
    assert_eq!(added.project_roles[&group()].len(), 2);
    assert_eq!(*removed, Grants::new().with_project_role(&group(), ProjectRole::GroupReadOnly));
    let order: Vec<(String, serde_json::Value)> = fake
        .writes()
        .iter()
        .map(|write| (write.path.rsplit(':').next().unwrap().to_owned(), write.body["groupRole"].clone()))
        .collect();
    assert_eq!(
        order,
        [
            ("addRole".into(), json!("GROUP_DATA_ACCESS_READ_WRITE")),
            ("addRole".into(), json!("GROUP_OWNER")),
            ("removeRole".into(), json!("GROUP_READ_ONLY")),
        ],
        "every role is added before any is removed"
    );
    assert!(fake.writes().iter().all(|write| write.status == 200), "the fake refuses removing a last role: {:?}", fake.writes());
    assert_eq!(fake.member("ana@example.com").unwrap().project_roles[GROUP], ["GROUP_DATA_ACCESS_READ_WRITE", "GROUP_OWNER"]);

    let again = ensure_project_user(&client, &group(), "ana@example.com", &wanted).await.unwrap();
    assert_eq!(again, Ensured::Unchanged { user: user.parse().unwrap() });
    assert_eq!(fake.writes().len(), 3, "the second call wrote nothing");

    let none = ensure_project_user(&client, &group(), "ana@example.com", &[]).await;
    assert!(matches!(none, Err(atlas_admin::Error::InvalidArgument { .. })), "a user never ends with no role");
    assert_eq!(fake.writes().len(), 3);
}

#[tokio::test]
async fn ensure_project_creates_a_pending_user_for_a_newcomer() {
    let fake = FakeAtlas::start().await;
    let client = client(&fake);
    let ensured = ensure_project_user(&client, &group(), "newcomer@example.com", &[ProjectRole::GroupReadOnly]).await.unwrap();
    assert!(matches!(ensured, Ensured::Created { .. }));
    assert!(!fake.member("newcomer@example.com").unwrap().active);
}

#[tokio::test]
async fn ensure_converges_a_member_who_appeared_after_the_plan() {
    let fake = FakeAtlas::start().await;
    let client = client(&fake);
    let plan = EnsurePlan::project(&client, &group(), "race@example.com", &[ProjectRole::GroupOwner], true).await.unwrap();
    assert!(matches!(plan.change, Change::Create { .. }));
    let user = fake.add_member("race@example.com", &["ORG_MEMBER"], &[(GROUP, &["GROUP_READ_ONLY"])], &[]);

    let ensured = plan.execute(&client, &unpaced()).await.unwrap();
    assert_eq!(
        ensured,
        Ensured::Changed {
            user: user.parse().unwrap(),
            added: Grants::new().with_project_role(&group(), ProjectRole::GroupOwner),
            removed: Grants::new().with_project_role(&group(), ProjectRole::GroupReadOnly),
        }
    );
    let statuses: Vec<u16> = fake.writes().iter().map(|write| write.status).collect();
    assert_eq!(statuses, [409, 200, 200], "the 409, then addRole before removeRole");
    assert_eq!(fake.member("race@example.com").unwrap().project_roles[GROUP], ["GROUP_OWNER"]);
}

#[tokio::test]
async fn ensure_org_creates_then_patches_then_leaves_alone() {
    let fake = FakeAtlas::start().await;
    let client = client(&fake);
    let first = Grants::new().with_org_role(OrgRole::OrgMember).with_project_role(&group(), ProjectRole::GroupReadOnly);
    assert!(matches!(ensure_org_user(&client, &org(), "lee@example.com", &first).await.unwrap(), Ensured::Created { .. }));

    let second = Grants::new()
        .with_org_role(OrgRole::OrgMember)
        .with_project_role(&other_group(), ProjectRole::GroupOwner)
        .with_team(&"6a1b2c3d4e5f60718293a4b5".parse().unwrap());
    let ensured = ensure_org_user(&client, &org(), "lee@example.com", &second).await.unwrap();
    let Ensured::Changed { added, removed, .. } = &ensured else { panic!("{ensured:?}") };
    assert_eq!(
        *added,
        Grants::new()
            .with_project_role(&other_group(), ProjectRole::GroupOwner)
            .with_team(&"6a1b2c3d4e5f60718293a4b5".parse().unwrap())
    );
    assert_eq!(*removed, Grants::new().with_project_role(&group(), ProjectRole::GroupReadOnly));
    let patch = fake.writes().last().unwrap().clone();
    assert_eq!(patch.method, "PATCH");
    assert_eq!(
        patch.body,
        json!({
            "roles": { "orgRoles": ["ORG_MEMBER"], "groupRoleAssignments": [{ "groupId": OTHER_GROUP, "groupRoles": ["GROUP_OWNER"] }] },
            "teamIds": ["6a1b2c3d4e5f60718293a4b5"],
        })
    );
    let writes = fake.writes().len();
    assert!(matches!(ensure_org_user(&client, &org(), "lee@example.com", &second).await.unwrap(), Ensured::Unchanged { .. }));
    assert_eq!(fake.writes().len(), writes, "the second call wrote nothing");
}

#[tokio::test]
async fn ensure_without_prune_only_adds() {
    let fake = FakeAtlas::start().await;
    fake.add_member("sam@example.com", &["ORG_MEMBER"], &[(GROUP, &["GROUP_READ_ONLY"])], &[]);
    let client = client(&fake);
    let plan = EnsurePlan::project(&client, &group(), "sam@example.com", &[ProjectRole::GroupOwner], false).await.unwrap();
    let Change::Update { add, remove, .. } = &plan.change else { panic!("{plan:?}") };
    assert_eq!(*add, Grants::new().with_project_role(&group(), ProjectRole::GroupOwner));
    assert!(remove.is_empty());
    plan.execute(&client, &unpaced()).await.unwrap();
    assert_eq!(fake.member("sam@example.com").unwrap().project_roles[GROUP], ["GROUP_READ_ONLY", "GROUP_OWNER"]);
}

fn other_group() -> GroupId {
    OTHER_GROUP.parse().unwrap()
}

/// The default pace on tokio's paused clock: the first write at once, then one a second.
#[tokio::test(start_paused = true)]
async fn the_default_pace_is_one_write_a_second() {
    let pacer = Pacer::new(&Pacing::default());
    let start = tokio::time::Instant::now();
    let mut starts = Vec::new();
    for _ in 0..4 {
        pacer.wait().await;
        starts.push(start.elapsed());
    }
    assert_eq!(starts, [0, 1, 2, 3].map(Duration::from_secs));
}

/// 100 invitations are 200 writes (create, then delete): 199 s at the default pace.
#[tokio::test(start_paused = true)]
async fn a_hundred_invitations_take_199_seconds_of_writes_at_the_default_pace() {
    let pacer = Pacer::new(&Pacing::default());
    let start = tokio::time::Instant::now();
    for _ in 0..200 {
        pacer.wait().await;
    }
    assert_eq!(start.elapsed(), Duration::from_secs(199));
}

/// Clones share one schedule, so concurrent workers together keep the pace.
#[tokio::test(start_paused = true)]
async fn concurrent_writers_share_one_pace() {
    let pacer = Pacer::new(&Pacing::default().with_writes_per_minute(120).with_concurrency(4));
    let start = tokio::time::Instant::now();
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let pacer = pacer.clone();
            tokio::spawn(async move {
                let mut starts = Vec::new();
                for _ in 0..3 {
                    pacer.wait().await;
                    starts.push(start.elapsed());
                }
                starts
            })
        })
        .collect();
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    all.sort();
    let expected: Vec<Duration> = (0..12).map(|n| Duration::from_millis(500 * n)).collect();
    assert_eq!(all, expected, "12 writes, 500 ms apart, whoever makes them");
}

/// The README's `membership` example ("Moving off invitations"), word for word, run against
/// the fake.
async fn migrate(client: &atlas_admin::Client, group: &atlas_admin::GroupId) -> Result<bool, atlas_admin::Error> {
    let migration = Migration::plan_project(client, group).await?; // reads only
    let pacer = Pacer::new(&Pacing::default()); // one write a second, one at a time
    let report = migration.execute(client, &pacer, |progress| eprintln!("{}/{}", progress.done, progress.total)).await;
    Ok(report.all_migrated()) // per invitation: migrated, already a member, or failed with the Error
}

#[tokio::test]
async fn the_readme_example_migrates_a_project() {
    let fake = FakeAtlas::start().await;
    fake.invite_to_project(GROUP, "readme@example.com", &["GROUP_READ_ONLY"]);
    assert!(migrate(&client(&fake), &group()).await.unwrap());
    assert!(fake.group_invites(GROUP).is_empty());
}

/// A stop that comes after the third invitation starts no fourth: the report has the three,
/// says it is incomplete, and the rest are still invitations that a rerun moves.
#[tokio::test]
async fn a_stopped_migration_reports_what_it_started_and_the_rerun_finishes() {
    let fake = FakeAtlas::start().await;
    for n in 0..8 {
        fake.invite_to_project(GROUP, &format!("dev{n}@example.com"), &["GROUP_READ_ONLY"]);
    }
    let client = client(&fake);
    let migration = Migration::plan_project(&client, &group()).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut stop = Some(stop);
    let report = migration
        .execute_until(
            &client,
            &unpaced(),
            async {
                stopped.await.ok();
            },
            |progress| {
                if progress.done == 3 {
                    stop.take().unwrap().send(()).unwrap();
                }
            },
        )
        .await;
    assert_eq!((report.entries.len(), report.planned, report.is_complete()), (3, 8, false));
    assert!(report.all_migrated());
    assert_eq!(fake.group_invites(GROUP).len(), 5, "the five not started are untouched");
    assert_eq!(fake.writes().len(), 6, "each started invitation finished its two writes");

    let rerun = Migration::plan_project(&client, &group()).await.unwrap().execute(&client, &unpaced(), |_| {}).await;
    assert!(rerun.is_complete() && rerun.all_migrated() && rerun.entries.len() == 5);
    assert!(fake.group_invites(GROUP).is_empty());
    for n in 0..8 {
        assert!(fake.member(&format!("dev{n}@example.com")).is_some(), "dev{n} was lost");
    }
}

/// Atlas's invitation limit (400 `INVITATIONS_RATE_LIMITED_IP`) is waited out: every
/// invitation is migrated, none reported refused, and only the limit's refusals were retried.
#[tokio::test]
async fn the_invitation_limit_is_waited_out_not_reported_as_a_refusal() {
    let fake = FakeAtlas::start().await;
    for n in 0..4 {
        fake.invite_to_org(&format!("dev{n}@example.com"), &["ORG_MEMBER"], &[], &[]);
    }
    fake.limit_invitations(2, Duration::from_secs(1));
    let client = client(&fake);
    let report = Migration::plan_org(&client, &org()).await.unwrap().execute(&client, &unpaced(), |_| {}).await;
    assert!(report.all_migrated(), "{report:?}");
    assert!(fake.invitations_throttled() >= 1, "the limit was reached");
    assert!(fake.org_invites().is_empty());
    let refused: Vec<_> = fake.writes().into_iter().filter(|write| write.status == 400).collect();
    assert_eq!(refused.len(), fake.invitations_throttled());
}
