//! What the membership library's plans and reports say: as lines of text, and as JSON (the
//! library's `Serialize` for `ensure` and `apply`; the migration's, streamed, built here).

use atlas_admin::membership::{
    Action, Applied, AppliedOutcome, ApplyPlan, Change, Ensured, Grants, Migration, Outcome, Report, Scope, Subject, TeamPlan,
    TeamWrite,
};
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

pub fn plan_text(migration: &Migration) -> String {
    let steps = migration.steps();
    let mut text = format!("plan for {}: {} pending invitations (dry run, nothing written)", migration.scope, steps.len());
    let width = steps.iter().map(|step| step.username.len()).max().unwrap_or(0);
    for step in steps {
        let action = describe_action(&migration.scope, &step.grants, &step.action);
        text.push_str(&format!("\n  {}  {:width$}  {action}", step.invitation, step.username));
    }
    text
}

pub fn report_text(report: &Report) -> String {
    let migrated = report.entries.iter().filter(|entry| entry.outcome.is_success()).count();
    let mut text = format!("{}: {migrated} of {} invitations migrated", report.scope, report.entries.len());
    if report.entries.is_empty() {
        return text;
    }
    let width = report.entries.iter().map(|entry| entry.username.len()).max().unwrap_or(0).max("USERNAME".len());
    text.push_str(&format!("\n{:24}  {:width$}  OUTCOME", "INVITATION", "USERNAME"));
    for entry in &report.entries {
        let outcome = match &entry.outcome {
            Outcome::Migrated { user } => format!("migrated (user {user})"),
            Outcome::AlreadyMember { user, added } if added.is_empty() => format!("already a member (user {user})"),
            Outcome::AlreadyMember { user, added } => {
                format!("already a member (user {user}), added {}", describe(&report.scope, added))
            }
            Outcome::Failed { stage, error } => format!("FAILED {stage}, invitation left in place: {error}"),
            other => format!("{other:?}"),
        };
        text.push_str(&format!("\n{:24}  {:width$}  {outcome}", entry.invitation.to_string(), entry.username));
    }
    text
}

pub fn scope_json(scope: &Scope) -> Value {
    match scope {
        Scope::Project(group) => json!({ "project": group }),
        Scope::Organization(org) => json!({ "org": org }),
        _ => json!(scope.to_string()),
    }
}

/// `object` with `extra`'s fields added.
fn merged(mut object: Value, extra: Value) -> Value {
    if let (Some(object), Value::Object(extra)) = (object.as_object_mut(), extra) {
        object.extend(extra);
    }
    object
}

pub fn plan_json(migration: &Migration) -> Value {
    let steps: Vec<Value> = migration
        .steps()
        .iter()
        .map(|step| {
            let action = match &step.action {
                Action::Create => json!({ "action": "create" }),
                Action::AddToMember { user, missing, .. } => {
                    json!({ "action": "addToMember", "userId": user, "missing": missing })
                }
                other => json!({ "action": format!("{other:?}") }),
            };
            merged(json!({ "invitationId": step.invitation, "username": step.username, "grants": step.grants }), action)
        })
        .collect();
    json!({ "scope": scope_json(&migration.scope), "dryRun": true, "invitations": steps })
}

pub fn report_json(report: &Report) -> Value {
    let entries: Vec<Value> = report
        .entries
        .iter()
        .map(|entry| {
            let outcome = match &entry.outcome {
                Outcome::Migrated { user } => json!({ "outcome": "migrated", "userId": user }),
                Outcome::AlreadyMember { user, added } => json!({ "outcome": "alreadyMember", "userId": user, "added": added }),
                Outcome::Failed { stage, error } => json!({
                    "outcome": "failed",
                    "stage": stage.to_string(),
                    "error": error.to_string(),
                    "status": error.status().map(|status| status.as_u16()),
                    "errorCode": error.api_error().map(|api| api.error_code.clone()),
                }),
                other => json!({ "outcome": format!("{other:?}") }),
            };
            merged(json!({ "invitationId": entry.invitation, "username": entry.username }), outcome)
        })
        .collect();
    let migrated = report.entries.iter().filter(|entry| entry.outcome.is_success()).count();
    json!({
        "scope": scope_json(&report.scope),
        "migrated": migrated,
        "failed": report.entries.len() - migrated,
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
            let written = match failure.written.as_slice() {
                [] => String::new(),
                writes => format!(" (after: {})", writes.iter().map(describe_team_write).collect::<Vec<_>>().join("; ")),
            };
            format!("{} {subject}: failed: {}{written}", applied.scope, failure.error)
        }
        other => format!("{} {subject}: {other:?}", applied.scope),
    }
}
