//! The operations of two IRs matched by method and path, and what changed in each: its
//! `Client` method, arguments, `Query` fields, body, success, paging and deprecation.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Change, Class, change};
use super::types::View;
use crate::ir::{self, Method, Operation, ResponseBody};
use crate::pointer::join;

const EXHAUSTIVE_QUERY: &str = "`Query` is exhaustive: a struct literal without `..Default::default()` no longer compiles";

/// Every operation added, removed, renamed, reused or changed.
pub(super) fn diff(old: &View<'_>, new: &View<'_>, changes: &mut Vec<Change>) {
    let by_key = |view: &View<'_>| -> BTreeMap<(String, Method), usize> {
        view.api.operations.iter().enumerate().map(|(index, op)| ((op.path.clone(), op.method), index)).collect()
    };
    let (old_ops, new_ops) = (by_key(old), by_key(new));
    // A method name the new crate gives to another method and path than the old one did
    // (`removeUserFromTeam` is `:removeUser` in one release and the DELETE in the next).
    let old_fns: BTreeMap<&str, &Operation> = old.api.operations.iter().map(|op| (op.fn_name.as_str(), op)).collect();
    let mut reused = BTreeSet::new();
    for op in &new.api.operations {
        let Some(before) = old_fns.get(op.fn_name.as_str()).filter(|before| before.path != op.path || before.method != op.method)
        else {
            continue;
        };
        reused.insert(op.fn_name.clone());
        let what = format!(
            "now sends `{} {}` (`{}`) instead of `{} {}` (`{}`)",
            op.method.as_str(),
            op.path,
            op.operation_id,
            before.method.as_str(),
            before.path,
            before.operation_id
        );
        let reason = "the same method name calls another operation: code may still compile and do something else";
        changes.push(change(Class::Breaking, &tag_name(new.api, op), client(op), what, reason, &pointer(op)));
    }
    for (key, &index) in &old_ops {
        let gone = &old.api.operations[index];
        if new_ops.contains_key(key) || reused.contains(&gone.fn_name) {
            continue;
        }
        let reason = "code that calls the method, or uses its module, no longer compiles";
        changes.push(change(Class::Breaking, &tag_name(old.api, gone), client(gone), "removed", reason, &pointer(gone)));
    }
    for (key, &index) in &new_ops {
        let op = &new.api.operations[index];
        match old_ops.get(key) {
            Some(&before) => diff_operation(old, new, &old.api.operations[before], op, changes),
            None if reused.contains(&op.fn_name) => {}
            None => {
                let what = format!("added: `{} {}`", op.method.as_str(), op.path);
                let reason = "a new method and module; nothing that compiled names them";
                changes.push(change(Class::Additive, &tag_name(new.api, op), client(op), what, reason, &pointer(op)));
            }
        }
    }
}

fn client(op: &Operation) -> String {
    format!("Client::{}", op.fn_name)
}

fn pointer(op: &Operation) -> String {
    join(&join("/paths", &op.path), &op.method.as_str().to_ascii_lowercase())
}

fn tag_name(api: &ir::Api, op: &Operation) -> String {
    api.tags.get(op.tag).map_or_else(String::new, |tag| tag.name.clone())
}

fn diff_operation(old: &View<'_>, new: &View<'_>, before: &Operation, after: &Operation, changes: &mut Vec<Change>) {
    let group = tag_name(new.api, after);
    let item = client(after);
    let at = pointer(after);
    let mut push =
        |class: Class, what: String, reason: &str| changes.push(change(class, &group, item.clone(), what, reason, &at));
    if before.fn_name != after.fn_name {
        let what = format!(
            "renamed from `Client::{}` (operationId `{}` -> `{}`)",
            before.fn_name, before.operation_id, after.operation_id
        );
        push(Class::Breaking, what, "code that calls the old method or uses its module no longer compiles");
    } else if before.operation_id != after.operation_id {
        let what = format!("operationId `{}` -> `{}`", before.operation_id, after.operation_id);
        push(Class::Breaking, what, "`OPERATIONS` lookups and mock rules by the old operationId no longer match");
    }
    match (before.deprecated, after.deprecated) {
        (false, true) => {
            let sunset = after.sunset.as_deref().map_or_else(String::new, |date| format!(", sunset {date}"));
            let instead = after
                .replacement
                .as_ref()
                .and_then(|replacement| replacement.fn_name.as_deref())
                .map_or_else(String::new, |name| format!("; use `Client::{name}`"));
            push(Class::None, format!("deprecated{sunset}{instead}"), "calls still compile, with a deprecation warning");
        }
        (true, false) => push(Class::None, "no longer deprecated".to_owned(), "calls compile as before, without the warning"),
        _ if before.sunset != after.sunset => {
            let date = |sunset: &Option<String>| sunset.clone().unwrap_or_else(|| "none".to_owned());
            push(Class::None, format!("sunset {} -> {}", date(&before.sunset), date(&after.sunset)), "no signature changes")
        }
        _ => {}
    }
    if before.idempotent != after.idempotent {
        let what = if after.idempotent { "now idempotent" } else { "no longer idempotent" };
        push(
            Class::None,
            what.to_owned(),
            "only whether the client retries it after a failure that may have reached the server changes",
        );
    }
    if before.api_version != after.api_version {
        let what = format!("resource version {} -> {}", before.api_version, after.api_version);
        push(Class::None, what, "the request asks for another version; the type changes, if any, are listed beside it");
    }
    let arguments = |view: &View<'_>, op: &Operation| -> Vec<String> {
        op.path_params.iter().map(|param| format!("{}: &{}", param.name, view.rust(&param.ty))).collect()
    };
    let keys =
        |view: &View<'_>, op: &Operation| -> Vec<String> { op.path_params.iter().map(|param| view.key(&param.ty)).collect() };
    if keys(old, before) != keys(new, after) || arguments(old, before).len() != arguments(new, after).len() {
        let what = format!("path arguments ({}) -> ({})", arguments(old, before).join(", "), arguments(new, after).join(", "));
        push(Class::Breaking, what, "calls with the old arguments no longer compile");
    }
    diff_body(old, new, before, after, &mut push);
    diff_query(old, new, before, after, &mut push);
    diff_success(old, new, before, after, &mut push);
    match (&before.paging, &after.paging) {
        (None, Some(paging)) => {
            let what = format!("stream `Client::{}` added", paging.stream_fn);
            push(Class::Additive, what, "a new method; nothing that compiled calls it");
        }
        (Some(paging), None) => {
            let what = format!("stream `Client::{}` removed", paging.stream_fn);
            push(Class::Breaking, what, "code that calls the stream method no longer compiles");
        }
        _ => {}
    }
}

fn diff_body(old: &View<'_>, new: &View<'_>, before: &Operation, after: &Operation, push: &mut impl FnMut(Class, String, &str)) {
    let shown = |view: &View<'_>, op: &Operation| op.body.as_ref().map_or("none".to_owned(), |body| view.rust(&body.ty));
    let key = |view: &View<'_>, op: &Operation| op.body.as_ref().map(|body| (view.key(&body.ty), body.encoding));
    if key(old, before) != key(new, after) {
        let what = format!("body `{}` -> `{}`", shown(old, before), shown(new, after));
        push(Class::Breaking, what, "calls with the old body argument no longer compile");
    }
}

fn diff_query(old: &View<'_>, new: &View<'_>, before: &Operation, after: &Operation, push: &mut impl FnMut(Class, String, &str)) {
    match (before.query_params.is_empty(), after.query_params.is_empty()) {
        (true, false) => return push(Class::Breaking, "takes a `Query`".to_owned(), "the method gains an argument"),
        (false, true) => return push(Class::Breaking, "no longer takes a `Query`".to_owned(), "the method loses an argument"),
        _ => {}
    }
    let held = |view: &View<'_>, param: &ir::QueryParam, rust: bool| {
        let ty = if rust { view.rust(&param.ty) } else { view.key(&param.ty) };
        if param.required { ty } else { format!("Option<{ty}>") }
    };
    for param in &after.query_params {
        match before.query_params.iter().find(|previous| previous.wire_name == param.wire_name) {
            None if param.required => push(
                Class::Breaking,
                format!("query `{}` added, required", param.wire_name),
                "building the `Query` needs the new field",
            ),
            None => push(
                Class::Breaking,
                format!("query `{}` added, optional", param.wire_name),
                &format!("leaving it out sends what was sent before, but {EXHAUSTIVE_QUERY}"),
            ),
            Some(previous) if held(old, previous, false) != held(new, param, false) => push(
                Class::Breaking,
                format!("query `{}`: `{}` -> `{}`", param.wire_name, held(old, previous, true), held(new, param, true)),
                "code that sets the field with its old type no longer compiles",
            ),
            Some(_) => {}
        }
    }
    for gone in
        before.query_params.iter().filter(|gone| !after.query_params.iter().any(|param| param.wire_name == gone.wire_name))
    {
        push(Class::Breaking, format!("query `{}` removed", gone.wire_name), "code that sets the field no longer compiles");
    }
}

fn diff_success(
    old: &View<'_>,
    new: &View<'_>,
    before: &Operation,
    after: &Operation,
    push: &mut impl FnMut(Class, String, &str),
) {
    let (was, is) = (returns(old, &before.success, true), returns(new, &after.success, true));
    if returns(old, &before.success, false) != returns(new, &after.success, false) {
        push(
            Class::Breaking,
            format!("returns `{was}` -> `{is}`"),
            "code that uses the result with its old type no longer compiles",
        );
    }
    if before.success.statuses != after.success.statuses || before.success.any_2xx != after.success.any_2xx {
        let statuses = |success: &ir::Success| {
            let mut shown: Vec<String> = success.statuses.iter().map(u16::to_string).collect();
            if success.any_2xx {
                shown.push("2XX".to_owned());
            }
            shown.join(", ")
        };
        let what = format!("success statuses {} -> {}", statuses(&before.success), statuses(&after.success));
        push(Class::None, what, "which answers are successes changes; no signature does");
    }
}

/// What the method returns, as Rust (`rust`) or by the types' origins.
fn returns(view: &View<'_>, success: &ir::Success, rust: bool) -> String {
    let body = |body: &ResponseBody| -> String {
        match body {
            ResponseBody::Empty => "()".to_owned(),
            ResponseBody::Bytes => "Vec<u8>".to_owned(),
            ResponseBody::Json(ty) if rust => view.rust(ty),
            ResponseBody::Json(ty) => view.key(ty),
            ResponseBody::ByStatus(_) => String::new(),
        }
    };
    let shown = match &success.body {
        ResponseBody::ByStatus(variants) => {
            let variants: Vec<String> =
                variants.iter().map(|variant| format!("{}({})", variant.variant, body(&variant.body))).collect();
            format!("Response {{ {} }}", variants.join(", "))
        }
        other => body(other),
    };
    if success.empty_allowed { format!("Option<{shown}>") } else { shown }
}
