//! Validation shared by the generated ID types (`GroupId`, `OrgId`, `InvitationId`, ...).

use std::fmt;

/// How many characters of a rejected input an error repeats: enough to recognise the
/// value, not enough to flood a log with whatever a caller passed in.
const ECHO_CHARS: usize = 40;

/// The error returned when a string is not a valid Atlas ID.
///
/// Atlas IDs are 24 lowercase hexadecimal characters. Refusing anything else before a
/// request is built guarantees that an ID pushed into a URL path cannot change the path.
/// It converts into [`Error::InvalidArgument`](crate::Error::InvalidArgument) with `?`.
///
/// Its message names the ID type and what is wrong (each ID type's own example parses one;
/// this one stays text, since the runtime is built into crates without a `GroupId`):
///
/// ```text
/// invalid GroupId "../x": expected 24 lowercase hexadecimal characters, got 4 characters
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {type_name} {input:?}: expected 24 lowercase hexadecimal characters, {reason}")]
pub struct ParseIdError {
    type_name: &'static str,
    /// The rejected value, cut to `ECHO_CHARS` characters.
    input: String,
    reason: Reason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Reason {
    Length { chars: usize },
    Character { found: char, index: usize },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { chars } => write!(f, "got {chars} characters"),
            Self::Character { found, index } => {
                write!(f, "found {found:?} at index {index}")
            }
        }
    }
}

/// Checks that `value` is an Atlas ID: exactly 24 characters, each in `[0-9a-f]`.
///
/// `type_name` names the ID type in the error message.
#[allow(dead_code, reason = "a spec without ID types does not call it")]
pub(crate) fn check_hex24(type_name: &'static str, value: &str) -> Result<(), ParseIdError> {
    let reject = |reason| ParseIdError { type_name, input: echo(value), reason };
    let chars = value.chars().count();
    if chars != 24 {
        return Err(reject(Reason::Length { chars }));
    }
    match value.chars().enumerate().find(|&(_, c)| !matches!(c, '0'..='9' | 'a'..='f')) {
        Some((index, found)) => Err(reject(Reason::Character { found, index })),
        None => Ok(()),
    }
}

/// The start of a rejected value, or a placeholder when it looks like an email address
/// (a username passed where an ID belongs): errors end up in logs, personal data should not.
fn echo(value: &str) -> String {
    if value.contains('@') {
        return "[an email address]".to_owned();
    }
    match value.char_indices().nth(ECHO_CHARS) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::check_hex24;

    fn message(value: &str) -> String {
        check_hex24("GroupId", value).unwrap_err().to_string()
    }

    #[test]
    fn accepts_24_lowercase_hex() {
        assert_eq!(check_hex24("GroupId", "32b6e34b3d91647abb20e7b8"), Ok(()));
        assert_eq!(check_hex24("GroupId", "0123456789abcdef01234567"), Ok(()));
    }

    #[test]
    fn rejects_wrong_length() {
        assert_eq!(message("../x"), r#"invalid GroupId "../x": expected 24 lowercase hexadecimal characters, got 4 characters"#);
        assert!(message("").ends_with("got 0 characters"));
        assert!(message("32b6e34b3d91647abb20e7b8a").ends_with("got 25 characters"));
    }

    #[test]
    fn rejects_characters_outside_lowercase_hex() {
        assert_eq!(
            message("32B6e34b3d91647abb20e7b8"),
            r#"invalid GroupId "32B6e34b3d91647abb20e7b8": expected 24 lowercase hexadecimal characters, found 'B' at index 2"#
        );
        assert!(message("32b6e34b3d91647abb20e7/.").ends_with("found '/' at index 22"));
        // 24 bytes but only 12 characters: counted as characters, never split mid-char.
        assert!(message("éééééééééééé").ends_with("got 12 characters"));
        assert!(message("ééééééééééééééééééééééé1").ends_with("found 'é' at index 0"));
    }

    #[test]
    fn echoes_at_most_forty_characters_escaped() {
        let long = format!("{}\n{}", "x".repeat(50), "é".repeat(1000));
        let truncated = message(&long);
        assert!(truncated.starts_with(&format!("invalid GroupId \"{}…\":", "x".repeat(40))), "{truncated}");
        assert!(truncated.len() < 200, "{truncated}");

        let email = message("jane@example.com");
        assert!(email.starts_with(r#"invalid GroupId "[an email address]":"#) && !email.contains("jane"), "{email}");

        let control = message("a\nb");
        assert!(control.starts_with(r#"invalid GroupId "a\nb":"#), "{control}");
    }
}
