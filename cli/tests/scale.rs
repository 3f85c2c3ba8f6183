//! Measures, not checks: the peak memory (max RSS, by GNU time) of `migrate org --dry-run`
//! over 500 and 5,000 seeded organization invitations, and over each with `--json`; and over 10
//! invitations in organizations of 500 and 5,000 members. Ignored by default; run it with
//! `cargo test -p atlas-members --test scale -- --ignored --nocapture`.
#![cfg(unix)]

mod common;

use std::process::Stdio;

use common::atlas_members;
use tests::fake_atlas::{FakeAtlas, GROUP, ORG};

/// The exit status and peak resident set in KiB of `command`, run under GNU time: the child
/// is exec'd by that small process, so its peak is not the forked image of this big one.
fn run_measured(command: &std::process::Command) -> (i32, u64) {
    let mut timed = std::process::Command::new("/usr/bin/time");
    timed.args(["-f", "%M"]).arg(command.get_program()).args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(name, value),
            None => timed.env_remove(name),
        };
    }
    let output = timed.stdout(Stdio::null()).stderr(Stdio::piped()).output().expect("/usr/bin/time (GNU time) runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let max_rss = stderr.lines().last().and_then(|line| line.trim().parse().ok()).unwrap_or_else(|| panic!("{stderr}"));
    (output.status.code().unwrap_or(-1), max_rss)
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
            let (status, max_rss) = tokio::task::spawn_blocking(move || run_measured(&command)).await.unwrap();
            assert_eq!(status, 0);
            println!("{count} invitations, dry run{}: max RSS {max_rss} KiB", if json { " --json" } else { "" });
        }
    }
}

#[tokio::test]
#[ignore = "a measurement: prints the peak memory of dry runs over 10 invitations among 500 and 5,000 members"]
async fn peak_memory_of_a_dry_run_over_10_invitations_among_500_and_5000_members() {
    for count in [500, 5_000] {
        let fake = FakeAtlas::start().await;
        for n in 0..count {
            fake.add_member(&format!("member{n:05}@example.com"), &["ORG_MEMBER"], &[(GROUP, &["GROUP_READ_ONLY"])], &[]);
        }
        for n in 0..10 {
            fake.invite_to_org(&format!("member{n:05}@example.com"), &["ORG_MEMBER"], &[(GROUP, "GROUP_OWNER")], &[]);
        }
        let home = tempfile::tempdir().unwrap();
        let mut command = atlas_members(home.path());
        command
            .args(["migrate", "org", "--org", ORG, "--dry-run"])
            .env("MONGODB_ATLAS_ACCESS_TOKEN", "test-token")
            .env("MONGODB_ATLAS_BASE_URL", fake.uri());
        let (status, max_rss) = tokio::task::spawn_blocking(move || run_measured(&command)).await.unwrap();
        assert_eq!(status, 0);
        println!("10 invitations among {count} members, dry run: max RSS {max_rss} KiB");
    }
}
