//! Requests to the sandbox without the client: a token of its client, and
//! one request whose exact answer a test reads.

use accuro_sandbox::Sandbox;
use serde_json::Value;

/// A token of the sandbox's client, for `scope` (every scope it has: `None`).
pub(crate) async fn raw_token(sandbox: &Sandbox, scope: Option<&str>) -> String {
    let mut form = vec![("grant_type", "client_credentials")];
    form.extend(scope.map(|s| ("scope", s)));
    let body: Value = accuro_tests::raw_http_client()
        .post(format!("{}/v1/token", sandbox.base_url()))
        .query(&[("tenant", accuro_sandbox::TENANT)])
        .basic_auth(
            accuro_sandbox::CLIENT_ID,
            Some(accuro_sandbox::CLIENT_SECRET),
        )
        .form(&form)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token JSON");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// One request to the sandbox without the client, to see its exact answer.
pub(crate) struct Raw<'a> {
    pub(crate) method: reqwest::Method,
    pub(crate) path: &'a str,
    pub(crate) query: Vec<(&'a str, &'a str)>,
    pub(crate) token: Option<&'a str>,
    pub(crate) key: Option<&'a str>,
}

impl<'a> Raw<'a> {
    /// `GET path?uuid=...` with the token and the sandbox's key.
    pub(crate) fn get(path: &'a str, token: &'a str) -> Self {
        Self {
            method: reqwest::Method::GET,
            path,
            query: vec![("uuid", accuro_sandbox::CLINIC_UUID)],
            token: Some(token),
            key: Some(accuro_sandbox::SUBSCRIPTION_KEY),
        }
    }

    /// Its status, `Content-Type` and body.
    pub(crate) async fn send(self, sandbox: &Sandbox) -> (u16, String, Vec<u8>) {
        let mut request = accuro_tests::raw_http_client()
            .request(self.method, format!("{}{}", sandbox.base_url(), self.path))
            .query(&self.query);
        if let Some(token) = self.token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = self.key {
            request = request.header("x-qhr-subscription-key", key);
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status().as_u16();
        let media_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.bytes().await.expect("body").to_vec();
        (status, media_type, body)
    }

    /// Its status and JSON body (`null` if it has none).
    pub(crate) async fn json(self, sandbox: &Sandbox) -> (u16, Value) {
        let (status, _, body) = self.send(sandbox).await;
        let value = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&body).expect("a JSON body")
        };
        (status, value)
    }
}
