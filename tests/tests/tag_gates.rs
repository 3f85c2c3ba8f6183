//! Per-tag features: a crate built with any set of features compiles only if every type it
//! compiles names only types it compiles too. So a type compiled under some features holds only
//! types compiled under at least those, and an always compiled type holds only always compiled
//! ones. Checked on the IR of every spec in `spec/`, both full upstream specs included, so every
//! tag alone is covered without building ~50 crates (CI builds one tag of each).

use std::collections::BTreeSet;
use std::path::Path;

use generator::ir::{Api, Ty, TypeDef};

/// The named types `ty` names, through collections and options.
fn named<'a>(api: &'a Api, ty: &Ty, out: &mut Vec<&'a str>) {
    match ty {
        Ty::Named(id) => out.push(api.type_name(*id)),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => named(api, inner, out),
        _ => {}
    }
}

/// Every type `def`'s generated code names.
fn held<'a>(api: &'a Api, def: &TypeDef) -> Vec<&'a str> {
    let mut out = Vec::new();
    match def {
        TypeDef::Struct(s) => {
            s.fields.iter().for_each(|field| named(api, &field.ty, &mut out));
            s.rest.iter().for_each(|rest| named(api, &rest.values, &mut out));
        }
        TypeDef::Union(u) => {
            u.variants.iter().for_each(|variant| named(api, &variant.ty, &mut out));
            u.shared.iter().for_each(|field| named(api, &field.ty, &mut out));
            out.extend(u.catch_all_struct.map(|id| api.type_name(id)));
        }
        TypeDef::Enum(_) => {}
    }
    out
}

/// The features that compile `name` (`None`: always compiled).
fn features<'a>(api: &'a Api, name: &str) -> Option<BTreeSet<&'a str>> {
    api.gates.get(name).map(|tags| tags.iter().map(|tag| api.tags[*tag].feature.as_str()).collect())
}

/// Each type that names a type some of its features do not compile, with what it names.
fn violations(api: &Api) -> Vec<String> {
    let mut found = Vec::new();
    for (name, def) in &api.types {
        let outer = features(api, name);
        for inner_name in held(api, def) {
            let inner = features(api, inner_name);
            let compiled = match (&outer, &inner) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(outer), Some(inner)) => outer.is_subset(inner),
            };
            if !compiled {
                found.push(format!("{name} (features {outer:?}) holds {inner_name} (features {inner:?})"));
            }
        }
    }
    found
}

fn lowered(relative: &str) -> Api {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace");
    let text = std::fs::read_to_string(root.join(relative)).unwrap_or_else(|err| panic!("cannot read {relative}: {err}"));
    let input = generator::Input { file: relative, text: &text, release: Some("2025-03-12") };
    generator::to_ir(&input).unwrap_or_else(|diagnostics| panic!("{relative} lowers: {diagnostics}"))
}

#[test]
fn every_type_a_feature_compiles_holds_only_types_that_feature_compiles() {
    for spec in [
        "spec/2025-03-12/invites.yaml",
        "spec/upstream/atlas-api-2025-06-30.yaml",
        "spec/upstream/atlas-api-transformed-2026-08.yaml",
    ] {
        let api = lowered(spec);
        assert!(api.tags.len() > 1, "{spec}: more than one feature, so there are gates to check");
        assert!(!api.gates.is_empty(), "{spec}: some type is gated");
        let found = violations(&api);
        assert!(
            found.is_empty(),
            "{spec}: {} types name types their features do not compile:\n{}",
            found.len(),
            found.join("\n")
        );
    }
}

/// The check itself: a gate taken away from under an always compiled type is found.
#[test]
fn a_type_gated_under_an_always_compiled_one_is_found() {
    let mut api = lowered("spec/2025-03-12/invites.yaml");
    let (holder, inner) = api
        .types
        .iter()
        .filter(|(name, _)| !api.gates.contains_key(*name))
        .find_map(|(name, def)| held(&api, def).first().map(|inner| (name.clone(), inner.to_string())))
        .expect("some always compiled type holds another");
    api.gates.insert(inner.clone(), vec![0]);
    let found = violations(&api);
    assert!(found.iter().any(|line| line.starts_with(&format!("{holder} (features None) holds {inner} "))), "{found:?}");
}
