//! `apply`: converge the members and teams of several projects and organizations to a YAML
//! file, through `atlas_admin::membership::MembersFile`: parse, then print the library's plan
//! and report.

use std::error::Error;
use std::fs::File;
use std::path::{Path, PathBuf};

use atlas_admin::membership::{ApplyPlan, ApplyReport, MembersFile, Pacer};
use clap::Args;
use serde_json::{Value, json};

use super::Context;
use crate::args::UsageError;
use crate::bulk::pacing;
use crate::interrupt::{Interrupted, ctrl_c};
use crate::reports::{applied_text, apply_plan_text, subject_text};

#[derive(Debug, Args)]
#[command(after_help = "Example:\n  atlas-members apply --file members.yaml --dry-run --prune\n\n\
members.yaml:\n  projects:\n    - group: 32b6e34b3d91647abb20e7b8\n      members:\n        - username: jane@example.com\n          roles: [GROUP_OWNER]\n  \
orgs:\n    - org: 4888442a3354817a7320eb61\n      members:\n        - username: lee@example.com\n          roles: [ORG_MEMBER]\n          \
projectRoles:\n            32b6e34b3d91647abb20e7b8: [GROUP_READ_ONLY]\n          teams: [6a1b2c3d4e5f60718293a4b5]\n      teams:\n        - name: platform\n          \
members: [lee@example.com]\n          projectRoles:\n            32b6e34b3d91647abb20e7b8: [GROUP_READ_ONLY]")]
pub struct Apply {
    /// The desired members of projects and organizations, and organizations' teams, as YAML
    /// (see the example below).
    #[arg(long)]
    file: PathBuf,
    /// Print the plan and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also take away the roles and teams a listed member holds beyond the file's, and a listed
    /// team's members and roles in the projects it names beyond the file's; asks first on a
    /// terminal, and needs --yes otherwise.
    #[arg(long)]
    prune: bool,
    /// Remove without asking (with --prune).
    #[arg(long, requires = "prune")]
    yes: bool,
    /// Also write the plan and every member's and team's outcome to FILE as JSON (what --json
    /// prints), for audit; written too when the run is stopped or some change fails.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

/// Exits with 1 (through the error) when some member or team could not be changed, with 130
/// ([`Interrupted`]) when stopped by Ctrl-C: the member or team in flight finishes, no other
/// starts, and the report so far is printed (and written to --report).
pub async fn run(ctx: &Context, apply: Apply) -> Result<(), Box<dyn Error>> {
    let removing = apply.prune && !apply.dry_run;
    let file = read(&apply.file)?;
    if removing && !apply.yes && !ctx.out.can_ask() {
        return Err(UsageError("apply --prune removes roles and teams: off a terminal it needs --yes to do so".to_owned()).into());
    }
    // Created first, so that a path that cannot be written fails before anything is read or written.
    let report_file = match &apply.report {
        Some(path) => Some(File::create(path).map_err(|err| format!("cannot write --report {}: {err}", path.display()))?),
        None => None,
    };
    let plan = file.plan(&ctx.client, apply.prune).await?;
    let changes = plan.changes();
    ctx.out.text(apply_plan_text(&plan));
    if apply.dry_run || changes == 0 {
        let json = report_json(&plan, None, apply.dry_run);
        ctx.out.json(|| json.clone());
        if let Some(file) = report_file {
            ctx.out.write_json(file, &json)?;
        }
        return Ok(());
    }
    let removals = plan.removals();
    if removing && removals > 0 && !apply.yes {
        let question = format!("take roles or teams away from {removals} member(s) or team(s), as planned above?");
        if ctx.out.confirm(&question)? != Some(true) {
            return Err("nothing written: the removals were not confirmed".into());
        }
    }
    let pacer = Pacer::new(&pacing()?);
    let bar = ctx.out.progress(changes);
    let stop = ctrl_c(ctx.out.notices().clone(), "the member or team in flight");
    let report = plan
        .execute_until(&ctx.client, &pacer, stop, |applied| {
            bar.inc(1);
            bar.set_message(subject_text(&applied.subject));
            bar.suspend(|| ctx.out.text(applied_text(applied)));
        })
        .await;
    bar.finish_and_clear();
    let json = report_json(&plan, Some(&report), false);
    ctx.out.json(|| json.clone());
    if let Some(file) = report_file {
        ctx.out.write_json(file, &json)?;
    }
    if !report.is_complete() {
        return Err(Interrupted { done: report.entries.len(), planned: changes, what: "members and teams" }.into());
    }
    let failed = report.failed();
    if failed > 0 {
        return Err(format!("{failed} of {changes} members and teams could not be changed").into());
    }
    Ok(())
}

/// What `--json` prints and `--report` writes: the plan, and what executing it did.
fn report_json(plan: &ApplyPlan, report: Option<&ApplyReport>, dry_run: bool) -> Value {
    let (results, failed, not_started) = match report {
        Some(report) => (json!(report.entries), report.failed(), report.planned - report.entries.len()),
        None => (json!([]), 0, 0),
    };
    let interrupted = not_started > 0;
    json!({
        "dryRun": dry_run, "plan": plan.users, "teams": plan.teams, "results": results, "failed": failed,
        "interrupted": interrupted, "notStarted": not_started,
    })
}

/// The file, parsed as YAML into the library's model (which checks its roles when planning).
fn read(path: &Path) -> Result<MembersFile, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let file: MembersFile = serde_yaml::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
    file.check().map_err(|err| format!("{}: {err}", path.display()))?;
    Ok(file)
}
