//! Programmatic API keys: HTTP Digest authentication (RFC 7616, RFC 2617) as Atlas asks for
//! it. The answer is this module's own, the challenge's parser is `digest_challenge`'s; the
//! hash is the `md-5` crate's.
//!
//! Atlas challenges with `algorithm=MD5, qop="auth"`. This module answers `MD5` and
//! `MD5-sess`, with `qop=auth` (or, for an RFC 2069 server that offers no `qop`, without
//! one). It does not answer `SHA-256` or `SHA-512-256`, which Atlas does not use: those would
//! cost the `sha2` crate in every build. A challenge it cannot answer, or one that does not
//! parse, is logged (`warn`, with the reason) and the server's 401 is the call's result,
//! an [`Error::Api`](super::Error::Api) like any other refusal.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use http::HeaderMap;
use http::header::HeaderValue;
use md5::{Digest as _, Md5};

use super::Error;
use super::digest_challenge::{Algorithm, Params, challenge};
use super::secret::{Secret, sensitive};
use super::sender::Request;

/// An API key and the last challenge Atlas sent for it.
pub(crate) struct DigestKey {
    public_key: String,
    private_key: Secret,
    /// The last challenge, shared by every request of every clone. Its nonce answers later
    /// requests too, each with the next `nc`, so a request normally takes one round trip; a
    /// new challenge replaces it once, however many requests it answered at the same time.
    challenge: Mutex<Option<Arc<Challenge>>>,
}

/// A server's challenge and how many requests have answered its nonce. The count is taken
/// with one atomic step, so concurrent requests send successive `nc` values and no nonce
/// and count pair goes out twice (a server may refuse a replay: RFC 7616 section 3.4).
struct Challenge {
    params: Params,
    answered: AtomicU32,
}

impl Challenge {
    fn new(params: Params) -> Arc<Self> {
        Arc::new(Self { params, answered: AtomicU32::new(0) })
    }

    /// Whether `other` is the same challenge again: a server answers every request without
    /// a valid answer with its current nonce, so concurrent first requests all bring it.
    fn is(&self, other: &Params) -> bool {
        self.params.nonce == other.nonce && self.params.realm == other.realm && self.params.opaque == other.opaque
    }
}

impl DigestKey {
    pub(crate) fn new(public_key: String, private_key: Secret) -> Result<Self, Error> {
        if public_key.is_empty() || private_key.expose().is_empty() {
            return Err(Error::invalid_argument("digest public and private keys must not be empty"));
        }
        // The public key travels inside a quoted string of the `Authorization` header.
        if !public_key.bytes().all(|byte| byte.is_ascii_graphic() && byte != b'"' && byte != b'\\') {
            return Err(Error::invalid_argument(
                "digest public key must be printable ASCII without spaces, quotes or backslashes",
            ));
        }
        Ok(Self { public_key, private_key, challenge: Mutex::new(None) })
    }

    /// The answer to the last challenge for `request`, if there is one to answer; before
    /// the first challenge a request goes without, and its 401 brings one.
    pub(crate) fn authorization(&self, request: &Request) -> Option<HeaderValue> {
        self.current().and_then(|challenge| self.answer(&challenge, request))
    }

    /// Takes the challenge a 401 brought (the first request, a `stale=true` nonce, or a
    /// nonce Atlas no longer accepts), so the next attempt answers it; `false` when the
    /// response has none this module can answer.
    pub(crate) fn take_challenge(&self, headers: &HeaderMap) -> bool {
        let Some(received) = challenge(headers) else {
            return false;
        };
        tracing::debug!(stale = received.stale, "answering a digest challenge");
        self.adopt(received);
        true
    }

    fn current(&self) -> Option<Arc<Challenge>> {
        self.challenge.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The shared challenge after the server sent `received`: the one already kept when it
    /// is the same (another request got there first, and its count goes on), else `received`,
    /// which replaces it.
    fn adopt(&self, received: Params) {
        let mut kept = self.challenge.lock().unwrap_or_else(PoisonError::into_inner);
        if !kept.as_ref().is_some_and(|challenge| challenge.is(&received)) {
            *kept = Some(Challenge::new(received));
        }
    }

    /// The `Authorization` header answering `challenge` for `request` with the next `nc` and
    /// a fresh client nonce; `None` (logged) when no answer can be made.
    fn answer(&self, challenge: &Challenge, request: &Request) -> Option<HeaderValue> {
        let Some(nc) = challenge.answered.fetch_add(1, Ordering::Relaxed).checked_add(1) else {
            tracing::warn!("the digest nonce has answered 2^32 requests; waiting for a new challenge");
            return None;
        };
        let cnonce = match client_nonce() {
            Ok(cnonce) => cnonce,
            Err(err) => {
                tracing::warn!(error = %err, "cannot make a digest client nonce");
                return None;
            }
        };
        // The request-target exactly as sent: the path and the query string.
        let target = request.uri().path_and_query().map_or("/", |target| target.as_str());
        let credentials = Credentials { username: &self.public_key, password: self.private_key.expose() };
        let answer = authorization(&credentials, &challenge.params, request.method().as_str(), target, nc, &cnonce);
        HeaderValue::try_from(answer).ok().map(sensitive)
    }
}

/// 16 bytes from the operating system's generator, in hex: the `cnonce` of one answer. The
/// `getrandom` crate is the one `ring` (rustls) already builds.
fn client_nonce() -> Result<String, getrandom::Error> {
    let mut bytes = [0_u8; 16];
    getrandom::getrandom(&mut bytes)?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

fn md5_hex(parts: &[&str]) -> String {
    let mut hasher = Md5::new();
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            hasher.update(b":");
        }
        hasher.update(part.as_bytes());
    }
    hex(&hasher.finalize())
}

/// Who answers: the API key's public part is the user name, its private part the password.
struct Credentials<'a> {
    username: &'a str,
    password: &'a str,
}

/// The `response` value (RFC 7616 section 3.4.1): 32 hex digits.
fn response(credentials: &Credentials<'_>, params: &Params, method: &str, uri: &str, nc: &str, cnonce: &str) -> String {
    let mut ha1 = md5_hex(&[credentials.username, &params.realm, credentials.password]);
    if params.algorithm == Algorithm::Md5Sess {
        ha1 = md5_hex(&[&ha1, &params.nonce, cnonce]);
    }
    let ha2 = md5_hex(&[method, uri]);
    if params.qop_auth {
        md5_hex(&[&ha1, &params.nonce, nc, cnonce, "auth", &ha2])
    } else {
        md5_hex(&[&ha1, &params.nonce, &ha2])
    }
}

/// The `Authorization` header's value answering `params` with count `nc` and `cnonce`.
fn authorization(credentials: &Credentials<'_>, params: &Params, method: &str, uri: &str, nc: u32, cnonce: &str) -> String {
    let nc = format!("{nc:08x}");
    let response = response(credentials, params, method, uri, &nc, cnonce);
    let mut header = String::from("Digest ");
    let _ = write!(
        header,
        "username={}, realm={}, nonce={}, uri={}, algorithm={}, response=\"{response}\"",
        Quoted(credentials.username),
        Quoted(&params.realm),
        Quoted(&params.nonce),
        Quoted(uri),
        params.algorithm.name(),
    );
    if let Some(opaque) = &params.opaque {
        let _ = write!(header, ", opaque={}", Quoted(opaque));
    }
    if params.qop_auth {
        let _ = write!(header, ", qop=auth, nc={nc}, cnonce={}", Quoted(cnonce));
    }
    header
}

/// A value written as a quoted string, `"` and `\` escaped.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for character in self.0.chars() {
            if matches!(character, '"' | '\\') {
                f.write_char('\\')?;
            }
            f.write_char(character)?;
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::digest_challenge::parse;
    use crate::runtime::digest_challenge::tests::params;

    /// RFC 2617 section 3.5.
    #[test]
    fn answers_the_rfc_2617_example() {
        let params = params(
            "testrealm@host.com",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            Some("5ccc069c403ebaf9f0171e9517f40e41"),
            Algorithm::Md5,
            true,
        );
        let credentials = Credentials { username: "Mufasa", password: "Circle Of Life" };
        let header = authorization(&credentials, &params, "GET", "/dir/index.html", 1, "0a4f113b");
        assert_eq!(
            header,
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
             uri=\"/dir/index.html\", algorithm=MD5, response=\"6629fae49393a05397450978507c4ef1\", \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", qop=auth, nc=00000001, cnonce=\"0a4f113b\""
        );
    }

    /// RFC 7616 section 3.9.1, the MD5 answer.
    #[test]
    fn answers_the_rfc_7616_example() {
        let value = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
        let params = parse(value).unwrap().unwrap();
        let credentials = Credentials { username: "Mufasa", password: "Circle of Life" };
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let answer = response(&credentials, &params, "GET", "/dir/index.html", "00000001", cnonce);
        assert_eq!(answer, "8ca523f5e9506fed4657c9700eebdbec");
    }

    /// MD5-sess (RFC 2617 section 3.2.2.2) and the RFC 2069 answer without `qop`, from
    /// their definitions, with MD5 of the empty string and of `abc` as known answers.
    #[test]
    fn answers_md5_sess_and_no_qop() {
        assert_eq!(md5_hex(&[""]), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(&["a", "bc"]), md5_hex(&["a:bc"]));
        let credentials = Credentials { username: "u", password: "p" };
        let sess = params("r", "n", None, Algorithm::Md5Sess, true);
        let ha1 = md5_hex(&[&md5_hex(&["u", "r", "p"]), "n", "c"]);
        let ha2 = md5_hex(&["POST", "/x?y=1"]);
        assert_eq!(
            response(&credentials, &sess, "POST", "/x?y=1", "0000000a", "c"),
            md5_hex(&[&ha1, "n", "0000000a", "c", "auth", &ha2])
        );
        let header = authorization(&credentials, &sess, "POST", "/x?y=1", 10, "c");
        assert!(
            header.contains(", algorithm=MD5-sess, ") && header.ends_with(", qop=auth, nc=0000000a, cnonce=\"c\""),
            "{header}"
        );
        let plain = params("r", "n", None, Algorithm::Md5, false);
        let expected = md5_hex(&[&md5_hex(&["u", "r", "p"]), "n", &ha2]);
        let header = authorization(&credentials, &plain, "POST", "/x?y=1", 1, "c");
        assert!(header.ends_with(&format!("response=\"{expected}\"")), "{header}");
        assert!(!header.contains("cnonce") && !header.contains("qop"), "{header}");
    }

    #[test]
    fn quotes_what_it_echoes() {
        let params = params(r#"a"b\c"#, "n", Some("o"), Algorithm::Md5, true);
        let header = authorization(&Credentials { username: "u", password: "p" }, &params, "GET", "/", 1, "c");
        assert!(header.contains(r#"realm="a\"b\\c""#), "{header}");
        assert_eq!(parse(&header).unwrap().unwrap().realm, r#"a"b\c"#);
    }

    #[test]
    fn client_nonces_are_fresh_hex() {
        let (first, second) = (client_nonce().unwrap(), client_nonce().unwrap());
        assert_eq!(first.len(), 32);
        assert!(first.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_ne!(first, second);
    }

    #[test]
    fn refuses_keys_that_cannot_be_sent() {
        let key = |public: &str, private: &str| DigestKey::new(public.into(), Secret::new(private.into()));
        assert!(key("abcdefgh", "0c5e1a2b-private").is_ok());
        for (public, private) in [("", "p"), ("abc", ""), ("a b", "p"), ("a\"b", "p"), ("a\\b", "p"), ("é", "p")] {
            assert!(matches!(key(public, private), Err(Error::InvalidArgument { .. })), "{public:?}");
        }
    }
}
