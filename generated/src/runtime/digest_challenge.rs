//! The `WWW-Authenticate` header's `Digest` challenge (RFC 7616, RFC 2617), read: its own
//! parser, which says why a challenge it cannot answer is refused.

use std::fmt;

use http::HeaderMap;
use http::header::WWW_AUTHENTICATE;

/// The `Digest` challenge among the response's `WWW-Authenticate` headers: the first one this
/// module can answer. Each header value is read from its start, as Atlas sends one challenge
/// per header.
pub(crate) fn challenge(headers: &HeaderMap) -> Option<Params> {
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
pub(crate) enum ChallengeError {
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
pub(crate) enum Algorithm {
    Md5,
    Md5Sess,
}

impl Algorithm {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Md5Sess => "MD5-sess",
        }
    }
}

/// A `Digest` challenge this module can answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Params {
    pub(crate) realm: String,
    pub(crate) nonce: String,
    pub(crate) opaque: Option<String>,
    pub(crate) algorithm: Algorithm,
    /// Whether the server offered `qop=auth`; without any `qop` (RFC 2069) the answer has
    /// none.
    pub(crate) qop_auth: bool,
    pub(crate) stale: bool,
}

/// Reads one `WWW-Authenticate` value: `Ok(None)` when its scheme is not `Digest`, else its
/// parameters (`realm`, `nonce`, `opaque`, `qop`, `algorithm`, `stale`; others ignored). The
/// parameters end at the end of the value or at a token with no `=`, the scheme of another
/// challenge.
pub(crate) fn parse(value: &str) -> Result<Option<Params>, ChallengeError> {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn challenges(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(WWW_AUTHENTICATE, value.parse().unwrap());
        }
        headers
    }

    pub(crate) fn params(realm: &str, nonce: &str, opaque: Option<&str>, algorithm: Algorithm, qop_auth: bool) -> Params {
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
}
