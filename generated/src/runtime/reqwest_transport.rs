//! The default [`Transport`]: reqwest with rustls (the trusted roots, the proxy), its
//! errors classified by how far the exchange got and summarised in one line that names the
//! peer and the root cause, never the URL.

use std::time::Duration;

use futures_util::StreamExt;

use super::Error;
use super::seam::{Body, SendFuture, Transport, TransportError, TransportErrorKind};

/// reqwest's client (its connection pool, TLS and proxy settings) behind the seam.
pub(crate) struct ReqwestTransport {
    http: reqwest::Client,
}

impl ReqwestTransport {
    /// rustls trusting the operating system's store, the Mozilla roots and the PEM
    /// `root_certificates`; through `proxy` (except for `NO_PROXY` hosts), else the
    /// environment's proxy.
    pub(crate) fn new(connect_timeout: Duration, root_certificates: &[Vec<u8>], proxy: Option<&str>) -> Result<Self, Error> {
        let mut http = reqwest::Client::builder().use_rustls_tls().connect_timeout(connect_timeout);
        for pem in root_certificates {
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .ok()
                .filter(|certificates| !certificates.is_empty())
                .ok_or_else(|| Error::invalid_argument("a root certificate is not PEM holding a certificate"))?;
            for certificate in certificates {
                http = http.add_root_certificate(certificate);
            }
        }
        if let Some(url) = proxy {
            let proxy = reqwest::Proxy::all(url)
                .map_err(|err| Error::invalid_argument_caused_by("proxy is not a URL a proxy can have", err.without_url()))?;
            http = http.proxy(proxy.no_proxy(reqwest::NoProxy::from_env()));
        }
        let http = http.build().map_err(|err| Error::Transport(Box::new(err.without_url())))?;
        Ok(Self { http })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: http::Request<Vec<u8>>) -> SendFuture {
        let sent = reqwest::Request::try_from(request.map(reqwest::Body::from)).map(|request| self.http.execute(request));
        Box::pin(async move {
            let mut response = sent.map_err(failure)?.await.map_err(failure)?;
            let mut head = http::Response::new(());
            *head.status_mut() = response.status();
            *head.version_mut() = response.version();
            *head.headers_mut() = std::mem::take(response.headers_mut());
            let chunks = futures_util::stream::unfold(Some(response), |response| async move {
                let mut response = response?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(Vec::from(chunk)), Some(response))),
                    Ok(None) => None,
                    Err(err) => Some((Err(failure(err)), None)),
                }
            });
            Ok(head.map(|()| Body::from_stream(chunks.boxed())))
        })
    }
}

/// A reqwest failure as a [`TransportError`]: what failed, with whom (host and port only: a
/// query may hold an email address) and the root cause, over reqwest's error without its URL.
fn failure(err: reqwest::Error) -> TransportError {
    let peer = err.url().and_then(|url| {
        let host = url.host_str()?;
        Some(match url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        })
    });
    let peer = peer.unwrap_or_else(|| "the server".to_owned());
    let (kind, what) = if err.is_connect() {
        (TransportErrorKind::NotConnected, format!("could not connect to {peer}"))
    } else if err.is_timeout() {
        (TransportErrorKind::TimedOut, format!("the request to {peer} timed out"))
    } else if err.is_body() || err.is_decode() {
        // Without decompression, reqwest's "decode" errors are the body's reads failing.
        (TransportErrorKind::Interrupted, format!("the connection to {peer} failed while the response was read"))
    } else if err.is_request() {
        (TransportErrorKind::Interrupted, format!("the HTTP exchange with {peer} failed"))
    } else {
        (TransportErrorKind::Other, format!("the HTTP exchange with {peer} failed"))
    };
    let message = match root_cause(&err) {
        Some(cause) => format!("{what}: {cause}"),
        None => what,
    };
    let timed_out = err.is_timeout();
    let failure = TransportError::new(kind, message).with_source(err.without_url());
    if timed_out { failure.timed_out() } else { failure }
}

/// The innermost cause of `err`, as a short phrase: a connection failure's kind
/// (`connection refused`, `connection reset`) rather than its OS wording, an explanation of
/// an untrusted certificate, else the last message.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    use std::io::ErrorKind;
    let mut cause = err.source()?;
    loop {
        let text = cause.to_string();
        if text.contains("invalid peer certificate") {
            return Some(format!(
                "the server's certificate is not trusted ({}); if a company proxy or CA signs it, add that CA to the \
                 operating system's trust store (or the file SSL_CERT_FILE names), or pass it to \
                 ClientBuilder::add_root_certificate",
                text.trim_start_matches("invalid peer certificate: ")
            ));
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::NotConnected
                    | ErrorKind::BrokenPipe
                    | ErrorKind::TimedOut
                    | ErrorKind::UnexpectedEof
                    | ErrorKind::AddrNotAvailable
                    | ErrorKind::HostUnreachable
                    | ErrorKind::NetworkUnreachable
            ) {
                return Some(io.kind().to_string());
            }
        }
        match cause.source() {
            Some(next) => cause = next,
            None => return Some(text),
        }
    }
}
