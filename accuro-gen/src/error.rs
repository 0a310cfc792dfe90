//! The generator's error type.

use std::fmt;

/// Everything that can stop generation. Each message names what is wrong and,
/// where it can, the operation and what to change.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec is not valid YAML, or not an OpenAPI document of the expected shape.
    #[error("{spec}: {message}{}", location_suffix(*.line, *.column))]
    Parse {
        /// The spec's display name.
        spec: String,
        /// What the parser said.
        message: String,
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// 1-based column, when the parser knows it.
        column: Option<usize>,
    },
    /// The spec breaks one or more of the project's rules.
    #[error("{spec}: {} rule violation(s):\n{}", .violations.len(), ViolationList(.violations))]
    Rules {
        /// The spec's display name.
        spec: String,
        /// Every violation found, in document order.
        violations: Vec<Violation>,
    },
    /// progenitor refused the spec (or panicked on it).
    #[error("{spec}: progenitor could not generate the client: {message}")]
    Progenitor {
        /// The spec's display name.
        spec: String,
        /// progenitor's error or panic message.
        message: String,
    },
    /// The generated tokens did not parse as a Rust file (a generator bug).
    #[error("generated code does not parse as Rust: {0}")]
    Format(String),
}

fn location_suffix(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        (Some(l), None) => format!(" (line {l})"),
        _ => String::new(),
    }
}

/// One broken rule: where, what, and what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `METHOD /path (operationId)`, or `document` for document-level rules.
    pub location: String,
    /// What is wrong and what to change.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

struct ViolationList<'a>(&'a [Violation]);

impl fmt::Display for ViolationList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  - {v}")?;
        }
        Ok(())
    }
}
