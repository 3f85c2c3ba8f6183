//! A stateful fake of Atlas's invitation, MongoDB Cloud Users and Teams endpoints for one
//! organization and its projects, on a wiremock server on 127.0.0.1: invitations are listed and
//! deleted, users are created (409 when the username is already a member, 400 for a refused
//! username), listed (by username), given and relieved of roles (never the last project role),
//! and patched; teams are served by `teams` with Atlas's rules; lists come in the pages asked
//! for; every write is logged in order.

mod teams;

pub use teams::Team;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One member of the organization (pending or active) and its projects.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: String,
    pub username: String,
    pub active: bool,
    pub org_roles: Vec<String>,
    pub project_roles: BTreeMap<String, Vec<String>>,
    pub teams: Vec<String>,
}

/// A write the fake accepted or refused: method, path (after `/api/atlas/v2`), body.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub status: u16,
}

#[derive(Debug, Default)]
pub struct State {
    /// Project invitations, per project ID.
    pub group_invites: BTreeMap<String, Vec<Value>>,
    /// The organization's invitations.
    pub org_invites: Vec<Value>,
    pub members: Vec<Member>,
    /// The organization's teams; who is in one is each member's `teams`.
    pub teams: Vec<Team>,
    /// Usernames whose creation Atlas refuses (400).
    pub refused: BTreeSet<String>,
    /// Ends of paths (`:removeRole`) whose writes Atlas refuses (403), doing nothing.
    pub forbidden: BTreeSet<String>,
    pub writes: Vec<Write>,
    /// How many of the next writes are answered 429 with `Retry-After: 0`, doing nothing.
    pub throttle_writes: usize,
    /// Atlas's invitation limit, when set: user creations beyond it are refused as throttled.
    pub invitation_limit: Option<InvitationLimit>,
    /// Holds the answer to one write (see [`FakeAtlas::hold_write`]).
    pub hold: Option<Hold>,
    next_id: u64,
}

/// At most `per_window` user creations (`POST .../users`) per `window`; the excess is answered
/// 400 `INVITATIONS_RATE_LIMITED_IP`, doing nothing, with `Retry-After` the whole seconds left
/// in the window (Atlas's limit is about ten a minute; a test makes the window short).
#[derive(Debug)]
pub struct InvitationLimit {
    pub per_window: usize,
    pub window: std::time::Duration,
    started: Option<std::time::Instant>,
    used: usize,
    /// How many creations were refused as throttled.
    pub refused: usize,
}

impl InvitationLimit {
    pub fn new(per_window: usize, window: std::time::Duration) -> Self {
        Self { per_window, window, started: None, used: 0, refused: 0 }
    }

    /// `None` when a creation may go ahead now, else the seconds to wait.
    fn admit(&mut self, now: std::time::Instant) -> Option<u64> {
        let started = *self.started.get_or_insert(now);
        let elapsed = now.duration_since(started);
        if elapsed >= self.window {
            self.started = Some(now);
            self.used = 0;
        } else if self.used >= self.per_window {
            self.refused += 1;
            return Some((self.window - elapsed).as_secs_f64().ceil().max(1.0) as u64);
        }
        self.used += 1;
        None
    }
}

/// The write numbered `at` (1 for the first) is applied, then its answer waits until the test
/// sends on `release` (or drops it); `reached` is told when it gets there. Lets a test stop or
/// kill a client at a known point with no sleep.
#[derive(Debug)]
pub struct Hold {
    pub at: usize,
    pub reached: std::sync::mpsc::Sender<()>,
    pub release: Arc<Mutex<std::sync::mpsc::Receiver<()>>>,
}

impl State {
    fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{:0>width$x}", self.next_id, width = 24 - prefix.len())
    }
}

/// The running fake; it stops when dropped.
pub struct FakeAtlas {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

pub const ORG: &str = "4888442a3354817a7320eb61";
pub const GROUP: &str = "32b6e34b3d91647abb20e7b8";
pub const OTHER_GROUP: &str = "5c0a0b0c0d0e0f1011121314";

impl FakeAtlas {
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(any()).respond_with(Responder(state.clone())).mount(&server).await;
        Self { server, state }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Adds a project invitation and returns its ID.
    pub fn invite_to_project(&self, group: &str, username: &str, roles: &[&str]) -> String {
        let mut state = self.state.lock().unwrap();
        let id = state.new_id("a0");
        state.group_invites.entry(group.into()).or_default().push(json!({
            "id": id, "groupId": group, "groupName": "Project", "username": username, "roles": roles,
            "createdAt": "2026-11-01T09:30:00Z", "expiresAt": "2026-12-01T09:30:00Z", "inviterUsername": "admin@example.com",
        }));
        id
    }

    /// Adds an organization invitation (`project_roles`: one `(project, role)` per entry, as
    /// the invitation lists them) and returns its ID.
    pub fn invite_to_org(&self, username: &str, roles: &[&str], project_roles: &[(&str, &str)], teams: &[&str]) -> String {
        let mut state = self.state.lock().unwrap();
        let id = state.new_id("b0");
        let assignments: Vec<Value> =
            project_roles.iter().map(|(group, role)| json!({ "groupId": group, "groupRole": role })).collect();
        state.org_invites.push(json!({
            "id": id, "orgId": ORG, "orgName": "Org", "username": username, "roles": roles,
            "groupRoleAssignments": assignments, "teamIds": teams,
            "createdAt": "2026-11-01T09:30:00Z", "expiresAt": "2026-12-01T09:30:00Z", "inviterUsername": "admin@example.com",
        }));
        id
    }

    /// Adds an active member and returns its ID.
    pub fn add_member(&self, username: &str, org_roles: &[&str], project_roles: &[(&str, &[&str])], teams: &[&str]) -> String {
        let mut state = self.state.lock().unwrap();
        let id = state.new_id("c0");
        state.members.push(Member {
            id: id.clone(),
            username: username.into(),
            active: true,
            org_roles: org_roles.iter().map(|role| role.to_string()).collect(),
            project_roles: project_roles
                .iter()
                .map(|(group, roles)| (group.to_string(), roles.iter().map(|role| role.to_string()).collect()))
                .collect(),
            teams: teams.iter().map(|team| team.to_string()).collect(),
        });
        id
    }

    /// Adds a team with the members of these usernames (already in the organization) and
    /// returns its ID.
    pub fn add_team(&self, name: &str, usernames: &[&str]) -> String {
        let mut state = self.state.lock().unwrap();
        let id = state.new_id("e0");
        for member in &mut state.members {
            if usernames.iter().any(|username| member.username.eq_ignore_ascii_case(username)) {
                member.teams.push(id.clone());
            }
        }
        state.teams.push(Team { id: id.clone(), name: name.into(), project_roles: BTreeMap::new() });
        id
    }

    /// The team of this name, if there is one.
    pub fn team(&self, name: &str) -> Option<Team> {
        self.state.lock().unwrap().teams.iter().find(|team| team.name == name).cloned()
    }

    /// The usernames of a team's members, sorted.
    pub fn team_members(&self, team: &str) -> Vec<String> {
        let state = self.state.lock().unwrap();
        let mut members: Vec<String> = state
            .members
            .iter()
            .filter(|member| member.teams.iter().any(|held| held == team))
            .map(|member| member.username.clone())
            .collect();
        members.sort();
        members
    }

    /// Enforces an invitation limit from now on.
    pub fn limit_invitations(&self, per_window: usize, window: std::time::Duration) {
        self.state.lock().unwrap().invitation_limit = Some(InvitationLimit::new(per_window, window));
    }

    /// How many user creations the invitation limit refused.
    pub fn invitations_throttled(&self) -> usize {
        self.state.lock().unwrap().invitation_limit.as_ref().map_or(0, |limit| limit.refused)
    }

    /// Applies write number `at` (counting every write, refused ones too), then holds its answer
    /// until the returned sender sends or is dropped; the returned receiver hears when the write
    /// is held.
    pub fn hold_write(&self, at: usize) -> (std::sync::mpsc::Receiver<()>, std::sync::mpsc::Sender<()>) {
        let (reached, reached_rx) = std::sync::mpsc::channel();
        let (release, release_rx) = std::sync::mpsc::channel();
        self.state.lock().unwrap().hold = Some(Hold { at, reached, release: Arc::new(Mutex::new(release_rx)) });
        (reached_rx, release)
    }

    pub fn throttle_next_writes(&self, count: usize) {
        self.state.lock().unwrap().throttle_writes = count;
    }

    /// Refuses (403, doing nothing) every write to a path ending with `path_end`.
    pub fn forbid(&self, path_end: &str) {
        self.state.lock().unwrap().forbidden.insert(path_end.into());
    }

    pub fn refuse(&self, username: &str) {
        self.state.lock().unwrap().refused.insert(username.into());
    }

    pub fn writes(&self) -> Vec<Write> {
        self.state.lock().unwrap().writes.clone()
    }

    pub fn member(&self, username: &str) -> Option<Member> {
        self.state.lock().unwrap().members.iter().find(|member| member.username == username).cloned()
    }

    pub fn group_invites(&self, group: &str) -> Vec<Value> {
        self.state.lock().unwrap().group_invites.get(group).cloned().unwrap_or_default()
    }

    pub fn org_invites(&self) -> Vec<Value> {
        self.state.lock().unwrap().org_invites.clone()
    }
}

struct Responder(Arc<Mutex<State>>);

impl Respond for Responder {
    /// Answers from the state; a held write's answer waits with the state unlocked, on the
    /// server's own thread (wiremock runs each server on one).
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        let template = answer(&mut state, request);
        let held = match &state.hold {
            Some(hold) if request.method.as_str() != "GET" && hold.at == state.writes.len() => {
                hold.reached.send(()).ok();
                Some(hold.release.clone())
            }
            _ => None,
        };
        drop(state);
        if let Some(release) = held {
            release.lock().unwrap().recv().ok();
        }
        template
    }
}

fn answer(state: &mut State, request: &Request) -> ResponseTemplate {
    let method = request.method.as_str().to_owned();
    let path = request.url.path().trim_start_matches("/api/atlas/v2").to_owned();
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let username = request.url.query_pairs().find(|(key, _)| key == "username").map(|(_, value)| value.into_owned());
    if method != "GET" && state.throttle_writes > 0 {
        state.throttle_writes -= 1;
        state.writes.push(Write { method, path, body, status: 429 });
        let (status, reply) = api_error(429, "RATE_LIMITED", "too many requests");
        return ResponseTemplate::new(status).insert_header("Retry-After", "0").set_body_json(reply);
    }
    if method != "GET" && state.forbidden.iter().any(|end| path.ends_with(end.as_str())) {
        state.writes.push(Write { method, path, body, status: 403 });
        let (status, reply) = api_error(403, "USER_UNAUTHORIZED", "the key may not do this");
        return ResponseTemplate::new(status).set_body_json(reply);
    }
    let creates_user = method == "POST" && path.ends_with("/users") && !path.contains("/teams/");
    let wait = state.invitation_limit.as_mut().filter(|_| creates_user).and_then(|limit| limit.admit(std::time::Instant::now()));
    if let Some(seconds) = wait {
        state.writes.push(Write { method, path, body, status: 400 });
        let (status, reply) = api_error(400, "INVITATIONS_RATE_LIMITED_IP", "too many invitations from this address");
        return ResponseTemplate::new(status).insert_header("Retry-After", seconds.to_string()).set_body_json(reply);
    }
    let (status, mut reply) = route(state, &method, &path, &body, username.as_deref());
    if let Some(reply) = reply.as_mut() {
        paged(reply, request);
    }
    if method != "GET" {
        state.writes.push(Write { method, path, body, status });
    }
    let template = ResponseTemplate::new(status);
    match reply {
        Some(reply) => template.set_body_json(reply),
        None => template,
    }
}

fn api_error(status: u16, code: &str, detail: &str) -> (u16, Option<Value>) {
    (status, Some(json!({ "error": status, "errorCode": code, "detail": detail, "reason": "Refused" })))
}

fn user_fields(member: &Member) -> Value {
    let mut user = json!({ "id": member.id, "username": member.username });
    let extra = if member.active {
        json!({ "orgMembershipStatus": "ACTIVE", "createdAt": "2025-01-02T03:04:05Z", "firstName": "A", "lastName": "B" })
    } else {
        json!({ "orgMembershipStatus": "PENDING", "invitationCreatedAt": "2026-12-01T00:00:00Z",
                "invitationExpiresAt": "2027-01-01T00:00:00Z", "inviterUsername": "admin@example.com" })
    };
    user.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    user
}

fn project_user(member: &Member, group: &str) -> Value {
    let mut user = user_fields(member);
    user["roles"] = json!(member.project_roles.get(group).cloned().unwrap_or_default());
    user
}

fn org_user(member: &Member) -> Value {
    let mut user = user_fields(member);
    let assignments: Vec<Value> =
        member.project_roles.iter().map(|(group, roles)| json!({ "groupId": group, "groupRoles": roles })).collect();
    user["roles"] = json!({ "orgRoles": member.org_roles, "groupRoleAssignments": assignments });
    user["teamIds"] = json!(member.teams);
    user
}

/// A list reply cut to the page the request asks for (`pageNum`, `itemsPerPage`), with a
/// `next` link when more follow, as Atlas pages; a request that names no page gets them all.
fn paged(reply: &mut Value, request: &Request) {
    let number =
        |key: &str| request.url.query_pairs().find(|(name, _)| name == key).and_then(|(_, value)| value.parse::<usize>().ok());
    let (Some(page_num), Some(per_page), Some(results)) =
        (number("pageNum"), number("itemsPerPage"), reply.get_mut("results").and_then(Value::as_array_mut))
    else {
        return;
    };
    let start = (page_num.max(1) - 1) * per_page;
    let more = results.len() > start + per_page;
    *results = results.iter().skip(start).take(per_page).cloned().collect();
    if more {
        reply["links"] = json!([{ "rel": "next", "href": format!("{}?pageNum={}", request.url.path(), page_num + 1) }]);
    }
}

fn page(results: Vec<Value>) -> Value {
    json!({ "totalCount": results.len(), "results": results, "links": [] })
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().map(|items| items.iter().filter_map(|item| item.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn route(state: &mut State, method: &str, path: &str, body: &Value, username: Option<&str>) -> (u16, Option<Value>) {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let matches_name = |member: &&Member| username.is_none_or(|name| member.username.eq_ignore_ascii_case(name));
    match (method, parts.as_slice()) {
        ("GET", ["groups", group, "invites"]) => (200, Some(json!(state.group_invites.get(*group).cloned().unwrap_or_default()))),
        ("DELETE", ["groups", group, "invites", id]) => {
            let invites = state.group_invites.entry(group.to_string()).or_default();
            let before = invites.len();
            invites.retain(|invite| invite["id"] != *id);
            if invites.len() == before { api_error(404, "INVITATION_NOT_FOUND", "no such invitation") } else { (204, None) }
        }
        ("GET", ["orgs", _, "invites"]) => (200, Some(json!(state.org_invites))),
        ("DELETE", ["orgs", _, "invites", id]) => {
            let before = state.org_invites.len();
            state.org_invites.retain(|invite| invite["id"] != *id);
            if state.org_invites.len() == before {
                api_error(404, "INVITATION_NOT_FOUND", "no such invitation")
            } else {
                (204, None)
            }
        }
        ("GET", ["groups", group, "users"]) => {
            let users = state
                .members
                .iter()
                .filter(|member| member.project_roles.contains_key(*group))
                .filter(matches_name)
                .map(|member| project_user(member, group))
                .collect();
            (200, Some(page(users)))
        }
        ("GET", ["orgs", _, "users"]) => (200, Some(page(state.members.iter().filter(matches_name).map(org_user).collect()))),
        ("GET", ["orgs", _, "users", id]) => match state.members.iter().find(|member| member.id == *id) {
            Some(member) => (200, Some(org_user(member))),
            None => api_error(404, "USER_NOT_FOUND", "no such user"),
        },
        ("POST", ["groups", group, "users"]) => {
            let name = body["username"].as_str().unwrap_or_default().to_owned();
            if state.refused.contains(&name) {
                return api_error(400, "USER_UNDER_REVIEW", &format!("{name} cannot be invited"));
            }
            let roles = strings(&body["roles"]);
            match state.members.iter_mut().find(|member| member.username.eq_ignore_ascii_case(&name)) {
                Some(member) if member.project_roles.contains_key(*group) => {
                    api_error(409, "USER_ALREADY_IN_GROUP", &format!("{name} is already in the project"))
                }
                Some(member) => {
                    member.project_roles.insert(group.to_string(), roles);
                    (201, Some(project_user(member, group)))
                }
                None => {
                    let id = state.new_id("d0");
                    let member = Member {
                        id,
                        username: name,
                        active: false,
                        org_roles: vec!["ORG_MEMBER".into()],
                        project_roles: BTreeMap::from([(group.to_string(), roles)]),
                        teams: Vec::new(),
                    };
                    let reply = project_user(&member, group);
                    state.members.push(member);
                    (201, Some(reply))
                }
            }
        }
        ("POST", ["orgs", _, "users"]) => {
            let name = body["username"].as_str().unwrap_or_default().to_owned();
            if state.refused.contains(&name) {
                return api_error(400, "USER_UNDER_REVIEW", &format!("{name} cannot be invited"));
            }
            if state.members.iter().any(|member| member.username.eq_ignore_ascii_case(&name)) {
                return api_error(409, "ORG_USER_ALREADY_EXISTS", &format!("{name} is already in the organization"));
            }
            let id = state.new_id("d0");
            let member = Member {
                id,
                username: name,
                active: false,
                org_roles: strings(&body["roles"]["orgRoles"]),
                project_roles: project_roles_of(&body["roles"]),
                teams: strings(&body["teamIds"]),
            };
            let reply = org_user(&member);
            state.members.push(member);
            (201, Some(reply))
        }
        ("PATCH", ["orgs", _, "users", id]) => match state.members.iter_mut().find(|member| member.id == *id) {
            None => api_error(404, "USER_NOT_FOUND", "no such user"),
            Some(member) => {
                if body["roles"].is_object() {
                    member.org_roles = strings(&body["roles"]["orgRoles"]);
                    member.project_roles = project_roles_of(&body["roles"]);
                }
                if body["teamIds"].is_array() {
                    member.teams = strings(&body["teamIds"]);
                }
                (200, Some(org_user(member)))
            }
        },
        ("POST", ["groups", group, "users", user_action]) => {
            let (id, action) = user_action.split_once(':').unwrap_or((user_action, ""));
            let role = body["groupRole"].as_str().unwrap_or_default().to_owned();
            let Some(member) = state.members.iter_mut().find(|member| member.id == id) else {
                return api_error(404, "USER_NOT_FOUND", "no such user");
            };
            let Some(roles) = member.project_roles.get_mut(*group) else {
                return api_error(404, "USER_NOT_IN_GROUP", "not in the project");
            };
            match action {
                "addRole" => {
                    if !roles.contains(&role) {
                        roles.push(role);
                    }
                }
                "removeRole" => {
                    if roles.len() == 1 && roles[0] == role {
                        return api_error(400, "CANNOT_REMOVE_LAST_ROLE", "a user keeps at least one role");
                    }
                    roles.retain(|held| *held != role);
                }
                _ => return (404, None),
            }
            (200, Some(project_user(member, group)))
        }
        _ => teams::route(state, method, &parts, body, username)
            .unwrap_or_else(|| api_error(404, "NOT_FOUND_IN_FAKE", &format!("{method} {path}"))),
    }
}

fn project_roles_of(roles: &Value) -> BTreeMap<String, Vec<String>> {
    roles["groupRoleAssignments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|assignment| Some((assignment["groupId"].as_str()?.to_owned(), strings(&assignment["groupRoles"]))))
        .collect()
}
