//! `accuro auth check`: a token fetched, what it allows shown, the token not.

use accuro_client::Client;
use serde_json::{Value, json};

use crate::exit::Failure;

/// Fetches a token and describes it: granted scopes, lifetime, renewal,
/// whether a refresh token came with it.
pub async fn check(client: &Client) -> Result<Value, Failure> {
    let info = client.token_info().await?;
    Ok(json!({
        "token": "granted",
        "scopes": info.scopes,
        "expires_in_seconds": info.expires_in.as_secs(),
        "renews_in_seconds": info.renews_in.as_secs(),
        "refresh_token": info.refreshable,
    }))
}
