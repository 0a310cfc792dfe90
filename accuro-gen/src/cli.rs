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
use syn::{Expr, Item};

use crate::{Error, Options, header, prepare, run_progenitor};

mod pass;

use crate::paging::paginated;
use pass::reshape;

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
