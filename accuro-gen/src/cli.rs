//! The CLI module: progenitor's clap commands, one per operation, reshaped
//! for `accuro-cli`'s handwritten shell.
//!
//! progenitor's CLI generator writes, for each operation, a `clap::Command`
//! (`cli_<op>`) and an `execute_<op>` that reads the matches into the
//! operation's builder, sends it and hands the answer to a `CliConfig` trait.
//! This pass fits it to `accuro_client`:
//!
//! - the token operation is left out (the shell's `auth check` replaces it);
//! - `CliConfig`'s output methods ask for `serde::Serialize` only (not
//!   `schemars::JsonSchema` or `Debug`: the client's types derive neither,
//!   and output goes through serde), and its error methods take
//!   `accuro_client::Error`, the error every `send()` returns;
//! - an answer that is a byte stream (a `todo!()` in progenitor's output)
//!   goes to a new `CliConfig::success_stream`;
//! - an enum argument is parsed with `try_map`, not `map` + `unwrap`;
//! - the `--json-body-template` argument, which nothing reads, is dropped;
//! - a list argument (`Vec<T>`, which clap cannot parse from one value) is
//!   given once per item (`--provider-id 1 --provider-id 2`) and read with
//!   `get_many`;
//! - `CliCommand` gains `area()`, `name()` and `paginated()`, which the
//!   shell uses to group the subcommands and walk pages;
//! - a cursor-paginated operation's `execute_<op>` asks
//!   `CliConfig::page_request()` for the page size and cursor to send (the
//!   shell's `--all-pages` walk).
//!
//! Whatever the pass expects and does not find fails generation, and so does
//! any `unwrap`, `expect`, `panic!`, `todo!` or `unreachable!` left over.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Item, TraitItem};

use crate::{Error, Options, header, prepare, run_progenitor};

/// The token operation: not a subcommand.
pub(crate) const TOKEN_PATH: &str = "/v1/token";

/// Generates `accuro-cli`'s `src/generated.rs` from the spec text.
pub fn generate_cli(spec_text: &str, options: &Options) -> Result<String, Error> {
    let options = crate::companion_options(options);
    let mut prepared = prepare(spec_text, &options)?;
    prepared.spec.paths.paths.shift_remove(TOKEN_PATH);
    let tokens = run_progenitor(&options, |g| g.cli(&prepared.spec, "accuro_client"))?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| failed(e.to_string()))?;

    let commands: BTreeMap<String, Command> = prepared
        .endpoints
        .iter()
        .filter(|e| !e.handwritten && e.path.starts_with("/rest/"))
        .map(|e| {
            (
                e.operation_id.clone(),
                Command {
                    area: e.area.clone(),
                    paginated: paginated(&prepared.spec, &e.path, &e.method),
                },
            )
        })
        .collect();
    let paged: Vec<String> = commands
        .iter()
        .filter(|(_, c)| c.paginated)
        .map(|(id, _)| format!("execute_{id}"))
        .collect();
    reshape(&mut file, &paged)?;
    file.items.push(
        syn::parse2(command_facts(&file, &commands)?)
            .map_err(|e| failed(format!("the CliCommand facts: {e}")))?,
    );
    let areas = prepared
        .spec
        .tags
        .iter()
        .filter(|t| commands.values().any(|c| c.area == t.name))
        .map(|t| {
            let (name, about) = (&t.name, t.description.clone().unwrap_or_default());
            quote!((#name, #about))
        });
    file.items.push(syn::parse_quote! {
        /// The areas (the spec's tags that have commands), in the spec's
        /// order, with their descriptions.
        pub const AREAS: &[(&str, &str)] = &[#(#areas),*];
    });
    let handwritten = prepared
        .endpoints
        .iter()
        .filter(|e| e.handwritten && e.path.starts_with("/rest/"))
        .map(|e| {
            let (id, area, summary) = (&e.operation_id, &e.area, &e.summary);
            quote!((#id, #area, #summary))
        });
    file.items.push(syn::parse_quote! {
        /// The operations the client's handwritten layer implements (merge
        /// patches, multipart uploads and answers): `(operation id, area,
        /// summary)`. The shell gives each a command of its own.
        pub const HANDWRITTEN: &[(&str, &str, &str)] = &[#(#handwritten),*];
    });
    forbid_panics(&file)?;
    let (header, _) = header(spec_text, &options);
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

fn failed(what: impl Into<String>) -> Error {
    Error::Format(format!(
        "the CLI pass over progenitor's output failed: {}",
        what.into()
    ))
}

struct Command {
    area: String,
    paginated: bool,
}

/// Whether the operation walks Accuro's cursor: it takes `startingId` and
/// `pageSize` in its query, and its 200 answer is a page whose `contents`
/// is a list (not `list_user_features`, whose `contents` is a map).
fn paginated(spec: &openapiv3::OpenAPI, path: &str, method: &str) -> bool {
    use openapiv3::ReferenceOr;
    let Some(item) = spec.paths.paths.get(path).and_then(|i| i.as_item()) else {
        return false;
    };
    let Some((_, op)) = item.iter().find(|(m, _)| m.eq_ignore_ascii_case(method)) else {
        return false;
    };
    let components = spec.components.as_ref();
    let names: Vec<&str> = item
        .parameters
        .iter()
        .chain(&op.parameters)
        .filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| components?.parameters.get(name)?.as_item()),
        })
        .filter(|p| matches!(p, openapiv3::Parameter::Query { .. }))
        .map(|p| p.parameter_data_ref().name.as_str())
        .collect();
    if !(names.contains(&"startingId") && names.contains(&"pageSize")) {
        return false;
    }
    let schema = |r: &ReferenceOr<openapiv3::Schema>| -> Option<openapiv3::Schema> {
        match r {
            ReferenceOr::Item(s) => Some(s.clone()),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| components?.schemas.get(name)?.as_item().cloned()),
        }
    };
    let page = op
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))
        .and_then(|r| match r {
            ReferenceOr::Item(r) => Some(r.clone()),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/responses/")
                .and_then(|name| components?.responses.get(name)?.as_item().cloned()),
        })
        .and_then(|r| r.content.get("application/json")?.schema.clone())
        .and_then(|s| schema(&s));
    let contents = page.and_then(|page| match page.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) => o
            .properties
            .get("contents")
            .and_then(|c| schema(&c.clone().unbox())),
        _ => None,
    });
    matches!(
        contents.map(|c| c.schema_kind),
        Some(openapiv3::SchemaKind::Type(openapiv3::Type::Array(_)))
    )
}

fn reshape(file: &mut syn::File, paged: &[String]) -> Result<(), Error> {
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

/// `impl CliCommand { area, name, paginated }`, for every variant, read
/// from progenitor's own `CliCommand::operation_id()`.
fn command_facts(
    file: &syn::File,
    commands: &BTreeMap<String, Command>,
) -> Result<TokenStream, Error> {
    let arms = operation_id_arms(file)?;
    let mut area_arms = Vec::new();
    let mut name_arms = Vec::new();
    let mut paged = Vec::new();
    for (variant, id) in &arms {
        let command = commands
            .get(id)
            .ok_or_else(|| failed(format!("`{id}` is no generated operation of the spec")))?;
        let area = &command.area;
        let name = id.replace('_', "-");
        area_arms.push(quote!(#variant => #area,));
        name_arms.push(quote!(#variant => #name,));
        if command.paginated {
            paged.push(variant.clone());
        }
    }
    if arms.len() != commands.len() {
        return Err(failed(format!(
            "{} commands for {} operations",
            arms.len(),
            commands.len()
        )));
    }
    Ok(quote! {
        impl CliCommand {
            /// The operation's area (its first tag): the shell's command group.
            pub fn area(&self) -> &'static str {
                match self { #(#area_arms)* }
            }
            /// The subcommand's name: the operation id in kebab case.
            pub fn name(&self) -> &'static str {
                match self { #(#name_arms)* }
            }
            /// Whether the operation walks Accuro's cursor (`startingId`, `pageSize`).
            pub fn paginated(&self) -> bool {
                matches!(self, #(#paged)|*)
            }
        }
    })
}

/// The arms of `CliCommand::operation_id()`: (variant pattern, operation id).
fn operation_id_arms(file: &syn::File) -> Result<Vec<(syn::Pat, String)>, Error> {
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.self_ty.to_token_stream().to_string() != "CliCommand" {
            continue;
        }
        for member in &imp.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if f.sig.ident != "operation_id" {
                continue;
            }
            let Some(syn::Stmt::Expr(Expr::Match(m), _)) = f.block.stmts.first() else {
                return Err(failed("`CliCommand::operation_id` is not a match"));
            };
            return m
                .arms
                .iter()
                .map(|arm| match &*arm.body {
                    Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Ok((arm.pat.clone(), s.value())),
                    _ => Err(failed(
                        "an arm of `CliCommand::operation_id` is not a string",
                    )),
                })
                .collect();
        }
    }
    Err(failed("no `CliCommand::operation_id`"))
}

/// Fails on any `unwrap`, `expect`, `panic!`, `todo!`, `unimplemented!` or
/// `unreachable!` left in the file.
fn forbid_panics(file: &syn::File) -> Result<(), Error> {
    fn walk(tokens: TokenStream, found: &mut Vec<String>) {
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Ident(i) => {
                    let name = i.to_string();
                    if matches!(
                        name.as_str(),
                        "unwrap" | "expect" | "panic" | "todo" | "unimplemented" | "unreachable"
                    ) {
                        found.push(name);
                    }
                }
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), found),
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    walk(file.to_token_stream(), &mut found);
    if found.is_empty() {
        Ok(())
    } else {
        Err(failed(format!("left in the output: {found:?}")))
    }
}
