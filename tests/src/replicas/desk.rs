//! The token desk: an Accuro stand-in that issues tokens and counts token
//! requests per clinic, and answers one REST call.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::json;

/// What every access token the desk issues starts with.
pub const ACCESS_MARKER: &str = "desk-access-";
/// What every refresh token the desk issues starts with.
pub const REFRESH_MARKER: &str = "desk-refresh-";

/// What the desk has seen.
#[derive(Default)]
pub struct DeskState {
    /// Token requests answered or held, per tenant.
    pub token_requests: HashMap<String, u32>,
    /// When each token request arrived.
    pub token_arrivals: Vec<Instant>,
    /// Refresh grants that spent a refresh token already spent.
    pub refresh_reused: u32,
    /// Refresh grants (each spent a refresh token).
    pub refresh_grants: u32,
    spent: HashSet<String>,
    issued: HashMap<String, (String, Instant)>,
    refresh_issued: HashSet<String>,
    /// REST calls, with the tenant of their token and when they arrived.
    pub calls: Vec<(String, Instant)>,
    /// REST calls refused 401 (unknown or expired token).
    pub refused: u32,
    /// Tenants whose next token request is held without an answer.
    pub hold: HashSet<String>,
    /// Tenants whose next token request is answered this late.
    pub slow: HashMap<String, Duration>,
    /// Token requests answered with a token.
    pub answered: u32,
    /// Tenants whose next REST call is answered 429 with this `Retry-After`.
    pub throttle: HashMap<String, u64>,
    /// `expires_in` of the tokens issued.
    pub expires_in: i64,
    /// Whether tokens come with a refresh token.
    pub refresh_tokens: bool,
    /// Whether the token endpoint is down (every token request answered
    /// 503, and counted).
    pub down: bool,
    /// Each token's current office (absent: the default office).
    pub offices: HashMap<String, i64>,
    /// Office switches: (token, office).
    pub switches: Vec<(String, i64)>,
    /// REST calls: (token, the office it ran as; `None`: the default).
    pub call_offices: Vec<(String, Option<i64>)>,
    issued_count: u64,
}

impl DeskState {
    /// When each token issued so far expires, on the desk's clock (counted
    /// from its answer, so never before the client's own reckoning).
    pub fn expiries(&self) -> Vec<Instant> {
        self.issued.values().map(|(_, until)| *until).collect()
    }

    /// The most time any token issued so far has left, on the desk's clock
    /// (zero: every one has expired, or none was issued). A replica reckons
    /// a token's life from its request, or from its read of Redis, so it
    /// never finds more left than this but for the few milliseconds of a
    /// save to Redis: less than any send margin, so once this is zero no
    /// replica sends one of them, and every call needs a new token.
    pub fn most_left(&self) -> Duration {
        let now = Instant::now();
        self.issued
            .values()
            .map(|(_, until)| until.saturating_duration_since(now))
            .max()
            .unwrap_or_default()
    }

    /// The least time any token issued so far has left, on the desk's
    /// clock (`None`: none was issued).
    pub fn least_left(&self) -> Option<Duration> {
        let now = Instant::now();
        self.issued
            .values()
            .map(|(_, until)| until.saturating_duration_since(now))
            .min()
    }
}

/// The stand-in: `POST /v1/token` and `GET /rest/v1/genders`, counting.
#[derive(Clone)]
pub struct TokenDesk {
    /// Its state, for the test to read and steer.
    pub state: Arc<Mutex<DeskState>>,
    /// Its address.
    pub addr: SocketAddr,
}

impl TokenDesk {
    /// Starts the desk on a loopback port, issuing tokens that live
    /// `expires_in` seconds.
    pub async fn start(expires_in: i64) -> Self {
        let state = Arc::new(Mutex::new(DeskState {
            expires_in,
            ..DeskState::default()
        }));
        let app = Router::new()
            .route("/v1/token", post(token))
            .route("/rest/v1/genders", get(genders))
            .route(
                "/rest/v1/provider-portal/current-office",
                put(switch_office),
            )
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the desk");
        let addr = listener.local_addr().expect("the desk's address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { state, addr }
    }

    /// Its base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Reads or steers the state.
    pub fn with<T>(&self, f: impl FnOnce(&mut DeskState) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// All token requests so far.
    pub fn token_requests(&self) -> u32 {
        self.with(|s| s.token_requests.values().sum())
    }

    /// Waits until `check` holds, looking every 10 ms; fails the test,
    /// naming `what`, if it does not within the [`GUARD`](super::GUARD) (a
    /// guard against a hang, never a bound on the event).
    pub async fn wait_for(&self, what: &str, check: impl Fn(&DeskState) -> bool) {
        super::wait::wait_for(what, || self.with(|s| check(s))).await;
    }

    /// Waits until every token issued so far has expired on the desk's
    /// clock (see [`DeskState::most_left`]): the desk refuses each from then
    /// on, and no replica still has one it would send.
    pub async fn wait_until_every_token_expired(&self) {
        self.wait_for("every token issued to expire", |s| s.most_left().is_zero())
            .await;
    }

    /// Waits (up to `limit`) until `check` holds, looking every 10 ms.
    pub async fn wait_until(&self, limit: Duration, check: impl Fn(&DeskState) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if self.with(|s| check(s)) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

async fn token(
    State(state): State<Arc<Mutex<DeskState>>>,
    Query(query): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    let tenant = query.get("tenant").cloned().unwrap_or_default();
    let form: HashMap<String, String> = url_form(&body);
    let held = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        *s.token_requests.entry(tenant.clone()).or_default() += 1;
        s.token_arrivals.push(Instant::now());
        if form.get("grant_type").map(String::as_str) == Some("refresh_token") {
            s.refresh_grants += 1;
            let spent = form.get("refresh_token").cloned().unwrap_or_default();
            if !s.refresh_issued.contains(&spent) || !s.spent.insert(spent) {
                s.refresh_reused += 1;
                return (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({"error": "invalid_grant"})),
                )
                    .into_response();
            }
        }
        if s.down {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(json!({"code": "503", "message": "Service Unavailable"})),
            )
                .into_response();
        }
        (s.hold.remove(&tenant), s.slow.remove(&tenant))
    };
    if held.0 {
        // Never answered: the process that sent it is killed meanwhile.
        std::future::pending::<()>().await;
    }
    if let Some(late) = held.1 {
        tokio::time::sleep(late).await;
    }
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    s.answered += 1;
    s.issued_count += 1;
    let n = s.issued_count;
    let access = format!("{ACCESS_MARKER}{n:06}");
    let lifetime = Duration::from_secs(s.expires_in.max(0).unsigned_abs());
    s.issued
        .insert(access.clone(), (tenant, Instant::now() + lifetime));
    let mut answer = json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": s.expires_in,
        "scope": "PATIENT_DEMOGRAPHICS_READ",
    });
    if s.refresh_tokens {
        let refresh = format!("{REFRESH_MARKER}{n:06}");
        s.refresh_issued.insert(refresh.clone());
        answer["refresh_token"] = json!(refresh);
    }
    axum::Json(answer).into_response()
}

async fn genders(State(state): State<Arc<Mutex<DeskState>>>, headers: HeaderMap) -> Response {
    let bearer = bearer(&headers);
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let tenant = match s.issued.get(&bearer) {
        Some((tenant, until)) if *until > Instant::now() => tenant.clone(),
        _ => {
            s.refused += 1;
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": "invalid_token"})),
            )
                .into_response();
        }
    };
    s.calls.push((tenant.clone(), Instant::now()));
    let office = s.offices.get(&bearer).copied();
    s.call_offices.push((bearer.clone(), office));
    if let Some(seconds) = s.throttle.remove(&tenant) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", seconds.to_string())],
            axum::Json(json!({"statusCode": 429, "message": "Rate limit is exceeded."})),
        )
            .into_response();
    }
    axum::Json(json!([])).into_response()
}

async fn switch_office(
    State(state): State<Arc<Mutex<DeskState>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let bearer = bearer(&headers);
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let (Some(_), Ok(office)) = (s.issued.get(&bearer), body.trim().parse::<i64>()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    s.offices.insert(bearer.clone(), office);
    s.switches.push((bearer, office));
    StatusCode::NO_CONTENT.into_response()
}

/// The access token a request carries (empty: none).
fn bearer(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned()
}

fn url_form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}
