//! The last check before the spec is written: the new text reads back and
//! every schema it refers to is defined.

use std::collections::BTreeSet;

use serde_yaml::Value;

use super::document::collect_refs;

/// Step: fails when `text` is not YAML or refers to a schema it does not
/// define.
pub(super) fn check_written(text: &str) -> Result<(), String> {
    // What is written must read back, and every reference must resolve.
    let written: Value = serde_yaml::from_str(text)
        .map_err(|e| format!("the import produced YAML that does not read back: {e}"))?;
    let mut dangling = BTreeSet::new();
    collect_refs(&written, &mut |name| {
        let defined = written
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
            .is_some();
        if !defined {
            dangling.insert(name.to_owned());
        }
    });
    if !dangling.is_empty() {
        return Err(format!(
            "the import would leave references to undefined schemas: {dangling:?}"
        ));
    }
    Ok(())
}
