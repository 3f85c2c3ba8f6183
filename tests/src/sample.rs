//! The IDs and the Cloud Users member that the mock-transport tests share, and a client of
//! the stateful fake for the membership tests.

use atlas_admin::{Client, GroupId, OrgId, UserId};
use serde_json::json;

/// A project ID.
pub const GROUP: &str = "32b6e34b3d91647abb20e7b8";
/// A user ID.
pub const USER: &str = "0123456789abcdef01234567";

/// [`GROUP`], parsed.
pub fn group() -> GroupId {
    GROUP.parse().expect("GROUP is 24 hex digits")
}

/// The fake's organization ([`crate::fake_atlas::ORG`]), parsed.
pub fn org() -> OrgId {
    crate::fake_atlas::ORG.parse().expect("ORG is 24 hex digits")
}

/// A client of `fake`, with a bearer token.
pub fn client(fake: &crate::fake_atlas::FakeAtlas) -> Client {
    Client::builder().base_url(fake.uri()).bearer_token("test-token").build().expect("valid configuration")
}

/// [`USER`], parsed.
pub fn user_id() -> UserId {
    USER.parse().expect("USER is 24 hex digits")
}

/// An active project member with ID `id`, as `getGroupUser` returns one.
pub fn active_user(id: &str) -> serde_json::Value {
    json!({"id": id, "orgMembershipStatus": "ACTIVE", "username": "jane@example.com", "roles": ["GROUP_OWNER"],
           "createdAt": "2024-01-01T00:00:00Z", "firstName": "Jane", "lastName": "Doe"})
}
