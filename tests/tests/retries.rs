//! Retries over the mock transport (a socket is not the point here): which statuses and
//! methods are sent again, `Retry-After` in both forms, backoff, and the bounds. Every test
//! runs on paused tokio time, so a `Retry-After: 5` is honoured without waiting; none asserts
//! on elapsed time.
#![allow(deprecated)] // The invitation operations are deprecated upstream; calling them is the point.

use std::time::Duration;

use atlas_admin::models::{GroupInvitationRequest, GroupInvitationUpdateRequest};
use atlas_admin::operations::list_group_invites;
use atlas_admin::test_util::{MockTransport, Rule};
use atlas_admin::{Client, Error, GroupId, InvitationId, RateLimit};
use serde_json::json;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const INVITATION: &str = "5f4a1c2b3d4e5f6a7b8c9d0e";

fn group() -> GroupId {
    GROUP.parse().unwrap()
}

fn invitation() -> InvitationId {
    INVITATION.parse().unwrap()
}

fn request() -> GroupInvitationRequest {
    GroupInvitationRequest { username: Some("jane@example.com".into()), roles: None }
}

/// The methods the mock received, in order.
fn methods(mock: &MockTransport) -> Vec<String> {
    mock.requests().iter().map(|request| request.method.to_string()).collect()
}

#[tokio::test(start_paused = true)]
async fn a_429_is_retried_after_its_retry_after() {
    let mock = MockTransport::new()
        .with(Rule::new("listGroupInvites").api_error(429, "RATE_LIMITED", "slow").header("Retry-After", "5").ok(&json!([])));
    let listed = mock.client().list_group_invites(&group(), &list_group_invites::Query::default()).await;
    assert_eq!(listed.expect("the retry succeeds").len(), 0);
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_429_with_an_http_date_is_retried() {
    let mock = MockTransport::new().with(
        Rule::new("getGroupInvite")
            .api_error(429, "RATE_LIMITED", "slow")
            .header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")
            .ok(&json!({})),
    );
    mock.client().get_group_invite(&group(), &invitation()).await.expect("the retry succeeds");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_429_on_post_and_patch_is_retried_because_nothing_was_done() {
    let ok = json!({"username": "jane@example.com"});
    let rate_limited = |operation| Rule::new(operation).api_error(429, "RATE_LIMITED", "slow").header("Retry-After", "1").ok(&ok);
    let mock = MockTransport::new().with(rate_limited("createGroupInvite")).with(rate_limited("updateGroupInvites"));
    let client = mock.client();

    client.create_group_invite(&group(), &request()).await.expect("POST retried");
    client.update_group_invites(&group(), &request()).await.expect("PATCH retried");
    assert_eq!(methods(&mock), ["POST", "POST", "PATCH", "PATCH"]);
    let requests = mock.requests();
    assert_eq!(requests[0].body, requests[1].body, "the body is sent again");
}

#[tokio::test(start_paused = true)]
async fn a_500_on_post_is_not_retried() {
    let mock = MockTransport::new().with(Rule::new("createGroupInvite").api_error(500, "UNEXPECTED_ERROR", "oops"));
    let error = mock.client().create_group_invite(&group(), &request()).await.expect_err("500");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(500));
    assert_eq!(error.api_error().unwrap().error_code, "UNEXPECTED_ERROR");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_500_on_get_is_not_retried_either() {
    let mock = MockTransport::new().with(Rule::new("getGroupInvite").api_error(500, "UNEXPECTED_ERROR", "oops"));
    mock.client().get_group_invite(&group(), &invitation()).await.expect_err("500");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_503_on_post_or_patch_is_not_retried() {
    let unavailable = |operation| Rule::new(operation).api_error(503, "SERVICE_UNAVAILABLE", "down").header("Retry-After", "1");
    let mock = MockTransport::new().with(unavailable("createGroupInvite")).with(unavailable("updateGroupInviteById"));
    let client = mock.client();

    let error = client.create_group_invite(&group(), &request()).await.expect_err("503");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    assert_eq!(mock.requests().len(), 1);
    let update = GroupInvitationUpdateRequest { roles: None };
    client.update_group_invite_by_id(&group(), &invitation(), &update).await.expect_err("503");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_503_on_get_and_delete_is_retried() {
    let unavailable = |operation| Rule::new(operation).api_error(503, "SERVICE_UNAVAILABLE", "down").header("Retry-After", "1");
    let mock = MockTransport::new()
        .with(unavailable("getGroupInvite").ok(&json!({})))
        .with(unavailable("deleteGroupInvite").status(204));
    let client = mock.client();

    client.get_group_invite(&group(), &invitation()).await.expect("GET retried");
    client.delete_group_invite(&group(), &invitation()).await.expect("DELETE retried");
    assert_eq!(methods(&mock), ["GET", "GET", "DELETE", "DELETE"]);
}

#[tokio::test(start_paused = true)]
async fn without_retry_after_the_client_backs_off_and_retries() {
    let mock =
        MockTransport::new().with(Rule::new("getGroupInvite").api_error(503, "SERVICE_UNAVAILABLE", "down").ok(&json!({})));
    let client = mock.builder().max_retries(1).build().unwrap();
    let started = tokio::time::Instant::now();
    client.get_group_invite(&group(), &invitation()).await.expect("retried after the backoff");
    assert_eq!(mock.requests().len(), 2);
    // Virtual time: the first backoff is 0.25 to 0.5 s.
    assert!(started.elapsed() >= Duration::from_millis(250), "{:?}", started.elapsed());
}

#[tokio::test(start_paused = true)]
async fn retries_are_bounded_and_the_last_429_carries_its_rate_limit_headers() {
    let mock = MockTransport::new().with(
        Rule::new("getGroupInvite")
            .api_error(429, "RATE_LIMITED", "slow")
            .header("Retry-After", "2")
            .header("RateLimit-Limit", "100")
            .header("RateLimit-Remaining", "0"),
    );
    let client = mock.builder().max_retries(2).build().unwrap();

    let error = client.get_group_invite(&group(), &invitation()).await.expect_err("always 429");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.api_error().unwrap().error_code, "RATE_LIMITED");
    let RateLimit { limit, remaining, retry_after, .. } = error.rate_limit().expect("the 429's headers");
    assert_eq!((*limit, *remaining, *retry_after), (Some(100), Some(0), Some(Duration::from_secs(2))));
    assert_eq!(mock.requests().len(), 3, "the first attempt and max_retries = 2 retries");
}

#[tokio::test(start_paused = true)]
async fn max_retries_zero_turns_retries_off() {
    let mock =
        MockTransport::new().with(Rule::new("getGroupInvite").api_error(429, "RATE_LIMITED", "slow").header("Retry-After", "0"));
    let client = mock.builder().max_retries(0).build().unwrap();
    client.get_group_invite(&group(), &invitation()).await.expect_err("429");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_delay_budget_is_returned_at_once() {
    let mock = MockTransport::new()
        .with(Rule::new("getGroupInvite").api_error(429, "RATE_LIMITED", "slow").header("Retry-After", "3600"));
    let client = mock.builder().max_retry_delay(Duration::from_secs(60)).build().unwrap();
    let started = tokio::time::Instant::now();
    let error = client.get_group_invite(&group(), &invitation()).await.expect_err("429");
    assert_eq!(error.rate_limit().and_then(|limit| limit.retry_after), Some(Duration::from_secs(3600)));
    assert_eq!(mock.requests().len(), 1);
    assert_eq!(started.elapsed(), Duration::ZERO, "no wait that could not end in another attempt");
}

#[tokio::test(start_paused = true)]
async fn a_client_without_credentials_sends_none() {
    let mock = MockTransport::new().with(Rule::new("getGroupInvite").ok(&json!({})));
    let client = Client::builder().transport(mock.clone()).build().unwrap();
    client.get_group_invite(&group(), &invitation()).await.unwrap();
    assert!(!mock.requests()[0].headers.contains_key("authorization"));
}
