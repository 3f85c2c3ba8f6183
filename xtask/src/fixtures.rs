//! `cargo xtask fixtures --out DIR`: generates every feature fixture under
//! `tests/fixtures/features/` into one cargo workspace in DIR, so one `cargo test` compiles
//! them all and runs each fixture's behaviour tests (`<name>.rs` beside `<name>.yaml`, copied
//! to the crate's `tests/behaviour.rs`). The snapshots in `tests/tests/features.rs` show
//! what they generate.

use std::fs;
use std::path::{Path, PathBuf};

use crate::codegen::{self, Options};

/// Generates each fixture as the crate `fixture-<name>` under `out`, with a workspace around them.
pub fn run(out: &Path) -> Result<(), String> {
    let root = codegen::workspace_root();
    let fixtures = fixture_specs(&root.join("tests/fixtures/features"))?;
    let mut members = Vec::new();
    for spec in &fixtures {
        let name = spec.file_stem().expect("a fixture has a name").to_string_lossy().replace('_', "-");
        let dir = out.join(&name);
        codegen::run(&Options { spec: Some(spec.clone()), out: Some(dir.clone()), ..Default::default() })
            .map_err(|message| format!("fixture {}:\n{message}", spec.display()))?;
        let manifest = dir.join("Cargo.toml");
        let text =
            fs::read_to_string(&manifest).map_err(|error| format!("error: cannot read {}: {error}", manifest.display()))?;
        let renamed = text.replacen("name = \"atlas-admin\"", &format!("name = \"fixture-{name}\""), 1).replacen(
            "name = \"atlas_admin\"",
            &format!("name = \"fixture_{}\"", name.replace('-', "_")),
            1,
        );
        fs::write(&manifest, renamed).map_err(|error| format!("error: cannot write {}: {error}", manifest.display()))?;
        let behaviour = spec.with_extension("rs");
        if behaviour.is_file() {
            fs::create_dir_all(dir.join("tests"))
                .map_err(|error| format!("error: cannot create {}/tests: {error}", dir.display()))?;
            fs::copy(&behaviour, dir.join("tests/behaviour.rs"))
                .map_err(|error| format!("error: cannot copy {}: {error}", behaviour.display()))?;
        }
        members.push(format!("\"{name}\""));
    }
    let workspace = format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", "));
    fs::write(out.join("Cargo.toml"), workspace)
        .map_err(|error| format!("error: cannot write the fixtures workspace: {error}"))?;
    fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
        .map_err(|error| format!("error: cannot copy Cargo.lock: {error}"))?;
    println!(
        "{}: {} fixture crates; test them with `cargo test --tests --manifest-path {}/Cargo.toml` (doc tests name the crate atlas_admin)",
        out.display(),
        members.len(),
        out.display()
    );
    Ok(())
}

/// `tests/fixtures/features/<release>/<name>.yaml`, sorted.
fn fixture_specs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut specs = Vec::new();
    let releases = fs::read_dir(dir).map_err(|error| format!("error: cannot read {}: {error}", dir.display()))?;
    for release in releases.filter_map(Result::ok).map(|entry| entry.path()).filter(|path| path.is_dir()) {
        let entries = fs::read_dir(&release).map_err(|error| format!("error: cannot read {}: {error}", release.display()))?;
        specs.extend(
            entries.filter_map(Result::ok).map(|entry| entry.path()).filter(|path| path.extension().is_some_and(|e| e == "yaml")),
        );
    }
    specs.sort();
    Ok(specs)
}
