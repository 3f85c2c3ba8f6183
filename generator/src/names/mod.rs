//! Naming: every Rust identifier the generator emits is decided here, from the spec's names.
//!
//! All case conversion, keyword escaping and the catch-all variant's name live in this one
//! module, so the IR arrives at emission with final names and collisions can be checked once.

mod scope;

use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};

pub use scope::{CLIENT_RESERVED, FEATURES_RESERVED, LOCALS_RESERVED, Scope, numbered};

/// Words that cannot be identifiers (strict and reserved keywords of edition 2024).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct",
    "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot even be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names the generated modules use themselves and a spec type must not shadow.
const RESERVED_TYPES: &[&str] = &["Error", "Client", "Result", "Option", "String", "Vec", "Box", "Query"];

/// Replaces everything that cannot be in an identifier by `_`, so heck sees word breaks.
fn word_chars(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn leading_digit_guard(name: String, prefix: &str) -> String {
    match name.chars().next() {
        None => prefix.to_owned(),
        Some(c) if c.is_ascii_digit() => format!("{prefix}{name}"),
        Some(_) => name,
    }
}

/// `GroupInvitation`, `groupId` -> `GroupId`; a type name.
pub fn type_name(raw: &str) -> String {
    let name = leading_digit_guard(word_chars(raw).to_upper_camel_case(), "T");
    if KEYWORDS.contains(&name.as_str()) || RESERVED_TYPES.contains(&name.as_str()) { format!("{name}Type") } else { name }
}

/// The `operationId` of an operation the spec gives none, from its method and path:
/// `GET /api/atlas/v2/groups/{groupId}/invites` -> `getApiAtlasV2GroupsGroupIdInvites`,
/// `POST /things:search` -> `postThingsSearch`. The caller numbers it on a collision.
pub fn operation_id_from(method: &str, path: &str) -> String {
    word_chars(&format!("{}_{path}", method.to_ascii_lowercase())).to_lower_camel_case()
}

/// `errorCode` -> `error_code`, `type` -> `r#type`; a field, parameter or function name.
pub fn value_name(raw: &str) -> String {
    let name = leading_digit_guard(word_chars(raw).to_snake_case(), "n");
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// `part` (ASCII letters and digits) in UpperCamelCase onto `name`, as heck writes it. A part
/// all in capitals or all in small letters (most of Atlas's enum values' words) is one word,
/// written here without heck's word splitting; anything else goes through heck.
fn push_upper_camel(name: &mut String, part: &str) {
    let bytes = part.as_bytes();
    if bytes.iter().all(u8::is_ascii_uppercase) || bytes.iter().all(u8::is_ascii_lowercase) {
        name.push(char::from(bytes[0].to_ascii_uppercase()));
        name.extend(bytes[1..].iter().map(|byte| char::from(byte.to_ascii_lowercase())));
    } else {
        name.push_str(&part.to_upper_camel_case());
    }
}

/// `GROUP_READ_ONLY` -> `GroupReadOnly`, `3.6` -> `V3_6`, `us-east-1` -> `UsEast1`.
pub fn variant_name(wire: &str) -> String {
    if !wire.is_empty() && !wire.chars().any(|c| c.is_ascii_alphanumeric()) {
        // Only whitespace (`" "`, `"\t"`): each character by its code point, never an empty name.
        let mut rest = if wire.trim().is_empty() { wire } else { wire.trim() };
        let mut name = String::new();
        while !rest.is_empty() {
            match SYMBOLS.iter().find(|(symbol, _)| rest.starts_with(symbol)) {
                Some((symbol, word)) => {
                    name.push_str(word);
                    rest = &rest[symbol.len()..];
                }
                None => {
                    let c = rest.chars().next().expect("rest is not empty");
                    name.push_str(&format!("U{:04X}", c as u32));
                    rest = &rest[c.len_utf8()..];
                }
            }
            if !rest.trim_start().is_empty() {
                rest = rest.trim_start();
            }
        }
        return name;
    }
    let mut name = String::new();
    for part in wire.split(|c: char| !c.is_ascii_alphanumeric()).filter(|part| !part.is_empty()) {
        // Two numbers in a row keep a separator: `3.6` must not read as `36`.
        if name.ends_with(|c: char| c.is_ascii_digit()) && part.starts_with(|c: char| c.is_ascii_digit()) {
            name.push('_');
        }
        push_upper_camel(&mut name, part);
    }
    let name = leading_digit_guard(name, "V");
    if KEYWORDS.contains(&name.as_str()) { format!("{name}Value") } else { name }
}

/// The variant of an operation's `Response` enum for a success status: its reason phrase
/// (`Ok`, `Accepted`, `NoContent`), `Status207` for one without a common phrase, and
/// `OtherSuccess` for the rest of a `2XX` range (or a `default` response).
pub fn status_variant(status: Option<u16>) -> String {
    let phrase = match status {
        None => "OtherSuccess",
        Some(200) => "Ok",
        Some(201) => "Created",
        Some(202) => "Accepted",
        Some(203) => "NonAuthoritativeInformation",
        Some(204) => "NoContent",
        Some(205) => "ResetContent",
        Some(206) => "PartialContent",
        Some(status) => return format!("Status{status}"),
    };
    phrase.to_owned()
}

/// The field of a union's catch-all struct that keeps the properties no shared field holds:
/// `other`, numbered while `taken` says a shared field has the name.
pub fn rest_field(taken: impl Fn(&str) -> bool) -> String {
    numbered("other".to_owned(), taken)
}

/// The catch-all variant: `Unknown`, unless the spec already uses that name.
pub fn catch_all_variant(variants: &[String]) -> String {
    let mut name = String::from("Unknown");
    while variants.contains(&name) {
        name.push_str("Value");
    }
    name
}

/// The variants of a union that holds `held`: each named after the type it holds (numbered
/// when two would share a name), or, for a union picked by a discriminator (`tags` is
/// `Some`), after the one tag that selects each when [`variants_by_tag`] can. `type_name`
/// is the name of a type of the type space.
pub fn union_variants(
    held: &[crate::ir::Ty],
    tags: Option<&[&[String]]>,
    type_name: &dyn Fn(crate::ir::TypeId) -> String,
) -> Vec<String> {
    if let Some(by_tag) = tags.and_then(variants_by_tag) {
        return by_tag;
    }
    let mut names: Vec<String> = Vec::with_capacity(held.len());
    for ty in held {
        let name = numbered(union_variant_name(ty, type_name), |candidate| names.iter().any(|taken| taken == candidate));
        names.push(name);
    }
    names
}

/// Whether a property holds roles, by its wire name: one of its words is `role` or `roles`
/// (`roles`, `roleName`, `groupRole`, `orgRoles`, `postAuthRoleGrants`). An enum such a
/// property holds is a set of role names and lands in the `roles` module.
pub fn is_role_property(wire_name: &str) -> bool {
    // A word `role` is four letters of the name in a row, whatever their case: most names
    // have none, and need no conversion.
    wire_name.as_bytes().windows(4).any(|window| window.eq_ignore_ascii_case(b"role"))
        && word_chars(wire_name).to_snake_case().split('_').any(|word| word == "role" || word == "roles")
}

/// Variants of a discriminated union named after the one tag that selects each (`PENDING` ->
/// `Pending`), when every variant has exactly one and the names stay distinct.
pub fn variants_by_tag(tags: &[&[String]]) -> Option<Vec<String>> {
    let names: Vec<String> = tags
        .iter()
        .map(|tags| match tags {
            [tag] => Some(variant_name(tag)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let distinct = names.iter().collect::<std::collections::BTreeSet<_>>().len() == names.len();
    distinct.then_some(names)
}

/// The module of a tag: its words in snake case (`MongoDB Cloud Users` -> `mongodb_cloud_users`);
/// `untagged` for operations without one.
pub fn tag_module(tag: &str) -> String {
    let mut module = String::new();
    // Words up to a bound: the module is also a file name, and file systems refuse long ones
    // (a tag of 280 characters was "File name too long"). A cut tag that meets another is
    // numbered by its scope.
    for word in tag_words(tag) {
        if module.len() + 1 + word.len() > MAX_MODULE_LEN {
            if module.is_empty() {
                module.push_str(&word[..MAX_MODULE_LEN]);
            }
            break;
        }
        if !module.is_empty() {
            module.push('_');
        }
        module.push_str(&word);
    }
    let module = if module.is_empty() { "untagged".to_owned() } else { leading_digit_guard(module, "tag_") };
    if KEYWORDS.contains(&module.as_str()) || NOT_RAW.contains(&module.as_str()) { format!("{module}_tag") } else { module }
}

/// The longest tag module (and so `operations/<module>.rs` file stem) made from a tag.
const MAX_MODULE_LEN: usize = 64;

/// The cargo feature of a tag module: its words in kebab case (`mongodb-cloud-users`).
pub fn tag_feature(module: &str) -> String {
    module.replace('_', "-")
}

/// A tag's words, lower case, split at anything that is not a letter or digit. Unlike heck,
/// `MongoDB` stays one word.
fn tag_words(tag: &str) -> Vec<String> {
    tag.split(|c: char| !c.is_ascii_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_ascii_lowercase).collect()
}

/// The method that streams every page of a paginated operation: `list_group_users_stream`.
pub fn stream_fn(fn_name: &str) -> String {
    format!("{}_stream", fn_name.trim_start_matches("r#"))
}

/// The struct that a union's catch-all holds when its variants share fields:
/// `UnknownGroupUserResponse`.
pub fn unknown_variant_struct(union: &str) -> String {
    format!("Unknown{union}")
}

/// A union variant is named after the type it holds: `Cluster`, `String`, `Integer`, `List`.
pub fn union_variant_name(ty: &crate::ir::Ty, type_name: &dyn Fn(crate::ir::TypeId) -> String) -> String {
    use crate::ir::Ty;
    match ty {
        Ty::Named(id) => type_name(*id),
        Ty::Id(name) => name.clone(),
        Ty::String => "String".to_owned(),
        Ty::Bool => "Boolean".to_owned(),
        Ty::I32 | Ty::I64 => "Integer".to_owned(),
        Ty::F64 => "Number".to_owned(),
        Ty::DateTime => "DateTime".to_owned(),
        Ty::Json => "Json".to_owned(),
        Ty::Vec(inner) => format!("{}List", union_variant_name(inner, type_name)),
        Ty::Map(inner) => format!("{}Map", union_variant_name(inner, type_name)),
        Ty::Option(inner) => union_variant_name(inner, type_name),
    }
}

/// Names for enum values made only of symbols, which case conversion would erase.
const SYMBOLS: &[(&str, &str)] = &[
    ("<=", "LessOrEqual"),
    (">=", "GreaterOrEqual"),
    ("!=", "NotEqual"),
    ("==", "Equal"),
    ("<", "Less"),
    (">", "Greater"),
    ("=", "Equal"),
    ("+", "Plus"),
    ("-", "Minus"),
    ("*", "Star"),
    ("/", "Slash"),
    ("%", "Percent"),
    ("&", "And"),
    ("|", "Or"),
    ("!", "Not"),
    ("~", "Tilde"),
    (".", "Dot"),
    (":", "Colon"),
    ("@", "At"),
    ("#", "Hash"),
    ("$", "Dollar"),
    ("^", "Caret"),
    ("?", "Question"),
];

/// Hoisted inline schemas are named after where they first appear: `GroupInvitationRoles`.
pub fn hoisted_name(parent: &str, field: &str) -> String {
    format!("{parent}{}", type_name(field))
}

#[cfg(test)]
mod tests {
    /// The shortcut for one-case words writes what heck writes.
    #[test]
    fn one_case_words_are_written_as_heck_writes_them() {
        use heck::ToUpperCamelCase;
        for part in ["GROUP", "group", "G", "g", "OWNER", "readonly", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "x"] {
            let mut name = String::new();
            super::push_upper_camel(&mut name, part);
            assert_eq!(name, part.to_upper_camel_case(), "{part}");
        }
    }

    use super::*;

    /// Emit's templates mark placeholders with two leading underscores (`emit/template.rs`):
    /// no name made here may start with them, or a filled-in name could be filled again.
    #[test]
    fn no_name_starts_like_a_template_placeholder() {
        for raw in ["__name", "__Name", "_", "__", "__0", "___x__"] {
            for name in [type_name(raw), value_name(raw), variant_name(raw), stream_fn(&value_name(raw)), tag_module(raw)] {
                assert!(!name.trim_start_matches("r#").starts_with("__"), "{raw:?} -> {name:?}");
            }
        }
    }

    #[test]
    fn role_properties_by_their_words() {
        for name in ["roles", "roleName", "groupRole", "orgRoles", "postAuthRoleGrants", "ROLES", "user-role"] {
            assert!(is_role_property(name), "{name}");
        }
        // `role` inside a longer word, or not there at all.
        for name in ["controller", "roleplay", "enrolment", "patrolEnabled", "name", "rol", ""] {
            assert!(!is_role_property(name), "{name}");
        }
    }

    #[test]
    fn types_fields_and_functions() {
        assert_eq!(type_name("GroupInvitation"), "GroupInvitation");
        assert_eq!(type_name("groupId"), "GroupId");
        assert_eq!(type_name("Error"), "ErrorType");
        assert_eq!(value_name("errorCode"), "error_code");
        assert_eq!(value_name("updateGroupInviteById"), "update_group_invite_by_id");
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("2fa"), "n2fa");
    }

    #[test]
    fn variants_from_values_that_are_not_identifiers() {
        assert_eq!(variant_name("GROUP_READ_ONLY"), "GroupReadOnly");
        assert_eq!(variant_name("M10"), "M10");
        assert_eq!(variant_name("3.6"), "V3_6");
        assert_eq!(variant_name("us-east-1"), "UsEast1");
        assert_eq!(variant_name("lower case"), "LowerCase");
        assert_eq!(variant_name("SELF"), "SelfValue");
        assert_eq!(variant_name("<"), "Less");
        assert_eq!(variant_name(">="), "GreaterOrEqual");
        assert_eq!(variant_name(""), "V");
        assert_eq!(catch_all_variant(&["Unknown".into()]), "UnknownValue");
        let (pending, active, both) = (["PENDING".to_owned()], ["ACTIVE".to_owned()], ["A".to_owned(), "B".to_owned()]);
        assert_eq!(variants_by_tag(&[&pending, &active]), Some(vec!["Pending".to_owned(), "Active".to_owned()]));
        assert_eq!(variants_by_tag(&[&pending, &both]), None, "a variant with two tags keeps its type's name");
        assert_eq!(variants_by_tag(&[&pending, &pending]), None, "names stay distinct");
        assert_eq!(numbered("group_id".into(), |c| c == "group_id"), "group_id_2");
        assert_eq!(numbered("r#type".into(), |c| c == "r#type"), "type_2");
        assert_eq!(numbered("Ab".into(), |c| c == "Ab" || c == "Ab2"), "Ab3");
        assert_eq!(numbered("V3_6".into(), |c| c == "V3_6"), "V3_6_2");
        assert_eq!(tag_module("MongoDB Cloud Users"), "mongodb_cloud_users");
        assert_eq!(tag_feature(&tag_module("Cloud Backups")), "cloud-backups");
        assert_eq!(tag_feature(&tag_module("X.509 Authentication")), "x-509-authentication");
        let long = ["Word"; 70].join(" ");
        assert!(tag_module(&long).len() <= MAX_MODULE_LEN && tag_module(&long).starts_with("word_word"), "cut at a word");
        assert_eq!(tag_module(&"x".repeat(300)).len(), MAX_MODULE_LEN, "one long word is cut");
        assert_eq!(variant_name(" "), "U0020");
        assert_eq!(variant_name("\t"), "U0009");
        assert_eq!(variant_name(" \t"), "U0020U0009");
        assert_eq!(variant_name(" < "), "Less");
        assert_eq!(numbered("self_".into(), |c| c == "self_"), "self_2", "no doubled underscore");
        assert_eq!(tag_module(""), "untagged");
    }

    #[test]
    fn union_variants_and_role_properties() {
        use crate::ir::{Ty, TypeId};
        let type_name = |id: TypeId| ["Cluster", "GroupPendingUser", "GroupActiveUser"][id.0 as usize].to_owned();
        let held = [Ty::Named(TypeId(0)), Ty::String, Ty::String, Ty::Vec(Box::new(Ty::I64))];
        assert_eq!(union_variants(&held, None, &type_name), ["Cluster", "String", "String2", "IntegerList"]);
        let (pending, active) = (["PENDING".to_owned()], ["ACTIVE".to_owned()]);
        let tagged = [Ty::Named(TypeId(1)), Ty::Named(TypeId(2))];
        assert_eq!(union_variants(&tagged, Some(&[&pending, &active]), &type_name), ["Pending", "Active"]);
        for role in ["roles", "role", "roleName", "groupRole", "orgRoles", "postAuthRoleGrants", "ROLE_NAME"] {
            assert!(is_role_property(role), "{role} holds roles");
        }
        for other in ["eventTypeName", "controller", "rolex", "patrolled"] {
            assert!(!is_role_property(other), "{other} does not hold roles");
        }
    }
}
