//! The syn pass over progenitor's CLI output ([`reshape`]): `CliConfig`'s
//! methods, the paginated operations' page request, byte-stream answers,
//! list and enum arguments, and the dropped `--json-body-template`.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Item, TraitItem};

use super::failed;
use crate::Error;

pub(super) fn reshape(file: &mut syn::File, paged: &[String]) -> Result<(), Error> {
    let mut found_trait = false;
    let mut walked = 0;
    for item in &mut file.items {
        match item {
            Item::Trait(t) if t.ident == "CliConfig" => {
                found_trait = true;
                reshape_trait(t)?;
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                for member in &mut imp.items {
                    if let syn::ImplItem::Fn(f) = member
                        && paged.iter().any(|p| f.sig.ident == p)
                    {
                        add_page_request(f)?;
                        walked += 1;
                    }
                }
            }
            _ => {}
        }
    }
    if walked != paged.len() {
        return Err(failed(format!(
            "{walked} of the {} paginated operations' execute functions found",
            paged.len()
        )));
    }
    if !found_trait {
        return Err(failed("no `trait CliConfig`"));
    }
    let mut pass = Pass::default();
    pass.visit_file_mut(file);
    if pass.streams == 0 && pass.todo_left {
        return Err(failed("a `todo!()` that is not a byte stream's answer"));
    }
    if pass.list_parsers != pass.list_readers || pass.list_parsers.contains("") {
        return Err(failed(format!(
            "list arguments: parsers rewritten for {:?}, readers for {:?}",
            pass.list_parsers, pass.list_readers
        )));
    }
    if pass.unwraps_removed != pass.maps_made_try {
        return Err(failed(format!(
            "{} enum parsers' `unwrap` removed but {} `map`s made `try_map`",
            pass.unwraps_removed, pass.maps_made_try
        )));
    }
    if pass.templates_dropped == 0 {
        return Err(failed("no `--json-body-template` argument to drop"));
    }
    Ok(())
}

/// Before the `CliConfig` hook of a paginated operation's `execute_<op>`:
/// the page size and cursor the shell asks for.
fn add_page_request(f: &mut syn::ImplItemFn) -> Result<(), Error> {
    let at = f
        .block
        .stmts
        .iter()
        .position(|s| {
            s.to_token_stream()
                .to_string()
                .starts_with("self . config . execute_")
        })
        .ok_or_else(|| failed(format!("`{}` calls no CliConfig hook", f.sig.ident)))?;
    f.block.stmts.insert(
        at,
        syn::parse_quote! {
            if let Some((size, cursor)) = self.config.page_request() {
                if let Some(size) = size {
                    request = request.page_size(size);
                }
                if let Some(cursor) = cursor {
                    request = request.starting_id(cursor);
                }
            }
        },
    );
    Ok(())
}

fn reshape_trait(t: &mut syn::ItemTrait) -> Result<(), Error> {
    let mut reshaped = 0;
    for item in &mut t.items {
        let TraitItem::Fn(f) = item else { continue };
        let name = f.sig.ident.to_string();
        match name.as_str() {
            "success_item" | "list_start" | "list_item" | "list_end_success" => {
                f.sig.generics.where_clause = Some(syn::parse_quote!(where T: serde::Serialize));
                reshaped += 1;
            }
            "error" => {
                *f = syn::parse_quote! {
                    /// An operation failed (safe to print: no body, no URL, no secret).
                    fn error(&self, value: &Error);
                };
                reshaped += 1;
            }
            "list_end_error" => {
                *f = syn::parse_quote! {
                    /// A list ended with an error.
                    fn list_end_error(&self, value: &Error);
                };
                reshaped += 1;
            }
            _ => {}
        }
    }
    if reshaped != 6 {
        return Err(failed(format!(
            "expected 6 output methods in `CliConfig`, reshaped {reshaped}"
        )));
    }
    t.items.push(syn::parse_quote! {
        /// For a cursor-paginated operation: the page size and the cursor
        /// (`startingId`) to send instead of the arguments', if any.
        fn page_request(&self) -> Option<(Option<i32>, Option<i64>)> {
            None
        }
    });
    t.items.push(syn::parse_quote! {
        /// An answer that is a byte stream (a document, a picture).
        fn success_stream(
            &self,
            value: ResponseValue<ByteStream>,
        ) -> impl std::future::Future<Output = anyhow::Result<()>>;
    });
    Ok(())
}

/// The first string literal in `tokens` (an argument's name).
fn first_string(tokens: &TokenStream) -> Option<String> {
    tokens.clone().into_iter().find_map(|tree| match tree {
        proc_macro2::TokenTree::Literal(l) => syn::parse_str::<syn::LitStr>(&l.to_string())
            .ok()
            .map(|s| s.value()),
        proc_macro2::TokenTree::Group(g) => first_string(&g.stream()),
        _ => None,
    })
}

/// `T` of `Vec<T>` (any path ending in `Vec`).
fn vec_item(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        },
        _ => None,
    }
}

#[derive(Default)]
struct Pass {
    /// Commands' list arguments whose parser was rewritten, by name.
    list_parsers: std::collections::BTreeSet<String>,
    /// List arguments whose reader was rewritten, by name.
    list_readers: std::collections::BTreeSet<String>,
    /// `try_from(..).unwrap()` removed, and `map` made `try_map`.
    unwraps_removed: usize,
    maps_made_try: usize,
    streams: usize,
    todo_left: bool,
    templates_dropped: usize,
}

fn is_macro(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Macro(m) if m.mac.path.is_ident(name))
}

impl VisitMut for Pass {
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let body_is_todo = match &*arm.body {
            e if is_macro(e, "todo") => true,
            Expr::Block(b) => match b.block.stmts.as_slice() {
                [syn::Stmt::Expr(e, _)] => is_macro(e, "todo"),
                [syn::Stmt::Macro(m)] => m.mac.path.is_ident("todo"),
                _ => false,
            },
            _ => false,
        };
        let ok_arm = arm.pat.to_token_stream().to_string().replace(' ', "") == "Ok(r)";
        if body_is_todo && ok_arm {
            *arm.body = syn::parse_quote!(self.config.success_stream(r).await);
            self.streams += 1;
        } else if body_is_todo {
            self.todo_left = true;
        }
        visit_mut::visit_arm_mut(self, arm);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        // `.arg(::clap::Arg::new("json-body-template")...)`: keep the receiver.
        if let Expr::MethodCall(call) = expr
            && call.method == "arg"
            && call.args.first().is_some_and(|a| {
                a.to_token_stream()
                    .to_string()
                    .contains("\"json-body-template\"")
            })
        {
            let receiver = (*call.receiver).clone();
            *expr = receiver;
            self.templates_dropped += 1;
            self.visit_expr_mut(expr);
            return;
        }
        // `.value_parser(value_parser!(Vec<T>))` → `.value_parser(value_parser!(T)).action(Append)`.
        if let Expr::MethodCall(call) = expr
            && call.method == "value_parser"
            && let Some(Expr::Macro(m)) = call.args.first()
            && let Ok(ty) = m.mac.parse_body::<syn::Type>()
            && let Some(item) = vec_item(&ty)
        {
            let receiver = &call.receiver;
            self.list_parsers
                .insert(first_string(&receiver.to_token_stream()).unwrap_or_default());
            *expr = syn::parse_quote! {
                #receiver
                    .value_parser(::clap::value_parser!(#item))
                    .action(::clap::ArgAction::Append)
            };
            return;
        }
        // `matches.get_one::<Vec<T>>(N)` → `matches.get_many::<T>(N).map(collect)`.
        if let Expr::MethodCall(call) = expr
            && call.method == "get_one"
            && let Some(turbofish) = &call.turbofish
            && let Some(syn::GenericArgument::Type(ty)) = turbofish.args.first()
            && let Some(item) = vec_item(ty)
        {
            let (receiver, args) = (&call.receiver, &call.args);
            self.list_readers
                .insert(first_string(&args.to_token_stream()).unwrap_or_default());
            *expr = syn::parse_quote! {
                #receiver
                    .get_many::<#item>(#args)
                    .map(|values| values.cloned().collect::<::std::vec::Vec<#item>>())
            };
            return;
        }
        // `T::try_from(s).unwrap()` → `T::try_from(s)`.
        if let Expr::MethodCall(call) = expr
            && call.method == "unwrap"
            && call.args.is_empty()
            && matches!(&*call.receiver, Expr::Call(c)
                if c.func.to_token_stream().to_string().ends_with("try_from"))
        {
            let receiver = (*call.receiver).clone();
            *expr = receiver;
            self.unwraps_removed += 1;
        }
        // `TypedValueParser::map(parser, f)` → `TypedValueParser::try_map(parser, f)`.
        if let Expr::Call(call) = expr
            && let Expr::Path(p) = &mut *call.func
            && p.path.segments.len() >= 2
            && p.path.segments[p.path.segments.len() - 2].ident == "TypedValueParser"
            && let Some(last) = p.path.segments.last_mut()
            && last.ident == "map"
        {
            last.ident = syn::Ident::new("try_map", last.ident.span());
            self.maps_made_try += 1;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}
