//! The resource ids of a call: its path parameters, by name.

use std::borrow::Cow;

/// `template` (`/rest/v1/provider-portal/patients/{patientId}`) laid over
/// the request's `path` (which may start with the base URL's own path):
/// each `{name}` with its segment, percent-decoded. Empty when the two do
/// not line up (never for a generated call).
pub(crate) fn resource_ids(template: &'static str, path: &str) -> Vec<(&'static str, String)> {
    if !template.contains('{') {
        return Vec::new();
    }
    let mut ids = Vec::new();
    let mut sent = path.trim_end_matches('/').rsplit('/');
    for part in template.trim_matches('/').rsplit('/') {
        let Some(segment) = sent.next() else {
            return Vec::new();
        };
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                let value: Cow<'_, str> =
                    percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
                ids.push((name, value.into_owned()));
            }
            None if part != segment => return Vec::new(),
            None => {}
        }
    }
    ids.reverse();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_named_and_decoded_under_a_base_path() {
        let t = "/rest/v1/provider-portal/patients/{patientId}/documents/{documentId}";
        assert_eq!(
            resource_ids(
                t,
                "/base/rest/v1/provider-portal/patients/1001/documents/a%2Fb"
            ),
            [
                ("patientId", "1001".to_owned()),
                ("documentId", "a/b".to_owned())
            ]
        );
        assert!(resource_ids("/rest/v1/offices", "/rest/v1/offices").is_empty());
        assert!(resource_ids(t, "/rest/v1/other/1001/documents/2").is_empty());
        assert!(resource_ids(t, "/2").is_empty());
    }
}
