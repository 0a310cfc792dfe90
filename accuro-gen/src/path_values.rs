//! The path values pass: every call of progenitor's `encode_path` becomes a
//! call of the client's stricter encoder (`encode_path_value`: every byte
//! but the unreserved ones percent-encoded, `\` included; an empty, `.` or
//! `..` value refused with `?`, before anything is sent). The mock matches
//! with the same encoding (`encode_path_segment`, see `mock.rs`).

use syn::visit_mut::{self, VisitMut};

use crate::Error;

/// Replaces every call `encode_path(x)` (however imported) with
/// `encoder(x)?` (`encoder`, a Rust path, returns a `Result` whose error
/// converts into the send function's); fails when there was none to replace.
pub(crate) fn use_encoder(file: &mut syn::File, encoder: &str) -> Result<usize, Error> {
    let encoder: syn::Path = syn::parse_str(encoder)
        .map_err(|e| Error::Format(format!("`{encoder}` is not a Rust path: {e}")))?;
    let mut pass = Pass {
        encoder,
        replaced: 0,
    };
    pass.visit_file_mut(file);
    if pass.replaced == 0 {
        return Err(Error::Format(
            "the path values pass found no call of progenitor's `encode_path`".into(),
        ));
    }
    Ok(pass.replaced)
}

struct Pass {
    encoder: syn::Path,
    replaced: usize,
}

impl VisitMut for Pass {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Call(call) = expr
            && let syn::Expr::Path(func) = &*call.func
            && func
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "encode_path")
        {
            let encoder = &self.encoder;
            let args = &call.args;
            *expr = syn::parse_quote!(#encoder(#args)?);
            self.replaced += 1;
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // `format!("{}/rest/...", client.baseurl, encode_path(&id.to_string()))`:
        // the calls sit inside the macro's arguments.
        if let Ok(mut args) = mac.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) {
            let before = self.replaced;
            for arg in args.iter_mut() {
                self.visit_expr_mut(arg);
            }
            if self.replaced != before {
                mac.tokens = quote::ToTokens::to_token_stream(&args);
            }
        }
        visit_mut::visit_macro_mut(self, mac);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_inside_and_outside_macros_are_replaced() {
        let mut file: syn::File = syn::parse_quote! {
            fn f() {
                let a = format!("{}/x/{}", base, encode_path(&id.to_string()));
                let b = ::progenitor_client::encode_path(&v);
            }
        };
        assert_eq!(
            use_encoder(&mut file, "crate::encode_path_segment").ok(),
            Some(2)
        );
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        assert!(!text.contains("encode_path ("), "{text}");
        assert_eq!(
            text.matches("crate :: encode_path_segment").count(),
            2,
            "{text}"
        );
        let mut none: syn::File = syn::parse_quote! { fn g() {} };
        assert!(use_encoder(&mut none, "crate::x").is_err());
    }
}
