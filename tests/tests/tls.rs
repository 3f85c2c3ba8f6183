//! On a company network: an HTTPS server on 127.0.0.1 whose CA the test makes (rcgen) is
//! trusted once the CA is added (`add_root_certificate`, or the file `SSL_CERT_FILE` names)
//! and refused with an error that says why and what to do otherwise; a proxy is used when
//! set and, by default, when the environment names one (`atlas-members` takes the same settings,
//! `--ca-cert` and `--proxy`: `cli/tests/tls.rs`). One test, run in steps, because two of them
//! set environment variables, which the whole process shares.

use atlas_admin::{Client, Error, GroupId};
use tests::https::{PAGE, https_server};
use tests::loopback::{Reply, Server};

fn group() -> GroupId {
    "32b6e34b3d91647abb20e7b8".parse().unwrap()
}

async fn list(client: &Client) -> Result<(), Error> {
    client.list_group_users(&group(), &Default::default()).await.map(drop)
}

#[tokio::test]
async fn company_networks_certificates_and_proxies() {
    let (ca_pem, addr) = https_server().await;
    let base_url = format!("https://{addr}");

    // Not trusted: the error says so, and what to do.
    let client = Client::builder().base_url(&base_url).bearer_token("t").max_retries(0).build().unwrap();
    let error = list(&client).await.unwrap_err();
    let shown = error.to_string();
    assert!(shown.starts_with(&format!("could not connect to {addr}: the server's certificate is not trusted")), "{shown}");
    assert!(
        shown.contains("UnknownIssuer") && shown.contains("add_root_certificate") && shown.contains("SSL_CERT_FILE"),
        "{shown}"
    );

    // Trusted once its CA is added.
    let client = Client::builder().base_url(&base_url).bearer_token("t").add_root_certificate(&ca_pem).build().unwrap();
    list(&client).await.expect("the added CA is trusted");
    let error = Client::builder().add_root_certificate("not a certificate").build().unwrap_err();
    assert!(error.to_string().contains("root certificate"), "{error}");

    // Trusted through the operating system's store, which SSL_CERT_FILE stands in for.
    let ca_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca_file.path(), &ca_pem).unwrap();
    // SAFETY: this binary's one test runs on one thread; nothing reads the environment meanwhile.
    unsafe { std::env::set_var("SSL_CERT_FILE", ca_file.path()) };
    let client = Client::builder().base_url(&base_url).bearer_token("t").build().unwrap();
    let trusted = list(&client).await;
    // SAFETY: as above.
    unsafe { std::env::remove_var("SSL_CERT_FILE") };
    trusted.expect("the CA in SSL_CERT_FILE is trusted");

    // A proxy, set on the builder or named by the environment, carries the requests.
    let proxy = Server::start(|_, _| Reply::json(200, PAGE)).await;
    let through_proxy = Client::builder().base_url("http://atlas.invalid").bearer_token("t").proxy(proxy.uri()).build().unwrap();
    list(&through_proxy).await.expect("answered by the proxy");
    assert_eq!(proxy.requests(), 1);
    // SAFETY: as above.
    unsafe { std::env::set_var("HTTP_PROXY", proxy.uri()) };
    let from_env = Client::builder().base_url("http://atlas.invalid").bearer_token("t").build();
    // SAFETY: as above.
    unsafe { std::env::remove_var("HTTP_PROXY") };
    list(&from_env.unwrap()).await.expect("answered by the proxy the environment names");
    assert_eq!(proxy.requests(), 2);
    let debug = format!("{:?}", Client::builder().proxy("http://user:pw@proxy.example:3128"));
    assert!(debug.contains(r#"proxy: Some("http://[redacted]@proxy.example:3128/")"#) && !debug.contains("pw"), "{debug}");
}
