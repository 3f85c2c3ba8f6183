//! Scopes: one per namespace of the generated code (the crate's features, the modules of
//! `operations`, `Client`'s methods, the arguments and locals of one generated function). A
//! scope starts with the names the generated code itself takes there; each claim then gets
//! the name it wants, or the first free numbered one, so collisions resolve in claim order.

use std::collections::BTreeSet;

/// Methods a generated `Client` method must not be named like: the runtime's own
/// (`generated/src/runtime/client.rs`, with room for the transport seam it is growing) and
/// those of the traits `Client` implements, which an inherent method would shadow (the stream
/// methods call `self.clone()`).
pub const CLIENT_RESERVED: &[&str] = &[
    "base_url",
    "borrow",
    "builder",
    "clone",
    "clone_from",
    "default",
    "eq",
    "execute",
    "fmt",
    "from",
    "into",
    "max_pages",
    "ne",
    "new",
    "rate_limit",
    "send",
    "send_with",
    "settings",
    "to_owned",
    "transport",
    "try_from",
    "try_into",
    "type_id",
    "with_settings",
    "with_transport",
];

/// The arguments and locals of the generated `request`, `Client` method and stream method
/// (`emit/operations.rs`, `emit/requests.rs`, `emit/client.rs`; `emit::tests` checks that
/// every binding of their templates is here). A path parameter named like one is numbered.
pub const LOCALS_RESERVED: &[&str] = &[
    "base_url",
    "body",
    "client",
    "cookies",
    "first",
    "link",
    "links",
    "operation",
    "page",
    "page_num",
    "page_size",
    // The runtime branch's stream methods bind `paging` (`crate::runtime::Paging::new`).
    "paging",
    "query",
    "request",
    "response",
    "size",
    "url",
    "value",
    "values",
    "writer",
];

/// Cargo features a tag's feature must not take: `default`, and those the runtime declares
/// or will (`test-util` for the mock transport, the TLS roots).
pub const FEATURES_RESERVED: &[&str] = &["default", "native-roots", "rustls", "test-util"];

/// The names taken in one namespace.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn reserving(reserved: &[&str]) -> Scope {
        Scope { taken: reserved.iter().map(|name| (*name).to_owned()).collect() }
    }

    /// `wanted` (a Rust name), or `numbered(wanted)`: now taken.
    pub fn claim(&mut self, wanted: String) -> String {
        let name = numbered(wanted, |candidate| self.taken.contains(candidate));
        self.taken.insert(name.clone());
        name
    }

    /// `wanted` (a cargo feature), or `wanted-2`, `wanted-3`, ...: now taken.
    pub fn claim_feature(&mut self, wanted: String) -> String {
        let name = if self.taken.contains(&wanted) {
            (2..).map(|n| format!("{wanted}-{n}")).find(|candidate| !self.taken.contains(candidate)).expect("a number is free")
        } else {
            wanted
        };
        self.taken.insert(name.clone());
        name
    }
}

/// `name`, or `name_2`, `name_3`, ... (`Name2` for type-like names) while `taken` says the
/// candidate is in use.
pub fn numbered(name: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&name) {
        return name;
    }
    let snake = name.starts_with(|c: char| c.is_ascii_lowercase()) || name.starts_with("r#");
    // `self_` numbered is `self_2`: a doubled underscore would fail the snake-case lint.
    let base = name.trim_start_matches("r#").trim_end_matches('_');
    (2..)
        .map(|n| if snake || base.ends_with(|c: char| c.is_ascii_digit()) { format!("{base}_{n}") } else { format!("{base}{n}") })
        .find(|candidate| !taken(candidate))
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_numbered_past_reserved_and_earlier_names() {
        let mut methods = Scope::reserving(CLIENT_RESERVED);
        assert_eq!(methods.claim("execute".into()), "execute_2");
        assert_eq!(methods.claim("list_users".into()), "list_users");
        assert_eq!(methods.claim("list_users".into()), "list_users_2");
        let mut locals = Scope::reserving(LOCALS_RESERVED);
        assert_eq!(locals.claim("url".into()), "url_2");
        assert_eq!(locals.claim("r#type".into()), "r#type");
        let mut features = Scope::reserving(FEATURES_RESERVED);
        assert_eq!(features.claim_feature("default".into()), "default-2");
        assert_eq!(features.claim_feature("clusters".into()), "clusters");
    }
}
