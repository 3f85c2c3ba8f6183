//! The generator: an Atlas OpenAPI fragment in, the files of the `atlas-admin` crate out.
//!
//! Data flows one way through one module per stage: [`load`] (YAML into `openapiv3`, after
//! [`normalize`] has made composition typeable),
//! [`resolve`] (`$ref`s and resource versions) and [`lower`] (into the plain-data [`ir`], names
//! from [`names`]), then [`emit`] (syntax trees) and [`format`](mod@format) (each item printed
//! once, by prettyplease). This crate does no IO:
//! reading the spec and writing files is `xtask`'s job.

pub mod diag;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod normalize;
pub mod pointer;
pub mod resolve;
pub mod source_map;

pub use diag::{Diagnostic, Diagnostics};
pub use resolve::is_release;

/// One spec to generate from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The spec's path as it should appear in messages and headers (`spec/2025-03-12/invites.yaml`).
    pub file: &'a str,
    /// The spec's text.
    pub text: &'a str,
    /// The Atlas API release to target (`YYYY-MM-DD`); `None` takes it from the spec's folder name.
    pub release: Option<&'a str>,
}

/// One file of the generated crate, with its path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Runs every stage: the crate's files, or every problem found in the spec.
pub fn generate(input: &Input<'_>) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let api = to_ir(input)?;
    Ok(emit_files(&api))
}

/// Load, resolve and lower: the IR for `input`.
pub fn to_ir(input: &Input<'_>) -> Result<ir::Api, Diagnostics> {
    let release = release_of(input)?;
    let spec = load::load(input.file, input.text)?;
    lower_loaded(input, &release, &spec)
}

/// Resolve and lower a loaded spec for `release`: the stages after [`load`].
pub fn lower_loaded(input: &Input<'_>, release: &str, spec: &openapiv3::OpenAPI) -> Result<ir::Api, Diagnostics> {
    let source = source_map::SourceMap::new(input.text);
    let mut sink = diag::Sink::new(input.file, &source);
    let api = lower::lower(spec, input.file, release, &mut sink);
    sink.finish()?;
    Ok(api.expect("lowering without diagnostics yields an API"))
}

/// Emit and format: the crate's files for `api`, in `emit::jobs` order. One worker per core
/// takes the next job, emits its piece and prints it (syntax trees and token streams cannot
/// cross threads, text can); the largest jobs (by `Job::weight`) go first. The pieces of a file are then joined in job order, so
/// the output does not depend on the scheduling.
pub fn emit_files(api: &ir::Api) -> Vec<GeneratedFile> {
    /// One job's output: a printed piece of a Rust file, or a whole other file.
    enum Piece {
        Rust(String),
        Text(String),
    }
    let jobs = emit::jobs(api);
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    // Largest first: the workers then finish close together.
    order.sort_by_cached_key(|&index| std::cmp::Reverse(jobs[index].weight(api)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, usize::from).min(jobs.len()).max(1);
    // One worker runs on this thread, whose allocator arena is already warm from loading.
    let work = || {
        let mut finished = Vec::new();
        loop {
            let taken = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&index) = order.get(taken) else { break finished };
            let (path, piece) = match jobs[index].run(api) {
                emit::Emitted::Rust { path, tokens } => match format::unparse(tokens) {
                    Ok(text) => (path, Piece::Rust(text)),
                    // Emit again for the message: keeping a copy of every piece's
                    // tokens in case it fails would cost a deep copy each time.
                    Err(error) => match jobs[index].run(api) {
                        emit::Emitted::Rust { tokens, .. } => {
                            panic!("generator bug: emitted tokens of {path} do not parse as Rust ({error}):\n{tokens}")
                        }
                        emit::Emitted::Text { .. } | emit::Emitted::Syntax { .. } => {
                            unreachable!("a job emits the same kind of file each time")
                        }
                    },
                },
                emit::Emitted::Syntax { path, file } => (path, Piece::Rust(format::print(&file))),
                emit::Emitted::Text { path, text } => (path, Piece::Text(text)),
            };
            finished.push((index, path, piece));
        }
    };
    let mut done: Vec<(usize, String, Piece)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for helper in helpers {
            done.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        done
    });
    done.sort_by_key(|(index, ..)| *index);
    // Consecutive jobs with the same path are the pieces of one file.
    let mut files: Vec<GeneratedFile> = Vec::new();
    let mut pieces = done.into_iter().peekable();
    while let Some((_, path, piece)) = pieces.next() {
        let contents = match piece {
            Piece::Text(text) => text,
            Piece::Rust(first) => {
                let mut printed = vec![first];
                while let Some((_, _, Piece::Rust(more))) = pieces.next_if(|(_, next, _)| *next == path) {
                    printed.push(more);
                }
                format::assemble(printed.iter().map(String::as_str), &api.source)
            }
        };
        files.push(GeneratedFile { path, contents });
    }
    files
}

/// The release to target: given, or the name of the folder holding the spec (`spec/2025-03-12/...`).
pub fn release_of(input: &Input<'_>) -> Result<String, Diagnostics> {
    let from_folder = || input.file.rsplit(['/', '\\']).nth(1).filter(|folder| is_release(folder));
    match input.release.or_else(from_folder) {
        Some(release) if is_release(release) => Ok(release.to_owned()),
        other => Err(Diagnostics(vec![Diagnostic {
            file: input.file.to_owned(),
            location: None,
            pointer: String::new(),
            message: match other {
                Some(release) => format!("`{release}` is not an Atlas API release date (YYYY-MM-DD)"),
                None => "no Atlas API release to generate for".to_owned(),
            },
            hint: Some(
                "put the spec in a folder named after its release (spec/YYYY-MM-DD/) or pass --api-version YYYY-MM-DD".to_owned(),
            ),
        }])),
    }
}
