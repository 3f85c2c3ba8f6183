//! The unions of `models.rs` (`oneOf`/`anyOf` schemas): the enum, a variant per schema and
//! the catch-all; a method per field every variant shares; `Serialize` and `Deserialize`.
//!
//! The enum is built as a syntax tree; the rest is filled into templates parsed once per
//! thread (see `template`), with each per-variant part (a match arm, a decoding attempt) cloned from
//! the template's one instance of it.

use quote::quote;
use syn::{Arm, Expr, ImplItem, Item, Stmt};

use super::syntax::{self, Paths, call, field, gate_attr, ident, method_call, reference, reference_expr, variable};
use super::template::{self, Fill, fill_arm, fill_expr, fill_impl_item, fill_item, fill_stmts};
use crate::ir::{Api, SharedField, Ty, TypeDef, Union, UnionVariant};

/// The parts of a union's items that do not depend on the union. What repeats per variant is
/// a template of its own, filled per variant into the placeholder of the whole (`__arms`,
/// `__attempts`, `__decode`).
struct Templates {
    /// `impl Serialize`: a match of the variants' arms and the catch-all's.
    serialize: Item,
    /// The arm of `serialize` for a variant (`__Variant`).
    serialize_arm: Arm,
    /// `impl Deserialize`: the value read, then the decoding statements.
    deserialize: Item,
    /// The statements of `deserialize` after the value is read.
    decode: DecodeTemplates,
    /// `impl __Name {}`, for the accessors.
    accessors: Item,
    /// An accessor: a match of the variants' arms and the catch-all's.
    accessor: ImplItem,
    /// The arm of an accessor for a variant.
    accessor_arm: Arm,
}

/// The ways a union decodes, each with what repeats per variant.
struct DecodeTemplates {
    /// Decoding by the discriminator: a match of the variants' arms and the fallback.
    by_tag: Vec<Stmt>,
    /// The arm of `by_tag` for a variant, selected by its tags (`__tags`).
    by_tag_arm: Arm,
    /// Decoding untagged variants by the most known fields: the attempts, then the best.
    scored: Vec<Stmt>,
    /// The attempt of `scored` for a variant, scored by its fields (`__fields`).
    scored_attempt: Stmt,
    /// `fits`, which `scored` binds (`__fits`) when a variant has enum properties.
    fits: Vec<Stmt>,
    /// An attempt (`__attempt`) made only when the variant's enum properties (`__enums`)
    /// hold values they list.
    fitting: Stmt,
    /// Decoding untagged variants, the first that accepts: the attempts, then the fallback.
    first: Vec<Stmt>,
    /// The attempt of `first` for a variant.
    first_attempt: Stmt,
    /// What a value no variant takes becomes: the catch-all's struct, or the JSON value.
    unknown_struct: Expr,
    unknown_json: Expr,
}

impl Templates {
    fn new() -> Templates {
        Templates {
            serialize: template::parse(quote! {
                impl serde::Serialize for __Name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        match self {
                            __arms => unreachable!(),
                            __Name::__CatchAll(value) => serde::Serialize::serialize(value, serializer),
                        }
                    }
                }
            }),
            serialize_arm: template::parse(quote!(__Name::__Variant(inner) => serde::Serialize::serialize(inner, serializer),)),
            deserialize: template::parse(quote! {
                impl<'de> serde::Deserialize<'de> for __Name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                        __decode;
                    }
                }
            }),
            decode: DecodeTemplates::new(),
            accessors: template::parse(quote!(impl __Name {})),
            accessor: template::parse(quote! {
                pub fn __method(&self) -> __Ret {
                    match self {
                        __arms => unreachable!(),
                        __Name::__CatchAll(inner) => __read,
                    }
                }
            }),
            accessor_arm: template::parse(quote!(__Name::__Variant(inner) => __read,)),
        }
    }
}

impl DecodeTemplates {
    fn new() -> DecodeTemplates {
        DecodeTemplates {
            by_tag: template::statements(quote! {
                let decoded = match value.get(__property).and_then(serde_json::Value::as_str) {
                    __arms => unreachable!(),
                    _ => return __unknown,
                };
                decoded.map_err(serde::de::Error::custom)
            }),
            by_tag_arm: template::parse(
                quote!(Some(__tags) => serde_json::from_value(value).map(|inner| __Name::__Variant(__held)),),
            ),
            scored: template::statements(quote! {
                let keys: Vec<&str> = value.as_object().map(|object| object.keys().map(String::as_str).collect()).unwrap_or_default();
                __fits;
                let mut best: Option<(usize, __Name)> = None;
                __attempts;
                match best {
                    Some((_, variant)) => Ok(variant),
                    None => __unknown,
                }
            }),
            scored_attempt: template::parse(quote! {
                if let Ok(inner) = <__Ty as serde::Deserialize>::deserialize(&value) {
                    let known = keys.iter().filter(|key| __fields.contains(key)).count();
                    if best.as_ref().is_none_or(|(score, _)| known > *score) {
                        best = Some((known, __Name::__Variant(__held)));
                    }
                }
            }),
            // A variant is ruled out when one of its enum properties holds a value it does not
            // list: its own catch-all would take what another variant names.
            fits: template::statements(quote! {
                let fits = |enums: &[(&str, &[&str])]| {
                    enums.iter().all(|(key, allowed)| {
                        value.get(key).and_then(serde_json::Value::as_str).is_none_or(|held| allowed.contains(&held))
                    })
                };
            }),
            // No `let` chain with the attempt: the crate's MSRV (1.85) predates them.
            fitting: template::parse(quote! {
                if fits(&__enums) {
                    __attempt;
                }
            }),
            first: template::statements(quote! {
                __attempts;
                __unknown
            }),
            first_attempt: template::parse(quote! {
                if let Ok(inner) = <__Ty as serde::Deserialize>::deserialize(&value) {
                    return Ok(__Name::__Variant(__held));
                }
            }),
            unknown_struct: template::parse(quote! {
                serde_json::from_value::<__Unknown>(value)
                    .map(|inner| __Name::__CatchAll(Box::new(inner)))
                    .map_err(serde::de::Error::custom)
            }),
            unknown_json: template::parse(quote!(Ok(__Name::__CatchAll(value)))),
        }
    }
}

/// The union's items: the enum, the accessors (when it has shared fields), `Serialize` and
/// `Deserialize`, each under the union's `#[cfg]` gate.
pub(super) fn emit(api: &Api, u: &Union, items: &mut Vec<Item>) {
    TEMPLATES.with(|templates| emit_with(api, u, templates, items));
}

thread_local! {
    /// Parsed once per thread (syntax trees cannot cross threads).
    static TEMPLATES: Templates = Templates::new();
}

fn emit_with(api: &Api, u: &Union, templates: &Templates, items: &mut Vec<Item>) {
    let gate = gate_attr(api, &u.name);
    let name_fills = || [("__Name", Fill::Ident(ident(&u.name))), ("__CatchAll", Fill::Ident(ident(&u.catch_all)))];
    items.push(enum_item(api, u, gate.clone()));

    if !u.shared.is_empty() {
        let mut accessors = templates.accessors.clone();
        fill_item(&mut accessors, &mut name_fills());
        let Item::Impl(block) = &mut accessors else { unreachable!("the accessors' template is an impl") };
        block.attrs.extend(gate.clone());
        block.items = u.shared.iter().map(|field| accessor(api, u, templates, field)).collect();
        items.push(accessors);
    }

    let mut serialize = templates.serialize.clone();
    let variant_arms: Vec<Arm> = u
        .variants
        .iter()
        .map(|v| filled_arm(&templates.serialize_arm, &mut [("__Variant", Fill::Ident(ident(&v.name)))]))
        .collect();
    fill_item(&mut serialize, &mut [("__arms", Fill::Arms(variant_arms))]);
    fill_item(&mut serialize, &mut name_fills());
    with_gate(&mut serialize, gate.clone());
    items.push(serialize);

    let mut deserialize = templates.deserialize.clone();
    fill_item(&mut deserialize, &mut [("__decode", Fill::Stmts(decode(api, u, &templates.decode)))]);
    fill_item(&mut deserialize, &mut name_fills());
    with_gate(&mut deserialize, gate);
    items.push(deserialize);
}

/// `pub enum`: the union's docs and how it decodes, a variant per schema and the catch-all.
fn enum_item(api: &Api, u: &Union, gate: Option<syn::Attribute>) -> Item {
    let mut attrs = Vec::new();
    syntax::doc_attrs(u.doc.as_deref().unwrap_or(&format!("One of the schemas `{}` can be.", u.name)), &mut attrs);
    attrs.push(syntax::doc_attr(syntax::string_literal("")));
    attrs.push(syntax::doc_attr(syntax::string_literal(&how(api, u))));
    attrs.extend(gate);
    attrs.push(syntax::list_attr("derive", quote!(Debug, Clone, PartialEq)));
    let variant =
        |doc: &str, name: &str, held: syn::Type| syntax::variant(syntax::string_literal(doc), name, syntax::tuple_fields(held));
    let mut variants: syn::punctuated::Punctuated<syn::Variant, syn::Token![,]> = u
        .variants
        .iter()
        .map(|v| {
            let doc = match v.tags.as_slice() {
                [] => format!(" A `{}`.", v.name),
                tags => format!(
                    " Selected when the discriminator is {}.",
                    tags.iter().map(|t| crate::docs::code_span(t)).collect::<Vec<_>>().join(" or ")
                ),
            };
            // Named variants are boxed: a union of large structs stays small, and may contain itself.
            let ty = syntax::ty(api, &v.ty, Paths::Bare);
            let held = if matches!(v.ty, Ty::Named(_)) { syntax::generic(&["Box"], [ty]) } else { ty };
            variant(&doc, &v.name, held)
        })
        .collect();
    variants.push(match &u.catch_all_struct {
        Some(unknown) => variant(
            " A value whose discriminator this crate does not know: the fields every variant has, and the others as JSON.",
            &u.catch_all,
            syntax::generic(&["Box"], [syntax::plain(&[api.type_name(*unknown)])]),
        ),
        None => variant(
            " A value that matches no variant this crate knows, kept as it was sent.",
            &u.catch_all,
            syntax::plain(&["serde_json", "Value"]),
        ),
    });
    syntax::pub_enum(attrs, &u.name, variants)
}

/// What decoding reads of an untagged variant to choose it: the wire names it knows, and the
/// values each of its enum properties lists.
#[derive(Default)]
struct Shape {
    keys: Vec<String>,
    enums: Vec<(String, Vec<String>)>,
}

/// The shape of each variant that is a struct or a union of them, `None` for the others. A
/// union knows every key its variants know (and its discriminator), so a branch that is a
/// union is scored by them rather than by nothing; it lists the values of a property every
/// variant (and its catch-all's struct) lists values of, so a value none of them lists rules
/// the branch out rather than land in its catch-all.
fn shapes(api: &Api, u: &Union) -> Vec<Option<Shape>> {
    u.variants.iter().map(|v| shape(api, &v.ty, 0)).collect()
}

/// Unions nest in the spec only a few levels deep; the bound keeps a cycle of unions finite.
const SHAPE_DEPTH: usize = 4;

fn shape(api: &Api, ty: &Ty, depth: usize) -> Option<Shape> {
    let Ty::Named(id) = ty else { return None };
    match api.type_def(*id)? {
        TypeDef::Struct(s) => Some(Shape {
            keys: s.fields.iter().map(|f| f.wire_name.clone()).collect(),
            enums: s
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    Ty::Named(id) => match api.type_def(*id) {
                        Some(TypeDef::Enum(e)) => {
                            Some((f.wire_name.clone(), e.variants.iter().map(|v| v.wire.clone()).collect()))
                        }
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
        }),
        TypeDef::Union(inner) if depth < SHAPE_DEPTH => {
            let parts: Vec<Option<Shape>> = inner.variants.iter().map(|v| shape(api, &v.ty, depth + 1)).collect();
            let mut merged = Shape::default();
            for part in parts.iter().flatten() {
                merged.keys.extend(part.keys.iter().cloned());
            }
            merged.keys.extend(inner.discriminator.clone());
            merged.keys.sort();
            merged.keys.dedup();
            merged.enums = listed_by_all(&parts, inner, api, depth);
            (!merged.keys.is_empty()).then_some(merged)
        }
        _ => None,
    }
}

/// The properties every variant of `inner` lists values of, with the values any of them
/// lists (and the tags of the discriminator, which select a variant whatever its enum says).
/// A catch-all struct counts as a variant: it takes the values its own enum does not list
/// only as that enum's `Unknown`. A JSON catch-all does not: a value only it takes is one
/// the union does not know.
fn listed_by_all(parts: &[Option<Shape>], inner: &Union, api: &Api, depth: usize) -> Vec<(String, Vec<String>)> {
    let catch_all = inner.catch_all_struct.map(|id| shape(api, &Ty::Named(id), depth + 1));
    let mut all: Vec<&Shape> = Vec::new();
    for part in parts.iter().chain(catch_all.as_ref()) {
        match part {
            Some(part) => all.push(part),
            None => return Vec::new(),
        }
    }
    let Some((first, rest)) = all.split_first() else { return Vec::new() };
    first
        .enums
        .iter()
        .filter_map(|(key, values)| {
            let mut values = values.clone();
            for other in rest {
                let (_, listed) = other.enums.iter().find(|(other_key, _)| other_key == key)?;
                values.extend(listed.iter().cloned());
            }
            if inner.discriminator.as_ref() == Some(key) {
                values.extend(inner.variants.iter().flat_map(|v| v.tags.iter().cloned()));
            }
            let mut seen = std::collections::BTreeSet::new();
            values.retain(|value| seen.insert(value.clone()));
            Some((key.clone(), values))
        })
        .collect()
}

/// The doc line on how decoding picks the variant.
fn how(api: &Api, u: &Union) -> String {
    match &u.discriminator {
        Some(property) if u.catch_all_struct.is_some() => format!(
            " Decoding picks the variant by the `{property}` property; a value it does not list keeps the fields every variant has."
        ),
        Some(property) => {
            format!(" Decoding picks the variant by the `{property}` property; a value it does not list is kept as JSON.")
        }
        None if shapes(api, u).iter().any(Option::is_some) => " Decoding takes, of the variants that accept the value and list its enum values, the one that knows the most of its fields (the first on a tie); a value none accepts is kept as JSON.".to_owned(),
        None => " Decoding takes the first variant that accepts the value; a value none accepts is kept as JSON.".to_owned(),
    }
}

/// The statements of `deserialize` after the value is read, with `__Name` and `__CatchAll`
/// still to fill. Untagged variants are tried against the borrowed value: nothing is cloned
/// per attempt.
fn decode(api: &Api, u: &Union, templates: &DecodeTemplates) -> Vec<Stmt> {
    let unknown = match &u.catch_all_struct {
        Some(unknown) => {
            let mut expr = templates.unknown_struct.clone();
            fill_expr(&mut expr, &mut [("__Unknown", Fill::Ident(ident(api.type_name(*unknown))))]);
            expr
        }
        None => templates.unknown_json.clone(),
    };
    let mut statements = match &u.discriminator {
        Some(property) => by_tag(u, property, templates),
        None => untagged(api, u, templates),
    };
    fill_stmts(&mut statements, &mut [("__unknown", Fill::Expr(unknown))]);
    statements
}

/// What a variant holds: `Box::new(inner)` for a named type, else `inner`.
fn held(v: &UnionVariant) -> Expr {
    if matches!(v.ty, Ty::Named(_)) { call(&["Box", "new"], [variable("inner")]) } else { variable("inner") }
}

/// Decoding by the discriminator `property`: one arm per tagged variant, matching its tags.
fn by_tag(u: &Union, property: &str, templates: &DecodeTemplates) -> Vec<Stmt> {
    let mut statements = templates.by_tag.clone();
    let arms: Vec<Arm> = u
        .variants
        .iter()
        .filter(|v| !v.tags.is_empty())
        .map(|v| {
            let mut tags: Vec<syn::Pat> = v
                .tags
                .iter()
                .map(|tag| syn::Pat::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(syntax::string_literal(tag)) }))
                .collect();
            let tags = if tags.len() == 1 {
                tags.remove(0)
            } else {
                syn::Pat::Or(syn::PatOr { attrs: Vec::new(), leading_vert: None, cases: tags.into_iter().collect() })
            };
            filled_arm(
                &templates.by_tag_arm,
                &mut [("__tags", Fill::Pat(tags)), ("__Variant", Fill::Ident(ident(&v.name))), ("__held", Fill::Expr(held(v)))],
            )
        })
        .collect();
    fill_stmts(&mut statements, &mut [("__arms", Fill::Arms(arms)), ("__property", Fill::Expr(syntax::str_expr(property)))]);
    statements
}

/// Decoding without a discriminator: each variant attempted in turn, the first that accepts
/// taken, or, when some variant's shape is known, the one that knows the most of the keys.
fn untagged(api: &Api, u: &Union, templates: &DecodeTemplates) -> Vec<Stmt> {
    let shapes = shapes(api, u);
    let scored = shapes.iter().any(Option::is_some);
    // Structs ignore fields they do not know, so several may accept one object: the
    // variant that knows the most of its keys is the better reading.
    let (mut statements, attempt) = if scored {
        (templates.scored.clone(), &templates.scored_attempt)
    } else {
        (templates.first.clone(), &templates.first_attempt)
    };
    let attempts: Vec<Stmt> =
        u.variants.iter().zip(&shapes).map(|(v, shape)| variant_attempt(api, v, shape.as_ref(), attempt, templates)).collect();
    let fits = if shapes.iter().flatten().any(|shape| !shape.enums.is_empty()) { templates.fits.clone() } else { Vec::new() };
    fill_stmts(&mut statements, &mut [("__attempts", Fill::Stmts(attempts)), ("__fits", Fill::Stmts(fits))]);
    statements
}

/// One variant's attempt (`attempt` filled in), made only when its enum properties hold
/// values they list when it has any.
fn variant_attempt(api: &Api, v: &UnionVariant, shape: Option<&Shape>, attempt: &Stmt, templates: &DecodeTemplates) -> Stmt {
    let (keys, enums) = match shape {
        Some(shape) => (shape.keys.as_slice(), shape.enums.as_slice()),
        None => (&[][..], &[][..]),
    };
    let fields = array(keys.iter().map(|key| syntax::str_expr(key)));
    let mut attempt = attempt.clone();
    template::fill_stmt(
        &mut attempt,
        &mut [
            ("__Ty", Fill::Type(syntax::ty(api, &v.ty, Paths::Bare))),
            ("__Variant", Fill::Ident(ident(&v.name))),
            ("__held", Fill::Expr(held(v))),
            ("__fields", Fill::Expr(fields)),
        ],
    );
    if enums.is_empty() {
        return attempt;
    }
    let enums = array(enums.iter().map(|(key, allowed)| {
        let allowed = reference_expr(array(allowed.iter().map(|value| syntax::str_expr(value))));
        Expr::Tuple(syn::ExprTuple {
            attrs: Vec::new(),
            paren_token: Default::default(),
            elems: [syntax::str_expr(key), allowed].into_iter().collect(),
        })
    }));
    let mut fitting = templates.fitting.clone();
    template::fill_stmt(&mut fitting, &mut [("__enums", Fill::Expr(enums)), ("__attempt", Fill::Stmts(vec![attempt]))]);
    fitting
}

/// `[a, b, ...]`
fn array(elems: impl Iterator<Item = Expr>) -> Expr {
    Expr::Array(syn::ExprArray { attrs: Vec::new(), bracket_token: Default::default(), elems: elems.collect() })
}

/// A method that reads `field` from whichever variant the union holds. The method returns an
/// `Option` when some variant may lack the field; a variant that always has it wraps it.
fn accessor(api: &Api, u: &Union, templates: &Templates, field: &SharedField) -> ImplItem {
    let ty = syntax::ty(api, &field.ty, Paths::Bare);
    let by_value = matches!(field.ty, Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64);
    let borrowed = match &field.ty {
        _ if by_value => ty,
        Ty::String => reference(syntax::plain(&["str"])),
        Ty::Vec(item) => reference(syntax::slice(syntax::ty(api, item, Paths::Bare))),
        _ => reference(ty),
    };
    // Reads the field held as `Option<T>` (`optional`) or `T`, as the borrowed form; one held
    // as `Option<Nullable<T>>` (`null`) reads `null` as `None`.
    let read = |optional: bool, null: bool| {
        let member = field_of_inner(&field.name);
        let nullable = |method: &str| Expr::Path(syntax::path_expr(&["crate", "Nullable", method]));
        match (&field.ty, optional) {
            _ if null && by_value => method_call(member, "and_then", vec![nullable("into_option")]),
            (Ty::String | Ty::Vec(_), _) if null => {
                method_call(method_call(member, "as_ref", Vec::new()), "and_then", vec![nullable("as_deref")])
            }
            _ if null => method_call(method_call(member, "as_ref", Vec::new()), "and_then", vec![nullable("as_option")]),
            _ if by_value => member,
            (_, false) => reference_expr(member),
            (Ty::String | Ty::Vec(_), true) => method_call(member, "as_deref", Vec::new()),
            (_, true) => method_call(member, "as_ref", Vec::new()),
        }
    };
    let (ret, arms, catch_all_read) = if field.required {
        (borrowed, field.optional_in.iter().map(|_| read(false, false)).collect::<Vec<_>>(), read(false, false))
    } else {
        let arms = field
            .optional_in
            .iter()
            .zip(&field.null_in)
            .map(|(optional, null)| {
                let value = read(*optional, *null);
                if *optional { value } else { call(&["Some"], [value]) }
            })
            .collect();
        (syntax::generic(&["Option"], [borrowed]), arms, read(true, field.catch_all_null))
    };
    let mut method = templates.accessor.clone();
    fill_impl_item(
        &mut method,
        &mut [
            ("__method", Fill::Ident(ident(&field.name))),
            ("__Ret", Fill::Type(ret)),
            ("__Name", Fill::Ident(ident(&u.name))),
            ("__CatchAll", Fill::Ident(ident(&u.catch_all))),
        ],
    );
    let ImplItem::Fn(function) = &mut method else { unreachable!("the accessor template is a method") };
    syntax::doc_attrs(field.doc.as_deref().unwrap_or(&format!("The `{}` every variant has.", field.name)), &mut function.attrs);
    let variant_arms: Vec<Arm> = u
        .variants
        .iter()
        .zip(arms)
        .map(|(v, read)| {
            filled_arm(&templates.accessor_arm, &mut [("__Variant", Fill::Ident(ident(&v.name))), ("__read", Fill::Expr(read))])
        })
        .collect();
    // The variants' arms first: each has its own `__read`, the catch-all's is filled after.
    fill_impl_item(&mut method, &mut [("__arms", Fill::Arms(variant_arms))]);
    fill_impl_item(&mut method, &mut [("__Name", Fill::Ident(ident(&u.name))), ("__read", Fill::Expr(catch_all_read))]);
    method
}

/// `inner.<name>`.
fn field_of_inner(name: &str) -> Expr {
    field(variable("inner"), name)
}

/// A copy of `arm` with its placeholders filled.
fn filled_arm(arm: &Arm, fills: &mut [(&str, Fill)]) -> Arm {
    let mut arm = arm.clone();
    fill_arm(&mut arm, fills);
    arm
}

fn with_gate(item: &mut Item, gate: Option<syn::Attribute>) {
    if let Item::Impl(block) = item {
        block.attrs.splice(0..0, gate);
    }
}
