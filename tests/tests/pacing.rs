//! Pacing in the runtime: a `Pacer` on a client paces its writes (a turn, a slot) and slows
//! as `RateLimit-Remaining` falls; and a project migration against a loopback fake that,
//! like Atlas, allows ten invitations a minute and answers the excess with 400
//! `INVITATIONS_RATE_LIMITED_IP`. Time is a `VirtualClock` shared with the fake, or tokio's
//! paused clock: nothing waits in real time.
#![allow(deprecated)] // The invitation operations are deprecated upstream; calling them is the point.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas_admin::http;
use atlas_admin::membership::{Migration, Outcome};
use atlas_admin::test_util::VirtualClock;
use atlas_admin::transport::{Body, Clock, Pacer, Pacing, SendFuture, Transport};
use atlas_admin::{Client, GroupId, InvitationId};
use serde_json::{Value, json};
use tests::loopback::{Reply, Server};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const INVITES: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites";
const USERS: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/users";
const USERS_MEDIA_TYPE: &str = "application/vnd.atlas.2025-02-19+json";
/// Atlas's invitation limit, as the fake enforces it: this many a minute.
const INVITATIONS_A_MINUTE: usize = 10;

fn group() -> GroupId {
    GROUP.parse().unwrap()
}

/// A project's invitations and pending users, with Atlas's invitation limit counted on
/// `clock`: a user creation when ten were made in the last minute is refused with 400
/// `INVITATIONS_RATE_LIMITED_IP` (and no `Retry-After`, as Atlas sends none).
#[derive(Default)]
struct Project {
    invites: Vec<Value>,
    users: Vec<String>,
    created_at: VecDeque<Instant>,
    throttled: usize,
}

async fn limited_fake(invitations: usize, clock: &VirtualClock) -> (Server, Arc<Mutex<Project>>) {
    let project = Arc::new(Mutex::new(Project::default()));
    {
        let mut project = project.lock().unwrap();
        for n in 0..invitations {
            project.invites.push(json!({
                "id": format!("{n:024x}"), "groupId": GROUP, "username": format!("user{n}@example.com"),
                "roles": ["GROUP_READ_ONLY"],
            }));
        }
    }
    let server = Server::start({
        let (project, clock) = (project.clone(), clock.clone());
        move |request, _| {
            let mut project = project.lock().unwrap();
            match (request.method.as_str(), request.path.as_str()) {
                ("GET", INVITES) => Reply::json(200, Value::from(project.invites.clone()).to_string()),
                // No members yet: the plan creates every user.
                ("GET", USERS) => Reply::with_type(200, USERS_MEDIA_TYPE, r#"{"results":[],"totalCount":0,"links":[]}"#),
                ("DELETE", path) if path.starts_with(INVITES) => {
                    let id = path.rsplit('/').next().unwrap();
                    project.invites.retain(|invite| invite["id"] != id);
                    Reply::json(204, "")
                }
                ("POST", USERS) => {
                    let now = clock.now();
                    while project.created_at.front().is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(60)) {
                        project.created_at.pop_front();
                    }
                    if project.created_at.len() >= INVITATIONS_A_MINUTE {
                        project.throttled += 1;
                        let body = json!({"error": 400, "errorCode": "INVITATIONS_RATE_LIMITED_IP", "reason": "Bad Request",
                            "detail": "Too many invitations from this IP address."});
                        return Reply::json(400, body.to_string());
                    }
                    project.created_at.push_back(now);
                    let body: Value = serde_json::from_slice(&request.body).unwrap();
                    let id = format!("{:024x}", 0xa000 + project.users.len());
                    project.users.push(body["username"].as_str().unwrap().to_owned());
                    let user = json!({
                        "id": id, "orgMembershipStatus": "PENDING", "username": body["username"], "roles": body["roles"],
                        "invitationCreatedAt": "2026-12-04T09:30:00Z", "invitationExpiresAt": "2027-01-03T09:30:00Z",
                        "inviterUsername": "admin@example.com",
                    });
                    Reply::with_type(201, USERS_MEDIA_TYPE, user.to_string())
                }
                _ => Reply::json(404, r#"{"error":404,"errorCode":"RESOURCE_NOT_FOUND"}"#),
            }
        }
    })
    .await;
    (server, project)
}

#[tokio::test]
async fn a_migration_at_one_write_a_second_waits_out_the_invitation_limit_and_moves_everyone() {
    let clock = VirtualClock::new();
    let (server, project) = limited_fake(25, &clock).await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("test-token")
        .clock(clock.clone())
        .max_retries(8)
        .max_retry_delay(Duration::from_secs(300))
        .build()
        .unwrap();
    let pacer = Pacer::with_clock(&Pacing::default(), clock.clone());

    let migration = Migration::plan_project(&client, &group()).await.unwrap();
    let report = migration.execute(&client, &pacer, |_| {}).await;

    assert!(report.all_migrated(), "{report:?}");
    assert!(report.entries.iter().all(|entry| matches!(entry.outcome, Outcome::Migrated { .. })));
    let project = project.lock().unwrap();
    assert!(project.invites.is_empty(), "every invitation deleted once its user exists");
    assert_eq!(project.users.len(), 25, "each user created once");
    assert!(project.throttled > 0, "ten a minute at one write a second: the eleventh is throttled");
    eprintln!(
        "25 invitations at the default pace: {} throttled answers waited out, {:?} of virtual time, {} requests",
        project.throttled,
        clock.elapsed(),
        server.requests()
    );
}

#[tokio::test]
async fn at_ten_writes_a_minute_nothing_is_throttled() {
    let clock = VirtualClock::new();
    let (server, project) = limited_fake(12, &clock).await;
    let client = Client::builder().base_url(server.uri()).bearer_token("test-token").clock(clock.clone()).build().unwrap();
    let pacer = Pacer::with_clock(&Pacing::default().with_writes_per_minute(10), clock.clone());

    let report = Migration::plan_project(&client, &group()).await.unwrap().execute(&client, &pacer, |_| {}).await;

    assert!(report.all_migrated(), "{report:?}");
    assert_eq!(project.lock().unwrap().throttled, 0);
    // 24 writes (a creation and a deletion per invitation), 6 s apart.
    assert_eq!(clock.slept(), Duration::from_secs(23 * 6));
}

/// Answers every request after a second on tokio's clock, and counts how many it holds at once.
#[derive(Clone, Default)]
struct Slow {
    in_flight: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    seen: Arc<AtomicUsize>,
    remaining: Arc<Mutex<Option<u64>>>,
}

impl Transport for Slow {
    fn send(&self, _: http::Request<Vec<u8>>) -> SendFuture {
        let this = self.clone();
        Box::pin(async move {
            let now = this.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            this.most.fetch_max(now, Ordering::SeqCst);
            this.seen.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(1)).await;
            this.in_flight.fetch_sub(1, Ordering::SeqCst);
            let mut response = http::Response::builder().status(204);
            if let Some(remaining) = *this.remaining.lock().unwrap() {
                response = response.header("RateLimit-Remaining", remaining);
            }
            Ok(response.body(Body::empty()).unwrap())
        })
    }
}

#[tokio::test(start_paused = true)]
async fn a_clients_pacer_bounds_its_concurrent_writes_and_leaves_reads_alone() {
    let transport = Slow::default();
    let pacer = Pacer::new(&Pacing::unlimited().with_concurrency(2));
    let client = Client::builder().transport(transport.clone()).bearer_token("t").pacer(pacer.clone()).build().unwrap();
    let (group, invitation): (GroupId, InvitationId) = (group(), "5f4a1c2b3d4e5f6a7b8c9d0e".parse().unwrap());

    let deletes = (0..8).map(|_| client.delete_group_invite(&group, &invitation));
    for result in futures::future::join_all(deletes).await {
        result.expect("deleted");
    }
    assert_eq!(transport.seen.load(Ordering::SeqCst), 8);
    assert_eq!(transport.most.load(Ordering::SeqCst), 2, "two writes at once, as the pacing says");
    assert_eq!(pacer.writes(), 8);

    let reads = (0..4).map(|_| client.send(http::Request::get("/api/atlas/v2/groups").body(Vec::new()).unwrap()));
    futures::future::join_all(reads).await;
    assert_eq!(transport.most.load(Ordering::SeqCst), 4, "reads are not paced");
    assert_eq!(pacer.writes(), 8);
}

#[tokio::test(start_paused = true)]
async fn a_clients_pacer_slows_as_rate_limit_remaining_falls() {
    let transport = Slow::default();
    *transport.remaining.lock().unwrap() = Some(2);
    let pacer = Pacer::new(&Pacing::default());
    let client = Client::builder().transport(transport.clone()).bearer_token("t").pacer(pacer).build().unwrap();
    let invitation: InvitationId = "5f4a1c2b3d4e5f6a7b8c9d0e".parse().unwrap();

    let start = tokio::time::Instant::now();
    client.delete_group_invite(&group(), &invitation).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(1), "the first write at once, answered in 1 s");
    client.delete_group_invite(&group(), &invitation).await.unwrap();
    // 2 left in the window: the next write starts a minute over 3 (20 s) after the last one's start.
    assert_eq!(start.elapsed(), Duration::from_secs(21));
}
