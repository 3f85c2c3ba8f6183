//! `client_ops.rs`: one async method on `Client` per operation, over the sans-IO functions.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{argument_names, arguments, deprecation, success_tokens};
use super::{authored_docs, docs, ident, module_preamble};
use crate::ir::{Api, Operation};

pub fn emit(api: &Api) -> TokenStream {
    let module_doc = module_preamble("One async method on `Client` per operation, named after its `operationId`.");
    let methods = api.operations.iter().map(|operation| emit_method(api, operation));
    quote! {
        #module_doc
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
