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
      --api-version  the Atlas API release to target (default: the spec's folder name)
  test
      Run the whole test suite (cargo test --workspace).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::Options::parse(&args[1..]).and_then(|options| codegen::run(&options)),
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

fn run_tests() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args(["test", "--workspace"])
        .current_dir(codegen::workspace_root())
        .status()
        .map_err(|error| format!("could not run cargo: {error}"))?;
    if status.success() { Ok(()) } else { Err(format!("cargo test failed ({status})")) }
}
