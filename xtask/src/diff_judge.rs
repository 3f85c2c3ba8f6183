//! `cargo xtask diff-judge`: the diff's verdicts against independent judges. For each pair of
//! `tests/fixtures/diff/pairs.yaml`, both crates are generated; a user's crate that compiles
//! against the old one must stop compiling against the new one exactly when the report calls
//! the change breaking; and cargo-semver-checks, when installed, must find a major change only
//! where the report has a breaking one.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen;

/// The release every pair is generated for.
pub const RELEASE: &str = "2025-03-12";

/// One pair: `base.yaml` with one change, and what the report must say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub name: String,
    pub from: String,
    pub to: String,
    pub everywhere: bool,
    pub item: String,
    pub change: String,
    pub class: generator::diff::Class,
    /// Why a breaking change still compiles (it changes what the code does).
    pub still_compiles: Option<String>,
    /// A user's code that compiles against the old crate.
    pub uses: String,
}

impl Pair {
    /// The old and the new spec.
    pub fn specs(&self, base: &str) -> Result<(String, String), String> {
        if !base.contains(&self.from) {
            return Err(format!("pair {}: `from` is not in base.yaml", self.name));
        }
        let new = if self.everywhere { base.replace(&self.from, &self.to) } else { base.replacen(&self.from, &self.to, 1) };
        Ok((base.to_owned(), new))
    }
}

/// `base.yaml` and the pairs, from `tests/fixtures/diff/`.
pub fn pairs(root: &Path) -> Result<(String, Vec<Pair>), String> {
    let dir = root.join("tests/fixtures/diff");
    let read = |name: &str| fs::read_to_string(dir.join(name)).map_err(|error| format!("error: cannot read {name}: {error}"));
    let base = read("base.yaml")?;
    let listed: serde_yaml::Value = serde_yaml::from_str(&read("pairs.yaml")?).map_err(|error| format!("pairs.yaml: {error}"))?;
    let mut pairs = Vec::new();
    for entry in listed.as_sequence().ok_or("pairs.yaml: a list of pairs")? {
        let text = |key: &str| entry.get(key).and_then(serde_yaml::Value::as_str).map(str::to_owned);
        let name = text("name").ok_or("pairs.yaml: a pair without a name")?;
        let required = |key: &str| text(key).ok_or_else(|| format!("pairs.yaml: pair {name} has no `{key}`"));
        let class = match required("class")?.as_str() {
            "breaking" => generator::diff::Class::Breaking,
            "additive" => generator::diff::Class::Additive,
            "none" => generator::diff::Class::None,
            other => return Err(format!("pairs.yaml: pair {name}: class `{other}` is not breaking, additive or none")),
        };
        pairs.push(Pair {
            from: required("from")?,
            to: required("to")?,
            everywhere: entry.get("everywhere").and_then(serde_yaml::Value::as_bool).unwrap_or(false),
            item: required("item")?,
            change: required("change")?,
            class,
            still_compiles: text("still_compiles"),
            uses: required("uses")?,
            name,
        });
    }
    Ok((base, pairs))
}

/// What the judges said of one pair, and whether it disagrees with the report.
#[derive(Debug)]
pub struct Verdict {
    pub name: String,
    pub ours: generator::diff::Class,
    pub compiles_against_new: bool,
    /// cargo-semver-checks' failed lints, when it ran.
    pub semver_checks: Option<Vec<String>>,
    pub disagreement: Option<String>,
}

/// Judges every pair in a scratch folder under `work`, building in `target`; `semver_checks`
/// is the cargo-semver-checks binary, or `None` to judge by compiling only.
pub fn run(work: &Path, target: &Path, semver_checks: Option<&Path>) -> Result<Vec<Verdict>, String> {
    let root = codegen::workspace_root();
    let (base, pairs) = pairs(&root)?;
    let mut verdicts = Vec::new();
    for pair in &pairs {
        let dir = work.join(&pair.name);
        let (old, new) = pair.specs(&base)?;
        let old_crate = generate(&dir, "old", &old)?;
        let new_crate = generate(&dir, "new", &new)?;
        let user = dir.join("user");
        let compiles = |against: &Path| -> Result<bool, String> { check_user(&user, against, &pair.uses, target) };
        if !compiles(&old_crate)? {
            return Err(format!("pair {}: its `uses` does not compile against the old crate", pair.name));
        }
        let compiles_against_new = compiles(&new_crate)?;
        let semver = match semver_checks {
            Some(binary) => Some(semver_check(binary, &old_crate, &new_crate, target)?),
            None => None,
        };
        let breaking = pair.class == generator::diff::Class::Breaking;
        let disagreement = if breaking && compiles_against_new && pair.still_compiles.is_none() {
            Some("called breaking, but the user's code still compiles".to_owned())
        } else if !breaking && !compiles_against_new {
            Some(format!("called {}, but the user's code no longer compiles", pair.class.as_str()))
        } else if semver.as_ref().is_some_and(|lints| !lints.is_empty()) && !breaking {
            Some(format!("cargo-semver-checks finds a major change the report calls {}", pair.class.as_str()))
        } else {
            None
        };
        verdicts.push(Verdict {
            name: pair.name.clone(),
            ours: pair.class,
            compiles_against_new,
            semver_checks: semver,
            disagreement,
        });
    }
    Ok(verdicts)
}

fn generate(dir: &Path, side: &str, spec: &str) -> Result<PathBuf, String> {
    let spec_dir = dir.join("spec");
    fs::create_dir_all(&spec_dir).map_err(|error| error.to_string())?;
    let spec_path = spec_dir.join(format!("{side}.yaml"));
    fs::write(&spec_path, spec).map_err(|error| error.to_string())?;
    let out = dir.join(side);
    let options = codegen::Options {
        spec: Some(spec_path),
        out: Some(out.clone()),
        api_version: Some(RELEASE.to_owned()),
        ..Default::default()
    };
    codegen::run(&options)?;
    // A crate of its own: the generated crate's lock file is the workspace's, which names
    // this workspace's members; cargo makes a fresh one.
    let _ = fs::remove_file(out.join("Cargo.lock"));
    Ok(out)
}

/// Whether `uses` compiles as a crate that depends on the crate at `against`.
fn check_user(user: &Path, against: &Path, uses: &str, target: &Path) -> Result<bool, String> {
    fs::create_dir_all(user.join("src")).map_err(|error| error.to_string())?;
    let manifest = format!(
        "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\natlas-admin = {{ path = {:?} }}\n",
        against.display().to_string()
    );
    fs::write(user.join("Cargo.toml"), manifest).map_err(|error| error.to_string())?;
    fs::write(user.join("src/lib.rs"), format!("#![allow(deprecated)]\n{uses}")).map_err(|error| error.to_string())?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["check", "--quiet", "--manifest-path"])
        .arg(user.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    Ok(status.success())
}

/// cargo-semver-checks on the two crates: the lints that fail. Both are given version
/// 1.0.0 and judged for a minor release, so any change it counts as breaking fails.
fn semver_check(binary: &Path, old: &Path, new: &Path, target: &Path) -> Result<Vec<String>, String> {
    for dir in [old, new] {
        let manifest = dir.join("Cargo.toml");
        let text = fs::read_to_string(&manifest).map_err(|error| error.to_string())?;
        let text = text.replacen("version = \"0.1.0\"", "version = \"1.0.0\"", 1) + "\n[workspace]\n";
        fs::write(&manifest, text).map_err(|error| error.to_string())?;
    }
    let output = Command::new(binary)
        .args(["semver-checks", "check-release", "--release-type", "minor", "--manifest-path"])
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let lints: Vec<String> = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("--- failure "))
        .map(|rest| rest.trim_end_matches(':').split(':').next().unwrap_or(rest).trim().to_owned())
        .collect();
    if !output.status.success() && lints.is_empty() {
        return Err(format!("cargo-semver-checks failed without a finding:\n{text}"));
    }
    Ok(lints)
}
