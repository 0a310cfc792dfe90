//! `cargo xtask regen` (and `--check`) on a temporary copy of the spec.

use std::fs;
use std::path::PathBuf;

use xtask::regen::{self, Outcome};

use crate::{spec_text, workspace};

/// A temporary folder with a copy of the spec and a module generated from it.
struct Copy {
    _dir: tempfile::TempDir,
    spec: PathBuf,
    out: PathBuf,
    endpoints: PathBuf,
}

fn copy() -> Copy {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("accuro.yaml");
    let out = dir.path().join("generated.rs");
    let endpoints = dir.path().join("endpoints.md");
    fs::copy(workspace().join("spec/accuro.yaml"), &spec).expect("copy spec");
    let copy = Copy {
        _dir: dir,
        spec,
        out,
        endpoints,
    };
    assert!(matches!(
        regen(&copy, false),
        Ok(Outcome::Wrote {
            operations: 10..,
            ..
        })
    ));
    copy
}

fn regen(copy: &Copy, check: bool) -> Result<Outcome, String> {
    regen::run(&regen::Args {
        check,
        spec: copy.spec.clone(),
        targets: vec![
            (regen::Target::Client, copy.out.clone()),
            (regen::Target::Endpoints, copy.endpoints.clone()),
        ],
        root: workspace(),
    })
}

#[test]
fn check_passes_on_a_fresh_copy_and_fails_after_a_spec_edit() {
    let copy = copy();
    let before = fs::read(&copy.out).expect("module");
    assert!(matches!(regen(&copy, true), Ok(Outcome::UpToDate { .. })));

    let spec = fs::read_to_string(&copy.spec).expect("spec");
    fs::write(
        &copy.spec,
        spec.replacen(
            "summary: List offices",
            "summary: List the clinic's offices",
            1,
        ),
    )
    .expect("edit");
    let outcome = regen(&copy, true).expect("check runs");
    let Outcome::Stale { report } = &outcome else {
        panic!("expected a stale report, got {outcome:?}");
    };
    assert!(!outcome.is_success());
    assert!(
        report.contains("-    /**List offices")
            && report.contains("+    /**List the clinic's offices"),
        "{report}"
    );
    assert!(report.contains("run `cargo xtask regen`"), "{report}");
    assert_eq!(
        fs::read(&copy.out).expect("module"),
        before,
        "--check writes nothing"
    );

    // regen writes; the check then passes again.
    assert!(matches!(regen(&copy, false), Ok(Outcome::Wrote { .. })));
    assert!(matches!(regen(&copy, true), Ok(Outcome::UpToDate { .. })));
    assert!(
        matches!(regen(&copy, false), Ok(Outcome::UpToDate { .. })),
        "no rewrite when unchanged"
    );
}

#[test]
fn a_broken_spec_leaves_the_module_untouched() {
    let copy = copy();
    let before = fs::read(&copy.out).expect("module");
    for broken in [
        "openapi: 3.0.3\ninfo: [unclosed\n".to_owned(),
        spec_text().replace("operationId: list_providers", "operationId: list_offices"),
    ] {
        fs::write(&copy.spec, broken).expect("break the spec");
        let err = regen(&copy, false).expect_err("broken spec");
        assert!(err.contains("accuro.yaml"), "names the spec: {err}");
        assert_eq!(fs::read(&copy.out).expect("module"), before);
    }
    let leftovers: Vec<_> = fs::read_dir(copy.out.parent().expect("dir"))
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}

#[test]
fn a_missing_spec_is_one_clear_error() {
    let copy = copy();
    fs::remove_file(&copy.spec).expect("remove");
    let err = regen(&copy, false).expect_err("missing spec");
    assert!(err.starts_with("cannot read the spec"), "{err}");
}

#[test]
fn arguments_are_checked() {
    let err = regen::Args::parse(&["--spec".to_owned()]).expect_err("missing value");
    assert!(
        err.contains("--spec <PATH>") && err.contains("value is required"),
        "{err}"
    );
    let err = regen::Args::parse(&["--frobnicate".to_owned()]).expect_err("unknown");
    assert!(err.contains("unexpected argument '--frobnicate'"), "{err}");
}
