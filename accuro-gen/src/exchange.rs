//! Weight: each operation builds its request, and one exchange sends it.
//!
//! After the surface pass, every operation builder has a public `send()`
//! awaiting a private `send_raw()`, which builds the request, awaits the
//! three hooks and matches the answer's status (an `.await` per arm). Two
//! async functions and four awaits per operation, 309 times, were the
//! largest part of what remained of `accuro-client`'s compile time after
//! [`slim`](crate::slim) and [`compact_serde`](crate::compact_serde).
//!
//! This pass turns `send_raw()` into a plain `fn build_request(self)`, the
//! request only, and `send()` into: before the call, build the request, run
//! `crate::exchange::{json, empty, stream}` with the success status and the
//! error statuses the spec documents. The exchange (handwritten, generic)
//! does what progenitor's arms did, once.
//!
//! The pass expects progenitor's exact shape (a `let info = OperationInfo`
//! followed by the three hooks and one `match` on the status, with one
//! success arm); anything else fails generation, naming the operation,
//! rather than producing a client that answers differently.

use quote::{ToTokens, quote};
use syn::{Expr, ImplItem, ImplItemFn, Item, Pat, Stmt};

use crate::Error;

/// The name of the function that builds an operation's request.
const BUILD: &str = "build_request";

/// How an operation's success answer is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Json,
    Empty,
    Stream,
}

/// What the status `match` says.
struct Statuses {
    answer: Answer,
    success: u16,
    documented: Vec<u16>,
}

fn failed(operation: &str, what: &str) -> Error {
    Error::Format(format!(
        "the exchange pass over `{operation}` failed: {what} (did progenitor's output change?)"
    ))
}

/// Token text without spaces and commas, for comparing progenitor's
/// statements with the shapes expected.
fn flat(tokens: &impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect()
}

/// An arm's body as flat text, without the block progenitor may wrap it in.
fn flat_body(body: &Expr) -> String {
    let text = flat(body);
    match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        Some(inner) => inner.to_owned(),
        None => text,
    }
}

/// Rewrites every operation builder of the top-level `builder` module.
/// Returns how many it rewrote.
pub(crate) fn hand_to_exchange(file: &mut syn::File) -> Result<usize, Error> {
    let Some(items) = crate::syntax::module_mut(&mut file.items, "builder") else {
        return Err(Error::Format("no `builder` module".into()));
    };
    let mut count = 0;
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(raw_at) = imp
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send_raw"))
        else {
            continue;
        };
        if imp
            .items
            .iter()
            .any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == BUILD))
        {
            return Err(Error::Format(format!(
                "`{}` already has a `{BUILD}`",
                imp.self_ty.to_token_stream()
            )));
        }
        let Some(send_at) = imp
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            return Err(Error::Format(format!(
                "`{}` has a `send_raw` and no `send`",
                imp.self_ty.to_token_stream()
            )));
        };
        let ImplItem::Fn(send) = &imp.items[send_at] else {
            continue;
        };
        let Some(Stmt::Item(syn::Item::Const(operation))) = send.block.stmts.first() else {
            return Err(Error::Format(format!(
                "`{}::send` does not start with its OPERATION",
                imp.self_ty.to_token_stream()
            )));
        };
        let operation_const = operation.clone();
        let operation = flat(&operation.expr).trim_matches('"').to_owned();
        let ImplItem::Fn(raw) = &mut imp.items[raw_at] else {
            continue;
        };
        let value = answer_type(raw).ok_or_else(|| failed(&operation, "no ResponseValue<T>"))?;
        let statuses = split(raw, &operation)?;
        raw.sig.ident = syn::Ident::new(BUILD, raw.sig.ident.span());
        raw.sig.asyncness = None;
        raw.sig.output = syn::parse_quote!(
            -> ::std::result::Result<::reqwest::Request, Error<crate::ApiError>>
        );
        let ImplItem::Fn(send) = &mut imp.items[send_at] else {
            continue;
        };
        send.block = exchange_body(&operation_const, &value, &statuses);
        count += 1;
    }
    Ok(count)
}

/// `T` of `send_raw`'s `Result<ResponseValue<T>, _>`.
fn answer_type(f: &ImplItemFn) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &f.sig.output else {
        return None;
    };
    let first_arg = |ty: &syn::Type| -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
    };
    first_arg(&first_arg(ty)?)
}

/// Cuts `send_raw`'s body after the request is built (`Ok(request)`), and
/// reads the status `match` it ended with.
fn split(raw: &mut ImplItemFn, operation: &str) -> Result<Statuses, Error> {
    let stmts = &mut raw.block.stmts;
    let at = stmts
        .iter()
        .position(|s| matches!(s, Stmt::Local(l) if flat(&l.pat) == "info"))
        .ok_or_else(|| failed(operation, "no `let info = OperationInfo`"))?;
    let expected = [
        "client.pre(&mutrequest&info).await?;",
        "letresult=client.exec(request&info).await;",
        "client.post(&result&info).await?;",
        "letresponse=result?;",
    ];
    let tail: Vec<String> = stmts[at + 1..].iter().map(flat).collect();
    if tail.len() != expected.len() + 1 || tail[..expected.len()] != expected {
        return Err(failed(
            operation,
            "the hooks are not the three statements expected",
        ));
    }
    let Some(Stmt::Expr(Expr::Match(m), None)) = stmts.last() else {
        return Err(failed(operation, "no `match` on the status"));
    };
    let statuses = statuses(m, operation)?;
    stmts.truncate(at);
    stmts.push(Stmt::Expr(
        syn::parse_quote!(::std::result::Result::Ok(request)),
        None,
    ));
    Ok(statuses)
}

fn literal_statuses(pat: &Pat, out: &mut Vec<u16>) -> bool {
    match pat {
        Pat::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => int.base10_parse::<u16>().map(|s| out.push(s)).is_ok(),
            _ => false,
        },
        Pat::Or(or) => or.cases.iter().all(|c| literal_statuses(c, out)),
        _ => false,
    }
}

fn statuses(m: &syn::ExprMatch, operation: &str) -> Result<Statuses, Error> {
    if flat(&m.expr) != "response.status().as_u16()" {
        return Err(failed(operation, "the `match` is not on the status"));
    }
    let mut arms = m.arms.iter();
    let first = arms
        .next()
        .ok_or_else(|| failed(operation, "an empty `match`"))?;
    let mut success = Vec::new();
    if !literal_statuses(&first.pat, &mut success) || success.len() != 1 {
        return Err(failed(operation, "not one success status"));
    }
    let answer = match flat_body(&first.body).as_str() {
        "ResponseValue::from_response(response).await" => Answer::Json,
        "Ok(ResponseValue::empty(response))" => Answer::Empty,
        "Ok(ResponseValue::stream(response))" => Answer::Stream,
        other => {
            return Err(failed(
                operation,
                &format!("a success arm of another shape: {other}"),
            ));
        }
    };
    let mut documented = Vec::new();
    let mut last = None;
    for arm in arms {
        let body = flat_body(&arm.body);
        if matches!(arm.pat, Pat::Wild(_)) {
            if body != "Err(Error::UnexpectedResponse(response))" {
                return Err(failed(operation, "a catch-all arm of another shape"));
            }
            last = Some(());
        } else if last.is_none()
            && body == "Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))"
            && literal_statuses(&arm.pat, &mut documented)
        {
        } else {
            return Err(failed(operation, "an error arm of another shape"));
        }
    }
    if last.is_none() {
        return Err(failed(operation, "no catch-all arm"));
    }
    Ok(Statuses {
        answer,
        success: success[0],
        documented,
    })
}

/// The new body of `send()`.
fn exchange_body(operation: &syn::ItemConst, value: &syn::Type, statuses: &Statuses) -> syn::Block {
    let success = statuses.success;
    let documented = &statuses.documented;
    let exchange = match statuses.answer {
        Answer::Json => quote! { crate::exchange::json::<#value, _, _> },
        Answer::Empty => quote! { crate::exchange::empty },
        Answer::Stream => quote! { crate::exchange::stream },
    };
    let build = syn::Ident::new(BUILD, proc_macro2::Span::call_site());
    syn::parse_quote! {{
        #operation
        let client = self.client;
        crate::BeforeCall::before_call(client, OPERATION).await?;
        let answer = match self.#build() {
            ::std::result::Result::Ok(request) => {
                #exchange(client, request, OPERATION, #success, &[#(#documented),*]).await
            }
            ::std::result::Result::Err(e) => ::std::result::Result::Err(e),
        };
        answer.map_err(|raw| crate::Error::from_raw(raw, OPERATION, super::FIELD_NAMES))
    }}
}
