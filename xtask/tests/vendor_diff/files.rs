//! Files and arguments: parsing, defaults, `run`.

use xtask::paths::Paths;
use xtask::vendor_diff::{self, Args, parse_document};

#[test]
fn yaml_status_keys_without_quotes_are_strings() {
    let value = match parse_document(
        "paths:\n  /x:\n    get:\n      responses:\n        200: {description: ok}\n",
        false,
    ) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    assert!(
        value.pointer("/paths/~1x/get/responses/200").is_some(),
        "{value}"
    );
}

#[test]
fn arguments_default_to_the_workspace_files() {
    let paths = Paths::at("/ws");
    let args = |list: &[&str]| {
        let list: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        Args::parse_in(&paths, &list)
    };
    let parsed = args(&["vendor.json"]);
    assert_eq!(
        parsed
            .as_ref()
            .map(|a| (&a.spec, &a.allow, a.allow_given, a.all, a.json)),
        Ok((
            &paths.spec(),
            &paths.vendor_differences(),
            false,
            false,
            false
        ))
    );
    let parsed = args(&[
        "--allow", "a.yaml", "v.json", "--spec", "s.yaml", "--all", "--json",
    ]);
    assert_eq!(
        parsed.map(|a| (a.vendor, a.spec, a.allow, a.allow_given, a.all, a.json)),
        Ok((
            xtask::source::Source::File("v.json".into()),
            "s.yaml".into(),
            "a.yaml".into(),
            true,
            true,
            true
        ))
    );
    assert!(args(&[]).is_err());
    assert!(args(&["a.json", "b.json"]).is_err());
    assert!(args(&["a.json", "--allow"]).is_err());
    assert!(args(&["a.json", "--frobnicate"]).is_err());
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    if let Err(e) = std::fs::write(&path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
    path
}

#[test]
fn run_reads_the_files_and_sorts_the_differences_out() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let spec = write(
        dir.path(),
        "ours.yaml",
        "openapi: 3.0.3\ninfo: {title: Ours, version: '1'}\npaths:\n  /rest/v1/offices:\n    get:\n      responses:\n        200: {description: ok}\n",
    );
    let vendor = write(
        dir.path(),
        "vendor.json",
        r#"{"openapi": "3.0.1", "info": {"title": "Theirs", "version": "10.13.0"},
            "paths": {"/v1/offices": {"get": {"responses": {"200": {"description": "ok"}, "403": {"description": "no"}}}}}}"#,
    );
    let allow = write(
        dir.path(),
        "allow.yaml",
        "differences:\n  - {kind: status-vendor-only, detail: 403, reason: Denials are 401.}\n",
    );
    let args = |allow: &std::path::Path, allow_given: bool| Args {
        vendor: xtask::source::Source::File(vendor.clone()),
        ca_cert: None,
        spec: spec.clone(),
        allow: allow.to_path_buf(),
        allow_given,
        all: false,
        json: false,
    };
    let outcome = match vendor_diff::run(&args(&allow, true)) {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    assert!(outcome.is_success(), "{}", outcome.render());
    assert!(outcome.render().contains("(Theirs 10.13.0)"));

    let absent = dir.path().join("absent.yaml");
    let outcome = match vendor_diff::run(&args(&absent, false)) {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    assert!(!outcome.is_success());
    assert!(outcome.render().contains("absent.yaml (absent)"));
    assert!(vendor_diff::run(&args(&absent, true)).is_err());

    let faulty = write(
        dir.path(),
        "faulty.yaml",
        "differences:\n  - kind: format\n",
    );
    let error = vendor_diff::run(&args(&faulty, true))
        .err()
        .unwrap_or_default();
    assert!(error.contains("differences[0]: `reason`"), "{error}");

    let mut missing = args(&allow, true);
    missing.vendor = xtask::source::Source::File(dir.path().join("missing.json"));
    assert!(vendor_diff::run(&missing).is_err());
    let mut garbage = args(&allow, true);
    garbage.vendor = xtask::source::Source::File(write(dir.path(), "garbage.json", "{not json"));
    assert!(vendor_diff::run(&garbage).is_err());
}
