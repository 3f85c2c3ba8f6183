//! `cargo xtask sweep`: does what a generated crate decodes mean what the spec means? For
//! every JSON success response and request body of a spec, random schema-valid instances go
//! through the crate (`operations::<op>::response`, or `serde_json` into the body's model),
//! and the decoded value is encoded again and compared with what went in.
//!
//! The crate is one `cargo xtask codegen --out` wrote; this command writes a harness crate
//! beside it (a `match` over every operation, and the instances as JSON), builds and runs it
//! in `target/standalone` with warnings denied (as `.ci/run` builds generated crates), and
//! prints instances, decoded, lossless and catch-alls, for responses and bodies apart.

mod instances;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use instances::{Direction, Instances, Rng};
use serde_json::{Value, json};

/// How many instances each schema gets.
pub const DEFAULT_INSTANCES: usize = 4;

/// What `cargo xtask sweep` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The spec the crate was generated from.
    pub spec: PathBuf,
    /// The crate `cargo xtask codegen --spec SPEC --out DIR` wrote.
    pub crate_dir: PathBuf,
    /// Instances per schema.
    pub instances: usize,
    /// A file of figures the sweep must not fall behind (see [`compare`]).
    pub baseline: Option<PathBuf>,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let usage = "usage: cargo xtask sweep --spec SPEC --crate DIR [--instances N] [--baseline FILE]";
        let (mut spec, mut crate_dir, mut instances, mut baseline) = (None, None, DEFAULT_INSTANCES, None);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let value = args.next().ok_or_else(|| format!("{arg} needs a value\n{usage}"))?;
            match arg.as_str() {
                "--spec" => spec = Some(PathBuf::from(value)),
                "--crate" => crate_dir = Some(PathBuf::from(value)),
                "--instances" => instances = value.parse().map_err(|_| format!("--instances: `{value}` is not a count"))?,
                "--baseline" => baseline = Some(PathBuf::from(value)),
                other => return Err(format!("unknown sweep option `{other}`\n{usage}")),
            }
        }
        match (spec, crate_dir) {
            (Some(spec), Some(crate_dir)) => Ok(Options { spec, crate_dir, instances, baseline }),
            _ => Err(usage.to_owned()),
        }
    }
}

/// One operation of the generated crate, as its sans-IO module says.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The module under `operations`: `list_group_users`.
    pub module: String,
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub api_version: String,
    /// The Rust type of the request body, as the crate names it (`crate::models::X`).
    pub body: Option<String>,
    /// The statuses `response` decodes a JSON body for; empty when it decodes none.
    pub json_statuses: Vec<u16>,
}

/// Reads every operation from `src/operations/*.rs` of a generated crate.
pub fn operations(crate_dir: &Path) -> Result<Vec<Operation>, String> {
    let dir = crate_dir.join("src/operations");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|error| format!("error: cannot read {}: {error}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs") && !path.ends_with("mod.rs"))
        .collect();
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).map_err(|error| format!("error: cannot read {}: {error}", file.display()))?;
        found.extend(operations_in(&text));
    }
    found.sort_by(|a, b| a.operation_id.cmp(&b.operation_id));
    Ok(found)
}

/// The operation modules of one generated tag file.
fn operations_in(text: &str) -> Vec<Operation> {
    let quoted = |block: &str, key: &str| {
        let start = block.find(key)? + key.len();
        let rest = block[start..].strip_prefix('"')?;
        Some(rest[..rest.find('"')?].to_owned())
    };
    text.split("\npub mod ")
        .skip(1)
        .filter_map(|block| {
            let module = block[..block.find(' ')?].to_owned();
            let body = block
                .find("pub fn request(")
                .and_then(|at| Some(&block[at..at + block[at..].find(") -> ")?]))
                .and_then(|signature| signature.split("body: &").nth(1))
                .map(|rest| rest[..rest.find(",\n").unwrap_or(rest.len())].trim().to_owned());
            let response = &block[block.find("pub fn response")?..];
            // Every call that decodes JSON: one, or one per status of a `Response` enum.
            let response = &response[..response.find("\n    }\n").unwrap_or(response.len())];
            let mut json_statuses: Vec<u16> = ["decode_json(response, &[", "decode_optional_json(response, &["]
                .iter()
                .flat_map(|call| response.match_indices(call).map(move |(at, _)| &response[at + call.len()..]))
                .filter_map(|rest| rest.split(']').next())
                .flat_map(|list| list.split(',').filter_map(|status| status.trim().parse().ok()))
                .collect();
            json_statuses.sort_unstable();
            Some(Operation {
                module,
                operation_id: quoted(block, "operation_id: ")?,
                method: quoted(block, "method: ")?,
                path: quoted(block, "path: ")?,
                api_version: quoted(block, "api_version: ")?,
                body,
                json_statuses,
            })
        })
        .collect()
}

/// One instance for the harness: which operation, which way, the status, the JSON.
fn case(operation: &Operation, kind: &str, status: u16, instance: Value) -> Value {
    json!({ "op": operation.operation_id, "kind": kind, "status": status, "instance": instance })
}

/// The schema of `operation`'s JSON content (`responses/<status>` or `requestBody`) at the
/// crate's resource version, falling back to the one JSON media type there is.
fn content_schema<'a>(content: Option<&'a Value>, api_version: &str) -> Option<&'a Value> {
    let content = content?.as_object()?;
    let versioned = format!("application/vnd.atlas.{api_version}+json");
    content
        .get(&versioned)
        .or_else(|| content.iter().find(|(media, _)| media.ends_with("json")).map(|(_, value)| value))?
        .get("schema")
}

/// Follows a `$ref` to a component (responses and request bodies may be references too).
fn deref<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| spec.pointer(r.strip_prefix('#')?)) {
        Some(target) => target,
        None => value,
    }
}

/// Every instance of every operation, seeded by the operation ID so a run is repeatable.
pub fn cases(spec: &Value, operations: &[Operation], per_schema: usize) -> (Vec<Value>, usize) {
    let mut cases = Vec::new();
    let mut given_up = 0;
    for operation in operations {
        let Some(spec_operation) = spec
            .get("paths")
            .and_then(|paths| paths.get(&operation.path))
            .and_then(|item| item.get(operation.method.to_lowercase()))
        else {
            continue;
        };
        let seed = operation
            .operation_id
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
        for &status in &operation.json_statuses {
            let response = spec_operation.get("responses").and_then(|responses| responses.get(status.to_string()));
            let Some(schema) = response.and_then(|r| content_schema(deref(spec, r).get("content"), &operation.api_version))
            else {
                continue;
            };
            let mut instances = Instances::new(spec, Direction::Response, Rng::new(seed ^ u64::from(status)));
            for _ in 0..per_schema {
                match instances.instance(schema) {
                    Some(instance) => cases.push(case(operation, "response", status, instance)),
                    None => given_up += 1,
                }
            }
        }
        if operation.body.is_some() {
            let body = spec_operation.get("requestBody").map(|body| deref(spec, body));
            if let Some(schema) = body.and_then(|body| content_schema(body.get("content"), &operation.api_version)) {
                let mut instances = Instances::new(spec, Direction::Request, Rng::new(!seed));
                for _ in 0..per_schema {
                    match instances.instance(schema) {
                        Some(instance) => cases.push(case(operation, "body", 0, instance)),
                        None => given_up += 1,
                    }
                }
            }
        }
    }
    (cases, given_up)
}

/// The harness crate's `Cargo.toml`, `src/main.rs` and `cases.json`.
fn write_harness(dir: &Path, crate_dir: &Path, operations: &[Operation], cases: &[Value]) -> Result<(), String> {
    let io = |error: std::io::Error| format!("error: cannot write the sweep harness in {}: {error}", dir.display());
    fs::create_dir_all(dir.join("src")).map_err(io)?;
    let crate_path = fs::canonicalize(crate_dir).map_err(io)?;
    let manifest = format!(
        "[package]\nname = \"sweep\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\natlas-admin = {{ path = {:?} }}\nhttp = \"1\"\nserde = \"1\"\nserde_json = \"1\"\n\n[workspace]\n",
        crate_path.display().to_string()
    );
    fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
    fs::copy(crate_dir.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(io)?;
    let mut arms = String::new();
    for operation in operations {
        let (id, module) = (&operation.operation_id, &operation.module);
        if !operation.json_statuses.is_empty() {
            writeln!(
                arms,
                "        (\"response\", {id:?}) => response(case, atlas_admin::operations::{module}::response::<Vec<u8>>),"
            )
            .unwrap();
        }
        if let Some(body) = &operation.body {
            let ty = body.replace("crate::", "atlas_admin::");
            let ty = match ty.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) {
                Some(item) => format!("Vec<{item}>"),
                None => ty,
            };
            writeln!(arms, "        (\"body\", {id:?}) => body::<{ty}>(case),").unwrap();
        }
    }
    let main = HARNESS.replace("        // ARMS\n", &arms);
    fs::write(dir.join("src/main.rs"), main).map_err(io)?;
    let cases = serde_json::to_vec(cases).map_err(|error| error.to_string())?;
    fs::write(dir.join("cases.json"), cases).map_err(io)
}

/// Runs the sweep: writes the harness next to the crate, builds and runs it with cargo.
pub fn run(options: &Options) -> Result<(), String> {
    let text =
        fs::read_to_string(&options.spec).map_err(|error| format!("error: cannot read {}: {error}", options.spec.display()))?;
    let spec: Value =
        serde_yaml::from_str(&text).map_err(|error| format!("error: {} is not YAML: {error}", options.spec.display()))?;
    let operations = operations(&options.crate_dir)?;
    if operations.is_empty() {
        return Err(format!("error: no operations in {}/src/operations", options.crate_dir.display()));
    }
    let (cases, given_up) = cases(&spec, &operations, options.instances);
    let harness = options
        .crate_dir
        .with_file_name(format!("{}-sweep", options.crate_dir.file_name().map_or("crate".into(), |name| name.to_string_lossy())));
    write_harness(&harness, &options.crate_dir, &operations, &cases)?;
    println!(
        "sweep: {} operations of {}, {} instances ({} given up: a schema that requires itself)",
        operations.len(),
        options.spec.display(),
        cases.len(),
        given_up
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Where (and with the flags with which) `.ci/run` builds the generated crates, so the
    // crate under test is not compiled a second time.
    let output = Command::new(cargo)
        .env("CARGO_TARGET_DIR", crate::codegen::workspace_root().join("target/standalone"))
        .env("RUSTFLAGS", "-D warnings")
        .args(["run", "--quiet", "--manifest-path"])
        .arg(harness.join("Cargo.toml"))
        .arg("--")
        .arg(harness.join("cases.json"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|error| format!("error: cannot run cargo: {error}"))?;
    let report = String::from_utf8_lossy(&output.stdout);
    print!("{report}");
    if !output.status.success() {
        return Err(format!("error: the sweep failed ({})", output.status));
    }
    let Some(baseline) = &options.baseline else { return Ok(()) };
    let spec_name = options.spec.file_stem().map_or_else(String::new, |stem| stem.to_string_lossy().into_owned());
    let expected = fs::read_to_string(baseline).map_err(|error| format!("error: cannot read {}: {error}", baseline.display()))?;
    compare(&spec_name, &report, &expected)
        .map_err(|problems| format!("error: the sweep of {spec_name} fell behind {}:\n{problems}", baseline.display()))
}

/// The figures of one summary line: instances, decoded, lossless, catch-alls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub instances: usize,
    pub decoded: usize,
    pub lossless: usize,
    pub catch_alls: usize,
}

/// `responses: 1464 instances, 1464 decoded, 1450 lossless, 39 in a catch-all` read back.
fn figures(line: &str) -> Option<(&str, Figures)> {
    let (kind, rest) = line.split_once(": ")?;
    let numbers: Vec<usize> = rest.split(", ").filter_map(|part| part.split(' ').next()?.parse().ok()).collect();
    match numbers[..] {
        [instances, decoded, lossless, catch_alls] => Some((kind, Figures { instances, decoded, lossless, catch_alls })),
        _ => None,
    }
}

/// Checks a report against a baseline's lines for `spec` (`<spec> responses: ...`): more
/// instances refused, changed or caught by a catch-all than the baseline allows is a failure,
/// listed per line; fewer passes (and the new figures are the next baseline).
pub fn compare(spec: &str, report: &str, baseline: &str) -> Result<(), String> {
    let mut problems = String::new();
    let mut compared = 0;
    for line in baseline.lines() {
        let Some((kind, allowed)) = line.strip_prefix(spec).and_then(|rest| figures(rest.trim_start())) else { continue };
        compared += 1;
        let Some((_, now)) = report.lines().filter_map(figures).find(|(found, _)| *found == kind) else {
            writeln!(problems, "  no `{kind}` line in the report").unwrap();
            continue;
        };
        let worse = |what: &str, before: usize, after: usize, problems: &mut String| {
            if after > before {
                writeln!(problems, "  {kind}: {after} {what}, the baseline allows {before}").unwrap();
            }
        };
        worse(
            "refused",
            allowed.instances.saturating_sub(allowed.decoded),
            now.instances.saturating_sub(now.decoded),
            &mut problems,
        );
        worse(
            "changed on the way back",
            allowed.decoded.saturating_sub(allowed.lossless),
            now.decoded.saturating_sub(now.lossless),
            &mut problems,
        );
        worse("in a catch-all", allowed.catch_alls, now.catch_alls, &mut problems);
    }
    if compared == 0 {
        writeln!(problems, "  the baseline has no line for {spec}").unwrap();
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// The harness's `main.rs`; `// ARMS` becomes one arm per operation and direction.
const HARNESS: &str = r#"//! Written by `cargo xtask sweep`: decodes each instance with the generated crate, encodes it
//! again and compares.
#![allow(deprecated)]

use serde_json::Value;

#[derive(serde::Deserialize)]
struct Case {
    op: String,
    kind: String,
    status: u16,
    instance: Value,
}

enum Outcome {
    Refused(String),
    Decoded { encoded: Value, debug: String },
}

fn response<T: serde::Serialize + std::fmt::Debug>(
    case: &Case,
    decode: fn(http::Response<Vec<u8>>) -> Result<T, atlas_admin::Error>,
) -> Outcome {
    let body = serde_json::to_vec(&case.instance).unwrap();
    let response = http::Response::builder()
        .status(case.status)
        .header("content-type", "application/json")
        .body(body)
        .unwrap();
    match decode(response) {
        Ok(value) => Outcome::Decoded { encoded: serde_json::to_value(&value).unwrap(), debug: format!("{value:?}") },
        Err(error) => Outcome::Refused(error.to_string()),
    }
}

fn body<T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug>(case: &Case) -> Outcome {
    match serde_json::from_value::<T>(case.instance.clone()) {
        Ok(value) => Outcome::Decoded { encoded: serde_json::to_value(&value).unwrap(), debug: format!("{value:?}") },
        Err(error) => Outcome::Refused(error.to_string()),
    }
}

/// The JSON pointer of the first place where `a` and `b` differ; numbers compare by value
/// (`2` and `2.0` are one number).
fn difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x.as_f64() != y.as_f64()).then_some(at),
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in x {
                match y.get(key) {
                    Some(other) => {
                        if let Some(found) = difference(value, other, format!("{at}/{key}")) {
                            return Some(found);
                        }
                    }
                    None => return Some(format!("{at}/{key} (lost)")),
                }
            }
            y.keys().find(|key| !x.contains_key(*key)).map(|key| format!("{at}/{key} (added)"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (x, y))| difference(x, y, format!("{at}/{i}")))
        }
        _ => (a != b).then_some(at),
    }
}

/// What a catch-all caught: the instance, then the decoded value from the catch-all on.
fn caught_detail(instance: &Value, debug: &str) -> String {
    let at = debug.find("Unknown(").unwrap_or(0);
    let start = debug[..at].char_indices().rev().nth(120).map_or(0, |(i, _)| i);
    format!("{instance} decoded as ...{}", &debug[start..])
}

#[derive(Default)]
struct Tally {
    instances: usize,
    decoded: usize,
    lossless: usize,
    catch_alls: usize,
    /// What went wrong, by operation and kind of finding: how often, and the first example.
    findings: std::collections::BTreeMap<(String, &'static str), (usize, String)>,
}

fn main() {
    let path = std::env::args().nth(1).expect("the cases file");
    let cases: Vec<Case> = serde_json::from_slice(&std::fs::read(path).expect("readable cases")).expect("cases");
    let (mut responses, mut bodies) = (Tally::default(), Tally::default());
    for case in &cases {
        let outcome = match (case.kind.as_str(), case.op.as_str()) {
        // ARMS
            (kind, op) => panic!("no {kind} arm for {op}"),
        };
        let tally = if case.kind == "response" { &mut responses } else { &mut bodies };
        tally.instances += 1;
        let finding = match outcome {
            Outcome::Refused(error) => Some(("refused", error)),
            Outcome::Decoded { encoded, debug } => {
                tally.decoded += 1;
                let lost = difference(&case.instance, &encoded, String::new());
                let caught = debug.contains("Unknown(");
                tally.lossless += usize::from(lost.is_none());
                tally.catch_alls += usize::from(caught);
                match (lost, caught) {
                    (Some(at), _) => Some(("changed", format!("at {at}"))),
                    (None, true) => Some(("catch-all", caught_detail(&case.instance, &debug))),
                    (None, false) => None,
                }
            }
        };
        if let Some((kind, example)) = finding {
            let key = (format!("{} {} {}", case.kind, case.op, case.status), kind);
            tally.findings.entry(key).or_insert((0, example)).0 += 1;
        }
    }
    let verbose = std::env::var_os("SWEEP_VERBOSE").is_some();
    for (name, tally) in [("responses", &responses), ("bodies", &bodies)] {
        println!(
            "{name}: {} instances, {} decoded, {} lossless, {} in a catch-all",
            tally.instances, tally.decoded, tally.lossless, tally.catch_alls
        );
        for ((case, kind), (count, example)) in tally.findings.iter().take(if verbose { usize::MAX } else { 40 }) {
            let example: String = example.chars().take(if verbose { 4000 } else { 240 }).collect();
            println!("  {case}: {kind} x{count} {example}");
        }
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    const TAG_FILE: &str = r#"
pub mod add_group_users {
    pub const INFO: OperationInfo = OperationInfo {
        operation_id: "addGroupUsers",
        method: "POST",
        path: "/api/atlas/v2/groups/{groupId}/users",
        api_version: "2025-02-19",
    };
    pub fn request(
        base_url: &str,
        group_id: &crate::ids::GroupId,
        body: &crate::models::GroupUserRequest,
    ) -> Result<http::Request<Vec<u8>>, crate::Error> {
    }
    pub fn response<B: AsRef<[u8]>>(
        response: http::Response<B>,
    ) -> Result<crate::models::GroupUserResponse, crate::Error> {
        crate::runtime::decode_json(response, &[200, 201])
    }
}
pub mod start_export {
    pub const INFO: OperationInfo = OperationInfo {
        operation_id: "startExport",
        method: "POST",
        path: "/api/atlas/v2/exports",
        api_version: "2023-01-01",
    };
    pub enum Response {
        Ok(crate::models::Export),
        Accepted(crate::models::Job),
        NoContent,
    }
    pub fn request(base_url: &str) -> Result<http::Request<Vec<u8>>, crate::Error> {}
    pub fn response<B: AsRef<[u8]>>(response: http::Response<B>) -> Result<Response, crate::Error> {
        match response.status().as_u16() {
            202 => crate::runtime::decode_json(response, &[202]).map(Response::Accepted),
            200 => crate::runtime::decode_json(response, &[200]).map(Response::Ok),
            204 => crate::runtime::expect_empty(response, &[204]).map(|()| Response::NoContent),
            _ => Err(crate::runtime::error_from_response(&response)),
        }
    }
}
pub mod remove_group_user {
    pub const INFO: OperationInfo = OperationInfo {
        operation_id: "removeGroupUser",
        method: "DELETE",
        path: "/api/atlas/v2/groups/{groupId}/users/{userId}",
        api_version: "2025-02-19",
    };
    pub fn request(base_url: &str) -> Result<http::Request<Vec<u8>>, crate::Error> {}
    pub fn response<B: AsRef<[u8]>>(response: http::Response<B>) -> Result<(), crate::Error> {
        crate::runtime::expect_empty(response, &[204])
    }
}
"#;

    #[test]
    fn a_report_may_not_fall_behind_its_baseline() {
        let baseline = "spec-a responses: 100 instances, 100 decoded, 90 lossless, 5 in a catch-all\n\
                        spec-a bodies: 10 instances, 10 decoded, 10 lossless, 0 in a catch-all\n\
                        spec-b responses: 1 instances, 0 decoded, 0 lossless, 0 in a catch-all\n";
        let same = "responses: 100 instances, 100 decoded, 90 lossless, 5 in a catch-all\n  response x 200: catch-all x5\n\
                    bodies: 10 instances, 10 decoded, 10 lossless, 0 in a catch-all\n";
        assert_eq!(compare("spec-a", same, baseline), Ok(()));
        let better = "responses: 120 instances, 120 decoded, 119 lossless, 0 in a catch-all\n\
                      bodies: 10 instances, 10 decoded, 10 lossless, 0 in a catch-all\n";
        assert_eq!(compare("spec-a", better, baseline), Ok(()), "more instances, fewer findings");
        let worse = "responses: 100 instances, 99 decoded, 80 lossless, 6 in a catch-all\n\
                     bodies: 10 instances, 10 decoded, 9 lossless, 0 in a catch-all\n";
        let problems = compare("spec-a", worse, baseline).unwrap_err();
        assert!(problems.contains("responses: 1 refused, the baseline allows 0"), "{problems}");
        assert!(problems.contains("responses: 19 changed on the way back, the baseline allows 10"), "{problems}");
        assert!(problems.contains("responses: 6 in a catch-all, the baseline allows 5"), "{problems}");
        assert!(problems.contains("bodies: 1 changed on the way back, the baseline allows 0"), "{problems}");
        assert!(compare("spec-c", same, baseline).unwrap_err().contains("no line for spec-c"));
        assert!(
            compare("spec-a", "bodies: 10 instances, 10 decoded, 10 lossless, 0 in a catch-all\n", baseline)
                .unwrap_err()
                .contains("no `responses` line")
        );
    }

    #[test]
    fn operations_are_read_from_the_generated_modules() {
        let found = operations_in(TAG_FILE);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].module, "add_group_users");
        assert_eq!(found[0].operation_id, "addGroupUsers");
        assert_eq!(found[0].body.as_deref(), Some("crate::models::GroupUserRequest"));
        assert_eq!(found[0].json_statuses, [200, 201]);
        assert_eq!(found[1].json_statuses, [200, 202], "each status of a `Response` enum with a JSON body");
        assert_eq!(found[2].body, None);
        assert!(found[2].json_statuses.is_empty(), "an empty 204 has no JSON to sweep");
    }

    #[test]
    fn every_json_success_and_body_gets_its_instances() {
        let spec = json!({"paths": {"/api/atlas/v2/groups/{groupId}/users": {"post": {
            "requestBody": {"content": {"application/vnd.atlas.2025-02-19+json": {"schema":
                {"type": "object", "required": ["username"], "properties": {"username": {"type": "string", "format": "email"}}}}}},
            "responses": {
                "200": {"content": {"application/vnd.atlas.2023-01-01+json": {"schema": {"type": "integer"}},
                                    "application/vnd.atlas.2025-02-19+json": {"schema": {"type": "boolean"}}}},
                "201": {"$ref": "#/components/responses/created"}}}}},
            "components": {"responses": {"created": {"content": {"application/json": {"schema": {"type": "string", "enum": ["made"]}}}}}}});
        let operations = operations_in(TAG_FILE);
        let (cases, given_up) = cases(&spec, &operations, 3);
        assert_eq!(given_up, 0);
        let of =
            |kind: &str, status: u16| cases.iter().filter(|c| c["kind"] == kind && c["status"] == status).collect::<Vec<_>>();
        assert!(of("response", 200).iter().all(|c| c["instance"].is_boolean()), "the crate's resource version is used");
        assert!(of("response", 201).iter().all(|c| c["instance"] == "made"), "a response $ref is followed");
        assert_eq!(of("body", 0).len(), 3);
        assert!(of("body", 0).iter().all(|c| c["instance"]["username"].as_str().unwrap().ends_with("@example.com")));
    }
}
