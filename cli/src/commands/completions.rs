//! `atlas-members completions SHELL`: the shell's completion script on stdout.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
#[command(after_help = "Example:\n  atlas-members completions bash > ~/.local/share/bash-completion/completions/atlas-members")]
pub struct Completions {
    /// The shell to complete in.
    shell: Shell,
}

/// Writes the script; a reader that stops early (`| head`) is no error.
pub fn run(completions: &Completions) -> std::io::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(completions.shell, &mut crate::Cli::command(), "atlas-members", &mut script);
    match std::io::stdout().lock().write_all(&script) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => written,
    }
}
