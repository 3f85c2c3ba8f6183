//! On a terminal (a pseudo-terminal the test opens, as stdin and stderr of the built binary):
//! `migrate` draws a progress bar (with the waits for Atlas's invitation limit), and `apply --prune` asks before taking anything away and
//! does only what the answer says.
#![cfg(unix)]

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Output, Stdio};

use common::atlas_members;
use tests::fake_atlas::{FakeAtlas, GROUP};

/// A pseudo-terminal of 24 rows and 100 columns: (controller, terminal).
fn pty() -> (File, OwnedFd) {
    let (mut controller, mut terminal) = (0, 0);
    let size = libc::winsize { ws_row: 24, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: openpty writes two new file descriptors into the two integers, which are then
    // owned here; the name pointer may be null and the termios pointer is null (defaults).
    let status = unsafe { libc::openpty(&mut controller, &mut terminal, std::ptr::null_mut(), std::ptr::null(), &size) };
    assert_eq!(status, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened by openpty and nothing else owns them.
    unsafe { (File::from_raw_fd(controller), OwnedFd::from_raw_fd(terminal)) }
}

/// Runs the tool with stdin and stderr on a terminal, `typed` already typed at it; its output
/// (stdout piped) and everything it wrote to the terminal.
async fn on_terminal(fake: &FakeAtlas, args: &[&str], typed: &str) -> (Output, String) {
    let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
    let (base_url, typed) = (fake.uri(), typed.to_owned());
    tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        let (mut controller, terminal) = pty();
        controller.write_all(typed.as_bytes()).unwrap();
        let mut command = atlas_members(home.path());
        command
            .args(&args)
            .env("MONGODB_ATLAS_ACCESS_TOKEN", "t")
            .env("MONGODB_ATLAS_BASE_URL", base_url)
            .env("INVITES_WRITES_PER_MINUTE", "0")
            .stdin(Stdio::from(terminal.try_clone().unwrap()))
            .stderr(Stdio::from(terminal));
        let child = command.stdout(Stdio::piped()).spawn().expect("atlas-members starts");
        // The command holds the last copies of the terminal's descriptor: once the child
        // exits, reading the controller ends (EIO on Linux).
        drop(command);
        let reader = std::thread::spawn(move || {
            let mut shown = Vec::new();
            let mut buffer = [0u8; 4096];
            while let Ok(read) = controller.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                shown.extend_from_slice(&buffer[..read]);
            }
            String::from_utf8_lossy(&shown).into_owned()
        });
        let output = child.wait_with_output().unwrap();
        (output, reader.join().unwrap())
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn migrate_draws_a_progress_bar_on_a_terminal() {
    let fake = FakeAtlas::start().await;
    for n in 0..3 {
        fake.invite_to_project(GROUP, &format!("dev{n}@example.com"), &["GROUP_READ_ONLY"]);
    }
    let (output, shown) = on_terminal(&fake, &["migrate", "project", "--group", GROUP], "").await;
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(shown.contains("/3") && shown.contains("dev"), "the bar counts the invitations: {shown:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("3 of 3 invitations migrated"));
}

/// A wait for Atlas's invitation limit is the bar's message, not a line of its own or a failure.
#[tokio::test]
async fn the_bar_shows_a_wait_for_the_invitation_limit() {
    let fake = FakeAtlas::start().await;
    for n in 0..3 {
        fake.invite_to_project(GROUP, &format!("dev{n}@example.com"), &["GROUP_READ_ONLY"]);
    }
    fake.limit_invitations(2, std::time::Duration::from_secs(1));
    let (output, shown) = on_terminal(&fake, &["migrate", "project", "--group", GROUP], "").await;
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(shown.contains("2/3") && shown.contains("waiting 1 s: Atlas's invitation limit"), "{shown:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("3 of 3 invitations migrated"));
}

const MEMBERS: &str = "projects:\n  - group: 32b6e34b3d91647abb20e7b8\n    members:\n      - username: ana@example.com\n        roles: [GROUP_OWNER]\n";

#[tokio::test]
async fn apply_prune_asks_on_a_terminal_and_does_what_the_answer_says() {
    let fake = FakeAtlas::start().await;
    fake.add_member("ana@example.com", &["ORG_MEMBER"], &[(GROUP, &["GROUP_OWNER", "GROUP_READ_ONLY"])], &[]);
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(MEMBERS.as_bytes()).unwrap();
    let args = ["apply", "--file", file.path().to_str().unwrap(), "--prune"];

    let (declined, shown) = on_terminal(&fake, &args, "n\n").await;
    assert!(shown.contains("take roles or teams away from 1 member(s)"), "it asks: {shown:?}");
    assert_eq!(declined.status.code(), Some(1), "{shown}");
    assert!(fake.writes().is_empty(), "a declined removal writes nothing");

    let (confirmed, shown) = on_terminal(&fake, &args, "y\n").await;
    assert_eq!(confirmed.status.code(), Some(0), "{shown}");
    assert_eq!(fake.member("ana@example.com").unwrap().project_roles[GROUP], ["GROUP_OWNER"]);
}
