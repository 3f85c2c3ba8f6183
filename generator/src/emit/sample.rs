//! The sample in each `Client` method's docs: a doc test that reads credentials from the
//! environment, builds the arguments from the operation's `Sample` and calls the method, with
//! hidden lines that answer it from the `test-util` mock; and the same request as curl sends it.

use proc_macro2::{Literal, Span};
use quote::quote;
use syn::Expr;
use syn::punctuated::Punctuated;

use super::syntax::{self, ident};
use super::template::{self, Fill};
use crate::ir::{Api, Method, Operation, PathSegment, ResponseBody, Sample, SampleValue, Ty};

/// The crate the doc tests call, as a path's first segment.
const CRATE: &str = "atlas_admin";

/// The docs' `# Examples` section for `operation`, as lines, or nothing without a sample.
pub(super) fn lines(api: &Api, operation: &Operation) -> Vec<String> {
    let Some(sample) = api.samples.get(&operation.fn_name) else { return Vec::new() };
    let mut lines = vec![String::new(), "# Examples".to_owned(), String::new(), "```".to_owned()];
    lines.extend(doc_test(api, operation, sample));
    lines.push("```".to_owned());
    lines.push(String::new());
    lines.push("The same request with curl and a service account's access token:".to_owned());
    lines.push(String::new());
    lines.push("```text".to_owned());
    lines.extend(curl(api, operation, sample));
    lines.push("```".to_owned());
    lines
}

/// The doc test. Its frame (the hidden `main`, the environment, the mock, the client) is the
/// same for every operation: printed once per thread. What varies (the mock's answer, the
/// arguments, the call) fills a template parsed once per thread, and is printed per operation.
/// `__hidden!()` and `__shown!()` mark where the lines rustdoc hides begin and end, and are
/// dropped; `__call!()` is where the call goes in the frame.
fn doc_test(api: &Api, operation: &Operation, sample: &Sample) -> Vec<String> {
    let (call, frame) = TEMPLATE.with(|template| (fill(api, operation, sample, template), template.frame.clone()));
    let printed = crate::format::print(&syn::File { shebang: None, attrs: Vec::new(), items: vec![call] });
    let body = printed.lines().skip(1).take_while(|line| *line != "}").collect::<Vec<_>>().join("\n");
    let (head, tail) = frame;
    let mut lines = head;
    lines.extend(mark_hidden(&body, false));
    lines.extend(tail);
    lines
}

/// The function whose body is the varying part of the doc test.
fn fill(api: &Api, operation: &Operation, sample: &Sample, template: &SampleTemplate) -> syn::Item {
    let operation_id = Fill::Expr(syntax::str_expr(&operation.operation_id));
    let status = Fill::Expr(syntax::lit_expr(syn::Lit::new(Literal::u16_unsuffixed(sample.status))));
    let (mut answer, mut fills) = match &sample.answer {
        Some(answer) => (template.json_answer.clone(), vec![("__json", Fill::Expr(syntax::str_expr(&json(answer))))]),
        None => (template.status_answer.clone(), Vec::new()),
    };
    fills.extend([("__operation", operation_id), ("__status", status)]);
    template::fill_stmts(&mut answer, &mut fills);
    let mut arguments = Vec::new();
    let mut setup = Vec::new();
    for (param, example) in operation.path_params.iter().zip(&sample.path_args) {
        let mut fills = vec![("__name", Fill::Ident(ident(&param.name))), ("__example", Fill::Expr(syntax::str_expr(example)))];
        setup.push(match &param.ty {
            Ty::Id(id) => {
                fills.push(("__Id", Fill::Type(syntax::plain(&[CRATE, "ids", id]))));
                filled(&template.id_argument, &mut fills)
            }
            _ => filled(&template.str_argument, &mut fills),
        });
        arguments.push(syntax::reference_expr(syntax::variable(&param.name)));
    }
    if let Some(body) = &sample.body {
        setup.push(filled(&template.body, &mut [("__body", Fill::Expr(expr(api, body)))]));
        arguments.push(syntax::reference_expr(syntax::variable("body")));
    }
    if !operation.query_params.is_empty() {
        arguments.push(syntax::reference_expr(syntax::call(&["Default", "default"], [])));
    }
    let mut result = match operation.success.body {
        ResponseBody::Empty => template.call.clone(),
        _ => template.call_and_print.clone(),
    };
    template::fill_stmts(
        &mut result,
        &mut [("__method", Fill::Ident(ident(&operation.fn_name))), ("__arguments", Fill::Exprs(arguments))],
    );
    let mut item = template.function.clone();
    template::fill_item(
        &mut item,
        &mut [("__answer", Fill::Stmts(answer)), ("__setup", Fill::Stmts(setup)), ("__result", Fill::Stmts(result))],
    );
    item
}

fn filled(statement: &syn::Stmt, fills: &mut [(&str, Fill)]) -> syn::Stmt {
    let mut statement = statement.clone();
    template::fill_stmt(&mut statement, fills);
    statement
}

/// The frame's lines before the call and after it, and the templates of what varies.
struct SampleTemplate {
    frame: (Vec<String>, Vec<String>),
    function: syn::Item,
    json_answer: Vec<syn::Stmt>,
    status_answer: Vec<syn::Stmt>,
    id_argument: syn::Stmt,
    str_argument: syn::Stmt,
    body: syn::Stmt,
    call: Vec<syn::Stmt>,
    call_and_print: Vec<syn::Stmt>,
}

thread_local! {
    /// Parsed (and the frame printed) once per thread.
    static TEMPLATE: SampleTemplate = SampleTemplate {
        frame: frame(),
        function: template::parse(quote! {
            fn call() {
                __hidden!();
                __answer;
                __shown!();
                __setup;
                __result;
            }
        }),
        json_answer: template::statements(quote! {
            let answer: serde_json::Value = serde_json::from_str(__json)?;
            mock.add(Rule::new(__operation).json(__status, &answer));
        }),
        status_answer: template::statements(quote!(mock.add(Rule::new(__operation).status(__status));)),
        id_argument: template::parse(quote!(let __name: __Id = __example.parse()?;)),
        str_argument: template::parse(quote!(let __name = __example;)),
        body: template::parse(quote!(let body = __body;)),
        call: template::statements(quote!(client.__method(__arguments).await?;)),
        call_and_print: template::statements(quote! {
            let result = client.__method(__arguments).await?;
            println!("{result:?}");
        }),
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

/// `printed` with rustdoc's `# ` before each hidden line (hidden from the start or not), the
/// markers dropped and the shown lines out of `main`'s indentation.
fn mark_hidden(printed: &str, mut hidden: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for line in printed.lines() {
        match line.trim() {
            "__hidden!();" => hidden = true,
            "__shown!();" => hidden = false,
            "" if hidden => {}
            _ if hidden => lines.push(format!("# {line}")),
            _ => lines.push(line.strip_prefix("    ").unwrap_or(line).to_owned()),
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
                dot2_token: defaulted.then(Default::default),
                rest: defaulted.then(|| Box::new(default())),
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

/// The request as curl sends it: the method, the URL with the sample's path values, `Accept`
/// with the resource version, and the body as JSON.
fn curl(api: &Api, operation: &Operation, sample: &Sample) -> Vec<String> {
    let mut path = String::new();
    for segment in &operation.path_segments {
        match segment {
            PathSegment::Literal(text) => path.push_str(text),
            PathSegment::Param(index) => path.push_str(sample.path_args.get(*index).map_or("", String::as_str)),
        }
    }
    let base = api.base_url.as_deref().unwrap_or("${BASE_URL}");
    let method = match operation.method {
        Method::Get => String::new(),
        other => format!(" --request {}", other.as_str()),
    };
    let mut lines = vec![
        format!("curl{method} \"{base}{path}\" \\"),
        "  --header \"Authorization: Bearer ${ACCESS_TOKEN}\" \\".to_owned(),
        format!("  --header \"Accept: {}\"", operation.accept),
    ];
    if let (Some(body), Some(value)) = (&operation.body, &sample.body) {
        let last = lines.len() - 1;
        lines[last].push_str(" \\");
        lines.push(format!("  --header \"Content-Type: {}\" \\", body.content_type));
        lines.push(format!("  --data '{}'", json(value)));
    }
    lines
}

/// `value` as JSON on the wire (wire names and values).
fn json(value: &SampleValue) -> String {
    match value {
        SampleValue::String(text) | SampleValue::DateTime(text) | SampleValue::Id(text) => format!("{text:?}"),
        SampleValue::Bool(value) => value.to_string(),
        SampleValue::Integer(value) => value.to_string(),
        SampleValue::Number(value) => value.to_string(),
        SampleValue::Json | SampleValue::Null => "null".to_owned(),
        SampleValue::Variant { wire, .. } => format!("{wire:?}"),
        SampleValue::Union { value, .. } | SampleValue::Some(value) => json(value),
        SampleValue::Struct { fields, .. } => {
            let fields: Vec<String> = fields.iter().map(|field| format!("{:?}:{}", field.wire_name, json(&field.value))).collect();
            format!("{{{}}}", fields.join(","))
        }
        SampleValue::Vec(items) => format!("[{}]", items.iter().map(json).collect::<Vec<_>>().join(",")),
        SampleValue::Map => "{}".to_owned(),
    }
}
