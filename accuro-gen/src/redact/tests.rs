//! The redaction pass's tests.

use quote::quote;

use super::*;

/// The generated `Debug` of a struct, for the tests.
fn tokens_of(item: &syn::Item) -> proc_macro2::TokenStream {
    quote! { #item }
}

fn classification() -> Classification {
    let mut c = Classification::default();
    c.fields.insert(
        "Patient".into(),
        [
            ("patientId".to_owned(), false),
            ("phn".to_owned(), true),
            ("reason".to_owned(), true),
        ]
        .into_iter()
        .collect(),
    );
    c.types.insert("Code".into(), false);
    c
}

#[test]
fn fields_follow_the_spec_and_nested_types_their_own() {
    let mut file: syn::File = syn::parse_quote! {
        pub mod types {
            #[derive(Clone, Debug)]
            pub struct Patient {
                #[serde(rename = "patientId", skip_serializing_if = "Option::is_none")]
                pub patient_id: Option<i64>,
                pub phn: Option<String>,
                pub unknown: Option<String>,
                pub code: Option<Code>,
                pub reason: Option<Kind>,
            }
            #[derive(Clone, Debug)]
            pub struct Code(pub String);
            #[derive(Clone, Debug)]
            pub struct Name(pub String);
            #[derive(Clone, Debug)]
            pub enum Either { Text(String), Code(Code), None }
            #[derive(Clone, Debug)]
            pub enum Kind { A, B }
            pub mod builder {
                #[derive(Clone, Debug)]
                pub struct Patient {
                    patient_id: Result<Option<i64>, String>,
                    phn: Result<Option<String>, String>,
                    unknown: Result<Option<String>, String>,
                    code: Result<Option<super::Code>, String>,
                    reason: Result<Option<super::Kind>, String>,
                }
            }
        }
    };
    let report = redact(&mut file, &classification()).unwrap();
    assert_eq!(report.per_type.get("Patient"), Some(&(3, 5)));
    let text = file
        .items
        .iter()
        .map(|i| tokens_of(i).to_string())
        .collect::<String>();
    let squeezed: String = text.split_whitespace().collect();
    assert!(
        squeezed.contains(r#".field("patient_id",&self.patient_id)"#),
        "{text}"
    );
    assert!(squeezed.contains(r#".field("phn",&::std::format_args!("[redacted]"))"#));
    assert!(squeezed.contains(r#".field("unknown",&::std::format_args!("[redacted]"))"#));
    assert!(squeezed.contains(r#".field("code",&self.code)"#));
    // A `true` beside a generated type redacts it whole.
    assert!(squeezed.contains(r#".field("reason",&::std::format_args!("[redacted]"))"#));
    assert!(
        squeezed.contains(r#"f.debug_tuple("Name").field(&::std::format_args!("[redacted]"))"#)
    );
    assert!(!squeezed.contains("DebugforCode"), "Code is safe: derived");
    assert!(squeezed.contains(r#"Self::Code(v0)=>f.debug_tuple("Code").field(v0)"#));
    assert!(squeezed.contains(r#"impl::std::fmt::DebugforPatient"#));
    // The builder follows its type, inside `builder`.
    assert_eq!(
        squeezed.matches("impl::std::fmt::DebugforPatient").count(),
        2
    );
    assert!(squeezed.contains("#[derive(Clone,Debug)]pubenumKind"));
}

#[test]
fn a_struct_without_a_schema_is_refused() {
    let mut file: syn::File = syn::parse_quote! {
        pub mod types {
            #[derive(Debug)]
            pub struct Renamed { pub a: String }
        }
    };
    let e = redact(&mut file, &classification())
        .unwrap_err()
        .to_string();
    assert!(e.contains("Renamed"), "{e}");
}
