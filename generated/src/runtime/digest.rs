//! Programmatic API keys: HTTP Digest authentication (RFC 7616, RFC 2617) as Atlas asks for
//! it. The challenge parser and the answer are this module's own; the hash is the `md-5`
//! crate's.
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
use http::header::{HeaderValue, WWW_AUTHENTICATE};
use md5::{Digest as _, Md5};

use super::Error;
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

/// The `Digest` challenge among the response's `WWW-Authenticate` headers: the first one this
/// module can answer. Each header value is read from its start, as Atlas sends one challenge
/// per header.
fn challenge(headers: &HeaderMap) -> Option<Params> {
    let mut refused = None;
    for value in headers.get_all(WWW_AUTHENTICATE) {
        match value.to_str().map_err(|_| ChallengeError::NotAscii).and_then(parse) {
            Ok(Some(params)) => return Some(params),
            Ok(None) => {}
            Err(err) => refused = refused.or(Some(err)),
        }
    }
    if let Some(err) = refused {
        tracing::warn!(error = %err, "cannot answer the server's digest challenge");
    }
    None
}

/// Why a `Digest` challenge cannot be answered. No text of the challenge but its algorithm
/// and `qop` shows: neither is a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ChallengeError {
    NotAscii,
    Syntax { at: usize, expected: &'static str },
    Missing(&'static str),
    Repeated(&'static str),
    Algorithm(String),
    Qop(String),
}

impl fmt::Display for ChallengeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAscii => f.write_str("the digest challenge is not visible ASCII"),
            Self::Syntax { at, expected } => write!(f, "the digest challenge is malformed at byte {at}: expected {expected}"),
            Self::Missing(name) => write!(f, "the digest challenge has no {name}"),
            Self::Repeated(name) => write!(f, "the digest challenge gives {name} more than once"),
            Self::Algorithm(algorithm) => {
                write!(f, "the digest challenge asks for algorithm {algorithm:?}; this client answers MD5 and MD5-sess")
            }
            Self::Qop(qop) => write!(f, "the digest challenge offers qop {qop:?}; this client answers qop=auth"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algorithm {
    Md5,
    Md5Sess,
}

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Md5Sess => "MD5-sess",
        }
    }
}

/// A `Digest` challenge this module can answer.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Params {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: Algorithm,
    /// Whether the server offered `qop=auth`; without any `qop` (RFC 2069) the answer has
    /// none.
    qop_auth: bool,
    stale: bool,
}

/// Reads one `WWW-Authenticate` value: `Ok(None)` when its scheme is not `Digest`, else its
/// parameters (`realm`, `nonce`, `opaque`, `qop`, `algorithm`, `stale`; others ignored). The
/// parameters end at the end of the value or at a token with no `=`, the scheme of another
/// challenge.
fn parse(value: &str) -> Result<Option<Params>, ChallengeError> {
    let mut cursor = Cursor { text: value, at: 0 };
    cursor.skip_whitespace();
    let Some(scheme) = cursor.token() else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("digest") {
        return Ok(None);
    }
    let (mut realm, mut nonce, mut opaque, mut qop, mut algorithm, mut stale) = (None, None, None, None, None, None);
    loop {
        cursor.skip_separators();
        let Some(name) = cursor.token() else {
            if cursor.rest().is_empty() {
                break;
            }
            return Err(cursor.error("a parameter name"));
        };
        cursor.skip_whitespace();
        if !cursor.eat(b'=') {
            // The next challenge's scheme: the rest of the value is that challenge's.
            break;
        }
        cursor.skip_whitespace();
        let value = if cursor.peek() == Some(b'"') {
            cursor.quoted()?
        } else {
            cursor.token().ok_or_else(|| cursor.error("a token or a quoted string"))?.to_owned()
        };
        cursor.skip_whitespace();
        if !(cursor.rest().is_empty() || cursor.peek() == Some(b',')) {
            return Err(cursor.error("a comma"));
        }
        let slot = match name.to_ascii_lowercase().as_str() {
            "realm" => (&mut realm, "realm"),
            "nonce" => (&mut nonce, "nonce"),
            "opaque" => (&mut opaque, "opaque"),
            "qop" => (&mut qop, "qop"),
            "algorithm" => (&mut algorithm, "algorithm"),
            "stale" => (&mut stale, "stale"),
            _ => continue,
        };
        if slot.0.replace(value).is_some() {
            return Err(ChallengeError::Repeated(slot.1));
        }
    }
    let algorithm = match algorithm {
        None => Algorithm::Md5,
        Some(name) if name.eq_ignore_ascii_case("MD5") => Algorithm::Md5,
        Some(name) if name.eq_ignore_ascii_case("MD5-sess") => Algorithm::Md5Sess,
        Some(name) => return Err(ChallengeError::Algorithm(name)),
    };
    let qop_auth = match qop {
        None if algorithm == Algorithm::Md5 => false,
        None => return Err(ChallengeError::Qop(String::new())),
        Some(list) if list.split(',').any(|option| option.trim().eq_ignore_ascii_case("auth")) => true,
        Some(list) => return Err(ChallengeError::Qop(list)),
    };
    Ok(Some(Params {
        realm: realm.ok_or(ChallengeError::Missing("realm"))?,
        nonce: nonce.ok_or(ChallengeError::Missing("nonce"))?,
        opaque,
        algorithm,
        qop_auth,
        stale: stale.is_some_and(|stale| stale.eq_ignore_ascii_case("true")),
    }))
}

/// A position in a header value.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<u8> {
        self.rest().bytes().next()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn error(&self, expected: &'static str) -> ChallengeError {
        ChallengeError::Syntax { at: self.at, expected }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// Whitespace and commas: a list may have empty elements (RFC 9110 section 5.6.1).
    fn skip_separators(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.at += 1;
        }
    }

    /// `1*tchar` (RFC 9110 section 5.6.2), if one starts here.
    fn token(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        let length = rest.bytes().take_while(|&byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)).count();
        self.at += length;
        (length > 0).then(|| &rest[..length])
    }

    /// A quoted string with its `\` escapes undone; the cursor is on its opening quote.
    fn quoted(&mut self) -> Result<String, ChallengeError> {
        let start = self.at;
        self.at += 1;
        let mut value = String::new();
        loop {
            let Some(character) = self.rest().chars().next() else {
                return Err(ChallengeError::Syntax { at: start, expected: "the end of a quoted string" });
            };
            self.at += character.len_utf8();
            match character {
                '"' => return Ok(value),
                '\\' => {
                    let Some(escaped) = self.rest().chars().next() else {
                        return Err(self.error("a character after a backslash"));
                    };
                    self.at += escaped.len_utf8();
                    value.push(escaped);
                }
                _ => value.push(character),
            }
        }
    }
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

    fn challenges(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(WWW_AUTHENTICATE, value.parse().unwrap());
        }
        headers
    }

    fn params(realm: &str, nonce: &str, opaque: Option<&str>, algorithm: Algorithm, qop_auth: bool) -> Params {
        Params { realm: realm.into(), nonce: nonce.into(), opaque: opaque.map(Into::into), algorithm, qop_auth, stale: false }
    }

    #[test]
    fn finds_the_digest_challenge() {
        let headers = challenges(&[
            r#"Bearer realm="x""#,
            r#"digest realm="MMS Public API", domain="", nonce="n1", algorithm=MD5, qop="auth", stale=true"#,
        ]);
        let found = challenge(&headers).expect("a digest challenge");
        assert_eq!((found.realm.as_str(), found.nonce.as_str(), found.stale), ("MMS Public API", "n1", true));
        assert!(challenge(&challenges(&[r#"Basic realm="x""#])).is_none());
        assert!(challenge(&challenges(&["Digest"])).is_none());
        assert!(challenge(&challenges(&[r#"Digest nonce="no realm""#])).is_none());
        assert!(challenge(&HeaderMap::new()).is_none());
        // The first challenge that can be answered wins.
        let headers =
            challenges(&[r#"Digest realm="r", nonce="a", algorithm=SHA-256, qop="auth""#, r#"Digest realm="r", nonce="b""#]);
        assert_eq!(challenge(&headers).expect("the MD5 one").nonce, "b");
    }

    #[test]
    fn parses_the_rfc_2617_challenge() {
        let value = "Digest\n realm=\"testrealm@host.com\",\n qop=\"auth,auth-int\",\n nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\n opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
        // Line folding is gone from HTTP; the value arrives with spaces.
        let value = value.replace('\n', "");
        let expected = params(
            "testrealm@host.com",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            Some("5ccc069c403ebaf9f0171e9517f40e41"),
            Algorithm::Md5,
            true,
        );
        assert_eq!(parse(&value), Ok(Some(expected)));
    }

    #[test]
    fn parses_quoted_strings_tokens_case_and_unknown_parameters() {
        let value = r#"DIGEST  Realm = "a \"quoted\" realm, with \\ and ,", NONCE=tok-en.1, ,algorithm="md5-SESS",qop="auth-int, Auth", stale=TRUE, userhash=true, charset=UTF-8, domain="/ /x""#;
        let mut expected = params(r#"a "quoted" realm, with \ and ,"#, "tok-en.1", None, Algorithm::Md5Sess, true);
        expected.stale = true;
        assert_eq!(parse(value), Ok(Some(expected)));
        // Another challenge after this one in the same value ends it.
        let value = r#"Digest realm="r", nonce="n", Basic realm="other""#;
        assert_eq!(parse(value), Ok(Some(params("r", "n", None, Algorithm::Md5, false))));
        assert_eq!(parse(r#"Basic realm="r""#), Ok(None));
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("Digestive realm=x"), Ok(None));
    }

    #[test]
    fn a_malformed_or_unanswerable_challenge_is_an_error_that_says_why() {
        let cases: &[(&str, ChallengeError)] = &[
            (
                r#"Digest realm="r", nonce="unterminated"#,
                ChallengeError::Syntax { at: 24, expected: "the end of a quoted string" },
            ),
            (r#"Digest realm="r", nonce="n\"#, ChallengeError::Syntax { at: 27, expected: "a character after a backslash" }),
            (r#"Digest realm="r" nonce="n""#, ChallengeError::Syntax { at: 17, expected: "a comma" }),
            (r#"Digest realm=, nonce="n""#, ChallengeError::Syntax { at: 13, expected: "a token or a quoted string" }),
            (r#"Digest realm="r", nonce="n", ="x""#, ChallengeError::Syntax { at: 29, expected: "a parameter name" }),
            (r#"Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth""#, ChallengeError::Algorithm("SHA-256".into())),
            (r#"Digest realm="r", nonce="n", qop="auth-int""#, ChallengeError::Qop("auth-int".into())),
            (r#"Digest realm="r", nonce="n", algorithm=MD5-sess"#, ChallengeError::Qop(String::new())),
            (r#"Digest realm="r""#, ChallengeError::Missing("nonce")),
            (r#"Digest nonce="n""#, ChallengeError::Missing("realm")),
            (r#"Digest realm="r", nonce="n", realm="s""#, ChallengeError::Repeated("realm")),
        ];
        for (value, expected) in cases {
            assert_eq!(parse(value).as_ref(), Err(expected), "{value}");
        }
        let message = ChallengeError::Algorithm("SHA-256".into()).to_string();
        assert!(message.contains("SHA-256") && message.contains("MD5"), "{message}");
        assert!(ChallengeError::Syntax { at: 3, expected: "a comma" }.to_string().contains("byte 3: expected a comma"));
    }

    #[test]
    fn never_panics_on_any_prefix_or_odd_bytes() {
        let value = r#"Digest realm="é \"x\" ", nonce="n", qop="auth", opaque=o, algorithm=MD5-sess, stale=false"#;
        for end in (0..=value.len()).filter(|&end| value.is_char_boundary(end)) {
            let _ = parse(&value[..end]);
        }
        for value in ["Digest \"", "Digest ,,,", "Digest =", "Digest a=\"\\", "Digest a=\"\\é", "Digest\trealm=r,nonce=n"] {
            let _ = parse(value);
        }
        assert_eq!(parse("Digest\trealm=r,nonce=n"), Ok(Some(params("r", "n", None, Algorithm::Md5, false))));
    }

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
