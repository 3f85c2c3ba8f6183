//! Emit: the IR as Rust syntax, one `Job` per file or part of `models.rs` (and the crate
//! manifest as text).
//!
//! Emission reads only the IR; every name in it is final. What a spec has many of is built as
//! `syn` trees (`syntax`) or filled into templates parsed once (`template`); the small files
//! are `quote!` tokens that syn parses. Every Rust item is printed once, by prettyplease
//! (`format`). Jobs come in a fixed order.

mod client;
mod enums;
mod ids;
mod lib_rs;
mod manifest;
mod models;
mod operations;
mod requests;
mod sample;
mod signature;
mod syntax;
mod template;
mod unions;
mod wire;

use proc_macro2::TokenStream;

use crate::ir::{Api, Module};

/// One file of the generated crate, before formatting.
pub enum Emitted {
    /// A Rust module: `path` relative to the crate root, and its tokens.
    Rust { path: String, tokens: TokenStream },
    /// A Rust module (or part of one) built as a syntax tree, ready to print.
    Syntax { path: String, file: syn::File },
    /// Any other file, complete.
    Text { path: String, text: String },
}

/// One file to emit. Jobs are independent of each other, so callers may run them in
/// parallel (each on the thread that prints its output: syntax trees and token streams cannot
/// move between threads, text can).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Manifest,
    Lib,
    Ids,
    /// A part of `src/models.rs`: the types `first..end` in file order (see `models::parts`).
    Models {
        first: usize,
        end: usize,
    },
    Roles,
    /// `src/operations/mod.rs`: `OperationInfo`, `OPERATIONS`, the tag modules.
    Operations,
    /// `src/operations/<tag>.rs`: one tag's operations, sans-IO and on `Client`.
    Tag(usize),
}

impl Job {
    pub fn run(self, api: &Api) -> Emitted {
        let emitted = self.emit(api);
        // Only the trees hold templates; a placeholder left in one is a generator bug.
        #[cfg(debug_assertions)]
        if let Emitted::Syntax { path, file } = &emitted {
            let left = template::placeholders_left(&mut file.clone());
            assert!(left.is_empty(), "generator bug: placeholders left unfilled in {path}: {left:?}");
        }
        emitted
    }

    fn emit(self, api: &Api) -> Emitted {
        let rust = |path: &str, tokens| Emitted::Rust { path: path.to_owned(), tokens };
        match self {
            Job::Manifest => Emitted::Text { path: "Cargo.toml".to_owned(), text: manifest::emit(api) },
            Job::Lib => rust("src/lib.rs", lib_rs::emit(api)),
            Job::Ids => Emitted::Syntax { path: "src/ids.rs".to_owned(), file: ids::emit(api) },
            Job::Models { first, end } => {
                Emitted::Syntax { path: "src/models.rs".to_owned(), file: models::emit_part(api, Module::Models, first..end) }
            }
            Job::Roles => Emitted::Syntax { path: "src/roles.rs".to_owned(), file: models::emit(api, Module::Roles) },
            Job::Operations => Emitted::Syntax { path: "src/operations/mod.rs".to_owned(), file: operations::emit_index(api) },
            Job::Tag(tag) => Emitted::Syntax {
                path: format!("src/operations/{}.rs", api.tags[tag].module),
                file: operations::emit_tag(api, tag),
            },
        }
    }
}

impl Job {
    /// About how many lines of formatted code the job makes: the larger jobs start first, so
    /// that the workers finish close together.
    pub fn weight(self, api: &Api) -> usize {
        match self {
            Job::Manifest | Job::Lib => 30,
            Job::Ids => 60 * api.ids.len(),
            Job::Models { first, end } => models::weight_of(api, Module::Models, first..end),
            Job::Roles => models::weight_of(api, Module::Roles, 0..usize::MAX),
            Job::Operations => 60 + 3 * api.operations.len(),
            Job::Tag(tag) => 75 * api.operations.iter().filter(|operation| operation.tag == tag).count(),
        }
    }
}

/// Every file of the crate that the generator owns, in a fixed order: the tag modules last,
/// in `Api::tags` order. `src/models.rs` comes in consecutive parts, one job each; the other
/// files are one job each.
pub fn jobs(api: &Api) -> Vec<Job> {
    let mut jobs = vec![Job::Manifest, Job::Lib, Job::Ids];
    jobs.extend(models::parts(api).into_iter().map(|part| Job::Models { first: part.start, end: part.end }));
    jobs.extend([Job::Roles, Job::Operations]);
    jobs.extend((0..api.tags.len()).map(Job::Tag));
    jobs
}

/// Every job's output, emitted one after the other (the parts of `src/models.rs` apart).
pub fn emit(api: &Api) -> Vec<Emitted> {
    jobs(api).into_iter().map(|job| job.run(api)).collect()
}

#[cfg(test)]
mod tests {
    use super::{Module, models};
    use crate::emit::syntax::doc_literal;
    use crate::format;

    /// `models.rs` printed type by type and joined is the file printed whole, and is what
    /// `emit_files` writes: cutting it into parts changes no byte.
    #[test]
    fn models_printed_in_parts_are_the_file_printed_whole() {
        let input = crate::Input {
            file: "spec/2025-03-12/invites.yaml",
            text: include_str!("../../../spec/2025-03-12/invites.yaml"),
            release: None,
        };
        let api = crate::to_ir(&input).expect("the fragment lowers");
        let whole = format::assemble([format::print(&models::emit(&api, Module::Models)).as_str()], &api.source);
        let count =
            api.types.values().filter(|def| !matches!(def, crate::ir::TypeDef::Enum(e) if e.module == Module::Roles)).count();
        assert!(count > 20, "the fragment has many model types ({count})");
        let pieces: Vec<String> =
            (0..count).map(|index| format::print(&models::emit_part(&api, Module::Models, index..index + 1))).collect();
        assert_eq!(format::assemble(pieces.iter().map(String::as_str), &api.source), whole);
        let written = crate::emit_files(&api).into_iter().find(|file| file.path == "src/models.rs").expect("models.rs");
        assert_eq!(written.contents, whole);
    }

    /// The literal reads back as the line behind one space, whatever quotes and `#` it holds.
    #[test]
    fn doc_literals_hold_the_line_as_it_is() {
        for line in [
            "plain",
            r#"a "quote""#,
            r##"ends in "#"##,
            r###"two "## and one "#"###,
            r"back\slash 
",
            "tab\there",
            "é ü \u{1F600}",
        ] {
            let literal = doc_literal(line);
            let read: syn::LitStr = syn::parse_str(&literal.to_string()).expect("a string literal");
            assert_eq!(read.value(), format!(" {line}"), "{literal}");
        }
        assert_eq!(syn::parse_str::<syn::LitStr>(&doc_literal("").to_string()).unwrap().value(), "");
        // A carriage return cannot be in a raw string: the ordinary literal takes it.
        let literal = doc_literal("a\rb");
        assert!(!literal.to_string().starts_with('r'), "{literal}");
        assert_eq!(syn::parse_str::<syn::LitStr>(&literal.to_string()).unwrap().value(), " a\rb");
    }

    /// Every local the generated functions bind (`let`, closure parameters) is reserved in
    /// the scope their arguments are named in (`names::LOCALS_RESERVED`), so no path parameter
    /// can be named like one: the templates' locals are the contract.
    #[test]
    fn every_local_of_the_generated_functions_is_reserved_for_them() {
        use syn::visit_mut::VisitMut;
        struct Bindings(std::collections::BTreeSet<String>);
        impl VisitMut for Bindings {
            fn visit_local_mut(&mut self, local: &mut syn::Local) {
                self.visit_pat_mut(&mut local.pat);
                syn::visit_mut::visit_local_mut(self, local);
            }
            fn visit_expr_closure_mut(&mut self, closure: &mut syn::ExprClosure) {
                for input in &mut closure.inputs {
                    self.visit_pat_mut(input);
                }
                syn::visit_mut::visit_expr_closure_mut(self, closure);
            }
            fn visit_pat_ident_mut(&mut self, binding: &mut syn::PatIdent) {
                self.0.insert(binding.ident.to_string());
            }
            fn visit_expr_for_loop_mut(&mut self, for_loop: &mut syn::ExprForLoop) {
                self.visit_pat_mut(&mut for_loop.pat);
                syn::visit_mut::visit_expr_for_loop_mut(self, for_loop);
            }
        }
        let input = crate::Input {
            file: "spec/2025-03-12/invites.yaml",
            text: include_str!("../../../spec/2025-03-12/invites.yaml"),
            release: None,
        };
        let api = crate::to_ir(&input).expect("the fragment lowers");
        let mut bindings = Bindings(Default::default());
        for tag in 0..api.tags.len() {
            bindings.visit_file_mut(&mut super::operations::emit_tag(&api, tag));
        }
        // The stream methods rebind their arguments (`let group_id = group_id.clone();`).
        let arguments: std::collections::BTreeSet<&str> =
            api.operations.iter().flat_map(|op| op.path_params.iter().map(|param| param.name.as_str())).collect();
        let unreserved: Vec<&String> = bindings
            .0
            .iter()
            .filter(|name| !crate::names::LOCALS_RESERVED.contains(&name.as_str()) && !arguments.contains(name.as_str()))
            .collect();
        assert!(unreserved.is_empty(), "locals of the generated functions not in names::LOCALS_RESERVED: {unreserved:?}");
        assert!(bindings.0.contains("writer") && bindings.0.contains("paging"), "{:?}", bindings.0);
    }
}
