//! `Client` methods, one async method per operation over its sans-IO functions, emitted into
//! each tag's module.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{arguments, deprecation, deprecation_attr, fn_args, success_ty};
use super::template::{self, Fill, fill_impl_item};
use super::{Paths, authored_docs, doc_literal, ident, syntax, ty_tokens};
use crate::ir::{Api, Operation, Paging, Ty};

/// The `impl Client` block with one async method per operation (named after its
/// `operationId`), and a stream method for each paginated one. Each method's docs and body are
/// built from templates parsed once per thread (see `template`); the stream methods, which
/// are few, are parsed from tokens.
pub fn methods(api: &Api, operations: &[&Operation]) -> syn::Item {
    TEMPLATE.with(|template| {
        let mut block = template.block.clone();
        for operation in operations {
            block.items.push(emit_method(api, operation, template));
            if let Some(paging) = &operation.paging {
                block.items.push(parse_impl_item(emit_stream(api, operation, paging)));
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
    };
}

fn parse_impl_item(tokens: TokenStream) -> syn::ImplItem {
    match syn::parse2(tokens.clone()) {
        Ok(item) => item,
        Err(error) => panic!("generator bug: an emitted method does not parse ({error}):\n{tokens}"),
    }
}

/// The docs of an operation's method: its summary and description, then what it sends.
fn method_doc(operation: &Operation) -> Vec<syn::Attribute> {
    let mut spec_doc = operation.summary.clone();
    if let Some(description) = &operation.doc {
        spec_doc.push_str("\n\n");
        spec_doc.push_str(description);
    }
    let mut attrs = Vec::new();
    syntax::doc_attrs(&spec_doc, &mut attrs);
    let sends = format!(
        "\nSends `{} {}` with resource version {}; [`crate::operations::{}`] builds the same request without a client.",
        operation.method.as_str(),
        operation.path,
        operation.api_version,
        operation.fn_name
    );
    // Authored text: no escaping, so the intra-doc link works.
    attrs.extend(sends.lines().map(|line| syntax::doc_attr(doc_literal(line))));
    attrs
}

/// The body every method has, with a placeholder for the operation's module and no arguments.
fn body_template() -> Vec<syn::Stmt> {
    super::requests::statements(quote! {
        use crate::operations::placeholder as operation;
        let request = operation::request(self.base_url())?;
        let response = self.execute(request, &operation::INFO).await?;
        operation::response(response)
    })
}

/// The `impl` block, and a method's signature (`__name`, returning `__Success`, before its
/// arguments) and body.
struct MethodTemplate {
    block: syn::ItemImpl,
    signature: syn::ImplItem,
    body: Vec<syn::Stmt>,
}

fn emit_method(api: &Api, operation: &Operation, template: &MethodTemplate) -> syn::ImplItem {
    let name = ident(&operation.fn_name);
    let mut item = template.signature.clone();
    fill_impl_item(&mut item, &[("__name", Fill::Ident(name.clone())), ("__Success", Fill::Type(success_ty(api, operation)))]);
    let syn::ImplItem::Fn(mut method) = item else { unreachable!("the template is a method") };
    method.sig.inputs.extend(fn_args(api, operation));
    method.attrs = method_doc(operation);
    method.attrs.extend(deprecation_attr(operation));
    if operation.deprecated {
        method.attrs.push(syntax::list_attr("allow", quote!(deprecated)));
    }
    let mut body = template.body.clone();
    // `use crate::operations::<operation> as operation;`
    if let Some(syn::Stmt::Item(syn::Item::Use(import))) = body.first_mut() {
        let mut tree = &mut import.tree;
        while let syn::UseTree::Path(path) = tree {
            tree = &mut *path.tree;
        }
        let syn::UseTree::Rename(rename) = tree else { unreachable!("the template renames the module") };
        rename.ident = name;
    }
    // `operation::request(self.base_url(), <arguments>)?`
    if let Some(syn::Stmt::Local(local)) = body.get_mut(1) {
        let init = local.init.as_mut().expect("the template's request has a value");
        let syn::Expr::Try(tried) = &mut *init.expr else { unreachable!("the template's request ends in `?`") };
        let syn::Expr::Call(call) = &mut *tried.expr else { unreachable!("the template's request is a call") };
        let names = operation
            .path_params
            .iter()
            .map(|param| param.name.as_str())
            .chain(operation.body.as_ref().map(|_| "body"))
            .chain((!operation.query_params.is_empty()).then_some("query"));
        call.args.extend(names.map(|name| syn::Expr::Path(syntax::path_expr(&[name]))));
    }
    method.block.stmts = body;
    syn::ImplItem::Fn(method)
}

/// `<method>_stream`: the items of every page in turn, one page in memory at a time.
fn emit_stream(api: &Api, operation: &Operation, paging: &Paging) -> TokenStream {
    let method = ident(&operation.fn_name);
    let name = ident(&paging.stream_fn);
    let item = ty_tokens(api, &paging.item, Paths::Qualified);
    let arguments = arguments(api, operation);
    // The stream outlives the call: it keeps its own copies of the arguments.
    let owned = operation.path_params.iter().map(|param| {
        let name = ident(&param.name);
        match param.ty {
            Ty::String => quote!(let #name: String = #name.to_owned();),
            _ => quote!(let #name = #name.clone();),
        }
    });
    let clones: Vec<TokenStream> = operation
        .path_params
        .iter()
        .map(|param| {
            let name = ident(&param.name);
            quote!(let #name = #name.clone();)
        })
        .collect();
    let call: Vec<TokenStream> = operation
        .path_params
        .iter()
        .map(|param| {
            let name = ident(&param.name);
            quote!(&#name)
        })
        .chain(std::iter::once(quote!(&query)))
        .collect();
    let page_num = ident(&paging.page_num);
    let items_per_page = ident(&paging.items_per_page);
    let include_count = paging.include_count.as_ref().map(|field| {
        let field = ident(field);
        quote! {
            if query.#field.is_none() {
                query.#field = Some(false);
            }
        }
    });
    let default_size = paging.default_items_per_page.map(|size| {
        let size = proc_macro2::Literal::i64_unsuffixed(size);
        quote! {
            if query.#items_per_page.is_none() {
                query.#items_per_page = Some(#size);
            }
        }
    });
    let page_num_ty = ty_tokens(api, &paging.page_num_ty, Paths::Qualified);
    let results = ident(&paging.results);
    let items = if paging.results_optional { quote!(page.#results.unwrap_or_default()) } else { quote!(page.#results) };
    let has_next = match &paging.next_link {
        Some(link) => {
            let links = ident(&link.links);
            let rel = ident(&link.rel);
            let links = if link.links_optional { quote!(page.#links.as_deref()) } else { quote!(Some(page.#links.as_slice())) };
            let rel = if link.rel_optional { quote!(link.#rel.as_deref()) } else { quote!(Some(link.#rel.as_str())) };
            quote!(#links.map(|links| links.iter().any(|link| #rel == Some("next"))))
        }
        None => quote!(None),
    };
    let doc = authored_docs(&format!(
        "Every item of [`Client::{method}`](crate::Client::{method}), page after page: a stream that asks for the next page when the current one is used up, holds one page at a time, ends after the last page (a short page, or one without a `next` link) and ends at the first error.\n\nThe query's `{page_num}` says where to start (default: the first page) and its `{items_per_page}` how many items a page holds; counts are not asked for (`includeCount=false`) unless the query sets them.",
        method = operation.fn_name.trim_start_matches("r#"),
        page_num = paging.page_num,
        items_per_page = paging.items_per_page,
    ));
    let deprecation = deprecation(operation);
    let allow = operation.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #deprecation
        #allow
        pub fn #name(&self, #(#arguments),*) -> impl futures::Stream<Item = Result<#item, crate::Error>> + Send + 'static {
            let client = self.clone();
            #(#owned)*
            let mut query = query.clone();
            #include_count
            #default_size
            let page_size = query.#items_per_page.and_then(|size| usize::try_from(size).ok());
            let first = query.#page_num.map_or(1, i64::from);
            crate::runtime::paginate(first, page_size, move |page_num| {
                let client = client.clone();
                #(#clones)*
                let mut query = query.clone();
                async move {
                    query.#page_num = Some(<#page_num_ty as crate::runtime::PageNumber>::from_page(page_num)?);
                    let page = client.#method(#(#call),*).await?;
                    Ok(crate::runtime::Page { has_next: #has_next, items: #items })
                }
            })
        }
    }
}
