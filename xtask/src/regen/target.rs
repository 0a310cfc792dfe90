//! What `regen` writes: each generated file is a [`Target`], with its path
//! and the generator that makes it (rust-analyzer's `codegen` targets, in
//! spirit).

use std::path::PathBuf;

use crate::paths::Paths;

/// One file `regen` writes or checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The generated client module, `accuro-client/src/generated.rs`.
    Client,
    /// The generated records, `accuro-client/types/src/generated.rs`.
    Records,
    /// The client's list of the spec's property paths.
    PropertyPaths,
    /// The client's page streams of the paginated operations.
    PageStreams,
    /// The tests' call of every operation.
    Calls,
    /// The tests' table of every generated type.
    Types,
    /// The probe's answer decoders.
    Decoders,
    /// The mock crate's typed helpers.
    Mock,
    /// The CLI's commands.
    Cli,
    /// The endpoint reference, `docs/endpoints.md`.
    Endpoints,
}

impl Target {
    /// Every target, in the order they are written.
    pub const ALL: [Target; 10] = [
        Target::Client,
        Target::Records,
        Target::PropertyPaths,
        Target::PageStreams,
        Target::Calls,
        Target::Types,
        Target::Decoders,
        Target::Mock,
        Target::Cli,
        Target::Endpoints,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::Client => "client",
            Target::Records => "records",
            Target::PropertyPaths => "property-paths",
            Target::PageStreams => "page-streams",
            Target::Calls => "calls",
            Target::Types => "types",
            Target::Decoders => "decoders",
            Target::Mock => "mock",
            Target::Cli => "cli",
            Target::Endpoints => "endpoints",
        }
    }

    /// The target a command-line name names.
    pub fn named(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// What it is, in a few words (for the usage).
    pub fn about(self) -> &'static str {
        match self {
            Target::Client => "accuro-client/src/generated.rs (or --out)",
            Target::Records => "accuro-client/types/src/generated.rs",
            Target::PropertyPaths => "accuro-client/src/property_paths.rs",
            Target::PageStreams => "accuro-client/src/pagination/operations.rs",
            Target::Calls => "tests/src/every_call.rs",
            Target::Types => "tests/src/every_type.rs",
            Target::Decoders => "probe/src/decoders.rs",
            Target::Mock => "accuro-mock/src/generated.rs",
            Target::Cli => "accuro-cli/src/generated.rs",
            Target::Endpoints => "docs/endpoints.md (or --endpoints)",
        }
    }

    /// Its file in the workspace at `paths`.
    pub fn path(self, paths: &Paths) -> PathBuf {
        match self {
            Target::Client => paths.generated(),
            Target::Records => paths.records(),
            Target::PropertyPaths => paths.property_paths(),
            Target::PageStreams => paths.page_streams(),
            Target::Calls => paths.every_call(),
            Target::Types => paths.every_type(),
            Target::Decoders => paths.probe_decoders(),
            Target::Mock => paths.mock(),
            Target::Cli => paths.cli(),
            Target::Endpoints => paths.endpoints(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn every_target_has_its_own_name() {
        for t in Target::ALL {
            assert_eq!(Target::named(t.name()), Some(t));
        }
        assert_eq!(Target::named("nothing"), None);
    }
}
