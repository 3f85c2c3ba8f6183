//! On a company network: an HTTPS server on 127.0.0.1 whose CA the test makes (rcgen) is
//! trusted once the CA is added (`add_root_certificate`, or the file `SSL_CERT_FILE` names)
//! and refused with an error that says why and what to do otherwise; a proxy is used when
//! set and, by default, when the environment names one; the `invites` tool takes the same
//! settings (`--ca-cert`, `--proxy`). One test, run in steps, because two of them set
//! environment variables, which the whole process shares.

use std::net::SocketAddr;
use std::sync::Arc;

use atlas_admin::{Client, Error, GroupId};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tests::loopback::{Reply, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

const PAGE: &str = r#"{"results": [], "totalCount": 0}"#;

/// A CA (its PEM) and an HTTPS server on 127.0.0.1 with a certificate it signed, answering
/// every request with an empty page of users.
async fn https_server() -> (String, SocketAddr) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "atlas-admin test CA");
    let ca = ca.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap().signed_by(&server_key, &ca, &ca_key).unwrap();

    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![server.der().clone()], PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())))
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that does not trust the certificate ends the handshake here.
                let Ok(mut stream) = acceptor.accept(stream).await else { return };
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{PAGE}",
                    PAGE.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (ca.pem(), addr)
}

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

    // The invites tool takes the same settings: --ca-cert and --proxy.
    let invites = |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            let output = std::process::Command::new(tests::fake_atlas::invites_cli())
                .args(["users", "project", "list", "--group", "32b6e34b3d91647abb20e7b8"])
                .args(args)
                .env("MONGODB_ATLAS_ACCESS_TOKEN", "t")
                .env_remove("MONGODB_ATLAS_BASE_URL")
                .env_remove("MONGODB_ATLAS_CA_CERT")
                .env_remove("SSL_CERT_FILE")
                .env_remove("HTTP_PROXY")
                .env_remove("HTTPS_PROXY")
                .output()
                .expect("the invites tool runs");
            (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
        })
    };
    let untrusted = invites(vec!["--base-url".into(), base_url.clone()]).await.unwrap();
    assert_ne!(untrusted.0, Some(0), "an untrusted certificate fails the command");
    assert!(untrusted.1.contains("certificate is not trusted"), "{}", untrusted.1);
    let trusted = invites(vec!["--base-url".into(), base_url.clone(), "--ca-cert".into(), ca_file.path().display().to_string()]);
    let trusted = trusted.await.unwrap();
    assert_eq!(trusted.0, Some(0), "--ca-cert trusts the CA: {}", trusted.1);
    let proxied = invites(vec!["--base-url".into(), "http://atlas.invalid".into(), "--proxy".into(), proxy.uri()]).await.unwrap();
    assert_eq!(proxied.0, Some(0), "--proxy carries the request: {}", proxied.1);
    assert_eq!(proxy.requests(), 3);
}
