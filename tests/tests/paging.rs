//! `Client::list_group_users_stream` over the mock transport, holding 250 users at
//! 100 a page: every user exactly once, in three requests, and an error that ends the stream;
//! a short page that links a next one is followed.

use atlas_admin::models::GroupUserResponse;
use atlas_admin::operations::list_group_users;
use atlas_admin::test_util::{MockTransport, Rule};
use atlas_admin::{Client, Error, GroupId};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const USERS: usize = 250;

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

/// The `pageNum` of a request to the mock.
fn page_num(request: &http::Request<Vec<u8>>) -> Option<usize> {
    let query = request.uri().query()?;
    query.split('&').find_map(|pair| pair.strip_prefix("pageNum=")).and_then(|page| page.parse().ok())
}

/// Page `page` of `USERS` users at 100 a page, as Atlas answers it: a `next` link on every
/// page but the last.
fn page(page: usize) -> Value {
    let start = (page - 1) * 100;
    let results: Vec<Value> = (start..(start + 100).min(USERS)).map(user).collect();
    let mut links = vec![json!({"href": "http://127.0.0.1/self", "rel": "self"})];
    if start + 100 < USERS {
        links.push(json!({"href": "http://127.0.0.1/next", "rel": "next"}));
    }
    json!({"links": links, "results": results})
}

/// A mock serving the three pages of `USERS` (a socket is not the point here), answering
/// 404 for `failing_page`, and a client over it.
fn serve(failing_page: Option<usize>) -> (MockTransport, Client) {
    let mock = MockTransport::new();
    for number in 1..=3 {
        let rule = Rule::new("listGroupUsers").when(move |request| page_num(request) == Some(number));
        mock.add(if Some(number) == failing_page {
            rule.api_error(404, "RESOURCE_NOT_FOUND", "gone")
        } else {
            rule.ok(&page(number))
        });
    }
    let client = mock.client();
    (mock, client)
}

#[tokio::test]
async fn the_stream_yields_every_user_once_in_three_requests() {
    let (mock, client) = serve(None);
    let group: GroupId = GROUP.parse().unwrap();

    let users: Vec<GroupUserResponse> = client.list_group_users_stream(&group, &Default::default()).try_collect().await.unwrap();

    let ids: Vec<String> = users.iter().map(|user| user.id().to_string()).collect();
    let expected: Vec<String> = (0..USERS).map(|n| format!("{n:024x}")).collect();
    assert_eq!(ids, expected, "every user once, in order: no page repeated or lost");
    assert!(matches!(users[0], GroupUserResponse::Pending(_)) && matches!(users[1], GroupUserResponse::Active(_)));
    let seen = mock.requests();
    assert_eq!(seen.len(), 3, "250 users at 100 a page are three requests: {seen:?}");
    let pages: Vec<Option<String>> = seen.iter().map(|request| request.query("pageNum")).collect();
    assert_eq!(pages, [Some("1".into()), Some("2".into()), Some("3".into())]);
    for request in &seen {
        assert_eq!(request.query("includeCount").as_deref(), Some("false"), "counts are not asked for: {request:?}");
        assert_eq!(request.query("itemsPerPage").as_deref(), Some("100"));
    }
}

#[tokio::test]
async fn counts_are_asked_for_when_the_query_says_so_and_paging_starts_where_it_says() {
    let (mock, client) = serve(None);
    let group: GroupId = GROUP.parse().unwrap();
    let query = list_group_users::Query { include_count: Some(true), page_num: Some(2), ..Default::default() };

    let users: Vec<GroupUserResponse> = client.list_group_users_stream(&group, &query).try_collect().await.unwrap();

    assert_eq!(users.len(), USERS - 100, "pages 2 and 3");
    let seen = mock.requests();
    let pages: Vec<Option<String>> = seen.iter().map(|request| request.query("pageNum")).collect();
    assert_eq!(pages, [Some("2".into()), Some("3".into())]);
    assert!(seen.iter().all(|request| request.query("includeCount").as_deref() == Some("true")));
}

#[tokio::test]
async fn an_error_on_page_two_ends_the_stream() {
    let (mock, client) = serve(Some(2));
    let group: GroupId = GROUP.parse().unwrap();

    let items: Vec<Result<GroupUserResponse, Error>> =
        client.list_group_users_stream(&group, &Default::default()).collect().await;

    assert_eq!(items.len(), 101, "the first page, then the error, then nothing");
    assert!(items[..100].iter().all(Result::is_ok));
    let error = items[100].as_ref().unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND), "{error}");
    assert_eq!(mock.requests().len(), 2, "no page is asked for after the error");
}

/// A server may cap a page below the size asked for: its `next` link, not the page's
/// length, says whether another follows (before, the short page ended the stream silently).
#[tokio::test]
async fn a_short_page_with_a_next_link_is_not_the_last() {
    let mock = MockTransport::new()
        .with(
            Rule::new("listGroupUsers")
                .when(|request| page_num(request) == Some(1))
                .ok(&json!({"links": [{"href": "http://x/next", "rel": "next"}], "results": [user(0), user(1)]})),
        )
        .with(Rule::new("listGroupUsers").ok(&json!({"links": [], "results": [user(2)]})));
    let group: GroupId = GROUP.parse().unwrap();
    let query = list_group_users::Query { items_per_page: Some(5), ..Default::default() };

    let users: Vec<GroupUserResponse> = mock.client().list_group_users_stream(&group, &query).try_collect().await.unwrap();

    assert_eq!(users.len(), 3);
    assert_eq!(mock.requests().len(), 2);
}
