//! Changes made to the spec before progenitor sees it.

use openapiv3::{OpenAPI, Parameter, ReferenceOr};

use crate::rules::{UUID_PARAM, resolve_parameter};

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
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            op.parameters.retain(|p| !is_uuid(p));
        }
    }
}
