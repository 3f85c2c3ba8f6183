//! `cargo xtask diff`: pairs of specs that each change one thing in `tests/fixtures/diff/base.yaml`,
//! each with the change the report must name and its class; the report of one pair as a
//! snapshot; the command's forms and its `--fail-on` verdict.

use generator::diff::{ApiDiff, Class, diff};
use generator::{Input, to_ir};

const RELEASE: &str = "2025-03-12";

fn base() -> String {
    std::fs::read_to_string(tests::workspace_root().join("tests/fixtures/diff/base.yaml")).unwrap()
}

fn ir(text: &str) -> generator::ir::Api {
    to_ir(&Input { file: "diff/spec.yaml", text, release: Some(RELEASE) }).unwrap_or_else(|diagnostics| panic!("{diagnostics}"))
}

/// The diff from the base to the base with `from` replaced by `to` (which must occur once).
fn changed(from: &str, to: &str) -> ApiDiff {
    let old = base();
    assert_eq!(old.matches(from).count(), 1, "`{from}` occurs once in the base");
    diff(&ir(&old), &ir(&old.replacen(from, to, 1)))
}

/// Asserts the diff has a change of `item` whose description starts with `what`, of `class`,
/// and that nothing in it is worse than `class`.
fn assert_change(diff: &ApiDiff, item: &str, what: &str, class: Class) {
    let found = diff.changes.iter().find(|change| change.item == item && change.change.starts_with(what));
    let found = found.unwrap_or_else(|| panic!("no change `{what}` of {item} in {:#?}", diff.changes));
    assert_eq!(found.class, class, "{found:#?}");
    assert!(!found.reason.is_empty() && found.location.starts_with('#'), "{found:#?}");
    assert_eq!(diff.worst(), Some(class), "nothing worse than {class:?}: {:#?}", diff.changes);
}

#[test]
fn the_same_spec_changes_nothing() {
    let text = base();
    let diff = diff(&ir(&text), &ir(&text));
    assert_eq!(diff.changes, Vec::new());
    assert_eq!(diff.worst(), None);
    assert_eq!(diff.next_version("0.1.0").as_deref(), Some("0.1.0"));
}

#[test]
fn an_operation_added_is_additive_and_one_removed_breaking() {
    let delete = "    delete:\n      operationId: deleteThing\n";
    let diff = changed(delete, "    get:\n      operationId: getThing\n");
    let added = diff.changes.iter().find(|change| change.item == "Client::get_thing").expect("the new method");
    assert_eq!((added.class, added.change.starts_with("added")), (Class::Additive, true));
    assert_change(&diff, "Client::delete_thing", "removed", Class::Breaking);
    assert_eq!(diff.next_version("0.1.0").as_deref(), Some("0.2.0"));
    assert_eq!(diff.next_version("1.4.2").as_deref(), Some("2.0.0"));
}

#[test]
fn a_new_operation_with_a_new_model_is_additive() {
    let spec = base();
    let new = spec.replacen(
        "components:\n",
        "  /api/atlas/v2/groups/{groupId}/gadgets:\n    get:\n      operationId: listGadgets\n      tags: [Things]\n      parameters:\n        - {name: groupId, in: path, required: true, schema: {type: string}}\n      responses:\n        \"200\":\n          description: OK\n          content:\n            application/vnd.atlas.2023-01-01+json:\n              schema: {$ref: \"#/components/schemas/Gadget\"}\ncomponents:\n",
        1,
    );
    let new = new.replacen(
        "    ApiError:\n",
        "    Gadget:\n      type: object\n      properties:\n        label: {type: string}\n    ApiError:\n",
        1,
    );
    let diff = diff(&ir(&spec), &ir(&new));
    assert_change(&diff, "models::Gadget", "added", Class::Additive);
    assert_change(&diff, "Client::list_gadgets", "added", Class::Additive);
    assert_eq!(diff.next_version("0.1.0").as_deref(), Some("0.1.1"));
    assert_eq!(diff.next_version("1.4.2").as_deref(), Some("1.5.0"));
}

#[test]
fn a_new_operation_id_on_the_same_method_and_path_is_a_rename() {
    let diff = changed("operationId: deleteThing", "operationId: removeThing");
    assert_change(&diff, "Client::remove_thing", "renamed from `Client::delete_thing`", Class::Breaking);
    assert!(!diff.changes.iter().any(|change| change.change == "removed" || change.change.starts_with("added")), "{diff:#?}");
}

#[test]
fn a_method_name_that_moves_to_another_operation_is_named_as_such() {
    // `removeUserFromTeam`: the same operationId on another method and path.
    let diff = changed("things/{thingId}:\n    delete:", "things/{thingId}:remove:\n    post:");
    assert_change(
        &diff,
        "Client::delete_thing",
        "now sends `POST /api/atlas/v2/groups/{groupId}/things/{thingId}:remove`",
        Class::Breaking,
    );
}

#[test]
fn a_deprecation_changes_no_signature() {
    let diff = changed(
        "      operationId: deleteThing\n",
        "      operationId: deleteThing\n      deprecated: true\n      x-sunset: \"2027-07-01\"\n",
    );
    assert_change(&diff, "Client::delete_thing", "deprecated, sunset 2027-07-01", Class::None);
    assert_eq!(diff.next_version("0.1.0").as_deref(), Some("0.1.0"));
}

#[test]
fn a_new_resource_version_changes_no_signature() {
    let old = base();
    let new = old.replace("application/vnd.atlas.2023-01-01+json", "application/vnd.atlas.2025-02-19+json");
    let diff = diff(&ir(&old), &ir(&new));
    assert_change(&diff, "Client::create_thing", "resource version 2023-01-01 -> 2025-02-19", Class::None);
}

#[test]
fn a_new_required_request_field_is_breaking() {
    let diff = changed(
        "      required: [name]\n      properties:\n        name: {type: string}\n",
        "      required: [name, owner]\n      properties:\n        name: {type: string}\n        owner: {type: string}\n",
    );
    assert_change(&diff, "models::ThingRequest::owner", "added, required", Class::Breaking);
}

#[test]
fn a_new_optional_response_field_is_breaking_for_struct_literals() {
    let diff = changed("        role: {$ref", "        colour: {type: string}\n        role: {$ref");
    assert_change(&diff, "models::Thing::colour", "added, optional", Class::Breaking);
    let reason = &diff.changes[0].reason;
    assert!(reason.contains("decoding ignores it") && reason.contains("struct literal"), "{reason}");
}

#[test]
fn a_field_that_changes_type_or_becomes_required_is_breaking() {
    let retyped = changed("        size: {type: integer}\n        role", "        size: {type: string}\n        role");
    assert_change(&retyped, "models::Thing::size", "type `Option<i64>` -> `Option<String>`", Class::Breaking);
    let required = changed("    Thing:\n      type: object\n", "    Thing:\n      type: object\n      required: [name]\n");
    assert_change(&required, "models::Thing::name", "type `Option<String>` -> `String`", Class::Breaking);
}

#[test]
fn a_new_enum_value_is_breaking_for_exhaustive_matches() {
    let diff = changed("enum: [THING_OWNER, THING_READ_ONLY]", "enum: [THING_OWNER, THING_READ_ONLY, THING_ADMIN]");
    assert_change(&diff, "roles::ThingRole::ThingAdmin", "value `THING_ADMIN` added", Class::Breaking);
}

#[test]
fn a_new_optional_query_parameter_is_breaking_for_query_literals() {
    let diff = changed(
        "        - {name: pageNum, in: query, schema: {type: integer, default: 1}}\n",
        "        - {name: pageNum, in: query, schema: {type: integer, default: 1}}\n        - {name: itemsPerPage, in: query, schema: {type: integer}}\n",
    );
    assert_change(&diff, "Client::list_things", "query `itemsPerPage` added, optional", Class::Breaking);
}

#[test]
fn types_are_matched_by_where_they_come_from_not_by_name() {
    // `Thing.role` gets an inline enum instead of the component `ThingRole`: the component (now
    // reached by no operation) moves to `models`, and the inline enum, a new type from another
    // place, is `roles::ThingRole2`. Matched by name, the new `roles::ThingRole2` would look
    // new and the component's move would be missed.
    let diff = changed(
        "        role: {$ref: \"#/components/schemas/ThingRole\"}\n",
        "        role: {type: string, enum: [THING_OWNER]}\n",
    );
    let found =
        |item: &str| diff.changes.iter().find(|change| change.item == item).unwrap_or_else(|| panic!("{item}: {diff:#?}"));
    let moved = found("models::ThingRole");
    assert_eq!((moved.change.as_str(), moved.class), ("renamed from `roles::ThingRole`", Class::Breaking));
    assert_eq!(moved.location, "#/components/schemas/ThingRole");
    let inline = found("roles::ThingRole2");
    assert_eq!((inline.change.as_str(), inline.location.as_str()), ("added", "#/components/schemas/Thing/properties/role"));
    assert_eq!(found("models::Thing::role").change, "type `Option<ThingRole>` -> `Option<ThingRole2>`");
    assert_eq!(diff.changes.len(), 3, "{diff:#?}");
}

#[test]
fn the_report_names_each_change_with_its_reason_and_place() {
    let diff = changed("enum: [THING_OWNER, THING_READ_ONLY]", "enum: [THING_OWNER, THING_READ_ONLY, THING_ADMIN]");
    insta::assert_snapshot!("api_diff_enum_value_added_markdown", diff.to_markdown("old.yaml", "new.yaml", "0.1.0"));
    let json = diff.to_json("old.yaml", "new.yaml", "0.1.0");
    assert_eq!(json["worst"], "breaking");
    assert_eq!(json["next_version"], "0.2.0");
    assert_eq!(json["counts"]["breaking"], 1);
    assert_eq!(json["changes"][0]["item"], "roles::ThingRole::ThingAdmin");
    assert_eq!(diff.summary("0.1.0"), "public API: breaking: 0.1.0 -> 0.2.0 (1 breaking, 0 additive, 0 none)");
}

#[test]
fn the_command_compares_two_specs_and_fails_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"));
    std::fs::write(&old, base()).unwrap();
    std::fs::write(&new, base().replace("operationId: deleteThing", "operationId: removeThing")).unwrap();
    let args = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![old.display().to_string(), new.display().to_string(), "--api-version".into(), RELEASE.into()];
        args.extend(extra.iter().map(|arg| (*arg).to_owned()));
        args
    };
    let options = xtask::diff::Options::parse(&args(&["--fail-on", "breaking", "--json"])).unwrap();
    let outcome = xtask::diff::run(&options).unwrap();
    assert!(outcome.failed, "a rename fails --fail-on breaking");
    let json: serde_json::Value = serde_json::from_str(&outcome.report).unwrap();
    assert_eq!(json["changes"][0]["item"], "Client::remove_thing");
    let lenient = xtask::diff::run(&xtask::diff::Options::parse(&args(&[])).unwrap()).unwrap();
    assert!(!lenient.failed && lenient.report.starts_with("# Public API changes"), "{}", lenient.report);
    assert!(xtask::diff::Options::parse(&["only-one.yaml".to_owned()]).is_err(), "one spec needs two releases");
    let one_spec_two_releases =
        ["x.yaml", "--old-api-version", "2024-01-01", "--new-api-version", "2025-01-01"].map(String::from);
    let parsed = xtask::diff::Options::parse(&one_spec_two_releases).unwrap();
    assert_eq!((parsed.old, parsed.new.clone()), (parsed.new, Some("x.yaml".into())));
}

#[test]
fn codegen_says_in_one_line_what_the_spec_change_does_to_the_api() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(repo.path())
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
    };
    std::fs::create_dir_all(repo.path().join("spec")).unwrap();
    std::fs::write(repo.path().join("spec/api.yaml"), base()).unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    let input = |text: &'static str| Input { file: "spec/api.yaml", text, release: Some(RELEASE) };
    let unchanged: &'static str = base().leak();
    assert_eq!(xtask::codegen::api_change(repo.path(), &input(unchanged), &ir(unchanged)), None, "the spec as committed");
    let renamed: &'static str = base().replace("operationId: deleteThing", "operationId: removeThing").leak();
    let line = xtask::codegen::api_change(repo.path(), &input(renamed), &ir(renamed)).expect("the spec changed");
    assert_eq!(
        line,
        "public API: breaking: 0.1.0 -> 0.2.0 (1 breaking, 0 additive, 0 none); the whole report: cargo xtask diff --against HEAD"
    );
}
