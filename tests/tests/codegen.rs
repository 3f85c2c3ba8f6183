//! `cargo xtask codegen` as a user meets it: freshness, `--check`, `--out`, atomic writes and
//! byte-identical reruns. Everything but the first test works in a temporary folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;
use xtask::codegen::{Options, run};

/// A fresh, empty temporary folder for one test, removed when it is dropped, also when the
/// test fails.
fn scratch(name: &str) -> TempDir {
    tempfile::Builder::new().prefix(&format!("atlas-codegen-{name}-")).tempdir().expect("temp dir is writable")
}

/// Copies the fragment, optionally edited, to `dir/2025-03-12/invites.yaml`.
fn spec_copy(dir: &Path, edit: impl FnOnce(String) -> String) -> PathBuf {
    let text = fs::read_to_string(tests::fragment_path()).expect("the fragment is readable");
    let path = dir.join("2025-03-12/invites.yaml");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, edit(text)).unwrap();
    path
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn generate_into(spec: &Path, out: &Path) {
    let options = Options { spec: Some(spec.to_path_buf()), out: Some(out.to_path_buf()), ..Default::default() };
    run(&options).unwrap_or_else(|message| panic!("codegen failed:\n{message}"));
}

#[test]
fn committed_crate_is_what_the_fragment_generates() {
    let options = Options { check: true, ..Default::default() };
    if let Err(message) = run(&options) {
        panic!("{message}");
    }
}

#[test]
fn editing_one_description_makes_check_fail_naming_the_stale_file() {
    let scratch = scratch("check");
    let dir = scratch.path();
    let spec = spec_copy(&dir.join("a"), |text| text);
    let out = dir.join("crate");
    generate_into(&spec, &out);
    let unchanged = Options { check: true, spec: Some(spec), out: Some(out.clone()), ..Default::default() };
    assert_eq!(run(&unchanged), Ok(()));

    let edited =
        spec_copy(&dir.join("b"), |text| replace_first_schema_description(&text, "Link", "An edited description of Link."));
    let check = Options { check: true, spec: Some(edited), out: Some(out.clone()), ..Default::default() };
    let message = run(&check).expect_err("a changed description makes the crate stale");
    let stale: Vec<&str> = message.lines().filter(|line| line.starts_with("  ") && !line.contains("hint")).collect();
    assert_eq!(stale.len(), 1, "only models.rs changes:\n{message}");
    assert!(stale[0].ends_with("/src/models.rs"), "{message}");
    assert!(message.contains("cargo xtask codegen"), "the message says what to run:\n{message}");
}

/// Replaces the `description:` line directly under `components/schemas/<schema>`.
fn replace_first_schema_description(text: &str, schema: &str, replacement: &str) -> String {
    let header = format!("\n    {schema}:\n");
    let start = text.find(&header).unwrap_or_else(|| panic!("schema {schema} is in the fragment")) + header.len();
    let line_start = start + text[start..].find("      description:").expect("the schema has a description");
    let line_end = line_start + text[line_start..].find('\n').unwrap();
    format!("{}      description: {replacement}{}", &text[..line_start], &text[line_end..])
}

#[test]
fn a_failing_run_leaves_the_crate_exactly_as_it_was() {
    let scratch = scratch("atomic");
    let dir = scratch.path();
    let spec = spec_copy(&dir.join("good"), |text| text);
    let out = dir.join("crate");
    generate_into(&spec, &out);
    let before = tree(&out);

    let broken_yaml = spec_copy(&dir.join("yaml"), |text| text.replacen("paths:", "paths: [", 1));
    let unknown_ref = spec_copy(&dir.join("ref"), |text| {
        text.replacen("#/components/schemas/GroupInvitation'", "#/components/schemas/NoSuchSchema'", 1)
    });
    for bad in [broken_yaml, unknown_ref] {
        let options = Options { spec: Some(bad.clone()), out: Some(out.clone()), ..Default::default() };
        let message = run(&options).expect_err("a broken spec is refused");
        assert!(message.contains("invites.yaml:"), "the message names file and line:\n{message}");
        assert_eq!(tree(&out), before, "nothing changed after {}", bad.display());
    }
}

#[test]
fn running_twice_is_byte_identical() {
    let scratch = scratch("twice");
    let dir = scratch.path();
    let spec = spec_copy(&dir.join("spec"), |text| text);
    let (first, second) = (dir.join("first"), dir.join("second"));
    generate_into(&spec, &first);
    generate_into(&spec, &second);
    generate_into(&spec, &second);
    assert_eq!(tree(&first), tree(&second));
    let files = tree(&first);
    assert!(files.contains_key(Path::new("src/runtime/mod.rs")), "--out brings the runtime along");
    assert!(files.contains_key(Path::new("Cargo.lock")), "--out brings the lock file along");
    for published in ["LICENSE", "README.md"] {
        let copied = &files[Path::new(published)];
        let original = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated").join(published)).unwrap();
        assert_eq!(copied, &original, "--out brings {published} along, unchanged, so the crate can be published");
    }
    let models = String::from_utf8(files[Path::new("src/models.rs")].clone()).unwrap();
    assert!(models.starts_with("// @generated by `cargo xtask codegen` from 2025-03-12/invites.yaml; do not edit.\n"));
}

/// The hand-written `membership` module comes along with `--out`, and `lib.rs` declares it only
/// when the spec has every operation and type it uses: a fragment whose `deleteOrgInvite` is
/// named otherwise, or whose organization role enum is named otherwise, gets a crate without it.
#[test]
fn membership_is_declared_only_when_the_spec_has_what_it_uses() {
    let scratch = scratch("membership");
    let dir = scratch.path();
    let lib_rs = |edit: fn(String) -> String, name: &str| {
        let spec = spec_copy(&dir.join(name).join("spec"), edit);
        let out = dir.join(name).join("crate");
        generate_into(&spec, &out);
        assert!(out.join("src/membership/mod.rs").is_file(), "--out brings the membership module along");
        fs::read_to_string(out.join("src/lib.rs")).unwrap()
    };
    let declaration = "pub mod membership;";
    assert!(lib_rs(|text| text, "fragment").contains(declaration));
    let renamed = lib_rs(|text| text.replace("operationId: deleteOrgInvite\n", "operationId: cancelOrgInvite\n"), "renamed");
    assert!(!renamed.contains(declaration), "{renamed}");
    let renamed_type = lib_rs(
        |text| text.replace("\n    OrgRole:\n", "\n    OrgRoleName:\n").replace("schemas/OrgRole'", "schemas/OrgRoleName'"),
        "untyped",
    );
    assert!(!renamed_type.contains(declaration), "{renamed_type}");
}
