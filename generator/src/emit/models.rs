//! `models.rs` and `roles.rs`: one struct per object schema, one enum per distinct value set.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Paths, doc_literal, gate, gate_attr, gate_text, ident, module_of, module_preamble, syntax, text};
use crate::docs::doc_lines;
use crate::ir::{Access, Api, Module, Struct, Ty, TypeDef};

/// The whole module, printed: `roles.rs`, or `models.rs` in one piece.
pub fn emit(api: &Api, module: Module) -> String {
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

/// The types `range` of `module` (counted in [`types_of`] order), printed as
/// `format::print` prints a file; the part that starts at the first type also carries the
/// module's documentation and imports. Structs and enums are written as text (`text`, blank
/// lines in) where every line fits; the other types, and one with a line to break that
/// `text` leaves alone, are built as syntax trees and printed by prettyplease, in runs, in
/// file order.
pub fn emit_part(api: &Api, module: Module, range: std::ops::Range<usize>) -> String {
    let mut printed = Printed { raw: String::new(), trees: syn::File { shebang: None, attrs: Vec::new(), items: Vec::new() } };
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
        printed.trees = syn::parse2(quote!(#module_doc #imports)).expect("the module preamble parses");
    }
    for def in types_of(api, module).skip(range.start).take(range.len()) {
        match def {
            TypeDef::Struct(s) => match struct_text(api, s) {
                Some(text) => printed.text(&text),
                None => printed.trees.items.push(emit_struct(api, s)),
            },
            TypeDef::Enum(e) => match super::enums::emit_text(api, e) {
                Some(text) => printed.text(&text),
                None => super::enums::emit(api, e, &mut printed.trees.items),
            },
            TypeDef::Union(u) => super::unions::emit(api, u, &mut printed.trees.items),
        }
    }
    printed.flush();
    printed.raw
}

/// A part being printed: what is printed so far (blank lines in), and the trees not yet
/// printed after it.
struct Printed {
    raw: String,
    trees: syn::File,
}

impl Printed {
    /// Appends text written with its blank lines, after the trees waiting before it.
    fn text(&mut self, text: &str) {
        self.flush();
        self.join(text);
    }

    /// Prints the waiting trees: prettyplease prints each item on its own, so a run of items
    /// printed together reads as the same items printed within the whole file.
    fn flush(&mut self) {
        if self.trees.items.is_empty() && self.trees.attrs.is_empty() {
            return;
        }
        // Only the trees hold templates; a placeholder left in one is a generator bug.
        #[cfg(debug_assertions)]
        {
            let left = super::template::placeholders_left(&mut self.trees.clone());
            assert!(left.is_empty(), "generator bug: placeholders left unfilled in a model: {left:?}");
        }
        let printed = crate::format::separate_items(&prettyplease::unparse(&self.trees));
        self.join(&printed);
        self.trees.attrs.clear();
        self.trees.items.clear();
    }

    /// Appends `piece`, with the blank line `format` puts between the two lines that meet.
    fn join(&mut self, piece: &str) {
        let last = self.raw.trim_end_matches('\n').rsplit('\n').next().filter(|line| !line.is_empty());
        if let (Some(last), Some(first)) = (last, piece.lines().next()) {
            if crate::format::blank_after(last, first, &mut false) {
                self.raw.push('\n');
            }
        }
        self.raw.push_str(piece);
    }
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
pub(super) fn emit_struct(api: &Api, s: &Struct) -> syn::Item {
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

/// A struct as [`emit_struct`]'s tree prints, written as text; `None` where a line would
/// need breaking that `text` leaves to prettyplease (a long `#[cfg]`, a type still too long
/// once its arguments are broken).
pub(super) fn struct_text(api: &Api, s: &Struct) -> Option<String> {
    let mut out = String::with_capacity(200 + 200 * s.fields.len());
    let default_doc;
    let doc = match &s.doc {
        Some(doc) => doc.as_str(),
        None => {
            default_doc = format!("The `{}` schema.", s.name);
            &default_doc
        }
    };
    text::doc_lines("", &doc_lines(doc), &mut out);
    if let Some(condition) = gate_text(api, &s.name) {
        let attr = format!("#[cfg({condition})]");
        if !text::fits("", &attr) {
            return None;
        }
        out.push_str(&attr);
        out.push('\n');
    }
    let all_optional = s.fields.iter().all(|field| !field.required || field.nullable);
    out.push_str(if all_optional {
        "#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]\n"
    } else {
        "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]\n"
    });
    if s.fields.is_empty() && s.rest.is_none() {
        out.push_str(&format!("pub struct {} {{}}\n", s.name));
        return Some(out);
    }
    out.push_str(&format!("pub struct {} {{\n", s.name));
    for field in &s.fields {
        field_text(api, field, &mut out)?;
    }
    if let Some(rest) = &s.rest {
        text::doc_line(FIELD, "Every other property, as it was sent.", &mut out);
        text::list_attr(FIELD, "serde", &["flatten"], false, &mut out);
        let map = syntax::ty_text(api, &Ty::Map(Box::new(rest.values.clone())), Paths::Bare);
        if !text::typed_line(FIELD, &format!("pub {}: ", rest.name), &map, ",", &mut out) {
            return None;
        }
    }
    out.push_str("}\n");
    Some(out)
}

/// The indentation of a struct's fields.
const FIELD: &str = "    ";

/// One field as [`emit_field`]'s tree prints, written as text.
fn field_text(api: &Api, field: &crate::ir::Field, out: &mut String) -> Option<()> {
    match &field.doc {
        Some(doc) => text::doc_lines(FIELD, &doc_lines(doc), out),
        None => text::doc_lines(FIELD, &doc_lines(&format!("The {} property.", crate::docs::code_span(&field.wire_name))), out),
    }
    match field.access {
        Access::ReadOnly => text::doc_lines(FIELD, &["", "Read-only: Atlas sets it in responses; a request leaves it out."], out),
        Access::WriteOnly => text::doc_lines(FIELD, &["", "Write-only: sent in requests; Atlas never returns it."], out),
        Access::ReadWrite => {}
    }
    let ty = syntax::ty_text(api, &field.ty, Paths::Bare);
    let ty = if field.boxed { text::Type::generic("Box", vec![ty]) } else { ty };
    let unraw = field.name.trim_start_matches("r#");
    let rename = (unraw != field.wire_name).then(|| format!("rename = {}", text::string_literal(&field.wire_name)));
    let option = |ty| text::Type::generic("Option", vec![ty]);
    let ty = if field.required && !field.nullable {
        if let Some(rename) = &rename {
            // `rename = "..",` as tokens: the trailing comma shows only when broken.
            text::list_attr(FIELD, "serde", &[rename], true, out);
        }
        ty
    } else if field.required {
        let mut args: Vec<&str> = rename.iter().map(String::as_str).collect();
        args.push("default");
        text::list_attr(FIELD, "serde", &args, false, out);
        option(ty)
    } else if field.nullable {
        text::doc_lines(FIELD, &["", "`Some(Nullable::Null)` is `null` on the wire; `None` leaves the property out."], out);
        let mut args: Vec<&str> = rename.iter().map(String::as_str).collect();
        args.extend([
            "default",
            "skip_serializing_if = \"Option::is_none\"",
            "deserialize_with = \"crate::Nullable::deserialize_field\"",
        ]);
        text::list_attr(FIELD, "serde", &args, false, out);
        option(text::Type::generic("crate::Nullable", vec![ty]))
    } else {
        let mut args: Vec<&str> = rename.iter().map(String::as_str).collect();
        args.extend(["default", "skip_serializing_if = \"Option::is_none\""]);
        text::list_attr(FIELD, "serde", &args, false, out);
        option(ty)
    };
    text::typed_line(FIELD, &format!("pub {}: ", field.name), &ty, ",", out).then_some(())
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
        attrs.push(syntax::doc_attr(Literal::string("")));
        attrs.push(syntax::doc_attr(Literal::string(note)));
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
        attrs.push(syntax::doc_attr(Literal::string("")));
        attrs.push(syntax::doc_attr(Literal::string(
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
