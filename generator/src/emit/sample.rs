//! The sample in each `Client` method's docs: a doc test that reads credentials from the
//! environment, builds the arguments from the operation's `Sample` and calls the method, with
//! hidden lines that answer it from the `test-util` mock; and the same request as curl sends it.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::visit_mut::VisitMut;

use super::syntax::{self, Paths, ident};
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

/// The doc test, printed once: `__hidden!()` and `__shown!()` mark where the lines rustdoc
/// hides begin and end, and are dropped.
fn doc_test(api: &Api, operation: &Operation, sample: &Sample) -> Vec<String> {
    let operation_id = &operation.operation_id;
    let status = Literal::u16_unsuffixed(sample.status);
    let answer_rule = match (&sample.answer, &operation.success.body) {
        (Some(answer), ResponseBody::Json(ty)) => {
            let ty = in_crate(syntax::ty(api, ty, Paths::Qualified));
            let answer = expr(api, answer);
            quote!(let answer: #ty = #answer; let rule = atlas_admin::test_util::Rule::new(#operation_id).json(#status, &answer);)
        }
        (Some(answer), _) => {
            let answer = expr(api, answer);
            quote!(let answer = #answer; let rule = atlas_admin::test_util::Rule::new(#operation_id).json(#status, &answer);)
        }
        (None, _) => quote!(let rule = atlas_admin::test_util::Rule::new(#operation_id).status(#status);),
    };
    let mut arguments = Vec::new();
    let mut setup = Vec::new();
    for (param, example) in operation.path_params.iter().zip(&sample.path_args) {
        let name = ident(&param.name);
        setup.push(match &param.ty {
            Ty::Id(id) => {
                let id = syntax::path(&[CRATE, "ids", id]);
                quote!(let #name: #id = #example.parse()?;)
            }
            _ => quote!(let #name = #example;),
        });
        arguments.push(quote!(&#name));
    }
    if let Some(body) = &sample.body {
        let body = expr(api, body);
        setup.push(quote!(let body = #body;));
        arguments.push(quote!(&body));
    }
    if !operation.query_params.is_empty() {
        arguments.push(quote!(&Default::default()));
    }
    let method = ident(&operation.fn_name);
    let call = quote!(client.#method(#(#arguments),*).await?);
    let result = match operation.success.body {
        ResponseBody::Empty => quote!(#call;),
        _ => quote!(let result = #call; println!("{result:?}");),
    };
    let tokens = quote! {
        #[cfg(feature = "test-util")]
        #[tokio::main(flavor = "current_thread")]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            unsafe {
                std::env::set_var("MONGODB_ATLAS_CLIENT_ID", "mdb_sa_id_1234567890abcdef12345678");
                std::env::set_var("MONGODB_ATLAS_CLIENT_SECRET", "mdb_sa_sk_example");
            }
            #answer_rule
            let mock = atlas_admin::test_util::MockTransport::new().with(rule);
            __shown!();
            let client = atlas_admin::Client::builder()
                .service_account(std::env::var("MONGODB_ATLAS_CLIENT_ID")?, std::env::var("MONGODB_ATLAS_CLIENT_SECRET")?)
                .build()?;
            __hidden!();
            let client = mock.client();
            __shown!();
            #(#setup)*
            #result
            __hidden!();
            assert!(mock.unmatched().is_empty());
            Ok(())
        }
        #[cfg(not(feature = "test-util"))]
        fn main() {}
    };
    let printed = match crate::format::unparse(tokens.clone()) {
        Ok(printed) => printed,
        Err(error) => panic!("generator bug: a sample does not parse ({error}): {tokens}"),
    };
    mark_hidden(&printed)
}

/// The printed doc test with rustdoc's `# ` before each hidden line, the markers dropped and
/// the shown lines out of `main`'s indentation.
fn mark_hidden(printed: &str) -> Vec<String> {
    let mut hidden = true;
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

/// A type of the crate as a doc test names it: `atlas_admin::` where the crate says `crate::`.
fn in_crate(mut ty: syn::Type) -> syn::Type {
    struct InCrate;
    impl VisitMut for InCrate {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if let Some(first) = path.segments.first_mut()
                && first.ident == "crate"
            {
                first.ident = ident(CRATE);
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    InCrate.visit_type_mut(&mut ty);
    ty
}

/// The expression that builds `value`.
fn expr(api: &Api, value: &SampleValue) -> TokenStream {
    let named = |id| {
        let name = api.type_name(id);
        let module = match syntax::module_of(api, name) {
            crate::ir::Module::Models => "models",
            crate::ir::Module::Roles => "roles",
        };
        syntax::path(&[CRATE, module, name])
    };
    match value {
        SampleValue::String(text) => quote!(#text.to_owned()),
        SampleValue::Bool(value) => quote!(#value),
        SampleValue::Integer(value) => {
            let value = Literal::i64_unsuffixed(*value);
            quote!(#value)
        }
        SampleValue::Number(value) => {
            let value = Literal::f64_unsuffixed(*value);
            quote!(#value)
        }
        SampleValue::DateTime(text) | SampleValue::Id(text) => quote!(#text.parse()?),
        SampleValue::Json => quote!(serde_json::Value::Null),
        SampleValue::Variant { ty, variant, .. } => {
            let (ty, variant) = (named(*ty), ident(variant));
            quote!(#ty::#variant)
        }
        SampleValue::Union { ty, variant, boxed, value } => {
            let (ty, variant, value) = (named(*ty), ident(variant), expr(api, value));
            if *boxed { quote!(#ty::#variant(Box::new(#value))) } else { quote!(#ty::#variant(#value)) }
        }
        SampleValue::Struct { ty, fields, omitted, defaulted, rest } => {
            let ty = named(*ty);
            let set = fields.iter().map(|field| {
                let (name, value) = (ident(&field.name), expr(api, &field.value));
                let value = if field.boxed { quote!(Box::new(#value)) } else { value };
                if field.optional { quote!(#name: Some(#value)) } else { quote!(#name: #value) }
            });
            if *defaulted {
                if fields.is_empty() {
                    return quote!(#ty::default());
                }
                return quote!(#ty { #(#set,)* ..Default::default() });
            }
            let omitted = omitted.iter().map(|name| ident(name));
            let rest = rest.iter().map(|name| ident(name));
            quote!(#ty { #(#set,)* #(#omitted: None,)* #(#rest: Default::default(),)* })
        }
        SampleValue::Vec(items) => {
            let items = items.iter().map(|item| expr(api, item));
            // prettyplease prints a macro's tokens as they are: an array call it lays out.
            quote!(Vec::from([#(#items),*]))
        }
        SampleValue::Map => quote!(Default::default()),
        SampleValue::Some(value) => {
            let value = expr(api, value);
            quote!(Some(#value))
        }
    }
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
        SampleValue::Json => "null".to_owned(),
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
