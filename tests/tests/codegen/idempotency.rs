//! `x-accuro-idempotent`: what may be sent again comes from the spec.

use crate::{committed, spec_text, violations};

/// `x-accuro-idempotent` decides what may be sent again: every write states
/// it, with `x-accuro-idempotent-reason`; the method decides nothing.
#[test]
fn idempotency_comes_from_the_spec() {
    let generated = committed();
    let route = |op: &str| {
        let start = generated
            .code
            .find(&format!("\"{op}\" =>"))
            .unwrap_or_else(|| panic!("no route for {op}"));
        let end = generated.code[start..].find("})").expect("end") + start;
        generated.code[start..end].to_owned()
    };
    for (op, idempotent, why) in [
        ("create_letter", false, "a PUT that files a letter"),
        (
            "update_patient_lab_group",
            false,
            "a PUT that makes a new lab group",
        ),
        (
            "delete_patient_lab_group_observation",
            false,
            "a DELETE that makes a new lab group",
        ),
        ("create_appointment", false, "a POST that books"),
        ("patch_patient", false, "a merge patch"),
        (
            "replace_patient",
            false,
            "a PUT whose nested lists may be created again",
        ),
        ("update_lab_result", true, "a PUT that sets every field"),
        ("delete_task", true, "a DELETE by id"),
        ("list_offices", true, "a GET"),
    ] {
        assert!(
            route(op).contains(&format!("idempotent: {idempotent}")),
            "{op}: {why}"
        );
    }
    assert!(
        route("list_insurers_by_ids").contains("safe: true"),
        "a POST that reads"
    );
    assert!(route("delete_task").contains("safe: false"));
    assert!(route("list_offices").contains("safe: true"));

    // The lines of one operation's retry safety, to break them one by one.
    let spec = spec_text();
    let at = spec
        .find("operationId: create_letter")
        .expect("create_letter");
    let idempotent_line = "      x-accuro-idempotent: false\n";
    let line_at = spec[at..]
        .find(idempotent_line)
        .expect("its x-accuro-idempotent")
        + at;
    let reason_start = line_at + idempotent_line.len();
    let reason_end = spec[reason_start..].find('\n').expect("its reason line") + reason_start + 1;
    assert!(spec[reason_start..reason_end].contains("x-accuro-idempotent-reason:"));
    let broken = |from: usize, to: usize, with: &str| {
        let mut s = spec.clone();
        s.replace_range(from..to, with);
        s
    };
    for (label, spec, expected) in [
        (
            "not a boolean",
            broken(
                line_at,
                reason_start,
                "      x-accuro-idempotent: sometimes\n",
            ),
            "x-accuro-idempotent",
        ),
        (
            "no decision",
            broken(line_at, reason_start, ""),
            "x-accuro-idempotent: true|false",
        ),
        (
            "no reason",
            broken(reason_start, reason_end, ""),
            "x-accuro-idempotent-reason",
        ),
        (
            "an empty reason",
            broken(
                reason_start,
                reason_end,
                "      x-accuro-idempotent-reason: \"\"\n",
            ),
            "x-accuro-idempotent-reason",
        ),
    ] {
        let found = violations(&spec);
        assert!(
            found.iter().any(|v| v
                .contains("PUT /rest/v1/provider-portal/letters (create_letter)")
                && v.contains(expected)),
            "{label}: {found:#?}"
        );
    }
    // A safe write must be idempotent.
    let safe = spec
        .find("      x-accuro-safe: true\n")
        .expect("a safe write");
    let before = spec[..safe]
        .rfind("      x-accuro-idempotent: true\n")
        .expect("its decision");
    let unsafe_safe = broken(
        before,
        before + "      x-accuro-idempotent: true\n".len(),
        "      x-accuro-idempotent: false\n",
    );
    assert!(
        violations(&unsafe_safe)
            .iter()
            .any(|v| v.contains("x-accuro-safe")),
        "x-accuro-safe without x-accuro-idempotent: true"
    );
}
