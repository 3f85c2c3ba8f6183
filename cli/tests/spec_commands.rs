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
