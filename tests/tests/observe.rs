//! What a call shows of itself: the response hook (`ClientBuilder::on_response`) and the
//! call's `tracing` span, over the mock transport on paused time. Alone in its binary, so the
//! log capture races with no other test.

use std::sync::{Arc, Mutex};

use atlas_admin::test_util::{MockTransport, Rule};
use tests::capture::Capture;
use tests::sample::{USER, active_user, group, user_id};

/// Before: a successful call returned only its model, and `RateLimit::from_headers` was
/// private.
#[tokio::test(start_paused = true)]
async fn every_call_shows_its_response_and_its_span_says_how_it_went() {
    let capture = Capture::start();
    let mock = MockTransport::new()
        .with(
            Rule::new("getGroupUser")
                .api_error(429, "RATE_LIMITED", "Slow down.")
                .header("Retry-After", "1")
                .ok(&active_user(USER))
                .header("RateLimit-Limit", "100")
                .header("RateLimit-Remaining", "42"),
        )
        .with(Rule::new("listGroupUsers").api_error(404, "NOT_FOUND", "No such project."));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = mock
        .builder()
        .on_response({
            let seen = seen.clone();
            move |response| {
                seen.lock().unwrap().push((
                    response.operation_id,
                    response.status.as_u16(),
                    response.rate_limit.limit,
                    response.rate_limit.remaining,
                    response.attempts,
                    response.headers.contains_key("content-type"),
                ));
            }
        })
        .build()
        .unwrap();
    client.get_group_user(&group(), &user_id(), &Default::default()).await.unwrap();
    let query =
        atlas_admin::operations::list_group_users::Query { username: Some("jane@example.com".into()), ..Default::default() };
    client.list_group_users(&group(), &query).await.unwrap_err();

    assert_eq!(
        *seen.lock().unwrap(),
        [("getGroupUser", 200, Some(100), Some(42), 2, true), ("listGroupUsers", 404, None, None, 1, true)]
    );
    let logs = capture.text();
    let finished: Vec<&str> = logs.lines().filter(|line| line.contains("atlas call finished")).collect();
    assert_eq!(finished.len(), 2, "{logs}");
    assert!(finished[0].contains(r#"operation="getGroupUser""#) && finished[0].contains("status=200"), "{}", finished[0]);
    assert!(finished[0].contains("attempts=2") && finished[0].contains("duration_ms=1000"), "{}", finished[0]);
    assert!(finished[1].contains(r#"operation="listGroupUsers""#) && finished[1].contains("status=404"), "{}", finished[1]);
    for personal in ["jane", "example.com", "username=", "mock-token"] {
        assert!(!logs.contains(personal), "{personal:?} in:\n{logs}");
    }
}
