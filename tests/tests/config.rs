//! Configuration errors name the setting; `Debug` of every public type redacts
//! secrets.

use std::collections::HashMap;

use accuro_client::token::{TokenRequest, TokenResponse};
use accuro_client::{Client, ClientBuilder, ConfigError};
use accuro_tests::*;
use secrecy::SecretString;

fn env() -> HashMap<&'static str, String> {
    HashMap::from([
        (
            "ACCURO_BASE_URL",
            "https://accuro.example.invalid".to_owned(),
        ),
        ("ACCURO_TENANT", TENANT.to_owned()),
        ("ACCURO_CLIENT_ID", CLIENT_ID.to_owned()),
        ("ACCURO_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        (
            "ACCURO_SCOPES",
            "PATIENT_DEMOGRAPHICS_READ, SCHEDULING_WRITE".to_owned(),
        ),
        ("ACCURO_SUBSCRIPTION_KEY", SUBSCRIPTION_KEY.to_owned()),
        ("ACCURO_UUID", CLINIC_UUID.to_uppercase()),
    ])
}

fn build_from(vars: &HashMap<&'static str, String>) -> Result<Client, ConfigError> {
    ClientBuilder::from_lookup(|name| vars.get(name).cloned()).build()
}

/// Every form a secret takes in the client: as given, the uuid in both cases
/// (the environment gives it in upper case, the client sends it in lower
/// case), and the Basic credentials of the token request, encoded and not.
fn assert_redacted(text: &str) {
    use base64::Engine as _;
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let upper_uuid = CLINIC_UUID.to_uppercase();
    assert_ne!(upper_uuid, CLINIC_UUID, "the uuid has letters to change");
    for secret in [
        CLIENT_SECRET,
        SUBSCRIPTION_KEY,
        "token-abc",
        "refresh-abc",
        CLINIC_UUID,
        upper_uuid.as_str(),
        basic.as_str(),
    ] {
        assert!(!text.contains(secret), "`{secret}` in {text}");
    }
}

#[test]
fn the_environment_configures_a_client() {
    let client = build_from(&env()).expect("complete environment");
    assert_redacted(&format!("{client:?}"));
}

#[test]
fn each_missing_variable_is_named() {
    for name in env().keys() {
        let mut vars = env();
        vars.remove(name);
        let err = build_from(&vars).expect_err("incomplete");
        assert_eq!(err, ConfigError::Missing { name }, "{name}");
        assert_eq!(err.to_string(), format!("{name} is not set"));
    }
}

#[test]
fn malformed_values_are_named_with_the_reason() {
    let cases = [
        ("ACCURO_BASE_URL", "not a url", "is not a URL"),
        (
            "ACCURO_BASE_URL",
            "http://accuro.example.invalid",
            "must use https",
        ),
        (
            "ACCURO_BASE_URL",
            "ftp://accuro.example.invalid",
            "use https",
        ),
        (
            "ACCURO_BASE_URL",
            "https://accuro.example.invalid/?x=1",
            "query",
        ),
        ("ACCURO_UUID", "not-a-uuid", "is not a UUID"),
        ("ACCURO_SCOPES", " , ", "lists no scope"),
        ("ACCURO_SCOPES", "A\"B", "characters a scope cannot have"),
        ("ACCURO_TENANT", "  ", "is empty"),
        ("ACCURO_CLIENT_ID", "a:b", "must not contain ':'"),
        ("ACCURO_CLIENT_SECRET", "", "is empty"),
        ("ACCURO_SUBSCRIPTION_KEY", "bad\nkey", "HTTP header"),
    ];
    for (name, value, reason) in cases {
        let mut vars = env();
        vars.insert(name, value.to_owned());
        let err = build_from(&vars).expect_err(name);
        let text = err.to_string();
        assert!(text.starts_with(&format!("{name} is invalid")), "{text}");
        assert!(text.contains(reason), "{name}={value:?}: {text}");
        assert!(
            !text.contains(CLIENT_SECRET) && !text.contains("bad\nkey"),
            "{text}"
        );
    }
}

#[test]
fn loopback_hosts_may_use_http() {
    for url in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
        let mut vars = env();
        vars.insert("ACCURO_BASE_URL", url.to_owned());
        build_from(&vars).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[test]
fn builder_errors_name_the_builder_method() {
    let err = Client::builder().build().expect_err("empty builder");
    assert_eq!(err.to_string(), "base_url is not set");
    let err = Client::builder()
        .base_url("https://accuro.example.invalid")
        .tenant(TENANT)
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .scopes(SCOPES)
        .subscription_key(SUBSCRIPTION_KEY)
        .clinic_uuid("nope")
        .build()
        .expect_err("bad uuid");
    assert!(
        err.to_string().starts_with("clinic_uuid is invalid"),
        "{err}"
    );
}

#[test]
fn debug_output_redacts_the_uuid_given_in_either_case() {
    for uuid in [CLINIC_UUID.to_uppercase(), CLINIC_UUID.to_owned()] {
        let mut vars = env();
        vars.insert("ACCURO_UUID", uuid);
        let builder = ClientBuilder::from_lookup(|name| vars.get(name).cloned());
        assert_redacted(&format!("{builder:?}"));
        let client = builder.build().expect("client");
        assert_redacted(&format!("{client:?}"));
    }
}

#[test]
fn debug_output_redacts_secrets() {
    let builder = ClientBuilder::from_lookup(|name| env().get(name).cloned());
    assert_redacted(&format!("{builder:?}"));
    let client = builder.build().expect("client");
    assert_redacted(&format!("{client:?}"));
    assert_redacted(&format!("{:?}", progenitor_inner(&client)));

    let request = TokenRequest::refresh(SecretString::from("refresh-abc"));
    assert_redacted(&format!("{request:?}"));
    let response: TokenResponse = serde_json::from_value(serde_json::json!({
        "access_token": "token-abc", "refresh_token": "refresh-abc", "expires_in": 3600
    }))
    .expect("token response");
    assert_redacted(&format!("{response:?}"));
    assert_eq!(response.expires_in, Some(3600));
    // The builder of the token call holds the request body: redacted too.
    let call = client.request_token().tenant(TENANT).body(request);
    assert_redacted(&format!("{call:?}"));
}

fn progenitor_inner(client: &Client) -> &accuro_client::ClientState {
    use progenitor_client::ClientInfo;
    client.inner()
}

#[test]
fn token_scopes_are_read_leniently() {
    let response: TokenResponse = serde_json::from_value(serde_json::json!({
        "access_token": "token-abc", "scope": " A,B  C ,, D", "expires_in": "3600"
    }))
    .expect("token response");
    assert_eq!(response.scopes(), ["A", "B", "C", "D"]);
    assert_eq!(response.expires_in, Some(3600));
}
