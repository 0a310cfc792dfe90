//! `cargo xtask regen` in a temporary git repository: which files its flags
//! write, and the companions `--check` covers.

use std::fs;
use std::path::Path;

use xtask::regen::{self, Outcome};

/// Runs `git` in `dir`, failing the test with its output when it fails.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=accuro-tests",
            "-c",
            "user.email=tests@example.invalid",
        ])
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A temporary git repository holding the files `regen` may touch.
fn workspace_copy() -> (tempfile::TempDir, xtask::paths::Paths) {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = xtask::paths::Paths::at(dir.path());
    let here = xtask::paths::Paths::default();
    for (from, to) in [
        (here.spec(), paths.spec()),
        (here.generated(), paths.generated()),
        (here.records(), paths.records()),
        (here.property_paths(), paths.property_paths()),
        (here.endpoints(), paths.endpoints()),
        (here.every_call(), paths.every_call()),
        (here.every_type(), paths.every_type()),
        (here.page_streams(), paths.page_streams()),
        (here.probe_decoders(), paths.probe_decoders()),
        (here.mock(), paths.mock()),
        (here.cli(), paths.cli()),
    ] {
        fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        fs::copy(from, to).expect("copy");
    }
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "copy"]);
    (dir, paths)
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn regen_with_spec_and_out_writes_only_out() {
    let (dir, paths) = workspace_copy();
    // An experimental spec: a renamed operation changes the module and the endpoint reference.
    let experiment = dir.path().join("experiment.yaml");
    let text = fs::read_to_string(paths.spec()).expect("spec");
    let changed = text.replacen(
        "operationId: list_offices",
        "operationId: list_every_office",
        1,
    );
    assert_ne!(
        changed, text,
        "the spec no longer has `operationId: list_offices`"
    );
    fs::write(&experiment, changed).expect("write experiment");
    git(dir.path(), &["add", "experiment.yaml"]);
    git(dir.path(), &["commit", "-q", "-m", "experiment"]);
    let out = dir.path().join("preview.rs");

    for given in [
        args(&[
            "--spec",
            &experiment.to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
        ]),
        args(&["--spec", &experiment.to_string_lossy()]),
    ] {
        let parsed = regen::Args::parse_in(&paths, &given).expect("arguments");
        assert_eq!(
            parsed.endpoints(),
            None,
            "{given:?} must not name an endpoint reference"
        );
        regen::run(&parsed).expect("regen runs");
    }
    assert!(out.exists(), "--out was written");
    // `--spec` alone writes the committed client (its default `--out`) and its
    // records (their header names the spec), and nothing else.
    let status = git(
        dir.path(),
        &["status", "--porcelain", "--untracked-files=all"],
    );
    let changed: Vec<&str> = status.lines().map(|l| l[3..].trim()).collect();
    assert_eq!(
        changed,
        [
            "accuro-client/src/generated.rs",
            "accuro-client/types/src/generated.rs",
            "preview.rs"
        ],
        "regen --spec/--out wrote more than it was pointed at:\n{status}"
    );

    // Without flags it writes the committed client and the endpoint reference from the committed spec.
    git(dir.path(), &["checkout", "-q", "--", "."]);
    fs::remove_file(&out).expect("remove preview");
    let parsed = regen::Args::parse_in(&paths, &[]).expect("arguments");
    assert_eq!(parsed.endpoints(), Some(paths.endpoints().as_path()));
    regen::run(&parsed).expect("regen runs");
    let status = git(
        dir.path(),
        &["status", "--porcelain", "--untracked-files=all"],
    );
    assert_eq!(
        status, "",
        "the committed spec regenerates the committed files"
    );

    // `--endpoints PATH` writes the reference where it is told, and only there.
    let elsewhere = dir.path().join("OTHER.md");
    fs::copy(paths.endpoints(), &elsewhere).expect("copy the endpoint reference");
    git(dir.path(), &["add", "OTHER.md"]);
    git(dir.path(), &["commit", "-q", "-m", "other"]);
    let given = args(&[
        "--spec",
        &experiment.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
        "--endpoints",
        &elsewhere.to_string_lossy(),
    ]);
    regen::run(&regen::Args::parse_in(&paths, &given).expect("arguments")).expect("regen runs");
    let status = git(
        dir.path(),
        &["status", "--porcelain", "--untracked-files=all"],
    );
    let changed: Vec<&str> = status.lines().map(|l| l[3..].trim()).collect();
    assert_eq!(changed, ["OTHER.md", "preview.rs"], "{status}");
    assert!(
        fs::read_to_string(&elsewhere)
            .expect("read")
            .contains("list_every_office")
    );

    // `--check` with `--spec` writes nothing, and reports the drift.
    git(dir.path(), &["checkout", "-q", "--", "."]);
    fs::remove_file(&out).expect("remove preview");
    let given = args(&["--check", "--spec", &experiment.to_string_lossy()]);
    let outcome =
        regen::run(&regen::Args::parse_in(&paths, &given).expect("arguments")).expect("check runs");
    assert!(matches!(outcome, Outcome::Stale { .. }), "{outcome}");
    let status = git(
        dir.path(),
        &["status", "--porcelain", "--untracked-files=all"],
    );
    assert_eq!(status, "", "--check wrote something");
}

/// `regen --check` covers the mock crate's and the CLI's generated files
/// too; `regen` restores them.
#[test]
fn check_covers_the_mock_and_the_cli() {
    let (dir, paths) = workspace_copy();
    for path in [paths.mock(), paths.cli()] {
        let text = fs::read_to_string(&path).expect("read");
        fs::write(&path, text.replacen("pub ", "pub(crate) ", 1)).expect("edit");
    }
    let outcome = regen::run(&regen::Args::parse_in(&paths, &args(&["--check"])).expect("args"))
        .expect("check runs");
    let Outcome::Stale { report } = outcome else {
        panic!("--check passed over edited companions: {outcome}");
    };
    assert!(report.contains("accuro-mock/src/generated.rs"), "{report}");
    assert!(report.contains("accuro-cli/src/generated.rs"), "{report}");
    regen::run(&regen::Args::parse_in(&paths, &[]).expect("args")).expect("regen runs");
    let status = git(
        dir.path(),
        &["status", "--porcelain", "--untracked-files=all"],
    );
    assert_eq!(status, "", "regen restores the companions");
}
