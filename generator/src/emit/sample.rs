//! The sample in each `Client` method's docs: a doc test that reads credentials from the
//! environment, builds the arguments from the operation's `Sample` and calls the method, with
//! hidden lines that answer it from the `test-util` mock; and the same request as curl sends it.

use std::collections::BTreeMap;

use proc_macro2::{Literal, Span};
use quote::quote;
use syn::Expr;
use syn::punctuated::Punctuated;

use super::syntax::{self, ident};
use super::template::{self, Fill};
use super::wire;
use crate::ir::{Api, Operation, ResponseBody, Sample, SampleRead, SampleValue, Ty};

/// The crate the doc tests call, as a path's first segment.
const CRATE: &str = "atlas_admin";

/// The docs' `# Examples` section for `operation`, or nothing without a sample: a doc test,
/// its replacement's doc test for a deprecated operation whose replacement is in the spec, the
/// `atlas-members` command where the spec names one, and the same request with curl, with a
/// service account's token and with an API key's digest. The doc test's frame (the hidden
/// `main`, the environment, the mock, the client) is the same for every operation: its lines
/// are attributes built once per thread and cloned. What varies (the mock's answer, the
/// arguments, the call and what is done with its result) fills a template parsed once per
/// thread, and is printed per operation. `__hidden!()` and `__shown!()` mark where the lines
/// rustdoc hides begin and end, and are dropped; `__call!()` is where the call goes in the
/// frame.
pub(super) fn attrs(api: &Api, operation: &Operation) -> Vec<syn::Attribute> {
    let Some(sample) = api.samples.get(&operation.fn_name) else { return Vec::new() };
    let line = |line: &str| syntax::doc_attr(syntax::doc_literal(line));
    TEMPLATE.with(|template| {
        let fixed = &template.lines;
        let mut attrs = fixed.examples.clone();
        doc_test(api, operation, sample, template, None, &mut attrs);
        if let Some((replacement, replacement_sample)) = replacement(api, operation) {
            attrs.push(fixed.blank.clone());
            attrs.push(line(&format!("Its replacement, `Client::{}`, the same way:", replacement.fn_name)));
            // The method's docs exist only with its own tag's feature; the replacement's doc
            // test also needs the replacement's.
            let needs = (replacement.tag != operation.tag).then(|| api.tags[replacement.tag].feature.as_str());
            doc_test(api, replacement, replacement_sample, template, needs, &mut attrs);
        }
        if let Some(command) = &sample.command {
            attrs.extend(fixed.command.iter().cloned());
            attrs.push(line(command));
            attrs.push(fixed.fence.clone());
        }
        let curl: Vec<syn::Attribute> = wire::curl(api, operation, sample).iter().map(|text| line(text)).collect();
        for (intro, credentials) in [(&fixed.token, &fixed.authorization), (&fixed.digest, &fixed.digest_user)] {
            attrs.extend(intro.iter().cloned());
            attrs.extend(curl.first().cloned());
            attrs.push(credentials.clone());
            attrs.extend(curl[1..].iter().cloned());
            attrs.push(fixed.fence.clone());
        }
        attrs
    })
}

/// `operation`'s doc test alone, fences included, for the crate's front page (compiled with
/// any feature, so the doc test runs only with its operation's): nothing without a sample.
pub(super) fn doc_test_of(api: &Api, operation: &Operation) -> Vec<syn::Attribute> {
    let Some(sample) = api.samples.get(&operation.fn_name) else { return Vec::new() };
    let mut attrs = Vec::new();
    let needs = Some(api.tags[operation.tag].feature.as_str());
    TEMPLATE.with(|template| doc_test(api, operation, sample, template, needs, &mut attrs));
    attrs
}

/// The deprecated `operation`'s replacement and its sample, when both are in the spec.
pub(super) fn replacement<'a>(api: &'a Api, operation: &Operation) -> Option<(&'a Operation, &'a Sample)> {
    let name = operation.replacement.as_ref()?.fn_name.as_deref()?;
    let replacement = api.operations.iter().find(|candidate| candidate.fn_name == name)?;
    Some((replacement, api.samples.get(name)?))
}

/// `operation`'s doc test, fences included: the frame's lines around the printed call. With
/// `needs`, the doc test runs only with that cargo feature on too (the frame's `cfg`s name it).
fn doc_test(
    api: &Api,
    operation: &Operation,
    sample: &Sample,
    template: &SampleTemplate,
    needs: Option<&str>,
    attrs: &mut Vec<syn::Attribute>,
) {
    let call = fill(api, operation, sample, template);
    let printed = crate::format::print(&syn::File { shebang: None, attrs: Vec::new(), items: vec![call] });
    let body = printed.lines().skip(1).take_while(|line| *line != "}").collect::<Vec<_>>().join("\n");
    let lines = &template.lines;
    let (head, tail) = match needs {
        None => (lines.head.clone(), lines.tail.clone()),
        Some(feature) => (gated(&lines.head_text, feature), gated(&lines.tail_text, feature)),
    };
    attrs.extend(head);
    attrs.extend(mark_hidden(&body, false).iter().map(|text| syntax::doc_attr(syntax::doc_literal(text))));
    attrs.extend(tail);
}

/// The frame's lines `text` as doc lines, with its `cfg`s on `test-util` also naming `feature`.
fn gated(text: &[String], feature: &str) -> Vec<syn::Attribute> {
    let both = format!("all(feature = \"test-util\", feature = \"{feature}\")");
    let line = |line: &String| line.replace("feature = \"test-util\"", &both);
    text.iter().map(|text| syntax::doc_attr(syntax::doc_literal(&line(text)))).collect()
}

/// The doc lines every sample has, built once per thread.
struct FixedLines {
    /// `# Examples`, after a blank line.
    examples: Vec<syn::Attribute>,
    /// A doc test's fence and the frame to where the call goes.
    head: Vec<syn::Attribute>,
    /// From after the call to the closing fence.
    tail: Vec<syn::Attribute>,
    /// `head` and `tail` as text.
    head_text: Vec<String>,
    tail_text: Vec<String>,
    /// What introduces the `atlas-members` command, up to its fence.
    command: Vec<syn::Attribute>,
    /// What introduces each curl command, up to its fence.
    token: Vec<syn::Attribute>,
    digest: Vec<syn::Attribute>,
    /// The curl command's credentials line: a service account's token, an API key's digest.
    authorization: syn::Attribute,
    digest_user: syn::Attribute,
    blank: syn::Attribute,
    fence: syn::Attribute,
}

/// A fence may follow a heading or a paragraph without a blank line: one line less to print.
fn fixed_lines() -> FixedLines {
    let attr = |line: &str| syntax::doc_attr(syntax::doc_literal(line));
    let attrs = |lines: &[&str]| lines.iter().map(|line| attr(line)).collect::<Vec<_>>();
    let (frame_head, frame_tail) = frame();
    let mut head_text = vec!["```".to_owned()];
    head_text.extend(frame_head);
    let mut tail_text = frame_tail;
    tail_text.push("```".to_owned());
    FixedLines {
        examples: attrs(&["", "# Examples"]),
        head: head_text.iter().map(|line| attr(line)).collect(),
        tail: tail_text.iter().map(|line| attr(line)).collect(),
        head_text,
        tail_text,
        command: attrs(&["", "The same with the `atlas-members` tool:", "```text"]),
        token: attrs(&["", "The same request with curl and a service account's access token:", "```text"]),
        digest: attrs(&["", "And with an API key's public and private keys (HTTP digest):", "```text"]),
        authorization: attr(wire::AUTHORIZATION),
        digest_user: attr(wire::DIGEST_USER),
        blank: attr(""),
        fence: attr("```"),
    }
}

/// The function whose body is the varying part of the doc test.
fn fill(api: &Api, operation: &Operation, sample: &Sample, template: &SampleTemplate) -> syn::Item {
    let operation_id = Fill::Expr(syntax::str_expr(&operation.operation_id));
    let status = Fill::Expr(syntax::lit_expr(syn::Lit::new(Literal::u16_unsuffixed(sample.status))));
    let (mut answer, mut fills) = match &sample.answer {
        Some(answer) => (template.json_answer.clone(), vec![("__json", Fill::Expr(syntax::str_expr(&wire::json(answer))))]),
        None => (template.status_answer.clone(), Vec::new()),
    };
    fills.extend([("__operation", operation_id), ("__status", status)]);
    template::fill_stmts(&mut answer, &mut fills);
    let mut arguments = Vec::new();
    let mut setup = Vec::new();
    for (param, value) in operation.path_params.iter().zip(&sample.path_args) {
        let mut fills = vec![("__name", Fill::Ident(ident(&param.name)))];
        setup.push(match (&param.ty, value) {
            (Ty::Id(id), SampleValue::Id(example)) => {
                fills.push(("__example", Fill::Expr(syntax::str_expr(example))));
                fills.push(("__Id", Fill::Type(syntax::plain(&[CRATE, "ids", id]))));
                filled(&template.id_argument, &mut fills)
            }
            _ => {
                let example = match value {
                    SampleValue::String(text) => syntax::str_expr(text),
                    other => expr(api, other),
                };
                fills.push(("__example", Fill::Expr(example)));
                filled(&template.str_argument, &mut fills)
            }
        });
        arguments.push(syntax::reference_expr(syntax::variable(&param.name)));
    }
    if let Some(body) = &sample.body {
        setup.push(filled(&template.body, &mut [("__body", Fill::Expr(expr(api, body)))]));
        arguments.push(syntax::reference_expr(syntax::variable("body")));
    }
    if !sample.query.is_empty() {
        setup.push(filled(&template.query, &mut [("__query", Fill::Expr(query_expr(api, operation, sample)))]));
        arguments.push(syntax::reference_expr(syntax::variable("query")));
    } else if !operation.query_params.is_empty() {
        arguments.push(syntax::reference_expr(syntax::call(&["Default", "default"], [])));
    }
    let result = result(operation, sample, template, arguments);
    // `fn call() { __hidden!(); <answer> __shown!(); <setup> <result> }`
    let mut function = template.function.clone();
    let [hidden, shown] = template.markers.clone();
    function.block.stmts = [hidden].into_iter().chain(answer).chain([shown]).chain(setup).chain(result).collect();
    syn::Item::Fn(function)
}

/// The call and what is done with its result: the stream of a paginated operation collected,
/// a `Response` matched by status, the documented errors told apart, or the result printed.
fn result(operation: &Operation, sample: &Sample, template: &SampleTemplate, arguments: Vec<Expr>) -> Vec<syn::Stmt> {
    let mut method = operation.fn_name.as_str();
    let mut arms = Vec::new();
    let mut result = match (&operation.paging, &operation.success.body) {
        (Some(paging), _) => {
            method = &paging.stream_fn;
            template.stream.clone()
        }
        (None, ResponseBody::ByStatus(bodies)) => {
            for body in bodies {
                let mut fills =
                    [("__module", Fill::Ident(ident(&operation.module))), ("__Variant", Fill::Ident(ident(&body.variant)))];
                let arm = if body.body == ResponseBody::Empty { &template.unit_arm } else { &template.body_arm };
                let mut arm = arm.clone();
                template::fill_arm(&mut arm, &mut fills);
                arms.push(arm);
            }
            template.by_status.clone()
        }
        (None, ResponseBody::Empty) if !sample.errors.is_empty() => {
            arms.extend(sample.errors.iter().filter_map(|status| template.error_arms.get(status).cloned()));
            template.told_apart_empty.clone()
        }
        (None, _) if !sample.errors.is_empty() => {
            arms.push(match &sample.read {
                Some(read) => {
                    let mut arm = template.ok_read.clone();
                    template::fill_arm(&mut arm, &mut [("__read", Fill::Expr(read_expr(read)))]);
                    arm
                }
                None => template.ok_print.clone(),
            });
            arms.extend(sample.errors.iter().filter_map(|status| template.error_arms.get(status).cloned()));
            template.told_apart.clone()
        }
        (None, ResponseBody::Empty) => template.call.clone(),
        (None, _) if sample.read.is_some() => template.call_and_read.clone(),
        (None, _) => template.call_and_print.clone(),
    };
    let mut fills =
        vec![("__method", Fill::Ident(ident(method))), ("__arguments", Fill::Exprs(arguments)), ("__arms", Fill::Arms(arms))];
    fills.extend(sample.read.as_ref().map(|read| ("__read", Fill::Expr(read_expr(read)))));
    template::fill_stmts(&mut result, &mut fills);
    result
}

/// The operation's `Query` with its required parameters' values and the others `None`: it has
/// no `Default`.
fn query_expr(api: &Api, operation: &Operation, sample: &Sample) -> Expr {
    let fields = operation.query_params.iter().zip(&sample.query).map(|(param, value)| syn::FieldValue {
        attrs: Vec::new(),
        member: syn::Member::Named(ident(&param.name)),
        colon_token: Some(Default::default()),
        expr: value.as_ref().map_or_else(|| syntax::variable("None"), |value| expr(api, value)),
    });
    Expr::Struct(syn::ExprStruct {
        attrs: Vec::new(),
        qself: None,
        path: syntax::path(&[CRATE, "operations", &operation.module, "Query"]),
        brace_token: Default::default(),
        fields: fields.collect(),
        dot2_token: None,
        rest: None,
    })
}

/// `result.id` or `result.id()`: how the sample reads the result's `id`.
fn read_expr(read: &SampleRead) -> Expr {
    let result = Box::new(syntax::variable("result"));
    match read {
        SampleRead::Field(name) => Expr::Field(syn::ExprField {
            attrs: Vec::new(),
            base: result,
            dot_token: Default::default(),
            member: syn::Member::Named(ident(name)),
        }),
        SampleRead::Method(name) => Expr::MethodCall(syn::ExprMethodCall {
            attrs: Vec::new(),
            receiver: result,
            dot_token: Default::default(),
            method: ident(name),
            turbofish: None,
            paren_token: Default::default(),
            args: Punctuated::new(),
        }),
    }
}

fn filled(statement: &syn::Stmt, fills: &mut [(&str, Fill)]) -> syn::Stmt {
    let mut statement = statement.clone();
    template::fill_stmt(&mut statement, fills);
    statement
}

/// The frame's lines before the call and after it, and the templates of what varies.
struct SampleTemplate {
    lines: FixedLines,
    /// The function the varying statements are printed in, and the markers between them.
    function: syn::ItemFn,
    markers: [syn::Stmt; 2],
    json_answer: Vec<syn::Stmt>,
    status_answer: Vec<syn::Stmt>,
    id_argument: syn::Stmt,
    str_argument: syn::Stmt,
    body: syn::Stmt,
    /// A `Query` without `Default`, built.
    query: syn::Stmt,
    call: Vec<syn::Stmt>,
    call_and_print: Vec<syn::Stmt>,
    /// The call, then the result's `id` (`__read`).
    call_and_read: Vec<syn::Stmt>,
    /// Every item of a paginated operation, page after page.
    stream: Vec<syn::Stmt>,
    /// A `Response` matched, an arm per status (`body_arm`, `unit_arm`).
    by_status: Vec<syn::Stmt>,
    body_arm: syn::Arm,
    unit_arm: syn::Arm,
    /// The result matched, an arm per documented error status (`error_arms`) before the rest.
    told_apart: Vec<syn::Stmt>,
    told_apart_empty: Vec<syn::Stmt>,
    /// `told_apart`'s first arm: the result printed, or its `id` read.
    ok_print: syn::Arm,
    ok_read: syn::Arm,
    error_arms: BTreeMap<u16, syn::Arm>,
}

thread_local! {
    /// Parsed (and the frame printed) once per thread.
    static TEMPLATE: SampleTemplate = SampleTemplate {
        lines: fixed_lines(),
        function: template::parse(quote!(fn call() {})),
        markers: [template::parse(quote!(__hidden!();)), template::parse(quote!(__shown!();))],
        json_answer: template::statements(quote! {
            let answer: serde_json::Value = serde_json::from_str(__json)?;
            mock.add(Rule::new(__operation).json(__status, &answer));
        }),
        status_answer: template::statements(quote!(mock.add(Rule::new(__operation).status(__status));)),
        id_argument: template::parse(quote!(let __name: __Id = __example.parse()?;)),
        str_argument: template::parse(quote!(let __name = __example;)),
        body: template::parse(quote!(let body = __body;)),
        query: template::parse(quote!(let query = __query;)),
        call: template::statements(quote!(client.__method(__arguments).await?;)),
        call_and_print: template::statements(quote! {
            let result = client.__method(__arguments).await?;
            println!("{result:?}");
        }),
        call_and_read: template::statements(quote! {
            let result = client.__method(__arguments).await?;
            let id = __read;
            println!("id: {id:?}");
        }),
        stream: template::statements(quote! {
            use futures::TryStreamExt;
            let items: Vec<_> = client.__method(__arguments).try_collect().await?;
            println!("{} items: {items:?}", items.len());
        }),
        by_status: template::statements(quote! {
            match client.__method(__arguments).await? {
                __arms => unreachable!(),
            }
        }),
        body_arm: template::parse_arm(quote!(atlas_admin::operations::__module::Response::__Variant(body) => println!("{body:?}"),)),
        unit_arm: template::parse_arm(quote!(atlas_admin::operations::__module::Response::__Variant => println!("no body"),)),
        told_apart: template::statements(quote! {
            use atlas_admin::http::StatusCode;
            match client.__method(__arguments).await {
                __arms => unreachable!(),
                Err(error) => return Err(error.into()),
            }
        }),
        ok_print: template::parse_arm(quote!(Ok(result) => println!("{result:?}"),)),
        ok_read: template::parse_arm(quote! {
            Ok(result) => {
                let id = __read;
                println!("id: {id:?}")
            }
        }),
        told_apart_empty: template::statements(quote! {
            use atlas_admin::http::StatusCode;
            match client.__method(__arguments).await {
                Ok(()) => println!("done"),
                __arms => unreachable!(),
                Err(error) => return Err(error.into()),
            }
        }),
        error_arms: BTreeMap::from([
            (409, template::parse_arm(quote! {
                Err(error) if error.status() == Some(StatusCode::CONFLICT) => println!("already there: {error}"),
            })),
            (404, template::parse_arm(quote! {
                Err(error) if error.status() == Some(StatusCode::NOT_FOUND) => println!("not found: {error}"),
            })),
        ]),
    };
}

fn frame() -> (Vec<String>, Vec<String>) {
    let tokens = quote! {
        #[cfg(feature = "test-util")]
        #[tokio::main(flavor = "current_thread")]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            unsafe {
                std::env::set_var("MONGODB_ATLAS_CLIENT_ID", "mdb_sa_id_example");
                std::env::set_var("MONGODB_ATLAS_CLIENT_SECRET", "mdb_sa_sk_example");
            }
            use atlas_admin::test_util::{MockTransport, Rule};
            let mock = MockTransport::new();
            __shown!();
            let client = atlas_admin::Client::builder()
                .service_account(std::env::var("MONGODB_ATLAS_CLIENT_ID")?, std::env::var("MONGODB_ATLAS_CLIENT_SECRET")?)
                .build()?;
            __hidden!();
            let client = mock.client();
            __call!();
            assert!(mock.unmatched().is_empty());
            Ok(())
        }
        #[cfg(not(feature = "test-util"))]
        fn main() {}
    };
    let printed = crate::format::unparse(tokens).expect("the sample's frame parses");
    let (head, tail) = printed.split_once("    __call!();\n").expect("the frame has a place for the call");
    (mark_hidden(head, true), mark_hidden(tail, true))
}

/// `printed` with the markers dropped, the shown lines out of `main`'s indentation, and each
/// run of hidden lines one line behind rustdoc's `# ` (hidden from the start or not): nobody
/// reads them on the page, and every doc line costs the printer.
fn mark_hidden(printed: &str, mut hidden: bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut run = false;
    for line in printed.lines() {
        match line.trim() {
            "__hidden!();" => hidden = true,
            "__shown!();" => hidden = false,
            "" if hidden => {}
            text if hidden => {
                match lines.last_mut() {
                    Some(last) if run => {
                        last.push(' ');
                        last.push_str(text);
                    }
                    _ => lines.push(format!("# {text}")),
                }
                run = true;
            }
            _ => {
                lines.push(line.strip_prefix("    ").unwrap_or(line).to_owned());
                run = false;
            }
        }
    }
    lines
}

/// The expression that builds `value`.
fn expr(api: &Api, value: &SampleValue) -> Expr {
    let named = |id, rest: &[&str]| {
        let name = api.type_name(id);
        let module = match syntax::module_of(api, name) {
            crate::ir::Module::Models => "models",
            crate::ir::Module::Roles => "roles",
        };
        let mut segments = vec![CRATE, module, name];
        segments.extend_from_slice(rest);
        segments.iter().map(|segment| segment.to_string()).collect::<Vec<_>>()
    };
    let path = |segments: Vec<String>| syntax::path(&segments.iter().map(String::as_str).collect::<Vec<_>>());
    let parse = |text: &str| try_expr(syntax::method_call(syntax::str_expr(text), "parse", Vec::new()));
    match value {
        SampleValue::String(text) => syntax::method_call(syntax::str_expr(text), "to_owned", Vec::new()),
        SampleValue::Bool(value) => syntax::lit_expr(syn::Lit::Bool(syn::LitBool::new(*value, Span::call_site()))),
        SampleValue::Integer(value) => syntax::lit_expr(syn::Lit::new(Literal::i64_unsuffixed(*value))),
        SampleValue::Number(value) => syntax::lit_expr(syn::Lit::new(Literal::f64_unsuffixed(*value))),
        SampleValue::DateTime(text) | SampleValue::Id(text) => parse(text),
        SampleValue::Json => Expr::Path(syntax::path_expr(&["serde_json", "Value", "Null"])),
        SampleValue::Null => syntax::variable("None"),
        SampleValue::Variant { ty, variant, .. } => Expr::Path(path_expr(path(named(*ty, &[variant])))),
        SampleValue::Union { ty, variant, boxed, value } => {
            let value = expr(api, value);
            let value = if *boxed { syntax::call(&["Box", "new"], [value]) } else { value };
            call_path(path(named(*ty, &[variant])), vec![value])
        }
        SampleValue::Struct { ty, fields, omitted, defaulted, rest } => {
            if *defaulted && fields.is_empty() {
                return call_path(path(named(*ty, &["default"])), Vec::new());
            }
            let field = |name: &str, expr: Expr| syn::FieldValue {
                attrs: Vec::new(),
                member: syn::Member::Named(ident(name)),
                colon_token: Some(Default::default()),
                expr,
            };
            let mut values: Punctuated<syn::FieldValue, syn::Token![,]> = fields
                .iter()
                .map(|sample| {
                    let value = expr(api, &sample.value);
                    let boxed = sample.boxed && sample.value != SampleValue::Null;
                    let value = if boxed { syntax::call(&["Box", "new"], [value]) } else { value };
                    let value = if sample.optional { syntax::call(&["Some"], [value]) } else { value };
                    field(&sample.name, value)
                })
                .collect();
            let default = || syntax::call(&["Default", "default"], []);
            // `..Default::default()` only where it fills a field.
            let fill_rest = *defaulted && !omitted.is_empty();
            if !*defaulted {
                values.extend(omitted.iter().map(|name| field(name, syntax::variable("None"))));
                values.extend(rest.iter().map(|name| field(name, default())));
            }
            if !values.empty_or_trailing() {
                values.push_punct(Default::default());
            }
            Expr::Struct(syn::ExprStruct {
                attrs: Vec::new(),
                qself: None,
                path: path(named(*ty, &[])),
                brace_token: Default::default(),
                fields: values,
                dot2_token: fill_rest.then(Default::default),
                rest: fill_rest.then(|| Box::new(default())),
            })
        }
        SampleValue::Vec(items) => {
            let array = Expr::Array(syn::ExprArray {
                attrs: Vec::new(),
                bracket_token: Default::default(),
                elems: items.iter().map(|item| expr(api, item)).collect(),
            });
            // prettyplease prints a macro's tokens as they are (`vec![]`): an array it lays out.
            syntax::call(&["Vec", "from"], [array])
        }
        SampleValue::Map => syntax::call(&["Default", "default"], []),
        SampleValue::Some(value) => syntax::call(&["Some"], [expr(api, value)]),
    }
}

fn try_expr(expr: Expr) -> Expr {
    Expr::Try(syn::ExprTry { attrs: Vec::new(), expr: Box::new(expr), question_token: Default::default() })
}

fn path_expr(path: syn::Path) -> syn::ExprPath {
    syn::ExprPath { attrs: Vec::new(), qself: None, path }
}

fn call_path(path: syn::Path, args: Vec<Expr>) -> Expr {
    Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(Expr::Path(path_expr(path))),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use crate::ir::{SampleField, SampleValue, TypeId};

    #[test]
    fn json_is_the_wire_form_with_strings_escaped() {
        let field = |wire_name: &str, value| SampleField {
            name: String::new(),
            wire_name: wire_name.to_owned(),
            boxed: false,
            optional: false,
            value,
        };
        let value = SampleValue::Struct {
            ty: TypeId(0),
            fields: vec![
                field("name", SampleValue::String("say \"hé\"\\\n".to_owned())),
                field(
                    "roles",
                    SampleValue::Vec(vec![SampleValue::Variant {
                        ty: TypeId(1),
                        variant: "GroupOwner".to_owned(),
                        wire: "GROUP_OWNER".to_owned(),
                    }]),
                ),
                field("note", SampleValue::Null),
            ],
            omitted: Vec::new(),
            defaulted: false,
            rest: None,
        };
        assert_eq!(super::wire::json(&value), r#"{"name":"say \"hé\"\\\u000a","roles":["GROUP_OWNER"],"note":null}"#);
    }
}
