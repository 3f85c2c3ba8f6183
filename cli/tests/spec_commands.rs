//! The `atlas-members` commands the fragment names beside its operations
//! (`x-atlas-members`, shown in each `Client` method's docs) are command lines this tool
//! parses: a renamed command, flag or role value fails here, not in a reader's shell.

mod common;

/// Every `x-atlas-members` command line of the fragment, as written.
fn spec_commands() -> Vec<String> {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/2025-03-12/invites.yaml");
    let text = std::fs::read_to_string(spec).expect("the fragment is beside the tool");
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("x-atlas-members:"))
        .map(|value| value.trim().trim_matches('"').to_owned())
        .collect()
}

#[test]
fn every_command_the_spec_names_parses() {
    let commands = spec_commands();
    assert!(commands.len() >= 25, "the fragment names a command for each invitation and Cloud Users operation: {commands:?}");
    let home = tempfile::tempdir().unwrap();
    for command in &commands {
        let mut words = command.split_whitespace();
        assert_eq!(words.next(), Some("atlas-members"), "{command}");
        // `--help` after the arguments: clap parses (and checks) each one before it, then
        // prints the command's help instead of running it.
        let output = common::atlas_members(home.path()).args(words).arg("--help").output().expect("atlas-members runs");
        assert!(output.status.success(), "`{command}` does not parse: {}", String::from_utf8_lossy(&output.stderr));
    }
}

#[test]
fn a_command_the_tool_does_not_have_fails() {
    let home = tempfile::tempdir().unwrap();
    for args in [&["invitations", "project", "list", "--help"][..], &["users", "project", "list", "--grop", "x", "--help"]] {
        let output = common::atlas_members(home.path()).args(args).output().expect("atlas-members runs");
        assert!(!output.status.success(), "{args:?} parses");
    }
}

/// The 24-hex-digit IDs `line` names after `--flag ` (`--user 32b6…` gives `("user", "32b6…")`).
fn flag_ids(line: &str) -> Vec<(&str, &str)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let hex24 = |word: &str| word.len() == 24 && word.bytes().all(|byte| byte.is_ascii_hexdigit());
    words.windows(2).filter_map(|pair| Some((pair[0].strip_prefix("--")?, pair[1])).filter(|(_, id)| hex24(id))).collect()
}

/// In a `Client` method's docs, the command line names the same IDs as the Rust sample above
/// it (`--user X` where the sample parses `let user_id: ... = "X"`), so both do the same.
#[test]
fn every_id_a_command_names_is_the_one_its_rust_sample_parses() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../generated/src/operations");
    let (mut checked, mut wrong) = (0, Vec::new());
    for entry in std::fs::read_dir(dir).expect("the generated operations are beside the tool") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut parsed: Vec<(String, String)> = Vec::new();
        for line in text.lines().map(str::trim) {
            let Some(doc) = line.strip_prefix("///") else {
                parsed.clear(); // the end of one method's docs
                continue;
            };
            let doc = doc.trim();
            if let Some(rest) = doc.strip_prefix("let ").filter(|rest| rest.contains(": atlas_admin::ids::")) {
                let var = rest.split(':').next().unwrap().to_owned();
                if let Some(id) = rest.split('"').nth(1) {
                    parsed.push((var, id.to_owned()));
                }
            }
            if doc.starts_with("atlas-members ") {
                for (flag, id) in flag_ids(doc) {
                    let var = format!("{}_id", flag.replace('-', "_"));
                    if let Some((_, sample)) = parsed.iter().rev().find(|(name, _)| *name == var) {
                        checked += 1;
                        if sample != id {
                            wrong.push(format!("`{doc}`: --{flag} {id}, the sample's {var} is {sample}"));
                        }
                    }
                }
            }
        }
    }
    assert!(checked >= 50, "IDs were compared: {checked}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
