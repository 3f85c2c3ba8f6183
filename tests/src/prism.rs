//! Prism, the contract oracle of `tests/tests/contract_prism.rs`: started on a free
//! 127.0.0.1 port serving the fragment with request validation (`prism mock --errors`),
//! its log collected, requests judged, and the process group killed when dropped.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas_admin::operations;
use atlas_admin::{Client, Error};
use http::StatusCode;
use http::header::{AUTHORIZATION, HeaderValue};

use crate::fragment_path;

/// The environment variable with the Prism executable; `cargo xtask test` sets it.
pub const PRISM_ENV: &str = "ATLAS_PRISM";
/// Prism accepts any bearer token for the OAuth 2.0 scheme (see `contract_prism.rs`).
pub const TOKEN: &str = "contract-test-token";
/// How often a start is retried when the port picked turns out to be taken.
const START_ATTEMPTS: usize = 3;
/// Prism parses the spec before it listens: about 2 s here, far more on a loaded machine.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Bounds each request, each run of the example, and the wait for Prism's log.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The Prism executable, or `None` after saying why the calling test is skipped.
pub fn prism_or_skip(test: &str) -> Option<PathBuf> {
    match std::env::var_os(PRISM_ENV) {
        Some(path) => Some(PathBuf::from(path)),
        None => {
            // Written to the real stderr, past the test harness's capture, so that plain
            // `cargo test` shows it.
            let _ = writeln!(
                std::io::stderr(),
                "contract tests skipped ({test}): Prism is not installed ({PRISM_ENV} is not set); run `cargo xtask test`"
            );
            None
        }
    }
}

/// A running `prism mock --errors` on 127.0.0.1; dropping it kills it.
pub struct Prism {
    child: Child,
    /// Set once `child` is known to have exited (and so was reaped).
    exited: bool,
    pub base_url: String,
    /// Everything Prism printed: its startup banner, then a few lines per request, among
    /// them what its validator found.
    log: Arc<Mutex<String>>,
    /// The operation of each call that `passes` let through.
    passed: Mutex<Vec<String>>,
}

impl Prism {
    pub fn start(executable: &Path) -> Prism {
        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            // The port is free now; another process may take it before Prism binds it, in
            // which case Prism exits and the next attempt picks another.
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port();
            let mut command = Command::new(executable);
            command
                .args(["mock", "--errors", "-h", "127.0.0.1", "-p", &port.to_string()])
                .arg(fragment_path())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            #[cfg(unix)]
            std::os::unix::process::CommandExt::process_group(&mut command, 0);
            let mut child =
                command.spawn().unwrap_or_else(|err| panic!("could not start Prism ({}): {err}", executable.display()));
            let log = Arc::new(Mutex::new(String::new()));
            let streams: [Box<dyn Read + Send>; 2] =
                [Box::new(child.stdout.take().unwrap()), Box::new(child.stderr.take().unwrap())];
            for stream in streams {
                let log = Arc::clone(&log);
                std::thread::spawn(move || {
                    for line in BufReader::new(stream).lines().map_while(Result::ok) {
                        let mut log = log.lock().unwrap();
                        log.push_str(&line);
                        log.push('\n');
                    }
                });
            }
            let mut prism =
                Prism { child, exited: false, base_url: format!("http://127.0.0.1:{port}"), log, passed: Mutex::new(Vec::new()) };
            match prism.wait_until_listening(port) {
                Ok(()) => return prism,
                Err(failure) => failures.push(failure),
            }
        }
        panic!("Prism did not start in {START_ATTEMPTS} attempts:\n{}", failures.join("\n----\n"));
    }

    pub fn wait_until_listening(&mut self, port: u16) -> Result<(), String> {
        let banner = format!("Prism is listening on http://127.0.0.1:{port}");
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("can poll Prism") {
                self.exited = true;
                return Err(format!("Prism exited ({status}) before listening:\n{}", self.log()));
            }
            // The banner tells that this Prism, not whatever else may hold the port, listens.
            if self.log().contains(&banner) && TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("Prism was not listening on port {port} after {READY_TIMEOUT:?}:\n{}", self.log()))
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The log once it contains `text` (bounded by `REQUEST_TIMEOUT`).
    pub fn wait_for_log(&self, text: &str) -> String {
        let deadline = Instant::now() + REQUEST_TIMEOUT;
        loop {
            let log = self.log();
            if log.contains(text) {
                return log;
            }
            assert!(Instant::now() < deadline, "Prism did not log {text:?} within {REQUEST_TIMEOUT:?}:\n{log}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until Prism has logged `requests` responses, then fails listing every warning
    /// or error it logged: with `--errors` an error-level violation already fails the
    /// request, but a warning-level one only shows here (or in a header the client drops).
    pub fn assert_no_violations(&self, requests: usize) {
        let deadline = Instant::now() + REQUEST_TIMEOUT;
        let log = loop {
            let log = self.log();
            let responses = log.lines().filter(|line| line.contains("> Responding with")).count();
            if responses >= requests || Instant::now() >= deadline {
                assert_eq!(responses, requests, "Prism answered a different number of requests than were sent:\n{log}");
                break log;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let findings: Vec<&str> = log.lines().filter(|line| line.contains('✖') || line.contains('⚠')).collect();
        assert!(findings.is_empty(), "Prism found violations:\n{}\n\nits whole log:\n{log}", findings.join("\n"));
        let passed = log.lines().filter(|line| line.contains("The request passed the validation rules")).count();
        assert_eq!(passed, requests, "Prism did not validate every request:\n{log}");
    }

    pub fn client(&self) -> Client {
        Client::builder().base_url(&self.base_url).bearer_token(TOKEN).timeout(REQUEST_TIMEOUT).build().unwrap()
    }

    /// Sends `request` exactly as given (no credentials added) and reads Prism's answer.
    pub async fn send(&self, request: http::Request<Vec<u8>>) -> Reply {
        let request = reqwest::Request::try_from(request).expect("a sans-IO request converts to reqwest");
        let http = reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build().unwrap();
        let response = http.execute(request).await.expect("Prism answers");
        let status = response.status();
        let violations =
            response.headers().get("sl-violations").map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let body = response.text().await.expect("Prism's body reads");
        Reply { status, violations, body }
    }

    /// Returns what `operation` returned, or fails with Prism's own account of what was
    /// wrong, which the client's error cannot carry (it drops the `sl-violations` header
    /// and may cut the body): `same_request` builds the request again without a client and
    /// it is sent once more to hear that account. `operation` is the operationId, then
    /// optionally a space or `?` and what sets this call apart.
    pub async fn passes<T>(
        &self,
        operation: &str,
        result: Result<T, Error>,
        same_request: impl FnOnce(&str) -> Result<http::Request<Vec<u8>>, Error>,
    ) -> T {
        match result {
            Ok(value) => {
                self.passed.lock().unwrap().push(operation.to_owned());
                value
            }
            Err(err) => {
                let request = same_request(&self.base_url).expect("the request builds");
                let reply = self.send(with_token(request)).await;
                panic!("{operation} did not pass Prism: {err}\nthe same request sent again: {reply}");
            }
        }
    }

    /// Fails unless `passes` let through a call of every operation the fragment has.
    pub fn assert_every_operation_passed(&self) {
        let passed: BTreeSet<String> = self
            .passed
            .lock()
            .unwrap()
            .iter()
            .map(|label| label.split([' ', '?']).next().unwrap_or_default().to_owned())
            .collect();
        let every: BTreeSet<String> = operations::OPERATIONS.iter().map(|info| info.operation_id.to_owned()).collect();
        assert_eq!(every.len(), 41, "the fragment's operations: {every:?}");
        assert_eq!(passed, every, "operations not called through the client: {:?}", every.difference(&passed));
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Prism runs as one node process, but it leads its own process group, so anything
        // it might start goes with it. Only while the child is unreaped is its pid (and so
        // the group id) certain to still be ours.
        #[cfg(unix)]
        if !self.exited {
            let group = i32::try_from(self.child.id()).expect("pids fit in i32");
            // SAFETY: kill(2) with a negative pid signals that process group; no memory is involved.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn with_token(mut request: http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    request.headers_mut().insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {TOKEN}")).unwrap());
    request
}

/// Prism's answer to a request sent without the client.
pub struct Reply {
    pub status: StatusCode,
    /// The `sl-violations` header: what Prism's validator found, as JSON.
    pub violations: Option<String>,
    pub body: String,
}

impl Reply {
    /// Everything Prism said about violations: the header and the problem+json body.
    pub fn findings(&self) -> String {
        format!("{} {}", self.violations.as_deref().unwrap_or_default(), self.body)
    }
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(violations) = &self.violations {
            write!(f, "\nsl-violations: {violations}")?;
        }
        write!(f, "\nbody: {}", self.body)
    }
}
