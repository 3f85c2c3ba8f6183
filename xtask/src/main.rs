//! `cargo xtask`: the workspace's developer commands (codegen, test).

use xtask::codegen;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Code generation allocates many small token and syntax-tree nodes and frees them soon
/// after; mimalloc makes `cargo xtask codegen` about a fifth faster than the system allocator
/// does, for more retained memory (BENCHMARKS.md has both).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check] [--spec PATH] [--out DIR] [--api-version YYYY-MM-DD]
      Generate the atlas-admin crate from the fragment in spec/ into generated/.
      --check        write nothing; fail listing every stale file
      --spec PATH    the OpenAPI document to read (default: the newest spec/YYYY-MM-DD/*.yaml)
      --out DIR      write (or with --check, compare) a complete, standalone crate in DIR
                     instead of generated/
      --api-version  the Atlas API release to target (default: the spec's folder name, or for a
                     spec outside a YYYY-MM-DD folder, the newest spec/ release)
  fixtures --out DIR
      Generate every tests/fixtures/features/ spec into one cargo workspace in DIR.
  bench [--no-build] [--against REV]
      Time each codegen stage on the fragment and both full specs (release build, medians),
      with peak memory; the whole codegen command against reading and parsing the spec alone;
      then the clean build time of each generated crate, and of the 2026-08 crate with only
      its `clusters` feature and under `cargo check` (skip the builds: --no-build).
      --against REV  also build, in turns, the 2026-08 crate that the generator at git
                     revision REV makes
  bench-adopt [--runs N]
      What depending on atlas-admin costs a new crate: its cold build time (median of N runs,
      default 3, in turns) and dependency count, against a crate on reqwest (rustls), tokio,
      serde and serde_json.
  parse-only [--direct] SPEC
      Read SPEC and parse it into openapiv3::OpenAPI on one thread, as the generator does when
      it cannot split the spec, or with --direct straight from the YAML: the bench's yardsticks.
  sweep --spec SPEC --crate DIR [--instances N]
      For each JSON success response and request body of SPEC, random schema-valid instances
      through the crate that `codegen --spec SPEC --out DIR` wrote: decoded, encoded again and
      compared. Prints instances, decoded, lossless and catch-alls (builds a harness crate
      next to DIR, as DIR-sweep).
  diff [OLD] [NEW] [--against REV] [--api-version R] [--old-api-version R] [--new-api-version R]
       [--json] [--fail-on breaking|additive]
      What generating from NEW instead of OLD changes in the crate's public API, item by item,
      each change classed breaking, additive or none with its reason, and the version bump.
      Two specs; or one spec at two releases (--old-api-version, --new-api-version); or
      --against REV: the spec (default: the fragment) at git revision REV against now.
      Markdown, or JSON with --json. Exit 1 when a change is at least as bad as --fail-on.
  diff-judge [--semver-checks PATH] [--target-dir DIR]
      For each pair of tests/fixtures/diff/pairs.yaml: a user's code that compiles against the
      old crate must stop compiling against the new one exactly when the report says breaking;
      with --semver-checks (the cargo-semver-checks binary), its major findings must be changes
      the report calls breaking.
  test
      Run the whole test suite (cargo test --workspace), contract tests included: installs
      Prism with `npm ci` in tests/ when needed (Node.js 18+ and npm required) first.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::Options::parse(&args[1..]).and_then(|options| codegen::run(&options)),
        Some("fixtures") => match args.get(1..) {
            Some([flag, out]) if flag == "--out" => xtask::fixtures::run(std::path::Path::new(out)),
            _ => Err(format!("usage: cargo xtask fixtures --out DIR\n\n{USAGE}")),
        },
        Some("bench") => {
            let flags = &args[1..];
            let against = flags.iter().position(|flag| flag == "--against").map(|at| flags.get(at + 1));
            match against {
                Some(None) => Err("usage: cargo xtask bench [--no-build] [--against REV]".to_owned()),
                against => {
                    xtask::bench::run(flags.iter().any(|flag| flag == "--no-build"), against.flatten().map(String::as_str))
                }
            }
        }
        Some("bench-adopt") => match &args[1..] {
            [] => xtask::adopt::run(3),
            [flag, runs] if flag == "--runs" => {
                runs.parse().map_err(|_| format!("bench-adopt: `{runs}` is not a number of runs")).and_then(xtask::adopt::run)
            }
            _ => Err("usage: cargo xtask bench-adopt [--runs N]".to_owned()),
        },
        Some("bench-one") => match args.get(1..) {
            Some([spec, runs]) => runs
                .parse()
                .map_err(|_| format!("bench-one: `{runs}` is not a number of runs"))
                .and_then(|runs| xtask::bench::one(std::path::Path::new(spec), runs)),
            _ => Err("usage: cargo xtask bench-one SPEC RUNS".to_owned()),
        },
        // The baseline `cargo xtask bench` times codegen against: read the spec and parse it.
        Some("parse-only") => match &args[1..] {
            [spec] => xtask::bench::parse_only(std::path::Path::new(spec), false),
            [flag, spec] if flag == "--direct" => xtask::bench::parse_only(std::path::Path::new(spec), true),
            _ => Err("usage: cargo xtask parse-only [--direct] SPEC".to_owned()),
        },
        Some("sweep") => xtask::sweep::Options::parse(&args[1..]).and_then(|options| xtask::sweep::run(&options)),
        Some("test") => run_tests(),
        Some("diff") => return diff(&args[1..]),
        Some("diff-judge") => diff_judge(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    if std::env::var_os(xtask::bench::PEAK_ENV).is_some() {
        eprintln!("{}", xtask::bench::peak_line());
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask diff`: the report on stdout; exit 1 when `--fail-on` is met, 2 on an error.
fn diff(args: &[String]) -> ExitCode {
    match xtask::diff::Options::parse(args).and_then(|options| xtask::diff::run(&options)) {
        Ok(outcome) => {
            print!("{}", outcome.report);
            if outcome.failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// `cargo xtask diff-judge [--semver-checks PATH]`: one line per pair; fails on any
/// disagreement with the judges.
fn diff_judge(args: &[String]) -> Result<(), String> {
    const JUDGE_USAGE: &str = "usage: cargo xtask diff-judge [--semver-checks PATH] [--target-dir DIR]";
    let (mut semver_checks, mut target_dir) = (None, None);
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().map(PathBuf::from).ok_or(JUDGE_USAGE)?;
        match flag.as_str() {
            "--semver-checks" => semver_checks = Some(value),
            "--target-dir" => target_dir = Some(value),
            _ => return Err(JUDGE_USAGE.to_owned()),
        }
    }
    let work = std::env::temp_dir().join(format!("atlas-diff-judge-{}", std::process::id()));
    let target = target_dir.unwrap_or_else(|| work.join("target"));
    let verdicts = xtask::diff_judge::run(&work, &target, semver_checks.as_deref());
    let _ = std::fs::remove_dir_all(&work);
    let verdicts = verdicts?;
    println!("| pair | ours | user's code against NEW | cargo-semver-checks |\n|---|---|---|---|");
    let mut disagreements = Vec::new();
    for verdict in &verdicts {
        let semver = match &verdict.semver_checks {
            None => "not run".to_owned(),
            Some(lints) if lints.is_empty() => "no major change".to_owned(),
            Some(lints) => format!("major: {}", lints.join(", ")),
        };
        let compiles = if verdict.compiles_against_new { "compiles" } else { "does not compile" };
        println!("| {} | {} | {compiles} | {semver} |", verdict.name, verdict.ours.as_str());
        if let Some(disagreement) = &verdict.disagreement {
            disagreements.push(format!("{}: {disagreement}", verdict.name));
        }
    }
    if disagreements.is_empty() { Ok(()) } else { Err(format!("the judges disagree:\n{}", disagreements.join("\n"))) }
}

/// What `cargo xtask test` sets to switch on the contract tests (`tests/tests/contract_prism.rs`,
/// `cli/tests/contract_prism.rs`): the absolute path of the Prism executable.
const PRISM_ENV: &str = "ATLAS_PRISM";

/// The oldest Node.js major version that the pinned Prism (tests/package.json) supports.
const MIN_NODE_MAJOR: u32 = 18;

/// Runs the suite, streaming cargo's output, and ends with one line that sums up every test
/// binary's `test result:` line, so the total is not lost among per-binary results.
///
/// First installs Prism (see `ensure_prism`), so that the contract tests run rather than skip
/// (the `atlas-members` contract test runs the binary cargo builds for its own tests).
fn run_tests() -> Result<(), String> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let root = codegen::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let prism = ensure_prism(&root.join("tests"))?;

    let mut child = Command::new(&cargo)
        .args(["test", "--workspace"])
        .current_dir(&root)
        .env(PRISM_ENV, &prism)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("could not run cargo: {error}"))?;
    let (mut passed, mut failed) = (0u64, 0u64);
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|error| format!("could not read cargo's output: {error}"))?;
        println!("{line}");
        if let Some((ok, bad)) = parse_result_line(&line) {
            passed += ok;
            failed += bad;
        }
    }
    let status = child.wait().map_err(|error| format!("cargo test did not finish: {error}"))?;
    println!("\ntests: {passed} passed, {failed} failed");
    if status.success() { Ok(()) } else { Err(format!("cargo test failed ({status})")) }
}

/// Returns the absolute path of the Prism executable that `tests/package-lock.json` pins,
/// running `npm ci` in `tests/` first when it is missing or older than the lock file.
fn ensure_prism(tests_dir: &Path) -> Result<PathBuf, String> {
    check_node()?;
    let prism = tests_dir.join("node_modules/.bin/prism");
    let lock = tests_dir.join("package-lock.json");
    // The link in `.bin` is made at install time; the file it points to keeps the time
    // stamp the package was published with, so only the link's own time says when.
    let modified = |path: &Path| std::fs::symlink_metadata(path).and_then(|meta| meta.modified()).ok();
    let locked = modified(&lock).ok_or_else(|| format!("{} is missing", lock.display()))?;
    let reason = match modified(&prism) {
        None => "is not installed",
        Some(installed) if installed < locked => "is older than tests/package-lock.json",
        Some(_) => return Ok(prism),
    };
    println!("xtask: Prism (tests/node_modules/.bin/prism) {reason}; running `npm ci` in tests/");
    let status = std::process::Command::new("npm")
        .arg("ci")
        .current_dir(tests_dir)
        .status()
        .map_err(|error| format!("could not run npm ({error}); {}", node_hint()))?;
    if !status.success() {
        return Err(format!("`npm ci` in tests/ failed ({status}), so Prism is not installed"));
    }
    if modified(&prism).is_none() {
        return Err(format!("`npm ci` in tests/ succeeded but did not install {}", prism.display()));
    }
    Ok(prism)
}

/// Fails with a hint unless `node` runs and is new enough for the pinned Prism.
fn check_node() -> Result<(), String> {
    let output = std::process::Command::new("node")
        .arg("--version")
        .output()
        .map_err(|error| format!("could not run node ({error}); {}", node_hint()))?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let major = version.trim_start_matches('v').split('.').next().and_then(|major| major.parse::<u32>().ok());
    match major {
        Some(major) if output.status.success() && major >= MIN_NODE_MAJOR => Ok(()),
        _ => Err(format!("node --version printed {version:?}; {}", node_hint())),
    }
}

fn node_hint() -> String {
    format!(
        "`cargo xtask test` needs Node.js {MIN_NODE_MAJOR} or newer with npm to install and run Prism, the mock \
         server the contract tests check every request against (plain `cargo test` skips those tests)"
    )
}

/// `test result: ok. 12 passed; 1 failed; ...` -> (12, 1).
fn parse_result_line(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("test result: ")?;
    let count = |word: &str| {
        rest.split(';').find_map(|part| {
            part.trim().trim_start_matches("ok. ").trim_start_matches("FAILED. ").strip_suffix(word)?.trim().parse().ok()
        })
    };
    Some((count(" passed")?, count(" failed")?))
}
