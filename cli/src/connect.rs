//! How the tool reaches Atlas: the global connection flags, and the client built from the
//! Atlas CLI profile, then the `MONGODB_ATLAS_*` environment, then the flags, each overriding
//! the one before.

use std::error::Error;
use std::path::PathBuf;
use std::time::Duration;

use atlas_admin::Client;
use atlas_admin::http::StatusCode;
use atlas_admin::transport::{Attempt, AttemptOutcome, DefaultRetryClassifier, RetryClassifier, RetryReason, Verdict};
use clap::Args;

use crate::output::Notices;
use crate::profile::{self, Defaults, Loaded, ProfileCredentials};

const ATLAS: &str = "https://cloud.mongodb.com";

/// Atlas allows about ten invitations a minute, and a migration meets that limit again and
/// again: a call waits out more throttling than the library's defaults (3 retries, a minute).
const MAX_RETRIES: u32 = 10;
const MAX_RETRY_DELAY: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, Args)]
pub struct Connection {
    /// The Atlas Administration API to call [default: the profile's, else Atlas's own, cloud.mongodb.com].
    #[arg(long, global = true, env = "MONGODB_ATLAS_BASE_URL")]
    base_url: Option<String>,

    /// A PEM file of CA certificates to trust besides the system's (e.g. a company
    /// proxy's); SSL_CERT_FILE replaces the system's store instead.
    #[arg(long, global = true, env = "MONGODB_ATLAS_CA_CERT", value_name = "PEM_FILE")]
    ca_cert: Option<PathBuf>,

    /// The proxy to send every request through; by default HTTPS_PROXY, except for
    /// NO_PROXY hosts.
    #[arg(long, global = true, value_name = "URL")]
    proxy: Option<String>,

    /// The Atlas CLI profile to take the organization, project and credentials from
    /// [default: `default`, when the file has it].
    #[arg(long, global = true, env = "MONGODB_ATLAS_PROFILE", value_name = "NAME")]
    profile: Option<String>,

    /// The Atlas CLI's config.toml [default: $XDG_CONFIG_HOME/atlascli/config.toml, else the
    /// Atlas CLI's own place on this system].
    #[arg(long, global = true, env = "ATLAS_MEMBERS_CONFIG", value_name = "FILE")]
    atlas_config: Option<PathBuf>,
}

/// How the client authenticates.
enum Credentials {
    AccessToken(String),
    ServiceAccount { client_id: String, client_secret: String },
    ApiKey { public_key: String, private_key: String },
}

impl Connection {
    /// The profile, if the configuration has one to use.
    pub fn profile(&self) -> Result<Option<Loaded>, String> {
        let path = match &self.atlas_config {
            Some(path) => path.clone(),
            None => match profile::default_config_path() {
                Some(path) => path,
                None if self.profile.is_some() => {
                    return Err("--profile is given but neither XDG_CONFIG_HOME nor HOME says where config.toml is".into());
                }
                None => return Ok(None),
            },
        };
        profile::load(&path, self.profile.as_deref())
    }

    /// The client, and what the profile gives as defaults for `--org` and `--group`; every
    /// wait for throttling is shown through `notices`.
    pub fn client(&self, notices: &Notices) -> Result<(Client, Defaults), Box<dyn Error>> {
        let profile = self.profile()?;
        let defaults = profile.as_ref().map(Loaded::defaults).transpose()?.unwrap_or_default();
        let base_url = self.base_url.as_deref().or(defaults.base_url.as_deref()).unwrap_or(ATLAS);
        let mut builder = Client::builder()
            .base_url(base_url)
            .user_agent_suffix(concat!("atlas-members/", env!("CARGO_PKG_VERSION")))
            .retry_classifier(ShowingWaits { classifier: DefaultRetryClassifier::new(), notices: notices.clone() })
            .max_retries(MAX_RETRIES)
            .max_retry_delay(MAX_RETRY_DELAY);
        if let Some(path) = &self.ca_cert {
            let pem = std::fs::read(path).map_err(|err| format!("cannot read --ca-cert {}: {err}", path.display()))?;
            builder = builder.add_root_certificate(pem);
        }
        if let Some(proxy) = &self.proxy {
            builder = builder.proxy(proxy);
        }
        let builder = match credentials(profile.as_ref())? {
            Credentials::AccessToken(token) => builder.bearer_token(token),
            Credentials::ServiceAccount { client_id, client_secret } => builder.service_account(client_id, client_secret),
            Credentials::ApiKey { public_key, private_key } => builder.digest(public_key, private_key),
        };
        Ok((builder.build()?, defaults))
    }
}

/// The library's classifier, which decides every wait, telling the operator about each
/// throttling wait it orders (a transient failure's short backoff is not worth a line).
struct ShowingWaits {
    classifier: DefaultRetryClassifier,
    notices: Notices,
}

impl RetryClassifier for ShowingWaits {
    fn classify(&self, attempt: &Attempt<'_>) -> Verdict {
        let verdict = self.classifier.classify(attempt);
        if let Verdict::Retry { after, reason: RetryReason::Throttled } = &verdict {
            // Throttling answered 400 is the invitation limit (`INVITATIONS_RATE_LIMITED_IP`).
            let why = match attempt.outcome {
                AttemptOutcome::Response { status: StatusCode::BAD_REQUEST, .. } => "Atlas's invitation limit",
                _ => "Atlas's rate limit",
            };
            self.notices.waiting(*after, why);
        }
        verdict
    }
}

/// The environment's credentials when it has any (the first of a bearer token, a service
/// account, an API key, which must then be complete), else the profile's.
fn credentials(profile: Option<&Loaded>) -> Result<Credentials, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
    let pair = |first: &str, second: &str| match (var(first), var(second)) {
        (Some(a), Some(b)) => Ok(Some((a, b))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(format!("{first} is set but {second} is not")),
        (None, Some(_)) => Err(format!("{second} is set but {first} is not")),
    };
    if let Some(token) = var("MONGODB_ATLAS_ACCESS_TOKEN") {
        return Ok(Credentials::AccessToken(token));
    }
    if let Some((client_id, client_secret)) = pair("MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET")? {
        return Ok(Credentials::ServiceAccount { client_id, client_secret });
    }
    if let Some((public_key, private_key)) = pair("MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY")? {
        return Ok(Credentials::ApiKey { public_key, private_key });
    }
    match profile.map(Loaded::credentials) {
        Some(ProfileCredentials::AccessToken(token)) => Ok(Credentials::AccessToken(token)),
        Some(ProfileCredentials::ServiceAccount { client_id, client_secret }) => {
            Ok(Credentials::ServiceAccount { client_id, client_secret })
        }
        Some(ProfileCredentials::ApiKey { public_key, private_key }) => Ok(Credentials::ApiKey { public_key, private_key }),
        Some(ProfileCredentials::Unreadable(message)) => Err(message),
        Some(ProfileCredentials::None) | None => Err("no Atlas credentials: set MONGODB_ATLAS_CLIENT_ID and \
             MONGODB_ATLAS_CLIENT_SECRET (service account), MONGODB_ATLAS_PUBLIC_API_KEY and \
             MONGODB_ATLAS_PRIVATE_API_KEY (API key), or MONGODB_ATLAS_ACCESS_TOKEN (bearer token), or keep them in an \
             Atlas CLI profile (--profile)"
            .to_owned()),
    }
}
