//! Every example QHR's OpenAPI file gives for the schemas and operations our
//! spec covers decodes through the generated types.
//!
//! The file is QHR's "Accuro Rest API" OpenAPI document (10.13.0 is in
//! `../shared/reference/`); point `ACCURO_VENDOR_SPEC` at it. Without it the
//! test says loudly that it skipped, and fails when `CI` is set.
//!
//! What is decoded:
//! - for each schema of ours that names QHR's schemas (`x-accuro-vendor-schema`),
//!   one full instance of each named QHR schema built from its property
//!   examples, recursively (QHR's descriptions call these examples "the ideal
//!   scenario where all the fields are not null"): every property is present,
//!   with its `example`, else its first `enum` value, else a value of its type;
//! - the schema-level `example` of those QHR schemas (an array example of an
//!   object schema is read as a list of it);
//! - the request and response examples of the QHR operations our spec covers,
//!   through the schema our spec gives that body.
//!
//! An example that contradicts its own QHR schema's type (an integer example
//! for an object schema) cannot be an answer of the server; it is listed, and
//! must be named in [`SELF_CONTRADICTING`] with the reason, so a new one fails.
//!
//! One test binary: the lists of known exceptions and the decoders are here;
//! `docs` reads the two documents, `decoding` decodes an example through the
//! schema our spec gives it, `every_example` is the test.

mod decoding;
mod docs;
mod every_example;

use std::collections::BTreeMap;

use serde_json::Value;

/// QHR schemas whose schema-level example is not an instance of the schema
/// itself, with why the server cannot send it.
pub(crate) const SELF_CONTRADICTING: [(&str, &str); 2] = [
    (
        "ImmunizationAgeDto",
        "its example is the integer 5, but the DTO (and the server's answer) is an object \
         with id, years, months, customName and fromScheduledDate",
    ),
    (
        "CodeValueDto",
        "its example is the string \"Continued - See Comments\" (a code's description), \
         but the DTO is an object with code, description, deleted and codeOrder",
    ),
];

pub(crate) type Decode = fn(&Value) -> Result<(), String>;

/// Our schemas that name QHR schemas, by name, with their generated type
/// (the list is generated from the spec with the client: `tests/src/every_call.rs`).
pub(crate) fn decoders() -> BTreeMap<&'static str, Decode> {
    accuro_tests::vendor_schema_decoders().into_iter().collect()
}

/// QHR schemas typed as an object whose own example is what the server
/// writes (our spec follows the example), with why.
pub(crate) const EXAMPLE_IS_THE_WIRE: [(&str, &str); 1] = [(
    "AccuroCalendar",
    "a java.util.Calendar typed as an object, whose example is the date string \
     `2018-07-13`: the server writes the date (our spec: AccuroPartialDate)",
)];

/// Operation examples that contradict the vendor file's own schema for
/// them, with why the server cannot send them.
pub(crate) const CONTRADICTING_OPERATION_EXAMPLES: [(&str, &str); 1] = [(
    "PATCH /v1/provider-portal/scheduler/appointments/{} request example",
    "`accessionNumber: 123`, but AppointmentDto types it a read-only string of at most 50 \
     characters (`2020-00-022244`)",
)];
