//! `Client::list_group_users_stream` against a real server on 127.0.0.1 holding 250 users at
//! 100 a page: every user exactly once, in three requests, and an error that ends the stream;
//! a short page that links a next one is followed.

use std::sync::{Arc, Mutex};

use atlas_admin::models::GroupUserResponse;
use atlas_admin::operations::list_group_users;
use atlas_admin::{Client, Error, GroupId};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const USERS: usize = 250;
const MEDIA_TYPE: &str = "application/vnd.atlas.2025-02-19+json";

/// The n-th user: pending when n is even, active when odd; ids are distinct hex.
fn user(n: usize) -> Value {
    let id = format!("{n:024x}");
    if n % 2 == 0 {
        json!({"id": id, "orgMembershipStatus": "PENDING", "username": format!("user{n}@example.com"),
               "roles": ["GROUP_READ_ONLY"], "invitationCreatedAt": "2025-03-01T00:00:00Z",
               "invitationExpiresAt": "2025-04-01T00:00:00Z", "inviterUsername": "admin@example.com"})
    } else {
        json!({"id": id, "orgMembershipStatus": "ACTIVE", "username": format!("user{n}@example.com"),
               "roles": ["GROUP_OWNER"], "createdAt": "2024-01-01T00:00:00Z", "firstName": "F", "lastName": "L"})
    }
}

/// The query pairs of each request the server saw, in order.
type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// Serves `users` a page at a time as Atlas does (`pageNum` from 1, `itemsPerPage`, a `next`
/// link on every page but the last), records each request's query, and answers 404 for
/// `failing_page`.
struct Users {
    seen: Seen,
    failing_page: Option<usize>,
}

impl Respond for Users {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query: Vec<(String, String)> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        self.seen.lock().unwrap().push(query.clone());
        let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.parse::<usize>().unwrap());
        let page = get("pageNum").unwrap_or(1);
        let size = get("itemsPerPage").unwrap_or(100);
        if Some(page) == self.failing_page {
            let error = json!({"error": 404, "errorCode": "RESOURCE_NOT_FOUND", "detail": "gone", "reason": "Not Found"});
            return ResponseTemplate::new(404).set_body_raw(serde_json::to_vec(&error).unwrap(), "application/json");
        }
        let start = (page - 1) * size;
        let results: Vec<Value> = (start..(start + size).min(USERS)).map(user).collect();
        let mut links = vec![json!({"href": "http://127.0.0.1/self", "rel": "self"})];
        if start + size < USERS {
            links.push(json!({"href": "http://127.0.0.1/next", "rel": "next"}));
        }
        let body = json!({"links": links, "results": results});
        ResponseTemplate::new(200).set_body_raw(serde_json::to_vec(&body).unwrap(), MEDIA_TYPE)
    }
}

async fn serve(failing_page: Option<usize>) -> (MockServer, Client, Seen) {
    let server = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .and(path(format!("/api/atlas/v2/groups/{GROUP}/users")))
        .respond_with(Users { seen: seen.clone(), failing_page })
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).bearer_token("t").build().unwrap();
    (server, client, seen)
}

fn value<'q>(query: &'q [(String, String)], key: &str) -> Option<&'q str> {
    query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn the_stream_yields_every_user_once_in_three_requests() {
    let (_server, client, seen) = serve(None).await;
    let group: GroupId = GROUP.parse().unwrap();

    let users: Vec<GroupUserResponse> = client.list_group_users_stream(&group, &Default::default()).try_collect().await.unwrap();

    let ids: Vec<String> = users.iter().map(|user| user.id().to_string()).collect();
    let expected: Vec<String> = (0..USERS).map(|n| format!("{n:024x}")).collect();
    assert_eq!(ids, expected, "every user once, in order: no page repeated or lost");
    assert!(matches!(users[0], GroupUserResponse::Pending(_)) && matches!(users[1], GroupUserResponse::Active(_)));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3, "250 users at 100 a page are three requests: {seen:?}");
    let pages: Vec<Option<&str>> = seen.iter().map(|query| value(query, "pageNum")).collect();
    assert_eq!(pages, [Some("1"), Some("2"), Some("3")]);
    for query in seen.iter() {
        assert_eq!(value(query, "includeCount"), Some("false"), "counts are not asked for: {query:?}");
        assert_eq!(value(query, "itemsPerPage"), Some("100"));
    }
}

#[tokio::test]
async fn counts_are_asked_for_when_the_query_says_so_and_paging_starts_where_it_says() {
    let (_server, client, seen) = serve(None).await;
    let group: GroupId = GROUP.parse().unwrap();
    let query = list_group_users::Query { include_count: Some(true), page_num: Some(2), ..Default::default() };

    let users: Vec<GroupUserResponse> = client.list_group_users_stream(&group, &query).try_collect().await.unwrap();

    assert_eq!(users.len(), USERS - 100, "pages 2 and 3");
    let seen = seen.lock().unwrap();
    let pages: Vec<Option<&str>> = seen.iter().map(|query| value(query, "pageNum")).collect();
    assert_eq!(pages, [Some("2"), Some("3")]);
    assert!(seen.iter().all(|query| value(query, "includeCount") == Some("true")));
}

#[tokio::test]
async fn an_error_on_page_two_ends_the_stream() {
    let (_server, client, seen) = serve(Some(2)).await;
    let group: GroupId = GROUP.parse().unwrap();

    let items: Vec<Result<GroupUserResponse, Error>> =
        client.list_group_users_stream(&group, &Default::default()).collect().await;

    assert_eq!(items.len(), 101, "the first page, then the error, then nothing");
    assert!(items[..100].iter().all(Result::is_ok));
    let error = items[100].as_ref().unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND), "{error}");
    assert_eq!(seen.lock().unwrap().len(), 2, "no page is asked for after the error");
}

/// A server may cap a page below the size asked for: its `next` link, not the page's
/// length, says whether another follows (before, the short page ended the stream silently).
#[tokio::test]
async fn a_short_page_with_a_next_link_is_not_the_last() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/atlas/v2/groups/{GROUP}/users")))
        .respond_with(|request: &Request| {
            let first = request.url.query_pairs().any(|(key, value)| key == "pageNum" && value == "1");
            let page = if first {
                json!({"links": [{"href": "http://x/next", "rel": "next"}], "results": [user(0), user(1)]})
            } else {
                json!({"links": [], "results": [user(2)]})
            };
            ResponseTemplate::new(200).set_body_raw(serde_json::to_vec(&page).unwrap(), MEDIA_TYPE)
        })
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).bearer_token("t").build().unwrap();
    let group: GroupId = GROUP.parse().unwrap();
    let query = list_group_users::Query { items_per_page: Some(5), ..Default::default() };

    let users: Vec<GroupUserResponse> = client.list_group_users_stream(&group, &query).try_collect().await.unwrap();

    assert_eq!(users.len(), 3);
    server.verify().await;
}
