//! `atlas-members`: move MongoDB Atlas invitations onto the MongoDB Cloud Users API before
//! the invitation endpoints' sunset (2027-07-01), and keep the members of projects and
//! organizations as wanted, over the `atlas-admin` client.
//!
//! The command line and what runs each command; the commands live in `commands`, one module
//! per group, and everything shown goes through `output`.

mod args;
mod bulk;
mod commands;
mod connect;
mod interrupt;
mod output;
mod profile;
mod reports;

use std::error::Error;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::args::UsageError;
use crate::commands::apply::Apply;
use crate::commands::completions::Completions;
use crate::commands::invitations::{OrgAction, ProjectAction};
use crate::commands::migrate::MigrateScope;
use crate::commands::teams::TeamsAction;
use crate::commands::users::UsersScope;
use crate::commands::{Context, apply, completions, invitations, migrate, teams, users};
use crate::connect::Connection;
use crate::interrupt::Interrupted;
use crate::output::Output;

/// Invite people to MongoDB Atlas projects and organizations as users (`users`), manage teams
/// (`teams`), move the invitations of the deprecated endpoints onto users (`migrate`), keep
/// members as a file says (`apply`), and manage those invitations until their sunset
/// (`project`, `org`).
///
/// Settings come from the Atlas CLI's profile (`--profile`, its config.toml), then the
/// environment (MONGODB_ATLAS_ACCESS_TOKEN, else MONGODB_ATLAS_CLIENT_ID and
/// MONGODB_ATLAS_CLIENT_SECRET, else MONGODB_ATLAS_PUBLIC_API_KEY and
/// MONGODB_ATLAS_PRIVATE_API_KEY; MONGODB_ATLAS_ORG_ID, MONGODB_ATLAS_PROJECT_ID), then the
/// flags. Exit status: 0 done, 1 something failed or was left in place, 2 a command line
/// that does not parse or names too little, 130 a migration
/// stopped by Ctrl-C.
#[derive(Debug, Parser)]
#[command(
    name = "atlas-members",
    version,
    after_help = "Examples:\n  \
atlas-members migrate project --group 32b6e34b3d91647abb20e7b8 --dry-run\n  \
atlas-members --profile prod migrate org --json > report.json\n  \
atlas-members users project ensure --group 32b6e34b3d91647abb20e7b8 --username jane@example.com --role GROUP_OWNER\n  \
atlas-members teams create --org 4888442a3354817a7320eb61 --name platform --username jane@example.com\n  \
atlas-members apply --file members.yaml --prune"
)]
pub struct Cli {
    #[command(flatten)]
    connection: Connection,

    /// Print JSON, for scripts: Atlas's answers (also the default when stdout is not a
    /// terminal) and the reports of migrate, ensure and apply.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The users of one project or organization, pending (invited) and active: the
    /// MongoDB Cloud Users API, which replaces the invitation endpoints.
    Users {
        #[command(subcommand)]
        scope: UsersScope,
    },
    /// An organization's teams: create them with members, change who is in them, give them
    /// roles in projects.
    Teams {
        #[command(subcommand)]
        action: TeamsAction,
    },
    /// Invitations to one project (deprecated endpoints, sunset 2027-07-01).
    Project {
        #[command(subcommand)]
        action: ProjectAction,
    },
    /// Invitations to one organization (deprecated endpoints, sunset 2027-07-01).
    Org {
        #[command(subcommand)]
        action: OrgAction,
    },
    /// Move every pending invitation of a project or organization onto a pending user with
    /// the same grants, and delete the invitation after.
    Migrate {
        #[command(subcommand)]
        scope: MigrateScope,
    },
    /// Converge the members of several projects and organizations to a YAML file.
    ///
    /// Ctrl-C starts no further member or team: the one in flight finishes, the report so far
    /// is printed (and written to --report), and the exit status is 130; a rerun finishes the job.
    Apply(Apply),
    /// Print a shell's completion script.
    Completions(Completions),
}

async fn run(cli: Cli) -> Result<(), Box<dyn Error>> {
    // Only the commands that talk to Atlas need credentials.
    let connect = || -> Result<Context, Box<dyn Error>> {
        let out = Output::new(cli.json);
        let (client, defaults) = cli.connection.client(out.notices())?;
        Ok(Context { client, defaults, out })
    };
    match cli.command {
        Command::Users { scope } => users::run(&connect()?, scope).await,
        Command::Teams { action } => teams::run(&connect()?, action).await,
        Command::Project { action } => invitations::run_project(&connect()?, action).await,
        Command::Org { action } => invitations::run_org(&connect()?, action).await,
        Command::Migrate { scope } => migrate::run(&connect()?, scope).await,
        Command::Apply(apply) => apply::run(&connect()?, apply).await,
        Command::Completions(shell) => Ok(completions::run(&shell)?),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let Err(err) = run(cli).await else { return ExitCode::SUCCESS };
    eprintln!("error: {err}");
    let mut source = err.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    if err.is::<UsageError>() {
        ExitCode::from(2)
    } else if err.is::<Interrupted>() {
        ExitCode::from(Interrupted::EXIT_STATUS)
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }

    /// Every command a user runs shows, after its options, an example that runs it.
    #[test]
    fn every_command_has_an_example_in_its_help() {
        fn leaves(command: &clap::Command, path: String, found: &mut Vec<(String, String)>) {
            let path = if path.is_empty() { "atlas-members".to_owned() } else { format!("{path} {}", command.get_name()) };
            if !command.has_subcommands() {
                found.push((path.clone(), command.get_after_help().map(|help| help.to_string()).unwrap_or_default()));
            }
            for sub in command.get_subcommands().filter(|sub| sub.get_name() != "help") {
                leaves(sub, path.clone(), found);
            }
        }
        let mut found = Vec::new();
        leaves(&super::Cli::command(), String::new(), &mut found);
        assert_eq!(found.len(), 41, "the commands: {found:?}");
        for (path, help) in found {
            assert!(help.contains(&format!("\n  {path} ")), "`{path} --help` has no example running it: {help:?}");
        }
    }
}
