//! `cargo xtask import` against QHR's own file (`ACCURO_VENDOR_SPEC`), on
//! copies of the spec: it brings back an operation that was taken out, in
//! the project's conventions, and never touches what the spec has.

use std::path::PathBuf;

use xtask::import::{Args, Selection, run};

fn vendor() -> Option<PathBuf> {
    match std::env::var_os("ACCURO_VENDOR_SPEC") {
        Some(path) => Some(path.into()),
        None => {
            eprintln!(
                "\n*** SKIPPED import: set ACCURO_VENDOR_SPEC to QHR's OpenAPI file \
                 (../shared/reference/accuro-rest-api-10.13.0.json) ***\n"
            );
            assert!(
                std::env::var_os("CI").is_none(),
                "ACCURO_VENDOR_SPEC is not set in CI: the import was not checked"
            );
            None
        }
    }
}

fn committed_spec() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/accuro.yaml"))
        .expect("spec")
}

/// The spec without the path item at `path` (its whole block).
fn without_path_item(spec: &str, path: &str) -> String {
    let mut out = Vec::new();
    let mut skipping = false;
    for line in spec.lines() {
        if line.starts_with("  /") || (!line.starts_with(' ') && !line.is_empty()) {
            skipping = line == format!("  {path}:");
        }
        if !skipping {
            out.push(line);
        }
    }
    out.join("\n") + "\n"
}

fn args(spec: PathBuf, vendor: PathBuf, selection: Selection) -> Args {
    Args {
        vendor: xtask::source::Source::File(vendor),
        ca_cert: None,
        spec,
        selection,
        dry_run: false,
    }
}

#[test]
fn nothing_is_missing_and_nothing_is_rewritten() {
    let Some(vendor) = vendor() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("accuro.yaml");
    std::fs::write(&spec, committed_spec()).expect("write");
    let outcome = run(&args(spec.clone(), vendor, Selection::Missing)).expect("import");
    assert!(outcome.imported.is_empty(), "{outcome}");
    assert_eq!(
        std::fs::read_to_string(&spec).expect("read"),
        committed_spec()
    );
}

#[test]
fn an_operation_taken_out_comes_back_in_the_projects_conventions() {
    let Some(vendor) = vendor() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("accuro.yaml");
    let path = "/rest/v1/provider-portal/tasks/{taskId}/roles";
    let cut = without_path_item(&committed_spec(), path);
    assert!(
        !cut.contains("operationId: add_task_roles"),
        "the operation was cut"
    );
    std::fs::write(&spec, &cut).expect("write");

    let outcome = run(&args(
        spec.clone(),
        vendor.clone(),
        Selection::Operations(vec!["addRolesToTask".into()]),
    ))
    .expect("import");
    assert_eq!(outcome.imported.len(), 1, "{outcome}");
    let op = &outcome.imported[0];
    assert_eq!(
        (op.id.as_str(), op.area.as_str()),
        ("add_task_roles", "tasks")
    );

    let text = std::fs::read_to_string(&spec).expect("read");
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    let imported = &doc["paths"][path]["post"];
    assert_eq!(
        imported["operationId"],
        serde_yaml::Value::from("add_task_roles")
    );
    let params = imported["parameters"].as_sequence().expect("parameters");
    assert_eq!(
        params[0]["$ref"],
        serde_yaml::Value::from("#/components/parameters/ClinicUuid")
    );
    assert!(
        params.iter().all(|p| p["name"] != "authorization"),
        "no authorization parameter"
    );
    assert!(
        imported["x-accuro-scopes"].is_sequence(),
        "scopes from `security`"
    );
    for status in ["400", "401", "403", "500"] {
        assert!(
            imported["responses"][status]["$ref"].is_string(),
            "{status}: a shared error response"
        );
    }
    // The rest of the file is as it was: only the operation was added.
    let lines = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    assert!(
        lines(&without_path_item(&text, path)) == lines(&cut),
        "only the operation was added"
    );
    accuro_gen::generate(&text, &accuro_gen::Options::default()).expect("the result generates");

    // Importing it again changes nothing.
    let again = run(&args(
        spec.clone(),
        vendor,
        Selection::Operations(vec!["addRolesToTask".into()]),
    ))
    .expect("import");
    assert!(again.imported.is_empty());
    assert_eq!(again.already, 1);
    assert_eq!(std::fs::read_to_string(&spec).expect("read"), text);
}

#[test]
fn unknown_selections_are_refused_by_name() {
    let Some(vendor) = vendor() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("accuro.yaml");
    std::fs::write(&spec, committed_spec()).expect("write");
    let err = run(&args(
        spec,
        vendor,
        Selection::Tags(vec!["no-such-area".into()]),
    ))
    .expect_err("unknown tag");
    assert!(err.contains("`no-such-area`"), "{err}");
}

/// The spec without the `method` operation of the path item at `path`.
fn without_operation(spec: &str, path: &str, method: &str) -> String {
    let mut out = Vec::new();
    let (mut in_item, mut skipping) = (false, false);
    for line in spec.lines() {
        if line.starts_with("  /") || (!line.starts_with(' ') && !line.is_empty()) {
            in_item = line == format!("  {path}:");
            skipping = false;
        } else if in_item && line.starts_with("    ") && !line.starts_with("     ") {
            skipping = line == format!("    {method}:");
        }
        if !skipping {
            out.push(line);
        }
    }
    out.join("\n") + "\n"
}

#[test]
fn an_operation_joins_its_path_item_under_the_specs_parameter_names() {
    let Some(vendor) = vendor() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("accuro.yaml");
    // QHR's file writes this path `/v1/users/{id}` for GET and
    // `/v1/users/{userId}` for PUT; the spec has one path item.
    let path = "/rest/v1/users/{userId}";
    let cut = without_operation(&committed_spec(), path, "get");
    assert!(
        !cut.contains("operationId: get_user\n"),
        "the operation was cut"
    );
    assert!(
        cut.contains("operationId: update_user\n"),
        "its sibling stays"
    );
    std::fs::write(&spec, &cut).expect("write");

    let outcome = run(&args(
        spec.clone(),
        vendor,
        Selection::Operations(vec!["getAccuroUserById".into()]),
    ))
    .expect("import");
    assert_eq!(outcome.imported.len(), 1, "{outcome}");
    let text = std::fs::read_to_string(&spec).expect("read");
    assert!(
        !text.contains("  /rest/v1/users/{id}:"),
        "no second path item"
    );
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    let get = &doc["paths"][path]["get"];
    assert_eq!(get["operationId"], "get_user");
    let names: Vec<&str> = get["parameters"]
        .as_sequence()
        .expect("parameters")
        .iter()
        .filter(|p| p["in"] == "path")
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["userId"], "the path item's parameter name");
    assert!(
        doc["paths"][path]["put"].is_mapping(),
        "the sibling is kept"
    );
    accuro_gen::generate(&text, &accuro_gen::Options::default()).expect("the result generates");
}
