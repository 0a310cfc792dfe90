//! What the comparison produces: [`Difference`]s, each of one [`Kind`].

use std::fmt;

/// The kinds of difference `vendor-diff` reports. The set is fixed: allowlist
/// entries name one of these (see [`Kind::as_str`] for the spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An operation (method + path) only our spec has. Detail: its operationId.
    OperationOursOnly,
    /// An operation only the vendor file has. Detail: `operationId: summary`.
    OperationVendorOnly,
    /// A parameter only our operation has. Detail: `query uuid`.
    ParameterOursOnly,
    /// A parameter only the vendor's operation has. Detail: `header authorization`.
    ParameterVendorOnly,
    /// A path parameter named differently at the same place of the template.
    /// Detail: `path id (ours) vs patientId (vendor)`; values: the two names.
    ParameterName,
    /// A parameter required on one side only. Detail:
    /// `query startDate: optional (ours) vs required (vendor)`; values:
    /// `required` / `optional`.
    ParameterRequired,
    /// A response status only our operation has. Detail: the status, `400`.
    StatusOursOnly,
    /// A response status only the vendor's operation has. Detail: `409`.
    StatusVendorOnly,
    /// The media types of a request or response body differ (`none` when one
    /// side has no body). Values: the media types, comma-separated.
    MediaType,
    /// Schema types differ (`any` when a schema has no type). Values: the types.
    Type,
    /// Schema formats differ (`none` when a schema has no format). Values: the formats.
    Format,
    /// `nullable` differs. Values: `true` / `false`.
    Nullable,
    /// Enumerated values differ (`x-accuro-enum` counts as our `enum`). Values:
    /// the sorted values, comma-separated, or `none`.
    Enum,
    /// A property required on one side only. Values: `required` / `optional`.
    Required,
    /// A property only our schema has. Location: the object; detail: the property.
    PropertyOursOnly,
    /// A property only the vendor's schema has. Location: the object; detail: the property.
    PropertyVendorOnly,
    /// Anything else that cannot be compared field by field: `allOf`/`oneOf`/`anyOf`
    /// against something else, a map against an object with properties, a free-form
    /// object against a typed one, an unresolvable `$ref`, a malformed schema.
    Shape,
}

impl Kind {
    /// Every kind, in the order reports list them.
    pub const ALL: [Kind; 17] = [
        Kind::OperationOursOnly,
        Kind::OperationVendorOnly,
        Kind::ParameterOursOnly,
        Kind::ParameterVendorOnly,
        Kind::ParameterName,
        Kind::ParameterRequired,
        Kind::StatusOursOnly,
        Kind::StatusVendorOnly,
        Kind::MediaType,
        Kind::Type,
        Kind::Format,
        Kind::Nullable,
        Kind::Enum,
        Kind::Required,
        Kind::PropertyOursOnly,
        Kind::PropertyVendorOnly,
        Kind::Shape,
    ];

    /// The kind as written in reports and in the allowlist (`parameter-vendor-only`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OperationOursOnly => "operation-ours-only",
            Kind::OperationVendorOnly => "operation-vendor-only",
            Kind::ParameterOursOnly => "parameter-ours-only",
            Kind::ParameterVendorOnly => "parameter-vendor-only",
            Kind::ParameterName => "parameter-name",
            Kind::ParameterRequired => "parameter-required",
            Kind::StatusOursOnly => "status-ours-only",
            Kind::StatusVendorOnly => "status-vendor-only",
            Kind::MediaType => "media-type",
            Kind::Type => "type",
            Kind::Format => "format",
            Kind::Nullable => "nullable",
            Kind::Enum => "enum",
            Kind::Required => "required",
            Kind::PropertyOursOnly => "property-ours-only",
            Kind::PropertyVendorOnly => "property-vendor-only",
            Kind::Shape => "shape",
        }
    }

    /// The kind spelled `name`, if there is one.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between our spec and the vendor file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// What differs.
    pub kind: Kind,
    /// Where: an operation (`GET /v1/offices`), a body or parameter of one
    /// (`GET /v1/offices response 200 body[]`), or a pair of named schemas
    /// (`Office~OfficeDto.address`).
    pub location: String,
    /// What exactly, for people: `header authorization`, `400`,
    /// `int64 (ours) vs int32 (vendor)`.
    pub detail: String,
    /// Our value, for kinds that compare values (see [`Kind`]).
    pub ours: Option<String>,
    /// The vendor's value, for kinds that compare values.
    pub vendor: Option<String>,
}

impl Difference {
    /// A difference without values.
    pub fn new(kind: Kind, location: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            kind,
            location: location.into(),
            detail: detail.into(),
            ours: None,
            vendor: None,
        }
    }

    /// A difference between two values, with the detail `OURS (ours) vs VENDOR (vendor)`.
    pub fn values(
        kind: Kind,
        location: impl Into<String>,
        ours: impl Into<String>,
        vendor: impl Into<String>,
    ) -> Self {
        let (ours, vendor) = (ours.into(), vendor.into());
        Self {
            kind,
            location: location.into(),
            detail: format!("{ours} (ours) vs {vendor} (vendor)"),
            ours: Some(ours),
            vendor: Some(vendor),
        }
    }

    /// The same difference with another detail (values kept).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("parameter-type"), None);
    }

    #[test]
    fn value_differences_say_which_side_is_which() {
        let d = Difference::values(Kind::Format, "A~B.id", "int64", "int32");
        assert_eq!(d.detail, "int64 (ours) vs int32 (vendor)");
        assert_eq!(d.ours.as_deref(), Some("int64"));
    }
}
