//! The probe against the sandbox: clean, then broken on purpose.

use accuro_probe::finding::Kind;
use accuro_probe::spec::Spec;
use accuro_sandbox::{Faults, Sandbox};

use crate::{env_of, findings_of, options, probe_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_agrees_with_the_spec_on_every_read_operation() {
    let sandbox = Sandbox::start(accuro_sandbox::Config::default(), 0)
        .await
        .expect("sandbox");
    let lookup = env_of(sandbox.config().client_env(&sandbox.base_url()));
    let report = probe_with(lookup, &options(&[], Some("Sample"))).await;
    let spec = Spec::embedded().expect("the spec");
    let s = report.summary;
    let text = report.render_text(false);
    assert_eq!(s.operations, spec.operations.len(), "{text}");
    assert_eq!(
        spec.operations.iter().filter(|op| !op.handwritten).count(),
        accuro_probe::GENERATED_READS
    );
    assert_eq!(
        (s.checked, s.answering, s.disagreeing, s.skipped, s.failed),
        (s.operations, s.operations, 0, 0, 0),
        "{text}"
    );
    assert_eq!(report.exit_code(), 0);
    assert_eq!(s.token_requests, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_sandbox_answer_is_found_by_path_without_its_value() {
    let sandbox = Sandbox::start(accuro_sandbox::Config::default(), 0)
        .await
        .expect("sandbox");
    sandbox.set_faults(Faults {
        break_spec: true,
        ..Faults::default()
    });
    let lookup = env_of(sandbox.config().client_env(&sandbox.base_url()));
    let report = probe_with(lookup, &options(&["list_offices"], None)).await;
    let findings = findings_of(&report, "list_offices");
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(
        (
            f.kind,
            f.path.as_str(),
            f.expected.as_str(),
            f.actual.as_str()
        ),
        (Kind::Schema, "[].officeId", "integer", "string")
    );
    assert!(f.breaks_decoding);
    assert_eq!(report.exit_code(), 1);
    // The sandbox's broken answer is `{"officeId": "not-an-integer", "name": "Broken"}`.
    for output in [report.render_text(true), report.render_json()] {
        assert!(
            !output.contains("not-an-integer") && !output.contains("Broken"),
            "{output}"
        );
        assert!(output.contains("[].officeId"), "{output}");
    }
}
