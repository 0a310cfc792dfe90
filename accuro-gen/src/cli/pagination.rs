//! Which operations the CLI walks page by page (see [`paginated`]).

/// Whether the operation walks Accuro's cursor: it takes `startingId` and
/// `pageSize` in its query, and its 200 answer is a page whose `contents`
/// is a list (not `list_user_features`, whose `contents` is a map).
pub(super) fn paginated(spec: &openapiv3::OpenAPI, path: &str, method: &str) -> bool {
    use openapiv3::ReferenceOr;
    let Some(item) = spec.paths.paths.get(path).and_then(|i| i.as_item()) else {
        return false;
    };
    let Some((_, op)) = item.iter().find(|(m, _)| m.eq_ignore_ascii_case(method)) else {
        return false;
    };
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
        return false;
    }
    let schema = |r: &ReferenceOr<openapiv3::Schema>| -> Option<openapiv3::Schema> {
        match r {
            ReferenceOr::Item(s) => Some(s.clone()),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| components?.schemas.get(name)?.as_item().cloned()),
        }
    };
    let page = op
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))
        .and_then(|r| match r {
            ReferenceOr::Item(r) => Some(r.clone()),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/responses/")
                .and_then(|name| components?.responses.get(name)?.as_item().cloned()),
        })
        .and_then(|r| r.content.get("application/json")?.schema.clone())
        .and_then(|s| schema(&s));
    let contents = page.and_then(|page| match page.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) => o
            .properties
            .get("contents")
            .and_then(|c| schema(&c.clone().unbox())),
        _ => None,
    });
    matches!(
        contents.map(|c| c.schema_kind),
        Some(openapiv3::SchemaKind::Type(openapiv3::Type::Array(_)))
    )
}
