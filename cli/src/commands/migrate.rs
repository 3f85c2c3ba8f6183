//! `migrate`: every pending invitation of a project or organization re-created as a pending
//! user with the same grants, the invitation deleted only after.

use std::error::Error;

use atlas_admin::membership::{Migration, Pacer};
use clap::{Args, Subcommand};

use super::Context;
use crate::args::{Org, Project};
use crate::bulk::pacing;
use crate::reports::{plan_json, plan_text, report_json, report_text};

#[derive(Debug, Subcommand)]
pub enum MigrateScope {
    /// Every pending invitation to one project.
    #[command(after_help = "Example:\n  atlas-members migrate project --group 32b6e34b3d91647abb20e7b8 --dry-run")]
    Project {
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        options: MigrateOptions,
    },
    /// Every pending invitation to one organization (with its project roles and teams).
    #[command(after_help = "Example:\n  atlas-members migrate org --org 4888442a3354817a7320eb61 --json > report.json")]
    Org {
        #[command(flatten)]
        org: Org,
        #[command(flatten)]
        options: MigrateOptions,
    },
}

#[derive(Debug, Args)]
pub struct MigrateOptions {
    /// Print the plan and write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Exits with 1 (through the error) when some invitation stays in place.
pub async fn run(ctx: &Context, scope: MigrateScope) -> Result<(), Box<dyn Error>> {
    let (migration, options) = match scope {
        MigrateScope::Project { project, options } => {
            (Migration::plan_project(&ctx.client, &project.resolve(&ctx.defaults)?).await?, options)
        }
        MigrateScope::Org { org, options } => (Migration::plan_org(&ctx.client, &org.resolve(&ctx.defaults)?).await?, options),
    };
    if options.dry_run {
        ctx.out.text(plan_text(&migration));
        ctx.out.json(|| plan_json(&migration));
        return Ok(());
    }
    let pacer = Pacer::new(&pacing()?);
    let bar = ctx.out.progress(migration.steps().len());
    let report = migration
        .execute(&ctx.client, &pacer, |progress| {
            bar.set_position(progress.done as u64);
            bar.set_message(progress.last.username.clone());
        })
        .await;
    bar.finish_and_clear();
    ctx.out.text(report_text(&report));
    ctx.out.json(|| report_json(&report));
    let failed = report.failures().count();
    if failed > 0 {
        return Err(format!("{failed} of {} invitations could not be migrated and stay in place", report.entries.len()).into());
    }
    Ok(())
}
