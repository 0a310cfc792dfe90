//! Changes made to the spec before progenitor sees it.

use openapiv3::{OpenAPI, Operation, Parameter, PathItem, ReferenceOr};

/// Every operation slot of a path item.
fn operation_slots(item: &mut PathItem) -> [&mut Option<Operation>; 8] {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
}

use crate::rules::{HANDWRITTEN, UUID_PARAM, resolve_parameter};

/// The schema names the operations marked `x-accuro-handwritten` refer to
/// (the handwritten layer uses their generated types).
pub fn handwritten_schemas(spec: &OpenAPI) -> std::collections::BTreeSet<String> {
    fn walk(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    if key == "$ref"
                        && let Some(name) = child
                            .as_str()
                            .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        out.insert(name.to_owned());
                    }
                    walk(child, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for (_, _, op) in spec.operations() {
        if op.extensions.contains_key(HANDWRITTEN)
            && let Ok(value) = serde_json::to_value(op)
        {
            walk(&value, &mut out);
        }
    }
    out
}

/// Removes the operations marked `x-accuro-handwritten`: progenitor cannot
/// generate them and `accuro-client` implements them by hand.
pub fn drop_handwritten(spec: &mut OpenAPI) {
    for (_, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for slot in operation_slots(item) {
            if slot
                .as_ref()
                .is_some_and(|op| op.extensions.contains_key(HANDWRITTEN))
            {
                *slot = None;
            }
        }
    }
    spec.paths
        .paths
        .retain(|_, item| item.as_item().is_none_or(|i| i.iter().next().is_some()));
}

/// Removes the `uuid` query parameter from every operation (and path item).
///
/// The spec declares it, so that readers and validators see the truth, but the
/// client's layer adds it to every request from its configuration: left in, it
/// would become a builder setter that must be called on every request (and, if
/// the layer added it as well, be sent twice).
pub fn strip_uuid(spec: &mut OpenAPI) {
    let original = spec.clone();
    let is_uuid = |p: &ReferenceOr<Parameter>| {
        matches!(
            resolve_parameter(&original, p),
            Ok(Parameter::Query { parameter_data, .. }) if parameter_data.name == UUID_PARAM
        )
    };
    for (_, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        item.parameters.retain(|p| !is_uuid(p));
        for op in operation_slots(item).into_iter().flatten() {
            op.parameters.retain(|p| !is_uuid(p));
        }
    }
}
