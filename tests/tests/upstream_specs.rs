//! The vendored upstream specs in `spec/upstream/` are exactly the files `spec/README.md`
//! names, byte for byte: each one's SHA-256 is the one written there.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

/// The `file` and `SHA-256` columns of the table in `spec/README.md` whose header has both.
fn sums_in_readme(readme: &str) -> BTreeMap<String, String> {
    let mut sums = BTreeMap::new();
    let mut columns: Option<(usize, usize)> = None;
    for line in readme.lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(|cell| cell.trim().trim_matches('`')).collect();
        if !line.trim_start().starts_with('|') {
            columns = None;
            continue;
        }
        match columns {
            None => {
                let file = cells.iter().position(|cell| *cell == "file");
                let sum = cells.iter().position(|cell| *cell == "SHA-256");
                columns = file.zip(sum);
            }
            Some((file, sum)) => {
                let (Some(name), Some(digest)) = (cells.get(file), cells.get(sum)) else { continue };
                if digest.len() == 64 && digest.bytes().all(|byte| byte.is_ascii_hexdigit()) {
                    sums.insert(name.to_string(), digest.to_ascii_lowercase());
                }
            }
        }
    }
    sums
}

fn sha256_hex(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    Sha256::digest(&bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn every_vendored_spec_matches_the_sum_in_spec_readme() {
    let readme_path = tests::workspace_root().join("spec/README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("spec/README.md is readable");
    let sums = sums_in_readme(&readme);

    let dir = tests::upstream_dir();
    let mut vendored: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    vendored.sort();

    assert_eq!(
        vendored,
        sums.keys().cloned().collect::<Vec<_>>(),
        "spec/upstream/ holds exactly the specs whose SHA-256 spec/README.md gives"
    );
    for (name, expected) in &sums {
        let actual = sha256_hex(&dir.join(name));
        assert_eq!(&actual, expected, "spec/upstream/{name} is not the file spec/README.md describes");
    }
}

#[test]
fn the_readme_table_is_read_as_written() {
    let readme = "\
| file | source | SHA-256 |
|---|---|---|
| `a.yaml` | somewhere | `ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789` |

| file | what it is |
|---|---|
| `b.yaml` | not a sum table |
";
    let sums = sums_in_readme(readme);
    assert_eq!(
        sums,
        BTreeMap::from([("a.yaml".to_owned(), "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789".to_owned())])
    );
}
