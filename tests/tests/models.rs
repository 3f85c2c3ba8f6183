//! The models against the fragment's own examples and against what a newer Atlas may send:
//! decoding and encoding again loses nothing, and unknown roles and fields do not break decoding.

use atlas_admin::models::{
    AddOrRemoveGroupRole, AddOrRemoveOrgRole, ApiError, BadRequestDetail, FieldViolation, GroupActiveUserResponse,
    GroupInvitation, GroupInvitationRequest, GroupInvitationUpdateRequest, GroupPendingUserResponse, GroupRole,
    GroupRoleAssignment, GroupUserRequest, GroupUserResponse, Link, OrgActiveUserResponse, OrgPendingUserResponse,
    OrgUserRequest, OrgUserResponse, OrgUserRolesRequest, OrgUserRolesResponse, OrgUserUpdateRequest, OrganizationInvitation,
    OrganizationInvitationGroupRoleAssignmentsRequest, OrganizationInvitationRequest, OrganizationInvitationUpdateRequest,
    PaginatedGroupUser, PaginatedOrgUser,
};
use atlas_admin::models::{
    AddOrRemoveUserFromTeam, AddUserToTeam, CloudAccessRoleAssignment, CloudAppUser, PaginatedApiAppUser, PaginatedTeam,
    PaginatedTeamRole, Team, TeamResponse, TeamRole, TeamUpdate,
};
use atlas_admin::roles::{OrgRole, ProjectRole};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn fragment() -> Value {
    let text = std::fs::read_to_string(tests::fragment_path()).expect("the fragment is readable");
    serde_yaml::from_str(&text).expect("the fragment is YAML")
}

/// Decodes `example` as `T` and encodes it again: the JSON must come back unchanged.
fn round_trip<T: DeserializeOwned + Serialize>(example: &Value) -> Result<(), String> {
    let model: T = serde_json::from_value(example.clone()).map_err(|error| format!("does not decode: {error}"))?;
    let again = serde_json::to_value(&model).map_err(|error| format!("does not encode: {error}"))?;
    if &again == example { Ok(()) } else { Err(format!("changed in the round trip:\n  was {example}\n  now {again}")) }
}

fn round_trip_schema(name: &str, example: &Value) -> Result<(), String> {
    match name {
        "ApiError" => round_trip::<ApiError>(example),
        "BadRequestDetail" => round_trip::<BadRequestDetail>(example),
        "FieldViolation" => round_trip::<FieldViolation>(example),
        "GroupInvitation" => round_trip::<GroupInvitation>(example),
        "GroupInvitationRequest" => round_trip::<GroupInvitationRequest>(example),
        "GroupInvitationUpdateRequest" => round_trip::<GroupInvitationUpdateRequest>(example),
        "GroupRole" => round_trip::<GroupRole>(example),
        "Link" => round_trip::<Link>(example),
        "OrganizationInvitation" => round_trip::<OrganizationInvitation>(example),
        "OrganizationInvitationGroupRoleAssignmentsRequest" => {
            round_trip::<OrganizationInvitationGroupRoleAssignmentsRequest>(example)
        }
        "OrganizationInvitationRequest" => round_trip::<OrganizationInvitationRequest>(example),
        "OrganizationInvitationUpdateRequest" => round_trip::<OrganizationInvitationUpdateRequest>(example),
        "GroupUserRequest" => round_trip::<GroupUserRequest>(example),
        "GroupUserResponse" => round_trip::<GroupUserResponse>(example),
        "GroupPendingUserResponse" => round_trip::<GroupPendingUserResponse>(example),
        "GroupActiveUserResponse" => round_trip::<GroupActiveUserResponse>(example),
        "PaginatedGroupUser" => round_trip::<PaginatedGroupUser>(example),
        "AddOrRemoveGroupRole" => round_trip::<AddOrRemoveGroupRole>(example),
        "OrgUserRequest" => round_trip::<OrgUserRequest>(example),
        "OrgUserRolesRequest" => round_trip::<OrgUserRolesRequest>(example),
        "OrgUserUpdateRequest" => round_trip::<OrgUserUpdateRequest>(example),
        "OrgUserResponse" => round_trip::<OrgUserResponse>(example),
        "OrgPendingUserResponse" => round_trip::<OrgPendingUserResponse>(example),
        "OrgActiveUserResponse" => round_trip::<OrgActiveUserResponse>(example),
        "OrgUserRolesResponse" => round_trip::<OrgUserRolesResponse>(example),
        "GroupRoleAssignment" => round_trip::<GroupRoleAssignment>(example),
        "PaginatedOrgUser" => round_trip::<PaginatedOrgUser>(example),
        "AddOrRemoveOrgRole" => round_trip::<AddOrRemoveOrgRole>(example),
        "TeamRole" => round_trip::<TeamRole>(example),
        "PaginatedTeamRole" => round_trip::<PaginatedTeamRole>(example),
        "Team" => round_trip::<Team>(example),
        "PaginatedTeam" => round_trip::<PaginatedTeam>(example),
        "TeamResponse" => round_trip::<TeamResponse>(example),
        "TeamUpdate" => round_trip::<TeamUpdate>(example),
        "AddUserToTeam" => round_trip::<AddUserToTeam>(example),
        "AddOrRemoveUserFromTeam" => round_trip::<AddOrRemoveUserFromTeam>(example),
        "PaginatedApiAppUser" => round_trip::<PaginatedApiAppUser>(example),
        "CloudAppUser" => round_trip::<CloudAppUser>(example),
        "CloudAccessRoleAssignment" => round_trip::<CloudAccessRoleAssignment>(example),
        "ProjectRole" => round_trip::<ProjectRole>(example),
        "OrgRole" => round_trip::<OrgRole>(example),
        other => Err(format!("no model is mapped for schema {other}; add it to this test")),
    }
}

#[test]
fn every_schema_example_round_trips_without_loss() {
    let spec = fragment();
    let schemas = spec["components"]["schemas"].as_object().expect("the fragment has schemas");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, schema) in schemas {
        let Some(example) = schema.get("example") else { continue };
        checked += 1;
        if let Err(problem) = round_trip_schema(name, example) {
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 39, "the 39 object schemas carry examples; found {checked}");
}

#[test]
fn every_error_response_example_decodes_as_api_error() {
    let spec = fragment();
    let responses = spec["components"]["responses"].as_object().expect("the fragment has shared responses");
    let mut checked = Vec::new();
    for (name, response) in responses {
        let example = &response["content"]["application/json"]["example"];
        assert!(!example.is_null(), "{name} has an example");
        round_trip::<ApiError>(example).unwrap_or_else(|problem| panic!("{name}: {problem}"));
        let error: ApiError = serde_json::from_value(example.clone()).unwrap();
        assert_eq!(Some(error.error as i64), example["error"].as_i64());
        checked.push(error.error);
    }
    checked.sort_unstable();
    assert_eq!(checked, [400, 401, 403, 404, 409, 429, 500]);
}

#[test]
fn a_role_that_atlas_adds_later_decodes_and_round_trips() {
    let sent = json!({"orgName": "Org-0", "roles": ["ORG_MEMBER", "ORG_STREAMS_ADMIN"]});
    let invitation: OrganizationInvitation = serde_json::from_value(sent.clone()).expect("an unknown role still decodes");
    assert_eq!(invitation.roles, Some(vec![OrgRole::OrgMember, OrgRole::Unknown("ORG_STREAMS_ADMIN".into())]));
    assert_eq!(serde_json::to_value(&invitation).unwrap(), sent);

    let role: ProjectRole = "GROUP_FUTURE_ROLE".parse().unwrap();
    assert_eq!(role.to_string(), "GROUP_FUTURE_ROLE");
    assert_eq!(role, ProjectRole::Unknown("GROUP_FUTURE_ROLE".into()));
}

#[test]
fn every_known_role_displays_parses_and_serializes_as_its_wire_name() {
    let spec = fragment();
    for (schema, known) in [
        ("ProjectRole", ProjectRole::KNOWN.iter().map(ToString::to_string).collect::<Vec<_>>()),
        ("OrgRole", OrgRole::KNOWN.iter().map(ToString::to_string).collect()),
    ] {
        let wire: Vec<String> = spec["components"]["schemas"][schema]["enum"]
            .as_array()
            .expect("the role schema lists its values")
            .iter()
            .map(|value| value.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(known, wire, "{schema} knows exactly the spec's values, in order");
    }
    for role in ProjectRole::KNOWN {
        let parsed: ProjectRole = role.as_str().parse().unwrap();
        assert_eq!(&parsed, role);
        assert!(!matches!(parsed, ProjectRole::Unknown(_)));
        assert_eq!(serde_json::to_value(role).unwrap(), json!(role.as_str()));
    }
    assert_eq!(ProjectRole::GroupReadOnly.to_string(), "GROUP_READ_ONLY");
    assert_eq!(OrgRole::OrgBillingReadOnly.to_string(), "ORG_BILLING_READ_ONLY");
}

#[test]
fn unknown_fields_are_ignored_and_absent_fields_are_omitted() {
    let invitation: GroupInvitation =
        serde_json::from_value(json!({"username": "jane@example.com", "somethingNew": {"nested": true}})).expect("decodes");
    assert_eq!(invitation.username.as_deref(), Some("jane@example.com"));
    assert_eq!(serde_json::to_value(&invitation).unwrap(), json!({"username": "jane@example.com"}));
    assert_eq!(serde_json::to_value(GroupInvitationRequest::default()).unwrap(), json!({}));
}

#[test]
fn required_fields_are_required() {
    let missing = serde_json::from_value::<OrganizationInvitation>(json!({"username": "jane@example.com"}));
    assert!(missing.unwrap_err().to_string().contains("orgName"));
    let missing = serde_json::from_value::<ApiError>(json!({"error": 404}));
    assert!(missing.unwrap_err().to_string().contains("errorCode"));
}

#[test]
fn invitation_ids_in_bodies_are_validated() {
    let bad = serde_json::from_value::<GroupInvitation>(json!({"id": "../../orgs"}));
    assert!(bad.is_err(), "an id that is not 24 hex characters is refused");
}

#[test]
fn pending_and_active_users_decode_into_their_variants_and_an_unknown_status_keeps_the_shared_fields() {
    let spec = fragment();
    let schemas = &spec["components"]["schemas"];
    let pending: GroupUserResponse = serde_json::from_value(schemas["GroupPendingUserResponse"]["example"].clone()).unwrap();
    assert!(matches!(pending, GroupUserResponse::Pending(_)), "{pending:?}");
    let active: OrgUserResponse = serde_json::from_value(schemas["OrgActiveUserResponse"]["example"].clone()).unwrap();
    assert!(matches!(active, OrgUserResponse::Active(_)), "{active:?}");

    let expired = json!({
        "id": "5f4a1c2b3d4e5f6a7b8c9d0e", "orgMembershipStatus": "INVITATION_EXPIRED", "username": "jane@example.com",
        "roles": ["GROUP_READ_ONLY"], "invitationCreatedAt": "2025-03-01T00:00:00Z", "inviterUsername": "admin@example.com",
    });
    let user: GroupUserResponse = serde_json::from_value(expired.clone()).expect("a status Atlas adds later still decodes");
    assert!(matches!(user, GroupUserResponse::Unknown(_)));
    assert_eq!(user.id().as_str(), "5f4a1c2b3d4e5f6a7b8c9d0e");
    assert_eq!(user.username(), "jane@example.com");
    assert_eq!(user.roles(), [ProjectRole::GroupReadOnly]);
    assert_eq!(user.org_membership_status().to_string(), "INVITATION_EXPIRED");
    assert_eq!(serde_json::to_value(&user).unwrap(), expired, "nothing is lost");
}
