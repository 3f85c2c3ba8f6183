//! `models.rs` and `roles.rs`: one struct per object schema, one enum per distinct value set.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::syntax::{self, Paths, doc_literal, gate, gate_attr, ident, module_of, module_preamble};
use crate::ir::{Access, Api, Module, Struct, Ty, TypeDef};

/// The whole module: `roles.rs`, or `models.rs` in one piece.
pub fn emit(api: &Api, module: Module) -> syn::File {
    let count = types_of(api, module).count();
    emit_part(api, module, 0..count)
}

/// The types of `module`, in the order the file lists them.
fn types_of(api: &Api, module: Module) -> impl Iterator<Item = &TypeDef> {
    api.types.values().filter(move |def| match def {
        TypeDef::Enum(e) => e.module == module,
        TypeDef::Struct(_) | TypeDef::Union(_) => module == Module::Models,
    })
}

/// About how many lines of formatted code a type makes: what balances the parts of
/// `models.rs`, and the jobs across workers.
pub(crate) fn weight(def: &TypeDef) -> usize {
    match def {
        TypeDef::Struct(s) => 6 + 4 * s.fields.len(),
        TypeDef::Enum(e) => 20 + 4 * e.variants.len(),
        TypeDef::Union(u) => 40 + 10 * u.variants.len() + 8 * u.shared.len(),
    }
}

/// The weight of the types `range` of `module`, in [`types_of`] order.
pub(crate) fn weight_of(api: &Api, module: Module, range: std::ops::Range<usize>) -> usize {
    types_of(api, module).skip(range.start).take(range.len()).map(weight).sum()
}

/// `models.rs` cut into consecutive runs of types of about equal size, so that the parts can
/// be emitted and formatted in parallel; the concatenation of the parts is the file. The cut
/// depends only on the IR, never on the machine.
pub fn parts(api: &Api) -> Vec<std::ops::Range<usize>> {
    /// About this many lines of formatted code per part.
    const PART_WEIGHT: usize = 1500;
    let mut parts = Vec::new();
    let (mut start, mut filled) = (0, 0);
    let mut count = 0;
    for (index, def) in types_of(api, Module::Models).enumerate() {
        filled += weight(def);
        count = index + 1;
        if filled >= PART_WEIGHT {
            parts.push(start..count);
            (start, filled) = (count, 0);
        }
    }
    if start < count || parts.is_empty() {
        parts.push(start..count);
    }
    parts
}

/// The types `range` of `module` (counted in [`types_of`] order); the part that starts at the
/// first type also carries the module's documentation and imports.
pub fn emit_part(api: &Api, module: Module, range: std::ops::Range<usize>) -> syn::File {
    let mut file = syn::File { shebang: None, attrs: Vec::new(), items: Vec::new() };
    if range.start == 0 {
        let module_doc = match module {
            Module::Models => module_preamble(&format!(
                "The request and response bodies of {}, one struct per schema.\n\nFields keep the spec's wire names through `#[serde(rename)]`; optional fields are `Option` and left out when `None`; fields this crate does not know are ignored when decoding.",
                api.title
            )),
            Module::Roles => module_preamble(
                "Role names, one enum per distinct set of values in the spec.\n\nEach enum converts to and from the exact wire string (`Display`, `FromStr`, serde) and keeps values it does not know in a catch-all variant, so a role that a newer Atlas sends still decodes and round-trips.",
            ),
        };
        let imports = imports(api, module);
        file = syn::parse2(quote!(#module_doc #imports)).expect("the module preamble parses");
    }
    for def in types_of(api, module).skip(range.start).take(range.len()) {
        match def {
            TypeDef::Struct(s) => file.items.push(emit_struct(api, s)),
            TypeDef::Enum(e) => super::enums::emit(api, e, &mut file.items),
            TypeDef::Union(u) => super::unions::emit(api, u, &mut file.items),
        }
    }
    file
}

/// `use` lines for the ID and role types this module's structs refer to.
fn imports(api: &Api, module: Module) -> TokenStream {
    if module != Module::Models {
        return quote!();
    }
    let mut ids = BTreeSet::new();
    let mut roles = BTreeSet::new();
    for def in api.types.values() {
        match def {
            TypeDef::Struct(s) => {
                s.fields.iter().for_each(|field| collect(api, &field.ty, &mut ids, &mut roles));
                s.rest.iter().for_each(|rest| collect(api, &rest.values, &mut ids, &mut roles));
            }
            TypeDef::Union(u) => u.variants.iter().for_each(|variant| collect(api, &variant.ty, &mut ids, &mut roles)),
            TypeDef::Enum(_) => {}
        }
    }
    let ids = ids.iter().map(|name| ident(name));
    // With only some tags' features on, the types that use an import may all be left out.
    let allow = (!api.gates.is_empty())
        .then(|| quote!(#[allow(unused_imports, reason = "the features may leave out every type that uses it")]));
    let ids = if ids.len() > 0 { quote!(#allow use crate::ids::{#(#ids),*};) } else { quote!() };
    // A role enum only some tags reach is imported under its own `#[cfg]`.
    let roles = roles.iter().map(|name| {
        let gate = gate(api, name);
        let name = ident(name);
        quote!(#gate #allow use crate::roles::#name;)
    });
    let roles = quote!(#(#roles)*);
    quote!(#ids #roles)
}

fn collect<'a>(api: &'a Api, ty: &'a Ty, ids: &mut BTreeSet<&'a str>, roles: &mut BTreeSet<&'a str>) {
    match ty {
        Ty::Id(name) => {
            ids.insert(name);
        }
        Ty::Named(id) if module_of(api, api.type_name(*id)) == Module::Roles => {
            roles.insert(api.type_name(*id));
        }
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => collect(api, inner, ids, roles),
        _ => {}
    }
}

/// A struct, built as a syntax tree (see `syntax`): its docs, its `#[cfg]` gate, its derives
/// and one field per property, each with its docs and serde attributes.
fn emit_struct(api: &Api, s: &Struct) -> syn::Item {
    let mut attrs = Vec::new();
    syntax::doc_attrs(s.doc.as_deref().unwrap_or(&format!("The `{}` schema.", s.name)), &mut attrs);
    attrs.extend(gate_attr(api, &s.name));
    let all_optional = s.fields.iter().all(|field| !field.required || field.nullable);
    let default = all_optional.then(|| quote!(Default,));
    attrs.push(syntax::list_attr("derive", quote!(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)));
    let mut fields: Vec<syn::Field> = s.fields.iter().map(|field| emit_field(api, field)).collect();
    if let Some(rest) = &s.rest {
        let mut attrs = vec![syntax::doc_attr(doc_literal("Every other property, as it was sent."))];
        attrs.push(syntax::list_attr("serde", quote!(flatten)));
        let map = syntax::ty(api, &Ty::Map(Box::new(rest.values.clone())), Paths::Bare);
        fields.push(syntax::named_field(attrs, &rest.name, map));
    }
    syn::Item::Struct(syn::ItemStruct {
        attrs,
        vis: syn::Visibility::Public(Default::default()),
        struct_token: Default::default(),
        ident: ident(&s.name),
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed { brace_token: Default::default(), named: fields.into_iter().collect() }),
        semi_token: None,
    })
}

/// One field of a model struct: docs, the read/write-only note, serde's rename and defaults.
fn emit_field(api: &Api, field: &crate::ir::Field) -> syn::Field {
    let mut attrs = Vec::new();
    syntax::doc_attrs(
        field.doc.as_deref().unwrap_or(&format!("The {} property.", crate::docs::code_span(&field.wire_name))),
        &mut attrs,
    );
    let direction = match field.access {
        Access::ReadOnly => Some(" Read-only: Atlas sets it in responses; a request leaves it out."),
        Access::WriteOnly => Some(" Write-only: sent in requests; Atlas never returns it."),
        Access::ReadWrite => None,
    };
    if let Some(note) = direction {
        attrs.push(syntax::doc_attr(syntax::string_literal("")));
        attrs.push(syntax::doc_attr(syntax::string_literal(note)));
    }
    let ty = syntax::ty(api, &field.ty, Paths::Bare);
    let ty = if field.boxed { syntax::generic(&["Box"], [ty]) } else { ty };
    let unraw = field.name.trim_start_matches("r#");
    let rename = (unraw != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote!(rename = #wire,)
    });
    let option = |ty| syntax::generic(&["Option"], [ty]);
    let ty = if field.required && !field.nullable {
        if let Some(rename) = rename {
            attrs.push(syntax::list_attr("serde", rename));
        }
        ty
    } else if field.required {
        // Always on the wire, possibly `null`: `None` is sent as `null`, not left out.
        attrs.push(syntax::list_attr("serde", quote!(#rename default)));
        option(ty)
    } else if field.nullable {
        // Absent, `null` or a value: `None` is left out, `Some(Nullable::Null)` sent as `null`.
        attrs.push(syntax::doc_attr(syntax::string_literal("")));
        attrs.push(syntax::doc_attr(syntax::string_literal(
            " `Some(Nullable::Null)` is `null` on the wire; `None` leaves the property out.",
        )));
        attrs.push(syntax::list_attr(
            "serde",
            quote!(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::Nullable::deserialize_field"),
        ));
        option(syntax::generic(&["crate", "Nullable"], [ty]))
    } else {
        attrs.push(syntax::list_attr("serde", quote!(#rename default, skip_serializing_if = "Option::is_none")));
        option(ty)
    };
    syntax::named_field(attrs, &field.name, ty)
}
