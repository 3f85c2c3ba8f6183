//! Where operators work: settings from the Atlas CLI's profile (a `config.toml` in a temporary
//! directory standing in for `$XDG_CONFIG_HOME/atlascli`, or named by `--atlas-config`), then
//! the environment, then the flags; a clear message for a secret kept in the keychain; shell
//! completions; JSON on every workflow with `--json`; nothing on stderr but errors off a
//! terminal.

mod common;

use std::path::Path;
use std::process::Output;

use common::atlas_members;
use serde_json::Value;
use tests::fake_atlas::{FakeAtlas, GROUP, OTHER_GROUP};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAGE: &str = r#"{"results": [], "totalCount": 0}"#;
/// `Basic` credentials of the service account `sa-id` with secret `sa-secret`.
const SERVICE_ACCOUNT_BASIC: &str = "Basic c2EtaWQ6c2Etc2VjcmV0";

/// Runs the tool in `home` with `args` and `env`, off the test's runtime.
async fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = atlas_members(home);
    command.args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    tokio::task::spawn_blocking(move || command.output().expect("atlas-members runs")).await.unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `text` as the Atlas CLI's `config.toml` under `home` (as `$XDG_CONFIG_HOME`).
fn atlas_cli_config(home: &Path, text: &str) {
    std::fs::create_dir_all(home.join("atlascli")).unwrap();
    std::fs::write(home.join("atlascli/config.toml"), text).unwrap();
}

/// A server that lists the users of `group` only to a request with `authorization`.
async fn users_of(group: &str, authorization: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/atlas/v2/groups/{group}/users")))
        .and(header("authorization", authorization))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PAGE, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_profile_gives_the_project_and_the_credentials_and_the_environment_and_flags_override_it() {
    let home = tempfile::tempdir().unwrap();
    atlas_cli_config(
        home.path(),
        &format!(
            "[default]\n  project_id = \"{OTHER_GROUP}\"\n  access_token = \"default-token\"\n\n\
             [work]\n  org_id = \"4888442a3354817a7320eb61\"\n  project_id = \"{GROUP}\"\n  service = \"cloud\"\n  \
             client_id = \"sa-id\"\n  client_secret = \"sa-secret\"\n  output = \"json\"\n"
        ),
    );

    // `--profile work`: its project, and its service account's token.
    let server = users_of(GROUP, "Bearer sa-token").await;
    Mock::given(method("POST"))
        .and(path("/api/oauth/token"))
        .and(header("authorization", SERVICE_ACCOUNT_BASIC))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"access_token": "sa-token", "token_type": "Bearer", "expires_in": 3600}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let listed =
        run(home.path(), &["--profile", "work", "users", "project", "list"], &[("MONGODB_ATLAS_BASE_URL", &server.uri())]).await;
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    assert_eq!(serde_json::from_slice::<Value>(&listed.stdout).unwrap(), serde_json::json!([]));
    server.verify().await;

    // No `--profile`: the `default` one.
    let server = users_of(OTHER_GROUP, "Bearer default-token").await;
    let listed = run(home.path(), &["users", "project", "list"], &[("MONGODB_ATLAS_BASE_URL", &server.uri())]).await;
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    server.verify().await;

    // The environment overrides the profile, and a flag the environment.
    let server = users_of(GROUP, "Bearer env-token").await;
    let env = [
        ("MONGODB_ATLAS_BASE_URL", server.uri()),
        ("MONGODB_ATLAS_ACCESS_TOKEN", "env-token".to_owned()),
        ("MONGODB_ATLAS_PROJECT_ID", "5f4a1c2b3d4e5f6a7b8c9d0e".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let listed = run(home.path(), &["users", "project", "list", "--group", GROUP], &env).await;
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    server.verify().await;

    // A profile that is not there is an error that names it.
    let missing = run(home.path(), &["--profile", "nope", "users", "project", "list"], &[]).await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("no profile named \"nope\""), "{}", stderr(&missing));
}

#[tokio::test]
async fn atlas_config_names_the_file_and_a_profile_without_its_secret_says_what_to_set() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("elsewhere.toml");
    std::fs::write(&config, "[default]\n  public_api_key = \"abcdefgh\"\n  project_id = \"32b6e34b3d91647abb20e7b8\"\n").unwrap();
    let server = MockServer::start().await;
    let args = ["--atlas-config", config.to_str().unwrap(), "users", "project", "list"];
    let output = run(home.path(), &args, &[("MONGODB_ATLAS_BASE_URL", &server.uri())]).await;
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("keychain") && message.contains("MONGODB_ATLAS_PRIVATE_API_KEY"), "{message}");
    assert!(message.contains("elsewhere.toml"), "the message names the file: {message}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing is sent");

    // Setting what the message says is enough.
    let users = users_of(GROUP, "Bearer env-token").await;
    let env = [("MONGODB_ATLAS_BASE_URL", users.uri()), ("MONGODB_ATLAS_ACCESS_TOKEN", "env-token".to_owned())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let output = run(home.path(), &args, &env).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    users.verify().await;
}

#[tokio::test]
async fn no_project_anywhere_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let output = run(home.path(), &["migrate", "project", "--dry-run"], &[("MONGODB_ATLAS_ACCESS_TOKEN", "t")]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--group") && stderr(&output).contains("project_id"), "{}", stderr(&output));
}

#[tokio::test]
async fn completions_for_bash_zsh_and_fish_name_the_commands() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let output = run(home.path(), &["completions", shell], &[]).await;
        assert_eq!(output.status.code(), Some(0), "{shell}: {}", stderr(&output));
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(
            script.contains("atlas-members")
                && script.contains("migrate")
                && script.contains("dry-run")
                && script.contains("teams"),
            "{shell}: {script}"
        );
    }
    let unknown = run(home.path(), &["completions", "tcsh"], &[]).await;
    assert_eq!(unknown.status.code(), Some(2));
}

#[tokio::test]
async fn json_on_every_workflow_and_nothing_on_stderr_off_a_terminal() {
    let fake = FakeAtlas::start().await;
    fake.invite_to_project(GROUP, "dev@example.com", &["GROUP_READ_ONLY"]);
    let home = tempfile::tempdir().unwrap();
    let base_url = fake.uri();
    let env =
        [("MONGODB_ATLAS_ACCESS_TOKEN", "t"), ("MONGODB_ATLAS_BASE_URL", base_url.as_str()), ("INVITES_WRITES_PER_MINUTE", "0")];

    let migrated = run(home.path(), &["migrate", "project", "--group", GROUP], &env).await;
    assert_eq!(migrated.status.code(), Some(0), "{}", stderr(&migrated));
    assert!(migrated.stderr.is_empty(), "no progress bar when stderr is not a terminal: {:?}", stderr(&migrated));

    let args =
        ["--json", "users", "project", "ensure", "--group", GROUP, "--username", "dev@example.com", "--role", "GROUP_OWNER"];
    let ensured = run(home.path(), &args, &env).await;
    assert_eq!(ensured.status.code(), Some(0), "{}", stderr(&ensured));
    let ensured: Value = serde_json::from_slice(&ensured.stdout).expect("--json prints JSON");
    assert_eq!((ensured["outcome"].as_str(), ensured["username"].as_str()), (Some("changed"), Some("dev@example.com")));
    assert_eq!(ensured["added"], serde_json::json!({ "projectRoles": { GROUP: ["GROUP_OWNER"] } }));

    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(
        &mut file,
        format!(
            "projects:\n  - group: {GROUP}\n    members:\n      - username: new@example.com\n        roles: [GROUP_READ_ONLY]\n"
        )
        .as_bytes(),
    )
    .unwrap();
    let applied = run(home.path(), &["apply", "--file", file.path().to_str().unwrap(), "--json"], &env).await;
    assert_eq!(applied.status.code(), Some(0), "{}", stderr(&applied));
    assert!(applied.stderr.is_empty(), "{}", stderr(&applied));
    let applied: Value = serde_json::from_slice(&applied.stdout).expect("--json prints JSON");
    assert_eq!(applied["plan"][0]["change"], "create");
    assert_eq!((applied["results"][0]["outcome"].as_str(), applied["failed"].as_u64()), (Some("created"), Some(0)));
}
