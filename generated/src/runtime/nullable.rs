//! [`Nullable`]: a value the spec lets be `null`, where `null` means something of its own.

/// A value that may be `null` on the wire, for a property the spec marks `nullable` and does
/// not require: the model's field is `Option<Nullable<T>>`, which keeps the three states apart.
///
/// - `None`: the property is absent; it is left out when sent.
/// - `Some(Nullable::Null)`: the property is `null` (Atlas often reads it as "use the default");
///   it is sent as `null`.
/// - `Some(Nullable::Value(value))`: the property holds a value.
///
/// A property that is required and nullable is an `Option<T>` that is always sent (`None` as
/// `null`); nullable array items and map values are `Option<T>`.
///
/// The crate root re-exports it, with an example, when the spec has such a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// `null` on the wire.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, or `None` for `null`.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }

    /// The value, or `None` for `null`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }

    /// The value dereferenced (`&str` for a `String`), or `None` for `null`.
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.as_option().map(|value| &**value)
    }

    /// Deserializes a field of type `Option<Nullable<T>>` so that `null` is
    /// `Some(Nullable::Null)` (serde alone reads `null` as `None`); used with
    /// `#[serde(default)]`, an absent field stays `None`.
    pub fn deserialize_field<'de, D>(deserializer: D) -> Result<Option<Nullable<T>>, D::Error>
    where
        D: serde::Deserializer<'de>,
        T: serde::Deserialize<'de>,
    {
        <Nullable<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Nullable<T> {
        match value {
            None => Nullable::Null,
            Some(value) => Nullable::Value(value),
        }
    }
}

impl<T> From<Nullable<T>> for Option<T> {
    fn from(value: Nullable<T>) -> Option<T> {
        value.into_option()
    }
}

impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Nullable<T>, D::Error> {
        <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Nullable::from)
    }
}
