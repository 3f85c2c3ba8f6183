//! The async [`Client`]: configuration, authentication and the one place requests are sent.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use tracing::Instrument;

use super::Error;
use crate::operations::OperationInfo;

const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const USER_AGENT_PREFIX: &str = concat!("atlas-admin/", env!("CARGO_PKG_VERSION"));

/// An async client for the Atlas Administration API.
///
/// Each Atlas operation is a method on `Client`. Cloning is cheap and every clone shares
/// one connection pool and one set of credentials, so build one client and pass clones
/// around rather than building one per task.
///
/// # Examples
///
/// ```
/// let client = atlas_admin::Client::builder()
///     .bearer_token("my-access-token")
///     .build()?;
/// assert_eq!(client.base_url(), "https://cloud.mongodb.com");
/// assert!(!format!("{client:?}").contains("my-access-token"));
/// # Ok::<(), atlas_admin::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: String,
    credentials: Credentials,
    user_agent: HeaderValue,
    http: reqwest::Client,
}

impl Client {
    /// Starts configuring a client; see [`ClientBuilder`] for the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Authenticates and sends `request`, and reads the whole response.
    ///
    /// Any status comes back as a response: deciding what is an error is the
    /// operation's job, so this fails only when no response was read.
    pub(crate) async fn execute(
        &self,
        mut request: http::Request<Vec<u8>>,
        op: &OperationInfo,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let span = tracing::info_span!("atlas_request", operation = op.operation_id, method = op.method, path = op.path,);
        async move {
            let headers = request.headers_mut();
            self.inner.credentials.authorize(headers)?;
            headers.insert(USER_AGENT, self.inner.user_agent.clone());
            let request = reqwest::Request::try_from(request)
                .map_err(|err| Error::invalid_argument_caused_by("request cannot be sent with reqwest", err))?;
            let mut response = self.inner.http.execute(request).await.map_err(Error::from_reqwest)?;
            let status = response.status();
            tracing::debug!(status = status.as_u16(), "response received");
            let version = response.version();
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await.map_err(Error::from_reqwest)?;

            let mut rebuilt = http::Response::new(Vec::from(body));
            *rebuilt.status_mut() = status;
            *rebuilt.version_mut() = version;
            *rebuilt.headers_mut() = headers;
            Ok(rebuilt)
        }
        .instrument(span)
        .await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials.kind())
            .finish_non_exhaustive()
    }
}

/// Configures and builds a [`Client`].
///
/// Setters only record values; [`build`](Self::build) checks them all.
///
/// | setting | default |
/// | --- | --- |
/// | [`base_url`](Self::base_url) | `https://cloud.mongodb.com` |
/// | credentials | none |
/// | [`timeout`](Self::timeout) | 60 s per request, from connecting to the end of the body |
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`user_agent_suffix`](Self::user_agent_suffix) | none: `User-Agent: atlas-admin/<version>` |
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let client = atlas_admin::Client::builder()
///     .base_url("http://127.0.0.1:4010/")
///     .bearer_token("my-access-token")
///     .timeout(Duration::from_secs(30))
///     .user_agent_suffix("my-tool/1.2")
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:4010");
///
/// let err = atlas_admin::Client::builder().base_url("ftp://example.com").build().unwrap_err();
/// assert!(matches!(err, atlas_admin::Error::InvalidArgument { .. }));
/// # Ok::<(), atlas_admin::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a ClientBuilder does nothing until `build` is called"]
pub struct ClientBuilder {
    base_url: String,
    credentials: Credentials,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent_suffix: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            credentials: Credentials::None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent_suffix: None,
        }
    }
}

impl ClientBuilder {
    /// Sends requests to `base_url` instead of `https://cloud.mongodb.com`, e.g. for
    /// Atlas for Government or a mock server. It must be an `http` or `https` URL
    /// without credentials, query or fragment; a trailing slash is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Authenticates every request with `Authorization: Bearer <token>`.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Credentials::Bearer(Secret(token.into()));
        self
    }

    /// Limits each request, from connecting until the response body is read.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limits establishing each connection (TCP and TLS).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Identifies the calling application: the `User-Agent` header becomes
    /// `atlas-admin/<version> <suffix>`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when a setting is invalid, naming the setting (never a
    /// secret); [`Error::Transport`] when the HTTP client cannot be initialised.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = check_base_url(&self.base_url)?;
        self.credentials.check()?;
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::invalid_argument("timeouts must be greater than zero"));
        }
        let user_agent = match self.user_agent_suffix.as_deref().map(str::trim) {
            None | Some("") => HeaderValue::from_static(USER_AGENT_PREFIX),
            Some(suffix) => HeaderValue::try_from(format!("{USER_AGENT_PREFIX} {suffix}")).map_err(|err| {
                Error::invalid_argument_caused_by(format!("user agent suffix {suffix:?} is not a valid header value"), err)
            })?,
        };
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(Error::Transport)?;
        Ok(Client { inner: Arc::new(Inner { base_url, credentials: self.credentials, user_agent, http }) })
    }
}

/// Returns the base URL without trailing slashes, or why it cannot be one.
///
/// Messages never quote the URL: a mistyped one may still carry a password.
fn check_base_url(base_url: &str) -> Result<String, Error> {
    let url =
        reqwest::Url::parse(base_url).map_err(|err| Error::invalid_argument_caused_by("base URL is not an absolute URL", err))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_argument("base URL must not contain credentials; use the builder's credential methods"));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid_argument(format!("base URL must use http or https, not {}", url.scheme())));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_argument("base URL must not have a query or fragment"));
    }
    Ok(super::base_url(base_url))
}

/// How requests are authenticated. Each variant owns its secrets; `authorize` is the
/// only place they are turned into headers.
#[derive(Clone, Debug)]
enum Credentials {
    None,
    Bearer(Secret),
}

impl Credentials {
    /// What `Debug` of a client shows instead of the secret.
    fn kind(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Bearer(_) => "bearer token",
        }
    }

    /// Refuses credentials that `authorize` would fail on, so that `build` reports them.
    fn check(&self) -> Result<(), Error> {
        match self {
            Self::None => Ok(()),
            Self::Bearer(token) => bearer_header(token).map(drop),
        }
    }

    /// Adds the `Authorization` header. Fallible because credentials that fetch or
    /// compute their token per request can fail here.
    fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        match self {
            Self::None => {}
            Self::Bearer(token) => {
                headers.insert(AUTHORIZATION, bearer_header(token)?);
            }
        }
        Ok(())
    }
}

fn bearer_header(token: &Secret) -> Result<HeaderValue, Error> {
    if token.0.trim().is_empty() {
        return Err(Error::invalid_argument("bearer token must not be empty"));
    }
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.0)).map_err(|err| {
        Error::invalid_argument_caused_by("bearer token contains characters not allowed in an HTTP header", err)
    })?;
    // Keeps the token out of `Debug` of header maps and out of HTTP/2 header compression.
    value.set_sensitive(true);
    Ok(value)
}

/// A credential that never shows in `Debug` output.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "s3cr3t-t0ken";

    #[test]
    fn client_is_cheap_to_share() {
        fn assert_traits<T: Clone + fmt::Debug + Send + Sync + 'static>() {}
        assert_traits::<Client>();
        assert_traits::<ClientBuilder>();
    }

    #[test]
    fn debug_never_shows_the_token() {
        let builder = Client::builder().bearer_token(TOKEN);
        let builder_debug = format!("{builder:?}");
        assert!(!builder_debug.contains(TOKEN), "{builder_debug}");
        assert!(builder_debug.contains("[redacted]"), "{builder_debug}");

        let client = builder.build().unwrap();
        assert_eq!(format!("{client:?}"), r#"Client { base_url: "https://cloud.mongodb.com", credentials: "bearer token", .. }"#);
        let anonymous = Client::builder().build().unwrap();
        assert!(format!("{anonymous:?}").contains(r#"credentials: "none""#));

        let mut headers = HeaderMap::new();
        client.inner.credentials.authorize(&mut headers).unwrap();
        assert_eq!(headers[AUTHORIZATION], format!("Bearer {TOKEN}").as_str());
        assert!(!format!("{headers:?}").contains(TOKEN));
    }

    #[test]
    fn build_checks_every_setting() {
        let refused = |builder: ClientBuilder| match builder.build() {
            Err(Error::InvalidArgument { message, .. }) => message,
            other => panic!("expected InvalidArgument, got {other:?}"),
        };
        for url in [
            "cloud.mongodb.com",
            "ftp://cloud.mongodb.com",
            "https://cloud.mongodb.com/?x=1",
            "https://cloud.mongodb.com/#top",
            "",
        ] {
            refused(Client::builder().base_url(url));
        }
        let message = refused(Client::builder().base_url(format!("https://user:{TOKEN}@h")));
        assert!(!message.contains(TOKEN), "{message}");
        for token in ["", "  ", "line\nbreak"] {
            let message = refused(Client::builder().bearer_token(token));
            assert!(message.contains("bearer token"), "{message}");
        }
        refused(Client::builder().timeout(Duration::ZERO));
        refused(Client::builder().user_agent_suffix("bad\r\nX-Injected: 1"));

        let client = Client::builder().base_url("https://cloud.mongodbgov.com/").build().unwrap();
        assert_eq!(client.base_url(), "https://cloud.mongodbgov.com");
    }
}
