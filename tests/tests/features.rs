//! One small spec per generator feature under `tests/fixtures/features/<release>/`, each with a
//! snapshot of the models and operations it generates. `cargo xtask fixtures` (run by
//! `.ci/run`) also compiles every one of them.

use generator::{Input, generate};

#[test]
fn each_feature_fixture_generates_its_snapshot() {
    insta::glob!("../fixtures/features", "*/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let release = path.parent().and_then(|dir| dir.file_name()).unwrap().to_string_lossy().into_owned();
        let file = format!("{release}/{}", path.file_name().unwrap().to_string_lossy());
        let files = generate(&Input { file: &file, text: &text, release: None })
            .unwrap_or_else(|diagnostics| panic!("{file} generates:\n{diagnostics}"));
        let shown: String = files
            .iter()
            .filter(|file| file.path == "src/models.rs" || file.path.starts_with("src/operations/"))
            .map(|file| format!("==== {} ====\n{}", file.path, file.contents))
            .collect();
        insta::assert_snapshot!(shown);
    });
}
