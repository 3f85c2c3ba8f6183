//! What every test of the built `atlas-members` binary shares.

use std::path::Path;
use std::process::{Command, Stdio};

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
