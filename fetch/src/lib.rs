//! Fetching over HTTPS for the project's tools (`cargo xtask vendor-diff`,
//! `import` and `probe`).
//!
//! - TLS is rustls with an explicit *ring* provider built into each client:
//!   nothing process-wide is installed, so other `reqwest` clients in the same
//!   process are not affected.
//! - Roots are Mozilla's (`webpki-roots`), so a machine or container without
//!   CA files can fetch, plus any extra CA given as PEM (a private QHR
//!   sandbox, a test server).
//! - A document fetch is `https` only (redirects included), has connect and
//!   whole-request timeouts, a size cap checked before and while reading, and
//!   its media type checked.
//! - Errors carry the cause chain but never the URL's query (a signed URL's
//!   token).

#![warn(missing_docs)]

use std::time::Duration;

pub mod tls;

/// Default cap on a fetched document.
pub const DEFAULT_MAX_BYTES: u64 = 32 * 1024 * 1024;
/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole fetch.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Media types an OpenAPI document may be served as (GitHub serves raw files
/// as `text/plain`).
pub const OPENAPI_MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/yaml",
    "application/x-yaml",
    "application/vnd.oai.openapi",
    "application/vnd.oai.openapi+json",
    "text/yaml",
    "text/x-yaml",
    "text/plain",
];

/// Why a fetch failed. Safe to print: no URL query, no body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The address is not an `https` URL.
    #[error("`{0}` is not an https URL: documents are fetched over https only")]
    NotHttps(String),
    /// The address does not parse as a URL.
    #[error("`{0}` is not a URL")]
    BadUrl(String),
    /// An extra root CA could not be read.
    #[error("the extra root CA is not a PEM certificate: {0}")]
    Roots(String),
    /// The TLS configuration could not be built.
    #[error("cannot configure TLS: {0}")]
    Tls(String),
    /// The request failed before an answer (connection, TLS, timeout).
    #[error("fetching {url} failed: {cause}")]
    Request {
        /// The URL without its query.
        url: String,
        /// The cause chain, without the URL.
        cause: String,
    },
    /// The server answered with a status other than 200.
    #[error("fetching {url} failed: the server answered {status}")]
    Status {
        /// The URL without its query.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The answer's media type is not one of those accepted.
    #[error("{url} is served as `{got}`, not one of: {expected}")]
    MediaType {
        /// The URL without its query.
        url: String,
        /// The media type served (`none` when absent).
        got: String,
        /// The accepted media types.
        expected: String,
    },
    /// The answer is larger than the cap.
    #[error("{url} is larger than the {limit}-byte cap")]
    TooLarge {
        /// The URL without its query.
        url: String,
        /// The cap in bytes.
        limit: u64,
    },
    /// The answer is not UTF-8 text.
    #[error("{url} is not UTF-8 text")]
    NotText {
        /// The URL without its query.
        url: String,
    },
}

/// How a document is fetched.
#[derive(Debug, Clone)]
pub struct Options {
    /// Extra root CAs, PEM (one or more certificates), trusted beside Mozilla's.
    pub extra_roots_pem: Option<Vec<u8>>,
    /// The largest document accepted, in bytes.
    pub max_bytes: u64,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for the whole fetch.
    pub timeout: Duration,
    /// Media types accepted (compared without parameters, ignoring case).
    pub accept: &'static [&'static str],
}

impl Default for Options {
    fn default() -> Self {
        Self {
            extra_roots_pem: None,
            max_bytes: DEFAULT_MAX_BYTES,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            accept: OPENAPI_MEDIA_TYPES,
        }
    }
}

/// Whether `text` names a URL (`https://` or `http://`) rather than a file.
pub fn is_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// A rustls client configuration with the *ring* provider, Mozilla's roots
/// and `extra_roots_pem`; nothing is installed process-wide.
pub fn tls_config(extra_roots_pem: Option<&[u8]>) -> Result<rustls::ClientConfig, FetchError> {
    let roots = tls::Roots {
        platform: false,
        mozilla: Some(true),
        extra_pem: extra_roots_pem.map(<[u8]>::to_vec).into_iter().collect(),
    };
    tls::client_config(&roots, None, Vec::new()).map_err(|e| match e {
        tls::TlsError::ExtraRoot(reason) => FetchError::Roots(reason),
        other => FetchError::Tls(other.to_string()),
    })
}

/// A `reqwest` client builder using [`tls_config`], with the timeouts of
/// `options`; the caller sets redirects and the rest.
pub fn client_builder(options: &Options) -> Result<reqwest::ClientBuilder, FetchError> {
    let tls = tls_config(options.extra_roots_pem.as_deref())?;
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout))
}

/// A fetched document.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The text.
    pub text: String,
    /// The media type it was served as, without parameters, lower case.
    pub media_type: String,
}

/// Fetches the document at `url` (https only), blocking the thread on a
/// runtime of its own. For tools without a runtime.
pub fn fetch_blocking(url: &str, options: &Options) -> Result<Fetched, FetchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| FetchError::Request {
            url: shown(url),
            cause: format!("cannot start a runtime: {e}"),
        })?;
    runtime.block_on(fetch(url, options))
}

/// Fetches the document at `url` (https only, redirects included).
pub async fn fetch(url: &str, options: &Options) -> Result<Fetched, FetchError> {
    let parsed = url::Url::parse(url).map_err(|_| FetchError::BadUrl(shown(url)))?;
    if parsed.scheme() != "https" {
        return Err(FetchError::NotHttps(shown(url)));
    }
    let name = shown(url);
    let client = client_builder(options)?
        .https_only(true)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .map_err(|e| FetchError::Tls(cause_chain(&e)))?;
    let request_failed = |e: reqwest::Error| FetchError::Request {
        url: name.clone(),
        cause: cause_chain(&e),
    };
    let mut response = client.get(parsed).send().await.map_err(request_failed)?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(FetchError::Status { url: name, status });
    }
    let media_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(essence)
        .unwrap_or_default();
    if !options.accept.contains(&media_type.as_str()) {
        return Err(FetchError::MediaType {
            url: name,
            got: if media_type.is_empty() {
                "none".into()
            } else {
                media_type
            },
            expected: options.accept.join(", "),
        });
    }
    let too_large = |url: String| FetchError::TooLarge {
        url,
        limit: options.max_bytes,
    };
    if response
        .content_length()
        .is_some_and(|n| n > options.max_bytes)
    {
        return Err(too_large(name));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(request_failed)? {
        let total = u64::try_from(body.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
        if total > options.max_bytes {
            return Err(too_large(name));
        }
        body.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(body).map_err(|_| FetchError::NotText { url: name })?;
    Ok(Fetched { text, media_type })
}

/// A media type without its parameters, lower case (`application/json`).
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// A URL as shown in messages: without its query and fragment.
pub fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.set_query(None);
            u.set_fragment(None);
            let _ = u.set_password(None);
            let _ = u.set_username("");
            u.to_string()
        }
        Err(_) => {
            let cut = url.split(['?', '#']).next().unwrap_or_default();
            // Credentials before the host (`user:pw@`), if any.
            match cut.split_once("://") {
                Some((scheme, rest)) => {
                    let authority_end = rest.find('/').unwrap_or(rest.len());
                    let host = match rest[..authority_end].rfind('@') {
                        Some(at) => &rest[at + 1..],
                        None => rest,
                    };
                    format!("{scheme}://{host}")
                }
                None => cut.to_owned(),
            }
        }
    }
}

/// An error's message and its causes, joined by `: `. A `reqwest` error,
/// wherever it sits in the chain (a refused redirect nests one), is told by
/// its kind only: its text names a URL. Any other cause's text is scrubbed of
/// URLs' queries.
pub fn cause_chain(error: &reqwest::Error) -> String {
    let mut text = reqwest_kind(error).to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let part = match cause.downcast_ref::<reqwest::Error>() {
            Some(inner) => reqwest_kind(inner).to_owned(),
            None => scrub_urls(&cause.to_string()),
        };
        if !part.is_empty() && !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

fn reqwest_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_redirect() {
        "too many redirects, or a redirect to http"
    } else if error.is_body() || error.is_decode() {
        "the answer could not be read"
    } else {
        "request failed"
    }
}

/// `text` with every `http://` or `https://` URL in it shown by [`shown`].
fn scrub_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = ["http://", "https://"]
        .iter()
        .filter_map(|scheme| rest.to_ascii_lowercase().find(scheme))
        .min()
    {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '>' | ','))
            .unwrap_or(tail.len());
        out.push_str(&shown(&tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_query_or_credentials() {
        assert_eq!(
            shown("https://user:pw@example.invalid/a.json?sig=SECRET#x"),
            "https://example.invalid/a.json"
        );
        assert_eq!(shown("not a url?sig=SECRET"), "not a url");
        assert_eq!(shown("https://user:pw@exa mple/a?b"), "https://exa mple/a");
        assert_eq!(
            scrub_urls("error for url (http://h/x?sig=SECRET): closed"),
            "error for url (http://h/x): closed"
        );
    }

    #[test]
    fn only_https_is_fetched() {
        let error = fetch_blocking("http://127.0.0.1:9/a.json", &Options::default());
        assert!(matches!(error, Err(FetchError::NotHttps(_))), "{error:?}");
        assert!(is_url("HTTPS://x") && is_url("http://x") && !is_url("spec/a.json"));
    }

    #[test]
    fn a_bad_extra_root_is_refused() {
        let error = tls_config(Some(b"not pem")).map(drop);
        assert!(matches!(error, Err(FetchError::Roots(_))), "{error:?}");
    }

    #[test]
    fn media_types_are_compared_without_parameters() {
        assert_eq!(
            essence("Application/JSON; charset=utf-8"),
            "application/json"
        );
    }
}
