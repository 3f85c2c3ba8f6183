//! The fake's teams, with the rules Atlas enforces: a team is created with its first members
//! (an empty team is refused, 400), each of them already in the organization, pending or
//! active (else 400); a team name is unique in the organization (409 at create and rename);
//! `:addUser` takes a pending user as well as an active one, and only a user of the
//! organization (404); the last member of a team cannot be taken out (400: Atlas keeps no team
//! empty, which is why Terraform's provider adds a team's new members before it removes the old
//! ones); the deprecated `.../users` endpoints take active users only. Statuses are Atlas's;
//! the error codes are the fake's own names. A member's teams are its `Member::teams`, the one
//! place membership is kept, so `listOrgUsers` and `listOrgTeamUsers` always agree.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Member, State, api_error, org_user, page};

/// One team of the organization and the project roles it holds, per project ID.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub project_roles: BTreeMap<String, Vec<String>>,
}

type Reply = (u16, Option<Value>);

/// The answer to a Teams request, or `None` when `parts` (the path after `/api/atlas/v2`, split
/// at `/`) is not a Teams path.
pub(super) fn route(state: &mut State, method: &str, parts: &[&str], body: &Value, username: Option<&str>) -> Option<Reply> {
    let reply = match (method, parts) {
        ("GET", ["groups", group, "teams"]) => (200, Some(page(project_teams(state, group)))),
        ("POST", ["groups", group, "teams"]) => add_project_teams(state, group, body),
        ("GET", ["groups", group, "teams", team]) => match project_team(state, group, team) {
            Some(role) => (200, Some(role)),
            None => not_in_project(),
        },
        ("PATCH", ["groups", group, "teams", team]) => update_project_team(state, group, team, body),
        ("DELETE", ["groups", group, "teams", team]) => match team_mut(state, team).map(|t| t.project_roles.remove(*group)) {
            Some(Some(_)) => (204, None),
            _ => not_in_project(),
        },
        ("GET", ["orgs", _, "teams"]) => (200, Some(page(state.teams.iter().map(team_response).collect()))),
        ("POST", ["orgs", _, "teams"]) => create_team(state, body),
        ("GET", ["orgs", _, "teams", "byName", name]) => {
            let name = percent_decoded(name);
            match state.teams.iter().find(|team| team.name == name) {
                Some(team) => (200, Some(team_response(team))),
                None => team_not_found(),
            }
        }
        ("GET", ["orgs", _, "teams", team_action]) if !team_action.contains(':') => {
            match state.teams.iter().find(|team| team.id == *team_action) {
                Some(team) => (200, Some(team_response(team))),
                None => team_not_found(),
            }
        }
        ("PATCH", ["orgs", _, "teams", team]) => rename_team(state, team, body),
        ("DELETE", ["orgs", _, "teams", team]) => {
            let before = state.teams.len();
            state.teams.retain(|held| held.id != *team);
            if state.teams.len() == before {
                return Some(team_not_found());
            }
            for member in &mut state.members {
                member.teams.retain(|held| held != team);
            }
            (204, None)
        }
        ("POST", ["orgs", _, "teams", team_action]) => {
            let (team, action) = team_action.split_once(':').unwrap_or((team_action, ""));
            let user = body["id"].as_str().unwrap_or_default();
            match action {
                "addUser" => add_member(state, team, user, true),
                "removeUser" => remove_member(state, team, user, true),
                _ => return None,
            }
        }
        ("GET", ["orgs", _, "teams", team, "users"]) => {
            if !state.teams.iter().any(|held| held.id == *team) {
                return Some(team_not_found());
            }
            let matches_name = |member: &&Member| username.is_none_or(|name| member.username.eq_ignore_ascii_case(name));
            let users = state.members.iter().filter(|member| member.teams.iter().any(|held| held == team));
            (200, Some(page(users.filter(matches_name).map(org_user).collect())))
        }
        ("POST", ["orgs", _, "teams", team, "users"]) => {
            let ids: Vec<String> =
                body.as_array().into_iter().flatten().filter_map(|user| user["id"].as_str().map(str::to_owned)).collect();
            let mut added = Vec::new();
            for id in &ids {
                match add_member(state, team, id, false) {
                    (200, Some(user)) => added.push(user),
                    refused => return Some(refused),
                }
            }
            (200, Some(page(added)))
        }
        ("DELETE", ["orgs", _, "teams", team, "users", user]) => match remove_member(state, team, user, false) {
            (200, _) => (204, None),
            refused => refused,
        },
        _ => return None,
    };
    Some(reply)
}

fn team_response(team: &Team) -> Value {
    json!({ "id": team.id, "name": team.name, "links": [] })
}

fn team_mut<'a>(state: &'a mut State, id: &str) -> Option<&'a mut Team> {
    state.teams.iter_mut().find(|team| team.id == id)
}

fn team_not_found() -> Reply {
    api_error(404, "TEAM_NOT_FOUND", "no such team in the organization")
}

fn not_in_project() -> Reply {
    api_error(404, "TEAM_NOT_IN_GROUP", "the team has no access to the project")
}

fn project_team(state: &State, group: &str, team: &str) -> Option<Value> {
    let held = state.teams.iter().find(|held| held.id == team)?;
    held.project_roles.get(group).map(|roles| json!({ "teamId": held.id, "roleNames": roles, "links": [] }))
}

fn project_teams(state: &State, group: &str) -> Vec<Value> {
    state.teams.iter().filter_map(|team| project_team(state, group, &team.id)).collect()
}

/// `addGroupTeams`: every team named must exist; each gets the roles given (a team already in
/// the project keeps the union). Answers with the project's teams.
fn add_project_teams(state: &mut State, group: &str, body: &Value) -> Reply {
    let entries = body.as_array().cloned().unwrap_or_default();
    if entries.iter().any(|entry| !state.teams.iter().any(|team| Some(team.id.as_str()) == entry["teamId"].as_str())) {
        return team_not_found();
    }
    for entry in &entries {
        let team = team_mut(state, entry["teamId"].as_str().unwrap_or_default()).expect("checked above");
        let roles = team.project_roles.entry(group.to_owned()).or_default();
        for role in super::strings(&entry["roleNames"]) {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    (200, Some(page(project_teams(state, group))))
}

/// `updateGroupTeam`: the team's roles in the project become the ones given.
fn update_project_team(state: &mut State, group: &str, team: &str, body: &Value) -> Reply {
    let Some(roles) = team_mut(state, team).and_then(|team| team.project_roles.get_mut(group)) else {
        return not_in_project();
    };
    *roles = super::strings(&body["roleNames"]);
    (200, Some(page(project_teams(state, group))))
}

fn name_taken(state: &State, name: &str, other_than: Option<&str>) -> bool {
    state.teams.iter().any(|team| team.name == name && Some(team.id.as_str()) != other_than)
}

fn create_team(state: &mut State, body: &Value) -> Reply {
    let name = body["name"].as_str().unwrap_or_default().to_owned();
    let usernames = super::strings(&body["usernames"]);
    if usernames.is_empty() {
        return api_error(400, "TEAM_WITHOUT_USERS", "a team is created with at least one user");
    }
    if name_taken(state, &name, None) {
        return api_error(409, "DUPLICATE_TEAM_NAME", &format!("a team named {name} exists"));
    }
    let unknown: Vec<&String> = usernames
        .iter()
        .filter(|username| !state.members.iter().any(|member| member.username.eq_ignore_ascii_case(username)))
        .collect();
    if !unknown.is_empty() {
        return api_error(400, "USER_NOT_IN_ORG", &format!("not in the organization: {unknown:?}"));
    }
    let id = state.new_id("e0");
    for member in &mut state.members {
        if usernames.iter().any(|username| member.username.eq_ignore_ascii_case(username)) {
            member.teams.push(id.clone());
        }
    }
    state.teams.push(Team { id: id.clone(), name: name.clone(), project_roles: BTreeMap::new() });
    (200, Some(json!({ "id": id, "name": name, "usernames": usernames, "links": [] })))
}

fn rename_team(state: &mut State, team: &str, body: &Value) -> Reply {
    let name = body["name"].as_str().unwrap_or_default().to_owned();
    if name_taken(state, &name, Some(team)) {
        return api_error(409, "DUPLICATE_TEAM_NAME", &format!("a team named {name} exists"));
    }
    match team_mut(state, team) {
        Some(held) => {
            held.name = name;
            let held = held.clone();
            (200, Some(team_response(&held)))
        }
        None => team_not_found(),
    }
}

/// Adds the user `id` to `team`: any member of the organization through `:addUser`
/// (`pending_allowed`), active ones only through the deprecated endpoint. Adding a member
/// twice changes nothing.
fn add_member(state: &mut State, team: &str, id: &str, pending_allowed: bool) -> Reply {
    if !state.teams.iter().any(|held| held.id == team) {
        return team_not_found();
    }
    let Some(member) = state.members.iter_mut().find(|member| member.id == id) else {
        return api_error(404, "USER_NOT_IN_ORG", "no such user in the organization");
    };
    if !member.active && !pending_allowed {
        return api_error(404, "USER_NOT_FOUND", "the deprecated team endpoints see active users only");
    }
    if !member.teams.iter().any(|held| held == team) {
        member.teams.push(team.to_owned());
    }
    (200, Some(org_user(member)))
}

/// Takes the user `id` out of `team`, unless it is the team's last member.
fn remove_member(state: &mut State, team: &str, id: &str, pending_allowed: bool) -> Reply {
    if !state.teams.iter().any(|held| held.id == team) {
        return team_not_found();
    }
    let members = state.members.iter().filter(|member| member.teams.iter().any(|held| held == team)).count();
    let Some(member) = state.members.iter_mut().find(|member| member.id == id && member.teams.iter().any(|held| held == team))
    else {
        return api_error(404, "USER_NOT_IN_TEAM", "the user is not in the team");
    };
    if !member.active && !pending_allowed {
        return api_error(404, "USER_NOT_FOUND", "the deprecated team endpoints see active users only");
    }
    if members == 1 {
        return api_error(400, "CANNOT_REMOVE_LAST_TEAM_USER", "a team keeps at least one user");
    }
    member.teams.retain(|held| held != team);
    (200, Some(org_user(member)))
}

/// A path segment with its `%XX` escapes decoded (a team name may hold any character).
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped =
            (bytes[at] == b'%').then(|| segment.get(at + 1..at + 3)).flatten().and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                at += 3;
            }
            None => {
                decoded.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}
