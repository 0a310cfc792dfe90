//! Profiles: a file of named clinic settings, refused when others may read
//! it and it holds a secret; errors that never quote a value.

mod common;

use std::os::unix::fs::PermissionsExt as _;

use common::{accuro, accuro_in, env_of, sandbox, with_var};

fn profile_file(dir: &std::path::Path, text: &str, mode: u32) -> std::path::PathBuf {
    let path = dir.join("profiles.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn sandbox_profile(env: &[(&str, String)]) -> String {
    let get = |name: &str| env.iter().find(|(k, _)| *k == name).unwrap().1.clone();
    format!(
        "[sandbox]\nbase_url = \"{}\"\ntenant = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\n\
         scopes = [\"SCHEDULING_READ\"]\nsubscription_key = \"{}\"\nclinic_uuid = \"{}\"\n\n\
         [other]\nbase_url = \"https://accuro.example.invalid\"\n",
        get("ACCURO_BASE_URL"),
        get("ACCURO_TENANT"),
        get("ACCURO_CLIENT_ID"),
        get("ACCURO_CLIENT_SECRET"),
        get("ACCURO_SUBSCRIPTION_KEY"),
        get("ACCURO_UUID"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_private_profile_is_used_and_an_exposed_one_refused() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let path = profile_file(dir.path(), &sandbox_profile(&env_of(&sandbox)), 0o600);
    let at = path.to_str().unwrap();

    let run = accuro(
        &[],
        &["--profiles", at, "--profile", "sandbox", "auth", "check"],
    )
    .await;
    assert_eq!(run.json()["scopes"], serde_json::json!(["SCHEDULING_READ"]));
    // ACCURO_PROFILE names it too; a profile wins over the variables.
    let mut env = with_var(
        &env_of(&sandbox),
        "ACCURO_SCOPES",
        "PATIENT_DEMOGRAPHICS_READ",
    );
    env.push(("ACCURO_PROFILE", "sandbox".into()));
    env.push(("ACCURO_PROFILES", at.into()));
    let run = accuro(&env, &["auth", "check"]).await;
    assert_eq!(run.json()["scopes"], serde_json::json!(["SCHEDULING_READ"]));

    for mode in [0o644, 0o640, 0o604, 0o620] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let run = accuro(
            &[],
            &["--profiles", at, "--profile", "sandbox", "auth", "check"],
        )
        .await;
        assert_eq!(run.code, 3, "mode {mode:o}: {run:?}");
        assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{mode:04o}")),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("sandbox-secret"), "{}", run.stderr);
        assert_eq!(sandbox.stats().token_requests, 2, "nothing sent");
    }

    // A private file that belongs to another user (root alone can give a
    // file away; CI and this machine run the tests as root): refused too,
    // the owner read from the opened file.
    if rustix::process::geteuid().is_root() {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
        let run = accuro(
            &[],
            &["--profiles", at, "--profile", "sandbox", "auth", "check"],
        )
        .await;
        assert_eq!(run.code, 3, "{run:?}");
        assert!(run.stderr.contains("another user"), "{}", run.stderr);
        assert_eq!(sandbox.stats().token_requests, 2, "nothing sent");
    } else {
        eprintln!("not root: the owner check is left to a root run");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_default_file_is_under_home_and_profile_mistakes_are_named_without_values() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/accuro");
    std::fs::create_dir_all(&dir).unwrap();
    let secret = "never-print-this-secret";

    // A missing profile lists the ones there are.
    profile_file(
        &dir,
        "[alpha]\ntenant = \"a\"\n[beta]\ntenant = \"b\"\n",
        0o600,
    );
    let run = accuro_in(
        &[],
        &["--profile", "gamma", "auth", "check"],
        Some(home.path()),
    )
    .await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("alpha, beta"), "{}", run.stderr);

    // A profile without every setting: the missing one is named.
    let run = accuro_in(
        &[],
        &["--profile", "alpha", "auth", "check"],
        Some(home.path()),
    )
    .await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("base_url"), "{}", run.stderr);

    // Broken TOML on the secret's line, a misspelt field, a secret of the
    // wrong type: the line is named, the value never.
    for (text, line) in [
        (
            format!("[a]\ntenant = \"t\"\nclient_secret = \"{secret}\n"),
            "line 3",
        ),
        (format!("[a]\nclient_secrett = \"{secret}\"\n"), "line 2"),
        ("[a]\nclient_secret = 12345678901\n".to_owned(), "line 2"),
    ] {
        profile_file(&dir, &text, 0o600);
        let run = accuro_in(&[], &["--profile", "a", "auth", "check"], Some(home.path())).await;
        assert_eq!(run.code, 3, "{run:?}");
        assert!(run.stderr.contains(line), "{line}: {}", run.stderr);
        assert!(!run.stderr.contains(secret), "{}", run.stderr);
        assert!(!run.stderr.contains("12345678901"), "{}", run.stderr);
    }
}
