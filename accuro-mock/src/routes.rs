//! Which operation of the spec a request is: its method and path against
//! the path templates of [`ROUTES`], by the one matcher
//! ([`accuro_spec::routes::resolve`]).

use crate::generated::{ROUTES, Route};

/// The route a request takes (a literal segment wins over a `{parameter}`:
/// `/providers/search` is not `/providers/{providerId}`).
pub(crate) fn resolve(method: &str, path: &str) -> Option<&'static Route> {
    accuro_spec::routes::resolve(
        ROUTES.iter(),
        |r: &'static Route| (r.method, r.path),
        method,
        path,
    )
    .found()
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn literal_paths_win_over_parameters() {
        let offices = resolve("GET", "/rest/v1/offices").map(|r| r.operation_id);
        assert_eq!(offices, Some("list_offices"));
        let search = resolve("GET", "/rest/v1/providers/search").map(|r| r.operation_id);
        let one = resolve("GET", "/rest/v1/providers/12").map(|r| r.operation_id);
        assert_ne!(search, one);
        assert_eq!(one, Some("get_provider"));
    }

    #[test]
    fn unknown_paths_and_methods_resolve_to_nothing() {
        assert_eq!(resolve("GET", "/rest/v1/nowhere"), None);
        assert_eq!(resolve("TRACE", "/rest/v1/offices"), None);
    }
}
