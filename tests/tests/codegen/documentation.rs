//! What the spec documents: every method's rustdoc, every success body's
//! example and the endpoint reference (docs/endpoints.md).

use std::fs;

use crate::{committed, spec_text, workspace};

#[test]
fn every_method_documents_its_summary_and_description() {
    let spec = accuro_gen::parse_spec(&spec_text(), "spec/accuro.yaml").expect("spec");
    let code = &committed().code;
    for (path, method, op) in spec.operations() {
        if op.extensions.contains_key(accuro_gen::HANDWRITTEN) {
            continue;
        }
        let id = op.operation_id.as_deref().expect("id");
        let at = code
            .find(&format!("pub fn {id}("))
            .unwrap_or_else(|| panic!("no method {id}"));
        let doc_start = code[..at].rfind("/**").expect("rustdoc");
        // Rustdoc lines are trimmed: compare the words.
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let doc = words(&code[doc_start..at]);
        let summary = op.summary.as_deref().expect("summary");
        let description = op.description.as_deref().expect("description");
        assert!(
            doc.contains(&words(summary.trim_end_matches('.'))),
            "{method} {path}: summary missing"
        );
        assert!(
            doc.contains(&words(description)),
            "{method} {path}: description missing"
        );
    }
}

#[test]
fn every_2xx_answer_with_a_body_has_an_example() {
    let spec = accuro_gen::parse_spec(&spec_text(), "spec/accuro.yaml").expect("spec");
    let components = spec.components.as_ref().expect("components");
    let mut checked = 0;
    for (path, method, op) in spec.operations() {
        for (status, response) in &op.responses.responses {
            let is_2xx = match status {
                openapiv3::StatusCode::Code(n) => (200..300).contains(n),
                openapiv3::StatusCode::Range(r) => *r == 2,
            };
            if !is_2xx {
                continue;
            }
            let response = match response {
                openapiv3::ReferenceOr::Item(r) => r,
                openapiv3::ReferenceOr::Reference { reference } => components
                    .responses
                    .get(reference.trim_start_matches("#/components/responses/"))
                    .and_then(|r| r.as_item())
                    .expect("resolves"),
            };
            for (media, content) in &response.content {
                assert!(
                    content.example.is_some() || !content.examples.is_empty(),
                    "{method} {path} {status}: {media} has no example"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "only {checked} bodies checked");
}

/// The table against the spec's operations read from its text with
/// serde_yaml ([`accuro_tests::spec_operations`]), not through
/// `openapiv3::OpenAPI::operations`, which `endpoints` itself walks.
#[test]
fn the_endpoint_table_lists_every_operation() {
    let spec = accuro_gen::parse_spec(&spec_text(), "spec/accuro.yaml").expect("spec");
    let endpoints = accuro_gen::endpoints(&spec);
    let in_spec = accuro_tests::spec_operations();
    let mut listed: Vec<(String, String, String)> = endpoints
        .iter()
        .map(|e| (e.method.clone(), e.path.clone(), e.operation_id.clone()))
        .collect();
    let mut expected: Vec<(String, String, String)> = in_spec
        .iter()
        .map(|op| (op.method.to_uppercase(), op.path.clone(), op.id.clone()))
        .collect();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected, "one endpoint per operation of the spec");
    let table = accuro_gen::markdown_table(&endpoints);
    assert!(
        table.starts_with(&format!("{} operations.\n", in_spec.len())),
        "{}",
        table.lines().next().unwrap_or_default()
    );
    for op in &in_spec {
        let row = format!("| {} | `{}` | `", op.method.to_uppercase(), op.path);
        assert_eq!(
            table.matches(&row).count(),
            1,
            "one row for {} {}",
            op.method,
            op.path
        );
    }
    assert!(table.contains("| patients | PATCH | `/rest/v2/provider-portal/patients/{patientId}` | `patch_patient` (handwritten) | PATIENT_DEMOGRAPHICS_WRITE |"));
    let page = fs::read_to_string(workspace().join("docs/endpoints.md")).expect("endpoints.md");
    assert!(
        page.contains(&table),
        "docs/endpoints.md is stale: run `cargo xtask regen`"
    );
}
