//! `cargo xtask bench`: how fast and how big codegen is, per stage, on the fragment and on
//! both full upstream specs, and how long the crates generated from the full specs take to
//! compile (all features, one tag, `cargo check`, and with `--against REV` the crate another
//! revision's generator makes, in turns).
//!
//! Each spec is measured in its own release-built process (`bench-one`), so its peak memory
//! (`VmHWM`) is its own. Times are medians over several runs; compare numbers from one run
//! of this command, not across machines.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::codegen::{self, Options};

/// The specs measured, with how many runs each gets.
fn specs(root: &Path) -> Vec<(&'static str, PathBuf, usize)> {
    let upstream = root.join("spec/upstream");
    vec![
        ("fragment (25 operations)", root.join("spec/2025-03-12/invites.yaml"), 51),
        ("atlas-api-2025-06-30 (454 operations)", upstream.join("atlas-api-2025-06-30.yaml"), 11),
        ("atlas-api-transformed-2026-08 (514 operations)", upstream.join("atlas-api-transformed-2026-08.yaml"), 11),
    ]
}

/// `against`: a git revision whose generator also generates the 2026-08 crate, built in turns
/// with today's (`--against REV`).
pub fn run(skip_build: bool, against: Option<&str>) -> Result<(), String> {
    let root = codegen::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Timing a debug build would measure the wrong thing: build and run the release one.
    let status = Command::new(&cargo)
        .args(["build", "--release", "-q", "-p", "xtask"])
        .current_dir(&root)
        .status()
        .map_err(|error| format!("could not run cargo: {error}"))?;
    if !status.success() {
        return Err("cargo build --release -p xtask failed".to_owned());
    }
    let release_xtask = root.join("target/release/xtask");

    println!("| spec | load | resolve + IR | emit | format | total (emit + format in parallel) | peak memory |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, path, runs) in specs(&root) {
        if !path.is_file() {
            println!("| {name} | not found at {} | | | | | |", path.display());
            continue;
        }
        let output = Command::new(&release_xtask)
            .args(["bench-one", &path.to_string_lossy(), &runs.to_string()])
            .output()
            .map_err(|error| format!("could not run {}: {error}", release_xtask.display()))?;
        if !output.status.success() {
            return Err(format!("bench-one {} failed:\n{}", path.display(), String::from_utf8_lossy(&output.stderr)));
        }
        println!("| {name} | {} |", String::from_utf8_lossy(&output.stdout).trim());
    }
    println!("\n(medians of 51 runs for the fragment, 11 for each full spec; peak memory is the process's VmHWM)");
    whole_process(&root, &release_xtask)?;
    if !skip_build {
        build_times(&root, &cargo, against)?;
    }
    Ok(())
}

/// In a release process: runs every stage `runs` times on `spec` and prints one table row's
/// cells: the median of each stage and of the total, and the process's peak memory.
pub fn one(spec: &Path, runs: usize) -> Result<(), String> {
    let root = codegen::workspace_root();
    let text = std::fs::read_to_string(spec).map_err(|error| format!("cannot read {}: {error}", spec.display()))?;
    let release = newest_release(&root)?;
    let input = generator::Input { file: "spec.yaml", text: &text, release: Some(&release) };
    let mut stages: [Vec<Duration>; 5] = Default::default();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let loaded = generator::load::load(input.file, input.text).map_err(|d| d.to_string())?;
        let loaded_at = Instant::now();
        let api = generator::lower_loaded(&input, &release, &loaded).map_err(|d| d.to_string())?;
        let lowered_at = Instant::now();
        let emitted = generator::emit::emit(&api);
        let emitted_at = Instant::now();
        let mut bytes = 0;
        for file in emitted {
            bytes += match file {
                generator::emit::Emitted::Rust { tokens, .. } => generator::format::format_file(tokens, &api.source).len(),
                generator::emit::Emitted::Syntax { file, .. } => generator::format::print(&file).len(),
                generator::emit::Emitted::Text { text, .. } => text.len(),
            };
        }
        let formatted_at = Instant::now();
        assert!(bytes > 0, "every run generates files");
        // The total is what `generate` does: emit and format run file by file in parallel.
        let parallel_start = Instant::now();
        let files = generator::emit_files(&api);
        let total = (lowered_at - start) + parallel_start.elapsed();
        assert!(files.len() <= generator::emit::jobs(&api).len(), "every file comes from one job or more");
        for (samples, (from, to)) in stages.iter_mut().take(4).zip([
            (start, loaded_at),
            (loaded_at, lowered_at),
            (lowered_at, emitted_at),
            (emitted_at, formatted_at),
        ]) {
            samples.push(to - from);
        }
        stages[4].push(total);
    }
    let cells: Vec<String> = stages.iter_mut().map(|samples| format_duration(median(samples))).collect();
    println!("{} | {}", cells.join(" | "), peak_memory());
    Ok(())
}

/// Set by the bench for its child processes: each prints its peak memory (`VmHWM`) last.
pub const PEAK_ENV: &str = "ATLAS_BENCH_PEAK";

/// `peak_kib=N`: this process's peak memory, as the bench reads it from a child's stderr.
pub fn peak_line() -> String {
    format!("peak_kib={}", peak_kib().unwrap_or(0))
}

/// Reads `spec` and parses it into `openapiv3::OpenAPI` on one thread: the baselines of the
/// whole-process comparison. By default as the generator does when it cannot split the spec
/// (`load_serial`: YAML to a JSON value, `normalize`, then openapiv3), the parse issue 9
/// measured against; with `direct`, straight from the YAML, the least work there is (about a
/// tenth fewer instructions on the upstream specs). `codegen` itself parses the spec's two
/// halves on two threads.
pub fn parse_only(spec: &Path, direct: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(spec).map_err(|error| format!("cannot read {}: {error}", spec.display()))?;
    let parsed: openapiv3::OpenAPI = if direct {
        serde_yaml::from_str(&text).map_err(|error| format!("{} is not an OpenAPI 3.0 document: {error}", spec.display()))?
    } else {
        generator::load::load_serial("spec.yaml", &text).map_err(|diagnostics| diagnostics.to_string())?
    };
    println!("{} paths", parsed.paths.paths.len());
    Ok(())
}

/// The real command, `xtask codegen --spec SPEC --out DIR`, against reading and parsing the
/// spec alone (both ways of [`parse_only`]), each in its own process and taken in turns so
/// that load on the machine hits all alike: medians of wall time and of peak memory, and
/// codegen's time as a multiple of each parse.
fn whole_process(root: &Path, release_xtask: &Path) -> Result<(), String> {
    const RUNS: usize = 15;
    let scratch = tempdir("atlas-bench-process")?;
    println!(
        "\n| spec (whole process, median of {RUNS}, in turns) | codegen | peak | parse (`load_serial`) | peak | codegen / parse | median of each turn's ratio | direct parse | codegen / direct | median of each turn's ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, spec, _) in specs(root).into_iter().skip(1) {
        let out = scratch.join("crate");
        let spec_arg = spec.to_string_lossy().into_owned();
        let out_arg = out.to_string_lossy().into_owned();
        let codegen_args = ["codegen", "--spec", spec_arg.as_str(), "--out", out_arg.as_str()];
        let parse_args = ["parse-only", spec_arg.as_str()];
        let direct_args = ["parse-only", "--direct", spec_arg.as_str()];
        let (mut codegen, mut parse, mut direct) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let _ = std::fs::remove_dir_all(&out);
            codegen.push(timed(release_xtask, &codegen_args)?);
            parse.push(timed(release_xtask, &parse_args)?);
            direct.push(timed(release_xtask, &direct_args)?);
        }
        // Each codegen run against the parse runs right after it: the machine's load drifts
        // less within a turn than across the whole series.
        let paired = |baseline: &[(Duration, u64)]| {
            let mut ratios: Vec<f64> = codegen
                .iter()
                .zip(baseline)
                .map(|((codegen, _), (parse, _))| codegen.as_secs_f64() / parse.as_secs_f64())
                .collect();
            ratios.sort_by(f64::total_cmp);
            ratios[ratios.len() / 2]
        };
        let (parse_paired, direct_paired) = (paired(&parse), paired(&direct));
        let (codegen_time, codegen_peak) = medians(&mut codegen);
        let (parse_time, parse_peak) = medians(&mut parse);
        let (direct_time, _) = medians(&mut direct);
        println!(
            "| {name} | {} | {} MiB | {} | {} MiB | {:.2} | {:.2} | {} | {:.2} | {:.2} |",
            format_duration(codegen_time),
            codegen_peak / 1024,
            format_duration(parse_time),
            parse_peak / 1024,
            codegen_time.as_secs_f64() / parse_time.as_secs_f64(),
            parse_paired,
            format_duration(direct_time),
            codegen_time.as_secs_f64() / direct_time.as_secs_f64(),
            direct_paired,
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

/// Runs `xtask ARGS` to completion: its wall time and the peak memory it reports.
fn timed(xtask: &Path, args: &[&str]) -> Result<(Duration, u64), String> {
    let start = Instant::now();
    let output = Command::new(xtask)
        .args(args)
        .env(PEAK_ENV, "1")
        .output()
        .map_err(|error| format!("could not run {}: {error}", xtask.display()))?;
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("xtask {} failed:\n{stderr}", args.join(" ")));
    }
    let peak = stderr.lines().find_map(|line| line.strip_prefix("peak_kib=")).and_then(|kib| kib.parse().ok()).unwrap_or(0);
    Ok((took, peak))
}

fn medians(samples: &mut [(Duration, u64)]) -> (Duration, u64) {
    let mut times: Vec<Duration> = samples.iter().map(|(time, _)| *time).collect();
    let mut peaks: Vec<u64> = samples.iter().map(|(_, peak)| *peak).collect();
    peaks.sort_unstable();
    (median(&mut times), peaks[peaks.len() / 2])
}

/// A fresh folder under the system's temporary directory, named after this process.
fn tempdir(prefix: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    Ok(dir)
}

fn newest_release(root: &Path) -> Result<String, String> {
    let mut releases: Vec<String> = std::fs::read_dir(root.join("spec"))
        .map_err(|error| format!("cannot read spec/: {error}"))?
        .filter_map(|entry| entry.ok().map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .filter(|name| generator::is_release(name))
        .collect();
    releases.sort();
    releases.pop().ok_or_else(|| "no spec/YYYY-MM-DD folder".to_owned())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn format_duration(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 10.0 { format!("{ms:.2} ms") } else { format!("{ms:.0} ms") }
}

/// The process's peak resident memory, from `/proc/self/status` (Linux).
fn peak_memory() -> String {
    peak_kib().map(|kib| format!("{:.0} MiB", kib as f64 / 1024.0)).unwrap_or_else(|| "n/a".to_owned())
}

/// The process's peak resident memory in KiB (`VmHWM`), where Linux tells it.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Times `cargo build` (debug) of the crate generated from each full spec, with its
/// dependencies already built, so the number is the generated crate's own compile time.
fn build_times(root: &Path, cargo: &str, against: Option<&str>) -> Result<(), String> {
    let scratch = std::env::temp_dir().join(format!("atlas-bench-{}", std::process::id()));
    let target = root.join("target/bench-builds");
    let cargo_run = |command: &str, dir: &Path, features: &[&str]| -> Result<Duration, String> {
        let start = Instant::now();
        let status = Command::new(cargo)
            .args([command, "-q", "--manifest-path", &dir.join("Cargo.toml").to_string_lossy()])
            .args(features)
            .env("CARGO_TARGET_DIR", &target)
            // A clean build of the crate each time, not an incremental rebuild from a cache
            // that the previous build left.
            .env("CARGO_INCREMENTAL", "0")
            .status()
            .map_err(|error| format!("could not run cargo: {error}"))?;
        if !status.success() {
            return Err(format!("cargo {command} of the crate in {} failed", dir.display()));
        }
        Ok(start.elapsed())
    };
    let build = |dir: &Path, features: &[&str]| cargo_run("build", dir, features);
    println!("\n| crate generated from | lines | clean build of the crate (deps prebuilt) |");
    println!("|---|---:|---:|");
    for (index, (name, spec, _)) in specs(root).into_iter().enumerate() {
        if !spec.is_file() {
            continue;
        }
        let dir = scratch.join(index.to_string());
        codegen::run(&Options { spec: Some(spec.clone()), out: Some(dir.clone()), ..Default::default() })?;
        if index == 0 {
            // Builds the dependencies once, so later numbers are the generated code's own.
            build(&dir, &[])?;
        }
        let _ = Command::new(cargo)
            .args(["clean", "-q", "-p", "atlas-admin", "--manifest-path", &dir.join("Cargo.toml").to_string_lossy()])
            .env("CARGO_TARGET_DIR", &target)
            .status();
        let took = build(&dir, &[])?;
        println!("| {name} | {} | {:.1} s |", count_lines(&dir.join("src")), took.as_secs_f64());
        if name.contains("2026-08") {
            let baseline = match against {
                Some(rev) => Some((rev, baseline_crate(root, cargo, rev, &spec, &scratch)?)),
                None => None,
            };
            if let Some((_, before)) = &baseline {
                build(before, &[])?;
            }
            // `cargo check` checks the dependencies once, in its own mode: not part of the time.
            cargo_run("check", &dir, &[])?;
            // All features, one tag alone, `cargo check`, and the baseline's crate, in turns.
            const TURNS: usize = 3;
            let (mut all, mut one, mut check, mut before) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for _ in 0..TURNS {
                touch(&dir.join("src/lib.rs"));
                all.push(build(&dir, &[])?);
                touch(&dir.join("src/lib.rs"));
                one.push(build(&dir, &["--no-default-features", "--features", "clusters"])?);
                touch(&dir.join("src/lib.rs"));
                check.push(cargo_run("check", &dir, &[])?);
                if let Some((_, dir)) = &baseline {
                    touch(&dir.join("src/lib.rs"));
                    before.push(build(dir, &[])?);
                }
            }
            let all = median(&mut all).as_secs_f64();
            let row = |what: String, took: f64| println!("| {what} | | {took:.1} s ({:.2} of all features) |", took / all);
            println!("| {name}, all features, median of {TURNS} taken in turns with the rows below | | {all:.1} s |");
            row("the same, `clusters` feature only".to_owned(), median(&mut one).as_secs_f64());
            row("the same, `cargo check` with all features".to_owned(), median(&mut check).as_secs_f64());
            if let Some((rev, dir)) = &baseline {
                row(
                    format!("the crate the generator at `{rev}` makes of it ({} lines)", count_lines(&dir.join("src"))),
                    median(&mut before).as_secs_f64(),
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

/// The crate that the generator at git revision `rev` makes of `spec`: its sources exported
/// from git, its xtask built in release (in a target directory of its own) and run.
fn baseline_crate(root: &Path, cargo: &str, rev: &str, spec: &Path, scratch: &Path) -> Result<PathBuf, String> {
    let source = scratch.join("baseline-source");
    let out = scratch.join("baseline-crate");
    std::fs::create_dir_all(&source).map_err(|error| format!("cannot create {}: {error}", source.display()))?;
    let archive = Command::new("git")
        .args(["-C", &root.to_string_lossy(), "archive", "--format=tar", rev])
        .output()
        .map_err(|error| format!("could not run git: {error}"))?;
    if !archive.status.success() {
        return Err(format!("git archive {rev} failed: {}", String::from_utf8_lossy(&archive.stderr)));
    }
    let mut tar = Command::new("tar")
        .args(["-x", "-C", &source.to_string_lossy()])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|error| format!("could not run tar: {error}"))?;
    use std::io::Write;
    tar.stdin.take().expect("piped stdin").write_all(&archive.stdout).map_err(|error| error.to_string())?;
    if !tar.wait().map_err(|error| error.to_string())?.success() {
        return Err(format!("could not unpack {rev}"));
    }
    let status = Command::new(cargo)
        .args([
            "run",
            "--release",
            "-q",
            "-p",
            "xtask",
            "--",
            "codegen",
            "--spec",
            &spec.to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
        ])
        .current_dir(&source)
        .env("CARGO_TARGET_DIR", root.join("target/bench-baseline-xtask"))
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|error| format!("could not run cargo: {error}"))?;
    if !status.success() {
        return Err(format!("the generator at {rev} could not generate from {}", spec.display()));
    }
    Ok(out)
}

/// Lines of the `.rs` files below `dir`, runtime included.
fn count_lines(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .map(|path| {
            if path.is_dir() {
                count_lines(&path)
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                std::fs::read_to_string(path).map(|text| text.lines().count()).unwrap_or(0)
            } else {
                0
            }
        })
        .sum()
}

/// Marks `file` changed, so that cargo rebuilds its crate (and only it).
fn touch(file: &Path) {
    if let Ok(text) = std::fs::read(file) {
        let _ = std::fs::write(file, text);
    }
}
