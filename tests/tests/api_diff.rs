//! `cargo xtask diff`: the pairs of `tests/fixtures/diff/pairs.yaml`, each one change to
//! `base.yaml`, with the change the report must name and its class (`cargo xtask diff-judge`
//! holds the same pairs against the compiler and cargo-semver-checks); the report of one pair
//! as a snapshot; the command's forms, `--fail-on`, and codegen's one-line verdict.

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
fn each_pair_names_its_one_change_with_its_class() {
    let (base, pairs) = xtask::diff_judge::pairs(&tests::workspace_root()).unwrap();
    assert!(pairs.len() >= 10, "the pairs cover the classes");
    for pair in &pairs {
        let (old, new) = pair.specs(&base).unwrap();
        let diff = diff(&ir(&old), &ir(&new));
        let found = diff.changes.iter().find(|change| change.item == pair.item && change.change.starts_with(&pair.change));
        let found =
            found.unwrap_or_else(|| panic!("pair {}: no `{}` of {} in {:#?}", pair.name, pair.change, pair.item, diff.changes));
        assert_eq!(found.class, pair.class, "pair {}: {found:#?}", pair.name);
        assert!(!found.reason.is_empty() && found.location.starts_with("#/"), "pair {}: {found:#?}", pair.name);
        assert_eq!(diff.worst(), Some(pair.class), "pair {}: nothing worse than its change: {:#?}", pair.name, diff.changes);
    }
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
fn codegen_says_what_the_spec_change_does_and_raises_the_crate_version() {
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
    let info = "info: {title: The base of the API diff's pairs; each test changes one thing in it, version: \"2.0\"}\n";
    let versioned = base().replacen(info, "info:\n  title: Things\n  version: \"2.0\"\n  x-crate-version: \"0.3.1\"\n", 1);
    assert_ne!(versioned, base(), "the base has its info on one line");
    std::fs::create_dir_all(repo.path().join("spec")).unwrap();
    std::fs::write(repo.path().join("spec/api.yaml"), &versioned).unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    let change = |text: &str| {
        let input = Input { file: "spec/api.yaml", text, release: Some(RELEASE) };
        xtask::codegen::api_change(repo.path(), &input, &ir(text))
    };
    assert_eq!(change(&versioned), None, "the spec as committed");

    let renamed = versioned.replace("operationId: deleteThing", "operationId: removeThing");
    let breaking = change(&renamed).expect("the spec changed");
    assert!(
        breaking.summary.starts_with(
            "public API: breaking: 0.3.1 -> 0.4.0 (1 breaking, 0 additive, 0 none); the whole report: cargo xtask diff --against HEAD\ncrate version 0.3.1 -> 0.4.0"
        ),
        "{}",
        breaking.summary
    );
    let raised = breaking.raised.expect("the spec's version is raised");
    assert_eq!(raised, renamed.replace("x-crate-version: \"0.3.1\"", "x-crate-version: \"0.4.0\""));
    assert_eq!(ir(&raised).crate_version, "0.4.0", "the manifest follows the spec's version");
    assert_eq!(change(&raised).expect("still changed").raised, None, "raised once, not again on the next run");

    let deprecated =
        versioned.replace("      operationId: deleteThing\n", "      operationId: deleteThing\n      deprecated: true\n");
    assert_eq!(change(&deprecated).expect("the spec changed").raised, None, "no signature change, no new version");

    std::fs::write(repo.path().join("spec/api.yaml"), base()).unwrap();
    git(&["commit", "-q", "-am", "no version"]);
    let unversioned = change(&base().replace("operationId: deleteThing", "operationId: removeThing")).expect("changed");
    assert_eq!(unversioned.raised, None);
    assert!(
        unversioned.summary.ends_with("add `x-crate-version: \"0.2.0\"` under `info:` in spec/api.yaml"),
        "{}",
        unversioned.summary
    );
}
