//! Which operation of the spec a request is: its method and path against
//! the path templates of [`ROUTES`].

use crate::generated::{ROUTES, Route};

/// The route a request takes. A literal segment wins over a `{parameter}`
/// (`/providers/search` is not `/providers/{providerId}`), as in the server.
pub(crate) fn resolve(method: &str, path: &str) -> Option<&'static Route> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    ROUTES
        .iter()
        .filter(|r| r.method.eq_ignore_ascii_case(method))
        .filter_map(|r| literal_segments(r.path, &segments).map(|literals| (literals, r)))
        .max_by_key(|(literals, _)| *literals)
        .map(|(_, r)| r)
}

/// How many literal segments of `template` match `segments`; `None` when the
/// template does not match.
fn literal_segments(template: &str, segments: &[&str]) -> Option<usize> {
    let parts: Vec<&str> = template.split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut literals = 0;
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') && part.ends_with('}') {
            if segment.is_empty() {
                return None;
            }
        } else if part == segment {
            literals += 1;
        } else {
            return None;
        }
    }
    Some(literals)
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
