//! [`MockAccuro`]: an `httpmock` server with Accuro's token endpoint and
//! gateway in front of the operations a test mocks.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use accuro_client::{Client, ClientBuilder, ClinicConfig, ConfigError};
use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};

use accuro_spec::gateway::Refusal;
use accuro_spec::token_endpoint::{self, TokenRequest};

use crate::gateway::{Gateway, Request};
use crate::generated::ROUTES;
use crate::token::TokenDesk;

/// The synthetic settings a [`MockAccuro`] starts with (public by design:
/// they are not secrets).
pub mod defaults {
    /// The tenant (ACRON).
    pub const TENANT: &str = "mockclinic";
    /// The client id.
    pub const CLIENT_ID: &str = "mock-client-id";
    /// The client secret.
    pub const CLIENT_SECRET: &str = "mock-client-secret";
    /// The subscription key.
    pub const SUBSCRIPTION_KEY: &str = "mock-subscription-key";
    /// The clinic's uuid.
    pub const CLINIC_UUID: &str = "00000000-0000-4000-8000-00000000a11c";
    /// The tokens' lifetime, in seconds.
    pub const TOKEN_LIFETIME_SECS: u64 = 3600;
}

/// A mock of one clinic's Accuro, for testing code that uses
/// [`accuro_client`].
///
/// It serves the token endpoint (`POST /v1/token?tenant=…`, Basic
/// credentials, client-credentials grant) and checks every `/rest/` request
/// the way Accuro's gateway does, before any mock of yours answers it:
///
/// | the request lacks | the answer |
/// | --- | --- |
/// | a bearer token this mock issued (or it was [expired](Self::expire_tokens)) | 401 `{"code":"401","message":"Unauthorized"}` |
/// | the subscription key | 401 `{"code":"401","message":"Access denied due to missing or invalid subscription key."}` |
/// | the `uuid` query parameter | 400 `{"error":"Required Parameter Missing."}` |
/// | this clinic's `uuid` | 400 `{"error":"The provided uuid does not match one associated with your ACRON."}` |
/// | one of the operation's scopes on the token | 401 `{"error":"Access is denied"}` |
///
/// A request that passes is answered by the mocks you add with
/// [`MockServerExt`](crate::MockServerExt) on [`server()`](Self::server)
/// (typed, one method per operation), or answered 404 when none matches.
///
/// See the [crate documentation](crate) for an example.
pub struct MockAccuro {
    server: MockServer,
    settings: Settings,
    state: Arc<Mutex<MockState>>,
}

#[derive(Clone)]
struct Settings {
    tenant: String,
    client_id: String,
    client_secret: String,
    subscription_key: String,
    clinic_uuid: String,
    scopes: Vec<String>,
    token_lifetime: u64,
}

/// What the request matchers and the token endpoint share: the gateway
/// (with the tokens issued), the token desk, the counters.
struct MockState {
    gateway: Gateway,
    desk: TokenDesk,
    token_lifetime: u64,
    /// Tokens issued so far (their names count from 1).
    issued: u64,
    /// Requests the token endpoint received.
    token_requests: usize,
}

impl MockState {
    /// The token endpoint's answer to `req`: a refusal, or a new token
    /// carrying the scopes asked for (all the clinic granted when none were).
    fn token_answer(&mut self, req: &HttpMockRequest) -> HttpMockResponse {
        self.token_requests = self.token_requests.saturating_add(1);
        let (_, query) = split_uri(req.uri_str());
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&req.body_bytes())
            .into_owned()
            .collect();
        let request = TokenRequest {
            headers: req.headers_vec(),
            query: &query,
            form: Some(&form),
        };
        let (status, body) = match self.desk.scopes(&request) {
            Err(refusal) => (refusal.status(), refusal.body()),
            Ok(scopes) => {
                self.issued = self.issued.saturating_add(1);
                let token = format!("mock-access-token-{}", self.issued);
                let body = token_endpoint::answer(&token, &scopes, self.token_lifetime, None);
                self.gateway.tokens.insert(token, scopes);
                (200, body)
            }
        };
        HttpMockResponse::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
            .build()
    }
}

fn lock(state: &Mutex<MockState>) -> MutexGuard<'_, MockState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Settings for a [`MockAccuro`] other than the [`defaults`].
#[derive(Clone)]
pub struct MockAccuroBuilder {
    settings: Settings,
}

impl fmt::Debug for MockAccuroBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAccuroBuilder")
            .field("tenant", &self.settings.tenant)
            .field("scopes", &self.settings.scopes)
            .field("token_lifetime", &self.settings.token_lifetime)
            .finish_non_exhaustive()
    }
}

impl MockAccuroBuilder {
    /// The tenant (ACRON) the token endpoint expects.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.settings.tenant = tenant.into();
        self
    }

    /// The client id and secret the token endpoint expects.
    pub fn credentials(mut self, client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.settings.client_id = client_id.into();
        self.settings.client_secret = secret.into();
        self
    }

    /// The subscription key every REST call must carry.
    pub fn subscription_key(mut self, key: impl Into<String>) -> Self {
        self.settings.subscription_key = key.into();
        self
    }

    /// The clinic's uuid every REST call must carry.
    pub fn clinic_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.settings.clinic_uuid = uuid.into();
        self
    }

    /// The scopes the clinic granted (by default every scope of the spec).
    /// A token carries the scopes its request asked for (all of these when
    /// it asked for none); asking for another is refused (400
    /// `invalid_scope`), and an operation none of the token's scopes grants
    /// is refused with 401 `Access is denied`.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.settings.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The `expires_in` of the tokens (whole seconds; by default an hour).
    /// The mock itself never expires a token by time: call
    /// [`MockAccuro::expire_tokens`].
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings.token_lifetime = lifetime.as_secs();
        self
    }

    /// Starts the mock server.
    pub async fn start(self) -> MockAccuro {
        MockAccuro::start_with(self.settings, MockServer::start_async().await)
    }
}

impl fmt::Debug for MockAccuro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAccuro")
            .field("base_url", &self.server.base_url())
            .field("tenant", &self.settings.tenant)
            .finish_non_exhaustive()
    }
}

impl MockAccuro {
    /// Starts a mock with the [`defaults`].
    pub async fn start() -> MockAccuro {
        MockAccuro::builder().start().await
    }

    /// Settings other than the [`defaults`].
    pub fn builder() -> MockAccuroBuilder {
        let mut scopes: Vec<String> = ROUTES
            .iter()
            .flat_map(|r| r.scopes)
            .map(|s| (*s).to_owned())
            .collect();
        scopes.sort();
        scopes.dedup();
        MockAccuroBuilder {
            settings: Settings {
                tenant: defaults::TENANT.into(),
                client_id: defaults::CLIENT_ID.into(),
                client_secret: defaults::CLIENT_SECRET.into(),
                subscription_key: defaults::SUBSCRIPTION_KEY.into(),
                clinic_uuid: defaults::CLINIC_UUID.into(),
                scopes,
                token_lifetime: defaults::TOKEN_LIFETIME_SECS,
            },
        }
    }

    fn start_with(settings: Settings, server: MockServer) -> MockAccuro {
        let state = Arc::new(Mutex::new(MockState {
            gateway: Gateway {
                subscription_key: settings.subscription_key.clone(),
                clinic_uuid: settings.clinic_uuid.clone(),
                tokens: Default::default(),
            },
            desk: TokenDesk {
                tenant: settings.tenant.clone(),
                client_id: settings.client_id.clone(),
                client_secret: settings.client_secret.clone(),
                granted: settings.scopes.clone(),
            },
            token_lifetime: settings.token_lifetime,
            issued: 0,
            token_requests: 0,
        }));
        let mock = MockAccuro {
            server,
            settings,
            state,
        };
        mock.install();
        mock
    }

    /// Adds the gateway's checks and the token endpoint to the server.
    fn install(&self) {
        // The gateway's refusals come first: httpmock answers with the
        // first mock that matches, so no mock of the test's can answer a
        // request the gateway refuses.
        for refusal in Refusal::ALL {
            let state = Arc::clone(&self.state);
            self.server.mock(|when, then| {
                when.path_prefix("/rest/").is_true(move |req| {
                    let (path, query) = split_uri(req.uri_str());
                    let request = Request {
                        method: req.method_str(),
                        path,
                        headers: req.headers_vec(),
                        query: &query,
                    };
                    lock(&state).gateway.refusal(&request) == Some(refusal)
                });
                then.status(refusal.status())
                    .header("content-type", "application/json")
                    .json_body(refusal.body());
            });
        }
        let state = Arc::clone(&self.state);
        self.server.mock(|when, then| {
            when.method(httpmock::Method::POST).path("/v1/token");
            then.respond_with(move |req| lock(&state).token_answer(req));
        });
    }

    /// The `httpmock` server, to add mocks to (see
    /// [`MockServerExt`](crate::MockServerExt)) and to inspect.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// The base URL (`http://127.0.0.1:<port>`).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The clinic settings that reach this mock, with its credentials,
    /// scopes, subscription key and uuid: for a client of your own making
    /// (a shared [`Transport`](accuro_client::Transport), say).
    pub fn clinic_config(&self) -> ClinicConfig {
        let s = &self.settings;
        ClinicConfig::new()
            .base_url(self.server.base_url())
            .tenant(&s.tenant)
            .client_id(&s.client_id)
            .client_secret(&s.client_secret)
            .scopes(s.scopes.iter().cloned())
            .subscription_key(&s.subscription_key)
            .clinic_uuid(&s.clinic_uuid)
    }

    /// A client builder set up for this mock, to change transport settings
    /// before building.
    pub fn client_builder(&self) -> ClientBuilder {
        ClientBuilder::from(self.clinic_config())
    }

    /// A client configured for this mock.
    ///
    /// Fails only if the settings given to the [builder](Self::builder)
    /// are not ones a client accepts (a clinic uuid that is not a UUID, say).
    pub fn client(&self) -> Result<Client, ConfigError> {
        self.client_builder().build()
    }

    /// How many requests reached the token endpoint, refused ones included.
    pub fn token_requests(&self) -> usize {
        lock(&self.state).token_requests
    }

    /// Expires every token issued so far: a call carrying one is answered
    /// 401, as Accuro answers an expired token; the token endpoint goes on
    /// issuing new ones.
    pub fn expire_tokens(&self) {
        lock(&self.state).gateway.tokens.clear();
    }

    /// Removes every mock you added and puts the gateway and the token
    /// endpoint back; the issued tokens and the token count are kept. Use
    /// this rather than `server().reset()`, which would remove them too.
    pub fn reset(&self) {
        self.server.reset();
        self.install();
    }
}

/// A request target's path and decoded query (httpmock gives the absolute
/// form, `http://127.0.0.1:port/rest/...?uuid=...`).
fn split_uri(uri: &str) -> (&str, Vec<(String, String)>) {
    let target = match uri.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => uri,
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    (path, query)
}

#[cfg(test)]
mod tests {
    use super::split_uri;

    #[test]
    fn targets_split_into_path_and_decoded_query() {
        let (path, query) = split_uri("http://127.0.0.1:4/rest/v1/offices?uuid=a%2Db&x=1");
        assert_eq!(path, "/rest/v1/offices");
        assert_eq!(
            query,
            [("uuid".into(), "a-b".into()), ("x".into(), "1".into())]
        );
        assert_eq!(split_uri("/v1/token?tenant=t").0, "/v1/token");
        assert_eq!(split_uri("http://host").0, "/");
    }
}
