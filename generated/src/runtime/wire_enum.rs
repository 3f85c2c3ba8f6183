//! The conversions every generated string enum has, written once.
//!
//! A generated enum (`ProjectRole`, `OrgRole`, and each enum of the models) lists its values
//! in `KNOWN`, maps each to its wire string in `as_str`, and keeps any other string in a
//! catch-all variant. [`wire_enum!`] gives it `Display`, `FromStr` and serde from those two,
//! so the generated file carries one line per enum instead of four impls and a second match.

/// The value of `known` whose wire string is `wire`, if there is one.
///
/// A linear search, as the `match` on a string it replaces compiles to; the enums are small
/// but for a few lists of event types.
pub(crate) fn from_wire<T: Clone>(known: &[T], wire: &str, as_str: fn(&T) -> &str) -> Option<T> {
    known.iter().find(|value| as_str(value) == wire).cloned()
}

/// `wire_enum!(Name, CatchAll)`: `Display`, `FromStr` (infallible) and serde for the generated
/// enum `Name`, whose variant `CatchAll(String)` holds the values `Name::KNOWN` does not list.
#[allow(unused_macros, reason = "a spec without string enums does not call it")]
macro_rules! wire_enum {
    ($name:ident, $catch_all:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(crate::runtime::from_wire(Self::KNOWN, value, Self::as_str)
                    .unwrap_or_else(|| Self::$catch_all(value.to_owned())))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(crate::runtime::from_wire(Self::KNOWN, &value, Self::as_str).unwrap_or(Self::$catch_all(value)))
            }
        }
    };
}
pub(crate) use wire_enum;
