//! `apply`: converge the members of several projects and organizations to a YAML file; every
//! member is planned before anything is written.

use std::error::Error;
use std::path::PathBuf;

use atlas_admin::membership::Pacer;
use clap::Args;
use serde_json::json;

use super::Context;
use crate::args::UsageError;
use crate::bulk::{MembersFile, execute, pacing, removes};
use crate::reports::{change_json, describe_change, describe_ensured, ensured_json};

#[derive(Debug, Args)]
#[command(after_help = "Example:\n  atlas-members apply --file members.yaml --dry-run --prune\n\n\
members.yaml:\n  projects:\n    - group: 32b6e34b3d91647abb20e7b8\n      members:\n        - username: jane@example.com\n          roles: [GROUP_OWNER]\n  \
orgs:\n    - org: 4888442a3354817a7320eb61\n      members:\n        - username: lee@example.com\n          roles: [ORG_MEMBER]\n          \
projectRoles:\n            32b6e34b3d91647abb20e7b8: [GROUP_READ_ONLY]\n          teams: [6a1b2c3d4e5f60718293a4b5]")]
pub struct Apply {
    /// The desired members of projects and organizations, as YAML (see the example below).
    #[arg(long)]
    file: PathBuf,
    /// Print the plan and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also take away the roles and teams a listed member holds beyond the file's; asks first
    /// on a terminal, and needs --yes otherwise.
    #[arg(long)]
    prune: bool,
    /// Remove without asking (with --prune).
    #[arg(long, requires = "prune")]
    yes: bool,
}

/// Exits with 1 (through the error) when some member could not be changed.
pub async fn run(ctx: &Context, apply: Apply) -> Result<(), Box<dyn Error>> {
    let removing = apply.prune && !apply.dry_run;
    let file = MembersFile::read(&apply.file)?;
    if removing && !apply.yes && !ctx.out.can_ask() {
        return Err(UsageError("apply --prune removes roles and teams: off a terminal it needs --yes to do so".to_owned()).into());
    }
    let plans = file.plan(&ctx.client, apply.prune).await?;
    let changes = plans.iter().filter(|plan| plan.change.writes()).count();
    ctx.out.text(format!("plan: {changes} of {} members to change{}", plans.len(), if apply.prune { " (pruning)" } else { "" }));
    for plan in &plans {
        ctx.out.text(format!("  {} {}: {}", plan.scope, plan.username, describe_change(&plan.scope, &plan.change)));
    }
    let plan_json = || plans.iter().map(change_json).collect::<Vec<_>>();
    if apply.dry_run || changes == 0 {
        ctx.out.json(|| json!({ "dryRun": apply.dry_run, "plan": plan_json(), "results": [], "failed": 0 }));
        return Ok(());
    }
    let removals = plans.iter().filter(|plan| removes(plan)).count();
    if removing && removals > 0 && !apply.yes {
        let question = format!("take roles or teams away from {removals} member(s), as planned above?");
        if ctx.out.confirm(&question)? != Some(true) {
            return Err("nothing written: the removals were not confirmed".into());
        }
    }
    let pacer = Pacer::new(&pacing()?);
    let bar = ctx.out.progress(changes);
    let mut results = Vec::new();
    let failed = execute(&ctx.client, &plans, &pacer, |plan, ensured| {
        bar.inc(1);
        bar.set_message(plan.username.clone());
        let (line, result) = match ensured {
            Ok(ensured) => (
                format!("{} {}", plan.scope, describe_ensured(&plan.scope, &plan.username, ensured)),
                ensured_json(&plan.scope, &plan.username, ensured),
            ),
            Err(err) => (
                format!("{} {}: failed: {err}", plan.scope, plan.username),
                json!({ "username": plan.username, "outcome": "failed", "error": err.to_string() }),
            ),
        };
        bar.suspend(|| ctx.out.text(line));
        results.push(result);
    })
    .await;
    bar.finish_and_clear();
    ctx.out.json(|| json!({ "dryRun": false, "plan": plan_json(), "results": results, "failed": failed }));
    if failed > 0 {
        return Err(format!("{failed} of {changes} members could not be changed").into());
    }
    Ok(())
}
