//! The `atlas-admin` client against a loopback server (`tests::loopback`): per-call overhead
//! against a bare reqwest call, and the process's peak memory when a call meets a 512 MiB
//! body and with 1,000 calls in flight.
//!
//! ```text
//! cargo bench -p tests --bench client                 # every scenario, each in its own process
//! cargo bench -p tests --bench client -- overhead     # one scenario in this process
//! ```
//!
//! Scenarios: `overhead`, `big-body-announced`, `big-body-unannounced`, `big-body-unbounded`,
//! `in-flight`. Peak memory is the process's `VmHWM` (Linux), server included: the
//! loopback server writes large bodies from one 64 KiB buffer, so what it holds is small.
#![allow(deprecated)] // The invitation operations are deprecated upstream; calling them is the point.

use std::process::Command;
use std::time::{Duration, Instant};

use atlas_admin::models::GroupInvitation;
use atlas_admin::transport::Interceptor;
use atlas_admin::{Client, Error, GroupId, InvitationId};
use tests::loopback::{Counter, Gate, Reply, Server};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const INVITATION: &str = "5f4a1c2b3d4e5f6a7b8c9d0e";
const BY_ID: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites/5f4a1c2b3d4e5f6a7b8c9d0e";
const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
const SCENARIOS: [&str; 5] = ["overhead", "big-body-announced", "big-body-unannounced", "big-body-unbounded", "in-flight"];
/// Calls of each kind timed by `overhead`, after as many to warm up.
const CALLS: usize = 5_000;
const BIG_BODY: u64 = 512 << 20;
const IN_FLIGHT: usize = 1_000;

fn main() {
    // `cargo bench` passes `--bench`; everything else names a scenario.
    let scenarios: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    if scenarios.is_empty() {
        let me = std::env::current_exe().expect("the benchmark's own path");
        for scenario in SCENARIOS {
            let status = Command::new(&me).arg(scenario).status().expect("run a scenario");
            assert!(status.success(), "{scenario} failed");
        }
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    for scenario in scenarios {
        runtime.block_on(run(&scenario));
    }
}

async fn run(scenario: &str) {
    match scenario {
        "overhead" => overhead().await,
        "big-body-announced" => big_body(true, None).await,
        "big-body-unannounced" => big_body(false, None).await,
        "big-body-unbounded" => big_body(true, Some(u64::MAX)).await,
        "in-flight" => in_flight().await,
        other => panic!("unknown scenario {other:?}; one of {SCENARIOS:?}"),
    }
}

fn ids() -> (GroupId, InvitationId) {
    (GROUP.parse().unwrap(), INVITATION.parse().unwrap())
}

fn invitation_json() -> String {
    format!(
        r#"{{"id":"{INVITATION}","groupId":"{GROUP}","groupName":"Project-0","username":"jane@example.com","inviterUsername":"admin@example.com","roles":["GROUP_READ_ONLY","GROUP_DATA_ACCESS_READ_WRITE"],"createdAt":"2025-03-12T09:30:00Z","expiresAt":"2025-04-11T09:30:00Z","links":[{{"href":"https://cloud.mongodb.com/api/atlas","rel":"self"}}]}}"#
    )
}

/// An interceptor that does nothing: the budget includes the cost of having one.
struct Noop;

impl Interceptor for Noop {}

/// `get_group_invite` through the client (with an interceptor that does nothing) against the
/// same GET with a bare reqwest client (same headers, body read and decoded into the same
/// model), alternating one of each.
async fn overhead() {
    let server = Server::start(|_, _| Reply::with_type(200, MEDIA_TYPE, invitation_json())).await;
    let url = format!("{}{BY_ID}", server.uri());
    let client = Client::builder().base_url(server.uri()).bearer_token("bench-token").interceptor(Noop).build().unwrap();
    let bare = reqwest::Client::builder().use_rustls_tls().build().unwrap();
    let (group, invitation) = ids();

    let bare_call = || async {
        let response = bare
            .get(&url)
            .header("Accept", MEDIA_TYPE)
            .header("Authorization", "Bearer bench-token")
            .header("User-Agent", "bench")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body = response.bytes().await.unwrap();
        serde_json::from_slice::<GroupInvitation>(&body).unwrap()
    };
    let client_call = || async { client.get_group_invite(&group, &invitation).await.unwrap() };

    let (mut bare_times, mut client_times) = (Vec::with_capacity(CALLS), Vec::with_capacity(CALLS));
    for round in 0..2 * CALLS {
        let measure = round >= CALLS;
        // Alternate which goes first, so neither always meets a warmer connection.
        for first in [round % 2 == 0, round % 2 == 1] {
            let start = Instant::now();
            if first {
                std::hint::black_box(bare_call().await);
            } else {
                std::hint::black_box(client_call().await);
            }
            let took = start.elapsed();
            if measure {
                if first { bare_times.push(took) } else { client_times.push(took) }
            }
        }
    }
    let (bare_median, client_median) = (median(&mut bare_times), median(&mut client_times));
    let ratio = client_median.as_secs_f64() / bare_median.as_secs_f64();
    println!(
        "overhead: get_group_invite median {:.1} µs, bare reqwest + serde_json median {:.1} µs, ratio {ratio:.3} ({CALLS} calls each); p90 {:.1} µs vs {:.1} µs",
        micros(client_median),
        micros(bare_median),
        micros(percentile(&client_times, 90)),
        micros(percentile(&bare_times, 90)),
    );
    println!("overhead: peak memory {}", peak_memory());
}

/// One call that meets a 512 MiB body, with the default limit (or `limit`).
async fn big_body(announce: bool, limit: Option<u64>) {
    let server = Server::start(move |_, _| Reply::Large { length: BIG_BODY, announce }).await;
    let mut builder = Client::builder().base_url(server.uri()).bearer_token("bench-token").timeout(Duration::from_secs(300));
    if let Some(limit) = limit {
        builder = builder.max_response_bytes(limit);
    }
    let client = builder.build().unwrap();
    let (group, invitation) = ids();
    let start = Instant::now();
    let error = client.get_group_invite(&group, &invitation).await.expect_err("512 MiB of spaces is no invitation");
    let took = start.elapsed();
    let kind = match &error {
        Error::ResponseTooLarge { .. } => "ResponseTooLarge",
        Error::Decode { .. } => "Decode (whole body read)",
        _ => "other",
    };
    let name = match (announce, limit) {
        (_, Some(_)) => "big-body-unbounded (limit lifted, Content-Length)",
        (true, None) => "big-body-announced (default limit, Content-Length)",
        (false, None) => "big-body-unannounced (default limit, no Content-Length)",
    };
    println!("{name}: {kind} after {:.2} s; peak memory {}", took.as_secs_f64(), peak_memory());
}

/// 1,000 calls at once through clones of one client; the server holds every answer until
/// all 1,000 requests have arrived, so they really are in flight together.
async fn in_flight() {
    let gate = Gate::default();
    let arrived = Counter::default();
    let server = Server::start({
        let gate = gate.clone();
        move |_, _| {
            if arrived.bump() + 1 == IN_FLIGHT {
                gate.open();
            }
            Reply::with_type(200, MEDIA_TYPE, invitation_json()).gated(&gate)
        }
    })
    .await;
    let client = Client::builder().base_url(server.uri()).bearer_token("bench-token").build().unwrap();
    let before = peak_memory();
    let start = Instant::now();
    let calls: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let (group, invitation) = ids();
                client.get_group_invite(&group, &invitation).await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("every call succeeds");
    }
    println!(
        "in-flight: {IN_FLIGHT} concurrent get_group_invite in {:.2} s; peak memory {} (before the calls: {before})",
        start.elapsed().as_secs_f64(),
        peak_memory()
    );
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// The `p`th percentile of sorted `samples`.
fn percentile(samples: &[Duration], p: usize) -> Duration {
    samples[(samples.len() * p / 100).min(samples.len() - 1)]
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// The process's peak resident memory, from `/proc/self/status` (Linux).
fn peak_memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kib| format!("{:.1} MiB", kib / 1024.0))
        .unwrap_or_else(|| "n/a".to_owned())
}
