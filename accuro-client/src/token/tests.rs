//! The token's lifetime rules, read from the token endpoint's answers.

use super::*;

fn response(expires_in: Option<i64>) -> TokenResponse {
    TokenResponse {
        token_type: None,
        expires_in,
        access_token: SecretString::from("synthetic"),
        scope: None,
        refresh_token: None,
    }
}

#[test]
fn renewal_comes_earlier_by_the_injected_jitter_up_to_a_tenth_of_the_margin() {
    let sent = Instant::now();
    let margin = Duration::from_secs(60);
    for (jitter, before_expiry) in [
        (0.0, 60_000),
        (0.5, 63_000),
        (1.0, 66_000),
        (7.0, 66_000),
        (-1.0, 60_000),
        (f64::NAN, 60_000),
    ] {
        let t = Token::from_response(response(Some(3600)), sent, margin, jitter).expect("token");
        assert_eq!(
            t.expires_at - t.refresh_at,
            Duration::from_millis(before_expiry),
            "jitter {jitter}"
        );
    }
}

#[test]
fn odd_lifetimes() {
    let sent = Instant::now();
    let margin = Duration::from_secs(60);
    let zero = Token::from_response(response(Some(0)), sent, margin, 0.0).expect("token");
    assert_eq!(zero.expires_at, sent);
    let negative = Token::from_response(response(Some(-5)), sent, margin, 0.0).expect("token");
    assert_eq!(negative.expires_at, sent);
    let missing = Token::from_response(response(None), sent, margin, 0.0).expect("token");
    assert_eq!(missing.expires_at - sent, DEFAULT_LIFETIME);
    let huge = Token::from_response(response(Some(i64::MAX)), sent, margin, 0.0).expect("token");
    assert_eq!(huge.expires_at - sent, MAX_LIFETIME);
    // A short lifetime keeps at least half of it usable.
    let short = Token::from_response(response(Some(20)), sent, margin, 0.0).expect("token");
    assert!(
        short.refresh_at - sent >= Duration::from_secs(9),
        "{:?}",
        short.refresh_at - sent
    );
}
