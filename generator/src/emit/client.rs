//! `Client` methods, one async method per operation over its sans-IO functions, emitted into
//! each tag's module.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{argument_names, arguments, deprecation, success_tokens};
use super::{Paths, authored_docs, docs, ident, ty_tokens};
use crate::ir::{Api, Operation, Paging, Ty};

/// The `impl Client` block with one async method per operation (named after its
/// `operationId`), and a stream method for each paginated one.
pub fn methods(api: &Api, operations: &[&Operation]) -> TokenStream {
    let methods = operations.iter().map(|operation| {
        let method = emit_method(api, operation);
        let stream = operation.paging.as_ref().map(|paging| emit_stream(api, operation, paging));
        quote!(#method #stream)
    });
    quote! {
        impl crate::Client {
            #(#methods)*
        }
    }
}

fn method_doc(operation: &Operation) -> TokenStream {
    let mut spec_doc = operation.summary.clone();
    if let Some(description) = &operation.doc {
        spec_doc.push_str("\n\n");
        spec_doc.push_str(description);
    }
    let spec_doc = docs(&spec_doc);
    let sends = authored_docs(&format!(
        "\nSends `{} {}` with resource version {}; [`crate::operations::{}`] builds the same request without a client.",
        operation.method.as_str(),
        operation.path,
        operation.api_version,
        operation.fn_name
    ));
    quote!(#spec_doc #sends)
}

fn emit_method(api: &Api, operation: &Operation) -> TokenStream {
    let name = ident(&operation.fn_name);
    let doc = method_doc(operation);
    let arguments = arguments(api, operation);
    let names = argument_names(operation);
    let success = success_tokens(api, operation);
    let deprecation = deprecation(operation);
    let allow = operation.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #deprecation
        #allow
        pub async fn #name(&self, #(#arguments),*) -> Result<#success, crate::Error> {
            use crate::operations::#name as operation;
            let request = operation::request(self.base_url(), #(#names),*)?;
            let response = self.execute(request, &operation::INFO).await?;
            operation::response(response)
        }
    }
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
