//! `migrate`: every pending invitation of a project or organization re-created as a pending
//! user with the same grants, the invitation deleted only after; Ctrl-C starts no further
//! invitation, and `--report` keeps every invitation's outcome for audit.

use std::error::Error;
use std::fs::File;
use std::path::PathBuf;

use atlas_admin::membership::{Migration, Pacer};
use clap::{Args, Subcommand};

use super::Context;
use crate::args::{Org, Project};
use crate::bulk::pacing;
use crate::interrupt::{Interrupted, ctrl_c};
use crate::reports::{PlanJson, plan_lines, report_json, report_text};

#[derive(Debug, Subcommand)]
pub enum MigrateScope {
    /// Every pending invitation to one project.
    ///
    /// Ctrl-C starts no further invitation: the ones in flight finish, the report so far is
    /// printed (and written to --report), and the exit status is 130; a rerun finishes the job.
    #[command(after_help = "Example:\n  atlas-members migrate project --group 32b6e34b3d91647abb20e7b8 --dry-run")]
    Project {
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        options: MigrateOptions,
    },
    /// Every pending invitation to one organization (with its project roles and teams).
    ///
    /// Ctrl-C starts no further invitation: the ones in flight finish, the report so far is
    /// printed (and written to --report), and the exit status is 130; a rerun finishes the job.
    #[command(after_help = "Example:\n  atlas-members migrate org --org 4888442a3354817a7320eb61 --report migration.json")]
    Org {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        options: MigrateOptions,
    },
}

/// A second Ctrl-C quits at once (the first starts no further invitation, see the commands).
#[derive(Debug, Args)]
pub struct MigrateOptions {
    /// Print the plan and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also write the outcome of every invitation (or, with --dry-run, the plan) to FILE as
    /// JSON, for audit; written too when the run is stopped or some invitation fails.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

/// Exits with 1 (through the error) when some invitation stays in place, with 130
/// ([`Interrupted`]) when stopped by Ctrl-C.
pub async fn run(ctx: &Context, scope: MigrateScope) -> Result<(), Box<dyn Error>> {
    let (migration, options) = match scope {
        MigrateScope::Project { project, options } => {
            (Migration::plan_project(&ctx.client, &project.resolve(&ctx.defaults)?).await?, options)
        }
        MigrateScope::Org { org, options } => (Migration::plan_org(&ctx.client, &org.resolve(&ctx.defaults)?).await?, options),
    };
    // Created first, so that a path that cannot be written fails before any write to Atlas.
    let report_file = match &options.report {
        Some(path) => Some(File::create(path).map_err(|err| format!("cannot write --report {}: {err}", path.display()))?),
        None => None,
    };
    if options.dry_run {
        plan_lines(&migration).for_each(|line| ctx.out.text(line));
        ctx.out.json_streamed(&PlanJson(&migration));
        if let Some(file) = report_file {
            ctx.out.write_json(file, &PlanJson(&migration))?;
        }
        return Ok(());
    }
    let pacer = Pacer::new(&pacing()?);
    let bar = ctx.out.progress(migration.steps().len());
    let report = migration
        .execute_until(&ctx.client, &pacer, ctrl_c(ctx.out.notices().clone(), "the invitations in flight"), |progress| {
            bar.set_position(progress.done as u64);
            bar.set_message(progress.last.username.clone());
        })
        .await;
    bar.finish_and_clear();
    ctx.out.text(report_text(&migration, &report));
    ctx.out.json(|| report_json(&migration, &report));
    if let Some(file) = report_file {
        ctx.out.write_json(file, &report_json(&migration, &report))?;
    }
    if !report.is_complete() {
        return Err(Interrupted { done: report.entries.len(), planned: report.planned, what: "invitations" }.into());
    }
    let failed = report.failures().count();
    if failed > 0 {
        return Err(format!("{failed} of {} invitations could not be migrated and stay in place", report.entries.len()).into());
    }
    Ok(())
}
