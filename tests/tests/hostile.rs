//! The client against hostile and surprising servers (issue 17), each on a loopback server
//! on 127.0.0.1: paging that cannot run forever or stop early, `Content-Length` that is only
//! a claim, token endpoints that echo secrets, one delay budget per call, and retries as
//! documented.

use std::time::Duration;

use atlas_admin::operations::list_group_users;
use atlas_admin::test_util::VirtualClock;
use atlas_admin::{Client, ClientBuilder, Error, GroupId};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use tests::capture::Capture;
use tests::loopback::{Counter, Reply, Request, Server};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const USERS_PATH: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/users";
const TOKEN_PATH: &str = "/api/oauth/token";
const CLIENT_ID: &str = "mdb_sa_id_test";
const CLIENT_SECRET: &str = "mdb_sa_sk_s3cr3t";
/// `base64("mdb_sa_id_test:mdb_sa_sk_s3cr3t")`, written out.
const BASIC: &str = "bWRiX3NhX2lkX3Rlc3Q6bWRiX3NhX3NrX3MzY3IzdA==";

fn group() -> GroupId {
    GROUP.parse().unwrap()
}

fn builder(server: &Server) -> ClientBuilder {
    Client::builder().base_url(server.uri()).bearer_token("t")
}

/// Fails a test that hangs instead of hanging the suite; far beyond what any call here needs.
async fn guarded<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), call).await.expect("the call ended")
}

fn user(n: usize) -> Value {
    json!({"id": format!("{n:024x}"), "orgMembershipStatus": "ACTIVE", "username": format!("user{n}@example.com"),
           "roles": ["GROUP_OWNER"], "createdAt": "2024-01-01T00:00:00Z", "firstName": "F", "lastName": "L"})
}

/// The value of `key` in the request's query string.
fn query(request: &Request, key: &str) -> Option<usize> {
    request
        .query
        .as_deref()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
}

/// A page of `users` with a `next` link when `next`.
fn page(users: impl Iterator<Item = usize>, next: bool) -> Reply {
    let mut links = vec![json!({"href": "http://127.0.0.1/self", "rel": "self"})];
    if next {
        links.push(json!({"href": "http://127.0.0.1/next", "rel": "next"}));
    }
    let results: Vec<Value> = users.map(user).collect();
    Reply::json(200, serde_json::to_vec(&json!({"links": links, "results": results, "totalCount": 0})).unwrap())
}

const USER_ID: &str = "0123456789abcdef01234567";

/// `GET .../users/{USER_ID}`.
async fn get_user(client: &Client) -> Result<atlas_admin::models::GroupUserResponse, Error> {
    client.get_group_user(&group(), &USER_ID.parse().unwrap(), &Default::default()).await
}

async fn collect(client: &Client, query: &list_group_users::Query) -> (Vec<String>, Option<Error>) {
    let mut stream = std::pin::pin!(client.list_group_users_stream(&group(), query));
    let mut ids = Vec::new();
    while let Some(item) = guarded(stream.next()).await {
        match item {
            Ok(user) => ids.push(user.id().to_string()),
            Err(error) => return (ids, Some(error)),
        }
    }
    (ids, None)
}

// ---------------------------------------------------------------------------------------
// 1. Paging that ends, and does not end early

#[tokio::test]
async fn a_server_that_always_links_a_next_page_is_stopped_at_max_pages() {
    tests::capture::install();
    let server = Server::start(|request, _| {
        let page_num = query(request, "pageNum").unwrap();
        page((page_num - 1) * 100..page_num * 100, true)
    })
    .await;
    let client = builder(&server).max_pages(5).build().unwrap();
    let (ids, error) = collect(&client, &Default::default()).await;
    assert_eq!(ids.len(), 500, "five whole pages are delivered");
    let error = error.expect("the stream ends with an error, not silently");
    assert!(matches!(error, Error::Paging { page: 6, .. }), "{error:?}");
    assert!(error.to_string().contains("max_pages"), "{error}");
    assert_eq!(server.requests_to(USERS_PATH), 5, "page 6 is not fetched");
}

#[tokio::test]
async fn a_server_that_ignores_page_num_is_an_error_on_the_repeated_page() {
    tests::capture::install();
    let server = Server::start(|_, _| page(0..100, true)).await;
    let client = builder(&server).build().unwrap();
    let (ids, error) = collect(&client, &Default::default()).await;
    assert_eq!(ids.len(), 100, "page 1 once, never its repeat");
    let error = error.expect("a repeated page ends the stream with an error");
    assert!(matches!(error, Error::Paging { page: 2, .. }), "{error:?}");
    assert!(error.to_string().contains("repeats"), "{error}");
    assert_eq!(server.requests_to(USERS_PATH), 2);
}

#[tokio::test]
async fn a_short_page_with_a_next_link_is_followed() {
    tests::capture::install();
    const USERS: usize = 1200;
    // The server caps a page at 50 whatever was asked, and links the next page.
    let server = Server::start(|request, _| {
        let page_num = query(request, "pageNum").unwrap();
        let start = (page_num - 1) * 50;
        page(start..(start + 50).min(USERS), start + 50 < USERS)
    })
    .await;
    let client = builder(&server).build().unwrap();
    let (ids, error) = collect(&client, &Default::default()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids.len(), USERS, "every user, though every page was shorter than asked");
    assert_eq!(server.requests_to(USERS_PATH), 24);
}

#[tokio::test]
async fn a_short_page_without_links_is_the_last() {
    tests::capture::install();
    let server = Server::start(|_, _| {
        let results: Vec<Value> = (0..30).map(user).collect();
        Reply::json(200, serde_json::to_vec(&json!({"results": results, "totalCount": 30})).unwrap())
    })
    .await;
    let (ids, error) = collect(&builder(&server).build().unwrap(), &Default::default()).await;
    assert_eq!((ids.len(), error.is_none()), (30, true));
    assert_eq!(server.requests_to(USERS_PATH), 1);
}

#[tokio::test]
async fn items_per_page_above_the_specs_maximum_is_refused_before_sending() {
    tests::capture::install();
    let server = Server::start(|_, _| page(0..500, false)).await;
    let client = builder(&server).build().unwrap();
    let too_many = list_group_users::Query { items_per_page: Some(1000), ..Default::default() };
    let (ids, error) = collect(&client, &too_many).await;
    assert!(ids.is_empty());
    let error = error.expect("refused");
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    assert!(error.to_string().contains(r#"parameter "itemsPerPage" is 1000, above its maximum 500"#), "{error}");
    assert_eq!(server.requests(), 0);

    let most = list_group_users::Query { items_per_page: Some(500), ..Default::default() };
    let (ids, error) = collect(&client, &most).await;
    assert_eq!((ids.len(), error.is_none()), (500, true));
}

#[tokio::test]
async fn try_collect_over_a_runaway_server_ends_at_the_default_page_limit() {
    tests::capture::install();
    let server = Server::start(|request, _| {
        let page_num = query(request, "pageNum").unwrap();
        page((page_num - 1) * 100..page_num * 100, true)
    })
    .await;
    let client = builder(&server).build().unwrap();
    let collected: Result<Vec<_>, Error> =
        guarded(client.list_group_users_stream(&group(), &Default::default()).try_collect()).await;
    let error = collected.expect_err("the README's try_collect ends");
    assert!(matches!(error, Error::Paging { page: 1001, .. }), "{error:?}");
    assert_eq!(server.requests_to(USERS_PATH), 1000);
}

// ---------------------------------------------------------------------------------------
// 2. No allocation before the bytes exist

#[tokio::test]
async fn a_huge_content_length_allocates_nothing_and_is_a_transport_error() {
    tests::capture::install();
    for announced in [1usize << 40, (1usize << 63) + 5] {
        let server = Server::start(move |_, _| Reply::Truncated { announced, sent: 10 }).await;
        let client = builder(&server).max_response_bytes(u64::MAX).max_retries(0).build().unwrap();
        // Before: "memory allocation of 1099511627776 bytes failed" aborted the process, and
        // 2^63+5 panicked with "capacity overflow".
        let error = guarded(get_user(&client)).await.unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{announced}: {error:?}");
    }
}

// ---------------------------------------------------------------------------------------
// 3. No secret in any error

#[tokio::test]
async fn a_token_endpoint_that_echoes_secrets_is_quoted_through_a_filter() {
    tests::capture::install();
    const LIVE_TOKEN: &str = "LIVE-TOKEN-201-SECRET";
    let capture = Capture::start();
    let answers = [
        // A token, with the wrong status.
        Reply::json(201, format!(r#"{{"access_token":"{LIVE_TOKEN}","token_type":"Bearer","expires_in":3600}}"#)),
        // An error page that echoes the request.
        Reply::with_type(
            400,
            "text/plain",
            format!("Bad request:\r\nAuthorization: Basic {BASIC}\r\nclient_secret={CLIENT_SECRET}\r\n"),
        ),
        // An OAuth error whose description echoes the header.
        Reply::json(400, format!(r#"{{"error":"invalid_request","error_description":"bad header Basic {BASIC}"}}"#)),
    ];
    let mut shown = Vec::new();
    for answer in answers {
        let server = Server::start(move |request, _| match request.path.as_str() {
            TOKEN_PATH => answer.clone(),
            _ => Reply::json(200, "{}"),
        })
        .await;
        let client = Client::builder().base_url(server.uri()).service_account(CLIENT_ID, CLIENT_SECRET).build().unwrap();
        let error = guarded(get_user(&client)).await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(error.to_string().contains("neither an OAuth nor an Atlas error"), "{error}");
        shown.push(format!("{error}\n{error:?}"));
    }
    let logs = capture.text();
    assert!(logs.contains("the token request failed"), "the capture works:\n{logs}");
    for text in shown.iter().chain([&logs]) {
        for secret in [LIVE_TOKEN, BASIC, CLIENT_SECRET] {
            assert!(!text.contains(secret), "{secret:?} leaked into:\n{text}");
        }
    }

    // What the filter keeps.
    let server =
        Server::start(|_, _| Reply::json(401, r#"{"error":"invalid_client","error_description":"Unknown client"}"#)).await;
    let client = Client::builder().base_url(server.uri()).service_account(CLIENT_ID, CLIENT_SECRET).build().unwrap();
    let error = guarded(get_user(&client)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "could not get a service account access token (HTTP 401 Unauthorized): invalid_client: Unknown client"
    );
}

#[tokio::test]
async fn a_token_lifetime_written_as_a_float_or_a_string_is_accepted() {
    tests::capture::install();
    for expires_in in ["3600.0", r#""3600""#] {
        let server = Server::start(move |request, _| match request.path.as_str() {
            TOKEN_PATH => {
                Reply::json(200, format!(r#"{{"access_token":"tok","token_type":"bearer","expires_in":{expires_in}}}"#))
            }
            _ if request.header("authorization") == Some("Bearer tok") => Reply::json(200, user(1).to_string()),
            _ => Reply::json(401, "{}"),
        })
        .await;
        let client = Client::builder().base_url(server.uri()).service_account(CLIENT_ID, CLIENT_SECRET).build().unwrap();
        let found = guarded(get_user(&client)).await;
        assert!(found.is_ok(), "{expires_in}: {found:?}");
        assert_eq!(server.requests_to(TOKEN_PATH), 1);
    }
}

// ---------------------------------------------------------------------------------------
// 5. One budget per call

#[tokio::test]
async fn token_request_retries_draw_on_the_calls_delay_budget() {
    tests::capture::install();
    // The token endpoint is rate limited once, then issues a token; the API is always
    // rate limited. Both say `Retry-After: 1`, and the call may wait 1 s in all.
    let clock = VirtualClock::new();
    let token_requests = Counter::default();
    let server = Server::start({
        let token_requests = token_requests.clone();
        move |request, _| match request.path.as_str() {
            TOKEN_PATH if token_requests.bump() == 0 => Reply::json(429, "{}").header("Retry-After", "1"),
            TOKEN_PATH => Reply::json(200, r#"{"access_token":"tok","expires_in":3600}"#),
            _ => Reply::json(429, r#"{"error":429,"errorCode":"RATE_LIMITED"}"#).header("Retry-After", "1"),
        }
    })
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .service_account(CLIENT_ID, CLIENT_SECRET)
        .max_retry_delay(Duration::from_secs(1))
        .clock(clock.clone())
        .build()
        .unwrap();
    let error = guarded(get_user(&client)).await.unwrap_err();
    assert_eq!(clock.slept(), Duration::from_secs(1));
    assert_eq!(error.status().map(|status| status.as_u16()), Some(429), "{error:?}");
    assert_eq!(token_requests.get(), 2, "the token request waited its 1 s once");
    // Before, the API call had a budget of its own and waited another second for a retry.
    assert_eq!(server.requests_to(&format!("{USERS_PATH}/{USER_ID}")), 1, "no budget left for a retry");
}

// ---------------------------------------------------------------------------------------
// 6. Retries as documented

#[tokio::test]
async fn a_refused_connection_is_retried_with_transient_retries_off() {
    let capture = Capture::start();
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let client =
        Client::builder().base_url(format!("http://{closed_port}")).max_retries(2).transient_retries(false).build().unwrap();
    let error = guarded(get_user(&client)).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let logs = capture.text();
    let retries = logs.lines().filter(|line| line.contains("retrying") && line.contains("reason=could not connect")).count();
    assert_eq!(retries, 2, "before: 0 with transient retries off\n{logs}");
}

#[tokio::test]
async fn an_oversized_503_is_transient_and_retried() {
    tests::capture::install();
    let server = Server::start(|_, _| {
        Reply::with_type(503, "text/html", vec![b'x'; 4096]).header("Retry-After", "0").header("RateLimit-Remaining", "0")
    })
    .await;
    let client = builder(&server).max_response_bytes(1024).max_retries(2).build().unwrap();
    let error = guarded(get_user(&client)).await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { limit: 1024, .. }), "{error:?}");
    assert!(error.is_transient(), "an oversized 503 is still a 503");
    assert_eq!(error.rate_limit().and_then(|limit| limit.remaining), Some(0));
    assert_eq!(server.requests(), 3, "before: 1 attempt");
}
