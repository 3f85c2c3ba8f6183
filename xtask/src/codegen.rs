//! `cargo xtask codegen`: reads a spec, runs the generator, and writes (or checks) the crate.
//!
//! All of the generator's IO lives here. Writes are staged: nothing is written unless the whole
//! crate generated, and then every changed file is renamed into place from a staging folder.

use std::fs;
use std::path::{Path, PathBuf};

/// The hand-written folders: the runtime, and the `membership` workflows (declared by the
/// generated `lib.rs` only when the spec has every operation they call). `--out` copies them
/// next to the generated modules, and `--check` never calls their files stale.
const HAND_WRITTEN_DIRS: &[&str] = &["src/runtime", "src/membership"];

/// Hand-written files the package needs to be published (the manifest names them); `--out`
/// copies them too, so a standalone crate passes `cargo publish --dry-run` as well.
const PACKAGE_FILES: [&str; 2] = ["LICENSE", "README.md"];

/// What `cargo xtask codegen` was asked to do.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Compare instead of writing.
    pub check: bool,
    /// The spec to read; the newest `spec/YYYY-MM-DD/*.yaml` when `None`.
    pub spec: Option<PathBuf>,
    /// A standalone crate's folder; the workspace's `generated/` when `None`.
    pub out: Option<PathBuf>,
    /// The release to target; the spec's folder name when `None`.
    pub api_version: Option<String>,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().cloned().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--check" => options.check = true,
                "--spec" => options.spec = Some(PathBuf::from(value("--spec")?)),
                "--out" => options.out = Some(PathBuf::from(value("--out")?)),
                "--api-version" => options.api_version = Some(value("--api-version")?),
                other => return Err(format!("unknown codegen option `{other}`; see `cargo xtask help`")),
            }
        }
        Ok(options)
    }
}

/// The workspace this xtask belongs to.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Runs codegen; `Err` carries the whole message for the user (diagnostics, stale files).
pub fn run(options: &Options) -> Result<(), String> {
    let root = workspace_root();
    let spec = match &options.spec {
        Some(spec) => spec.clone(),
        None => default_spec(&root)?,
    };
    let text = fs::read_to_string(&spec).map_err(|error| format!("error: cannot read {}: {error}", spec.display()))?;
    let shown = shown_path(&root, &spec);
    let release = release_for(&root, &spec, options.api_version.as_deref())?;
    let mut input = generator::Input { file: &shown, text: &text, release: release.as_deref() };
    let mut api = generator::to_ir(&input).map_err(|diagnostics| diagnostics.to_string())?;
    // Writing generated/ from a spec that changed since HEAD: say what it does to the public
    // API, and raise the crate's version (in the spec, its input) as far as the change needs.
    let change = (options.out.is_none() && !options.check).then(|| api_change(&root, &input, &api)).flatten();
    let raised_text;
    if let Some(raised) = change.as_ref().and_then(|change| change.raised.as_ref()) {
        fs::write(&spec, raised).map_err(|error| format!("error: cannot write {}: {error}", spec.display()))?;
        raised_text = raised.clone();
        input.text = &raised_text;
        api = generator::to_ir(&input).map_err(|diagnostics| diagnostics.to_string())?;
    }
    let files = generator::emit_files(&api);

    let crate_dir = root.join("generated");
    let (target, extra) = match &options.out {
        None => (crate_dir, Vec::new()),
        Some(out) => {
            // A standalone crate: the hand-written folders, the package's own files and the
            // lock file come along.
            let mut extra = hand_written_files(&crate_dir)?;
            for name in PACKAGE_FILES {
                let contents =
                    fs::read(crate_dir.join(name)).map_err(|error| format!("error: cannot read generated/{name}: {error}"))?;
                extra.push((name.into(), contents));
            }
            let lock = fs::read(root.join("Cargo.lock")).map_err(|error| format!("error: cannot read Cargo.lock: {error}"))?;
            extra.push(("Cargo.lock".into(), lock));
            (out.clone(), extra)
        }
    };
    if options.check {
        return check(&target, &files);
    }
    let changed = write_all(&target, &files, &extra)?;
    if let Some(change) = change.filter(|_| changed > 0) {
        println!("{}", change.summary);
    }
    Ok(())
}

/// What the spec's change since git's `HEAD` does to the public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiChange {
    /// One line: the counts per class, the version bump, the command for the whole report.
    pub summary: String,
    /// The spec with its `info.x-crate-version` raised to the version the change needs, when
    /// it declares a lower one.
    pub raised: Option<String>,
}

/// The change to the public API since the spec at git's `HEAD`, and the spec with its crate
/// version raised as the change needs (from `HEAD`'s version, Cargo's SemVer rules); `None`
/// when the spec is as committed (or git cannot say).
pub fn api_change(root: &Path, input: &generator::Input<'_>, api: &generator::ir::Api) -> Option<ApiChange> {
    let committed = crate::diff::spec_at(root, "HEAD", input.file).ok()?;
    if committed == input.text {
        return None;
    }
    let old = generator::to_ir(&generator::Input { text: &committed, ..*input }).ok()?;
    let diff = generator::diff::diff(&old, api);
    let needed = diff.next_version(&old.crate_version)?;
    let mut summary = format!("{}; the whole report: cargo xtask diff --against HEAD", diff.summary(&old.crate_version));
    let raised = if semver(&needed) > semver(&api.crate_version) {
        let raised = with_crate_version(input.text, &needed);
        summary.push_str(&match &raised {
            Some(_) => format!("\ncrate version {} -> {needed} (info.x-crate-version in {})", api.crate_version, input.file),
            None => {
                format!("\nthe crate needs version {needed}: add `x-crate-version: \"{needed}\"` under `info:` in {}", input.file)
            }
        });
        raised
    } else {
        None
    };
    Some(ApiChange { summary, raised })
}

fn semver(version: &str) -> Vec<u64> {
    version.split('.').map(|part| part.parse().unwrap_or(0)).collect()
}

/// `text` with the value of its `x-crate-version:` line set to `version`; `None` without one.
fn with_crate_version(text: &str, version: &str) -> Option<String> {
    let mut found = false;
    let lines: Vec<String> = text
        .split_inclusive('\n')
        .map(|line| match line.trim_start().strip_prefix("x-crate-version:") {
            Some(_) if !found => {
                found = true;
                let indent = &line[..line.len() - line.trim_start().len()];
                let ending = if line.ends_with("\r\n") {
                    "\r\n"
                } else if line.ends_with('\n') {
                    "\n"
                } else {
                    ""
                };
                format!("{indent}x-crate-version: \"{version}\"{ending}")
            }
            _ => line.to_owned(),
        })
        .collect();
    found.then(|| lines.concat())
}

/// The newest `spec/YYYY-MM-DD/` folder.
fn newest_release_dir(root: &Path) -> Result<PathBuf, String> {
    let spec_dir = root.join("spec");
    let mut releases: Vec<PathBuf> = fs::read_dir(&spec_dir)
        .map_err(|error| format!("error: cannot read {}: {error}", spec_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir() && path.file_name().is_some_and(|name| generator::is_release(&name.to_string_lossy())))
        .collect();
    releases.sort();
    releases.pop().ok_or_else(|| format!("error: no spec/YYYY-MM-DD/ release folder in {}", spec_dir.display()))
}

/// The release to generate `spec` for: `api_version` when given; else `None`, for the
/// generator to take the spec's `YYYY-MM-DD` folder; else, for a spec outside such a folder (a
/// full upstream spec), the fragment's release.
pub(crate) fn release_for(root: &Path, spec: &Path, api_version: Option<&str>) -> Result<Option<String>, String> {
    let in_release_folder =
        spec.parent().and_then(Path::file_name).is_some_and(|name| generator::is_release(&name.to_string_lossy()));
    Ok(match api_version {
        Some(release) => Some(release.to_owned()),
        None if in_release_folder => None,
        None => Some(newest_release(root)?),
    })
}

/// The release of the newest fragment: the default target for specs outside `spec/`.
fn newest_release(root: &Path) -> Result<String, String> {
    Ok(newest_release_dir(root)?.file_name().expect("a release folder has a name").to_string_lossy().into_owned())
}

/// The newest `spec/YYYY-MM-DD/` folder's one `.yaml` file.
pub(crate) fn default_spec(root: &Path) -> Result<PathBuf, String> {
    let release = newest_release_dir(root)?;
    let mut yamls: Vec<PathBuf> = fs::read_dir(&release)
        .map_err(|error| format!("error: cannot read {}: {error}", release.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml"))
        .collect();
    yamls.sort();
    match yamls.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!("error: no .yaml spec in {}", release.display())),
        _ => Err(format!("error: several specs in {}; choose one with --spec", release.display())),
    }
}

/// The spec's path as generated headers show it: relative to the workspace when inside it,
/// else its folder and name (`2025-03-12/invites.yaml`), so output does not depend on where
/// anything is checked out, and the folder still names the release.
pub(crate) fn shown_path(root: &Path, spec: &Path) -> String {
    let absolute = fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let shown = match absolute.strip_prefix(&root) {
        Ok(relative) => relative.to_path_buf(),
        Err(_) => {
            let mut tail: Vec<_> = absolute.components().rev().take(2).collect();
            tail.reverse();
            tail.iter().collect()
        }
    };
    shown.to_string_lossy().replace('\\', "/")
}

/// Generated files whose contents differ, are missing, or should not exist.
fn stale_files(crate_dir: &Path, files: &[generator::GeneratedFile]) -> Vec<String> {
    let mut stale: Vec<String> = files
        .iter()
        .filter(|file| fs::read_to_string(crate_dir.join(&file.path)).ok().as_deref() != Some(file.contents.as_str()))
        .map(|file| file.path.clone())
        .collect();
    stale.extend(orphans(crate_dir, files).into_iter().map(|path| format!("{path} (no longer generated)")));
    stale
}

/// `.rs` files under `src/` (outside the hand-written folders) that the generator no longer produces.
fn orphans(crate_dir: &Path, files: &[generator::GeneratedFile]) -> Vec<String> {
    let mut found = Vec::new();
    rust_files(&crate_dir.join("src"), "src", &mut found);
    let mut orphans: Vec<String> = found.into_iter().filter(|path| !files.iter().any(|file| file.path == *path)).collect();
    orphans.sort();
    orphans
}

/// Every `.rs` file below `dir` (shown as `shown/...`), leaving out the hand-written folders.
fn rust_files(dir: &Path, shown: &str, found: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let path = format!("{shown}/{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            if !HAND_WRITTEN_DIRS.contains(&path.as_str()) {
                rust_files(&entry.path(), &path, found);
            }
        } else if path.ends_with(".rs") {
            found.push(path);
        }
    }
}

fn check(crate_dir: &Path, files: &[generator::GeneratedFile]) -> Result<(), String> {
    let stale = stale_files(crate_dir, files);
    let shown = crate_dir.display();
    if stale.is_empty() {
        println!("{shown} is up to date ({} files)", files.len());
        return Ok(());
    }
    let list: String = stale.iter().map(|path| format!("\n  {shown}/{path}")).collect();
    Err(format!(
        "error: {shown} is stale; these files do not match the spec:{list}\n  = hint: run `cargo xtask codegen` and commit the result"
    ))
}

/// The files of every hand-written folder (each flat), as paths inside the crate.
fn hand_written_files(crate_dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let mut found = Vec::new();
    for folder in HAND_WRITTEN_DIRS {
        let dir = crate_dir.join(folder);
        let entries = fs::read_dir(&dir).map_err(|error| format!("error: cannot read {}: {error}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|error| error.to_string())?.path();
            let contents = fs::read(&path).map_err(|error| format!("error: cannot read {}: {error}", path.display()))?;
            let name = path.file_name().expect("a directory entry has a name");
            found.push((Path::new(folder).join(name), contents));
        }
    }
    found.sort();
    Ok(found)
}

/// Stages every file that changes under `dir/.codegen-staging`, then renames each into place,
/// and removes generated files the spec no longer produces.
/// Returns how many files changed.
fn write_all(dir: &Path, files: &[generator::GeneratedFile], extra: &[(PathBuf, Vec<u8>)]) -> Result<usize, String> {
    let mut wanted: Vec<(PathBuf, &[u8])> =
        files.iter().map(|file| (PathBuf::from(&file.path), file.contents.as_bytes())).collect();
    wanted.extend(extra.iter().map(|(path, contents)| (path.clone(), contents.as_slice())));
    let changed: Vec<&(PathBuf, &[u8])> =
        wanted.iter().filter(|(path, contents)| fs::read(dir.join(path)).ok().as_deref() != Some(*contents)).collect();
    let orphans = orphans(dir, files);

    let staging = dir.join(".codegen-staging");
    let stage = || -> std::io::Result<()> {
        let _ = fs::remove_dir_all(&staging);
        for (path, contents) in &changed {
            let staged = staging.join(path);
            fs::create_dir_all(staged.parent().expect("staged files are in a folder"))?;
            fs::write(staged, contents)?;
        }
        Ok(())
    };
    if let Err(error) = stage() {
        let _ = fs::remove_dir_all(&staging);
        return Err(format!("error: cannot stage the generated files in {}: {error}; nothing was changed", staging.display()));
    }
    let commit = || -> std::io::Result<()> {
        for (path, _) in &changed {
            let target = dir.join(path);
            fs::create_dir_all(target.parent().expect("generated files are in a folder"))?;
            fs::rename(staging.join(path), target)?;
        }
        for orphan in &orphans {
            fs::remove_file(dir.join(orphan))?;
        }
        Ok(())
    };
    let committed = commit();
    let _ = fs::remove_dir_all(&staging);
    committed.map_err(|error| format!("error: writing {} failed: {error}", dir.display()))?;
    println!(
        "{}: {} of {} files changed{}",
        dir.display(),
        changed.len(),
        wanted.len(),
        if orphans.is_empty() { String::new() } else { format!(", {} removed", orphans.len()) }
    );
    Ok(changed.len() + orphans.len())
}
