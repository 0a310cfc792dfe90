//! The mock module: progenitor's typed `httpmock` helpers, plus the table of
//! routes the mock's gateway checks.
//!
//! progenitor writes, for each operation, a `When` (method and path matched,
//! a setter per parameter) and a `Then` (a method per documented status,
//! taking the typed body), and a `MockServerExt` trait on
//! `httpmock::MockServer`. This pass:
//!
//! - encodes a path parameter's value as the client does (percent-encoding)
//!   and escapes it before it goes into the path's regex (progenitor pastes
//!   it in as is: a `/` or a space would never match, a `+` or `(` would
//!   match something else or fail to compile);
//! - appends `ROUTES`: every REST operation of the spec (handwritten ones
//!   included), with its method, path template and scopes, from which the
//!   mock's gateway tells which scopes a request needs.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit_mut::{self, VisitMut};

use crate::{Endpoint, Error, Options, header, prepare, run_progenitor};

/// Generates `accuro-mock`'s `src/generated.rs` from the spec text.
pub fn generate_mock(spec_text: &str, options: &Options) -> Result<String, Error> {
    let options = crate::companion_options(options);
    let mut prepared = prepare(spec_text, &options)?;
    // `MockAccuro` serves the token endpoint itself.
    prepared
        .spec
        .paths
        .paths
        .shift_remove(crate::cli::TOKEN_PATH);
    let mut tokens = run_progenitor(&options, |g| g.httpmock(&prepared.spec, "accuro_client"))?;
    tokens.extend(routes(&prepared.endpoints));
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| failed(e.to_string()))?;
    let mut pass = MockPass::default();
    pass.visit_file_mut(&mut file);
    if pass.borrowed == 0 || pass.lists == 0 {
        return Err(failed(format!(
            "expected bodies to borrow and list parameters to spread, found {} and {}",
            pass.borrowed, pass.lists
        )));
    }
    if pass.escaped == 0 || pass.unescaped > 0 {
        return Err(failed(format!(
            "escaped {} path values, left {} unescaped",
            pass.escaped, pass.unescaped
        )));
    }
    let (header, _) = header(spec_text, &options);
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

fn failed(what: impl Into<String>) -> Error {
    Error::Format(format!(
        "the mock pass over progenitor's output failed: {}",
        what.into()
    ))
}

/// The rewrites of progenitor's httpmock output:
/// - `format!(RE, value.to_string())` → the value percent-encoded as the
///   client sends it (`accuro_client::encode_path_segment`), then escaped
///   for the regex;
/// - `.json_body_obj(value)` → `.json_body_obj(&value)` (progenitor passes
///   scalars such as `i64` by value, and httpmock 0.8 takes a reference);
/// - in a `When` method taking a list, `x.query_param(NAME, value.to_string())`
///   → one `query_param(NAME, item)` per item, as the client sends a list
///   (the name repeated).
#[derive(Default)]
struct MockPass {
    borrowed: usize,
    lists: usize,
    in_list_method: bool,
    escaped: usize,
    /// `format!`s with `value.to_string()` in another place than expected.
    unescaped: usize,
}

impl VisitMut for MockPass {
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        self.in_list_method = f.sig.to_token_stream().to_string().contains("Vec <");
        visit_mut::visit_impl_item_fn_mut(self, f);
        self.in_list_method = false;
    }

    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        if call.method == "json_body_obj"
            && call.args.len() == 1
            && call.args[0].to_token_stream().to_string() == "value"
        {
            call.args[0] = syn::parse_quote!(&value);
            self.borrowed += 1;
        }
        visit_mut::visit_expr_method_call_mut(self, call);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if self.in_list_method
            && let syn::Expr::MethodCall(call) = expr
            && call.method == "query_param"
            && call.args.len() == 2
            && call.args[1].to_token_stream().to_string() == "value . to_string ()"
        {
            let receiver = &call.receiver;
            let name = &call.args[0];
            *expr = syn::parse_quote! {
                value.iter().fold(#receiver, |when, item| when.query_param(#name, item.to_string()))
            };
            self.lists += 1;
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if mac.path.is_ident("format")
            && let Ok(mut args) = mac.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            )
            && args.len() == 2
            && args[1].to_token_stream().to_string() == "value . to_string ()"
        {
            args[1] = syn::parse_quote!(regex::escape(&::accuro_client::encode_path_segment(
                &value.to_string()
            )));
            mac.tokens = args.to_token_stream();
            self.escaped += 1;
        } else if mac.path.is_ident("format")
            && mac.tokens.to_string().contains("value . to_string ()")
        {
            self.unescaped += 1;
        }
        visit_mut::visit_macro_mut(self, mac);
    }
}

/// `ROUTES`: what the gateway needs to know of every REST operation.
fn routes(endpoints: &[Endpoint]) -> TokenStream {
    let rows = endpoints
        .iter()
        .filter(|e| e.path.starts_with("/rest/"))
        .map(|e| {
            let (id, method, path, scopes) = (&e.operation_id, &e.method, &e.path, &e.scopes);
            quote! {
                Route { operation_id: #id, method: #method, path: #path, scopes: &[#(#scopes),*] },
            }
        });
    quote! {
        /// A REST operation of the spec, as the mock's gateway sees it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Route {
            /// The operation id.
            pub operation_id: &'static str,
            /// `GET`, `POST`, ...
            pub method: &'static str,
            /// The path template (`/rest/v1/patients/{patientId}`).
            pub path: &'static str,
            /// The scopes that grant it (any one of them); none: any token.
            pub scopes: &'static [&'static str],
        }

        /// Every REST operation of the spec (handwritten ones included), in
        /// document order.
        pub static ROUTES: &[Route] = &[#(#rows)*];
    }
}
