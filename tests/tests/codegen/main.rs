//! `accuro-gen` and `cargo xtask regen` on temporary copies of the spec.

mod documentation;
mod generation;
mod idempotency;
mod regen_runs;
mod regen_workspace;
mod rules;

use std::fs;
use std::path::{Path, PathBuf};

use std::sync::OnceLock;

use accuro_gen::{Error, Generated, Options, generate};

pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub(crate) fn spec_text() -> String {
    fs::read_to_string(workspace().join("spec/accuro.yaml")).expect("spec")
}

/// The committed spec generated once for the whole binary (each generation
/// takes seconds in a debug build; the tests that only read it share it).
pub(crate) fn committed() -> &'static Generated {
    static GENERATED: OnceLock<Generated> = OnceLock::new();
    GENERATED.get_or_init(|| generate(&spec_text(), &Options::default()).expect("generate"))
}

/// The spec with `old` replaced by `new` (which must occur).
pub(crate) fn edited(old: &str, new: &str) -> String {
    let spec = spec_text();
    assert!(spec.contains(old), "the spec no longer contains {old:?}");
    spec.replacen(old, new, 1)
}

pub(crate) fn violations(spec: &str) -> Vec<String> {
    match generate(spec, &Options::default()) {
        Err(Error::Rules { violations, .. }) => {
            violations.iter().map(ToString::to_string).collect()
        }
        other => panic!(
            "expected rule violations, got {:?}",
            other.map(|g| g.operations)
        ),
    }
}
