//! `Client` methods, one async method per operation over its sans-IO functions, emitted into
//! each tag's module.

use proc_macro2::{Literal, Span};
use quote::quote;
use syn::Expr;

use super::sample;
use super::signature::{deprecation_attr, fn_args, success_ty};
use super::syntax::{self, Paths, call, doc_literal, field, ident, method_call, variable};
use super::template::{self, Fill, fill_impl_item};
use crate::ir::{Api, Operation, Paging, Ty};

/// The `impl Client` block with one async method per operation (named after its
/// `operationId`), and a stream method for each paginated one. Each method's docs and body are
/// built from templates parsed once per thread (see `template`), the stream methods too.
pub fn methods(api: &Api, operations: &[&Operation]) -> syn::Item {
    TEMPLATE.with(|template| {
        let mut block = template.block.clone();
        for operation in operations {
            block.items.push(emit_method(api, operation, template));
            if let Some(paging) = &operation.paging {
                block.items.push(emit_stream(api, operation, paging, &template.stream));
            }
        }
        syn::Item::Impl(block)
    })
}

thread_local! {
    /// Parsed once per thread (syntax trees cannot cross threads).
    static TEMPLATE: MethodTemplate = MethodTemplate {
        block: template::parse(quote!(impl crate::Client {})),
        signature: template::parse(quote! {
            pub async fn __name(&self) -> Result<__Success, crate::Error> {}
        }),
        body: body_template(),
        stream: stream_template(),
    };
}

/// The docs of an operation's method: its summary and description, what it sends, and its
/// sample.
fn method_doc(api: &Api, operation: &Operation) -> Vec<syn::Attribute> {
    let mut spec_doc = operation.summary.clone();
    if let Some(description) = &operation.doc {
        spec_doc.push_str("\n\n");
        spec_doc.push_str(description);
    }
    let mut attrs = Vec::new();
    syntax::doc_attrs(&spec_doc, &mut attrs);
    // A spec without Atlas's versioned media types has no resource version to name.
    let version = if operation.api_version.is_empty() {
        String::new()
    } else {
        format!(" with resource version {}", operation.api_version)
    };
    let sends = format!(
        "\nSends `{} {}`{version}; [`crate::operations::{}`] builds the same request without a client.",
        operation.method.as_str(),
        operation.path,
        operation.module
    );
    // Authored text: no escaping, so the intra-doc link works.
    attrs.extend(sends.lines().map(|line| syntax::doc_attr(doc_literal(line))));
    if let Some(note) = &operation.method_note {
        attrs.push(syntax::doc_attr(doc_literal("")));
        attrs.push(syntax::doc_attr(doc_literal(note)));
    }
    attrs.extend(sample::attrs(api, operation));
    attrs
}

/// The body every method has: the operation's module and the arguments after the base URL
/// are placeholders.
fn body_template() -> Vec<syn::Stmt> {
    template::statements(quote! {
        use crate::operations::__module as operation;
        let request = operation::request(self.base_url(), __arguments)?;
        let response = self.execute(request, &operation::INFO).await?;
        operation::response(response)
    })
}

/// The `impl` block, and a method's signature (`__name`, returning `__Success`, before its
/// arguments) and body.
struct MethodTemplate {
    block: syn::ItemImpl,
    stream: StreamTemplate,
    signature: syn::ImplItem,
    body: Vec<syn::Stmt>,
}

fn emit_method(api: &Api, operation: &Operation, template: &MethodTemplate) -> syn::ImplItem {
    let name = ident(&operation.fn_name);
    let mut item = template.signature.clone();
    fill_impl_item(&mut item, &mut [("__name", Fill::Ident(name)), ("__Success", Fill::Type(success_ty(api, operation)))]);
    let syn::ImplItem::Fn(mut method) = item else { unreachable!("the template is a method") };
    method.sig.inputs.extend(fn_args(api, operation));
    method.attrs = method_doc(api, operation);
    method.attrs.extend(deprecation_attr(operation));
    if operation.deprecated {
        method.attrs.push(syntax::list_attr("allow", quote!(deprecated)));
    }
    let mut body = template.body.clone();
    // `operation::request(self.base_url(), <arguments>)?`
    let arguments = operation
        .path_params
        .iter()
        .map(|param| param.name.as_str())
        .chain(operation.body.as_ref().map(|_| "body"))
        .chain((!operation.query_params.is_empty()).then_some("query"))
        .map(|name| syn::Expr::Path(syntax::path_expr(&[name])))
        .collect();
    template::fill_stmts(
        &mut body,
        &mut [("__module", Fill::Ident(ident(&operation.module))), ("__arguments", Fill::Exprs(arguments))],
    );
    method.block.stmts = body;
    syn::ImplItem::Fn(method)
}

/// The parts of a stream method: the method itself, with placeholders for its arguments, the
/// statements that copy them, the query's defaults and what a page says; and those statements.
struct StreamTemplate {
    method: syn::ImplItem,
    /// `let __name: String = __name.to_owned();`, `let __name = __name.clone();`
    owned_string: syn::Stmt,
    cloned: syn::Stmt,
    /// `if query.__field.is_none() { query.__field = Some(__value); }`
    default: syn::Stmt,
    /// Whether the page links to a next one.
    has_next: Expr,
}

fn stream_template() -> StreamTemplate {
    let statement = |tokens| template::parse::<syn::Stmt>(tokens);
    StreamTemplate {
        method: template::parse(quote! {
            pub fn __name(&self) -> impl futures_core::Stream<Item = Result<__Item, crate::Error>> + Send + 'static {
                let client = self.clone();
                __owned;
                let mut query = query.clone();
                __defaults;
                let first = query.__page_num.map_or(1, i64::from);
                let paging = crate::runtime::Paging::new(&client, first, query.__items_per_page);
                crate::runtime::paginate(paging, move |page_num| {
                    let client = client.clone();
                    __clones;
                    let mut query = query.clone();
                    async move {
                        query.__page_num = Some(<__PageNumber as crate::runtime::PageNumber>::from_page(page_num)?);
                        let page = client.__method(__call).await?;
                        Ok(crate::runtime::Page { has_next: __has_next, items: __items })
                    }
                })
            }
        }),
        owned_string: statement(quote!(let __name: String = __name.to_owned();)),
        cloned: statement(quote!(let __name = __name.clone();)),
        default: statement(quote! {
            if query.__field.is_none() {
                query.__field = Some(__value);
            }
        }),
        has_next: template::parse(quote!(__links.map(|links| links.iter().any(|link| __rel == Some("next"))))),
    }
}

/// `<method>_stream`: the items of every page in turn, one page in memory at a time.
fn emit_stream(api: &Api, operation: &Operation, paging: &Paging, template: &StreamTemplate) -> syn::ImplItem {
    // The stream outlives the call: it keeps its own copies of the arguments.
    let owned = operation
        .path_params
        .iter()
        .map(|param| match param.ty {
            Ty::String => filled(&template.owned_string, &mut name_fill(&param.name)),
            _ => filled(&template.cloned, &mut name_fill(&param.name)),
        })
        .collect();
    let clones = operation.path_params.iter().map(|param| filled(&template.cloned, &mut name_fill(&param.name))).collect();
    let arguments: Vec<Expr> = operation
        .path_params
        .iter()
        .map(|param| param.name.as_str())
        .chain(["query"])
        .map(|name| syntax::reference_expr(variable(name)))
        .collect();
    let items = field(variable("page"), &paging.results);
    let items = if paging.results_optional { method_call(items, "unwrap_or_default", Vec::new()) } else { items };
    let mut method = template.method.clone();
    fill_impl_item(
        &mut method,
        &mut [
            ("__name", Fill::Ident(ident(&paging.stream_fn))),
            ("__Item", Fill::Type(syntax::ty(api, &paging.item, Paths::Qualified))),
            ("__owned", Fill::Stmts(owned)),
            ("__defaults", Fill::Stmts(query_defaults(paging, template))),
            ("__items_per_page", Fill::Ident(ident(&paging.items_per_page))),
            ("__page_num", Fill::Ident(ident(&paging.page_num))),
            ("__clones", Fill::Stmts(clones)),
            ("__PageNumber", Fill::Type(syntax::ty(api, &paging.page_num_ty, Paths::Qualified))),
            ("__method", Fill::Ident(ident(&operation.fn_name))),
            ("__call", Fill::Exprs(arguments)),
            ("__has_next", Fill::Expr(has_next(paging, template))),
            ("__items", Fill::Expr(items)),
        ],
    );
    let syn::ImplItem::Fn(function) = &mut method else { unreachable!("the stream template is a method") };
    function.sig.inputs.extend(fn_args(api, operation));
    function.attrs = stream_doc(operation, paging);
    function.attrs.extend(deprecation_attr(operation));
    if operation.deprecated {
        function.attrs.push(syntax::list_attr("allow", quote!(deprecated)));
    }
    method
}

/// A copy of a statement template with `fills` filled in.
fn filled(statement: &syn::Stmt, fills: &mut [(&str, Fill)]) -> syn::Stmt {
    let mut statement = statement.clone();
    template::fill_stmt(&mut statement, fills);
    statement
}

fn name_fill(name: &str) -> [(&'static str, Fill); 1] {
    [("__name", Fill::Ident(ident(name)))]
}

/// What the stream sets in its copy of the query unless the caller did: no counts, and the
/// spec's default page size.
fn query_defaults(paging: &Paging, template: &StreamTemplate) -> Vec<syn::Stmt> {
    let default = |field: &str, value: Expr| {
        filled(&template.default, &mut [("__field", Fill::Ident(ident(field))), ("__value", Fill::Expr(value))])
    };
    let mut defaults = Vec::new();
    if let Some(field) = &paging.include_count {
        defaults.push(default(field, syntax::lit_expr(syn::Lit::Bool(syn::LitBool::new(false, Span::call_site())))));
    }
    if let Some(size) = paging.default_items_per_page {
        defaults.push(default(&paging.items_per_page, syntax::lit_expr(syn::Lit::new(Literal::i64_unsuffixed(size)))));
    }
    defaults
}

/// Whether a page links to a next one (`None`, unknown, for a page without links).
fn has_next(paging: &Paging, template: &StreamTemplate) -> Expr {
    let Some(link) = &paging.next_link else { return variable("None") };
    let links = field(variable("page"), &link.links);
    let links = if link.links_optional {
        method_call(links, "as_deref", Vec::new())
    } else {
        call(&["Some"], [method_call(links, "as_slice", Vec::new())])
    };
    let rel = field(variable("link"), &link.rel);
    let rel = if link.rel_optional {
        method_call(rel, "as_deref", Vec::new())
    } else {
        call(&["Some"], [method_call(rel, "as_str", Vec::new())])
    };
    let mut has_next = template.has_next.clone();
    template::fill_expr(&mut has_next, &mut [("__links", Fill::Expr(links)), ("__rel", Fill::Expr(rel))]);
    has_next
}

/// The docs of a stream method: how it pages, ends and starts.
fn stream_doc(operation: &Operation, paging: &Paging) -> Vec<syn::Attribute> {
    let doc = format!(
        "Every item of [`Client::{method}`](crate::Client::{method}), page after page: a stream that asks for the next page when the current one is used up, holds one page at a time, ends after the last page (one without a `next` link, or a short page when the server sends no links) and ends at the first error, or with `Error::Paging` on a page that repeats the one before it or past `ClientBuilder::max_pages`.\n\nThe query's `{page_num}` says where to start (default: the first page) and its `{items_per_page}` how many items a page holds (at most the spec's maximum); counts are not asked for (`includeCount=false`) unless the query sets them.",
        method = operation.fn_name.trim_start_matches("r#"),
        page_num = paging.page_num,
        items_per_page = paging.items_per_page,
    );
    doc.lines().map(|line| syntax::doc_attr(doc_literal(line))).collect()
}
