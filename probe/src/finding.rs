//! A disagreement between an answer and the spec. Built only from the spec
//! (what was expected) and from shapes (what was found): never a value.

use serde::Serialize;

/// What kind of disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A status code the spec does not list for the operation.
    Status,
    /// A media type the spec does not list for the status.
    ContentType,
    /// No body where one is documented, a body where none is, or not JSON.
    Body,
    /// A value that breaks the schema.
    Schema,
    /// A field the spec does not document (a candidate to document).
    Undocumented,
    /// The typed client cannot decode a value the schema check let through.
    Decoding,
}

impl Kind {
    /// A short name for the report.
    pub fn name(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::ContentType => "content type",
            Self::Body => "body",
            Self::Schema => "schema",
            Self::Undocumented => "undocumented",
            Self::Decoding => "decoding",
        }
    }
}

/// One disagreement, at one path of an operation's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind.
    pub kind: Kind,
    /// Where, as a JSON path of the spec's names (`contents[].demographics.birthday`).
    pub path: String,
    /// What the spec says.
    pub expected: String,
    /// What the answer has: a type or shape, never a value.
    pub actual: String,
    /// The typed client fails to decode the answer because of it.
    pub breaks_decoding: bool,
    /// How many times it was seen (array elements, repeated answers).
    pub occurrences: usize,
}

impl Finding {
    /// A finding seen once, not known to break decoding.
    pub fn new(
        kind: Kind,
        path: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            path: path.into(),
            expected: expected.into(),
            actual: actual.into(),
            breaks_decoding: false,
            occurrences: 1,
        }
    }

    /// Marks it as breaking the typed client's decoding when `breaks`.
    pub fn breaking(mut self, breaks: bool) -> Self {
        self.breaks_decoding |= breaks;
        self
    }
}

/// Findings with the same kind, path, expectation and shape merged into one
/// (counting occurrences), in a stable order.
pub fn merge(findings: Vec<Finding>) -> Vec<Finding> {
    let mut merged: Vec<Finding> = Vec::new();
    for f in findings {
        match merged.iter_mut().find(|m| {
            m.kind == f.kind && m.path == f.path && m.expected == f.expected && m.actual == f.actual
        }) {
            Some(m) => {
                m.occurrences = m.occurrences.saturating_add(f.occurrences);
                m.breaks_decoding |= f.breaks_decoding;
            }
            None => merged.push(f),
        }
    }
    merged.sort_by(|a, b| (a.kind, &a.path).cmp(&(b.kind, &b.path)));
    merged
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {}: expected {}, found {}",
            self.kind.name(),
            self.path,
            self.expected,
            self.actual
        )?;
        if self.occurrences > 1 {
            write!(f, " ({} times)", self.occurrences)?;
        }
        if self.breaks_decoding {
            f.write_str(" — breaks the typed client's decoding")?;
        }
        Ok(())
    }
}
