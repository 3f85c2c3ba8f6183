//! Shared helpers for the integration tests: where the workspace, the fragment and the
//! upstream Atlas specs are, a scriptable loopback HTTP server (`loopback`), an HTTPS one whose
//! CA the test makes (`https`), a stateful fake of
//! the invitation and Cloud Users endpoints (`fake_atlas`), race-free `tracing` capture
//! (`capture`), the Prism contract oracle (`prism`), and the IDs the mock tests share (`sample`).

use std::path::{Path, PathBuf};

pub mod capture;
pub mod fake_atlas;
pub mod https;
pub mod loopback;
pub mod prism;
pub mod sample;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate lives inside the workspace").to_path_buf()
}

/// The fragment the committed `generated/` crate is generated from.
pub fn fragment_path() -> PathBuf {
    workspace_root().join("spec/2025-03-12/invites.yaml")
}

/// The directory holding the two full upstream specs, vendored in the repository
/// (provenance and SHA-256 sums in `spec/README.md`).
pub fn upstream_dir() -> PathBuf {
    workspace_root().join("spec/upstream")
}
