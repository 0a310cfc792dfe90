//! Offices as JSON and as a table, and a patient search walking every page.

use std::collections::BTreeSet;

use crate::common::{self, accuro, env_of, sandbox, with_var};

#[tokio::test(flavor = "multi_thread")]
async fn offices_come_out_as_json_and_as_a_table() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let offices = accuro(&env, &["practice", "list-offices"]).await.json();
    let names: Vec<&str> = offices
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{offices}");

    let table = accuro(&env, &["practice", "list-offices", "--output", "table"]).await;
    assert_eq!(table.code, 0, "{table:?}");
    assert!(table.stdout.contains("officeId"), "{}", table.stdout);
    for name in names {
        assert!(table.stdout.contains(name), "{}", table.stdout);
    }
    assert_eq!(sandbox.stats().token_requests, 2, "one token per run");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_search_walks_every_page_one_patient_per_line() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);

    // One page: the envelope, as Accuro answers it.
    let page = accuro(&env, &["patients", "search-patients", "--page-size", "7"])
        .await
        .json();
    assert_eq!(page["contents"].as_array().unwrap().len(), 7, "{page}");
    assert!(page["lastId"].as_i64().unwrap() > 0);

    // Every page: 300 patients, each once, one JSON document per line.
    let before = sandbox.stats().rest_requests;
    let walk = accuro(
        &env,
        &[
            "patients",
            "search-patients",
            "--page-size",
            "7",
            "--all-pages",
        ],
    )
    .await;
    assert_eq!(walk.code, 0, "{}", walk.stderr);
    let patients = walk.json_lines();
    let ids: BTreeSet<i64> = patients
        .iter()
        .map(|p| p["patientId"].as_i64().unwrap())
        .collect();
    assert_eq!(patients.len(), 300);
    assert_eq!(ids.len(), 300);
    assert!(
        walk.stderr.is_empty(),
        "no progress bar off a terminal: {}",
        walk.stderr
    );
    let requests = sandbox.stats().rest_requests - before;
    assert_eq!(
        requests,
        300_u64.div_ceil(7) + 1,
        "43 pages and the end signal"
    );

    // Without --page-size the walk asks for 50.
    let before = sandbox.stats().rest_requests;
    let walk = accuro(&env, &["patients", "search-patients", "--all-pages"]).await;
    assert_eq!(walk.json_lines().len(), 300);
    assert_eq!(
        sandbox.stats().rest_requests - before,
        7,
        "6 pages of 50 and the end"
    );

    // Filters carry over to every page.
    let one_page = accuro(
        &env,
        &[
            "patients",
            "search-patients",
            "--last-name",
            "Sample",
            "--page-size",
            "50",
        ],
    )
    .await
    .json();
    let expected = one_page["contents"].as_array().unwrap().len();
    let walk = accuro(
        &env,
        &[
            "patients",
            "search-patients",
            "--last-name",
            "Sample",
            "--page-size",
            "3",
            "--all-pages",
        ],
    )
    .await;
    let samples = walk.json_lines();
    assert!(
        expected > 3 && expected < 50,
        "{expected} patients named Sample"
    );
    assert_eq!(samples.len(), expected);
    assert!(
        samples
            .iter()
            .all(|p| p["demographics"]["lastName"] == "Sample")
    );

    // An operation whose --page-size is an i64 walks as well.
    let every_scope = accuro_sandbox::Config::default().clients[0]
        .scopes
        .join(" ");
    let env_all = with_var(&env, "ACCURO_SCOPES", &every_scope);
    let materials = accuro(
        &env_all,
        &[
            "scheduling",
            "list-appointment-materials",
            "--start-date",
            "2026-01-01",
            "--page-size",
            "10",
            "--all-pages",
        ],
    )
    .await;
    assert_eq!(materials.code, 0, "{materials:?}");

    // A page whose `contents` is a map is no walk.
    let features = accuro(
        &env_all,
        &[
            "users",
            "list-user-features",
            "--user-id",
            "1",
            "--all-pages",
        ],
    )
    .await;
    assert_eq!(features.code, 2, "{features:?}");

    // A reader that goes away (`| head -1`) ends the walk quietly, table or not.
    for format in ["json", "table"] {
        let mut child = std::process::Command::new(common::ACCURO)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .args(["patients", "search-patients", "--all-pages", "-o", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }

    let table = accuro(
        &env,
        &["patients", "search-patients", "--all-pages", "-o", "table"],
    )
    .await;
    assert_eq!(table.code, 0);
    assert!(table.stdout.contains("patientId"));
}
