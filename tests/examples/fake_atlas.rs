//! The stateful fake of Atlas (`tests::fake_atlas`) as a server of its own on 127.0.0.1, for
//! running the installed `atlas-members` against it by hand and measuring it at scale:
//!
//! ```text
//! cargo run -p tests --example fake_atlas -- --invitations 30 --limit 10/1
//! ```
//!
//! seeds that many organization invitations (each with a project role; with `--project`, to
//! the project instead), enforces Atlas's invitation limit (`PER/SECONDS`: at most PER user
//! creations a window, the excess answered 400 `INVITATIONS_RATE_LIMITED_IP` with
//! `Retry-After`), prints `MONGODB_ATLAS_BASE_URL=...` and serves until Ctrl-C or SIGTERM, then
//! prints what it holds: invitations left, members, writes by status, limit refusals.

use std::time::Duration;

use tests::fake_atlas::{FakeAtlas, GROUP, ORG};

struct Options {
    invitations: usize,
    project: bool,
    limit: Option<(usize, Duration)>,
}

fn options() -> Result<Options, String> {
    let mut options = Options { invitations: 30, project: false, limit: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--invitations" => options.invitations = value()?.parse().map_err(|err| format!("--invitations: {err}"))?,
            "--project" => options.project = true,
            "--limit" => {
                let value = value()?;
                let (per, seconds) = value.split_once('/').ok_or("--limit PER/SECONDS")?;
                let per = per.parse().map_err(|err| format!("--limit: {err}"))?;
                let seconds = seconds.parse().map_err(|err| format!("--limit: {err}"))?;
                options.limit = Some((per, Duration::from_secs(seconds)));
            }
            other => return Err(format!("unknown argument {other}; expected --invitations N, --project, --limit PER/SECONDS")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = options()?;
    let fake = FakeAtlas::start().await;
    for n in 0..options.invitations {
        let username = format!("user{n:05}@example.com");
        if options.project {
            fake.invite_to_project(GROUP, &username, &["GROUP_READ_ONLY"]);
        } else {
            fake.invite_to_org(&username, &["ORG_MEMBER"], &[(GROUP, "GROUP_READ_ONLY")], &[]);
        }
    }
    if let Some((per, window)) = options.limit {
        fake.limit_invitations(per, window);
    }
    println!("MONGODB_ATLAS_BASE_URL={} (org {ORG}, project {GROUP})", fake.uri());
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|err| err.to_string())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    let writes = fake.writes();
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for write in &writes {
        *by_status.entry(write.status).or_default() += 1;
    }
    let left = if options.project { fake.group_invites(GROUP).len() } else { fake.org_invites().len() };
    let members = (0..options.invitations).filter(|n| fake.member(&format!("user{n:05}@example.com")).is_some()).count();
    println!(
        "invitations left: {left}; invitees now members: {members} of {}; writes by status: {by_status:?}; refused by the limit: {}",
        options.invitations,
        fake.invitations_throttled()
    );
    Ok(())
}
