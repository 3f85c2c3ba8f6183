//! What every test of the built `atlas-members` binary shares.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use tests::fake_atlas::FakeAtlas;

/// The built binary, with `home` as its home and configuration directory (so it never reads
/// the real Atlas CLI profile) and none of the settings of the environment the tests run in:
/// no credentials, no organization or project, no pacing; stdin is empty and not a terminal.
pub fn atlas_members(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_atlas-members"));
    for name in [
        "MONGODB_ATLAS_ACCESS_TOKEN",
        "MONGODB_ATLAS_CLIENT_ID",
        "MONGODB_ATLAS_CLIENT_SECRET",
        "MONGODB_ATLAS_PUBLIC_API_KEY",
        "MONGODB_ATLAS_PRIVATE_API_KEY",
        "MONGODB_ATLAS_BASE_URL",
        "MONGODB_ATLAS_ORG_ID",
        "MONGODB_ATLAS_PROJECT_ID",
        "MONGODB_ATLAS_PROFILE",
        "MONGODB_ATLAS_CA_CERT",
        "ATLAS_MEMBERS_CONFIG",
        "INVITES_WRITES_PER_MINUTE",
        "INVITES_CONCURRENCY",
        "APPDATA",
    ] {
        command.env_remove(name);
    }
    command.env("HOME", home).env("XDG_CONFIG_HOME", home).stdin(Stdio::null());
    command
}

/// Runs the built tool with `args` against `fake`, with an access token and `env`, its stdin,
/// stdout and stderr not terminals; prints the command line (the temporary folder as `$TMP`)
/// and what the tool wrote, which `--nocapture` shows.
#[allow(dead_code, reason = "not every test file runs the tool against the fake")]
pub async fn run_against(fake: &FakeAtlas, args: &[&str], env: &[(&'static str, &'static str)]) -> Output {
    let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
    let shown = args.join(" ").replace(&std::env::temp_dir().display().to_string(), "$TMP");
    let base_url = fake.uri();
    let env = env.to_vec();
    let output = tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        atlas_members(home.path())
            .args(&args)
            .env("MONGODB_ATLAS_ACCESS_TOKEN", "test-token")
            .env("MONGODB_ATLAS_BASE_URL", base_url)
            .envs(env)
            .output()
            .expect("atlas-members runs")
    })
    .await
    .unwrap();
    println!(
        "$ atlas-members {shown}\n{}{}(exit {:?})\n",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        output.status.code()
    );
    output
}
