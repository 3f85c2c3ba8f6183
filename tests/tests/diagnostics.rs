//! The catalogue of bad specs under `tests/fixtures/diagnostics/`: each one's message is
//! snapshotted (file, JSON pointer, line:column, hint), and codegen on it fails without
//! touching the crate it would have written.

use std::fs;
use std::path::Path;

use generator::{Input, generate};

/// The messages for `path`, as `cargo xtask codegen` prints them.
fn diagnostics_of(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let release = path.parent().and_then(|dir| dir.file_name()).unwrap().to_string_lossy().into_owned();
    let file = format!("{release}/{}", path.file_name().unwrap().to_string_lossy());
    match generate(&Input { file: &file, text: &text, release: None }) {
        Ok(_) => panic!("{file} is in the catalogue of bad specs but generates"),
        Err(diagnostics) => {
            for diagnostic in &diagnostics.0 {
                assert_eq!(diagnostic.file, file, "every message names the file");
                assert!(diagnostic.location.is_some(), "{file}: every message has a line:column:\n{diagnostic}");
                assert!(diagnostic.hint.is_some(), "{file}: every message says what to do:\n{diagnostic}");
            }
            diagnostics.to_string()
        }
    }
}

#[test]
fn each_bad_spec_has_its_message() {
    insta::glob!("../fixtures/diagnostics", "*/*.yaml", |path| {
        insta::assert_snapshot!(diagnostics_of(path));
    });
}

#[test]
fn several_problems_are_reported_together_in_order() {
    let path = tests::workspace_root().join("tests/fixtures/diagnostics/2025-03-12/several_problems.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let diagnostics = generate(&Input { file: "2025-03-12/several_problems.yaml", text: &text, release: None }).unwrap_err();
    let lines: Vec<usize> = diagnostics.0.iter().map(|d| d.location.expect("located").0).collect();
    assert!(lines.len() >= 3, "two unknown $refs and the missing ApiError: {diagnostics}");
    assert!(lines.windows(2).all(|pair| pair[0] <= pair[1]), "sorted by line: {lines:?}");
}

#[test]
fn codegen_on_a_bad_spec_fails_and_leaves_the_crate_untouched() {
    // Removed when dropped, also when the test fails.
    let scratch = tempfile::Builder::new().prefix("atlas-diagnostics-").tempdir().expect("temp dir is writable");
    let out = scratch.path().join("crate");
    let good = xtask::codegen::Options { out: Some(out.clone()), ..Default::default() };
    xtask::codegen::run(&good).expect("the fragment generates");
    let snapshot = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = fs::read_dir(dir.join("src"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_file())
            .map(|path| (path.display().to_string(), fs::read(&path).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = snapshot(&out);
    let catalogue = tests::workspace_root().join("tests/fixtures/diagnostics/2025-03-12");
    let mut checked = 0;
    for entry in fs::read_dir(catalogue).unwrap() {
        let spec = entry.unwrap().path();
        let bad = xtask::codegen::Options { spec: Some(spec.clone()), out: Some(out.clone()), ..Default::default() };
        let message = xtask::codegen::run(&bad).expect_err("a bad spec fails");
        assert!(message.contains("error:"), "{message}");
        assert_eq!(snapshot(&out), before, "{} changed the crate", spec.display());
        checked += 1;
    }
    assert!(checked >= 10, "the catalogue has its bad specs");
}
