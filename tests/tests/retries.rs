//! Retries against a real HTTP server on 127.0.0.1: which statuses and methods are sent
//! again, `Retry-After` in both forms, and the bounds. Servers answer `Retry-After: 0` (or a
//! date in the past) so no test waits; none asserts on elapsed time.
#![allow(deprecated)] // The invitation operations are deprecated upstream; calling them is the point.

use std::time::Duration;

use atlas_admin::models::{GroupInvitationRequest, GroupInvitationUpdateRequest};
use atlas_admin::operations::list_group_invites;
use atlas_admin::{Client, Error, GroupId, InvitationId, RateLimit};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const INVITATION: &str = "5f4a1c2b3d4e5f6a7b8c9d0e";
const INVITES: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites";
const BY_ID: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites/5f4a1c2b3d4e5f6a7b8c9d0e";

fn group() -> GroupId {
    GROUP.parse().unwrap()
}

fn invitation() -> InvitationId {
    INVITATION.parse().unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).bearer_token("test-token").build().unwrap()
}

fn request() -> GroupInvitationRequest {
    GroupInvitationRequest { username: Some("jane@example.com".into()), roles: None }
}

fn failure(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": status, "errorCode": code, "reason": "failed"}))
}

/// Answers `verb` requests to `at` with `first` once, then with `then`.
async fn once_then(server: &MockServer, verb: &str, at: &str, first: ResponseTemplate, then: ResponseTemplate) {
    Mock::given(method(verb)).and(path(at)).respond_with(first).up_to_n_times(1).mount(server).await;
    Mock::given(method(verb)).and(path(at)).respond_with(then).mount(server).await;
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() {
    let server = MockServer::start().await;
    let rate_limited = failure(429, "RATE_LIMITED").insert_header("Retry-After", "0");
    once_then(&server, "GET", INVITES, rate_limited, ResponseTemplate::new(200).set_body_json(json!([]))).await;

    let listed = client(&server).list_group_invites(&group(), &list_group_invites::Query::default()).await;
    assert_eq!(listed.expect("the retry succeeds").len(), 0);
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn a_429_with_an_http_date_is_retried() {
    let server = MockServer::start().await;
    let rate_limited = failure(429, "RATE_LIMITED").insert_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
    once_then(&server, "GET", BY_ID, rate_limited, ResponseTemplate::new(200).set_body_json(json!({}))).await;

    client(&server).get_group_invite(&group(), &invitation()).await.expect("the retry succeeds");
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn a_429_on_post_and_patch_is_retried_because_nothing_was_done() {
    let server = MockServer::start().await;
    let ok = ResponseTemplate::new(200).set_body_json(json!({"username": "jane@example.com"}));
    for verb in ["POST", "PATCH"] {
        once_then(&server, verb, INVITES, failure(429, "RATE_LIMITED").insert_header("Retry-After", "0"), ok.clone()).await;
    }
    let client = client(&server);

    client.create_group_invite(&group(), &request()).await.expect("POST retried");
    client.update_group_invites(&group(), &request()).await.expect("PATCH retried");
    let requests = server.received_requests().await.unwrap();
    let methods: Vec<&str> = requests.iter().map(|request| request.method.as_str()).collect();
    assert_eq!(methods, ["POST", "POST", "PATCH", "PATCH"]);
    assert_eq!(requests[0].body, requests[1].body, "the body is sent again");
}

#[tokio::test]
async fn a_500_on_post_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(failure(500, "UNEXPECTED_ERROR")).mount(&server).await;

    let error = client(&server).create_group_invite(&group(), &request()).await.expect_err("500");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(500));
    assert_eq!(error.api_error().unwrap().error_code, "UNEXPECTED_ERROR");
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_500_on_get_is_not_retried_either() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(failure(500, "UNEXPECTED_ERROR")).mount(&server).await;

    client(&server).get_group_invite(&group(), &invitation()).await.expect_err("500");
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_503_on_post_or_patch_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(failure(503, "SERVICE_UNAVAILABLE").insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(failure(503, "SERVICE_UNAVAILABLE").insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    let client = client(&server);

    let error = client.create_group_invite(&group(), &request()).await.expect_err("503");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    assert_eq!(received(&server).await, 1);
    let update = GroupInvitationUpdateRequest { roles: None };
    client.update_group_invite_by_id(&group(), &invitation(), &update).await.expect_err("503");
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn a_503_on_get_and_delete_is_retried() {
    let server = MockServer::start().await;
    let unavailable = || failure(503, "SERVICE_UNAVAILABLE").insert_header("Retry-After", "0");
    once_then(&server, "GET", BY_ID, unavailable(), ResponseTemplate::new(200).set_body_json(json!({}))).await;
    once_then(&server, "DELETE", BY_ID, unavailable(), ResponseTemplate::new(204)).await;
    let client = client(&server);

    client.get_group_invite(&group(), &invitation()).await.expect("GET retried");
    client.delete_group_invite(&group(), &invitation()).await.expect("DELETE retried");
    assert_eq!(received(&server).await, 4);
}

#[tokio::test]
async fn without_retry_after_the_client_backs_off_and_retries() {
    let server = MockServer::start().await;
    // One retry: the backoff before it is 0.25 to 0.5 s.
    once_then(&server, "GET", BY_ID, failure(503, "SERVICE_UNAVAILABLE"), ResponseTemplate::new(200).set_body_json(json!({})))
        .await;
    let client = Client::builder().base_url(server.uri()).max_retries(1).build().unwrap();

    client.get_group_invite(&group(), &invitation()).await.expect("retried after the backoff");
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn retries_are_bounded_and_the_last_429_carries_its_rate_limit_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            failure(429, "RATE_LIMITED")
                .insert_header("Retry-After", "0")
                .insert_header("RateLimit-Limit", "100")
                .insert_header("RateLimit-Remaining", "0"),
        )
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).max_retries(2).build().unwrap();

    let error = client.get_group_invite(&group(), &invitation()).await.expect_err("always 429");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.api_error().unwrap().error_code, "RATE_LIMITED");
    let RateLimit { limit, remaining, retry_after, .. } = error.rate_limit().expect("the 429's headers");
    assert_eq!((*limit, *remaining, *retry_after), (Some(100), Some(0), Some(Duration::ZERO)));
    assert_eq!(received(&server).await, 3, "the first attempt and max_retries = 2 retries");
}

#[tokio::test]
async fn max_retries_zero_turns_retries_off() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(failure(429, "RATE_LIMITED").insert_header("Retry-After", "0")).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).max_retries(0).build().unwrap();

    client.get_group_invite(&group(), &invitation()).await.expect_err("429");
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_delay_budget_is_returned_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(failure(429, "RATE_LIMITED").insert_header("Retry-After", "3600"))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).max_retry_delay(Duration::from_secs(60)).build().unwrap();

    let error = client.get_group_invite(&group(), &invitation()).await.expect_err("429");
    assert_eq!(error.rate_limit().and_then(|limit| limit.retry_after), Some(Duration::from_secs(3600)));
    assert_eq!(received(&server).await, 1);
}
