//! Which path template a request path is: one matcher for every stand-in.
//!
//! Templates are matched segment by segment, `{x}` matching any one
//! non-empty segment. When several templates match, the one whose first
//! differing segment is literal wins (`/patients/search` over
//! `/patients/{patientId}`), as JAX-RS, Accuro's server, routes.
//!
//! ```
//! use accuro_spec::routes::{Resolution, resolve};
//!
//! let routes = [
//!     ("GET", "/rest/v1/providers/{providerId}"),
//!     ("GET", "/rest/v1/providers/search"),
//!     ("PUT", "/rest/v1/providers/{providerId}"),
//! ];
//! let found = resolve(routes.iter(), |r| (r.0, r.1), "GET", "/rest/v1/providers/search");
//! assert!(matches!(found, Resolution::Found(("GET", "/rest/v1/providers/search"))));
//! let found = resolve(routes.iter(), |r| (r.0, r.1), "DELETE", "/rest/v1/providers/7");
//! assert!(matches!(found, Resolution::MethodNotAllowed));
//! ```

/// What a method and path are among a set of routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution<T> {
    /// This route.
    Found(T),
    /// A route has this path, but none this method (405).
    MethodNotAllowed,
    /// No route has this path (404).
    NotFound,
}

impl<T> Resolution<T> {
    /// The route found, if any.
    pub fn found(self) -> Option<T> {
        match self {
            Resolution::Found(t) => Some(t),
            Resolution::MethodNotAllowed | Resolution::NotFound => None,
        }
    }
}

/// A request path's segments, without its leading `/` (a trailing `/` is
/// not a segment of its own).
fn segments(path: &str) -> Vec<&str> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    path.split('/').collect()
}

/// Whether a template segment is a parameter (`{patientId}`).
fn is_parameter(segment: &str) -> bool {
    segment.len() >= 2 && segment.starts_with('{') && segment.ends_with('}')
}

/// For a template and a request path's segments: `None` if it does not
/// match, else which segments matched a literal.
fn literals(template: &str, request: &[&str]) -> Option<Vec<bool>> {
    let parts = segments(template);
    if parts.len() != request.len() {
        return None;
    }
    parts
        .iter()
        .zip(request)
        .map(|(part, given)| {
            if is_parameter(part) {
                (!given.is_empty()).then_some(false)
            } else {
                (part == given).then_some(true)
            }
        })
        .collect()
}

/// Whether a path, given as its segments (`["rest", "v1", "patients",
/// "7"]`), is one of `template`'s: as many segments, the literal ones equal,
/// each parameter non-empty.
pub fn fills<S: AsRef<str>>(template: &str, segments: &[S]) -> bool {
    let segments: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
    literals(template, &segments).is_some()
}

/// Whether two templates have the same shape: the same literal segments in
/// the same places, parameters where either has one (their names may
/// differ: axum's `{id}` is the spec's `{patientId}`).
pub fn same_shape(a: &str, b: &str) -> bool {
    let (a, b) = (segments(a), segments(b));
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| match (is_parameter(x), is_parameter(y)) {
                (true, true) => true,
                (false, false) => x == y,
                _ => false,
            })
}

/// The route among `routes` that a request's `method` and `path` (without
/// its query) take. `key` gives each route's method and path template.
/// `HEAD` is answered as `GET`, as Accuro's server does.
pub fn resolve<'r, T: Copy + 'r>(
    routes: impl IntoIterator<Item = T>,
    key: impl Fn(T) -> (&'r str, &'r str),
    method: &str,
    path: &str,
) -> Resolution<T> {
    let method = if method.eq_ignore_ascii_case("HEAD") {
        "GET"
    } else {
        method
    };
    let request = segments(path);
    let mut path_known = false;
    let mut best: Option<(T, Vec<bool>)> = None;
    for route in routes {
        let (route_method, template) = key(route);
        let Some(literals) = literals(template, &request) else {
            continue;
        };
        path_known = true;
        if !route_method.eq_ignore_ascii_case(method) {
            continue;
        }
        if best.as_ref().is_none_or(|(_, b)| literals > *b) {
            best = Some((route, literals));
        }
    }
    match best {
        Some((route, _)) => Resolution::Found(route),
        None if path_known => Resolution::MethodNotAllowed,
        None => Resolution::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTES: [(&str, &str); 6] = [
        ("GET", "/rest/v1/things/{id}"),
        ("GET", "/rest/v1/things/search"),
        ("GET", "/rest/v1/a/{x}/c"),
        ("GET", "/rest/v1/a/b/{y}"),
        ("PUT", "/rest/v1/things/{id}"),
        ("GET", "/rest/v1/offices"),
    ];

    fn find(method: &str, path: &str) -> Resolution<&'static str> {
        resolve(ROUTES.iter(), |r| (r.0, r.1), method, path).map_found(|r| r.1)
    }

    impl<T> Resolution<T> {
        fn map_found<U>(self, f: impl FnOnce(T) -> U) -> Resolution<U> {
            match self {
                Resolution::Found(t) => Resolution::Found(f(t)),
                Resolution::MethodNotAllowed => Resolution::MethodNotAllowed,
                Resolution::NotFound => Resolution::NotFound,
            }
        }
    }

    #[test]
    fn a_literal_segment_wins_over_a_parameter() {
        assert_eq!(
            find("GET", "/rest/v1/things/search"),
            Resolution::Found("/rest/v1/things/search")
        );
        assert_eq!(
            find("GET", "/rest/v1/things/7"),
            Resolution::Found("/rest/v1/things/{id}")
        );
    }

    #[test]
    fn the_first_differing_literal_wins_a_tie_of_literal_counts() {
        assert_eq!(
            find("GET", "/rest/v1/a/b/c"),
            Resolution::Found("/rest/v1/a/b/{y}")
        );
        assert_eq!(
            find("GET", "/rest/v1/a/z/c"),
            Resolution::Found("/rest/v1/a/{x}/c")
        );
    }

    #[test]
    fn methods_paths_and_empty_segments() {
        assert_eq!(
            find("HEAD", "/rest/v1/offices"),
            Resolution::Found("/rest/v1/offices")
        );
        assert_eq!(
            find("get", "/rest/v1/offices/"),
            Resolution::Found("/rest/v1/offices")
        );
        assert_eq!(
            find("DELETE", "/rest/v1/things/7"),
            Resolution::MethodNotAllowed
        );
        assert_eq!(
            find("TRACE", "/rest/v1/offices"),
            Resolution::MethodNotAllowed
        );
        assert_eq!(find("GET", "/rest/v1/things//x"), Resolution::NotFound);
        assert_eq!(find("GET", "/rest/v1/things/"), Resolution::NotFound);
        assert_eq!(find("GET", "/rest/v1/nowhere"), Resolution::NotFound);
    }

    #[test]
    fn a_path_fills_its_template() {
        let t = "/rest/v1/patients/{patientId}";
        assert!(fills(t, &["rest", "v1", "patients", "7"]));
        assert!(!fills(t, &["rest", "v1", "patients", ""]));
        assert!(!fills(t, &["rest", "v1", "letters", "7"]));
        assert!(!fills(t, &["rest", "v1", "patients"]));
    }

    #[test]
    fn shapes_ignore_parameter_names() {
        assert!(same_shape(
            "/rest/v1/things/{id}",
            "/rest/v1/things/{thingId}"
        ));
        assert!(!same_shape(
            "/rest/v1/things/{id}",
            "/rest/v1/things/search"
        ));
        assert!(!same_shape("/rest/v1/things", "/rest/v1/things/{id}"));
    }
}
