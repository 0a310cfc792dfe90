//! Which operations walk Accuro's cursor, and the schemas of their pages:
//! read once here for the CLI (which walks them page by page) and for the
//! client's page streams (`accuro-client/src/pagination/operations.rs`).

use openapiv3::ReferenceOr;

/// A paginated operation's page: the schema names of the page and of its
/// items, when the spec names them (`$ref`s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Paged {
    /// The 200 answer's schema (`PatientPage`).
    pub(crate) page: Option<String>,
    /// The schema of the items of its `contents` (`Patient`).
    pub(crate) item: Option<String>,
}

/// Whether the operation walks Accuro's cursor: it takes `startingId` and
/// `pageSize` in its query, and its 200 answer is a page whose `contents`
/// is a list (not `list_user_features`, whose `contents` is a map).
pub(crate) fn paginated(spec: &openapiv3::OpenAPI, path: &str, method: &str) -> bool {
    page_of(spec, path, method).is_some()
}

/// The page of a paginated operation (see [`paginated`]); `None` for any
/// other.
pub(crate) fn page_of(spec: &openapiv3::OpenAPI, path: &str, method: &str) -> Option<Paged> {
    let item = spec.paths.paths.get(path).and_then(|i| i.as_item())?;
    let (_, op) = item.iter().find(|(m, _)| m.eq_ignore_ascii_case(method))?;
    let components = spec.components.as_ref();
    let names: Vec<&str> = item
        .parameters
        .iter()
        .chain(&op.parameters)
        .filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| components?.parameters.get(name)?.as_item()),
        })
        .filter(|p| matches!(p, openapiv3::Parameter::Query { .. }))
        .map(|p| p.parameter_data_ref().name.as_str())
        .collect();
    if !(names.contains(&"startingId") && names.contains(&"pageSize")) {
        return None;
    }
    let name_of = |r: &ReferenceOr<openapiv3::Schema>| match r {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned),
        ReferenceOr::Item(_) => None,
    };
    let schema = |r: &ReferenceOr<openapiv3::Schema>| -> Option<openapiv3::Schema> {
        match r {
            ReferenceOr::Item(s) => Some(s.clone()),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| components?.schemas.get(name)?.as_item().cloned()),
        }
    };
    let page_ref = op
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))
        .and_then(|r| match r {
            ReferenceOr::Item(r) => Some(r.clone()),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/responses/")
                .and_then(|name| components?.responses.get(name)?.as_item().cloned()),
        })
        .and_then(|r| r.content.get("application/json")?.schema.clone());
    let page = page_ref.as_ref().and_then(schema);
    let contents = page.and_then(|page| match page.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) => o
            .properties
            .get("contents")
            .and_then(|c| schema(&c.clone().unbox())),
        _ => None,
    })?;
    let openapiv3::SchemaKind::Type(openapiv3::Type::Array(list)) = contents.schema_kind else {
        return None;
    };
    Some(Paged {
        page: page_ref.as_ref().and_then(name_of),
        item: list.items.map(|i| i.unbox()).as_ref().and_then(name_of),
    })
}
