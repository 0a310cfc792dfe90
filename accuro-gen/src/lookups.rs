//! The lookup tables [`crate::generate`] appends to the client module:
//! [`routes`] (`operation_route`, the operations' routes) and [`field_names`]
//! (`FIELD_NAMES`, the spec's property names).

use crate::{Endpoint, Error};

/// `operation_route(operation_id) -> Option<OperationRoute>` for every
/// operation of the spec, handwritten ones included: the layer logs the path
/// template, never the request's URL, and retries only what may be repeated.
pub(crate) fn routes(endpoints: &[Endpoint]) -> proc_macro2::TokenStream {
    let arms = endpoints.iter().map(|e| {
        let (id, method, path, idempotent, safe, new_id) = (
            &e.operation_id,
            &e.method,
            &e.path,
            e.idempotent,
            e.safe,
            e.new_id,
        );
        quote::quote! {
            #id => Some(OperationRoute { operation_id: #id, method: #method, path: #path, idempotent: #idempotent, safe: #safe, new_id: #new_id }),
        }
    });
    quote::quote! {
        /// What the layer knows of an operation from the spec.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct OperationRoute {
            /// The operation id, as the spec writes it.
            pub operation_id: &'static str,
            /// `GET`, `POST`, ...
            pub method: &'static str,
            /// The path template (`/rest/v2/provider-portal/patients/{patientId}`).
            pub path: &'static str,
            /// Whether sending it twice has the effect of sending it once
            /// (`x-accuro-idempotent`, stated by every write; a read is):
            /// only then is a request that may have reached the server sent
            /// again.
            pub idempotent: bool,
            /// Whether it changes nothing on the server (a read, or a write
            /// marked `x-accuro-safe`): a refused resend of it is no sign
            /// that an earlier attempt acted.
            pub safe: bool,
            /// Whether it answers a new id that the layer normalises to the
            /// documented 201 (`x-accuro-new-id`).
            pub new_id: bool,
        }

        /// The route of an operation, by operation id (handwritten operations included).
        pub fn operation_route(operation_id: &str) -> Option<OperationRoute> {
            match operation_id {
                #(#arms)*
                _ => None,
            }
        }
    }
}

/// `FIELD_NAMES`: every property name of the spec's schemas, sorted. A
/// decode error names the JSON path where it happened only through keys in
/// this list: a key that is not a field name may be data (a name used as a
/// key) and is shown as `…`.
pub(crate) fn field_names(
    spec_text: &str,
    spec_name: &str,
) -> Result<proc_macro2::TokenStream, Error> {
    fn walk(value: &serde_yaml::Value, names: &mut std::collections::BTreeSet<String>) {
        match value {
            serde_yaml::Value::Mapping(map) => {
                for (key, child) in map {
                    if key.as_str() == Some("properties")
                        && let serde_yaml::Value::Mapping(properties) = child
                    {
                        names.extend(
                            properties
                                .keys()
                                .filter_map(|k| k.as_str().map(str::to_owned)),
                        );
                    }
                    walk(child, names);
                }
            }
            serde_yaml::Value::Sequence(items) => items.iter().for_each(|i| walk(i, names)),
            _ => {}
        }
    }
    let document: serde_yaml::Value =
        serde_yaml::from_str(spec_text).map_err(|e| Error::Format(format!("{spec_name}: {e}")))?;
    let mut names = std::collections::BTreeSet::new();
    walk(&document, &mut names);
    let names = names.iter();
    Ok(quote::quote! {
        /// Every property name of the spec's schemas, sorted (see
        /// `accuro_client::Error::InvalidResponse`).
        pub(crate) static FIELD_NAMES: &[&str] = &[#(#names),*];
    })
}
