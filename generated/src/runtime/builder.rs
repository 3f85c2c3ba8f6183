//! [`ClientBuilder`]: the client's settings, each checked in `build`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;

use super::Error;
use super::auth::{Credentials, Provider, TokenProvider};
use super::base_url::{check_base_url, redacted_url};
use super::classify::{DefaultRetryClassifier, RetryClassifier};
use super::client::{Client, Inner, ResponseHook, ResponseInfo};
use super::clock::{Clock, TokioClock};
use super::intercept::Interceptor;
use super::pace::Pacer;
use super::reqwest_transport::ReqwestTransport;
use super::retry::RetryPolicy;
use super::seam::Transport;
use super::secret::Secret;
use super::sender::Sender;
use super::service_account::DEFAULT_TOKEN_RETRY_DELAY;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
const DEFAULT_MAX_PAGES: u32 = 1000;
const USER_AGENT_PREFIX: &str = concat!("atlas-admin/", env!("CARGO_PKG_VERSION"));

/// Configures and builds a [`Client`].
///
/// Setters only record values; [`build`](Self::build) checks them all.
///
/// | setting | default |
/// | --- | --- |
/// | [`base_url`](Self::base_url) | [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL): the spec's first server (`https://cloud.mongodb.com` for Atlas) |
/// | credentials: [`bearer_token`](Self::bearer_token), [`service_account`](Self::service_account) or [`digest`](Self::digest) | none |
/// | [`max_retries`](Self::max_retries) | 3 retries after the first attempt |
/// | [`max_retry_delay`](Self::max_retry_delay) | 60 s of waiting between the attempts of one call |
/// | [`transient_retries`](Self::transient_retries) | on: GET, PUT, DELETE and HEAD are retried after a connection failure, a timeout, 502, 503 or 504; every method after 429 or a failed connect |
/// | [`timeout`](Self::timeout) | 60 s per attempt, from connecting to the end of the body |
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`max_response_bytes`](Self::max_response_bytes) | 64 MiB per response body |
/// | [`max_pages`](Self::max_pages) | 1000 pages per paging stream |
/// | [`token_retry_delay`](Self::token_retry_delay) | 6 s before a failed service account token request is made again |
/// | [`user_agent_suffix`](Self::user_agent_suffix) | none: `User-Agent: atlas-admin/<version>` |
/// | trusted certificates: [`add_root_certificate`](Self::add_root_certificate) | the operating system's store (with `SSL_CERT_FILE`) and the Mozilla roots built in |
/// | [`proxy`](Self::proxy) | `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`, except for `NO_PROXY` hosts |
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
#[derive(Clone)]
#[must_use = "a ClientBuilder does nothing until `build` is called"]
pub struct ClientBuilder {
    base_url: String,
    credentials: Credentials,
    retry: RetryPolicy,
    transient_retries: bool,
    classifier: Option<Arc<dyn RetryClassifier>>,
    clock: Option<Arc<dyn Clock>>,
    interceptors: Vec<Arc<dyn Interceptor>>,
    pacer: Option<Pacer>,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: u64,
    max_pages: u32,
    token_retry_delay: Duration,
    user_agent_suffix: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    on_response: Option<ResponseHook>,
    root_certificates: Vec<Vec<u8>>,
    proxy: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: crate::DEFAULT_BASE_URL.to_owned(),
            credentials: Credentials::None,
            retry: RetryPolicy::default(),
            transient_retries: true,
            classifier: None,
            clock: None,
            interceptors: Vec::new(),
            pacer: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
            token_retry_delay: DEFAULT_TOKEN_RETRY_DELAY,
            user_agent_suffix: None,
            transport: None,
            on_response: None,
            root_certificates: Vec::new(),
            proxy: None,
        }
    }
}

/// Shows the settings, with the base URL's user info and query replaced by `[redacted]`
/// (`build` refuses both, but a builder may be logged before it is built) and every
/// credential as its kind and identifier only.
impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &redacted_url(&self.base_url))
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("transient_retries", &self.transient_retries)
            .field("retry_classifier", &if self.classifier.is_some() { "custom" } else { "default" })
            .field("clock", &if self.clock.is_some() { "custom" } else { "tokio" })
            .field("interceptors", &self.interceptors.len())
            .field("pacer", &self.pacer)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_pages", &self.max_pages)
            .field("token_retry_delay", &self.token_retry_delay)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("transport", &if self.transport.is_some() { "custom" } else { "reqwest" })
            .field("on_response", &self.on_response.is_some())
            .field("root_certificates", &self.root_certificates.len())
            .field("proxy", &self.proxy.as_deref().map(redacted_url))
            .finish()
    }
}

impl Client {
    /// Starts configuring a client; see [`ClientBuilder`] for the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl ClientBuilder {
    /// Sends requests to `base_url` instead of [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL)
    /// (`https://cloud.mongodb.com` for Atlas), e.g. for Atlas for Government or a mock
    /// server. It must be an `http` or `https` URL without credentials, query or fragment; a
    /// trailing slash is ignored, and its path is kept: each operation's path follows it.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Authenticates every request with `Authorization: Bearer <token>`, a token you
    /// obtained and renew yourself. Replaces any credentials set before.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Credentials::Bearer(Secret::new(token.into()));
        self
    }

    /// Authenticates every request with `Authorization: Bearer <token>`, the token `provider`
    /// gives at each attempt, so it can rotate. Replaces any credentials set before. See
    /// [`TokenProvider`] for an example.
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.credentials = Credentials::Provider(Provider(Arc::new(provider)));
        self
    }

    /// Calls `interceptor`'s hooks at every call: before credentials are added, at each
    /// attempt, each response and each error. Interceptors run in the order they were
    /// added. See [`Interceptor`] for an example.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Paces every write of this client (every method but GET, HEAD and OPTIONS) with
    /// `pacer`: each call waits for a turn and a slot first, and shows the pacer the
    /// rate-limit figures of each response, so the pace slows as `RateLimit-Remaining`
    /// falls. Clones of the pacer share its schedule, with other clients and any code that
    /// waits for it.
    ///
    /// ```
    /// use atlas_admin::transport::{Pacer, Pacing};
    ///
    /// let pacer = Pacer::new(&Pacing::default().with_writes_per_minute(10).with_concurrency(2));
    /// let client = atlas_admin::Client::builder().bearer_token("t").pacer(pacer.clone()).build()?;
    /// # let _ = client;
    /// # Ok::<(), atlas_admin::Error>(())
    /// ```
    pub fn pacer(mut self, pacer: Pacer) -> Self {
        self.pacer = Some(pacer);
        self
    }

    /// Authenticates as an Atlas service account: the client gets an access token with the
    /// OAuth 2.0 client-credentials flow from `{base_url}/api/oauth/token` and sends it as
    /// a bearer token. Replaces any credentials set before.
    ///
    /// The token is shared by every clone of the client and kept until 60 s before it
    /// expires (halfway through lifetimes under two minutes). Only one token request runs
    /// at a time; requests that need a token meanwhile wait for it and share its outcome.
    /// When the API answers 401, the client gets a new token and sends the request once
    /// more. A token endpoint that refuses, or cannot be reached, is an [`Error::Auth`];
    /// it is not asked again before [`token_retry_delay`](Self::token_retry_delay).
    pub fn service_account(mut self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        self.credentials =
            Credentials::ServiceAccount { client_id: client_id.into(), client_secret: Secret::new(client_secret.into()) };
        self
    }

    /// Authenticates with a programmatic API key using HTTP Digest (RFC 7616, as Atlas
    /// asks: MD5, `qop=auth`). Replaces any credentials set before.
    ///
    /// The first request learns the server's challenge from a 401 and is sent again with
    /// its answer, body included; later requests answer the same challenge (with the next
    /// `nc` and a fresh `cnonce`) and so take one round trip until the server sends a new
    /// one, e.g. with `stale=true`. A wrong key comes back as the API's 401 [`Error::Api`].
    pub fn digest(mut self, public_key: impl Into<String>, private_key: impl Into<String>) -> Self {
        self.credentials = Credentials::Digest { public_key: public_key.into(), private_key: Secret::new(private_key.into()) };
        self
    }

    /// How many times one call may be sent again after the first attempt; `0` turns
    /// retries off.
    ///
    /// Any call is retried when Atlas answers 429 (too many requests: it did nothing) or
    /// no connection could be made (the request never left). Unless
    /// [`transient_retries`](Self::transient_retries) is off, methods that are safe to
    /// repeat (GET, PUT, DELETE, HEAD; not POST or PATCH) are also retried after a
    /// connection reset or closed before the whole response arrived, a
    /// [`timeout`](Self::timeout), and 502, 503 or 504. The client waits as the
    /// response's `Retry-After` says (seconds or an HTTP date), otherwise an exponential
    /// backoff with jitter (0.25–0.5 s, then 0.5–1 s, doubling up to 4–8 s). Each retry is
    /// a `tracing` event (`retrying`) with its `reason`. When the retries run out, the
    /// last outcome is the call's result, e.g. the 429 [`Error::Api`] with its
    /// [`RateLimit`](crate::RateLimit).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The most one call waits in total between its attempts, the retries of the service
    /// account token requests it makes included. A `Retry-After` or backoff that would go
    /// past it ends the retries at once, so the caller gets the response (and its
    /// `Retry-After`) without waiting in vain.
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.retry.max_total_delay = delay;
        self
    }

    /// Whether transient failures are retried (default: yes): connection failures after
    /// connecting, timeouts, 502, 503 and 504 (whatever the size of their body), for GET,
    /// PUT, DELETE and HEAD. Off, a call is still retried after a 429 or a connection that
    /// could not be made (refused, unreachable), which are safe for every method; see
    /// [`max_retries`](Self::max_retries).
    ///
    /// This sets the default classifier's switch
    /// ([`DefaultRetryClassifier::transient_retries`](crate::transport::DefaultRetryClassifier::transient_retries));
    /// a classifier set with [`retry_classifier`](Self::retry_classifier) decides for itself.
    pub fn transient_retries(mut self, enabled: bool) -> Self {
        self.transient_retries = enabled;
        self
    }

    /// Decides after every attempt whether to retry, how long to wait first, and whether a
    /// 401 calls for new credentials, instead of the
    /// [`DefaultRetryClassifier`](crate::transport::DefaultRetryClassifier). The limits
    /// ([`max_retries`](Self::max_retries), [`max_retry_delay`](Self::max_retry_delay))
    /// still hold. See [`RetryClassifier`] for an example.
    pub fn retry_classifier(mut self, classifier: impl RetryClassifier) -> Self {
        self.classifier = Some(Arc::new(classifier));
        self
    }

    /// Reads the time and waits through `clock` instead of tokio's clock: for retries, the
    /// service account's token cache and `Retry-After` dates. See [`Clock`] for an example.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The largest response body the client reads, in bytes (default 64 MiB). A response
    /// whose `Content-Length` is larger is refused before its body is read, and one that
    /// grows past the limit is read no further: both are [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The most pages one `<method>_stream` fetches (default 1000). A stream that would
    /// fetch more ends with [`Error::Paging`] instead, so a server that always links a
    /// `next` page cannot keep a `try_collect` growing without end; raise it for lists
    /// longer than this many pages.
    ///
    /// ```
    /// let client = atlas_admin::Client::builder().max_pages(50_000).build()?;
    /// # let _ = client;
    /// # Ok::<(), atlas_admin::Error>(())
    /// ```
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages;
        self
    }

    /// How long a service account waits after a failed token request before it asks the
    /// token endpoint again (default 6 s, longer when the endpoint's `Retry-After` says
    /// so, at most 60 s). Calls that need a token meanwhile fail at once with the same
    /// [`Error::Auth`]. Atlas allows 10 token requests a minute; at the default, a failing
    /// endpoint is not asked more often than that.
    pub fn token_retry_delay(mut self, delay: Duration) -> Self {
        self.token_retry_delay = delay;
        self
    }

    /// Limits each attempt of a request, from connecting until the response body is read.
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

    /// Also trusts the CA certificates in `pem` (one or more PEM blocks), e.g. the CA of a
    /// company proxy that inspects TLS. The client already trusts the operating system's
    /// certificate store (on Linux also the file `SSL_CERT_FILE` names) and the Mozilla roots
    /// built in; `build` refuses PEM that holds no certificate.
    ///
    /// ```
    /// # let company_ca_pem = "";
    /// let builder = atlas_admin::Client::builder().add_root_certificate(company_ca_pem);
    /// # let _ = builder;
    /// ```
    pub fn add_root_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Sends every request through the proxy at `url` (`http://` or `https://`, with
    /// credentials in the URL if it needs them), except to the hosts `NO_PROXY` lists. Without it, the client uses the proxy that `HTTPS_PROXY` (or
    /// `HTTP_PROXY`, `ALL_PROXY`) names, except for `NO_PROXY` hosts.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Calls `hook` with the final response of every call (whatever its status, after the
    /// retries, before the operation decodes it): its status, headers, rate-limit figures,
    /// attempts and time taken. A call that got no response does not call it. The hook runs
    /// on the calling task, so it should be quick; it sees no secret (credentials are never
    /// in a response).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    ///
    /// let remaining = Arc::new(AtomicU64::new(u64::MAX));
    /// let seen = remaining.clone();
    /// let client = atlas_admin::Client::builder()
    ///     .bearer_token("t")
    ///     .on_response(move |response| {
    ///         if let Some(left) = response.rate_limit.remaining {
    ///             seen.store(left, Ordering::Relaxed);
    ///         }
    ///     })
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), atlas_admin::Error>(())
    /// ```
    pub fn on_response(mut self, hook: impl Fn(&ResponseInfo<'_>) + Send + Sync + 'static) -> Self {
        self.on_response = Some(Arc::new(hook));
        self
    }

    /// Sends every attempt through `transport` instead of the built-in reqwest one: your
    /// own HTTP stack, a recording wrapper, or the mock of the `test-util` feature.
    /// Credentials, retries, the [`timeout`](Self::timeout) and the
    /// [`max_response_bytes`](Self::max_response_bytes) limit work the same over it; the
    /// settings of the built-in transport ([`connect_timeout`](Self::connect_timeout)) do
    /// not apply. See [`transport`](crate::transport) for an example.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
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
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::invalid_argument("timeouts must be greater than zero"));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::invalid_argument("max_response_bytes must be greater than zero"));
        }
        if self.max_pages == 0 {
            return Err(Error::invalid_argument("max_pages must be greater than zero"));
        }
        let user_agent = match self.user_agent_suffix.as_deref().map(str::trim) {
            None | Some("") => HeaderValue::from_static(USER_AGENT_PREFIX),
            Some(suffix) => HeaderValue::try_from(format!("{USER_AGENT_PREFIX} {suffix}")).map_err(|err| {
                Error::invalid_argument_caused_by(format!("user agent suffix {suffix:?} is not a valid header value"), err)
            })?,
        };
        let transport: Arc<dyn Transport> = match self.transport {
            Some(transport) => transport,
            None => Arc::new(ReqwestTransport::new(self.connect_timeout, &self.root_certificates, self.proxy.as_deref())?),
        };
        let classifier: Arc<dyn RetryClassifier> = match self.classifier {
            Some(classifier) => classifier,
            None => Arc::new(DefaultRetryClassifier::new().transient_retries(self.transient_retries)),
        };
        let clock: Arc<dyn Clock> = match self.clock {
            Some(clock) => clock,
            None => Arc::new(TokioClock::new()),
        };
        let sender = Sender { transport, clock, user_agent, timeout: self.timeout, max_response_bytes: self.max_response_bytes };
        let auth = self.credentials.authenticator(&base_url, self.token_retry_delay)?;
        Ok(Client::new(Inner {
            base_url,
            auth,
            sender,
            classifier,
            retry: self.retry,
            interceptors: self.interceptors,
            pacer: self.pacer,
            max_pages: self.max_pages,
            on_response: self.on_response,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::auth::Authenticator;

    const TOKEN: &str = "s3cr3t-t0ken";

    #[test]
    fn client_is_cheap_to_share() {
        fn assert_traits<T: Clone + fmt::Debug + Send + Sync + 'static>() {}
        assert_traits::<Client>();
        assert_traits::<ClientBuilder>();
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let builders = [
            (Client::builder().bearer_token(TOKEN), "bearer token"),
            (Client::builder().service_account("mdb_sa_id_1", TOKEN), "service account"),
            (Client::builder().digest("abcdefgh", TOKEN), "digest API key"),
        ];
        for (builder, kind) in builders {
            let builder_debug = format!("{builder:?}");
            assert!(!builder_debug.contains(TOKEN), "{builder_debug}");
            assert!(builder_debug.contains("[redacted]"), "{builder_debug}");
            let client = builder.build().unwrap();
            let expected = format!(r#"Client {{ base_url: "{}", credentials: "{kind}", .. }}"#, crate::DEFAULT_BASE_URL);
            assert_eq!(format!("{client:?}"), expected);
        }
        let anonymous = Client::builder().build().unwrap();
        assert!(format!("{anonymous:?}").contains(r#"credentials: "none""#));

        let client = Client::builder().bearer_token(TOKEN).build().unwrap();
        let Authenticator::Bearer(header) = &client.inner().auth else { panic!("a bearer token") };
        assert_eq!(header, format!("Bearer {TOKEN}").as_str());
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::AUTHORIZATION, header.clone());
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
        for (url, reason) in [
            (" https://cloud.mongodb.com", "a space"),
            ("https://cloud.mongodb.com/a b", "a space"),
            ("https://cloud.mongodb.com/\tx", "a control character (0x09)"),
            ("https://cloud.mongodb.com\\atlas", "a backslash"),
            ("https://cloud.mongodb.com/é", "not ASCII"),
        ] {
            let message = refused(Client::builder().base_url(url));
            assert!(message.contains(reason), "{url:?}: {message}");
        }
        refused(Client::builder().max_pages(0));
        let builder = Client::builder().base_url(format!("https://user:{TOKEN}@h:8443/atlas?email=jane@example.com"));
        let shown = format!("{builder:?}");
        assert!(shown.contains(r#"base_url: "https://[redacted]@h:8443/atlas?[redacted]""#), "{shown}");
        assert!(!shown.contains(TOKEN) && !shown.contains("user:") && !shown.contains("jane"), "{shown}");
        let message = refused(builder);
        assert!(!message.contains(TOKEN), "{message}");
        for token in ["", "  ", "line\nbreak"] {
            let message = refused(Client::builder().bearer_token(token));
            assert!(message.contains("bearer token"), "{message}");
        }
        for (id, secret) in [("", "s"), ("id", " "), ("id:with:colons", "s")] {
            let message = refused(Client::builder().service_account(id, secret));
            assert!(message.contains("client ID"), "{message}");
        }
        for (public, private) in [("", "p"), ("key", ""), ("with space", "p")] {
            let message = refused(Client::builder().digest(public, private));
            assert!(message.contains("digest"), "{message}");
        }
        refused(Client::builder().timeout(Duration::ZERO));
        refused(Client::builder().max_response_bytes(0));
        refused(Client::builder().user_agent_suffix("bad\r\nX-Injected: 1"));

        let client = Client::builder().base_url("https://cloud.mongodbgov.com/").build().unwrap();
        assert_eq!(client.base_url(), "https://cloud.mongodbgov.com");
        // The last credentials set win; retries can be turned off.
        let client = Client::builder().digest("abcdefgh", "p").bearer_token(TOKEN).max_retries(0).build().unwrap();
        assert_eq!(client.inner().auth.kind(), "bearer token");
        assert_eq!(client.inner().retry.max_retries, 0);
        assert_eq!(client.inner().sender.max_response_bytes, 64 << 20);
        let builder = Client::builder().transient_retries(false).max_response_bytes(1024);
        assert!(format!("{builder:?}").contains("transient_retries: false"));
        let client = builder.build().unwrap();
        assert_eq!(client.inner().sender.max_response_bytes, 1024);
    }
}
