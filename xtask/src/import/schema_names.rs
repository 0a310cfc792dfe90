//! Our names of the vendor's schemas, and the vendor schemas our spec
//! already has under its own names.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use super::convert;
use super::document::{collect_refs, operations_of, schemas_of};

/// Vendor schema names to ours: the schemas our spec already maps
/// (`x-accuro-vendor-schema`) keep our name; the others lose a `Dto` suffix
/// when the shorter name is free.
pub(super) fn schema_names(ours: &Value, vendor: &Value) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let mut taken: BTreeSet<String> = schemas_of(ours).into_iter().map(|(n, _)| n).collect();
    for (name, schema) in schemas_of(ours) {
        if let Some(Value::Sequence(list)) = schema.get("x-accuro-vendor-schema") {
            for vendor_name in list.iter().filter_map(Value::as_str) {
                names.insert(vendor_name.to_owned(), name.clone());
            }
        }
    }
    let mut vendor_schemas: Vec<String> = schemas_of(vendor).into_iter().map(|(n, _)| n).collect();
    // Pages the vendor's operations refer to without defining them.
    for (_, _, op) in operations_of(vendor) {
        collect_refs(op, &mut |name| {
            if name.starts_with(convert::PAGE_PREFIX) && !vendor_schemas.iter().any(|n| n == name) {
                vendor_schemas.push(name.to_owned());
            }
        });
    }
    taken.extend(vendor_schemas.iter().cloned());
    // Plain names first, so that a page can be named after its item.
    vendor_schemas.sort_by_key(|n| n.starts_with(convert::PAGE_PREFIX));
    for name in &vendor_schemas {
        if names.contains_key(name) {
            continue;
        }
        if let Some(item) = name.strip_prefix(convert::PAGE_PREFIX)
            && let Some(item_name) = names.get(item).cloned()
        {
            let page = format!("{item_name}Page");
            if !taken.contains(&page) {
                taken.insert(page.clone());
                names.insert(name.clone(), page);
                continue;
            }
        }
        let short = name
            .strip_suffix("Dto")
            .or_else(|| name.strip_suffix("DTO"))
            .filter(|s| !s.is_empty() && !taken.contains(*s));
        let chosen = short.map(str::to_owned).unwrap_or_else(|| name.clone());
        taken.insert(chosen.clone());
        names.insert(name.clone(), chosen);
    }
    names
}

/// The vendor schemas our spec's schemas already stand for
/// (`x-accuro-vendor-schema`).
pub(super) fn vendor_schemas_claimed(ours: &Value) -> BTreeSet<String> {
    schemas_of(ours)
        .into_iter()
        .filter_map(|(_, s)| {
            s.get("x-accuro-vendor-schema")
                .and_then(Value::as_sequence)
                .cloned()
        })
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}
