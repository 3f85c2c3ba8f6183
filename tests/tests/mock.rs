//! The client over the `test-util` mock transport, where a socket is not the point: the
//! README's example, sequences and retries on paused tokio time, faults, unmatched requests,
//! predicates, recorded requests, the body limit and a service account over the seam.

use std::time::Duration;

use atlas_admin::test_util::{Fault, MockTransport, Rule};
use atlas_admin::{Client, Error, GroupId};
use serde_json::json;
use tests::sample::{GROUP, USER, active_user, group, user_id};

// --- the README's "Testing your code without Atlas" example, verbatim ---
use atlas_admin::http::StatusCode;
use atlas_admin::models::GroupUserRequest;
use atlas_admin::roles::ProjectRole;

/// Invites `email` to `group`; `false` when they are already in it.
async fn invite(client: &Client, group: &GroupId, email: &str) -> Result<bool, atlas_admin::Error> {
    let request = GroupUserRequest { username: email.into(), roles: vec![ProjectRole::GroupReadOnly] };
    match client.add_group_users(group, &request).await {
        Ok(_) => Ok(true),
        Err(err) if err.status() == Some(StatusCode::CONFLICT) => Ok(false),
        Err(err) => Err(err),
    }
}

#[tokio::test]
async fn someone_already_in_the_project_is_not_an_error() {
    let mock = MockTransport::new().with(Rule::new("addGroupUsers").api_error(409, "USER_ALREADY_IN_GROUP", "Already there."));
    let group = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    assert!(!invite(&mock.client(), &group, "jane@example.com").await.unwrap());
    assert_eq!(mock.requests()[0].operation_id, Some("addGroupUsers"));
}
// --- end of the README example ---

#[tokio::test(start_paused = true)]
async fn a_429_then_a_200_waits_the_retry_after_on_paused_time() {
    let mock = MockTransport::new().with(
        Rule::new("getGroupUser").api_error(429, "RATE_LIMITED", "Slow down.").header("Retry-After", "30").ok(&active_user(USER)),
    );
    let started = tokio::time::Instant::now();
    let user = mock.client().get_group_user(&group(), &user_id(), &Default::default()).await.expect("the retry succeeds");
    assert_eq!(user.id(), &user_id());
    assert_eq!(mock.requests().len(), 2);
    // Virtual time: the client waited as the server said, and the test did not.
    assert!(started.elapsed() >= Duration::from_secs(30), "{:?}", started.elapsed());
}

#[tokio::test(start_paused = true)]
async fn a_reset_is_retried_for_get_and_not_for_post() {
    let mock = MockTransport::new()
        .with(Rule::new("getGroupUser").fault(Fault::Reset))
        .with(Rule::new("addGroupUsers").fault(Fault::Reset));
    let client = mock.client();
    let error = client.get_group_user(&group(), &user_id(), &Default::default()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(error.to_string(), "connection reset (mock fault)");
    assert_eq!(mock.requests().len(), 4, "the first attempt and three retries");

    let request = GroupUserRequest { username: "jane@example.com".into(), roles: vec![ProjectRole::GroupReadOnly] };
    client.add_group_users(&group(), &request).await.unwrap_err();
    assert_eq!(mock.requests().len(), 5, "a POST that may have been done is not sent again");
}

#[tokio::test(start_paused = true)]
async fn a_request_nobody_answers_times_out_at_the_clients_timeout() {
    let mock = MockTransport::new().with(Rule::new("getGroupUser").fault(Fault::Timeout));
    let client = mock.builder().timeout(Duration::from_secs(5)).max_retries(1).build().unwrap();
    let error = client.get_group_user(&group(), &user_id(), &Default::default()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(error.to_string().ends_with("timed out after 5s"), "{error}");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn an_unmatched_request_fails_its_call_and_says_which_rules_there_are() {
    let mock = MockTransport::new().with(Rule::new("listGroupUsers").ok(&json!({"results": []})));
    let error = mock.client().get_group_user(&group(), &user_id(), &Default::default()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the mock transport has no rule (with an answer) for getGroupUser GET /api/atlas/v2/groups/{GROUP}/users/{USER} (rules: listGroupUsers)"
        )
    );
    assert_eq!(mock.unmatched().len(), 1);
    assert_eq!(mock.requests().len(), 1, "not retried");
}

#[tokio::test]
async fn a_predicate_picks_the_rule_and_requests_are_recorded() {
    const OTHER: &str = "fedcba9876543210fedcba98";
    let mock = MockTransport::new()
        .with(Rule::new("getGroupUser").when(|request| request.uri().path().ends_with(OTHER)).api_error(404, "NOT_FOUND", "no"))
        .with(Rule::new("getGroupUser").ok(&active_user(USER)));
    let client = mock.client();
    client.get_group_user(&group(), &user_id(), &Default::default()).await.expect("the second rule");
    let error = client.get_group_user(&group(), &OTHER.parse().unwrap(), &Default::default()).await.unwrap_err();
    assert_eq!(error.api_error().map(|api| api.error_code.as_str()), Some("NOT_FOUND"));

    let query =
        atlas_admin::operations::list_group_users::Query { username: Some("jane@example.com".into()), ..Default::default() };
    mock.add(Rule::new("listGroupUsers").ok(&json!({"results": [], "totalCount": 0})));
    client.list_group_users(&group(), &query).await.unwrap();
    let recorded = mock.requests();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[2].query("username").as_deref(), Some("jane@example.com"));
    assert_eq!(recorded[2].headers["authorization"], "Bearer mock-token");
    assert_eq!(recorded[2].headers["accept"], "application/vnd.atlas.2025-02-19+json");
}

#[tokio::test]
async fn the_body_limit_holds_over_the_seam() {
    let big: Vec<serde_json::Value> = (0..100).map(|n| active_user(&format!("{n:024x}"))).collect();
    let mock = MockTransport::new().with(Rule::new("listGroupUsers").ok(&json!({"results": big})));
    let client = mock.builder().max_response_bytes(1024).build().unwrap();
    let error = client.list_group_users(&group(), &Default::default()).await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { limit: 1024, .. }), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn a_service_account_gets_its_token_through_the_seam() {
    let mock = MockTransport::new()
        .with(
            Rule::token_request()
                .api_error(429, "RATE_LIMITED", "Too many tokens.")
                .header("Retry-After", "6")
                .ok(&json!({"access_token": "mock-access", "token_type": "Bearer", "expires_in": 3600})),
        )
        .with(Rule::new("getGroupUser").ok(&active_user(USER)));
    let client = Client::builder().transport(mock.clone()).service_account("mdb_sa_id_x", "mdb_sa_sk_y").build().unwrap();
    client.get_group_user(&group(), &user_id(), &Default::default()).await.expect("token, then the call");
    let recorded = mock.requests();
    assert_eq!(recorded.len(), 3, "the rate-limited token request, its retry, the call");
    assert_eq!(recorded[0].operation_id, None);
    assert_eq!(recorded[0].body, b"grant_type=client_credentials");
    assert_eq!(recorded[2].headers["authorization"], "Bearer mock-access");
}
