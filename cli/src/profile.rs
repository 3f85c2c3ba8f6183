//! The Atlas CLI's own profiles: its `config.toml` (`$XDG_CONFIG_HOME/atlascli`, else
//! `~/.config/atlascli` on Linux, `~/Library/Application Support/atlascli` on macOS,
//! `%AppData%\atlascli` on Windows), one table per profile, `default` unless `--profile` names
//! another. A profile gives the defaults for `--org` and `--group` and, unless the environment
//! has some, the credentials.

use std::path::{Path, PathBuf};

use atlas_admin::{GroupId, OrgId};
use serde::Deserialize;

/// One profile's table, as the Atlas CLI writes it; keys it writes that this tool does not
/// use (`output`, `mongosh_path`, ...) are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct Profile {
    #[serde(default)]
    org_id: Option<String>,
    #[serde(default)]
    project_id: Option<String>,
    /// `cloud`, or `cloudgov` for Atlas for Government.
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    ops_manager_url: Option<String>,
    /// `api_keys`, `service_account` or `user_account` in Atlas CLI versions that keep the
    /// secrets in the operating system's keychain.
    #[serde(default)]
    auth_type: Option<String>,
    #[serde(default)]
    public_api_key: Option<String>,
    #[serde(default)]
    private_api_key: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

/// What the profile gives when neither a flag nor the environment does.
#[derive(Debug, Default)]
pub struct Defaults {
    pub org: Option<OrgId>,
    pub project: Option<GroupId>,
    pub base_url: Option<String>,
}

/// The credentials a profile holds in `config.toml` itself.
pub enum ProfileCredentials {
    None,
    AccessToken(String),
    ServiceAccount {
        client_id: String,
        client_secret: String,
    },
    ApiKey {
        public_key: String,
        private_key: String,
    },
    /// The profile names credentials whose secret is elsewhere (the keychain): what to say.
    Unreadable(String),
}

/// A profile read from a file, with its name for messages.
pub struct Loaded {
    pub name: String,
    pub path: PathBuf,
    pub profile: Profile,
}

/// Where the Atlas CLI keeps `config.toml` on this system, from the environment only.
pub fn default_config_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty()).map(PathBuf::from);
    let dir = if let Some(xdg) = var("XDG_CONFIG_HOME") {
        xdg
    } else if cfg!(windows) {
        var("APPDATA")?
    } else if cfg!(target_os = "macos") {
        var("HOME")?.join("Library/Application Support")
    } else {
        var("HOME")?.join(".config")
    };
    Some(dir.join("atlascli").join("config.toml"))
}

/// Reads the profile `name` (`default` when `None`) from `path`. A missing file or profile is
/// no error unless the profile was asked for by name.
pub fn load(path: &Path, name: Option<&str>) -> Result<Option<Loaded>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && name.is_none() => return Ok(None),
        Err(err) => return Err(format!("cannot read the Atlas CLI configuration {}: {err}", path.display())),
    };
    let mut profiles: toml::Table = toml::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
    let wanted = name.unwrap_or("default");
    let Some(table) = profiles.remove(wanted) else {
        return match name {
            None => Ok(None),
            Some(name) => Err(format!("{} has no profile named {name:?}", path.display())),
        };
    };
    let profile: Profile = table.try_into().map_err(|err| format!("{}: profile {wanted:?}: {err}", path.display()))?;
    Ok(Some(Loaded { name: wanted.to_owned(), path: path.to_owned(), profile }))
}

impl Loaded {
    pub fn defaults(&self) -> Result<Defaults, String> {
        let profile = &self.profile;
        let org = present(&profile.org_id)
            .map(|id| id.parse::<OrgId>().map_err(|err| format!("profile {:?}: org_id {id:?}: {err}", self.name)))
            .transpose()?;
        let project = present(&profile.project_id)
            .map(|id| id.parse::<GroupId>().map_err(|err| format!("profile {:?}: project_id {id:?}: {err}", self.name)))
            .transpose()?;
        let base_url = present(&profile.ops_manager_url)
            .map(|url| url.trim_end_matches('/').to_owned())
            .or_else(|| (profile.service.as_deref() == Some("cloudgov")).then(|| "https://cloud.mongodbgov.com".to_owned()));
        Ok(Defaults { org, project, base_url })
    }

    pub fn credentials(&self) -> ProfileCredentials {
        let profile = &self.profile;
        let keychain = |what: &str, set: &str| {
            ProfileCredentials::Unreadable(format!(
                "the Atlas CLI profile {:?} ({}) uses {what}, but its secret is not in that file (newer Atlas CLI \
                 versions keep it in the operating system's keychain, which atlas-members does not read): set {set}",
                self.name,
                self.path.display()
            ))
        };
        match (present(&profile.client_id), present(&profile.client_secret)) {
            (Some(client_id), Some(client_secret)) => {
                return ProfileCredentials::ServiceAccount {
                    client_id: client_id.to_owned(),
                    client_secret: client_secret.to_owned(),
                };
            }
            (Some(_), None) => return keychain("a service account", "MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET"),
            _ => {}
        }
        match (present(&profile.public_api_key), present(&profile.private_api_key)) {
            (Some(public_key), Some(private_key)) => {
                return ProfileCredentials::ApiKey { public_key: public_key.to_owned(), private_key: private_key.to_owned() };
            }
            (Some(_), None) => return keychain("an API key", "MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY"),
            _ => {}
        }
        if let Some(token) = present(&profile.access_token) {
            return ProfileCredentials::AccessToken(token.to_owned());
        }
        match profile.auth_type.as_deref() {
            Some("service_account") => keychain("a service account", "MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET"),
            Some("api_keys") => keychain("an API key", "MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY"),
            Some("user_account") => keychain(
                "a login (`atlas auth login`)",
                "MONGODB_ATLAS_ACCESS_TOKEN, or a service account's MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET",
            ),
            _ => ProfileCredentials::None,
        }
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty())
}
