//! The open pipeline against servers on 127.0.0.1: `Client::send` for an operation the crate
//! does not generate and for a sans-IO builder's request, with a service account's token and
//! a retry; interceptors at each point; per-call settings; a rotating token provider. The
//! clients wait on a `VirtualClock`, so retries take no real time.
#![allow(deprecated)] // The invitation operations are deprecated upstream; calling them is the point.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use atlas_admin::http::{self, HeaderValue, header};
use atlas_admin::models::GroupInvitationRequest;
use atlas_admin::operations::{OperationInfo, create_group_invite, delete_group_invite, get_group_invite};
use atlas_admin::test_util::VirtualClock;
use atlas_admin::transport::{CallInfo, CallSettings, Interceptor, TokenFuture, TokenProvider};
use atlas_admin::{Client, Error, GroupId, InvitationId, ResponseInfo};
use tests::loopback::{Counter, Reply, Server};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const INVITATION: &str = "5f4a1c2b3d4e5f6a7b8c9d0e";
const CLUSTERS: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters";
const INVITES: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites";
const BY_ID: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites/5f4a1c2b3d4e5f6a7b8c9d0e";
const TOKEN_PATH: &str = "/api/oauth/token";
const CLUSTERS_MEDIA_TYPE: &str = "application/vnd.atlas.2024-08-05+json";

/// What an interceptor saw, hook by hook, in order.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn push(&self, event: String) {
        self.0.lock().unwrap().push(event);
    }

    fn events(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

fn operation(call: &CallInfo<'_>) -> &'static str {
    call.operation.map_or("-", |op| op.operation_id)
}

impl Interceptor for Seen {
    fn before_credentials(&self, call: &CallInfo<'_>, request: &mut http::Request<Vec<u8>>) -> Result<(), Error> {
        let has_credentials = request.headers().contains_key(header::AUTHORIZATION);
        self.push(format!("before {} {} credentials={has_credentials}", operation(call), call.attempt));
        request.headers_mut().insert("x-request-id", HeaderValue::from_static("job-42"));
        Ok(())
    }

    fn on_attempt(&self, call: &CallInfo<'_>, request: &mut http::Request<Vec<u8>>) {
        let authorization = request.headers().get(header::AUTHORIZATION).map(|value| value.to_str().unwrap().to_owned());
        self.push(format!("attempt {} {} {authorization:?}", operation(call), call.attempt));
    }

    fn on_response(&self, call: &CallInfo<'_>, response: &http::Response<Vec<u8>>) {
        self.push(format!("response {} {} {}", operation(call), call.attempt, response.status().as_u16()));
    }

    fn on_error(&self, call: &CallInfo<'_>, error: &Error) {
        self.push(format!("error {} {} transient={}", operation(call), call.attempt, error.is_transient()));
    }
}

/// A server with a token endpoint issuing `token-1`, `token-2`, ...; `clusters` answers 503
/// to its first request, then the list, to a request with a bearer token and the request ID.
async fn atlas() -> (Server, Counter) {
    let tokens = Counter::default();
    let server = Server::start({
        let tokens = tokens.clone();
        move |request, before| match request.path.as_str() {
            TOKEN_PATH => {
                let n = tokens.bump() + 1;
                Reply::json(200, format!(r#"{{"access_token":"token-{n}","token_type":"Bearer","expires_in":3600}}"#))
            }
            CLUSTERS if before == 0 => Reply::json(503, r#"{"error":503,"errorCode":"SERVICE_UNAVAILABLE"}"#),
            CLUSTERS
                if request.header("authorization") == Some("Bearer token-1")
                    && request.header("x-request-id") == Some("job-42")
                    && request.header("accept") == Some(CLUSTERS_MEDIA_TYPE) =>
            {
                Reply::json(200, r#"{"results":[{"name":"Cluster0"}],"totalCount":1}"#)
            }
            BY_ID => Reply::json(200, format!(r#"{{"id":"{INVITATION}","groupId":"{GROUP}"}}"#)),
            _ => Reply::json(400, r#"{"error":400,"errorCode":"UNEXPECTED"}"#),
        }
    })
    .await;
    (server, tokens)
}

#[tokio::test]
async fn an_operation_the_crate_does_not_generate_gets_the_token_the_retry_and_the_hooks() {
    let (server, tokens) = atlas().await;
    let seen = Seen::default();
    let finals = Arc::new(Mutex::new(Vec::new()));
    let clock = VirtualClock::new();
    let client = Client::builder()
        .base_url(server.uri())
        .service_account("mdb_sa_id_test", "mdb_sa_sk_s3cr3t")
        .interceptor(seen.clone())
        .on_response({
            let finals = finals.clone();
            move |info: &ResponseInfo<'_>| finals.lock().unwrap().push((info.operation_id, info.status.as_u16(), info.attempts))
        })
        .clock(clock.clone())
        .build()
        .unwrap();

    // `listClusters` is not in this crate: a request by hand, relative to the base URL.
    let request = http::Request::get(format!("/api/atlas/v2/groups/{GROUP}/clusters"))
        .header(header::ACCEPT, CLUSTERS_MEDIA_TYPE)
        .body(Vec::new())
        .unwrap();
    let response = client.send(request).await.expect("a response");

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(body["results"][0]["name"], "Cluster0");
    assert_eq!(server.requests_to(CLUSTERS), 2, "the 503 (a GET), then the retry");
    assert_eq!(tokens.get(), 1, "one token for both attempts");
    assert!(clock.slept() > Duration::ZERO, "the retry waited its backoff");
    assert_eq!(
        seen.events(),
        [
            "before - 0 credentials=false",
            r#"attempt - 1 Some("Bearer token-1")"#,
            "response - 1 503",
            r#"attempt - 2 Some("Bearer token-1")"#,
            "response - 2 200",
        ]
    );
    assert_eq!(*finals.lock().unwrap(), [("", 200, 2)], "the final response, attempts counted once");
}

#[tokio::test]
async fn a_sans_io_request_with_its_operation_goes_through_the_same_pipeline() {
    let (server, tokens) = atlas().await;
    let seen = Seen::default();
    let client = Client::builder()
        .base_url(server.uri())
        .service_account("mdb_sa_id_test", "mdb_sa_sk_s3cr3t")
        .interceptor(seen.clone())
        .clock(VirtualClock::new())
        .build()
        .unwrap();

    let group: GroupId = GROUP.parse().unwrap();
    let invitation: InvitationId = INVITATION.parse().unwrap();
    let mut request = get_group_invite::request(client.base_url(), &group, &invitation).unwrap();
    request.extensions_mut().insert(get_group_invite::INFO);
    let response = client.send(request).await.unwrap();
    let decoded = get_group_invite::response(response).expect("the operation decodes it");

    assert_eq!(decoded.group_id, Some(group));
    assert_eq!(tokens.get(), 1);
    assert_eq!(
        seen.events()[..2],
        ["before getGroupInvite 0 credentials=false", r#"attempt getGroupInvite 1 Some("Bearer token-1")"#]
    );
}

#[tokio::test]
async fn per_call_settings_decide_idempotency_retries_and_the_timeout() {
    let server = Server::start(|request, _| match request.path.as_str() {
        INVITES => Reply::Reset,
        _ => Reply::Stall,
    })
    .await;
    let clock = VirtualClock::new();
    let client = Client::builder().base_url(server.uri()).bearer_token("t").max_retries(2).clock(clock.clone()).build().unwrap();
    let group: GroupId = GROUP.parse().unwrap();
    let invite = GroupInvitationRequest { username: Some("jane@example.com".into()), roles: None };

    client.create_group_invite(&group, &invite).await.unwrap_err();
    assert_eq!(server.requests_to(INVITES), 1, "a POST that may have reached the server is not sent again");
    let idempotent = client.with_settings(CallSettings::new().idempotent(true));
    idempotent.create_group_invite(&group, &invite).await.unwrap_err();
    assert_eq!(server.requests_to(INVITES), 4, "a POST the caller calls idempotent is, after a reset");
    let once = client.with_settings(CallSettings::new().idempotent(true).max_retries(0));
    once.create_group_invite(&group, &invite).await.unwrap_err();
    assert_eq!(server.requests_to(INVITES), 5, "max_retries 0 for these calls only");

    // The client's timeout is 60 s; this call's is 50 ms, against a server that never answers.
    let request = http::Request::get("/api/atlas/v2/stalls").body(Vec::new()).unwrap();
    let settings = CallSettings::new().timeout(Duration::from_millis(50)).max_retries(0);
    let error = tokio::time::timeout(Duration::from_secs(30), client.send_with(request, &settings))
        .await
        .expect("the call's own timeout ends it")
        .unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
}

#[tokio::test]
async fn the_operation_not_the_method_says_whether_a_request_is_sent_again() {
    let server = Server::start(|_, _| Reply::Reset).await;
    let client =
        Client::builder().base_url(server.uri()).bearer_token("t").max_retries(2).clock(VirtualClock::new()).build().unwrap();
    let by_method = (delete_group_invite::INFO.idempotent, create_group_invite::INFO.idempotent);
    assert_eq!(by_method, (true, false), "by method, from the generator");

    // A POST naming an idempotent operation is sent again after a reset; a GET naming one
    // that is not is sent once. (Mismatched on purpose: only the operation can decide.)
    let mut post = http::Request::post(INVITES).body(Vec::new()).unwrap();
    post.extensions_mut().insert(delete_group_invite::INFO);
    client.send(post).await.unwrap_err();
    assert_eq!(server.requests_to(INVITES), 3, "an idempotent operation: the first attempt and two retries");
    let mut get = http::Request::get(BY_ID).body(Vec::new()).unwrap();
    get.extensions_mut().insert(create_group_invite::INFO);
    client.send(get).await.unwrap_err();
    assert_eq!(server.requests_to(BY_ID), 1, "an operation that is not idempotent is not sent again");
    // Without an operation, the method decides.
    client.send(http::Request::get(BY_ID).body(Vec::new()).unwrap()).await.unwrap_err();
    assert_eq!(server.requests_to(BY_ID), 4);
}

/// A token another part of the program replaces.
struct Rotating(Arc<RwLock<String>>, Arc<AtomicU32>);

impl TokenProvider for Rotating {
    fn token(&self) -> TokenFuture<'_> {
        self.1.fetch_add(1, Ordering::Relaxed);
        let token = self.0.read().unwrap().clone();
        Box::pin(async move { Ok(token) })
    }
}

#[tokio::test]
async fn a_rotating_token_is_asked_for_at_each_attempt_and_again_after_a_401() {
    let current = Arc::new(RwLock::new("old".to_owned()));
    let server = Server::start({
        let current = current.clone();
        move |request, _| {
            let valid = format!("Bearer {}", current.read().unwrap());
            if request.header("authorization") == Some(valid.as_str()) {
                Reply::json(200, format!(r#"{{"id":"{INVITATION}","groupId":"{GROUP}"}}"#))
            } else {
                Reply::json(401, r#"{"error":401,"errorCode":"NOT_AUTHENTICATED"}"#)
            }
        }
    })
    .await;
    let asked = Arc::new(AtomicU32::new(0));
    // The server accepts only the current token, which the provider reads.
    let client = Client::builder()
        .base_url(server.uri())
        .token_provider(Rotating(current.clone(), asked.clone()))
        .clock(VirtualClock::new())
        .build()
        .unwrap();
    let group: GroupId = GROUP.parse().unwrap();
    let invitation: InvitationId = INVITATION.parse().unwrap();

    client.get_group_invite(&group, &invitation).await.expect("the first token works");
    assert_eq!(asked.load(Ordering::Relaxed), 1);
    *current.write().unwrap() = "rotated".to_owned();
    client.get_group_invite(&group, &invitation).await.expect("the next attempt sends the rotated token");
    assert_eq!((asked.load(Ordering::Relaxed), server.requests()), (2, 2));
}

#[tokio::test]
async fn after_a_401_the_token_provider_is_asked_once_more() {
    let server = Server::start(|request, _| match request.header("authorization") {
        Some("Bearer second") => Reply::json(200, format!(r#"{{"id":"{INVITATION}","groupId":"{GROUP}"}}"#)),
        _ => Reply::json(401, r#"{"error":401,"errorCode":"NOT_AUTHENTICATED"}"#),
    })
    .await;
    struct Sequence(AtomicU32);
    impl TokenProvider for Sequence {
        fn token(&self) -> TokenFuture<'_> {
            let token = if self.0.fetch_add(1, Ordering::Relaxed) == 0 { "first" } else { "second" };
            Box::pin(async move { Ok(token.to_owned()) })
        }
    }
    let client = Client::builder().base_url(server.uri()).token_provider(Sequence(AtomicU32::new(0))).build().unwrap();
    let group: GroupId = GROUP.parse().unwrap();
    let invitation: InvitationId = INVITATION.parse().unwrap();
    client.get_group_invite(&group, &invitation).await.expect("re-sent with the provider's new token");
    assert_eq!(server.requests(), 2);

    // A provider that keeps giving a refused token: one re-send, then the 401 is the answer.
    let refusing = Client::builder().base_url(server.uri()).bearer_token("refused").build().unwrap();
    let error = refusing.get_group_invite(&group, &invitation).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    assert_eq!(server.requests(), 3, "a fixed bearer token is not sent again after a 401");
}

#[tokio::test]
async fn an_interceptor_can_refuse_a_call_before_anything_is_sent() {
    struct Refuse;
    impl Interceptor for Refuse {
        fn before_credentials(&self, call: &CallInfo<'_>, _: &mut http::Request<Vec<u8>>) -> Result<(), Error> {
            let refused: &OperationInfo = call.operation.expect("a generated call names its operation");
            Err(Error::InvalidArgument { message: format!("{} is not allowed here", refused.operation_id), source: None })
        }
    }
    let server = Server::start(|_, _| Reply::json(200, "{}")).await;
    let client = Client::builder().base_url(server.uri()).bearer_token("t").interceptor(Refuse).build().unwrap();
    let group: GroupId = GROUP.parse().unwrap();
    let invitation: InvitationId = INVITATION.parse().unwrap();
    let error = client.delete_group_invite(&group, &invitation).await.unwrap_err();
    assert_eq!(error.to_string(), "invalid argument: deleteGroupInvite is not allowed here");
    assert_eq!(server.requests(), 0);
}
