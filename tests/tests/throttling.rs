//! Atlas's throttling against a server on 127.0.0.1: the excess invitations answered with
//! 400 `INVITATIONS_RATE_LIMITED_IP` are waited out and sent again, within the call's delay
//! budget, while any other 400 is the answer. The client runs on a `VirtualClock`, so its
//! waits take no real time and the time it waited is exact.
#![allow(deprecated)] // The invitation operations are deprecated upstream; calling them is the point.

use std::time::Duration;

use atlas_admin::models::GroupInvitationRequest;
use atlas_admin::test_util::VirtualClock;
use atlas_admin::{Client, ClientBuilder, Error, GroupId};
use tests::loopback::{Reply, Server};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const INVITES: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites";
const THROTTLED: &str =
    r#"{"error":400,"errorCode":"INVITATIONS_RATE_LIMITED_IP","detail":"Too many invitations.","reason":"Bad Request"}"#;
const CREATED: &str = r#"{"id":"5f4a1c2b3d4e5f6a7b8c9d0e","groupId":"32b6e34b3d91647abb20e7b8","username":"jane@example.com"}"#;

fn group() -> GroupId {
    GROUP.parse().unwrap()
}

fn invite() -> GroupInvitationRequest {
    GroupInvitationRequest { username: Some("jane@example.com".into()), roles: None }
}

/// A server whose invitations endpoint throttles the first `throttled` requests (with
/// `retry_after`, if any), then creates.
async fn throttling(throttled: usize, retry_after: Option<&'static str>) -> Server {
    Server::start(move |request, before| match request.path.as_str() {
        INVITES if before < throttled => {
            let reply = Reply::json(400, THROTTLED);
            match retry_after {
                Some(seconds) => reply.header("Retry-After", seconds),
                None => reply,
            }
        }
        INVITES => Reply::json(200, CREATED),
        _ => Reply::json(404, "{}"),
    })
    .await
}

fn builder(server: &Server, clock: &VirtualClock) -> ClientBuilder {
    Client::builder().base_url(server.uri()).bearer_token("test-token").clock(clock.clone())
}

#[tokio::test]
async fn an_invitation_throttled_three_times_is_created_on_the_fourth_attempt() {
    let server = throttling(3, None).await;
    let clock = VirtualClock::new();
    let created = builder(&server, &clock).build().unwrap().create_group_invite(&group(), &invite()).await;

    assert_eq!(created.expect("created after the throttling").username.as_deref(), Some("jane@example.com"));
    assert_eq!(server.requests_to(INVITES), 4, "three throttled attempts and the one that created");
    // Backoff with jitter: 1-2 s, 2-4 s, 4-8 s.
    let slept = clock.slept();
    assert!(slept >= Duration::from_secs(7) && slept <= Duration::from_secs(14), "{slept:?}");
}

#[tokio::test]
async fn retry_after_decides_the_wait_after_throttling() {
    let server = throttling(2, Some("5")).await;
    let clock = VirtualClock::new();
    builder(&server, &clock).build().unwrap().create_group_invite(&group(), &invite()).await.expect("created");
    assert_eq!(server.requests_to(INVITES), 3);
    assert_eq!(clock.slept(), Duration::from_secs(10));
}

#[tokio::test]
async fn a_plain_400_is_the_answer_at_once() {
    let server =
        Server::start(|_, _| Reply::json(400, r#"{"error":400,"errorCode":"INVALID_EMAIL_ADDRESS","detail":"Bad username."}"#))
            .await;
    let clock = VirtualClock::new();
    let error = builder(&server, &clock).build().unwrap().create_group_invite(&group(), &invite()).await.unwrap_err();

    assert_eq!(error.api_error().map(|api| api.error_code.as_str()), Some("INVALID_EMAIL_ADDRESS"));
    assert!(!error.is_transient());
    assert_eq!(server.requests_to(INVITES), 1);
    assert_eq!(clock.slept(), Duration::ZERO);
}

#[tokio::test]
async fn throttling_is_waited_out_only_within_the_delay_budget() {
    let server = throttling(usize::MAX, Some("20")).await;
    let clock = VirtualClock::new();
    let client = builder(&server, &clock).max_retries(10).max_retry_delay(Duration::from_secs(45)).build().unwrap();
    let error = client.create_group_invite(&group(), &invite()).await.unwrap_err();

    // 20 s + 20 s fit in 45 s; a third wait of 20 s would not, so the third 400 is the answer.
    assert_eq!(server.requests_to(INVITES), 3);
    assert_eq!(clock.slept(), Duration::from_secs(40));
    assert!(matches!(&error, Error::Api(_)), "{error:?}");
    assert_eq!(error.api_error().map(|api| api.error_code.as_str()), Some("INVITATIONS_RATE_LIMITED_IP"));
    assert!(error.is_transient(), "throttling passes: a later call may succeed");
    assert_eq!(error.rate_limit().and_then(|limit| limit.retry_after), Some(Duration::from_secs(20)));
}

#[tokio::test]
async fn throttling_without_retry_after_backs_off_within_the_budget_and_the_count() {
    let server = throttling(usize::MAX, None).await;
    let clock = VirtualClock::new();
    let client = builder(&server, &clock).max_retries(3).max_retry_delay(Duration::from_secs(600)).build().unwrap();
    client.create_group_invite(&group(), &invite()).await.unwrap_err();
    assert_eq!(server.requests_to(INVITES), 4, "max_retries bounds throttling too");

    let server = throttling(usize::MAX, None).await;
    let clock = VirtualClock::new();
    let client = builder(&server, &clock).max_retries(100).max_retry_delay(Duration::from_secs(60)).build().unwrap();
    client.create_group_invite(&group(), &invite()).await.unwrap_err();
    assert!(clock.slept() <= Duration::from_secs(60), "{:?}", clock.slept());
    // The waits grow to 16-32 s, so 60 s hold a few of them and no more.
    let attempts = server.requests_to(INVITES);
    assert!((5..=7).contains(&attempts), "{attempts}");
}
