//! Shared helpers for the integration tests: where the workspace, the fragment and the
//! upstream Atlas specs are, and a scriptable loopback HTTP server (`loopback`).

use std::path::{Path, PathBuf};

pub mod loopback;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate lives inside the workspace").to_path_buf()
}

/// The fragment the committed `generated/` crate is generated from.
pub fn fragment_path() -> PathBuf {
    workspace_root().join("spec/2025-03-12/invites.yaml")
}

/// The directory holding the two full upstream specs: `$ATLAS_SPECS_DIR`, or
/// `../shared/atlas` beside the workspace. `None` when neither exists.
pub fn upstream_specs_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("ATLAS_SPECS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared/atlas"),
    };
    dir.is_dir().then_some(dir)
}
