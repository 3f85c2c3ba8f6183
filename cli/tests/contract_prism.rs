//! `atlas-members` against Prism serving the fragment with request validation on (see
//! `tests/tests/contract_prism.rs` for what Prism checks): every `project`, `org`, `users` and
//! `teams` command sends what the spec allows. `cargo xtask test` passes Prism's path in
//! `ATLAS_PRISM`; without it the Prism test says it was skipped and passes.

mod common;

use std::process::{Output, Stdio};
use std::sync::mpsc;

use common::atlas_members;
use serde_json::Value;
use tests::prism::{Prism, REQUEST_TIMEOUT, TOKEN, prism_or_skip};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const ORG: &str = "4888442a3354817a7320eb61";
const INVITATION: &str = "5f4a1c2b3d4e5f6a7b8c9d0e";
const TEAM: &str = "6a1b2c3d4e5f60718293a4b5";
/// The `id`s of the fragment's `GroupInvitation` and `OrganizationInvitation` examples,
/// which Prism answers with.
const GROUP_EXAMPLE_ID: &str = "67d1548a0f3c2b1e4d5a6978";
const ORG_EXAMPLE_ID: &str = "67d1548a0f3c2b1e4d5a6979";
/// The `id`s of the fragment's pending user examples, which `GroupUserResponse` and
/// `OrgUserResponse` show (and that each list's first result is).
const GROUP_USER_EXAMPLE_ID: &str = "67d1548a0f3c2b1e4d5a6a01";
const ORG_USER_EXAMPLE_ID: &str = "67d1548a0f3c2b1e4d5a6a02";

/// The media type of every MongoDB Cloud Users operation: resource version 2025-02-19.
const USERS_MEDIA_TYPE: &str = "application/vnd.atlas.2025-02-19+json";

/// Runs `atlas-members` with `args` against `base_url`, authenticated with a bearer token
/// unless `token` is `None`, and kills it if it outlives `REQUEST_TIMEOUT`.
fn run_cli(base_url: &str, token: Option<&str>, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut command = atlas_members(home.path());
    command.args(args).env("MONGODB_ATLAS_BASE_URL", base_url);
    if let Some(token) = token {
        command.env("MONGODB_ATLAS_ACCESS_TOKEN", token);
    }
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("atlas-members starts");
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output()));
    match finished.recv_timeout(REQUEST_TIMEOUT) {
        Ok(output) => output.expect("the output of atlas-members reads"),
        Err(_) => {
            // SAFETY: kill(2) on our own child, which has not been reaped: it is still running.
            #[cfg(unix)]
            unsafe {
                libc::kill(i32::try_from(pid).unwrap(), libc::SIGKILL)
            };
            panic!("`atlas-members {}` did not finish within {REQUEST_TIMEOUT:?}", args.join(" "));
        }
    }
}

/// The tool's stdout as JSON (which it prints when stdout is not a terminal), after checking
/// that it succeeded.
fn succeeded(args: &[&str], output: &Output) -> Value {
    let shown = || {
        format!(
            "`atlas-members {}` exited with {}\nstdout: {}\nstderr: {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    };
    assert!(output.status.success(), "{}", shown());
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {}", shown()))
}

/// `atlas-members`, run as a user would, against Prism.
#[test]
fn atlas_members_runs_against_prism() {
    let Some(executable) = prism_or_skip("atlas_members_runs_against_prism") else { return };
    let prism = Prism::start(&executable);
    let project_role = format!("{GROUP}:GROUP_READ_ONLY");
    let run = |args: &[&str]| {
        let output = run_cli(&prism.base_url, Some(TOKEN), args);
        succeeded(args, &output)
    };

    let listed = run(&["project", "list", "--group", GROUP, "--username", "jane@example.com"]);
    assert_eq!(listed[0]["id"], GROUP_EXAMPLE_ID, "{listed:#}");
    let created = run(&[
        "project",
        "create",
        "--group",
        GROUP,
        "--username",
        "jane@example.com",
        "--role",
        "GROUP_READ_ONLY",
        "--role",
        "GROUP_DATA_ACCESS_READ_WRITE",
    ]);
    assert_eq!(created["groupName"], "payments-staging", "{created:#}");
    let updated = run(&["project", "update", "--group", GROUP, "--invitation", INVITATION, "--role", "GROUP_OWNER"]);
    assert_eq!(updated["id"], GROUP_EXAMPLE_ID, "{updated:#}");
    run(&["project", "update", "--group", GROUP, "--username", "jane@example.com", "--role", "GROUP_OWNER"]);
    let cancelled = run(&["project", "cancel", "--group", GROUP, "--invitation", INVITATION]);
    assert_eq!(cancelled, serde_json::json!({ "cancelled": true, "invitationId": INVITATION }));

    let listed = run(&["org", "list", "--org", ORG]);
    assert_eq!(listed[0]["orgName"], "Example-Corp", "{listed:#}");
    let created = run(&[
        "org",
        "create",
        "--org",
        ORG,
        "--username",
        "jane@example.com",
        "--role",
        "ORG_MEMBER",
        "--team",
        TEAM,
        "--project-role",
        &project_role,
        "--project-role",
        &format!("{GROUP}:GROUP_OBSERVABILITY_VIEWER"),
    ]);
    assert_eq!(created["id"], ORG_EXAMPLE_ID, "{created:#}");
    run(&["org", "update", "--org", ORG, "--invitation", INVITATION, "--project-role", &project_role]);
    run(&["org", "update", "--org", ORG, "--username", "jane@example.com", "--role", "ORG_READ_ONLY"]);
    let got = run(&["org", "get", "--org", ORG, "--invitation", INVITATION]);
    assert_eq!(got["username"], "jane@example.com", "{got:#}");
    run(&["org", "cancel", "--org", ORG, "--invitation", INVITATION]);

    // The users commands: the MongoDB Cloud Users API.
    let users = ["users", "project"];
    let listed = run(&[&users[..], &["list", "--group", GROUP, "--pending", "--username", "jane@example.com"]].concat());
    let statuses: Vec<&Value> =
        listed.as_array().expect("a JSON array").iter().map(|user| &user["orgMembershipStatus"]).collect();
    assert_eq!(statuses, ["PENDING", "ACTIVE"], "the example page, whole: {listed:#}");
    run(&[&users[..], &["list", "--group", GROUP]].concat());
    let invited = run(&[
        &users[..],
        &["invite", "--group", GROUP, "--username", "jane@example.com", "--role", "GROUP_READ_ONLY", "--role", "GROUP_OWNER"],
    ]
    .concat());
    assert_eq!(invited["id"], GROUP_USER_EXAMPLE_ID, "{invited:#}");
    let user = GROUP_USER_EXAMPLE_ID;
    let shown = run(&[&users[..], &["show", "--group", GROUP, "--user", user]].concat());
    assert_eq!(shown["inviterUsername"], "owner@example.com", "{shown:#}");
    run(&[&users[..], &["add-role", "--group", GROUP, "--user", user, "--role", "GROUP_CLUSTER_MANAGER"]].concat());
    run(&[&users[..], &["remove-role", "--group", GROUP, "--user", user, "--role", "GROUP_READ_ONLY"]].concat());
    let removed = run(&[&users[..], &["remove", "--group", GROUP, "--user", user]].concat());
    assert_eq!(removed, serde_json::json!({ "removed": true, "userId": user }));

    let users = ["users", "org"];
    let listed = run(&[&users[..], &["list", "--org", ORG, "--pending"]].concat());
    assert_eq!(listed[0]["id"], ORG_USER_EXAMPLE_ID, "{listed:#}");
    let invited = run(&[
        &users[..],
        &[
            "invite",
            "--org",
            ORG,
            "--username",
            "jane@example.com",
            "--role",
            "ORG_MEMBER",
            "--team",
            TEAM,
            "--project-role",
            &project_role,
            "--project-role",
            &format!("{GROUP}:GROUP_OBSERVABILITY_VIEWER"),
        ],
    ]
    .concat());
    assert_eq!(invited["teamIds"][0], TEAM, "{invited:#}");
    let user = ORG_USER_EXAMPLE_ID;
    let shown = run(&[&users[..], &["show", "--org", ORG, "--user", user]].concat());
    assert_eq!(shown["username"], "jane@example.com", "{shown:#}");
    run(&[&users[..], &["update", "--org", ORG, "--user", user, "--role", "ORG_READ_ONLY", "--project-role", &project_role]]
        .concat());
    // A team or role named twice is sent once: `teamIds` and `orgRoles` are `uniqueItems`.
    run(&[&users[..], &["update", "--org", ORG, "--user", user, "--team", TEAM, "--team", TEAM]].concat());
    let args = ["update", "--org", ORG, "--user", user, "--role", "ORG_MEMBER", "--role", "ORG_MEMBER"];
    run(&[&users[..], &args[..]].concat());
    run(&[&users[..], &["add-role", "--org", ORG, "--user", user, "--role", "ORG_BILLING_READ_ONLY"]].concat());
    run(&[&users[..], &["remove-role", "--org", ORG, "--user", user, "--role", "ORG_MEMBER"]].concat());
    let removed = run(&[&users[..], &["remove", "--org", ORG, "--user", user]].concat());
    assert_eq!(removed, serde_json::json!({ "removed": true, "userId": user }));

    // The teams commands: Teams, and the Cloud Users `:addUser` / `:removeUser`.
    run(&["teams", "list", "--org", ORG]);
    run(&["teams", "show", "--org", ORG, "--team", TEAM]);
    run(&["teams", "show", "--org", ORG, "--name", "platform team"]);
    let args = [
        "teams",
        "create",
        "--org",
        ORG,
        "--name",
        "platform",
        "--username",
        "jane@example.com",
        "--username",
        "jane@example.com",
    ];
    run(&args);
    run(&["teams", "rename", "--org", ORG, "--team", TEAM, "--name", "data-platform"]);
    let members = ["teams", "members"];
    run(&[&members[..], &["list", "--org", ORG, "--team", TEAM]].concat());
    run(&[&members[..], &["add", "--org", ORG, "--team", TEAM, "--user", ORG_USER_EXAMPLE_ID]].concat());
    run(&[&members[..], &["remove", "--org", ORG, "--team", TEAM, "--user", ORG_USER_EXAMPLE_ID]].concat());
    let projects = ["teams", "projects"];
    run(&[&projects[..], &["list", "--group", GROUP]].concat());
    let roles = ["--role", "GROUP_READ_ONLY", "--role", "GROUP_OWNER", "--role", "GROUP_OWNER"];
    run(&[&projects[..], &["assign", "--group", GROUP, "--team", TEAM], &roles[..]].concat());
    run(&[&projects[..], &["update", "--group", GROUP, "--team", TEAM], &roles[..]].concat());
    let removed = run(&[&projects[..], &["remove", "--group", GROUP, "--team", TEAM]].concat());
    assert_eq!(removed, serde_json::json!({ "removed": true, "teamId": TEAM }));
    let deleted = run(&["teams", "delete", "--org", ORG, "--team", TEAM]);
    assert_eq!(deleted, serde_json::json!({ "deleted": true, "teamId": TEAM }));
    prism.assert_no_violations(27 + 13);

    // Without credentials nothing is sent, and the message names the variables to set.
    let output = run_cli(&prism.base_url, None, &["org", "list", "--org", ORG]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("MONGODB_ATLAS_CLIENT_ID") && stderr.contains("MONGODB_ATLAS_PUBLIC_API_KEY"), "{stderr}");

    // A role the crate does not know is refused by the command line itself (status 2).
    let args = ["project", "create", "--group", GROUP, "--username", "jane@example.com", "--role", "NOT_A_ROLE"];
    let output = run_cli(&prism.base_url, Some(TOKEN), &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GROUP_READ_ONLY"), "the error lists the roles: {stderr}");
    let args = ["users", "org", "add-role", "--org", ORG, "--user", ORG_USER_EXAMPLE_ID, "--role", "GROUP_OWNER"];
    let output = run_cli(&prism.base_url, Some(TOKEN), &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("ORG_BILLING_READ_ONLY"), "the error lists the roles: {stderr}");
    // Project roles replace the organization roles with them, which Atlas wants at least one of.
    let args = ["users", "org", "update", "--org", ORG, "--user", ORG_USER_EXAMPLE_ID, "--project-role", &project_role];
    let output = run_cli(&prism.base_url, Some(TOKEN), &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--role"), "{stderr}");

    // Prism's refusal comes out as an error on stderr, nothing on stdout, and status 1.
    let output = run_cli(&prism.base_url, Some(TOKEN), &["project", "list", "--group", GROUP, "--username", "jane"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty() && stderr.contains("422"), "{stderr}");

    // Prism logs in order, so once it has logged this refusal, any request from the two
    // runs before it would show too: only the refused one reached it.
    let log = prism.wait_for_log("Request terminated with error");
    assert_eq!(log.lines().filter(|line| line.contains("Request received")).count(), 27 + 13 + 1, "{log}");
}

/// What Prism cannot show: `users ... list` reads every page, and `--pending` and
/// `--username` reach the query of each request. Prism ignores filters and serves its one
/// example page, so here a wiremock server serves two pages, the first full (100 users, the
/// page size the stream asks for), and answers only requests that carry both filters.
#[tokio::test]
async fn users_list_reads_every_page_of_the_filtered_users() {
    let scopes = [
        ("project", "--group", GROUP, format!("/api/atlas/v2/groups/{GROUP}/users"), serde_json::json!(["GROUP_READ_ONLY"])),
        ("org", "--org", ORG, format!("/api/atlas/v2/orgs/{ORG}/users"), serde_json::json!({ "orgRoles": ["ORG_MEMBER"] })),
    ];
    for (scope, id_option, id, users_path, roles) in scopes {
        let server = MockServer::start().await;
        for (page, users) in [(1, 100), (2, 1)] {
            let results: Vec<Value> = (0..users).map(|n| pending_user(page * 1000 + n, &roles)).collect();
            Mock::given(method("GET"))
                .and(path(users_path.as_str()))
                .and(header("accept", USERS_MEDIA_TYPE))
                .and(query_param("pageNum", page.to_string()))
                .and(query_param("orgMembershipStatuses", "PENDING"))
                .and(query_param("username", "jane@example.com"))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_raw(serde_json::to_vec(&serde_json::json!({ "results": results })).unwrap(), USERS_MEDIA_TYPE),
                )
                .expect(1)
                .mount(&server)
                .await;
        }
        let args = ["users", scope, "list", id_option, id, "--pending", "--username", "jane@example.com"];
        let base_url = server.uri();
        let output = tokio::task::spawn_blocking(move || run_cli(&base_url, Some(TOKEN), &args)).await.unwrap();
        let listed = succeeded(&args, &output);
        let ids: Vec<&str> = listed.as_array().expect("a JSON array").iter().filter_map(|user| user["id"].as_str()).collect();
        assert_eq!(ids.len(), 101, "every user of both pages, once: {listed:#}");
        assert_eq!(
            (ids[0], ids[100]),
            (pending_user(1000, &roles)["id"].as_str().unwrap(), pending_user(2000, &roles)["id"].as_str().unwrap())
        );
        server.verify().await;
    }
}

/// A pending user numbered `n` (the number is its ID), as Atlas lists it, with `roles` in
/// the shape of the scope (a list of project roles, or an object of organization roles).
fn pending_user(n: u32, roles: &Value) -> Value {
    serde_json::json!({
        "id": format!("{n:024x}"),
        "orgMembershipStatus": "PENDING",
        "roles": roles,
        "username": format!("user{n}@example.com"),
        "invitationCreatedAt": "2025-03-12T09:30:00Z",
        "invitationExpiresAt": "2025-04-11T09:30:00Z",
        "inviterUsername": "owner@example.com",
    })
}
