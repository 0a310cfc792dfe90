//! Spec text → `openapiv3::OpenAPI`, with line and column on errors.

use openapiv3::OpenAPI;

use crate::Error;

/// Parses the spec text. YAML syntax errors and structural errors both carry
/// the position the parser reports. Only OpenAPI 3.0.x is accepted, because
/// progenitor refuses anything else.
pub fn parse_spec(text: &str, spec: &str) -> Result<OpenAPI, Error> {
    let parse_error = |e: serde_yaml::Error| {
        let loc = e.location();
        Error::Parse {
            spec: spec.to_owned(),
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_owned(),
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
        }
    };
    // A first pass into a plain value reports YAML syntax errors and lets the
    // version be checked before the typed pass, whose messages for a 3.1
    // document would be confusing.
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(parse_error)?;
    let version = value
        .get("openapi")
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::Parse {
            spec: spec.to_owned(),
            message: "no `openapi` version string at the top level; write `openapi: 3.0.3`".into(),
            line: None,
            column: None,
        })?;
    if !version.trim().starts_with("3.0.") {
        return Err(Error::Parse {
            spec: spec.to_owned(),
            message: format!(
                "OpenAPI {version} is not supported: progenitor reads OpenAPI 3.0.x only; write `openapi: 3.0.3`"
            ),
            line: None,
            column: None,
        });
    }
    serde_yaml::from_str(text).map_err(parse_error)
}
