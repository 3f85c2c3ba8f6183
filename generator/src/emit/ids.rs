//! `ids.rs`: validated identifier newtypes, one per 24-hex path parameter.

use proc_macro2::TokenStream;
use quote::quote;

use super::syntax::{doc_literal, docs, ident, module_preamble};
use crate::ir::{Api, IdType};

/// The doc example of an ID type: authored, and a doc test, so never through `docs`, which
/// makes spec code blocks `text`.
fn example_doc(type_name: &str, example: &str) -> String {
    format!(
        "\n# Examples\n\n```rust\nlet id: atlas_admin::{type_name} = \"{example}\".parse()?;\nassert_eq!(id.as_str(), \"{example}\");\nassert!(\"../{example}\".parse::<atlas_admin::{type_name}>().is_err());\n# Ok::<(), atlas_admin::Error>(())\n```"
    )
}

/// `ids.rs`: the module docs, the import, and one newtype per ID type with its parsing,
/// display and serde impls.
pub fn emit(api: &Api) -> TokenStream {
    let module_doc = module_preamble(
        "Identifier types: 24 lowercase hexadecimal characters, checked when parsed or decoded.\n\nA value that does not match is refused before any request is built, so nothing a caller passes can change a request's path.",
    );
    let ids = api.ids.values().map(emit_id);
    let import = (!api.ids.is_empty()).then(|| {
        quote!(
            use crate::ParseIdError;
        )
    });
    quote! {
        #module_doc
        #import
        #(#ids)*
    }
}

fn emit_id(id: &IdType) -> TokenStream {
    let name = ident(&id.name);
    let type_name = &id.name;
    let example = &id.example;
    let spec_doc = docs(id.doc.trim());
    // Authored, and a doc test: never through `docs`, which makes spec code blocks `text`.
    let example = example_doc(type_name, example);
    let example = example.lines().map(doc_literal);
    let doc = quote! { #spec_doc #( #[doc = #example] )* };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #name(String);

        impl #name {
            /// The identifier as it appears in paths and bodies.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for #name {
            type Err = ParseIdError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                crate::runtime::check_hex24(#type_name, value)?;
                Ok(#name(value.to_owned()))
            }
        }

        impl TryFrom<String> for #name {
            type Error = ParseIdError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                crate::runtime::check_hex24(#type_name, &value)?;
                Ok(#name(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                #name::try_from(value).map_err(serde::de::Error::custom)
            }
        }
    }
}
