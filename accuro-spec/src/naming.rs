//! The project's rule for operation ids: snake_case, the Rust method names
//! the generator gives them. QHR's own file writes them in camelCase
//! (`getPatient`); a spec that does is refused with the name it meant.

/// Whether an operation id is snake_case: lower-case ASCII letters, digits
/// and single underscores, starting with a letter.
pub fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !id.contains("__")
        && !id.ends_with('_')
}

/// The snake_case form of an id (`holdoutProbe`, `Holdout-Probe`:
/// `holdout_probe`).
pub fn snake_case(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 4);
    let mut previous: Option<char> = None;
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            if previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        previous = Some(c);
    }
    out.trim_end_matches('_').to_owned()
}

/// What is wrong with an operation id, in one line, or `None` when it is
/// fine: "`holdoutProbe` (line 12): operationIds are snake_case; did you
/// mean `holdout_probe`?" (the line when given).
pub fn operation_id_problem(id: &str, line: Option<usize>) -> Option<String> {
    if is_snake_case(id) {
        return None;
    }
    let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
    let meant = snake_case(id);
    Some(if is_snake_case(&meant) {
        format!("`{id}`{at}: operationIds are snake_case; did you mean `{meant}`?")
    } else {
        format!(
            "`{id}`{at}: operationIds are snake_case: lower-case letters, digits and `_`, starting with a letter"
        )
    })
}

/// The spec line (1-based) that says `operationId: <id>`, plain or quoted.
pub fn line_of_operation_id(text: &str, id: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix("operationId:")
                .is_some_and(|rest| rest.trim().trim_matches(['\'', '"']) == id)
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_suggestions() {
        assert_eq!(snake_case("holdoutProbe"), "holdout_probe");
        assert_eq!(snake_case("getPatientV2"), "get_patient_v2");
        assert_eq!(snake_case("List-Offices"), "list_offices");
        assert!(is_snake_case("get_patient_v2"));
        for bad in ["getPatient", "_x", "x__y", "x_", "2x", "x-y", ""] {
            assert!(!is_snake_case(bad), "{bad}");
        }
        assert_eq!(operation_id_problem("list_offices", Some(3)), None);
        assert_eq!(
            operation_id_problem("holdoutProbe", Some(12)).as_deref(),
            Some(
                "`holdoutProbe` (line 12): operationIds are snake_case; did you mean `holdout_probe`?"
            )
        );
        assert!(operation_id_problem("2x", None).is_some_and(|p| !p.contains("did you mean")));
    }

    #[test]
    fn the_line_of_an_operation_id() {
        let text = "paths:\n  /a:\n    get:\n      operationId: 'holdoutProbe'\n";
        assert_eq!(line_of_operation_id(text, "holdoutProbe"), Some(4));
        assert_eq!(line_of_operation_id(text, "holdout"), None);
    }
}
