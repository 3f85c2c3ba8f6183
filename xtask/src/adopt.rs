//! `cargo xtask bench-adopt`: what depending on `atlas-admin` costs a team's crate. Two new
//! crates, one on `atlas-admin` (and tokio to run it), one on what a hand-written client would
//! take instead (reqwest with rustls, tokio, serde, serde_json), each built cold (an empty
//! target folder, the registry already downloaded) in turns, with their dependency counts.
//!
//! Both use the workspace's `Cargo.lock`, so they resolve the versions CI builds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::codegen;

/// One crate of the comparison: its name, its `[dependencies]` and its `main.rs`.
struct Candidate {
    name: &'static str,
    dependencies: String,
    main: &'static str,
}

fn candidates(root: &Path) -> Vec<Candidate> {
    let tokio = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#;
    vec![
        Candidate {
            name: "on-atlas-admin",
            dependencies: format!("atlas-admin = {{ path = {:?} }}\n{tokio}\n", root.join("generated").display().to_string()),
            main: r#"#[tokio::main]
async fn main() {
    let client = atlas_admin::Client::builder().bearer_token("token").build().unwrap();
    let group: atlas_admin::GroupId = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    let users = client.list_group_users(&group, &Default::default()).await;
    println!("{}", users.is_ok());
}
"#,
        },
        Candidate {
            name: "on-reqwest-tokio-serde",
            dependencies: format!(
                "reqwest = {{ version = \"0.12\", default-features = false, features = [\"rustls-tls\", \"http2\", \"json\"] }}\n\
                 serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{tokio}\n"
            ),
            main: r#"#[derive(serde::Deserialize, serde::Serialize)]
struct User {
    id: String,
    username: String,
}

#[tokio::main]
async fn main() {
    let response = reqwest::Client::new()
        .get("https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/users")
        .bearer_auth("token")
        .send()
        .await;
    let users: Option<Vec<User>> = match response {
        Ok(response) => response.json().await.ok(),
        Err(_) => None,
    };
    println!("{}", serde_json::to_string(&users.map(|users| users.len())).unwrap());
}
"#,
        },
    ]
}

fn write(dir: &Path, candidate: &Candidate, lock: &Path) -> Result<(), String> {
    let io = |error: std::io::Error| format!("error: cannot write {}: {error}", dir.display());
    std::fs::create_dir_all(dir.join("src")).map_err(io)?;
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n[workspace]\n",
        candidate.name, candidate.dependencies
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
    std::fs::write(dir.join("src/main.rs"), candidate.main).map_err(io)?;
    std::fs::copy(lock, dir.join("Cargo.lock")).map_err(io)?;
    Ok(())
}

/// Packages in the crate's dependency graph (normal and build dependencies, for this
/// platform), the crate itself left out.
fn dependency_count(cargo: &str, dir: &Path) -> Result<usize, String> {
    let output = Command::new(cargo)
        .args(["tree", "--quiet", "--edges", "normal,build", "--prefix", "none", "--no-dedupe"])
        .current_dir(dir)
        .output()
        .map_err(|error| format!("error: cannot run cargo tree: {error}"))?;
    if !output.status.success() {
        return Err(format!("error: cargo tree failed in {}: {}", dir.display(), String::from_utf8_lossy(&output.stderr)));
    }
    let mut packages: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split(" (").next().map(str::trim).map(str::to_owned))
        .filter(|line| !line.is_empty())
        .collect();
    packages.sort();
    packages.dedup();
    Ok(packages.len().saturating_sub(1))
}

fn cold_build(cargo: &str, dir: &Path) -> Result<Duration, String> {
    let target = dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .status()
        .map_err(|error| format!("error: cannot run cargo build: {error}"))?;
    if !status.success() {
        return Err(format!("error: cargo build failed in {}", dir.display()));
    }
    Ok(start.elapsed())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Builds each candidate `runs` times, in turns, and prints the table BENCHMARKS.md keeps
/// (with no runs, only the dependency counts).
pub fn run(runs: usize) -> Result<(), String> {
    let root = codegen::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let scratch: PathBuf = std::env::temp_dir().join(format!("atlas-admin-adopt-{}", std::process::id()));
    let candidates = candidates(&root);
    let dirs: Vec<PathBuf> = candidates.iter().map(|candidate| scratch.join(candidate.name)).collect();
    let result = (|| {
        for (candidate, dir) in candidates.iter().zip(&dirs) {
            write(dir, candidate, &root.join("Cargo.lock"))?;
        }
        let counts = dirs.iter().map(|dir| dependency_count(&cargo, dir)).collect::<Result<Vec<_>, _>>()?;
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); dirs.len()];
        for run in 0..runs {
            for (index, dir) in dirs.iter().enumerate() {
                let time = cold_build(&cargo, dir)?;
                eprintln!("run {}/{runs}: {} built cold in {:.1} s", run + 1, candidates[index].name, time.as_secs_f64());
                times[index].push(time);
            }
        }
        if runs == 0 {
            for (candidate, count) in candidates.iter().zip(&counts) {
                println!("{}: {count} dependencies", candidate.name);
            }
            return Ok(());
        }
        let medians: Vec<Duration> = times.into_iter().map(median).collect();
        println!("| crate | dependencies | cold `cargo build` (median of {runs}) | ratio |");
        println!("|---|---:|---:|---:|");
        for (index, candidate) in candidates.iter().enumerate() {
            println!(
                "| {} | {} | {:.1} s | {:.2} |",
                candidate.name,
                counts[index],
                medians[index].as_secs_f64(),
                medians[index].as_secs_f64() / medians[1].as_secs_f64()
            );
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}
