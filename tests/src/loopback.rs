//! A scriptable HTTP/1.1 server on 127.0.0.1 over a raw tokio `TcpListener`, for the fault,
//! load and benchmark runs of the client: each request is answered as a route says, with a
//! well-formed response or a fault (a reset, a truncated or endless body, a stall), and the
//! server counts every request it read, per path.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The longest a connection is kept waiting on a client (a stall, a trickle) before the
/// server gives up on it: far beyond any client timeout in the tests, so only a client that
/// hangs would meet it.
const CONNECTION_BOUND: Duration = Duration::from_secs(120);
/// The largest request head the server reads.
const MAX_HEAD: usize = 64 * 1024;
/// What the server writes at a time when it sends a large body.
const CHUNK: usize = 64 * 1024;

/// How the server answers one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A complete response with `Content-Length`; the connection stays open for the next.
    Full { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Closes the connection with a TCP reset before writing anything.
    Reset,
    /// Closes the connection (FIN) before writing anything.
    Close,
    /// Announces `Content-Length: announced`, sends `sent` bytes, then closes.
    Truncated { announced: usize, sent: usize },
    /// Never answers; holds the connection until the client goes away.
    Stall,
    /// Announces a body of `announced` bytes and sends one byte every `every`.
    Trickle { announced: usize, every: Duration },
    /// A `200` body of `length` bytes, announced by `Content-Length` when `announce`, and
    /// otherwise sent until the connection closes; written in 64 KiB chunks, so the
    /// server needs little memory for any length.
    Large { length: u64, announce: bool },
    /// Waits `delay`, then answers as `then` says.
    After { delay: Duration, then: Box<Reply> },
    /// Waits until `gate` opens, then answers as `then` says.
    Gated { gate: Gate, then: Box<Reply> },
}

impl Reply {
    /// A complete JSON response.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::with_type(status, "application/json", body)
    }

    /// A complete response with this `Content-Type`.
    pub fn with_type(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self::Full { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.into() }
    }

    /// This reply, sent after `delay`.
    pub fn after(self, delay: Duration) -> Self {
        Self::After { delay, then: Box::new(self) }
    }

    /// This reply, held back until `gate` opens.
    pub fn gated(self, gate: &Gate) -> Self {
        Self::Gated { gate: gate.clone(), then: Box::new(self) }
    }

    /// Adds a header to a [`Reply::Full`].
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Self::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// The query string, without its `?`.
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// Decides the reply to a request: the request and how many requests to its path came
/// before it.
pub type Route = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// What a large body's writer saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Bytes of the body written to the socket.
    pub written: u64,
    /// Whether the client closed the connection before the whole body was written.
    pub cut_short: bool,
}

#[derive(Default)]
struct Log {
    per_path: Mutex<BTreeMap<String, usize>>,
    deliveries: Mutex<Vec<Delivery>>,
}

/// A running server; it stops when dropped.
pub struct Server {
    addr: SocketAddr,
    log: Arc<Log>,
    accepting: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl Server {
    /// Starts a server on an ephemeral port of 127.0.0.1 that answers as `route` says.
    pub async fn start(route: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the listener's address");
        let log = Arc::new(Log::default());
        let route: Arc<Route> = Arc::new(route);
        let accepting = tokio::spawn({
            let log = log.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (log, route) = (log.clone(), route.clone());
                    tokio::spawn(async move {
                        let _ = tokio::time::timeout(CONNECTION_BOUND, serve(stream, &log, &*route)).await;
                    });
                }
            }
        });
        Self { addr, log, accepting }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests to `path` the server has read.
    pub fn requests_to(&self, path: &str) -> usize {
        self.log.per_path.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// How many requests the server has read, to any path.
    pub fn requests(&self) -> usize {
        self.log.per_path.lock().unwrap().values().sum()
    }

    /// What the writer of each finished [`Reply::Large`] body saw, in the order they ended.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.log.deliveries.lock().unwrap().clone()
    }
}

/// A flag that routes can read to change their answers mid-test (e.g. an endpoint that
/// recovers).
#[derive(Clone, Default)]
pub struct Switch(Arc<AtomicBool>);

impl Switch {
    pub fn set(&self, on: bool) {
        self.0.store(on, Ordering::SeqCst);
    }

    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Holds replies back until it is opened, e.g. until every request of a load test is in
/// flight.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    open: Arc<AtomicBool>,
    opened: Arc<tokio::sync::Notify>,
}

impl Gate {
    pub fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
        self.opened.notify_waiters();
    }

    async fn wait(&self) {
        loop {
            let opened = self.opened.notified();
            if self.open.load(Ordering::SeqCst) {
                return;
            }
            opened.await;
        }
    }
}

/// Counts events across route calls.
#[derive(Clone, Default)]
pub struct Counter(Arc<AtomicUsize>);

impl Counter {
    /// Adds one and returns the count before.
    pub fn bump(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst)
    }

    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Serves the requests of one connection until a reply ends it or the client leaves.
async fn serve(mut stream: TcpStream, log: &Log, route: &Route) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    while let Some(request) = read_request(&mut stream, &mut buffer).await {
        let seen = {
            let mut per_path = log.per_path.lock().unwrap();
            let count = per_path.entry(request.path.clone()).or_default();
            *count += 1;
            *count - 1
        };
        if !answer(&mut stream, route(&request, seen), log).await {
            return;
        }
    }
}

/// Writes `reply`; `true` when the connection can carry another request.
async fn answer(stream: &mut TcpStream, reply: Reply, log: &Log) -> bool {
    match reply {
        Reply::After { delay, then } => {
            tokio::time::sleep(delay).await;
            Box::pin(answer(stream, *then, log)).await
        }
        Reply::Gated { gate, then } => {
            gate.wait().await;
            Box::pin(answer(stream, *then, log)).await
        }
        Reply::Full { status, headers, body } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n", reason(status), body.len());
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(&body);
            stream.write_all(&bytes).await.is_ok()
        }
        Reply::Reset => {
            let _ = stream.set_zero_linger();
            false
        }
        Reply::Close => false,
        Reply::Truncated { announced, sent } => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {announced}\r\n\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&vec![b' '; sent]).await;
            let _ = stream.flush().await;
            false
        }
        Reply::Stall => {
            wait_for_close(stream).await;
            false
        }
        Reply::Trickle { announced, every } => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {announced}\r\n\r\n");
            if stream.write_all(head.as_bytes()).await.is_err() {
                return false;
            }
            for _ in 0..announced {
                tokio::time::sleep(every).await;
                if stream.write_all(b" ").await.is_err() {
                    break;
                }
            }
            false
        }
        Reply::Large { length, announce } => {
            let framing = if announce { format!("Content-Length: {length}") } else { "Connection: close".to_owned() };
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{framing}\r\n\r\n");
            let mut delivery = Delivery { written: 0, cut_short: stream.write_all(head.as_bytes()).await.is_err() };
            let chunk = vec![b' '; CHUNK];
            while !delivery.cut_short && delivery.written < length {
                let size = usize::try_from(length - delivery.written).unwrap_or(CHUNK).min(CHUNK);
                match stream.write_all(&chunk[..size]).await {
                    Ok(()) => delivery.written += size as u64,
                    Err(_) => delivery.cut_short = true,
                }
            }
            log.deliveries.lock().unwrap().push(delivery);
            false
        }
    }
}

/// Reads until the client closes the connection (or errs).
async fn wait_for_close(stream: &mut TcpStream) {
    let mut sink = [0u8; 1024];
    while let Ok(read) = stream.read(&mut sink).await {
        if read == 0 {
            return;
        }
    }
}

/// Reads one request (head and `Content-Length` body); `None` when the client closed the
/// connection or sent something else than HTTP/1.1.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > MAX_HEAD {
            return None;
        }
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, path) = (request_line.next()?.to_owned(), request_line.next()?.to_owned());
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (path, None),
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    buffer.drain(..head_end + 4);
    while buffer.len() < length {
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = buffer.drain(..length).collect();
    Some(Request { method, path, query, headers, body })
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status).ok().and_then(|status| status.canonical_reason()).unwrap_or("Unknown")
}
