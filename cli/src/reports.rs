//! What the membership library's plans and reports say: as lines of text, and as JSON (the
//! library's `Serialize` for `ensure` and `apply`; the migration's, streamed, built here).

use std::collections::BTreeSet;

use atlas_admin::InvitationId;
use atlas_admin::membership::{
    Action, Applied, AppliedOutcome, ApplyPlan, Change, Ensured, Grants, Migration, Outcome, Report, Scope, Stage, Step, Subject,
    TeamPlan, TeamWrite,
};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

/// Grants as one line: organization roles, then `PROJECT:ROLE,ROLE` per project (only the
/// roles, in a project's own scope), then `team:ID`s; `nothing` when empty.
pub fn describe(scope: &Scope, grants: &Grants) -> String {
    let mut parts: Vec<String> = grants.org_roles.iter().map(ToString::to_string).collect();
    for (group, roles) in &grants.project_roles {
        let roles: Vec<String> = roles.iter().map(ToString::to_string).collect();
        match scope {
            Scope::Project(own) if own == group => parts.push(roles.join(",")),
            _ => parts.push(format!("{group}:{}", roles.join(","))),
        }
    }
    parts.extend(grants.teams.iter().map(|team| format!("team:{team}")));
    if parts.is_empty() { "nothing".to_owned() } else { parts.join(" ") }
}

pub fn describe_change(scope: &Scope, change: &Change) -> String {
    match change {
        Change::Create { grants } => format!("create with {}", describe(scope, grants)),
        Change::Update { user, add, remove } => {
            let mut parts = vec![format!("update user {user}")];
            if !add.is_empty() {
                parts.push(format!("add {}", describe(scope, add)));
            }
            if !remove.is_empty() {
                parts.push(format!("remove {}", describe(scope, remove)));
            }
            parts.join(": ")
        }
        Change::Unchanged { .. } => "unchanged".to_owned(),
        _ => format!("{change:?}"),
    }
}

pub fn describe_ensured(scope: &Scope, username: &str, ensured: &Ensured) -> String {
    match ensured {
        Ensured::Created { user, grants } => format!("{username}: created (user {user}) with {}", describe(scope, grants)),
        Ensured::Changed { user, added, removed } => {
            format!("{username}: roles added {}; removed {} (user {user})", describe(scope, added), describe(scope, removed))
        }
        Ensured::Unchanged { user } => format!("{username}: unchanged (user {user})"),
        _ => format!("{username}: {ensured:?}"),
    }
}

fn describe_action(scope: &Scope, step_grants: &Grants, action: &Action) -> String {
    match action {
        Action::Create => format!("create pending user with {}", describe(scope, step_grants)),
        Action::AddToMember { user, missing, .. } if missing.is_empty() => {
            format!("already a member (user {user}) with every role: delete the invitation only")
        }
        Action::AddToMember { user, missing, .. } => format!("already a member (user {user}): add {}", describe(scope, missing)),
        _ => format!("{action:?}"),
    }
}

/// The dry run as lines, made one at a time: a header, then one per invitation.
pub fn plan_lines(migration: &Migration) -> impl Iterator<Item = String> + '_ {
    let steps = migration.steps();
    let header = format!("plan for {}: {} pending invitations (dry run, nothing written)", migration.scope, steps.len());
    let width = steps.iter().map(|step| step.username.len()).max().unwrap_or(0);
    std::iter::once(header).chain(steps.iter().map(move |step| {
        let action = describe_action(&migration.scope, &step.grants, &step.action);
        format!("  {}  {:width$}  {action}", step.invitation, step.username)
    }))
}

/// The plan's steps no entry of `report` is for: not started, because the run was stopped.
fn not_started<'a>(migration: &'a Migration, report: &Report) -> impl Iterator<Item = &'a Step> {
    let started: BTreeSet<&InvitationId> = report.entries.iter().map(|entry| &entry.invitation).collect();
    migration.steps().iter().filter(move |step| !started.contains(&step.invitation))
}

/// A failure the client's retries could not outlast (Atlas still throttling, or unreachable)
/// is no refusal: the invitation is left for a rerun.
fn failure_text(stage: &Stage, error: &atlas_admin::Error) -> String {
    if error.is_transient() {
        format!("NOT YET {stage}: still throttled or unreachable after every retry, invitation left in place (rerun): {error}")
    } else {
        format!("FAILED {stage}, invitation left in place: {error}")
    }
}

pub fn report_text(migration: &Migration, report: &Report) -> String {
    let migrated = report.entries.iter().filter(|entry| entry.outcome.is_success()).count();
    let mut text = format!("{}: {migrated} of {} invitations migrated", report.scope, report.planned);
    if report.planned == 0 {
        return text;
    }
    let steps = migration.steps();
    let width = steps.iter().map(|step| step.username.len()).max().unwrap_or(0).max("USERNAME".len());
    text.push_str(&format!("\n{:24}  {:width$}  OUTCOME", "INVITATION", "USERNAME"));
    for entry in &report.entries {
        let outcome = match &entry.outcome {
            Outcome::Migrated { user } => format!("migrated (user {user})"),
            Outcome::AlreadyMember { user, added } if added.is_empty() => format!("already a member (user {user})"),
            Outcome::AlreadyMember { user, added } => {
                format!("already a member (user {user}), added {}", describe(&report.scope, added))
            }
            Outcome::Failed { stage, error } => failure_text(stage, error),
            other => format!("{other:?}"),
        };
        text.push_str(&format!("\n{:24}  {:width$}  {outcome}", entry.invitation.to_string(), entry.username));
    }
    for step in not_started(migration, report) {
        text.push_str(&format!(
            "\n{:24}  {:width$}  not started (interrupted), invitation untouched",
            step.invitation.to_string(),
            step.username
        ));
    }
    text
}

/// `object` with `extra`'s fields added.
fn merged(mut object: Value, extra: Value) -> Value {
    if let (Some(object), Value::Object(extra)) = (object.as_object_mut(), extra) {
        object.extend(extra);
    }
    object
}

/// The dry run as JSON (`scope`, `dryRun`, `invitations`), serialized one invitation at a
/// time: thousands of invitations are never one `Value` tree.
pub struct PlanJson<'a>(pub &'a Migration);

impl Serialize for PlanJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("scope", &self.0.scope)?;
        map.serialize_entry("dryRun", &true)?;
        map.serialize_entry("invitations", self.0.steps())?;
        map.end()
    }
}

/// Every invitation of the plan: its outcome, or `notStarted` when the run was stopped first.
pub fn report_json(migration: &Migration, report: &Report) -> Value {
    let mut entries: Vec<Value> = report
        .entries
        .iter()
        .map(|entry| serde_json::to_value(entry).unwrap_or_else(|err| json!({ "outcome": err.to_string() })))
        .collect();
    let started = entries.len();
    entries.extend(
        not_started(migration, report)
            .map(|step| json!({ "invitationId": step.invitation, "username": step.username, "outcome": "notStarted" })),
    );
    let untouched = entries.len() - started;
    let migrated = report.entries.iter().filter(|entry| entry.outcome.is_success()).count();
    json!({
        "scope": report.scope,
        "planned": report.planned,
        "interrupted": !report.is_complete(),
        "migrated": migrated,
        "failed": report.entries.len() - migrated,
        "notStarted": untouched,
        "entries": entries,
    })
}

/// `{scope, username}` and the outcome's own fields.
pub fn ensured_json(scope: &Scope, username: &str, ensured: &Ensured) -> Value {
    let outcome = serde_json::to_value(ensured).unwrap_or_else(|err| json!({ "outcome": err.to_string() }));
    merged(json!({ "scope": scope, "username": username }), outcome)
}

/// An apply's plan: a count, then one line per user and per team.
pub fn apply_plan_text(plan: &ApplyPlan) -> String {
    let users = plan.users.iter().filter(|user| user.change.writes()).count();
    let mut text = format!("plan: {users} of {} members to change", plan.users.len());
    if !plan.teams.is_empty() {
        let teams = plan.teams.iter().filter(|team| !team.writes().is_empty()).count();
        text.push_str(&format!(", {teams} of {} teams", plan.teams.len()));
    }
    if plan.prune {
        text.push_str(" (pruning)");
    }
    for user in &plan.users {
        text.push_str(&format!("\n  {} {}: {}", user.scope, user.username, describe_change(&user.scope, &user.change)));
    }
    for team in &plan.teams {
        text.push_str(&format!("\n  organization {} {}: {}", team.org, team.team, describe_team_plan(team)));
    }
    text
}

fn describe_team_plan(plan: &TeamPlan) -> String {
    match plan.writes() {
        [] => "unchanged".to_owned(),
        writes => writes.iter().map(describe_team_write).collect::<Vec<_>>().join("; "),
    }
}

fn describe_team_write(write: &TeamWrite) -> String {
    let roles = |roles: &[atlas_admin::roles::ProjectRole]| roles.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    match write {
        TeamWrite::Create { members, .. } => format!("create with {}", members.join(", ")),
        TeamWrite::AddMember { username } => format!("add member {username}"),
        TeamWrite::RemoveMember { username } => format!("remove member {username}"),
        TeamWrite::AssignProject { group, roles: held } => format!("assign {group}:{}", roles(held)),
        TeamWrite::UpdateProject { group, roles: held } => format!("set {group}:{}", roles(held)),
        TeamWrite::RemoveProject { group } => format!("remove from project {group}"),
        other => format!("{other:?}"),
    }
}

/// Who a line of an apply's report is about: the username, or `team NAME`.
pub fn subject_text(subject: &Subject) -> String {
    match subject {
        Subject::User(username) => username.clone(),
        Subject::Team(team) => team.to_string(),
        other => format!("{other:?}"),
    }
}

/// One line of an apply's report.
pub fn applied_text(applied: &Applied) -> String {
    let subject = subject_text(&applied.subject);
    match &applied.outcome {
        AppliedOutcome::User(ensured) => format!("{} {}", applied.scope, describe_ensured(&applied.scope, &subject, ensured)),
        AppliedOutcome::Team(ensured) => {
            let writes: Vec<String> = ensured.written.iter().map(describe_team_write).collect();
            format!("{} {subject} ({}): {}", applied.scope, ensured.team, writes.join("; "))
        }
        AppliedOutcome::Failed(failure) => {
            let mut writes: Vec<String> = failure.written.iter().map(describe_team_write).collect();
            if !failure.added.is_empty() {
                writes.push(format!("added {}", describe(&applied.scope, &failure.added)));
            }
            if !failure.removed.is_empty() {
                writes.push(format!("removed {}", describe(&applied.scope, &failure.removed)));
            }
            let written = if writes.is_empty() { String::new() } else { format!(" (after: {})", writes.join("; ")) };
            format!("{} {subject}: failed: {}{written}", applied.scope, failure.error)
        }
        other => format!("{} {subject}: {other:?}", applied.scope),
    }
}
