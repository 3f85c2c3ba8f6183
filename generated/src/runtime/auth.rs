//! Credentials as the builder records them, and the authenticator a client builds from them:
//! the one place secrets turn into `Authorization` headers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::header::{AUTHORIZATION, HeaderValue};

use super::Error;
use super::digest::DigestKey;
use super::secret::{Secret, bearer_header};
use super::sender::{Request, Response};
use super::service_account::{ServiceAccount, TokenRequests};

/// The credentials a [`ClientBuilder`](super::ClientBuilder) records: plain values, checked
/// by `build`. Identifiers (client ID, public key) are not secret and show in `Debug`.
#[derive(Clone, Debug)]
pub(crate) enum Credentials {
    None,
    Bearer(Secret),
    ServiceAccount { client_id: String, client_secret: Secret },
    Digest { public_key: String, private_key: Secret },
    Provider(Provider),
}

/// What [`TokenProvider::token`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, Error>> + Send + 'a>>;

/// A bearer token that can change: the client asks for it before every attempt and sends
/// `Authorization: Bearer <token>`; after a 401 it asks once more and sends the request
/// again. Set one with [`ClientBuilder::token_provider`](crate::ClientBuilder::token_provider).
///
/// It is asked on every attempt, so it should answer from memory (a token it renews in the
/// background, or one it replaces when it is close to expiring).
///
/// # Examples
///
/// A token another task rotates:
///
/// ```
/// use std::sync::{Arc, RwLock};
/// use atlas_admin::transport::{TokenFuture, TokenProvider};
///
/// struct Rotating(Arc<RwLock<String>>);
///
/// impl TokenProvider for Rotating {
///     fn token(&self) -> TokenFuture<'_> {
///         let token = self.0.read().unwrap().clone();
///         Box::pin(async move { Ok(token) })
///     }
/// }
///
/// let current = Arc::new(RwLock::new("first-token".to_owned()));
/// let client = atlas_admin::Client::builder().token_provider(Rotating(current.clone())).build()?;
/// *current.write().unwrap() = "second-token".to_owned(); // the next attempt sends this one
/// # let _ = client;
/// # Ok::<(), atlas_admin::Error>(())
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now.
    ///
    /// # Errors
    ///
    /// Any error: the call fails with it, nothing sent.
    fn token(&self) -> TokenFuture<'_>;
}

/// A [`TokenProvider`] as the builder keeps it.
#[derive(Clone)]
pub(crate) struct Provider(pub(crate) Arc<dyn TokenProvider>);

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenProvider")
    }
}

impl Credentials {
    /// Checks the values and sets up the state that every clone of the client shares: the
    /// service account's token cache, the digest key's last challenge.
    pub(crate) fn authenticator(self, base_url: &str, token_retry_delay: Duration) -> Result<Authenticator, Error> {
        Ok(match self {
            Self::None => Authenticator::None,
            Self::Bearer(token) => Authenticator::Bearer(bearer_header(token.expose())?),
            Self::ServiceAccount { client_id, client_secret } => {
                let account = ServiceAccount::new(base_url, client_id, &client_secret, token_retry_delay)?;
                Authenticator::ServiceAccount(Box::new(account))
            }
            Self::Digest { public_key, private_key } => Authenticator::Digest(DigestKey::new(public_key, private_key)?),
            Self::Provider(provider) => Authenticator::Provider(provider.0),
        })
    }
}

/// How a built client authenticates its requests.
pub(crate) enum Authenticator {
    None,
    Bearer(HeaderValue),
    ServiceAccount(Box<ServiceAccount>),
    Digest(DigestKey),
    Provider(Arc<dyn TokenProvider>),
}

/// What one call's attempts know about their credentials: the token the last attempt sent,
/// and the one the API refused.
#[derive(Default)]
pub(crate) struct CallCredentials {
    sent: Option<HeaderValue>,
    rejected: Option<HeaderValue>,
}

impl Authenticator {
    /// What `Debug` of a client shows instead of any secret.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Bearer(_) => "bearer token",
            Self::ServiceAccount(_) => "service account",
            Self::Digest(_) => "digest API key",
            Self::Provider(_) => "token provider",
        }
    }

    /// Adds credentials to `request`, an attempt's copy: a service account's token (getting
    /// one first when there is none, it is due, or the API refused it), a digest key's answer
    /// to the last challenge (none before the first), a token provider's current token.
    pub(crate) async fn authorize(
        &self,
        request: &mut Request,
        call: &mut CallCredentials,
        tokens: &TokenRequests<'_>,
    ) -> Result<(), Error> {
        let header = match self {
            Self::None => return Ok(()),
            Self::Bearer(header) => header.clone(),
            Self::ServiceAccount(account) => {
                let token = account.token(tokens, call.rejected.as_ref()).await?;
                call.sent = Some(token.clone());
                token
            }
            Self::Digest(key) => match key.authorization(request) {
                Some(header) => header,
                None => return Ok(()),
            },
            Self::Provider(provider) => bearer_header(&provider.token().await?)?,
        };
        request.headers_mut().insert(AUTHORIZATION, header);
        Ok(())
    }

    /// After the API answered `response` (a 401) and the retry classifier asked for new
    /// credentials: whether there are new ones to send. A service account drops the refused
    /// token; a digest key takes the response's challenge; a token provider is asked again.
    pub(crate) fn renew(&self, response: &Response, call: &mut CallCredentials) -> bool {
        match self {
            Self::None | Self::Bearer(_) => false,
            Self::ServiceAccount(_) => {
                tracing::info!("the API refused the access token; getting a new one and sending the request again");
                call.rejected = call.sent.take();
                call.rejected.is_some()
            }
            Self::Digest(key) => key.take_challenge(response.headers()),
            Self::Provider(_) => true,
        }
    }
}
