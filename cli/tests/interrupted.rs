//! `migrate` and `apply` when things go wrong at scale, the built binary against the stateful
//! fake on 127.0.0.1: Atlas's invitation limit waited out (never a refusal), Ctrl-C (SIGINT)
//! stopping after the invitation (or member) in flight with the report so far, a killed process
//! (SIGKILL) between a user's creation and its invitation's deletion; after each, the rerun
//! finishes the job and no invitation is lost. A held write (`FakeAtlas::hold_write`) says when
//! to signal: no sleep.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use common::atlas_members;
use serde_json::Value;
use tests::fake_atlas::{FakeAtlas, GROUP};

fn command(fake: &FakeAtlas, home: &std::path::Path, args: &[&str]) -> Command {
    let mut command = atlas_members(home);
    command
        .args(args)
        .env("MONGODB_ATLAS_ACCESS_TOKEN", "test-token")
        .env("MONGODB_ATLAS_BASE_URL", fake.uri())
        .env("INVITES_WRITES_PER_MINUTE", "0");
    command
}

/// Runs the tool to its end, off the test's runtime (the fake answers on its own thread).
async fn run(fake: &FakeAtlas, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut command = command(fake, home.path(), args);
    let output = tokio::task::spawn_blocking(move || command.output().expect("atlas-members runs")).await.unwrap();
    println!(
        "$ atlas-members {}\n{}{}(exit {:?})\n",
        args.join(" "),
        text(&output.stdout),
        text(&output.stderr),
        output.status.code()
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn seed(fake: &FakeAtlas, count: usize) {
    for n in 0..count {
        fake.invite_to_project(GROUP, &format!("dev{n:02}@example.com"), &["GROUP_READ_ONLY"]);
    }
}

fn signal(child: &Child, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with the pid of a child this test spawned and has not yet waited for.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
}

/// Every seeded invitee is either still invited or a member, never neither; returns how
/// many are members.
fn nothing_lost(fake: &FakeAtlas, count: usize) -> usize {
    let invited: Vec<String> =
        fake.group_invites(GROUP).iter().map(|invite| invite["username"].as_str().unwrap().to_owned()).collect();
    let mut members = 0;
    for n in 0..count {
        let username = format!("dev{n:02}@example.com");
        let member = fake.member(&username).is_some();
        assert!(member || invited.contains(&username), "{username} was lost: neither invited nor a member");
        members += usize::from(member);
    }
    members
}

/// Runs the tool with `args` until the held write arrives, sends Ctrl-C, waits for the tool to
/// say `notice` (so it is heard while the write is held), then lets the write finish; returns
/// the whole output.
async fn ctrl_c_while_held(
    fake: &FakeAtlas,
    args: &[&str],
    (held, release): (std::sync::mpsc::Receiver<()>, std::sync::mpsc::Sender<()>),
    notice: &'static str,
) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut child = command(fake, home.path(), args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let output = tokio::task::spawn_blocking(move || {
        held.recv().expect("the held write arrives");
        signal(&child, libc::SIGINT);
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut seen = String::new();
        while !seen.contains(notice) {
            assert_ne!(stderr.read_line(&mut seen).unwrap(), 0, "stderr ended before the interruption was noticed: {seen}");
        }
        release.send(()).unwrap();
        let mut output = child.wait_with_output().unwrap();
        std::io::Read::read_to_end(&mut stderr, &mut output.stderr).unwrap();
        output.stderr = [seen.into_bytes(), output.stderr].concat();
        output
    })
    .await
    .unwrap();
    println!("{}{}(exit {:?})", text(&output.stdout), text(&output.stderr), output.status.code());
    output
}

/// The rerun after an interruption moves the rest and leaves nothing behind.
async fn rerun_finishes(fake: &FakeAtlas, count: usize) {
    let rerun = run(fake, &["migrate", "project", "--group", GROUP]).await;
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun.stderr));
    assert!(fake.group_invites(GROUP).is_empty());
    assert_eq!(nothing_lost(fake, count), count);
    let refused = fake.writes().iter().filter(|write| write.status >= 300).count();
    assert_eq!(refused, 0, "no write was repeated or refused: {:?}", fake.writes());
}

#[tokio::test]
async fn the_invitation_limit_is_waited_out_shown_and_never_a_refusal() {
    let fake = FakeAtlas::start().await;
    seed(&fake, 5);
    fake.limit_invitations(2, Duration::from_secs(1));
    let report = tempfile::NamedTempFile::new().unwrap();
    let output = run(&fake, &["migrate", "project", "--group", GROUP, "--report", report.path().to_str().unwrap()]).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(fake.invitations_throttled() >= 1, "the limit was reached");
    assert!(text(&output.stderr).contains("waiting 1 s: Atlas's invitation limit"), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("5 of 5 invitations migrated"));
    let report: Value = serde_json::from_slice(&std::fs::read(report.path()).unwrap()).unwrap();
    assert_eq!(
        (report["migrated"].as_u64(), report["failed"].as_u64(), report["interrupted"].as_bool()),
        (Some(5), Some(0), Some(false))
    );
    assert!(report["entries"].as_array().unwrap().iter().all(|entry| entry["outcome"] == "migrated"), "{report}");
    assert!(fake.group_invites(GROUP).is_empty());
}

/// Ctrl-C while the third invitation's user is being created: that invitation finishes (its
/// invitation is deleted), no fourth starts, the report so far is printed and written, and the
/// exit status is 130; the rerun moves the other five.
#[tokio::test]
async fn ctrl_c_stops_after_the_invitation_in_flight_and_the_rerun_finishes() {
    let fake = FakeAtlas::start().await;
    seed(&fake, 8);
    // Writes: create, delete per invitation; the fifth is the third invitation's creation.
    let held = fake.hold_write(5);
    let report = tempfile::NamedTempFile::new().unwrap();
    let args = ["migrate", "project", "--group", GROUP, "--json", "--report", report.path().to_str().unwrap()];
    let output = ctrl_c_while_held(&fake, &args, held, "interrupted: finishing the invitations in flight").await;
    assert_eq!(output.status.code(), Some(130));
    assert!(text(&output.stderr).contains("interrupted after 3 of 8 invitations"), "{}", text(&output.stderr));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let written: Value = serde_json::from_slice(&std::fs::read(report.path()).unwrap()).unwrap();
    assert_eq!(printed, written, "the report file says what was printed");
    assert_eq!(
        (written["interrupted"].as_bool(), written["migrated"].as_u64(), written["notStarted"].as_u64()),
        (Some(true), Some(3), Some(5))
    );
    let outcomes: Vec<&str> =
        written["entries"].as_array().unwrap().iter().map(|entry| entry["outcome"].as_str().unwrap()).collect();
    assert_eq!(
        outcomes,
        ["migrated", "migrated", "migrated", "notStarted", "notStarted", "notStarted", "notStarted", "notStarted"]
    );
    assert_eq!(fake.writes().len(), 6, "the third invitation finished, no fourth started");
    assert_eq!((nothing_lost(&fake, 8), fake.group_invites(GROUP).len()), (3, 5));

    rerun_finishes(&fake, 8).await;
}

/// A process killed after Atlas created the second user but before it deleted that user's
/// invitation: the user exists and the invitation is still there; the rerun only deletes it.
#[tokio::test]
async fn a_killed_run_loses_nothing_and_the_rerun_finishes() {
    let fake = FakeAtlas::start().await;
    seed(&fake, 4);
    let (held, release) = fake.hold_write(3);
    let home = tempfile::tempdir().unwrap();
    let mut child = command(&fake, home.path(), &["migrate", "project", "--group", GROUP]).stdout(Stdio::null()).spawn().unwrap();
    let status = tokio::task::spawn_blocking(move || {
        held.recv().expect("the third write arrives");
        child.kill().unwrap();
        let status = child.wait().unwrap();
        drop(release);
        status
    })
    .await
    .unwrap();
    assert_eq!(status.code(), None, "killed by a signal");
    assert!(fake.member("dev01@example.com").is_some(), "the held write was applied");
    assert_eq!(fake.group_invites(GROUP).len(), 3, "and its invitation is still there");
    assert_eq!(nothing_lost(&fake, 4), 2);

    let before = fake.writes().len();
    rerun_finishes(&fake, 4).await;
    let again: Vec<String> = fake.writes()[before..].iter().map(|write| format!("{} {}", write.method, write.path)).collect();
    assert_eq!(again.len(), 1 + 2 * 2, "one deletion for dev01, then two invitations moved: {again:?}");
    assert!(again[0].starts_with("DELETE "), "{again:?}");
}

/// A second Ctrl-C quits at once, even with a write in flight: here Atlas has created the
/// user but the tool never hears it, so the invitation stays beside its user, and the rerun
/// only deletes it.
#[tokio::test]
async fn a_second_ctrl_c_quits_at_once_and_loses_nothing() {
    let fake = FakeAtlas::start().await;
    seed(&fake, 3);
    let (held, release) = fake.hold_write(3);
    let home = tempfile::tempdir().unwrap();
    let mut child = command(&fake, home.path(), &["migrate", "project", "--group", GROUP])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = tokio::task::spawn_blocking(move || {
        held.recv().expect("the third write arrives");
        signal(&child, libc::SIGINT);
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut seen = String::new();
        while !seen.contains("Ctrl-C again to quit now") {
            assert_ne!(stderr.read_line(&mut seen).unwrap(), 0, "stderr ended early: {seen}");
        }
        signal(&child, libc::SIGINT);
        let status = child.wait().unwrap();
        drop(release);
        status
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(fake.member("dev01@example.com").is_some() && fake.group_invites(GROUP).len() == 2);
    assert_eq!(nothing_lost(&fake, 3), 2);
    rerun_finishes(&fake, 3).await;
}

/// Throttling longer than the tool waits (here Atlas asks for an hour) is not a refusal: the
/// invitation stays, the report says to rerun, and the exit status is 1.
#[tokio::test]
async fn throttling_past_the_longest_wait_leaves_the_invitation_for_a_rerun() {
    let fake = FakeAtlas::start().await;
    seed(&fake, 2);
    fake.limit_invitations(1, Duration::from_secs(3600));
    let output = run(&fake, &["migrate", "project", "--group", GROUP]).await;
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("1 of 2 invitations migrated"), "{stdout}");
    assert!(stdout.contains("NOT YET creating the user: still throttled or unreachable"), "{stdout}");
    assert!(!stdout.contains("FAILED"), "{stdout}");
    assert_eq!(fake.group_invites(GROUP).len(), 1);
    assert_eq!(nothing_lost(&fake, 2), 1);
}

/// `apply`: Ctrl-C while the second member's creation is held: that member is added, no third
/// starts, the report so far is printed and written, and the exit status is 130; the rerun adds
/// the other two and writes nothing else.
#[tokio::test]
async fn ctrl_c_stops_an_apply_after_the_member_in_flight_and_the_rerun_finishes() {
    let fake = FakeAtlas::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("members.yaml");
    let members: String =
        (0..4).map(|n| format!("      - username: dev{n:02}@example.com\n        roles: [GROUP_READ_ONLY]\n")).collect();
    std::fs::write(&file, format!("projects:\n  - group: {GROUP}\n    members:\n{members}")).unwrap();
    let file = file.to_str().unwrap();
    let report = dir.path().join("report.json");
    let held = fake.hold_write(2);
    let args = ["apply", "--file", file, "--json", "--report", report.to_str().unwrap()];
    let output = ctrl_c_while_held(&fake, &args, held, "interrupted: finishing the member or team in flight").await;
    assert_eq!(output.status.code(), Some(130));
    assert!(text(&output.stderr).contains("interrupted after 2 of 4 members and teams"), "{}", text(&output.stderr));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let written: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(printed, written, "the report file says what was printed");
    assert_eq!(
        (written["interrupted"].as_bool(), written["results"].as_array().map(Vec::len), written["notStarted"].as_u64()),
        (Some(true), Some(2), Some(2))
    );
    assert_eq!(fake.writes().len(), 2, "the second member finished, no third started");
    let members = |names: &[&str]| names.iter().filter(|name| fake.member(&format!("{name}@example.com")).is_some()).count();
    assert_eq!((members(&["dev00", "dev01"]), members(&["dev02", "dev03"])), (2, 0));

    let rerun = run(&fake, &["apply", "--file", file]).await;
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun.stderr));
    assert_eq!(fake.writes().len(), 4, "only the two not started: {:?}", fake.writes());
    assert_eq!(members(&["dev00", "dev01", "dev02", "dev03"]), 4);
}
