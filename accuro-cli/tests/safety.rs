//! What the `accuro` command writes is safe: letter content lands in a new
//! file only the user can read, never through a symbolic link nor over a
//! file without `--force`; server texts on stderr and values on stdout
//! (JSON and table) carry no control, C1 or bidi character, and no text
//! that interpolates a value.

mod common;

use common::{accuro, env_of, sandbox, with_var};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NAME: &str = "Qzxmarkerson";
/// Characters a terminal obeys rather than shows.
const HOSTILE: [char; 7] = [
    '\u{1b}', '\u{7}', '\u{202e}', '\u{9b}', '\u{85}', '\u{2066}', '\u{200f}',
];

fn assert_shown_not_obeyed(label: &str, text: &str) {
    for c in HOSTILE {
        assert!(!text.contains(c), "{label}: {c:?} in {text:?}");
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn letter_content_is_private_never_through_a_link_and_never_over_a_file_without_force() {
    use std::os::unix::fs::PermissionsExt as _;
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let get = |to: String, force: bool| {
        let env = env.clone();
        async move {
            let mut args = vec![
                "letters",
                "get-letter",
                "--letter-id",
                "1",
                "--content-to",
                to.as_str(),
            ];
            if force {
                args.push("--force");
            }
            accuro(&env, &args).await
        }
    };
    let mode = |p: &str| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

    // A new file, readable only by the user.
    let first = get(at("letter.bin"), false).await;
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(mode(&at("letter.bin")), 0o600);
    let content = std::fs::read(at("letter.bin")).unwrap();
    assert!(!content.is_empty());

    // An existing file: refused, left as it was, unless --force.
    std::fs::write(at("letter.bin"), b"kept").unwrap();
    std::fs::set_permissions(at("letter.bin"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let again = get(at("letter.bin"), false).await;
    assert_ne!(again.code, 0, "{again:?}");
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(std::fs::read(at("letter.bin")).unwrap(), b"kept");
    let forced = get(at("letter.bin"), true).await;
    assert_eq!(forced.code, 0, "{forced:?}");
    assert_eq!(std::fs::read(at("letter.bin")).unwrap(), content);
    assert_eq!(mode(&at("letter.bin")), 0o600);

    // A symbolic link: never followed, even with --force.
    std::fs::write(at("target"), b"untouched").unwrap();
    std::os::unix::fs::symlink(at("target"), at("link.bin")).unwrap();
    std::os::unix::fs::symlink(at("nowhere"), at("dangling.bin")).unwrap();
    for (link, force) in [
        ("link.bin", false),
        ("link.bin", true),
        ("dangling.bin", true),
    ] {
        let refused = get(at(link), force).await;
        assert_ne!(refused.code, 0, "{link} {force}: {refused:?}");
        assert!(
            refused.stderr.contains("symbolic link"),
            "{}",
            refused.stderr
        );
    }
    assert_eq!(std::fs::read(at("target")).unwrap(), b"untouched");
    assert!(!dir.path().join("nowhere").exists());
}

/// The `ACCURO_*` variables, pointed at `server`.
async fn env_at(server: &MockServer) -> Vec<(&'static str, String)> {
    let sandbox = sandbox().await;
    with_var(&env_of(&sandbox), "ACCURO_BASE_URL", &server.uri())
}

async fn stand_in(verb: &str, at: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "token-1", "expires_in": 3600})),
        )
        .mount(&server)
        .await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn server_texts_on_stderr_hold_no_value_and_no_control_character() {
    let hostile = format!("\u{1b}[2J\u{1b}]0;{NAME}\u{7}\u{202e}{NAME}\u{9b}31m\u{85}\u{2066}");
    let body = json!({
        "error": format!("must match the patient on file: Jane {NAME}, 12 Main St"),
        "constraintViolations": [
            {"field": format!("demographics.{NAME}"), "value": NAME, "constraint": format!("must not be {NAME}")},
            {"field": hostile, "value": hostile, "constraint": hostile},
            {"field": "lastName", "value": NAME, "constraint": "size must be between 2 and 100"}
        ]
    });
    let server = stand_in(
        "GET",
        "/rest/v2/provider-portal/patients/search",
        ResponseTemplate::new(400).set_body_json(body),
    )
    .await;
    let env = env_at(&server).await;
    let run = accuro(
        &env,
        &["patients", "search-patients", "--last-name", "Sample"],
    )
    .await;
    assert_ne!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains(NAME), "{}", run.stderr);
    assert!(!run.stderr.contains("Main St"), "{}", run.stderr);
    assert_shown_not_obeyed("stderr", &run.stderr);
    assert!(
        run.stderr
            .contains("lastName: size must be between 2 and 100"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn values_on_stdout_are_shown_not_obeyed_in_json_and_in_tables() {
    let patient = json!({
        "patientId": 1001,
        "patientStatusId": 1,
        "demographics": {
            "genderId": 2,
            "birthday": "1970-01-01",
            "firstName": "Sam\u{202e}elpmaS",
            "lastName": "Sample\u{9b}31m\u{85}\u{1b}[2J\u{7}",
            "middleName": "\u{2066}Q\u{200f}",
        }
    });
    let server = stand_in(
        "GET",
        "/rest/v2/provider-portal/patients/1001",
        ResponseTemplate::new(200).set_body_json(patient),
    )
    .await;
    let env = env_at(&server).await;
    for format in ["json", "table"] {
        let run = accuro(
            &env,
            &[
                "patients",
                "get-patient",
                "--patient-id",
                "1001",
                "--output",
                format,
            ],
        )
        .await;
        assert_eq!(run.code, 0, "{format}: {run:?}");
        assert_shown_not_obeyed(format, &run.stdout);
        assert!(run.stdout.contains("Sam"), "{format}: {}", run.stdout);
        if format == "json" {
            // The same value, escaped: read back, it is what the server sent.
            let value: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
            assert_eq!(value["demographics"]["firstName"], "Sam\u{202e}elpmaS");
        }
    }
}
