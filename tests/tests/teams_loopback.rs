//! The Teams operations through `Client` against the stateful fake of Atlas (`tests::fake_atlas`)
//! on 127.0.0.1, which keeps Atlas's rules: a team is created with its first members (pending
//! users too), a name is unique in the organization, only users of the organization join a
//! team, and its last member stays.
#![allow(deprecated)] // The deprecated team membership endpoints are checked against the same rules.

use atlas_admin::models::{
    AddOrRemoveUserFromTeam, AddUserToTeam, OrgUserRequest, OrgUserRolesRequest, Team, TeamRole, TeamUpdate,
};
use atlas_admin::roles::{OrgRole, ProjectRole};
use atlas_admin::{Client, Error, GroupId, TeamId, UserId};
use futures::TryStreamExt;
use tests::fake_atlas::{FakeAtlas, GROUP};
use tests::sample::{client, org};

/// The status and Atlas error code of a refused call.
fn refusal<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, String) {
    let error = result.expect_err("Atlas refuses this");
    let code = error.api_error().map(|api| api.error_code.clone()).unwrap_or_default();
    (error.status().map(|status| status.as_u16()).unwrap_or_default(), code)
}

fn team(name: &str, usernames: &[&str]) -> Team {
    Team { id: None, links: None, name: name.into(), usernames: usernames.iter().map(|name| name.to_string()).collect() }
}

/// Invites `username` to the organization through the Cloud Users API: a pending user.
async fn pending_user(client: &Client, username: &str) -> UserId {
    let request = OrgUserRequest {
        roles: OrgUserRolesRequest { group_role_assignments: None, org_roles: vec![OrgRole::OrgMember] },
        team_ids: None,
        username: username.into(),
    };
    client.create_org_user(&org(), &request).await.expect("the invitation is made").id().clone()
}

#[tokio::test]
async fn a_team_is_created_with_its_first_members_pending_users_included() {
    let fake = FakeAtlas::start().await;
    fake.add_member("sam@example.com", &["ORG_MEMBER"], &[], &[]);
    let client = client(&fake);
    pending_user(&client, "jane@example.com").await;

    let created =
        client.create_org_team(&org(), &team("Platform", &["sam@example.com", "jane@example.com"])).await.expect("created");
    let id: TeamId = created.id.expect("Atlas gives the team an ID");
    assert_eq!(fake.team_members(id.as_str()), ["jane@example.com", "sam@example.com"]);

    let members: Vec<_> = client.list_org_team_users_stream(&org(), &id, &Default::default()).try_collect().await.unwrap();
    let mut statuses: Vec<(String, String)> =
        members.iter().map(|user| (user.username().to_owned(), user.org_membership_status().to_string())).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [("jane@example.com".to_owned(), "PENDING".to_owned()), ("sam@example.com".to_owned(), "ACTIVE".to_owned())]
    );
    let read = client.get_org_team(&org(), &id).await.unwrap();
    assert_eq!((read.id, read.name.as_deref()), (Some(id.clone()), Some("Platform")));
    let by_name = client.get_org_team_by_name(&org(), "Platform").await.unwrap();
    assert_eq!(by_name.id, Some(id));
}

#[tokio::test]
async fn an_empty_team_a_taken_name_and_a_stranger_are_refused_at_create() {
    let fake = FakeAtlas::start().await;
    fake.add_member("sam@example.com", &["ORG_MEMBER"], &[], &[]);
    fake.add_team("Platform", &["sam@example.com"]);
    let client = client(&fake);

    assert_eq!(refusal(client.create_org_team(&org(), &team("Empty", &[])).await).0, 400, "Atlas refuses an empty team");
    assert_eq!(refusal(client.create_org_team(&org(), &team("Platform", &["sam@example.com"])).await).0, 409);
    let stranger = client.create_org_team(&org(), &team("Data", &["sam@example.com", "stranger@example.com"])).await;
    assert_eq!(refusal(stranger), (400, "USER_NOT_IN_ORG".to_owned()));
    assert!(fake.team("Empty").is_none() && fake.team("Data").is_none(), "nothing refused was created");
    assert_eq!(fake.state.lock().unwrap().teams.len(), 1);
}

#[tokio::test]
async fn a_pending_user_joins_a_team_and_a_stranger_does_not() {
    let fake = FakeAtlas::start().await;
    fake.add_member("sam@example.com", &["ORG_MEMBER"], &[], &[]);
    let team: TeamId = fake.add_team("Platform", &["sam@example.com"]).parse().unwrap();
    let client = client(&fake);
    let jane = pending_user(&client, "jane@example.com").await;

    let added = client.add_org_team_user(&org(), &team, &AddOrRemoveUserFromTeam { id: jane.to_string() }).await.unwrap();
    assert_eq!(added.org_membership_status().to_string(), "PENDING");
    assert_eq!(added.team_ids(), Some([team.to_string()].as_slice()));
    assert_eq!(fake.team_members(team.as_str()), ["jane@example.com", "sam@example.com"]);

    let stranger = AddOrRemoveUserFromTeam { id: "0123456789abcdef01234567".into() };
    assert_eq!(refusal(client.add_org_team_user(&org(), &team, &stranger).await), (404, "USER_NOT_IN_ORG".to_owned()));
    // The deprecated endpoint sees active users only.
    let legacy = [AddUserToTeam { id: jane.to_string() }];
    assert_eq!(refusal(client.add_org_team_users(&org(), &team, &legacy).await).0, 404);
}

#[tokio::test]
async fn a_teams_last_member_stays() {
    let fake = FakeAtlas::start().await;
    let sam: UserId = fake.add_member("sam@example.com", &["ORG_MEMBER"], &[], &[]).parse().unwrap();
    let ana: UserId = fake.add_member("ana@example.com", &["ORG_MEMBER"], &[], &[]).parse().unwrap();
    let team: TeamId = fake.add_team("Platform", &["sam@example.com", "ana@example.com"]).parse().unwrap();
    let client = client(&fake);

    let removed = client.remove_org_team_user(&org(), &team, &AddOrRemoveUserFromTeam { id: sam.to_string() }).await.unwrap();
    assert_eq!(removed.team_ids(), Some([].as_slice()));
    assert_eq!(fake.team_members(team.as_str()), ["ana@example.com"]);

    let last = AddOrRemoveUserFromTeam { id: ana.to_string() };
    assert_eq!(
        refusal(client.remove_org_team_user(&org(), &team, &last).await),
        (400, "CANNOT_REMOVE_LAST_TEAM_USER".to_owned())
    );
    assert_eq!(refusal(client.remove_org_team_user_from_team(&org(), &team, &ana).await).0, 400, "the deprecated DELETE too");
    assert_eq!(fake.team_members(team.as_str()), ["ana@example.com"]);
    // Adding first, then removing, changes the last member.
    client.add_org_team_user(&org(), &team, &AddOrRemoveUserFromTeam { id: sam.to_string() }).await.unwrap();
    client.remove_org_team_user_from_team(&org(), &team, &ana).await.expect("no longer the last");
    assert_eq!(fake.team_members(team.as_str()), ["sam@example.com"]);
}

#[tokio::test]
async fn a_team_is_renamed_unless_the_name_is_taken_and_deleted_with_its_memberships() {
    let fake = FakeAtlas::start().await;
    fake.add_member("sam@example.com", &["ORG_MEMBER"], &[], &[]);
    let platform: TeamId = fake.add_team("Platform", &["sam@example.com"]).parse().unwrap();
    fake.add_team("Data", &["sam@example.com"]);
    let client = client(&fake);

    let taken = TeamUpdate { links: None, name: "Data".into() };
    assert_eq!(refusal(client.rename_org_team(&org(), &platform, &taken).await).0, 409);
    let renamed = client
        .rename_org_team(&org(), &platform, &TeamUpdate { links: None, name: "Platform Engineering".into() })
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Platform Engineering"));
    assert_eq!(refusal(client.get_org_team_by_name(&org(), "Platform").await).0, 404);
    let by_name = client.get_org_team_by_name(&org(), "Platform Engineering").await.expect("a name with a space");
    assert_eq!(by_name.id, Some(platform.clone()));

    client.delete_org_team(&org(), &platform).await.unwrap();
    let teams: Vec<_> = client.list_org_teams_stream(&org(), &Default::default()).try_collect().await.unwrap();
    assert_eq!(teams.iter().map(|team| team.name.as_deref()).collect::<Vec<_>>(), [Some("Data")]);
    assert_eq!(fake.member("sam@example.com").unwrap().teams.len(), 1, "the deleted team's membership went with it");
}

#[tokio::test]
async fn a_teams_project_roles_are_added_read_replaced_and_removed() {
    let fake = FakeAtlas::start().await;
    fake.add_member("sam@example.com", &["ORG_MEMBER"], &[], &[]);
    let team: TeamId = fake.add_team("Platform", &["sam@example.com"]).parse().unwrap();
    let client = client(&fake);
    let group: GroupId = GROUP.parse().unwrap();
    let roles = |names: &[ProjectRole]| TeamRole { links: None, role_names: Some(names.to_vec()), team_id: Some(team.clone()) };

    let added = client.add_group_teams(&group, &[roles(&[ProjectRole::GroupReadOnly])]).await.unwrap();
    assert_eq!(added.results.map(|teams| teams.len()), Some(1));
    let updated = client
        .update_group_team(&group, &team, &roles(&[ProjectRole::GroupOwner, ProjectRole::GroupSearchIndexEditor]))
        .await
        .unwrap();
    assert_eq!(updated.results.unwrap()[0].role_names, Some(vec![ProjectRole::GroupOwner, ProjectRole::GroupSearchIndexEditor]));
    let read = client.get_group_team(&group, &team).await.unwrap();
    assert_eq!(read.role_names, Some(vec![ProjectRole::GroupOwner, ProjectRole::GroupSearchIndexEditor]));
    let listed: Vec<TeamRole> = client.list_group_teams_stream(&group, &Default::default()).try_collect().await.unwrap();
    assert_eq!(listed, [read]);

    client.remove_group_team(&group, &team).await.unwrap();
    assert_eq!(refusal(client.get_group_team(&group, &team).await).0, 404);
    let unknown: TeamId = "0123456789abcdef01234567".parse().unwrap();
    let missing = TeamRole { team_id: Some(unknown), ..roles(&[ProjectRole::GroupReadOnly]) };
    assert_eq!(refusal(client.add_group_teams(&group, &[missing]).await).0, 404, "only a team of the organization");
}
