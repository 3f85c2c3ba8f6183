//! `ids.rs`: validated identifier newtypes, one per 24-hex path parameter.

use quote::quote;

use super::syntax::{self, doc_literal, ident, module_preamble};
use super::template::{self, Fill};
use crate::ir::{Api, IdType};

/// The doc example of an ID type: authored, and a doc test, so never through `docs`, which
/// makes spec code blocks `text`.
fn example_doc(type_name: &str, example: &str) -> String {
    format!(
        "\n# Examples\n\n```rust\nlet id: atlas_admin::{type_name} = \"{example}\".parse()?;\nassert_eq!(id.as_str(), \"{example}\");\nassert!(\"../{example}\".parse::<atlas_admin::{type_name}>().is_err());\n# Ok::<(), atlas_admin::Error>(())\n```"
    )
}

/// `ids.rs`: the module docs, the import, and one newtype per ID type with its parsing,
/// display and serde impls, filled into a template parsed once per thread.
pub fn emit(api: &Api) -> syn::File {
    let module_doc = module_preamble(
        "Identifier types: 24 lowercase hexadecimal characters, checked when parsed or decoded.\n\nA value that does not match is refused before any request is built, so nothing a caller passes can change a request's path.",
    );
    let mut file: syn::File = template::parse(module_doc);
    if api.ids.is_empty() {
        return file;
    }
    TEMPLATE.with(|template| {
        file.items.push(template.import.clone());
        for id in api.ids.values() {
            file.items.extend(emit_id(id, &template.items));
        }
    });
    file
}

/// The items of one ID type, the documentation on the first (the struct).
fn emit_id(id: &IdType, template: &[syn::Item]) -> Vec<syn::Item> {
    let mut items = template.to_vec();
    let mut attrs = Vec::new();
    syntax::doc_attrs(id.doc.trim(), &mut attrs);
    // Authored, and a doc test: never through `docs`, which makes spec code blocks `text`.
    let example = example_doc(&id.name, &id.example);
    attrs.extend(example.lines().map(|line| syntax::doc_attr(doc_literal(line))));
    for item in &mut items {
        template::fill_item(
            item,
            &mut [("__Name", Fill::Ident(ident(&id.name))), ("__type_name", Fill::Expr(syntax::str_expr(&id.name)))],
        );
    }
    if let Some(syn::Item::Struct(item)) = items.first_mut() {
        attrs.append(&mut item.attrs);
        item.attrs = attrs;
    }
    items
}

/// The import every `ids.rs` with an ID type has, and the items of one ID type.
struct IdTemplate {
    import: syn::Item,
    items: Vec<syn::Item>,
}

thread_local! {
    /// Parsed once per thread (syntax trees cannot cross threads).
    static TEMPLATE: IdTemplate = IdTemplate { import: template::parse(quote!(use crate::ParseIdError;)), items: id_items() };
}

fn id_items() -> Vec<syn::Item> {
    let file: syn::File = template::parse(quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct __Name(String);

        impl __Name {
            /// The identifier as it appears in paths and bodies.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for __Name {
            type Err = ParseIdError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                crate::runtime::check_hex24(__type_name, value)?;
                Ok(__Name(value.to_owned()))
            }
        }

        impl TryFrom<String> for __Name {
            type Error = ParseIdError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                crate::runtime::check_hex24(__type_name, &value)?;
                Ok(__Name(value))
            }
        }

        impl std::fmt::Display for __Name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for __Name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for __Name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for __Name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                __Name::try_from(value).map_err(serde::de::Error::custom)
            }
        }
    });
    file.items
}
