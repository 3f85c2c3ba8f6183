//! Service accounts and digest API keys against real HTTP servers on 127.0.0.1: a token
//! endpoint that counts what it issues, and a digest server that checks every answer with
//! its own MD5 computation. Also: no secret in `Debug`, `Display` or `tracing` output.
#![allow(deprecated)] // The invitation operations are deprecated upstream; calling them is the point.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use atlas_admin::models::GroupInvitationRequest;
use atlas_admin::operations::list_group_invites;
use atlas_admin::test_util::VirtualClock;
use atlas_admin::{Client, Error, GroupId};
use md5::{Digest, Md5};
use serde_json::json;
use tests::capture::Capture;
use tests::loopback::{Counter, Gate, Reply, Server as Loopback};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const INVITES: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites";
const TOKEN_PATH: &str = "/api/oauth/token";
const CLIENT_ID: &str = "mdb_sa_id_test";
const CLIENT_SECRET: &str = "mdb_sa_sk_s3cr3t";
/// `base64("mdb_sa_id_test:mdb_sa_sk_s3cr3t")`, written out so the test does not share the
/// client's encoder.
const BASIC: &str = "Basic bWRiX3NhX2lkX3Rlc3Q6bWRiX3NhX3NrX3MzY3IzdA==";
const PUBLIC_KEY: &str = "abcdefgh";
const PRIVATE_KEY: &str = "0c5e1a2b-9f3d-4e6a-8b7c-d1e2f3a4b5c6";
const REALM: &str = "MMS Public API";

fn group() -> GroupId {
    GROUP.parse().unwrap()
}

fn no_query() -> list_group_invites::Query {
    list_group_invites::Query::default()
}

fn api_error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": status, "errorCode": code, "reason": "Unauthorized"}))
}

fn requests_to(requests: &[Request], at: &str) -> usize {
    requests.iter().filter(|request| request.url.path() == at).count()
}

fn bearer(request: &Request) -> String {
    request.headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or("").to_owned()
}

// ---------------------------------------------------------------------------------------
// Service accounts

/// A token endpoint that checks the client-credentials request and issues `token-1`,
/// `token-2`, ... with the lifetimes in `lifetimes` (the last one repeats).
async fn mount_token_endpoint(server: &MockServer, lifetimes: &'static [u64], delay: Duration) {
    let issued = AtomicUsize::new(0);
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("authorization", BASIC))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(move |_: &Request| {
            let n = issued.fetch_add(1, Ordering::SeqCst);
            let expires_in = lifetimes[n.min(lifetimes.len() - 1)];
            ResponseTemplate::new(200)
                .set_body_json(
                    json!({"access_token": format!("token-{}", n + 1), "token_type": "Bearer", "expires_in": expires_in}),
                )
                .set_delay(delay)
        })
        .mount(server)
        .await;
}

/// The invitations list, for any bearer token but the ones in `refused`.
async fn mount_api(server: &MockServer, refused: &'static [&'static str]) {
    Mock::given(method("GET"))
        .and(path(INVITES))
        .respond_with(move |request: &Request| {
            if refused.iter().any(|token| bearer(request) == format!("Bearer {token}")) {
                api_error(401, "NOT_AUTHENTICATED")
            } else {
                ResponseTemplate::new(200).set_body_json(json!([]))
            }
        })
        .mount(server)
        .await;
}

fn service_account_client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).service_account(CLIENT_ID, CLIENT_SECRET).build().unwrap()
}

/// Lists invitations from `count` tasks at once, each with its own clone of `client`, and
/// expects every call to succeed.
async fn list_concurrently(client: &Client, count: usize) {
    let calls: Vec<_> = (0..count)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_group_invites(&group(), &no_query()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("the call succeeds");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_from_clones_share_one_token_request() {
    tests::capture::install();
    let server = MockServer::start().await;
    // The slow token endpoint keeps the first request in flight while the others arrive.
    mount_token_endpoint(&server, &[3600], Duration::from_millis(200)).await;
    mount_api(&server, &[]).await;
    let client = service_account_client(&server);

    list_concurrently(&client, 20).await;

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&requests, TOKEN_PATH), 1);
    let api: Vec<_> = requests.iter().filter(|request| request.url.path() == INVITES).collect();
    assert_eq!(api.len(), 20);
    assert!(api.iter().all(|request| bearer(request) == "Bearer token-1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expired_token_is_refreshed_once() {
    tests::capture::install();
    let server = MockServer::start().await;
    // `expires_in: 0` is due at once, so the next call must refresh: no clock involved.
    mount_token_endpoint(&server, &[0, 3600], Duration::from_millis(100)).await;
    mount_api(&server, &[]).await;
    let client = service_account_client(&server);

    client.list_group_invites(&group(), &no_query()).await.expect("first call");
    list_concurrently(&client, 10).await;
    client.list_group_invites(&group(), &no_query()).await.expect("last call");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&requests, TOKEN_PATH), 2, "one token, then exactly one refresh");
    let tokens: Vec<String> = requests.iter().filter(|request| request.url.path() == INVITES).map(bearer).collect();
    assert_eq!(tokens.len(), 12);
    assert_eq!(tokens[0], "Bearer token-1");
    assert!(tokens[1..].iter().all(|token| token == "Bearer token-2"), "{tokens:?}");
}

/// The token cache reads the client's clock: on a `VirtualClock`, an hour-long token is
/// replaced exactly a minute before it expires, with no real waiting.
#[tokio::test]
async fn a_token_is_replaced_a_minute_before_it_expires_on_the_clients_clock() {
    tests::capture::install();
    let server = MockServer::start().await;
    mount_token_endpoint(&server, &[3600], Duration::ZERO).await;
    mount_api(&server, &[]).await;
    let clock = VirtualClock::new();
    let client =
        Client::builder().base_url(server.uri()).service_account(CLIENT_ID, CLIENT_SECRET).clock(clock.clone()).build().unwrap();

    client.list_group_invites(&group(), &no_query()).await.expect("first call");
    clock.advance(Duration::from_secs(3600 - 61));
    client.list_group_invites(&group(), &no_query()).await.expect("a second before the refresh");
    clock.advance(Duration::from_secs(1));
    client.list_group_invites(&group(), &no_query()).await.expect("at the refresh");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&requests, TOKEN_PATH), 2);
    let tokens: Vec<String> = requests.iter().filter(|request| request.url.path() == INVITES).map(bearer).collect();
    assert_eq!(tokens, ["Bearer token-1", "Bearer token-1", "Bearer token-2"]);
}

#[tokio::test]
async fn a_401_gets_one_new_token_and_one_retry() {
    tests::capture::install();
    let server = MockServer::start().await;
    mount_token_endpoint(&server, &[3600], Duration::ZERO).await;
    mount_api(&server, &["token-1"]).await;
    let client = service_account_client(&server);

    client.list_group_invites(&group(), &no_query()).await.expect("the retry with a new token succeeds");
    client.list_group_invites(&group(), &no_query()).await.expect("the new token is kept");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&requests, TOKEN_PATH), 2);
    let tokens: Vec<String> = requests.iter().filter(|request| request.url.path() == INVITES).map(bearer).collect();
    assert_eq!(tokens, ["Bearer token-1", "Bearer token-2", "Bearer token-2"]);
}

/// The API answers no request with the first token until all ten have arrived, so every call
/// sends it and gets its 401, whatever the scheduling. (This test used to rely on a 100 ms
/// token delay to keep the calls together: a call that started after the refresh sent only
/// the new token, and the count of 20 requests failed on a loaded machine.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_401s_share_one_refresh() {
    tests::capture::install();
    let (issued, refused, all_sent) = (Counter::default(), Counter::default(), Gate::default());
    let server = Loopback::start({
        let (issued, refused, all_sent) = (issued.clone(), refused.clone(), all_sent.clone());
        move |request, _| match (request.path.as_str(), request.header("authorization")) {
            (TOKEN_PATH, _) => {
                let token = format!("token-{}", issued.bump() + 1);
                Reply::json(200, json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}).to_string())
            }
            (_, Some("Bearer token-1")) => {
                if refused.bump() == 9 {
                    all_sent.open();
                }
                Reply::json(401, json!({"error": 401, "errorCode": "NOT_AUTHENTICATED"}).to_string()).gated(&all_sent)
            }
            _ => Reply::json(200, "[]"),
        }
    })
    .await;
    let client = Client::builder().base_url(server.uri()).service_account(CLIENT_ID, CLIENT_SECRET).build().unwrap();

    list_concurrently(&client, 10).await;

    assert_eq!(server.requests_to(TOKEN_PATH), 2, "token-1, then one refresh for all ten 401s");
    assert_eq!(refused.get(), 10);
    assert_eq!(server.requests_to(INVITES), 20);
}

#[tokio::test]
async fn a_token_the_api_keeps_refusing_is_refreshed_once_then_the_401_is_returned() {
    tests::capture::install();
    let server = MockServer::start().await;
    mount_token_endpoint(&server, &[3600], Duration::ZERO).await;
    mount_api(&server, &["token-1", "token-2"]).await;
    let client = service_account_client(&server);

    let error = client.list_group_invites(&group(), &no_query()).await.expect_err("the API refuses");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    assert_eq!(error.api_error().unwrap().error_code, "NOT_AUTHENTICATED");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&requests, TOKEN_PATH), 2);
    assert_eq!(requests_to(&requests, INVITES), 2);
}

#[tokio::test]
async fn a_refused_token_request_is_an_auth_error_and_no_api_request_is_sent() {
    tests::capture::install();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "invalid_client", "error_description": "Invalid client credentials"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, &[]).await;
    let client = service_account_client(&server);

    let error = client.list_group_invites(&group(), &no_query()).await.expect_err("no token");
    let Error::Auth { status, message, .. } = &error else { panic!("expected Error::Auth, got {error:?}") };
    assert_eq!(status.map(|status| status.as_u16()), Some(401));
    assert_eq!(message, "invalid_client: Invalid client credentials");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&requests, INVITES), 0);
}

#[tokio::test]
async fn a_rate_limited_token_request_is_retried() {
    tests::capture::install();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_token_endpoint(&server, &[3600], Duration::ZERO).await;
    mount_api(&server, &[]).await;
    let client = service_account_client(&server);

    client.list_group_invites(&group(), &no_query()).await.expect("the second token request succeeds");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&requests, TOKEN_PATH), 2);
    assert_eq!(requests_to(&requests, INVITES), 1);
}

// ---------------------------------------------------------------------------------------
// Digest API keys

fn md5_hex(text: &str) -> String {
    format!("{:x}", Md5::digest(text.as_bytes()))
}

/// The `key=value, key="quoted value"` parameters of a `Digest` header.
fn digest_params(value: &str) -> Option<HashMap<String, String>> {
    let mut rest = value.strip_prefix("Digest ")?.trim();
    let mut params = HashMap::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let (value, after) = match after.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"')?,
            None => after.split_once(',').unwrap_or((after, "")),
        };
        params.insert(key.trim().to_owned(), value.to_owned());
        rest = after.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
    }
    Some(params)
}

/// What the digest server saw.
#[derive(Default)]
struct DigestLog {
    challenges: usize,
    stale_challenges: usize,
    accepted: usize,
    /// Every accepted answer: (nonce, nc, cnonce).
    answers: Vec<(String, u32, String)>,
}

/// A server that speaks Digest as Atlas does and verifies each answer itself: MD5,
/// `qop=auth`, the request-target with its query as `uri`, an `nc` never seen before with
/// the nonce (a replay is refused, as RFC 7616 section 3.4 allows), a fresh `cnonce`. `rotate` changes the nonce, so the next answer to the old
/// one gets `stale=true`.
#[derive(Clone, Default)]
struct DigestServer {
    state: Arc<Mutex<(u32, DigestLog)>>,
}

impl DigestServer {
    fn rotate(&self) {
        self.state.lock().unwrap().0 += 1;
    }

    fn log<T>(&self, read: impl FnOnce(&DigestLog) -> T) -> T {
        read(&self.state.lock().unwrap().1)
    }

    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (generation, log) = &mut *state;
        let nonce = format!("nonce-{generation}");
        let challenge = |log: &mut DigestLog, stale: bool| {
            log.challenges += 1;
            log.stale_challenges += usize::from(stale);
            api_error(401, "NOT_AUTHENTICATED").insert_header(
                "WWW-Authenticate",
                format!(r#"Digest realm="{REALM}", domain="", nonce="{nonce}", algorithm=MD5, qop="auth", stale={stale}"#),
            )
        };
        let Some(params) = request.headers.get("authorization").and_then(|value| value.to_str().ok()).and_then(digest_params)
        else {
            return challenge(log, false);
        };
        let param = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
        let target = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        };
        let nc = u32::from_str_radix(param("nc"), 16).unwrap_or(0);
        let ha1 = md5_hex(&format!("{}:{REALM}:{PRIVATE_KEY}", param("username")));
        let ha2 = md5_hex(&format!("{}:{target}", request.method));
        let expected = md5_hex(&format!("{ha1}:{}:{}:{}:auth:{ha2}", param("nonce"), param("nc"), param("cnonce")));
        let replayed = log.answers.iter().any(|(seen, seen_nc, _)| seen == param("nonce") && *seen_nc == nc);
        let well_formed = param("username") == PUBLIC_KEY
            && param("realm") == REALM
            && param("uri") == target
            && param("qop") == "auth"
            && param("algorithm") == "MD5"
            && param("nc").len() == 8
            && nc > 0
            && !replayed
            && !param("cnonce").is_empty()
            && log.answers.iter().all(|(_, _, cnonce)| cnonce != param("cnonce"));
        if !well_formed || param("response") != expected {
            return challenge(log, false);
        }
        if param("nonce") != nonce {
            return challenge(log, true);
        }
        if request.method == "POST" && request.body.is_empty() {
            return api_error(400, "MISSING_BODY");
        }
        log.accepted += 1;
        log.answers.push((nonce, nc, param("cnonce").to_owned()));
        let body = if request.method == "POST" { json!({"username": "jane@example.com"}) } else { json!([]) };
        ResponseTemplate::new(200).set_body_json(body)
    }
}

async fn digest_server() -> (MockServer, DigestServer) {
    let server = MockServer::start().await;
    let digest = DigestServer::default();
    let responder = digest.clone();
    Mock::given(path(INVITES)).respond_with(move |request: &Request| responder.respond(request)).mount(&server).await;
    (server, digest)
}

fn digest_client(server: &MockServer, private_key: &str) -> Client {
    Client::builder().base_url(server.uri()).digest(PUBLIC_KEY, private_key).build().unwrap()
}

fn invitation() -> GroupInvitationRequest {
    GroupInvitationRequest { username: Some("jane@example.com".into()), roles: None }
}

#[tokio::test]
async fn digest_answers_the_challenge_with_the_body_then_reuses_the_nonce() {
    tests::capture::install();
    let (server, digest) = digest_server().await;
    let client = digest_client(&server, PRIVATE_KEY);

    let created = client.create_group_invite(&group(), &invitation()).await.expect("challenge, then answer");
    assert_eq!(created.username.as_deref(), Some("jane@example.com"));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body, "the body is sent again with the answer");
    assert!(!requests[1].body.is_empty());

    // The query string is part of the digested `uri`; the nonce is reused with the next `nc`.
    let query = list_group_invites::Query { username: Some("jane+1@example.com".into()) };
    client.list_group_invites(&group(), &query).await.expect("answered with the known nonce");
    client.list_group_invites(&group(), &no_query()).await.expect("and again");

    assert_eq!(server.received_requests().await.unwrap().len(), 4, "one round trip per call after the first");
    let (challenges, answers) = digest.log(|log| (log.challenges, log.answers.clone()));
    assert_eq!(challenges, 1);
    let counts: Vec<u32> = answers.iter().map(|(_, nc, _)| *nc).collect();
    assert_eq!(counts, [1, 2, 3]);
    assert!(answers.iter().all(|(nonce, ..)| nonce == "nonce-0"));
}

#[tokio::test]
async fn digest_stale_nonce_is_answered_once_with_the_new_nonce() {
    tests::capture::install();
    let (server, digest) = digest_server().await;
    let client = digest_client(&server, PRIVATE_KEY);
    client.list_group_invites(&group(), &no_query()).await.expect("first call");

    digest.rotate();
    client.create_group_invite(&group(), &invitation()).await.expect("stale, then answered with the new nonce");
    client.list_group_invites(&group(), &no_query()).await.expect("the new nonce is kept");

    // 2 (challenge + answer) + 2 (stale + answer) + 1.
    assert_eq!(server.received_requests().await.unwrap().len(), 5);
    let (stale, accepted, answers) = digest.log(|log| (log.stale_challenges, log.accepted, log.answers.clone()));
    assert_eq!((stale, accepted), (1, 3));
    let nonces: Vec<(&str, u32)> = answers.iter().map(|(nonce, nc, _)| (nonce.as_str(), *nc)).collect();
    assert_eq!(nonces, [("nonce-0", 1), ("nonce-1", 1), ("nonce-1", 2)]);
}

/// Before: every first call answered its own copy of the challenge with `nc=00000001`, and
/// a server that refuses replays failed 15 of 16 (14 of 16 after a `stale=true`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_digest_calls_take_successive_nonce_counts() {
    tests::capture::install();
    let (server, digest) = digest_server().await;
    let client = digest_client(&server, PRIVATE_KEY);
    let calls = |client: &Client| {
        let calls: Vec<_> = (0..16)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.list_group_invites(&group(), &no_query()).await })
            })
            .collect();
        futures::future::join_all(calls)
    };
    for result in calls(&client).await {
        result.unwrap().expect("every concurrent first call succeeds");
    }
    digest.rotate();
    for result in calls(&client).await {
        result.unwrap().expect("every call after the rotation succeeds");
    }
    let answers = digest.log(|log| log.answers.clone());
    assert_eq!(answers.len(), 32);
    for nonce in ["nonce-0", "nonce-1"] {
        let mut counts: Vec<u32> = answers.iter().filter(|(seen, ..)| seen == nonce).map(|(_, nc, _)| *nc).collect();
        counts.sort_unstable();
        assert_eq!(counts, (1..=16).collect::<Vec<u32>>(), "{nonce}: one nc each, none twice");
    }
}

#[tokio::test]
async fn digest_with_a_wrong_private_key_is_the_api_401() {
    tests::capture::install();
    let (server, digest) = digest_server().await;
    let wrong_key = "ffffffff-0000-0000-0000-000000000000";
    let client = digest_client(&server, wrong_key);

    let error = client.list_group_invites(&group(), &no_query()).await.expect_err("the server refuses the hash");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    assert_eq!(error.api_error().unwrap().error_code, "NOT_AUTHENTICATED");
    let shown = format!("{error} {error:?} {client:?}");
    assert!(!shown.contains(wrong_key), "{shown}");

    assert_eq!(server.received_requests().await.unwrap().len(), 2, "the challenge, then one answer");
    assert_eq!(digest.log(|log| log.accepted), 0);
}

// ---------------------------------------------------------------------------------------
// Redaction

/// Runs every credential through refreshes, retries and failures with all `tracing` output
/// captured at TRACE, then looks for each secret in the logs and in `Debug`/`Display`.
#[tokio::test]
async fn no_secret_reaches_logs_debug_or_display() {
    tests::capture::install();
    const BEARER: &str = "bearer-s3cr3t-value";
    let capture = Capture::start();
    let mut shown = Vec::new();

    // A service account whose first token the API refuses, and a 429 before success.
    let server = MockServer::start().await;
    mount_token_endpoint(&server, &[3600], Duration::ZERO).await;
    Mock::given(method("GET"))
        .and(path(INVITES))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_api(&server, &["token-1"]).await;
    let builder = Client::builder().base_url(server.uri()).service_account(CLIENT_ID, CLIENT_SECRET);
    shown.push(format!("{builder:?}"));
    let client = builder.build().unwrap();
    shown.push(format!("{client:?}"));
    client.list_group_invites(&group(), &no_query()).await.expect("service account call");

    // A digest key, right and wrong.
    let (digest_server, _) = digest_server().await;
    let builder = Client::builder().base_url(digest_server.uri()).digest(PUBLIC_KEY, PRIVATE_KEY);
    shown.push(format!("{builder:?}"));
    builder.build().unwrap().list_group_invites(&group(), &no_query()).await.expect("digest call");
    let error = digest_client(&digest_server, "wrong-private-key").list_group_invites(&group(), &no_query()).await.unwrap_err();
    shown.push(format!("{error} {error:?}"));

    // A bearer token the API refuses.
    let refusing = MockServer::start().await;
    Mock::given(method("GET")).respond_with(api_error(401, "NOT_AUTHENTICATED")).mount(&refusing).await;
    let builder = Client::builder().base_url(refusing.uri()).bearer_token(BEARER);
    shown.push(format!("{builder:?}"));
    let error = builder.build().unwrap().list_group_invites(&group(), &no_query()).await.unwrap_err();
    shown.push(format!("{error} {error:?}"));

    let logs = capture.text();
    for expected in ["atlas_request", "listGroupInvites", "requesting an access token", "retrying", "digest challenge"] {
        assert!(logs.contains(expected), "the capture works: {expected:?} missing from\n{logs}");
    }
    let secrets = [CLIENT_SECRET, "token-1", "token-2", PRIVATE_KEY, "wrong-private-key", BEARER, &BASIC[6..], "Digest username"];
    for text in shown.iter().chain([&logs]) {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret:?} leaked into:\n{text}");
        }
    }
}
