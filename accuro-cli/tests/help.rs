//! The help text, snapshot-tested: a change to the spec, the generator or
//! the shell that changes what users read shows up here. Refresh the
//! snapshots with `ACCURO_UPDATE_SNAPSHOTS=1 cargo test -p accuro-cli --test help`.

mod common;

use std::path::Path;

use common::accuro;

async fn check(name: &str, args: &[&str]) {
    let run = accuro(&[], args).await;
    assert_eq!(run.code, 0, "{run:?}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("ACCURO_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &run.stdout).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; write it with ACCURO_UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert!(
        run.stdout == expected,
        "`accuro {}` differs from {}; if intended, refresh with ACCURO_UPDATE_SNAPSHOTS=1.\n--- expected\n{expected}\n--- got\n{}",
        args.join(" "),
        path.display(),
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_top_level_help_lists_areas_options_and_exit_codes() {
    check("accuro--help", &["--help"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_areas_help_lists_its_operations_one_line_each() {
    check("accuro-scheduling--help", &["scheduling", "--help"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operations_help_shows_its_arguments_and_description() {
    check(
        "accuro-patients-search-patients--help",
        &["patients", "search-patients", "--help"],
    )
    .await;
    check("accuro-auth-check--help", &["auth", "check", "--help"]).await;
}
