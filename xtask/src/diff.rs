//! `cargo xtask diff`: what regenerating the crate from another spec, release or revision
//! changes in its public API (the generator's `diff` stage), as Markdown or JSON.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen;

/// What `cargo xtask diff` was asked to compare.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    /// The old spec; with `against`, the revision's copy of `new` is the old one.
    pub old: Option<PathBuf>,
    /// The new spec; the newest `spec/YYYY-MM-DD/*.yaml` when `None`.
    pub new: Option<PathBuf>,
    /// A git revision whose copy of the new spec is the old one.
    pub against: Option<String>,
    pub old_api_version: Option<String>,
    pub new_api_version: Option<String>,
    pub json: bool,
    /// Fail (exit 1) when a change is at least this bad.
    pub fail_on: Option<generator::diff::Class>,
}

pub const USAGE: &str = "usage: cargo xtask diff [OLD] [NEW] [--against REV] [--api-version R] [--old-api-version R] [--new-api-version R] [--json] [--fail-on breaking|additive]";

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut specs = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
            match arg.as_str() {
                "--against" => options.against = Some(value("--against")?),
                "--api-version" => {
                    let release = value("--api-version")?;
                    options.old_api_version = Some(release.clone());
                    options.new_api_version = Some(release);
                }
                "--old-api-version" => options.old_api_version = Some(value("--old-api-version")?),
                "--new-api-version" => options.new_api_version = Some(value("--new-api-version")?),
                "--json" => options.json = true,
                "--fail-on" => {
                    options.fail_on = Some(match value("--fail-on")?.as_str() {
                        "breaking" => generator::diff::Class::Breaking,
                        "additive" => generator::diff::Class::Additive,
                        other => return Err(format!("--fail-on takes `breaking` or `additive`, not `{other}`\n{USAGE}")),
                    })
                }
                flag if flag.starts_with("--") => return Err(format!("unknown diff option `{flag}`\n{USAGE}")),
                spec => specs.push(PathBuf::from(spec)),
            }
        }
        match (specs.len(), &options.against) {
            (0, _) if options.against.is_some() => {}
            (1, Some(_)) => options.new = specs.pop(),
            // One spec at two releases.
            (1, None) if options.old_api_version != options.new_api_version => {
                options.old = Some(specs[0].clone());
                options.new = specs.pop();
            }
            (2, None) => {
                options.new = specs.pop();
                options.old = specs.pop();
            }
            _ => return Err(format!("give two specs, one spec and two releases, or --against REV\n{USAGE}")),
        }
        Ok(options)
    }
}

/// The report, and whether it fails the run (`--fail-on`).
pub struct Outcome {
    pub report: String,
    pub failed: bool,
}

/// Compares the two crates `options` names.
pub fn run(options: &Options) -> Result<Outcome, String> {
    let root = codegen::workspace_root();
    let new_spec = match &options.new {
        Some(spec) => spec.clone(),
        None => codegen::default_spec(&root)?,
    };
    let new_text =
        fs::read_to_string(&new_spec).map_err(|error| format!("error: cannot read {}: {error}", new_spec.display()))?;
    let new_shown = codegen::shown_path(&root, &new_spec);
    let (old_text, old_shown, old_spec) = match (&options.against, &options.old) {
        (Some(revision), _) => (spec_at(&root, revision, &new_shown)?, format!("{revision}:{new_shown}"), new_spec.clone()),
        (None, Some(old)) => {
            let text = fs::read_to_string(old).map_err(|error| format!("error: cannot read {}: {error}", old.display()))?;
            (text, codegen::shown_path(&root, old), old.clone())
        }
        (None, None) => return Err(USAGE.to_owned()),
    };
    let old_release = codegen::release_for(&root, &old_spec, options.old_api_version.as_deref())?;
    let new_release = codegen::release_for(&root, &new_spec, options.new_api_version.as_deref())?;
    let ir = |file: &str, text: &str, release: Option<&str>| {
        generator::to_ir(&generator::Input { file, text, release }).map_err(|diagnostics| diagnostics.to_string())
    };
    let old = ir(&old_shown, &old_text, old_release.as_deref())?;
    let new = ir(&new_shown, &new_text, new_release.as_deref())?;
    let diff = generator::diff::diff(&old, &new);
    let label = |shown: &str, api: &generator::ir::Api| format!("{shown} @ {}", api.release);
    let (old_label, new_label) = (label(&old_shown, &old), label(&new_shown, &new));
    let version = crate_version(&root);
    let report = if options.json {
        let json = diff.to_json(&old_label, &new_label, &version);
        serde_json::to_string_pretty(&json).expect("a JSON value prints") + "\n"
    } else {
        diff.to_markdown(&old_label, &new_label, &version)
    };
    let failed = matches!((options.fail_on, diff.worst()), (Some(limit), Some(worst)) if worst <= limit);
    Ok(Outcome { report, failed })
}

/// The text of `spec` (a path as `shown_path` writes it) at git revision `revision`.
pub(crate) fn spec_at(root: &Path, revision: &str, spec: &str) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .arg("show")
        .arg(format!("{revision}:{spec}"))
        .output()
        .map_err(|error| format!("error: cannot run git: {error}"))?;
    if !output.status.success() {
        return Err(format!("error: cannot read {spec} at {revision}: {}", String::from_utf8_lossy(&output.stderr).trim()));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("error: {spec} at {revision} is not UTF-8"))
}

/// The generated crate's version, as its manifest says.
pub fn crate_version(root: &Path) -> String {
    let manifest = fs::read_to_string(root.join("generated/Cargo.toml")).unwrap_or_default();
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \"").and_then(|rest| rest.strip_suffix('"')))
        .unwrap_or("0.1.0")
        .to_owned()
}
