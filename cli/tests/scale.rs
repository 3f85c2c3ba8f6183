//! Measures, not checks: the peak memory (max RSS, from wait4(2)) of `migrate org --dry-run`
//! over 500 and 5,000 seeded organization invitations, and over each with `--json`. Ignored by
//! default; run it with `cargo test -p atlas-members --test scale -- --ignored --nocapture`.
#![cfg(unix)]

mod common;

use std::process::Stdio;

use common::atlas_members;
use tests::fake_atlas::{FakeAtlas, GROUP, ORG};

/// The child's exit status and peak resident set in KiB.
fn run_measured(mut command: std::process::Command) -> (i32, i64) {
    let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("atlas-members starts");
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of that plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child, which nothing else waits for, with valid out-pointers.
    assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

#[tokio::test]
#[ignore = "a measurement: prints the peak memory of dry runs over 500 and 5,000 invitations"]
async fn peak_memory_of_a_dry_run_over_500_and_5000_invitations() {
    for count in [500, 5_000] {
        let fake = FakeAtlas::start().await;
        for n in 0..count {
            fake.invite_to_org(&format!("user{n:05}@example.com"), &["ORG_MEMBER"], &[(GROUP, "GROUP_READ_ONLY")], &[]);
        }
        for json in [false, true] {
            let home = tempfile::tempdir().unwrap();
            let mut command = atlas_members(home.path());
            command
                .args(["migrate", "org", "--org", ORG, "--dry-run"])
                .args(json.then_some("--json"))
                .env("MONGODB_ATLAS_ACCESS_TOKEN", "test-token")
                .env("MONGODB_ATLAS_BASE_URL", fake.uri());
            let (status, max_rss) = tokio::task::spawn_blocking(move || run_measured(command)).await.unwrap();
            assert_eq!(status, 0);
            println!("{count} invitations, dry run{}: max RSS {max_rss} KiB", if json { " --json" } else { "" });
        }
    }
}
