//! `accuro-gen`: the Accuro spec in, the formatted typed raw client out.
//!
//! One job: [`generate`] takes the text of `spec/accuro.yaml` and returns the
//! Rust source of the client module that `accuro-client` commits as
//! `src/generated.rs`. It
//!
//! 1. parses the YAML into [`openapiv3::OpenAPI`] ([`parse_spec`]), with line
//!    and column on errors, accepting OpenAPI 3.0.x only;
//! 2. checks the project's rules ([`check_rules`]): unique operation ids,
//!    summaries and descriptions, the `uuid` parameter on every `/rest/`
//!    operation, no construct that would make progenitor panic;
//! 3. removes the `uuid` parameter from what progenitor sees (the client's
//!    layer adds it), and the operations marked `x-accuro-handwritten` (bodies
//!    progenitor cannot send; the layer implements them);
//! 4. runs progenitor (builder interface, hooks expected, handwritten types
//!    swapped in for `ApiError`, the token request and answer, and Accuro's
//!    date, date-time and HHMM shapes), turning a panic inside it into an error;
//! 5. formats with `syn` + `prettyplease` and prepends a header naming the
//!    spec, its SHA-256 and the command that regenerates the file.
//!
//! The output is byte-for-byte deterministic for a given spec text.
//!
//! ```
//! let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/accuro.yaml")).unwrap();
//! let out = accuro_gen::generate(&spec, &accuro_gen::Options::default()).unwrap();
//! assert!(out.code.contains("pub struct Client"));
//! assert!(out.operations.iter().any(|op| op == "list_offices"));
//! ```

#![warn(missing_docs)]

mod builders;
mod calls;
mod cli;
mod compact_serde;
mod decoders;
mod endpoints;
mod error;
mod every_type;
pub mod example;
mod exchange;
mod features;
mod load;
mod lookups;
mod mock;
mod page_streams;
mod paging;
mod path_values;
pub mod phi;
mod prepare;
mod property_paths;
mod redact;
mod rules;
mod slim;
mod surface;
mod syntax;
mod write_back;

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use sha2::{Digest, Sha256};

use lookups::{field_names, routes};

pub use calls::{calls, calls_in};
pub use cli::generate_cli;
pub use decoders::{decoders, decoders_in};
pub use endpoints::{Endpoint, endpoints, markdown_table};
pub use error::{Error, Violation};
pub use every_type::{every_type, every_type_in};
pub use load::parse_spec;
pub use mock::generate_mock;
pub use page_streams::generate_page_streams;
pub use property_paths::generate_property_paths;
pub use rules::{
    HANDWRITTEN, IDEMPOTENT, IDEMPOTENT_REASON, NEW_ID, SAFE, SCOPES, UUID_PARAM, WRITE_METHODS,
    check as check_rules,
};

/// Where the generated code plugs into `accuro-client`.
#[derive(Debug, Clone)]
pub struct Options {
    /// How the spec is named in messages and in the header (a path relative to
    /// the workspace, so that the output does not depend on the checkout's location).
    pub spec_name: String,
    /// The command that regenerates the file, named in the header.
    pub command: String,
    /// Rust path of the type the generated `Client` carries (the auth layer).
    pub inner_type: String,
    /// Schemas swapped for handwritten types: `(schema name, Rust path)`. Used
    /// for the error body (both of Accuro's shapes, PHI-safe `Debug`) and the
    /// token request and response (secrets in `secrecy` types).
    pub replacements: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            spec_name: "spec/accuro.yaml".into(),
            command: "cargo xtask regen".into(),
            inner_type: "crate::ClientState".into(),
            replacements: [
                ("ApiError", "crate::ApiError"),
                ("TokenRequest", "crate::token::TokenRequest"),
                ("TokenResponse", "crate::token::TokenResponse"),
                ("AccuroDateTime", "crate::shapes::AccuroDateTime"),
                ("AccuroDate", "crate::shapes::AccuroDate"),
                ("AccuroPartialDate", "crate::shapes::AccuroPartialDate"),
                ("HhmmTime", "crate::shapes::HhmmTime"),
                ("LenientInt", "crate::shapes::LenientInt"),
            ]
            .map(|(schema, path)| (schema.to_owned(), path.to_owned()))
            .into(),
        }
    }
}

/// The generated module.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Formatted Rust source of the client's module (`accuro-client`'s
    /// `src/generated.rs`), header included.
    pub code: String,
    /// Formatted Rust source of the records' module, the `types` module
    /// (`accuro-types`'s `src/generated.rs`), header included.
    pub records: String,
    /// Ids of the generated operations, in document order (handwritten ones excluded).
    pub operations: Vec<String>,
    /// Hex SHA-256 of the spec text.
    pub spec_sha256: String,
}

impl Generated {
    /// Both modules in one source text, for the generators that read the
    /// operations and the records together ([`calls`], [`decoders`],
    /// [`every_type`]).
    pub fn combined(&self) -> String {
        format!("{}\n{}", self.code, self.records)
    }
}

/// The spec as progenitor sees it, and what the passes need to know of it.
pub(crate) struct Prepared {
    /// Without the handwritten operations and without the `uuid` parameter.
    pub(crate) spec: openapiv3::OpenAPI,
    /// Which fields may hold health data (`x-accuro-phi`).
    pub(crate) classification: phi::Classification,
    /// Every operation of the spec as written, handwritten ones included.
    pub(crate) endpoints: Vec<Endpoint>,
    /// Schemas the handwritten layer names.
    pub(crate) handwritten_schemas: std::collections::BTreeSet<String>,
    /// Ids of the operations progenitor sees, in document order.
    pub(crate) operations: Vec<String>,
    /// The generated structs of schemas both read and written: they keep
    /// the members the spec does not know ([`write_back`]).
    pub(crate) written_back: std::collections::BTreeSet<String>,
}

/// Parses and checks the spec, then prepares it for progenitor.
pub(crate) fn prepare(spec_text: &str, options: &Options) -> Result<Prepared, Error> {
    let mut spec = parse_spec(spec_text, &options.spec_name)?;
    rules::check_located(&spec, Some(spec_text), &options.spec_name)?;
    let document: serde_yaml::Value = serde_yaml::from_str(spec_text)
        .map_err(|e| Error::Format(format!("{}: {e}", options.spec_name)))?;
    let undecided = phi::check(&document);
    if !undecided.is_empty() {
        return Err(Error::Rules {
            spec: options.spec_name.clone(),
            violations: undecided,
        });
    }
    let classification = phi::classify(&document);
    let written_back = write_back::read_and_written(&document);
    let endpoints = endpoints(&spec);
    let handwritten_schemas = prepare::handwritten_schemas(&spec);
    prepare::drop_handwritten(&mut spec);
    let operations = spec
        .operations()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    prepare::strip_uuid(&mut spec);
    Ok(Prepared {
        spec,
        classification,
        endpoints,
        handwritten_schemas,
        operations,
        written_back,
    })
}

/// Types the handwritten layer sends itself (the upload's multipart part):
/// they keep `Serialize` without the `serialize` feature.
const HANDWRITTEN_SENT: &[&str] = &["DocumentDetails", "DocumentReview"];

/// The header of every generated file: the spec, its SHA-256, the command.
pub(crate) fn header(spec_text: &str, options: &Options) -> (String, String) {
    let spec_sha256 = hex(&Sha256::digest(spec_text.as_bytes()));
    let header = format!(
        "// @generated by accuro-gen from `{spec}` (SHA-256 {spec_sha256}).\n\
         // DO NOT EDIT: change the spec (or the generator) and run `{command}`.\n\
         // `{command} --check` fails CI when this file and the spec disagree.\n\n",
        spec = options.spec_name,
        command = options.command,
    );
    (header, spec_sha256)
}

/// Generates the client module from the spec text. See the crate docs.
pub fn generate(spec_text: &str, options: &Options) -> Result<Generated, Error> {
    let Prepared {
        spec,
        classification,
        endpoints: routes_of,
        handwritten_schemas,
        operations,
        written_back,
    } = prepare(spec_text, options)?;

    let mut tokens = run_progenitor(options, |g| g.generate_tokens(&spec))?;
    tokens.extend(routes(&routes_of));
    tokens.extend(field_names(spec_text, &options.spec_name)?);
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| Error::Format(e.to_string()))?;
    let wrapped = surface::reshape(&mut file)?;
    write_back::keep_unknown_members(&mut file, &written_back)?;
    slim::slim(&mut file, HANDWRITTEN_SENT, &written_back)?;
    path_values::use_encoder(&mut file, "crate::encode_path_value")?;
    redact::redact(&mut file, &classification)?;
    let areas = routes_of
        .iter()
        .filter(|e| !e.handwritten && e.path.starts_with("/rest/"))
        .map(|e| (e.operation_id.clone(), e.area.clone()))
        .collect();
    features::gate(&mut file, &areas, &handwritten_schemas);
    // After the redaction (it reads the members' JSON names from the serde
    // attributes this pass removes) and the area gates (copied onto the
    // impls it writes).
    compact_serde::compact_serde(&mut file)?;
    exchange::hand_to_exchange(&mut file)?;
    if wrapped != operations {
        return Err(Error::Format(format!(
            "the surface pass wrapped {wrapped:?}, expected the operations {operations:?}"
        )));
    }
    let records = split_records(&mut file)?;
    let body = prettyplease::unparse(&file);
    let records = prettyplease::unparse(&records);
    let (header, spec_sha256) = header(spec_text, options);
    Ok(Generated {
        code: format!("{header}{body}"),
        records: format!("{header}{records}"),
        operations,
        spec_sha256,
    })
}

/// Takes the `types` module out of the client's file, into a file of its own
/// (the `accuro-types` crate's), and leaves `pub use accuro_types::types;` in
/// its place.
fn split_records(file: &mut syn::File) -> Result<syn::File, Error> {
    let at = file
        .items
        .iter()
        .position(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"))
        .ok_or_else(|| Error::Format("the generated code has no `types` module".into()))?;
    let types = std::mem::replace(
        &mut file.items[at],
        syn::parse_quote! {
            /// The records, compiled in the `accuro-types` crate.
            pub use accuro_types::types;
        },
    );
    let mut records: syn::File = syn::parse_quote!();
    records.items.push(types);
    Ok(records)
}

/// The options for a crate beside the client (the mock, the CLI): the
/// handwritten types are reached as `accuro_client::…`, not `crate::…`.
pub(crate) fn companion_options(options: &Options) -> Options {
    let mut options = options.clone();
    for (_, path) in &mut options.replacements {
        if let Some(rest) = path.strip_prefix("crate::") {
            *path = format!("accuro_client::{rest}");
        }
    }
    options
}

fn settings(options: &Options) -> Result<GenerationSettings, Error> {
    let path = |what: &str, s: &str| {
        s.parse::<proc_macro2::TokenStream>()
            .map_err(|e| Error::Format(format!("{what} `{s}` is not a Rust path: {e}")))
    };
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(path("inner type", &options.inner_type)?)
        .with_hooks(HooksMode::Expected);
    for (schema, rust_path) in &options.replacements {
        path("replacement", rust_path)?;
        // Accuro's shapes parse from and print as text: the CLI takes them
        // as arguments (`--date 2026-12-01 --start-time 13:00`).
        let text = [
            "AccuroDateTime",
            "AccuroDate",
            "AccuroPartialDate",
            "HhmmTime",
            "LenientInt",
        ]
        .contains(&schema.as_str());
        let impls = if text {
            vec![progenitor::TypeImpl::FromStr, progenitor::TypeImpl::Display]
        } else {
            Vec::new()
        };
        settings.with_replacement(schema, rust_path, impls.into_iter());
    }
    Ok(settings)
}

/// Runs progenitor (`run` on a generator with the project's settings); an
/// error or a panic inside it comes back as [`Error::Progenitor`].
pub(crate) fn run_progenitor(
    options: &Options,
    run: impl FnOnce(&mut Generator) -> Result<proc_macro2::TokenStream, progenitor::Error>,
) -> Result<proc_macro2::TokenStream, Error> {
    let settings = settings(options)?;
    let failed = |message: String| Error::Progenitor {
        spec: options.spec_name.clone(),
        message,
    };
    let (outcome, location) = quietly_catch_unwind(|| run(&mut Generator::new(&settings)));
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(failed(e.to_string())),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let at = location.map(|l| format!(" (at {l})")).unwrap_or_default();
            Err(failed(format!("it panicked: {message}{at}")))
        }
    }
}

type PanicOutcome<T> = (std::thread::Result<T>, Option<String>);

/// `catch_unwind` without the default hook printing a backtrace for panics on
/// this thread; panics on other threads still reach the previous hook.
fn quietly_catch_unwind<T>(f: impl FnOnce() -> T) -> PanicOutcome<T> {
    static HOOK_LOCK: Mutex<()> = Mutex::new(());
    let _guard = HOOK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let me = std::thread::current().id();
    let location: Arc<Mutex<Option<String>>> = Arc::default();
    let previous: Arc<dyn Fn(&panic::PanicHookInfo<'_>) + Send + Sync> =
        Arc::from(panic::take_hook());
    {
        let previous = Arc::clone(&previous);
        let location = Arc::clone(&location);
        panic::set_hook(Box::new(move |info| {
            if std::thread::current().id() == me {
                if let Ok(mut slot) = location.lock() {
                    *slot = info
                        .location()
                        .map(|l| format!("{}:{}", l.file(), l.line()));
                }
            } else {
                previous(info);
            }
        }));
    }
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    let _ours = panic::take_hook();
    panic::set_hook(Box::new(move |info| previous(info)));
    let location = location.lock().ok().and_then(|mut l| l.take());
    (outcome, location)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
