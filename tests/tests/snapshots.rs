//! Snapshots of every file the generator writes for the fragment: a change to the output is
//! reviewed (`cargo insta review`), never taken silently.

use generator::{Input, generate};

#[test]
fn generated_files_match_their_snapshots() {
    let text = std::fs::read_to_string(tests::fragment_path()).expect("the fragment is readable");
    let input = Input { file: "spec/2025-03-12/invites.yaml", text: &text, release: None };
    let files = generate(&input).unwrap_or_else(|diagnostics| panic!("the fragment generates:\n{diagnostics}"));
    let names: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    assert_eq!(
        names,
        [
            "Cargo.toml",
            "src/lib.rs",
            "src/ids.rs",
            "src/models.rs",
            "src/roles.rs",
            "src/operations/mod.rs",
            "src/operations/mongodb_cloud_users.rs",
            "src/operations/organizations.rs",
            "src/operations/projects.rs",
            "src/operations/teams.rs",
        ],
        "one module per tag of the spec"
    );
    let mut expected = Vec::new();
    for file in &files {
        // `src/models.rs` is snapshot `models_rs`, `src/operations/projects.rs` is
        // `operations_projects_rs`, `Cargo.toml` is `cargo_toml`.
        let name = file.path.trim_start_matches("src/").replace(['.', '/'], "_").to_lowercase();
        expected.push(format!("snapshots__{name}.snap"));
        insta::assert_snapshot!(name, file.contents);
    }

    // A snapshot of a file the generator no longer writes must go, not linger unreviewed.
    let dir = tests::workspace_root().join("tests/tests/snapshots");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .expect("the snapshots folder exists")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("snapshots__") && name.ends_with(".snap"))
        .collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected, "orphaned or missing snapshots in {}", dir.display());
}
