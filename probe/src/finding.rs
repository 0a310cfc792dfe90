//! A disagreement between an answer and the spec. Built only from the spec
//! (what was expected) and from shapes (what was found): never a value.

use std::collections::HashMap;

use serde::Serialize;

/// What kind of disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

/// Findings being gathered: one with the same kind, path, expectation and
/// shape as an earlier one is merged into it (counting occurrences), as it
/// comes, so a large answer costs one entry per distinct finding.
#[derive(Debug, Default)]
pub struct Findings {
    list: Vec<Finding>,
    index: HashMap<(Kind, String, String, String), usize>,
}

impl Findings {
    /// Adds `f`, or merges it into the same finding seen before.
    pub fn push(&mut self, f: Finding) {
        let key = (f.kind, f.path.clone(), f.expected.clone(), f.actual.clone());
        match self.index.get(&key).and_then(|&i| self.list.get_mut(i)) {
            Some(m) => {
                m.occurrences = m.occurrences.saturating_add(f.occurrences);
                m.breaks_decoding |= f.breaks_decoding;
            }
            None => {
                self.index.insert(key, self.list.len());
                self.list.push(f);
            }
        }
    }

    /// Marks every finding of `kind` at exactly `path` as breaking the typed
    /// client's decoding; whether there was one.
    pub fn mark_breaking(&mut self, kind: Kind, path: &str) -> bool {
        let mut marked = false;
        for f in self
            .list
            .iter_mut()
            .filter(|f| f.kind == kind && f.path == path)
        {
            f.breaks_decoding = true;
            marked = true;
        }
        marked
    }

    /// The findings, in a stable order.
    pub fn into_vec(self) -> Vec<Finding> {
        let mut list = self.list;
        list.sort_by(|a, b| (a.kind, &a.path).cmp(&(b.kind, &b.path)));
        list
    }
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
