//! Emit: the IR as Rust token streams (and the crate manifest as text), one per file.
//!
//! Emission reads only the IR; every name in it is final. Files are returned in a fixed order.

mod client;
mod ids;
mod lib_rs;
mod manifest;
mod models;
mod operations;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::docs::doc_lines;
use crate::ir::{Api, Module, Ty, TypeDef};

/// One file of the generated crate, before formatting.
pub enum Emitted {
    /// A Rust module: `path` relative to the crate root, and its tokens.
    Rust { path: &'static str, tokens: TokenStream },
    /// Any other file, complete.
    Text { path: &'static str, text: String },
}

/// How one file is emitted.
pub type EmitFile = fn(&Api) -> Emitted;

/// Every file of the crate that the generator owns, in a fixed order. Each entry is
/// independent of the others, so callers may emit them in parallel.
pub const FILES: [EmitFile; 7] = [
    |api| Emitted::Text { path: "Cargo.toml", text: manifest::emit(api) },
    |api| Emitted::Rust { path: "src/lib.rs", tokens: lib_rs::emit(api) },
    |api| Emitted::Rust { path: "src/ids.rs", tokens: ids::emit(api) },
    |api| Emitted::Rust { path: "src/models.rs", tokens: models::emit(api, Module::Models) },
    |api| Emitted::Rust { path: "src/roles.rs", tokens: models::emit(api, Module::Roles) },
    |api| Emitted::Rust { path: "src/operations.rs", tokens: operations::emit(api) },
    |api| Emitted::Rust { path: "src/client_ops.rs", tokens: client::emit(api) },
];

/// Every file of the crate, emitted one after the other.
pub fn emit(api: &Api) -> Vec<Emitted> {
    FILES.iter().map(|file| file(api)).collect()
}

/// An identifier, raw (`r#type`) when the name says so.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc]` attributes for `text`, one per line.
pub(crate) fn docs(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|line| if line.is_empty() { line } else { format!(" {line}") });
    quote! { #( #[doc = #lines] )* }
}

/// `#[doc]` attributes for text the generator wrote itself: no escaping, so intra-doc links work.
pub(crate) fn authored_docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #( #[doc = #lines] )* }
}

/// The start of every generated module: its `//!` documentation, and an attribute that keeps
/// `cargo fmt` away, since prettyplease, not rustfmt, decides the layout of generated code.
pub(crate) fn module_preamble(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|line| if line.is_empty() { line } else { format!(" {line}") });
    quote! {
        #( #![doc = #lines] )*
        #![cfg_attr(rustfmt, rustfmt::skip)]
    }
}

/// The module a named type lives in.
fn module_of(api: &Api, name: &str) -> Module {
    match api.types.get(name) {
        Some(TypeDef::Enum(e)) => e.module,
        _ => Module::Models,
    }
}

/// How types are written: bare inside the model modules, by full path elsewhere.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paths {
    Bare,
    Qualified,
}

/// The Rust type for `ty`.
pub(crate) fn ty_tokens(api: &Api, ty: &Ty, paths: Paths) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Ty::Json => quote!(serde_json::Value),
        Ty::Id(name) => {
            let name = ident(name);
            match paths {
                Paths::Bare => quote!(#name),
                Paths::Qualified => quote!(crate::ids::#name),
            }
        }
        Ty::Named(name) => {
            let module = match module_of(api, name) {
                Module::Models => quote!(models),
                Module::Roles => quote!(roles),
            };
            let name = ident(name);
            match paths {
                Paths::Bare => quote!(#name),
                Paths::Qualified => quote!(crate::#module::#name),
            }
        }
        Ty::Vec(inner) => {
            let inner = ty_tokens(api, inner, paths);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(api, inner, paths);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// The type of an argument passed by reference: `&str` for strings, `&[T]` for lists.
pub(crate) fn borrowed_ty_tokens(api: &Api, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(&str),
        Ty::Vec(inner) => {
            let inner = ty_tokens(api, inner, Paths::Qualified);
            quote!(&[#inner])
        }
        other => {
            let ty = ty_tokens(api, other, Paths::Qualified);
            quote!(&#ty)
        }
    }
}
