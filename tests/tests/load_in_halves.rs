//! `load` parses a spec in two halves on two threads when its layout allows (the `components`
//! section, and the rest): the document it gives must be the one the serial parse gives, for
//! every spec in the repository, and any layout it cannot read must go to the serial parse.

use std::path::{Path, PathBuf};

use generator::load::{load, load_in_halves, load_serial};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace").to_path_buf()
}

/// Every YAML spec under `dir`, recursively.
fn specs_under(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display())) {
        let path = entry.expect("a readable folder entry").path();
        if path.is_dir() {
            specs_under(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "yaml") {
            found.push(path);
        }
    }
}

#[test]
fn both_halves_give_the_document_the_serial_parse_gives_for_every_spec_that_parses() {
    let root = workspace();
    let mut specs = Vec::new();
    specs_under(&root.join("spec"), &mut specs);
    specs_under(&root.join("tests/fixtures"), &mut specs);
    let mut split = Vec::new();
    for path in &specs {
        let text = std::fs::read_to_string(path).expect("a spec is UTF-8");
        let halves = load_in_halves(&text);
        match load_serial("spec.yaml", &text) {
            Ok(serial) => {
                if let Some(halves) = halves {
                    assert!(halves == serial, "{}: the two halves parse to another document", path.display());
                    split.push(path.strip_prefix(&root).expect("under the workspace").display().to_string());
                }
                assert!(load("spec.yaml", &text).expect("the serial parse succeeds") == serial);
            }
            // A spec the serial parse refuses is never read by the halves either, and `load`
            // gives the serial parse's diagnostic.
            Err(diagnostics) => {
                assert!(halves.is_none(), "{}: the halves read a spec the serial parse refuses", path.display());
                assert_eq!(load("spec.yaml", &text).expect_err("refused").to_string(), diagnostics.to_string());
            }
        }
    }
    // The specs that matter for speed take the fast path.
    for expected in [
        "spec/upstream/atlas-api-2025-06-30.yaml",
        "spec/upstream/atlas-api-transformed-2026-08.yaml",
        "spec/2025-03-12/invites.yaml",
    ] {
        assert!(split.iter().any(|path| path == expected), "{expected} is not parsed in halves (split: {split:?})");
    }
}

const MINIMAL: &str = "openapi: 3.0.1\ninfo:\n  title: t\n  version: '1'\npaths: {}\n";

#[test]
fn a_minimal_spec_with_components_anywhere_splits_and_matches() {
    let components = "components:\n  schemas:\n    A:\n      type: string\n";
    for text in [
        format!("{components}{MINIMAL}"),
        format!("{MINIMAL}{components}"),
        format!("openapi: 3.0.1\n{components}# a comment\ninfo:\n  title: t\n  version: '1'\npaths: {{}}\n"),
    ] {
        let halves = load_in_halves(&text).unwrap_or_else(|| panic!("not split:\n{text}"));
        assert!(halves == load_serial("spec.yaml", &text).expect("valid"), "differs:\n{text}");
        assert!(halves.components.expect("kept").schemas.contains_key("A"));
    }
}

#[test]
fn layouts_the_halves_cannot_read_go_to_the_serial_parse() {
    let cases = [
        // No components at all.
        MINIMAL.to_owned(),
        // Flow style: no `components:` line at column 0.
        "{openapi: 3.0.1, info: {title: t, version: '1'}, paths: {}, components: {}}".to_owned(),
        // Two components sections (the serial parse decides what that means).
        format!("components:\n  schemas: {{}}\n{MINIMAL}components:\n  schemas: {{}}\n"),
        // A second document after the section.
        format!("{MINIMAL}components:\n  schemas: {{}}\n---\nmore: 1\n"),
        // An alias in the rest to an anchor inside the components section.
        format!("components: &shared\n  schemas: {{}}\n{MINIMAL}x-copy: *shared\n"),
        // Quoted scalars that run across a cut (libyaml reads a continuation line at column
        // 0), even where each piece would parse on its own.
        format!("{MINIMAL}x-note: \"starts here\ncomponents:\n  ends here\"\n"),
        format!("{MINIMAL}x-a: 'x\ncomponents:\n  schemas: {{}}\ny: z'\n"),
        "components:\n  schemas: {}\n  x-b: 'open\ninfo: {title: t, version: '1'}\nopenapi: 3.0.1\npaths: {}\nx-c: closed'\n"
            .to_owned(),
        // A flow collection that runs across a cut.
        format!("{MINIMAL}x-list: [a,\ncomponents: b]\n"),
        // Components that are not a mapping.
        format!("{MINIMAL}components: null\n"),
    ];
    for text in cases {
        assert!(load_in_halves(&text).is_none(), "split, but must not be:\n{text}");
        let serial = load_serial("spec.yaml", &text).map_err(|d| d.to_string());
        let loaded = load("spec.yaml", &text).map_err(|d| d.to_string());
        assert!(loaded == serial, "load differs from the serial parse for:\n{text}");
    }
}

/// `paths` is cut between entries when the rest outweighs the components: wherever the cut
/// falls (the components are padded so that it moves across every line), the document is
/// the serial parse's, also when a quoted scalar holds a line that looks like an entry.
#[test]
fn a_cut_inside_paths_anywhere_gives_the_serial_document_or_none() {
    let mut paths = String::from("paths:\n");
    for index in 0..12 {
        paths.push_str(&format!(
            "  /p{index}:\n    get:\n      operationId: op{index}\n      responses:\n        '200':\n          description: ok\n"
        ));
        if index == 5 {
            paths.push_str("  /quoted:\n    get:\n      operationId: quoted\n      description: \"starts\n  /looks-like-an-entry:\n        ends\"\n      responses:\n        '200':\n          description: ok\n");
        }
    }
    let mut split = 0;
    for pad in (0..paths.len()).step_by(7) {
        let text = format!(
            "openapi: 3.0.1\ninfo:\n  title: t\n  version: '1'\n{paths}components:\n  schemas:\n    A:\n      type: string\n      description: '{}'\n",
            "x".repeat(pad)
        );
        let serial = load_serial("spec.yaml", &text).expect("the serial parse reads it");
        assert!(serial.paths.paths.contains_key("/quoted") && !serial.paths.paths.contains_key("/looks-like-an-entry"));
        if let Some(halves) = load_in_halves(&text) {
            assert!(halves == serial, "the halves differ with {pad} bytes of padding:\n{text}");
            split += 1;
        }
    }
    assert!(split > 0, "some layout is read in halves");
}
