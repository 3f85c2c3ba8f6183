//! `cargo xtask`: the workspace's developer commands (codegen, test).

use xtask::codegen;

use std::process::ExitCode;

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
  bench [--no-build]
      Time each codegen stage on the fragment and both full specs (release build, medians),
      with peak memory, then the clean build time of each generated crate (skip: --no-build).
  test
      Run the whole test suite (cargo test --workspace).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::Options::parse(&args[1..]).and_then(|options| codegen::run(&options)),
        Some("fixtures") => match args.get(1..) {
            Some([flag, out]) if flag == "--out" => xtask::fixtures::run(std::path::Path::new(out)),
            _ => Err(format!("usage: cargo xtask fixtures --out DIR\n\n{USAGE}")),
        },
        Some("bench") => xtask::bench::run(args.get(1).is_some_and(|flag| flag == "--no-build")),
        Some("bench-one") => match args.get(1..) {
            Some([spec, runs]) => runs
                .parse()
                .map_err(|_| format!("bench-one: `{runs}` is not a number of runs"))
                .and_then(|runs| xtask::bench::one(std::path::Path::new(spec), runs)),
            _ => Err("usage: cargo xtask bench-one SPEC RUNS".to_owned()),
        },
        Some("test") => run_tests(),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the suite, streaming cargo's output, and ends with one line that sums up every test
/// binary's `test result:` line, so the total is not lost among per-binary results.
fn run_tests() -> Result<(), String> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut child = Command::new(cargo)
        .args(["test", "--workspace"])
        .current_dir(codegen::workspace_root())
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
