//! The pass over progenitor's output that makes the client's public surface.
//!
//! progenitor has no setting for the error type of the generated methods nor
//! for its `api-version` header, and its builders derive `Debug` (printing
//! the caller's query values, a PHN among them). This pass rewrites its
//! syntax tree:
//!
//! - every builder's `send()` becomes a private `send_raw()`, and a new public
//!   `send()` returns `Result<ResponseValue<T>, crate::Error>`, naming the
//!   operation (known here, at generation time) in every error; before the
//!   request is built, it lets the layer make sure a token is at hand
//!   (`crate::BeforeCall`, a trait of the layer's), so the hooks never have
//!   to fail;
//! - the statement that adds the `api-version` header is removed;
//! - builders' `Debug` prints the parameter names, never their values;
//! - `Client::new`, which unwraps reqwest's builder, is removed
//!   (`accuro_client::ClientBuilder` is the way to build a client).
//!
//! Anything the pass expects and does not find is an error naming it: a
//! progenitor upgrade that changes its output fails generation loudly rather
//! than producing a client that leaks.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::{
    Fields, FnArg, GenericArgument, ImplItem, ImplItemFn, Item, ItemImpl, ItemMod, ItemStruct,
    PathArguments, ReturnType, Stmt, Type,
};

use crate::Error;

/// The header progenitor adds to every request.
const API_VERSION_HEADER: &str = "\"api-version\"";

/// Rewrites progenitor's file in place. Returns the operation ids whose
/// `send()` it wrapped, in file order.
pub fn reshape(file: &mut syn::File) -> Result<Vec<String>, Error> {
    let mut wrapped = Vec::new();
    let mut found_builder = false;
    for item in &mut file.items {
        match item {
            Item::Impl(imp) if is_inherent_impl_of(imp, "Client") => remove_client_new(imp),
            Item::Mod(module) if module.ident == "builder" => {
                found_builder = true;
                reshape_builders(module, &mut wrapped)?;
            }
            _ => {}
        }
    }
    if !found_builder {
        return Err(failed("no `mod builder` in progenitor's output"));
    }
    Ok(wrapped)
}

fn failed(what: impl Into<String>) -> Error {
    Error::Format(format!(
        "the surface pass over progenitor's output failed: {}",
        what.into()
    ))
}

fn is_inherent_impl_of(imp: &ItemImpl, name: &str) -> bool {
    imp.trait_.is_none()
        && matches!(&*imp.self_ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// `Client::new` builds a `reqwest::Client` with `.unwrap()`.
fn remove_client_new(imp: &mut ItemImpl) {
    imp.items
        .retain(|item| !matches!(item, ImplItem::Fn(f) if f.sig.ident == "new"));
}

fn reshape_builders(module: &mut ItemMod, wrapped: &mut Vec<String>) -> Result<(), Error> {
    let Some((_, items)) = &mut module.content else {
        return Err(failed("`mod builder` has no body"));
    };
    let mut debug_impls = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Struct(st) if has_client_field(st) => {
                remove_debug_derive(st);
                debug_impls.push(names_only_debug(st));
            }
            Item::Impl(imp) => {
                if let Some(operation) = wrap_send(imp)? {
                    wrapped.push(operation);
                }
            }
            _ => {}
        }
    }
    for tokens in debug_impls {
        items.push(syn::parse2(tokens).map_err(|e| failed(format!("a Debug impl: {e}")))?);
    }
    Ok(())
}

fn has_client_field(st: &ItemStruct) -> bool {
    matches!(&st.fields, Fields::Named(named)
        if named.named.iter().any(|f| f.ident.as_ref().is_some_and(|i| i == "client")))
}

/// Drops `Debug` from the struct's `#[derive(...)]`.
fn remove_debug_derive(st: &mut ItemStruct) {
    crate::syntax::remove_derive(&mut st.attrs, "Debug");
}

/// `impl Debug` writing `SearchPatients { phn, first_name, .. }`: the names of
/// the parameters, never their values.
fn names_only_debug(st: &ItemStruct) -> TokenStream {
    let ident = &st.ident;
    let names: Vec<String> = match &st.fields {
        Fields::Named(named) => named
            .named
            .iter()
            .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
            .filter(|name| name != "client")
            .collect(),
        _ => Vec::new(),
    };
    let text = if names.is_empty() {
        format!("{ident}")
    } else {
        format!("{ident} {{ {} }}", names.join(", "))
    };
    let generics = if st.generics.params.is_empty() {
        quote!()
    } else {
        quote!(<'_>)
    };
    quote! {
        /// The parameter names only: their values may be health information.
        impl ::std::fmt::Debug for #ident #generics {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#text)
            }
        }
    }
}

/// Renames the builder's `send` to `send_raw`, without the `api-version`
/// header, and adds the public `send`. Returns the operation id, or `None`
/// for an impl without `send`.
fn wrap_send(imp: &mut ItemImpl) -> Result<Option<String>, Error> {
    let Some(position) = imp
        .items
        .iter()
        .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
    else {
        return Ok(None);
    };
    let ImplItem::Fn(raw) = &mut imp.items[position] else {
        return Ok(None);
    };
    let builder = imp.self_ty.to_token_stream().to_string();
    let operation = operation_id(raw)
        .ok_or_else(|| failed(format!("`{builder}::send` names no operation id")))?;
    let before = raw.block.stmts.len();
    raw.block
        .stmts
        .retain(|stmt| !mentions(stmt, API_VERSION_HEADER));
    if raw.block.stmts.len() + 1 != before {
        return Err(failed(format!(
            "`{operation}`: expected one statement adding the api-version header"
        )));
    }
    drop_unused_header_map(raw);
    let value = success_type(raw).ok_or_else(|| {
        failed(format!(
            "`{operation}`: send() does not return Result<ResponseValue<T>, _>"
        ))
    })?;
    if !matches!(raw.sig.inputs.first(), Some(FnArg::Receiver(_))) {
        return Err(failed(format!("`{operation}`: send() does not take self")));
    }
    raw.sig.ident = format_ident!("send_raw");
    raw.vis = syn::Visibility::Inherited;
    raw.attrs.retain(|a| !a.path().is_ident("doc"));
    let doc = format!(
        "Sends the request. Every error is an [`crate::Error`] naming `{operation}`; \
         none holds the request's URL, a token or the answer's body."
    );
    let literal = syn::LitStr::new(&operation, Span::call_site());
    let send: ImplItemFn = syn::parse2(quote! {
        #[doc = #doc]
        pub async fn send(self) -> ::std::result::Result<ResponseValue<#value>, crate::Error> {
            const OPERATION: &str = #literal;
            crate::BeforeCall::before_call(self.client, OPERATION).await?;
            self.send_raw()
                .await
                .map_err(|raw| crate::Error::from_raw(raw, OPERATION, super::FIELD_NAMES))
        }
    })
    .map_err(|e| failed(format!("`{operation}`: the new send(): {e}")))?;
    imp.items.insert(position, ImplItem::Fn(send));
    Ok(Some(operation))
}

/// Without the `api-version` header, an operation with no header parameter
/// builds an empty `HeaderMap` and merges it into the request: both go.
fn drop_unused_header_map(f: &mut ImplItemFn) {
    use syn::visit_mut::VisitMut;

    struct DropHeaders;
    impl VisitMut for DropHeaders {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.len() == 1
                && call
                    .args
                    .first()
                    .is_some_and(|a| a.to_token_stream().to_string() == "header_map")
            {
                let receiver = (*call.receiver).clone();
                *expr = receiver;
                self.visit_expr_mut(expr);
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }

    let declares = |stmt: &Stmt| {
        matches!(stmt, Stmt::Local(local)
            if local.pat.to_token_stream().to_string().ends_with("header_map"))
    };
    let uses = f
        .block
        .stmts
        .iter()
        .filter(|s| !declares(s) && mentions(s, "header_map"))
        .count();
    let merges = f
        .block
        .stmts
        .iter()
        .filter(|s| mentions(s, ". headers (header_map)"))
        .count();
    // Only the declaration and the one merge: the map stays empty.
    if uses == 1 && merges == 1 {
        f.block.stmts.retain(|s| !declares(s));
        for stmt in &mut f.block.stmts {
            DropHeaders.visit_stmt_mut(stmt);
        }
    }
}

fn mentions(stmt: &Stmt, text: &str) -> bool {
    stmt.to_token_stream().to_string().contains(text)
}

/// The string in `OperationInfo { operation_id: "..." }`.
fn operation_id(f: &ImplItemFn) -> Option<String> {
    let text = f.block.to_token_stream().to_string();
    let after = text.split("operation_id :").nth(1)?;
    let start = after.find('"')? + 1;
    let len = after.get(start..)?.find('"')?;
    after.get(start..start + len).map(str::to_owned)
}

/// `T` of `Result<ResponseValue<T>, _>`.
fn success_type(f: &ImplItemFn) -> Option<Type> {
    let ReturnType::Type(_, ty) = &f.sig.output else {
        return None;
    };
    let response_value = first_generic(ty, "Result")?;
    first_generic(&response_value, "ResponseValue")
}

fn first_generic(ty: &Type, name: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}
