//! Checks that every fact in `spec/2025-03-12/invites.yaml` equals the upstream Atlas specs
//! vendored in `spec/upstream/`.
//!
//! Operation identity (`operationId`, `deprecated`, `x-sunset`, error statuses) is checked
//! against the 2026-08 spec, whose names the project uses. An operation's interface
//! (parameters, request body, success responses) must equal the 2026-08 spec, and the
//! 2025-06-30 spec too wherever the two upstream specs agree; where they disagree, the newer
//! one wins. Schemas and enum values are checked against the 2025-06-30 spec, the newest one
//! that still carries the enum lists and the `oneOf` unions. The fragment's words are its own,
//! so descriptions, summaries and examples are not compared. All differences are collected
//! and reported together.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

const OLD_SPEC_FILE: &str = "atlas-api-2025-06-30.yaml";
const NEW_SPEC_FILE: &str = "atlas-api-transformed-2026-08.yaml";

/// Operations whose 2026-08 raw `operationId` differs from the name MongoDB publishes (in
/// `x-xgen-docs-url`, the Go SDK and the Atlas CLI); the fragment uses the published name.
const NAMED_BY_DOCS_URL: [&str; 7] = [
    "updateGroupInviteById",
    "addOrgUserRole",
    "removeOrgUserRole",
    "listOrgTeamUsers",
    "addOrgTeamUsers",
    "removeOrgTeamUserFromTeam",
    "getOrgTeamByName",
];

/// The fragment's object schemas, each with the name of the 2025-06-30 schema it is checked
/// against. The paginated lists carry the 2026-08 names, which the operations refer to.
const SCHEMAS: [(&str, &str); 39] = [
    ("GroupInvitation", "GroupInvitation"),
    ("GroupInvitationRequest", "GroupInvitationRequest"),
    ("GroupInvitationUpdateRequest", "GroupInvitationUpdateRequest"),
    ("OrganizationInvitation", "OrganizationInvitation"),
    ("OrganizationInvitationRequest", "OrganizationInvitationRequest"),
    ("OrganizationInvitationUpdateRequest", "OrganizationInvitationUpdateRequest"),
    ("OrganizationInvitationGroupRoleAssignmentsRequest", "OrganizationInvitationGroupRoleAssignmentsRequest"),
    ("GroupRole", "GroupRole"),
    ("GroupUserRequest", "GroupUserRequest"),
    ("GroupUserResponse", "GroupUserResponse"),
    ("GroupPendingUserResponse", "GroupPendingUserResponse"),
    ("GroupActiveUserResponse", "GroupActiveUserResponse"),
    ("PaginatedGroupUser", "PaginatedGroupUserView"),
    ("AddOrRemoveGroupRole", "AddOrRemoveGroupRole"),
    ("OrgUserRequest", "OrgUserRequest"),
    ("OrgUserRolesRequest", "OrgUserRolesRequest"),
    ("OrgUserUpdateRequest", "OrgUserUpdateRequest"),
    ("OrgUserResponse", "OrgUserResponse"),
    ("OrgPendingUserResponse", "OrgPendingUserResponse"),
    ("OrgActiveUserResponse", "OrgActiveUserResponse"),
    ("OrgUserRolesResponse", "OrgUserRolesResponse"),
    ("GroupRoleAssignment", "GroupRoleAssignment"),
    ("PaginatedOrgUser", "PaginatedOrgUserView"),
    ("AddOrRemoveOrgRole", "AddOrRemoveOrgRole"),
    ("TeamRole", "TeamRole"),
    ("PaginatedTeamRole", "PaginatedTeamRoleView"),
    ("Team", "Team"),
    ("PaginatedTeam", "PaginatedTeamView"),
    ("TeamResponse", "TeamResponse"),
    ("TeamUpdate", "TeamUpdate"),
    ("AddUserToTeam", "AddUserToTeam"),
    ("AddOrRemoveUserFromTeam", "AddOrRemoveUserFromTeam"),
    ("PaginatedApiAppUser", "PaginatedApiAppUserView"),
    ("CloudAppUser", "CloudAppUser"),
    ("CloudAccessRoleAssignment", "CloudAccessRoleAssignment"),
    ("Link", "Link"),
    ("ApiError", "ApiError"),
    ("BadRequestDetail", "BadRequestDetail"),
    ("FieldViolation", "FieldViolation"),
];

/// Named enum schemas of the fragment and the upstream inline enum each one replaces; the
/// values and their order are that inline enum's.
const HOISTED_ENUMS: [(&str, &str); 2] = [
    ("ProjectRole", "/components/schemas/GroupInvitation/properties/roles/items"),
    ("OrgRole", "/components/schemas/OrganizationInvitation/properties/roles/items"),
];

const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Longest `$ref` chain followed before giving up (guards against cycles).
const MAX_REF_DEPTH: usize = 16;

static NULL: Value = Value::Null;

#[test]
fn fragment_matches_upstream_specs() {
    let upstream = upstream();
    let fragment = load_yaml(&tests::fragment_path());

    let differences = differences(&fragment, &upstream.old, &upstream.new);

    assert!(
        differences.is_empty(),
        "{} differs from the upstream specs in {} place(s):\n  - {}",
        tests::fragment_path().display(),
        differences.len(),
        differences.join("\n  - "),
    );
}

#[test]
fn fragment_covers_the_invitations_the_cloud_users_and_the_teams_operations() {
    let fragment = load_yaml(&tests::fragment_path());
    let mut by_version: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, item) in members(&fragment, "paths") {
        for method in HTTP_METHODS {
            let Some(operation) = item.get(method) else { continue };
            let id = text(operation, "operationId").unwrap_or_default();
            let mut media_types = BTreeSet::new();
            collect_media_types(operation, &mut media_types);
            for media_type in media_types {
                by_version.entry(media_type).or_default().insert(id.clone());
            }
        }
    }
    let ids = |names: &[&str]| -> BTreeSet<String> { names.iter().map(|name| name.to_string()).collect() };
    let expected = BTreeMap::from([
        (
            "application/vnd.atlas.2023-01-01+json".to_owned(),
            ids(&[
                "listGroupInvites",
                "createGroupInvite",
                "updateGroupInvites",
                "getGroupInvite",
                "updateGroupInviteById",
                "deleteGroupInvite",
                "listOrgInvites",
                "createOrgInvite",
                "updateOrgInvites",
                "getOrgInvite",
                "updateOrgInviteById",
                "deleteOrgInvite",
                "listGroupTeams",
                "addGroupTeams",
                "getGroupTeam",
                "updateGroupTeam",
                "removeGroupTeam",
                "listOrgTeams",
                "createOrgTeam",
                "getOrgTeam",
                "renameOrgTeam",
                "deleteOrgTeam",
                "getOrgTeamByName",
                "addOrgTeamUsers",
                "removeOrgTeamUserFromTeam",
            ]),
        ),
        (
            "application/vnd.atlas.2025-02-19+json".to_owned(),
            ids(&[
                "listGroupUsers",
                "addGroupUsers",
                "getGroupUser",
                "removeGroupUser",
                "addGroupUserRole",
                "removeGroupUserRole",
                "listOrgUsers",
                "createOrgUser",
                "getOrgUser",
                "updateOrgUser",
                "removeOrgUser",
                "addOrgUserRole",
                "removeOrgUserRole",
                "listOrgTeamUsers",
                "addOrgTeamUser",
                "removeOrgTeamUser",
            ]),
        ),
    ]);
    assert_eq!(by_version, expected, "each operation, under the one resource version of all its request and success content");
}

/// The versioned media types of an operation's request body and success responses.
fn collect_media_types(operation: &Value, media_types: &mut BTreeSet<String>) {
    let body = operation.get("requestBody").into_iter();
    let successes = members(operation, "responses").filter(|(status, _)| is_success(status)).map(|(_, response)| response);
    for holder in body.chain(successes) {
        media_types
            .extend(keys(holder, "content").into_iter().filter(|media_type| media_type.starts_with("application/vnd.atlas.")));
    }
}

#[test]
fn checker_reports_a_changed_fact() {
    let upstream = upstream();
    let mut fragment = load_yaml(&tests::fragment_path());

    set_at(&mut fragment, "/components/schemas/GroupInvitation/properties/id/pattern", Value::from("^([a-f0-9]{12})$"));
    enum_values_mut(&mut fragment, "ProjectRole").pop();
    set_at(
        &mut fragment,
        "/paths/~1api~1atlas~1v2~1orgs~1{orgId}~1invites/get/operationId",
        Value::from("listOrganizationInvitations"),
    );
    set_at(&mut fragment, "/components/parameters/userId/schema/pattern", Value::from("^([a-f0-9]{12})$"));
    rename_key(
        &mut fragment,
        "/paths/~1api~1atlas~1v2~1orgs~1{orgId}~1users/get/responses/200/content",
        "application/vnd.atlas.2025-02-19+json",
        "application/vnd.atlas.2023-01-01+json",
    );
    set_at(&mut fragment, "/components/schemas/OrgPendingUserResponse/required", Value::Array(Vec::new()));

    let differences = differences(&fragment, &upstream.old, &upstream.new);
    let reported = |needles: &[&str]| differences.iter().any(|d| needles.iter().all(|needle| d.contains(needle)));

    assert!(
        reported(&["components.schemas.GroupInvitation.properties.id", "pattern", "{12}"]),
        "the changed pattern was not reported; got:\n{differences:#?}",
    );
    assert!(
        reported(&["components.schemas.ProjectRole", "enum", "GROUP_STREAM_PROCESSING_OWNER"]),
        "the dropped enum value was not reported; got:\n{differences:#?}",
    );
    assert!(
        reported(&["components.schemas.GroupUserRequest.properties.roles.items", "enum", "GROUP_STREAM_PROCESSING_OWNER"]),
        "the dropped enum value was not reported where a users schema refers to the enum; got:\n{differences:#?}",
    );
    assert!(
        reported(&["components.schemas.TeamRole.properties.roleNames.items", "enum", "GROUP_STREAM_PROCESSING_OWNER"]),
        "the dropped enum value was not reported against the enum upstream writes on the roleNames array; got:\n{differences:#?}",
    );
    assert!(
        reported(&["GET /api/atlas/v2/orgs/{orgId}/invites", "operationId", "listOrganizationInvitations"]),
        "the renamed operation was not reported; got:\n{differences:#?}",
    );
    for upstream in ["2025-06-30", "2026-08"] {
        assert!(
            reported(&[
                "POST /api/atlas/v2/groups/{groupId}/users/{userId}:addRole parameter path `userId`",
                "pattern",
                "{12}",
                upstream
            ]),
            "the changed userId pattern was not reported against {upstream}; got:\n{differences:#?}",
        );
        assert!(
            reported(&["GET /api/atlas/v2/orgs/{orgId}/users response 200", "application/vnd.atlas.2023-01-01+json", upstream]),
            "the changed resource version was not reported against {upstream}; got:\n{differences:#?}",
        );
    }
    assert!(
        reported(&["components.schemas.OrgPendingUserResponse", "required", "invitationExpiresAt"]),
        "the dropped required fields were not reported; got:\n{differences:#?}",
    );
}

#[test]
fn a_named_role_enum_is_compared_with_inline_upstream_roles_as_a_set() {
    let upstream = upstream();
    let mut fragment = load_yaml(&tests::fragment_path());
    // The users schemas list the roles in another order than the invitations; the named
    // enum keeps the invitations' order, so only the hoisted-enum check may see a reorder.
    enum_values_mut(&mut fragment, "OrgRole").reverse();

    let differences = differences(&fragment, &upstream.old, &upstream.new);

    assert!(
        differences.iter().all(|d| d.starts_with("components.schemas.OrgRole:")),
        "a reordered named enum is reported only where its own order is checked; got:\n{differences:#?}",
    );
    assert!(!differences.is_empty(), "the reordered OrgRole itself was not reported");
}

// ---------------------------------------------------------------------------------------
// Loading

struct Upstream {
    old: Value,
    new: Value,
}

/// The two vendored upstream specs, parsed once per test binary.
fn upstream() -> &'static Upstream {
    static UPSTREAM: OnceLock<Upstream> = OnceLock::new();
    UPSTREAM.get_or_init(|| {
        let dir = tests::upstream_dir();
        Upstream { old: load_yaml(&dir.join(OLD_SPEC_FILE)), new: load_yaml(&dir.join(NEW_SPEC_FILE)) }
    })
}

fn load_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|err| panic!("cannot parse {} as YAML: {err}", path.display()))
}

fn set_at(document: &mut Value, pointer: &str, value: Value) {
    let slot = document.pointer_mut(pointer).unwrap_or_else(|| panic!("the fragment has nothing at {pointer}"));
    *slot = value;
}

fn rename_key(document: &mut Value, pointer: &str, from: &str, to: &str) {
    let map = document
        .pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("the fragment has no object at {pointer}"));
    let value = map.remove(from).unwrap_or_else(|| panic!("{pointer} has no `{from}`"));
    map.insert(to.to_owned(), value);
}

fn enum_values_mut<'a>(fragment: &'a mut Value, schema: &str) -> &'a mut Vec<Value> {
    fragment
        .pointer_mut(&format!("/components/schemas/{schema}/enum"))
        .and_then(Value::as_array_mut)
        .unwrap_or_else(|| panic!("the fragment's {schema} schema has no enum list"))
}

// ---------------------------------------------------------------------------------------
// The comparison

/// Every difference between the fragment and the upstream specs, one message each.
fn differences(fragment: &Value, old: &Value, new: &Value) -> Vec<String> {
    let specs = Specs {
        fragment: Spec { name: "fragment", root: fragment },
        old: Spec { name: "2025-06-30", root: old },
        new: Spec { name: "2026-08", root: new },
    };
    let mut report = Report::default();

    check_refs_resolve(specs.fragment, &mut report);
    check_operations(specs, &mut report);
    for (name, upstream_name) in SCHEMAS {
        check_object_schema(specs.fragment, specs.old, name, upstream_name, &mut report);
    }
    check_hoisted_enums(specs.fragment, specs.old, &mut report);

    report.differences.into_iter().map(|difference| difference.message).collect()
}

/// The fragment and the two upstream specs it is checked against.
#[derive(Clone, Copy)]
struct Specs<'a> {
    fragment: Spec<'a>,
    old: Spec<'a>,
    new: Spec<'a>,
}

/// One difference: where, which fact, and the message that explains it. `at` and `fact`
/// never hold the values compared, so the same fact differing elsewhere has the same key.
struct Difference {
    at: String,
    fact: String,
    message: String,
}

impl Difference {
    fn key(&self) -> (String, String) {
        (self.at.clone(), self.fact.clone())
    }
}

#[derive(Default)]
struct Report {
    differences: Vec<Difference>,
}

impl Report {
    fn note(&mut self, at: &str, fact: &str, message: String) {
        self.differences.push(Difference { at: at.to_owned(), fact: fact.to_owned(), message });
    }

    fn compare<T: PartialEq + Debug>(&mut self, at: &str, fact: &str, ours: T, upstream: Spec, theirs: T) {
        if ours != theirs {
            self.note(at, fact, format!("{at}: {fact}: fragment has {ours:?}, {} has {theirs:?}", upstream.name));
        }
    }

    /// Reports the names only one side has.
    fn compare_sets(&mut self, at: &str, what: &str, ours: &BTreeSet<String>, upstream: Spec, theirs: &BTreeSet<String>) {
        for only_ours in ours.difference(theirs) {
            let fact = format!("{what} `{only_ours}`");
            self.note(at, &fact, format!("{at}: {fact} is in the fragment but not in {}", upstream.name));
        }
        for only_theirs in theirs.difference(ours) {
            let fact = format!("{what} `{only_theirs}`");
            self.note(at, &fact, format!("{at}: {fact} is in {} but not in the fragment", upstream.name));
        }
    }
}

/// One parsed spec and the name used for it in messages.
#[derive(Clone, Copy)]
struct Spec<'a> {
    name: &'static str,
    root: &'a Value,
}

impl<'a> Spec<'a> {
    /// Follows local `$ref`s; a dangling or cyclic one resolves to `null` (the fragment's
    /// own are reported by [`check_refs_resolve`]).
    fn resolve(self, mut node: &'a Value) -> &'a Value {
        for _ in 0..MAX_REF_DEPTH {
            match node.get("$ref").and_then(Value::as_str) {
                Some(reference) => node = self.lookup(reference).unwrap_or(&NULL),
                None => return node,
            }
        }
        &NULL
    }

    fn lookup(self, reference: &str) -> Option<&'a Value> {
        reference.strip_prefix('#').and_then(|pointer| self.root.pointer(pointer))
    }

    fn path_item(self, path: &str) -> Option<&'a Value> {
        self.root.get("paths")?.get(path)
    }

    fn operation(self, path: &str, method: &str) -> Option<&'a Value> {
        self.path_item(path)?.get(method)
    }

    fn schema(self, name: &str) -> Option<&'a Value> {
        self.root.get("components")?.get("schemas")?.get(name)
    }
}

fn check_refs_resolve(fragment: Spec, report: &mut Report) {
    let mut references = Vec::new();
    collect_refs(fragment.root, &mut references);
    for reference in references {
        if fragment.lookup(reference).is_none() {
            report.note("fragment", reference, format!("fragment: $ref `{reference}` does not resolve"));
        }
    }
}

fn collect_refs<'a>(node: &'a Value, references: &mut Vec<&'a str>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    ("$ref", Some(reference)) => references.push(reference),
                    _ => collect_refs(value, references),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, references)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// Operations

fn check_operations(specs: Specs, report: &mut Report) {
    let Some(paths) = specs.fragment.root.get("paths").and_then(Value::as_object) else {
        report.note("fragment", "paths", "fragment: no `paths`".to_owned());
        return;
    };
    for (path, item) in paths {
        for upstream in [specs.old, specs.new] {
            check_no_operation_left_out(path, item, upstream, report);
        }
        for method in HTTP_METHODS {
            if let Some(operation) = item.get(method) {
                check_operation(specs, path, method, operation, report);
            }
        }
    }
}

fn check_no_operation_left_out(path: &str, item: &Value, upstream: Spec, report: &mut Report) {
    let Some(upstream_item) = upstream.path_item(path) else {
        return;
    };
    for method in HTTP_METHODS {
        if upstream_item.get(method).is_some() && item.get(method).is_none() {
            let at = format!("{} {path}", method.to_uppercase());
            report.note(&at, "presence", format!("{at}: in {} but not in the fragment", upstream.name));
        }
    }
}

fn check_operation(specs: Specs, path: &str, method: &str, operation: &Value, report: &mut Report) {
    let at = format!("{} {path}", method.to_uppercase());
    let ours = OperationRef { spec: specs.fragment, path, operation };
    let old = upstream_operation(&at, specs.old, path, method, report);
    let new = upstream_operation(&at, specs.new, path, method, report);

    if let Some(new) = &new {
        check_identity(&at, &ours, new, report);
        check_error_statuses(&at, &ours, new, report);
        check_interface(&at, &ours, new, report);
    }
    if let Some(old) = &old {
        let mut against_old = Report::default();
        check_interface(&at, &ours, old, &mut against_old);
        // Where 2026-08 itself differs from 2025-06-30 (a parameter added or dropped, a
        // response schema corrected), the fragment follows 2026-08, checked above.
        let mut changed_upstream = Report::default();
        if let Some(new) = &new {
            check_interface(&at, new, old, &mut changed_upstream);
        }
        let changed: BTreeSet<(String, String)> = changed_upstream.differences.iter().map(Difference::key).collect();
        report.differences.extend(against_old.differences.into_iter().filter(|difference| !changed.contains(&difference.key())));
    }
}

fn upstream_operation<'a>(
    at: &str,
    spec: Spec<'a>,
    path: &'a str,
    method: &str,
    report: &mut Report,
) -> Option<OperationRef<'a>> {
    let operation = spec.operation(path, method);
    if operation.is_none() {
        report.note(at, "presence", format!("{at}: not in {}", spec.name));
    }
    operation.map(|operation| OperationRef { spec, path, operation })
}

/// One operation of one spec, with its path (for path-level parameters).
struct OperationRef<'a> {
    spec: Spec<'a>,
    path: &'a str,
    operation: &'a Value,
}

fn check_identity(at: &str, ours: &OperationRef, theirs: &OperationRef, report: &mut Report) {
    let our_id = text(ours.operation, "operationId").unwrap_or_default();
    let raw_id = text(theirs.operation, "operationId").unwrap_or_default();
    let docs_url = text(theirs.operation, "x-xgen-docs-url").unwrap_or_default();
    let published_id = docs_url.rsplit('/').next().unwrap_or_default();
    if NAMED_BY_DOCS_URL.contains(&our_id.as_str()) {
        if published_id != our_id {
            report.note(
                at,
                "operationId",
                format!(
                    "{at}: operationId `{our_id}` is not the name at the end of {}'s x-xgen-docs-url {docs_url:?}",
                    theirs.spec.name
                ),
            );
        }
    } else if !published_id.is_empty() && published_id != raw_id {
        report.note(
            at,
            "operationId",
            format!(
                "{at}: {} publishes this operation as `{published_id}` (raw operationId `{raw_id}`); \
                 the fragment must use `{published_id}` and list it in NAMED_BY_DOCS_URL, it has `{our_id}`",
                theirs.spec.name
            ),
        );
    } else {
        report.compare(at, "operationId", &our_id, theirs.spec, &raw_id);
    }
    report.compare(at, "deprecated", flag(ours.operation, "deprecated"), theirs.spec, flag(theirs.operation, "deprecated"));
    report.compare(at, "x-sunset", text(ours.operation, "x-sunset"), theirs.spec, text(theirs.operation, "x-sunset"));
}

fn check_error_statuses(at: &str, ours: &OperationRef, theirs: &OperationRef, report: &mut Report) {
    let errors = |operation: &OperationRef| -> BTreeSet<String> {
        statuses(operation.operation).into_iter().filter(|status| !is_success(status)).collect()
    };
    report.compare_sets(at, "error response", &errors(ours), theirs.spec, &errors(theirs));
}

/// What a caller sends and gets back: parameters, request body, success responses.
fn check_interface(at: &str, ours: &OperationRef, theirs: &OperationRef, report: &mut Report) {
    check_parameters(at, ours, theirs, report);
    check_request_body(at, ours, theirs, report);
    check_success_responses(at, ours, theirs, report);
}

// --- parameters

#[derive(Debug, PartialEq)]
struct ParameterFacts {
    required: bool,
    deprecated: bool,
    schema: SchemaFacts,
}

/// The operation's parameters (path-level ones included) keyed by `in` and `name`.
fn parameters(operation: &OperationRef) -> BTreeMap<(String, String), ParameterFacts> {
    let spec = operation.spec;
    let path_level = spec.path_item(operation.path).and_then(|item| item.get("parameters")).and_then(Value::as_array);
    let operation_level = operation.operation.get("parameters").and_then(Value::as_array);
    path_level
        .into_iter()
        .chain(operation_level)
        .flatten()
        .map(|parameter| spec.resolve(parameter))
        .map(|parameter| {
            let key = (text(parameter, "in").unwrap_or_default(), text(parameter, "name").unwrap_or_default());
            let facts = ParameterFacts {
                required: flag(parameter, "required"),
                deprecated: flag(parameter, "deprecated"),
                schema: schema_facts(spec, parameter.get("schema").unwrap_or(&NULL)),
            };
            (key, facts)
        })
        .collect()
}

fn check_parameters(at: &str, ours: &OperationRef, theirs: &OperationRef, report: &mut Report) {
    let our_parameters = parameters(ours);
    let their_parameters = parameters(theirs);
    for ((location, name), their_facts) in &their_parameters {
        let at = format!("{at} parameter {location} `{name}`");
        match our_parameters.get(&(location.clone(), name.clone())) {
            Some(our_facts) => {
                report.compare(&at, "required", our_facts.required, theirs.spec, their_facts.required);
                report.compare(&at, "deprecated", our_facts.deprecated, theirs.spec, their_facts.deprecated);
                compare_schemas(&at, &our_facts.schema, theirs.spec, &their_facts.schema, report);
            }
            None => report.note(&at, "presence", format!("{at}: in {} but not in the fragment", theirs.spec.name)),
        }
    }
    for (location, name) in our_parameters.keys() {
        if !their_parameters.contains_key(&(location.clone(), name.clone())) {
            let at = format!("{at} parameter {location} `{name}`");
            report.note(&at, "presence", format!("{at}: in the fragment but not in {}", theirs.spec.name));
        }
    }
}

// --- request body and success responses

fn check_request_body(at: &str, ours: &OperationRef, theirs: &OperationRef, report: &mut Report) {
    let our_body = ours.operation.get("requestBody").map(|body| ours.spec.resolve(body));
    let their_body = theirs.operation.get("requestBody").map(|body| theirs.spec.resolve(body));
    match (our_body, their_body) {
        (None, None) => {}
        (Some(our_body), Some(their_body)) => {
            let at = format!("{at} requestBody");
            report.compare(&at, "required", flag(our_body, "required"), theirs.spec, flag(their_body, "required"));
            compare_content(&at, ours.spec, our_body, theirs.spec, their_body, report);
        }
        (our_body, their_body) => report.compare(at, "has requestBody", our_body.is_some(), theirs.spec, their_body.is_some()),
    }
}

fn check_success_responses(at: &str, ours: &OperationRef, theirs: &OperationRef, report: &mut Report) {
    let successes = |operation: &OperationRef| -> BTreeSet<String> {
        statuses(operation.operation).into_iter().filter(|status| is_success(status)).collect()
    };
    let our_statuses = successes(ours);
    let their_statuses = successes(theirs);
    report.compare_sets(at, "success response", &our_statuses, theirs.spec, &their_statuses);
    for status in our_statuses.intersection(&their_statuses) {
        let at = format!("{at} response {status}");
        let our_response = response(ours, status);
        let their_response = response(theirs, status);
        compare_content(&at, ours.spec, our_response, theirs.spec, their_response, report);
    }
}

/// Compares the media types of a request body or response, and the schema of each.
fn compare_content(at: &str, ours: Spec, our_holder: &Value, theirs: Spec, their_holder: &Value, report: &mut Report) {
    report.compare_sets(at, "content type", &keys(our_holder, "content"), theirs, &keys(their_holder, "content"));
    for (media_type, our_entry) in members(our_holder, "content") {
        let Some(their_entry) = member(their_holder, "content", media_type) else {
            continue;
        };
        let at = format!("{at} {media_type} schema");
        match (our_entry.get("schema"), their_entry.get("schema")) {
            (None, None) => {}
            (Some(our_schema), Some(their_schema)) => {
                compare_schemas(&at, &schema_facts(ours, our_schema), theirs, &schema_facts(theirs, their_schema), report)
            }
            (our_schema, their_schema) => report.compare(&at, "present", our_schema.is_some(), theirs, their_schema.is_some()),
        }
    }
}

fn response<'a>(operation: &OperationRef<'a>, status: &str) -> &'a Value {
    let response = member(operation.operation, "responses", status).unwrap_or(&NULL);
    operation.spec.resolve(response)
}

fn statuses(operation: &Value) -> BTreeSet<String> {
    keys(operation, "responses")
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

// ---------------------------------------------------------------------------------------
// Schemas

/// The facts of one schema node that the fragment must share with upstream.
#[derive(Debug, Default, PartialEq)]
struct SchemaFacts {
    /// Name of the referenced object schema; enum-only schemas are inlined instead, so that
    /// the fragment's named role enums compare with upstream's inline ones.
    reference: Option<String>,
    kind: Option<String>,
    format: Option<String>,
    pattern: Option<String>,
    read_only: bool,
    write_only: bool,
    unique_items: bool,
    min_items: Option<String>,
    max_items: Option<String>,
    minimum: Option<String>,
    maximum: Option<String>,
    default: Option<String>,
    enum_values: Option<EnumValues>,
    items: Option<Box<SchemaFacts>>,
    required: BTreeSet<String>,
    properties: BTreeMap<String, SchemaFacts>,
    all_of: Vec<SchemaFacts>,
    one_of: Vec<SchemaFacts>,
    discriminator: Option<Discriminator>,
}

#[derive(Debug, PartialEq)]
enum EnumValues {
    /// Written out where the schema is, in order.
    Inline(Vec<String>),
    /// Reached through a `$ref` to a named enum of the fragment, whose order is that of the
    /// inline enum it was hoisted from (checked by [`check_hoisted_enums`]); upstream lists
    /// the same values in other orders elsewhere, so here only the set of values counts.
    Named(Vec<String>),
}

impl EnumValues {
    fn values(&self) -> &[String] {
        match self {
            EnumValues::Inline(values) | EnumValues::Named(values) => values,
        }
    }

    fn matches(&self, other: &EnumValues) -> bool {
        match (self, other) {
            (EnumValues::Inline(ours), EnumValues::Inline(theirs)) => ours == theirs,
            _ => {
                let set = |values: &[String]| values.iter().cloned().collect::<BTreeSet<_>>();
                set(self.values()) == set(other.values())
            }
        }
    }
}

#[derive(Debug, PartialEq)]
struct Discriminator {
    property_name: Option<String>,
    /// Discriminator value to the name of the schema it picks.
    mapping: BTreeMap<String, String>,
}

fn schema_facts(spec: Spec, node: &Value) -> SchemaFacts {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let target = spec.resolve(node);
        if is_enum_only(target) {
            let mut facts = schema_facts(spec, target);
            facts.enum_values = facts.enum_values.map(|values| EnumValues::Named(values.values().to_vec()));
            return facts;
        }
        return SchemaFacts { reference: Some(schema_name(reference)), ..SchemaFacts::default() };
    }
    let subschemas = |key: &str| -> Vec<SchemaFacts> {
        node.get(key).and_then(Value::as_array).into_iter().flatten().map(|part| schema_facts(spec, part)).collect()
    };
    let mut facts = SchemaFacts {
        reference: None,
        kind: text(node, "type"),
        format: text(node, "format"),
        pattern: text(node, "pattern"),
        read_only: flag(node, "readOnly"),
        write_only: flag(node, "writeOnly"),
        unique_items: flag(node, "uniqueItems"),
        min_items: text(node, "minItems"),
        max_items: text(node, "maxItems"),
        minimum: text(node, "minimum"),
        maximum: text(node, "maximum"),
        default: text(node, "default"),
        enum_values: node
            .get("enum")
            .and_then(Value::as_array)
            .map(|values| EnumValues::Inline(values.iter().map(scalar_text).collect())),
        items: node.get("items").map(|items| Box::new(schema_facts(spec, items))),
        required: string_set(node.get("required")),
        properties: members(node, "properties").map(|(name, schema)| (name.clone(), schema_facts(spec, schema))).collect(),
        all_of: subschemas("allOf"),
        one_of: subschemas("oneOf"),
        discriminator: node.get("discriminator").map(|discriminator| Discriminator {
            property_name: text(discriminator, "propertyName"),
            mapping: members(discriminator, "mapping")
                .map(|(value, target)| (value.clone(), schema_name(&scalar_text(target))))
                .collect(),
        }),
    };
    // Upstream writes the roles of `TeamRole.roleNames` as an `enum` on the array, which no
    // array can equal; the fragment puts them on the items, where they mean what upstream
    // means, so an array's enum is compared as its items' enum.
    if let (Some("array"), Some(items)) = (facts.kind.as_deref(), facts.items.as_mut()) {
        if items.enum_values.is_none() {
            items.enum_values = facts.enum_values.take();
        }
    }
    facts
}

/// The last segment of a `#/components/schemas/Name` reference.
fn schema_name(reference: &str) -> String {
    reference.rsplit('/').next().unwrap_or(reference).to_owned()
}

fn is_enum_only(schema: &Value) -> bool {
    schema.get("enum").is_some() && schema.get("properties").is_none()
}

fn compare_schemas(at: &str, ours: &SchemaFacts, upstream: Spec, theirs: &SchemaFacts, report: &mut Report) {
    report.compare(at, "$ref", &ours.reference, upstream, &theirs.reference);
    report.compare(at, "type", &ours.kind, upstream, &theirs.kind);
    report.compare(at, "format", &ours.format, upstream, &theirs.format);
    report.compare(at, "pattern", &ours.pattern, upstream, &theirs.pattern);
    report.compare(at, "readOnly", ours.read_only, upstream, theirs.read_only);
    report.compare(at, "writeOnly", ours.write_only, upstream, theirs.write_only);
    report.compare(at, "uniqueItems", ours.unique_items, upstream, theirs.unique_items);
    report.compare(at, "minItems", &ours.min_items, upstream, &theirs.min_items);
    report.compare(at, "maxItems", &ours.max_items, upstream, &theirs.max_items);
    report.compare(at, "minimum", &ours.minimum, upstream, &theirs.minimum);
    report.compare(at, "maximum", &ours.maximum, upstream, &theirs.maximum);
    report.compare(at, "default", &ours.default, upstream, &theirs.default);
    compare_enums(at, &ours.enum_values, upstream, &theirs.enum_values, report);
    match (&ours.items, &theirs.items) {
        (Some(our_items), Some(their_items)) => compare_schemas(&format!("{at}.items"), our_items, upstream, their_items, report),
        (our_items, their_items) => report.compare(at, "has items", our_items.is_some(), upstream, their_items.is_some()),
    }
    report.compare(at, "required", &ours.required, upstream, &theirs.required);
    let property_names = |facts: &SchemaFacts| facts.properties.keys().cloned().collect::<BTreeSet<_>>();
    report.compare_sets(at, "property", &property_names(ours), upstream, &property_names(theirs));
    for (name, our_property) in &ours.properties {
        if let Some(their_property) = theirs.properties.get(name) {
            compare_schemas(&format!("{at}.properties.{name}"), our_property, upstream, their_property, report);
        }
    }
    for (keyword, our_parts, their_parts) in [("allOf", &ours.all_of, &theirs.all_of), ("oneOf", &ours.one_of, &theirs.one_of)] {
        report.compare(at, &format!("{keyword} length"), our_parts.len(), upstream, their_parts.len());
        for (index, (our_part, their_part)) in our_parts.iter().zip(their_parts).enumerate() {
            compare_schemas(&format!("{at}.{keyword}[{index}]"), our_part, upstream, their_part, report);
        }
    }
    report.compare(at, "discriminator", &ours.discriminator, upstream, &theirs.discriminator);
}

fn compare_enums(at: &str, ours: &Option<EnumValues>, upstream: Spec, theirs: &Option<EnumValues>, report: &mut Report) {
    let same = match (ours, theirs) {
        (Some(ours), Some(theirs)) => ours.matches(theirs),
        (ours, theirs) => ours.is_none() && theirs.is_none(),
    };
    if !same {
        let fact = match ours {
            Some(EnumValues::Named(_)) => "enum (as a set: the fragment names it)",
            _ => "enum",
        };
        let (ours, theirs) = (ours.as_ref().map(EnumValues::values), theirs.as_ref().map(EnumValues::values));
        report.note(at, "enum", format!("{at}: {fact}: fragment has {ours:?}, {} has {theirs:?}", upstream.name));
    }
}

fn check_object_schema(fragment: Spec, old: Spec, name: &str, upstream_name: &str, report: &mut Report) {
    let at = format!("components.schemas.{name}");
    let (Some(ours), Some(theirs)) = (fragment.schema(name), old.schema(upstream_name)) else {
        report.compare(&at, "exists", fragment.schema(name).is_some(), old, old.schema(upstream_name).is_some());
        return;
    };
    compare_schemas(&at, &schema_facts(fragment, ours), old, &schema_facts(old, theirs), report);
}

fn check_hoisted_enums(fragment: Spec, old: Spec, report: &mut Report) {
    for (name, upstream_pointer) in HOISTED_ENUMS {
        let at = format!("components.schemas.{name}");
        let Some(ours) = fragment.schema(name) else {
            report.note(&at, "exists", format!("{at}: missing from the fragment"));
            continue;
        };
        let Some(theirs) = old.root.pointer(upstream_pointer) else {
            report.note(&at, "exists", format!("{at}: {} has nothing at {upstream_pointer}", old.name));
            continue;
        };
        compare_schemas(&at, &schema_facts(fragment, ours), old, &schema_facts(old, theirs), report);
    }
}

// ---------------------------------------------------------------------------------------
// Small readers

/// A scalar field as text (strings as they are, numbers and booleans printed).
fn text(node: &Value, key: &str) -> Option<String> {
    node.get(key).map(scalar_text)
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A boolean field; absent means `false`, as in OpenAPI.
fn flag(node: &Value, key: &str) -> bool {
    node.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The entries of an object-valued field; none when it is absent.
fn members<'a>(node: &'a Value, key: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
    node.get(key).and_then(Value::as_object).into_iter().flatten()
}

fn member<'a>(node: &'a Value, key: &str, name: &str) -> Option<&'a Value> {
    node.get(key)?.get(name)
}

fn keys(node: &Value, key: &str) -> BTreeSet<String> {
    members(node, key).map(|(name, _)| name.clone()).collect()
}

fn string_set(list: Option<&Value>) -> BTreeSet<String> {
    list.and_then(Value::as_array).map(|values| values.iter().map(scalar_text).collect()).unwrap_or_default()
}
