//! On a company network: `atlas-members` takes the client's settings for it, `--ca-cert` to
//! trust a CA besides the system's and `--proxy` to send every request through a proxy.

mod common;

use common::atlas_members;
use tests::https::{PAGE, https_server};
use tests::loopback::{Reply, Server};

/// `users project list` with `extra` flags; the exit status and stderr.
async fn list_users(extra: Vec<String>) -> (Option<i32>, String) {
    tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        let output = atlas_members(home.path())
            .args(["users", "project", "list", "--group", "32b6e34b3d91647abb20e7b8"])
            .args(extra)
            .env("MONGODB_ATLAS_ACCESS_TOKEN", "t")
            .env_remove("SSL_CERT_FILE")
            .env_remove("HTTP_PROXY")
            .env_remove("HTTPS_PROXY")
            .output()
            .expect("atlas-members runs");
        (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn ca_cert_and_proxy_flags() {
    let (ca_pem, addr) = https_server().await;
    let base_url = format!("https://{addr}");
    let ca_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca_file.path(), &ca_pem).unwrap();

    let untrusted = list_users(vec!["--base-url".into(), base_url.clone()]).await;
    assert_eq!(untrusted.0, Some(1), "an untrusted certificate fails the command: {}", untrusted.1);
    assert!(untrusted.1.contains("certificate is not trusted"), "{}", untrusted.1);
    let trusted = list_users(vec!["--base-url".into(), base_url, "--ca-cert".into(), ca_file.path().display().to_string()]).await;
    assert_eq!(trusted.0, Some(0), "--ca-cert trusts the CA: {}", trusted.1);

    let proxy = Server::start(|_, _| Reply::json(200, PAGE)).await;
    let proxied = list_users(vec!["--base-url".into(), "http://atlas.invalid".into(), "--proxy".into(), proxy.uri()]).await;
    assert_eq!(proxied.0, Some(0), "--proxy carries the request: {}", proxied.1);
    assert_eq!(proxy.requests(), 1);
}
