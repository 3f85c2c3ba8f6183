//! The client against a faulty server on 127.0.0.1 (`tests::loopback`, a raw TCP listener):
//! resets, closed connections, truncated and trickling bodies, stalls, a proxy's HTML 502,
//! bad JSON, oversized bodies, a failing token endpoint and a refused connection. Each case
//! checks the kind of error and how many attempts the server saw; every call runs under a
//! generous hang guard, which is not a timing assertion. The clients wait between attempts on
//! a `VirtualClock`: backoffs and token retry delays take no real time.
#![allow(deprecated)] // The invitation operations are deprecated upstream; calling them is the point.

use std::future::Future;

use std::time::Duration;

use atlas_admin::models::GroupInvitationRequest;
use atlas_admin::test_util::VirtualClock;
use atlas_admin::{Client, ClientBuilder, Error, GroupId, InvitationId};
use tests::capture::Capture;
use tests::loopback::{Counter, Gate, Reply, Server, Switch};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const INVITATION: &str = "5f4a1c2b3d4e5f6a7b8c9d0e";
const INVITES: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites";
const BY_ID: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites/5f4a1c2b3d4e5f6a7b8c9d0e";
const TOKEN_PATH: &str = "/api/oauth/token";
/// The client's timeout per attempt in these tests: short, so the timeout cases are quick.
const TIMEOUT: Duration = Duration::from_millis(500);
/// Far beyond what any call here needs (three attempts and two backoffs of at most 1.5 s):
/// only a call that hangs reaches it.
const HANG_GUARD: Duration = Duration::from_secs(60);
const HTML_502: &str = "<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>";

fn group() -> GroupId {
    GROUP.parse().unwrap()
}

fn invitation() -> InvitationId {
    INVITATION.parse().unwrap()
}

fn invite_request() -> GroupInvitationRequest {
    GroupInvitationRequest { username: Some("jane@example.com".into()), roles: None }
}

/// A client with 2 retries and a short timeout, as the fault report was measured with.
fn builder(server: &Server) -> ClientBuilder {
    Client::builder().base_url(server.uri()).bearer_token("test-token").timeout(TIMEOUT).max_retries(2).clock(VirtualClock::new())
}

/// Awaits `call`, failing the test if it does not finish within the hang guard.
async fn guarded<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG_GUARD, call).await.expect("the call hung")
}

/// A server that answers every request to `at` as `reply` says, and the rest with 404.
async fn answering(at: &'static str, reply: Reply) -> Server {
    Server::start(move |request, _| if request.path == at { reply.clone() } else { Reply::json(404, "{}") }).await
}

#[tokio::test]
async fn a_reset_before_the_response_is_retried_for_get_and_not_for_post() {
    tests::capture::install();
    let server = answering(BY_ID, Reply::Reset).await;
    let error = guarded(builder(&server).build().unwrap().get_group_invite(&group(), &invitation())).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_transient());
    assert!(std::error::Error::source(&error).is_some(), "the cause is kept");
    assert_eq!(server.requests_to(BY_ID), 3, "the first attempt and 2 retries");

    let server = answering(INVITES, Reply::Reset).await;
    let client = builder(&server).build().unwrap();
    let error = guarded(client.create_group_invite(&group(), &invite_request())).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.requests_to(INVITES), 1, "a POST that may have reached Atlas is not sent again");
    let error = guarded(client.update_group_invites(&group(), &invite_request())).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.requests_to(INVITES), 2, "nor is a PATCH");
}

#[tokio::test]
async fn a_connection_closed_before_the_response_is_retried_for_delete() {
    tests::capture::install();
    let server = answering(BY_ID, Reply::Close).await;
    let error = guarded(builder(&server).build().unwrap().delete_group_invite(&group(), &invitation())).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.requests_to(BY_ID), 3);
}

#[tokio::test]
async fn a_retried_get_succeeds_when_the_server_recovers() {
    tests::capture::install();
    let server = Server::start(|_, seen| if seen == 0 { Reply::Reset } else { Reply::json(200, "{}") }).await;
    guarded(builder(&server).build().unwrap().get_group_invite(&group(), &invitation())).await.expect("the retry succeeds");
    assert_eq!(server.requests_to(BY_ID), 2);
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error_after_the_retries() {
    tests::capture::install();
    let server = answering(BY_ID, Reply::Truncated { announced: 1000, sent: 10 }).await;
    let error = guarded(builder(&server).build().unwrap().get_group_invite(&group(), &invitation())).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_transient());
    assert_eq!(server.requests_to(BY_ID), 3);
}

#[tokio::test]
async fn a_stalled_server_is_a_timeout_that_keeps_its_cause() {
    tests::capture::install();
    let server = answering(BY_ID, Reply::Stall).await;
    let error = guarded(builder(&server).build().unwrap().get_group_invite(&group(), &invitation())).await.unwrap_err();
    let Error::Timeout(cause) = &error else { panic!("expected a timeout, got {error:?}") };
    assert!(!cause.to_string().is_empty());
    assert!(error.is_transient());
    assert_eq!(server.requests_to(BY_ID), 3);

    let server = answering(INVITES, Reply::Stall).await;
    let error = guarded(builder(&server).build().unwrap().create_group_invite(&group(), &invite_request())).await.unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert_eq!(server.requests_to(INVITES), 1, "a POST that timed out may have been done");
}

#[tokio::test]
async fn a_body_that_trickles_past_the_timeout_is_a_timeout() {
    tests::capture::install();
    let server = answering(BY_ID, Reply::Trickle { announced: 1000, every: Duration::from_millis(50) }).await;
    let error = guarded(builder(&server).build().unwrap().get_group_invite(&group(), &invitation())).await.unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert_eq!(server.requests_to(BY_ID), 3);
}

#[tokio::test]
async fn a_proxys_html_502_is_a_status_error_retried_only_when_safe() {
    tests::capture::install();
    let bad_gateway = Reply::with_type(502, "text/html", HTML_502).header("Retry-After", "0");
    let server = Server::start(move |_, _| bad_gateway.clone()).await;
    let client = builder(&server).build().unwrap();

    let error = guarded(client.get_group_invite(&group(), &invitation())).await.unwrap_err();
    let Error::Status { status, excerpt, rate_limit, .. } = &error else { panic!("expected Error::Status, got {error:?}") };
    assert_eq!(status.as_u16(), 502);
    assert!(excerpt.contains("bad gateway"), "{excerpt}");
    assert_eq!(rate_limit.retry_after, Some(Duration::ZERO));
    assert!(error.is_transient());
    assert!(error.api_error().is_none());
    assert_eq!(server.requests_to(BY_ID), 3);

    let error = guarded(client.create_group_invite(&group(), &invite_request())).await.unwrap_err();
    assert!(matches!(&error, Error::Status { status, .. } if status.as_u16() == 502), "{error:?}");
    assert_eq!(server.requests_to(INVITES), 1);
}

#[tokio::test]
async fn an_empty_503_and_a_504_are_retried_then_reported_with_their_status() {
    tests::capture::install();
    for status in [503, 504] {
        let server = Server::start(move |_, _| Reply::json(status, "").header("Retry-After", "0")).await;
        let error = guarded(builder(&server).build().unwrap().delete_group_invite(&group(), &invitation())).await.unwrap_err();
        assert!(matches!(&error, Error::Status { status: got, excerpt, .. } if got.as_u16() == status && excerpt.is_empty()));
        assert_eq!(server.requests_to(BY_ID), 3, "{status}");
    }
}

#[tokio::test]
async fn bad_json_is_a_decode_error_and_is_not_retried() {
    tests::capture::install();
    let server = answering(BY_ID, Reply::json(200, r#"{"id": "5f4a1c2b3d4e5f6a7b8c9d0e", "roles": ["#)).await;
    let error = guarded(builder(&server).build().unwrap().get_group_invite(&group(), &invitation())).await.unwrap_err();
    let Error::Decode { status, excerpt, .. } = &error else { panic!("expected Error::Decode, got {error:?}") };
    assert_eq!(status.as_u16(), 200);
    assert!(excerpt.starts_with(r#"{"id""#), "{excerpt}");
    assert!(!error.is_transient());
    assert_eq!(server.requests_to(BY_ID), 1);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_and_read_no_further() {
    tests::capture::install();
    const LIMIT: u64 = 1 << 20;
    const SENT: u64 = 64 << 20;
    for announce in [true, false] {
        let server = answering(BY_ID, Reply::Large { length: SENT, announce }).await;
        let client = builder(&server).max_response_bytes(LIMIT).build().unwrap();
        let error = guarded(client.get_group_invite(&group(), &invitation())).await.unwrap_err();
        let Error::ResponseTooLarge { status, limit, .. } = &error else { panic!("expected ResponseTooLarge, got {error:?}") };
        assert_eq!((status.as_u16(), *limit), (200, LIMIT));
        assert!(error.to_string().contains("1048576"), "{error}");
        assert!(!error.is_transient());
        assert_eq!(server.requests_to(BY_ID), 1, "announced: {announce}");
        // The server stops writing once the client hangs up; the socket buffers hold a few MiB.
        let delivery = guarded(async {
            loop {
                if let Some(delivery) = server.deliveries().first().copied() {
                    return delivery;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        assert!(delivery.cut_short && delivery.written < SENT / 2, "announced: {announce}, {delivery:?}");
    }
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_and_one_byte_more_is_not() {
    tests::capture::install();
    let body = format!("{{}}{}", " ".repeat(998));
    let server = answering(BY_ID, Reply::json(200, body)).await;
    let client = builder(&server).max_response_bytes(1000).build().unwrap();
    guarded(client.get_group_invite(&group(), &invitation())).await.expect("exactly at the limit");
    let client = builder(&server).max_response_bytes(999).build().unwrap();
    let error = guarded(client.get_group_invite(&group(), &invitation())).await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { limit: 999, .. }), "{error:?}");
}

#[tokio::test]
async fn transient_retries_can_be_turned_off_but_a_429_is_still_retried() {
    tests::capture::install();
    let server = Server::start(|request, seen| match request.path.as_str() {
        BY_ID => Reply::Reset,
        INVITES if seen == 0 => Reply::json(429, "").header("Retry-After", "0"),
        _ => Reply::with_type(502, "text/html", HTML_502),
    })
    .await;
    let client = builder(&server).transient_retries(false).build().unwrap();

    let error = guarded(client.get_group_invite(&group(), &invitation())).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.requests_to(BY_ID), 1);
    let error = guarded(client.list_group_invites(&group(), &Default::default())).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(502));
    assert_eq!(server.requests_to(INVITES), 2, "the 429, then the 502 that is not retried");
}

// ---------------------------------------------------------------------------------------
// A refused connection: nothing reaches a server, so the retries are counted in the
// client's `tracing` events.

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_post_and_each_retry_says_why() {
    let capture = Capture::start();
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let client =
        Client::builder().base_url(format!("http://{closed_port}")).max_retries(2).clock(VirtualClock::new()).build().unwrap();

    let error = guarded(client.create_group_invite(&group(), &invite_request())).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_transient());
    let logs = capture.text();
    let retries: Vec<&str> = logs.lines().filter(|line| line.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{logs}");
    assert!(retries.iter().all(|line| line.contains("reason=could not connect")), "{logs}");
}

/// Before: `Display` was "could not complete the HTTP exchange with Atlas", the cause four
/// `source()` levels down, and `Debug` printed the URL with `username=jane%40example.com`.
#[tokio::test]
async fn a_refused_connection_says_why_in_one_line_and_shows_no_query() {
    let capture = Capture::start();
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let client = Client::builder().base_url(format!("http://{closed_port}")).max_retries(0).build().unwrap();
    let query = atlas_admin::operations::list_group_invites::Query { username: Some("jane@example.com".into()) };
    let error = guarded(client.list_group_invites(&group(), &query)).await.unwrap_err();
    assert_eq!(error.to_string(), format!("could not connect to {closed_port}: connection refused"));
    let shown = format!("{error:?}\n{}", capture.text());
    for personal in ["jane", "example.com", "username="] {
        assert!(!shown.contains(personal), "{personal:?} in:\n{shown}");
    }
    assert!(std::error::Error::source(&error).is_some(), "the HTTP library's error stays the source");
}

// ---------------------------------------------------------------------------------------
// A token endpoint that is down

fn service_account(server: &Server) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .service_account("mdb_sa_id_test", "mdb_sa_sk_s3cr3t")
        .timeout(TIMEOUT)
        .max_retries(2)
        .clock(VirtualClock::new())
}

/// Runs `count` calls at once, each on its own clone of `client`, and returns their results.
async fn concurrently(client: &Client, count: usize) -> Vec<Result<(), Error>> {
    let calls: Vec<_> = (0..count)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_group_invite(&group(), &invitation()).await.map(drop) })
        })
        .collect();
    let mut results = Vec::with_capacity(count);
    for call in calls {
        results.push(guarded(call).await.unwrap());
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_endpoint_that_resets_fails_every_waiting_call_with_one_request() {
    tests::capture::install();
    // Accepting slowly keeps the first token request in flight while the other calls queue.
    let server = Server::start(|request, _| match request.path.as_str() {
        TOKEN_PATH => Reply::Reset.after(Duration::from_millis(200)),
        _ => Reply::json(200, "{}"),
    })
    .await;
    let client = service_account(&server).token_retry_delay(Duration::from_secs(3600)).build().unwrap();

    let results = concurrently(&client, 20).await;
    for result in &results {
        let error = result.as_ref().unwrap_err();
        assert!(matches!(error, Error::Auth { status: None, .. }), "{error:?}");
        assert!(error.is_transient());
        assert!(error.to_string().contains("the connection to the token endpoint failed"), "{error}");
        assert!(std::error::Error::source(error).is_some(), "the transport failure is kept");
    }
    assert_eq!(server.requests_to(TOKEN_PATH), 1, "the token POST is not retried after a reset");
    assert_eq!(server.requests_to(BY_ID), 0, "no API request without a token");
}

/// The failing token response is held back until all hundred calls have started, and a call
/// that has started is waiting on the token lock (it does not yield before), so the count is
/// exact whatever the scheduling. (This test used to delay the response by 300 ms against a
/// 500 ms client timeout and allow one to three token requests: on a loaded machine a late
/// call, or a timeout, could break it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_token_endpoint_is_asked_once_for_a_hundred_calls_and_again_after_its_delay() {
    tests::capture::install();
    let healthy = Switch::default();
    let all_started = Gate::default();
    let server = Server::start({
        let (healthy, all_started) = (healthy.clone(), all_started.clone());
        move |request, _| match request.path.as_str() {
            TOKEN_PATH if healthy.is_on() => {
                Reply::json(200, r#"{"access_token":"token-1","token_type":"Bearer","expires_in":3600}"#)
            }
            TOKEN_PATH => Reply::json(500, r#"{"error":500,"errorCode":"UNEXPECTED_ERROR","detail":"token service down"}"#)
                .gated(&all_started),
            _ => Reply::json(200, "{}"),
        }
    })
    .await;
    let retry_delay = Duration::from_secs(6);
    let clock = VirtualClock::new();
    let client =
        service_account(&server).timeout(HANG_GUARD).token_retry_delay(retry_delay).clock(clock.clone()).build().unwrap();

    let started = Counter::default();
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let (client, started) = (client.clone(), started.clone());
            tokio::spawn(async move {
                started.bump();
                client.get_group_invite(&group(), &invitation()).await.map(drop)
            })
        })
        .collect();
    guarded(async {
        while started.get() < 100 {
            tokio::task::yield_now().await;
        }
    })
    .await;
    all_started.open();
    for call in calls {
        let error = guarded(call).await.unwrap().unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert_eq!(error.status().map(|status| status.as_u16()), Some(500));
        assert!(error.to_string().contains("token service down"), "{error}");
    }
    assert_eq!(server.requests_to(TOKEN_PATH), 1, "one token request for 100 calls");
    assert_eq!(server.requests_to(BY_ID), 0);

    healthy.set(true);
    clock.advance(retry_delay - Duration::from_millis(1));
    guarded(client.get_group_invite(&group(), &invitation())).await.expect_err("not asked again within the delay");
    assert_eq!(server.requests_to(TOKEN_PATH), 1);
    clock.advance(Duration::from_millis(1));
    guarded(client.get_group_invite(&group(), &invitation())).await.expect("the endpoint recovered");
    assert_eq!(server.requests_to(TOKEN_PATH), 2);
    assert_eq!(server.requests_to(BY_ID), 1);
}

#[tokio::test]
async fn within_the_retry_delay_a_failed_token_is_not_asked_for_again() {
    tests::capture::install();
    let healthy = Switch::default();
    let server = Server::start({
        let healthy = healthy.clone();
        move |request, _| match request.path.as_str() {
            TOKEN_PATH if healthy.is_on() => Reply::json(200, r#"{"access_token":"token-1","expires_in":3600}"#),
            TOKEN_PATH => Reply::json(503, "").header("Retry-After", "0"),
            _ => Reply::json(200, "{}"),
        }
    })
    .await;
    let client = service_account(&server).token_retry_delay(Duration::from_secs(3600)).build().unwrap();

    let first = guarded(client.get_group_invite(&group(), &invitation())).await.unwrap_err();
    assert!(matches!(&first, Error::Auth { status: Some(status), .. } if status.as_u16() == 503), "{first:?}");
    assert!(first.is_transient());
    assert_eq!(server.requests_to(TOKEN_PATH), 1, "a token POST is not retried after a 503");
    healthy.set(true);
    let again = guarded(client.get_group_invite(&group(), &invitation())).await.unwrap_err();
    assert_eq!(again.to_string(), first.to_string());
    assert_eq!(server.requests_to(TOKEN_PATH), 1, "the endpoint is not asked again before the delay");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_calls_from_clones_all_succeed_with_one_token_request() {
    tests::capture::install();
    let tokens = Counter::default();
    let server = Server::start({
        let tokens = tokens.clone();
        move |request, _| match request.path.as_str() {
            TOKEN_PATH => {
                let n = tokens.bump() + 1;
                Reply::json(200, format!(r#"{{"access_token":"token-{n}","token_type":"Bearer","expires_in":3600}}"#))
            }
            _ if request.header("authorization") == Some("Bearer token-1") => {
                Reply::json(200, format!(r#"{{"id":"{INVITATION}","groupId":"{GROUP}"}}"#))
            }
            _ => Reply::json(401, r#"{"error":401,"errorCode":"NOT_AUTHENTICATED"}"#),
        }
    })
    .await;
    let client = Client::builder().base_url(server.uri()).service_account("mdb_sa_id_test", "mdb_sa_sk_s3cr3t").build().unwrap();

    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_group_invite(&group(), &invitation()).await })
        })
        .collect();
    for call in calls {
        let invitation = guarded(call).await.unwrap().expect("every call succeeds");
        assert_eq!(invitation.group_id, Some(group()));
    }
    assert_eq!(server.requests_to(TOKEN_PATH), 1);
    assert_eq!(server.requests_to(BY_ID), 1000, "no call was retried");
}
