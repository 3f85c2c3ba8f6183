//! No input makes the generator panic: the fragment, mutated as text and as a YAML tree, goes
//! through every stage and comes out as files or as diagnostics. `PROPTEST_CASES` sets how
//! many inputs each property tries (`.ci/run` uses the default below).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use generator::{Input, generate};
use proptest::prelude::*;
use serde_yaml::Value;

fn fragment() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| std::fs::read_to_string(tests::fragment_path()).expect("the fragment is readable"))
}

/// Runs the whole generator on `text`; a panic fails the property with the input's size.
fn must_not_panic(text: &str) -> Result<(), TestCaseError> {
    let input = Input { file: "spec/2025-03-12/invites.yaml", text, release: None };
    match catch_unwind(AssertUnwindSafe(|| generate(&input).map(|files| files.len()))) {
        Ok(Ok(count)) => prop_assert!(count > 0),
        Ok(Err(diagnostics)) => prop_assert!(!diagnostics.0.is_empty()),
        Err(_) => return Err(TestCaseError::fail(format!("the generator panicked on this input:\n{text}"))),
    }
    Ok(())
}

/// Text that tends to break YAML or OpenAPI structure when spliced in.
const SPLICES: &[&str] = &[
    "",
    "{",
    "}",
    "[",
    "]",
    ":",
    "- ",
    "'",
    "\"",
    "\n",
    "  ",
    "$ref: '#/components/schemas/Nope'",
    "$ref: 'x.yaml#/a'",
    "type: object",
    "type: array",
    "enum: []",
    "allOf: []",
    "oneOf: [{}]",
    "operationId: listGroupInvites",
    "\u{0}",
    "é",
    "{groupId}",
    "application/vnd.atlas.2099-01-01+json",
    "nullable: true",
    "additionalProperties: true",
];

#[derive(Debug, Clone)]
enum TextEdit {
    Splice { at: usize, insert: usize, remove: usize },
    DeleteLines { from: usize, count: usize },
    SwapLines { a: usize, b: usize },
    Truncate { at: usize },
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        (any::<usize>(), 0..SPLICES.len(), 0usize..40).prop_map(|(at, insert, remove)| TextEdit::Splice { at, insert, remove }),
        (any::<usize>(), 1usize..30).prop_map(|(from, count)| TextEdit::DeleteLines { from, count }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| TextEdit::SwapLines { a, b }),
        any::<usize>().prop_map(|at| TextEdit::Truncate { at }),
    ]
}

fn apply(text: &str, edit: &TextEdit) -> String {
    let floor = |at: usize| {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let lines: Vec<&str> = text.lines().collect();
    match *edit {
        TextEdit::Splice { at, insert, remove } => {
            let start = floor(at);
            let end = floor((start + remove).min(text.len()));
            format!("{}{}{}", &text[..start], SPLICES[insert], &text[end.max(start)..])
        }
        TextEdit::DeleteLines { from, count } => {
            let from = from % lines.len();
            let kept: Vec<&str> =
                lines.iter().enumerate().filter(|(i, _)| *i < from || *i >= from + count).map(|(_, l)| *l).collect();
            kept.join("\n")
        }
        TextEdit::SwapLines { a, b } => {
            let mut lines = lines.clone();
            let (a, b) = (a % lines.len(), b % lines.len());
            lines.swap(a, b);
            lines.join("\n")
        }
        TextEdit::Truncate { at } => text[..floor(at)].to_owned(),
    }
}

/// Replacements for one node of the YAML tree.
fn replacement() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        Just(Some(Value::Bool(true))),
        Just(Some(Value::Number(7.into()))),
        Just(Some(Value::String("GROUP_READ_ONLY".into()))),
        Just(Some(Value::Sequence(vec![]))),
        Just(Some(Value::Mapping(Default::default()))),
        Just(Some(serde_yaml::from_str("{$ref: '#/components/schemas/GroupInvitation'}").unwrap())),
        Just(Some(serde_yaml::from_str("{type: object, properties: {type: {type: string}}}").unwrap())),
        Just(Some(serde_yaml::from_str("{oneOf: [{$ref: '#/components/schemas/Link'}, {type: integer}]}").unwrap())),
    ]
}

/// Replaces (or with `None`, removes) the `index`-th node of a walk over the tree.
fn mutate_tree(value: &mut Value, index: &mut usize, replacement: &Option<Value>) -> bool {
    if *index == 0 {
        match replacement {
            Some(new) => *value = new.clone(),
            None => *value = Value::Null,
        }
        return true;
    }
    *index -= 1;
    match value {
        Value::Mapping(map) => {
            let keys: Vec<Value> = map.keys().cloned().collect();
            for key in keys {
                if *index == 0 && replacement.is_none() {
                    map.remove(&key);
                    return true;
                }
                if mutate_tree(map.get_mut(&key).expect("key from this map"), index, replacement) {
                    return true;
                }
            }
            false
        }
        Value::Sequence(items) => items.iter_mut().any(|item| mutate_tree(item, index, replacement)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn text_mutations_never_panic(edits in prop::collection::vec(text_edit(), 1..4)) {
        let mut text = fragment().to_owned();
        for edit in &edits {
            text = apply(&text, edit);
        }
        must_not_panic(&text)?;
    }

    #[test]
    fn tree_mutations_never_panic(mutations in prop::collection::vec((0usize..4000, replacement()), 1..4)) {
        let mut tree: Value = serde_yaml::from_str(fragment()).expect("the fragment is YAML");
        for (index, replacement) in &mutations {
            let mut index = *index;
            mutate_tree(&mut tree, &mut index, replacement);
        }
        let text = serde_yaml::to_string(&tree).expect("a YAML tree serializes");
        must_not_panic(&text)?;
    }
}
