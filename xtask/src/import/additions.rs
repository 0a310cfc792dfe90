//! Filling in what the import adds to the spec: the chosen operations
//! converted, the schemas they reach, and the areas the spec lacks as tags.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use super::Imported;
use super::areas;
use super::convert::Converter;
use super::document::{operations_of, schemas_of};
use super::insert::Additions;
use super::schema_names::vendor_schemas_claimed;
use super::vendor_ops::Named;
use crate::vendor_diff::doc::template_key;

/// Step: converts the `chosen` operations into `additions`, in order, and
/// reports them.
pub(super) fn add_operations(
    ours: &Value,
    chosen: &[&Named<'_>],
    cx: &mut Converter<'_>,
    additions: &mut Additions,
) -> Vec<Imported> {
    let mut imported = Vec::new();
    // A path the spec (or this import) already has under other parameter
    // names (`/users/{id}` for `/users/{userId}`) is the same path item:
    // OpenAPI forbids two. The operation takes the existing names.
    let mut path_keys: BTreeMap<String, String> = operations_of(ours)
        .into_iter()
        .filter_map(|(path, _, _)| {
            let key = template_key(path.strip_prefix("/rest")?);
            Some((key, path))
        })
        .collect();
    for named in chosen {
        let (v, name) = (&named.vendor, &named.name);
        let area = areas::area_of(&v.tag).unwrap_or("practice");
        let path = path_keys
            .entry(template_key(&v.path))
            .or_insert_with(|| format!("/rest{}", v.path))
            .clone();
        let converted = cx.operation(v.op, &v.method, &path, name, area);
        imported.push(Imported {
            area: area.to_owned(),
            route: format!("{} {path}", v.method.to_ascii_uppercase()),
            vendor_id: v.vendor_id.clone(),
            id: name.clone(),
            handwritten: converted.handwritten,
        });
        additions
            .operations
            .push((path, v.method.to_ascii_lowercase(), converted.operation));
    }
    imported
}

/// Step: adds the schemas the converted operations reach, transitively,
/// except those the spec already has (by `x-accuro-vendor-schema` or by
/// name); returns them as `(ours, vendor)`, sorted.
pub(super) fn add_schemas(
    ours: &Value,
    cx: &mut Converter<'_>,
    additions: &mut Additions,
) -> Result<Vec<(String, String)>, String> {
    let ours_schemas: BTreeSet<String> = schemas_of(ours).into_iter().map(|(n, _)| n).collect();
    let claimed: BTreeSet<String> = vendor_schemas_claimed(ours);
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut schemas = Vec::new();
    loop {
        let pending: Vec<String> = cx
            .referenced
            .iter()
            .filter(|name| !done.contains(*name))
            .cloned()
            .collect();
        if pending.is_empty() {
            break;
        }
        for vendor_name in pending {
            done.insert(vendor_name.clone());
            let our_name = cx.our_name(&vendor_name);
            if claimed.contains(&vendor_name) || ours_schemas.contains(&our_name) {
                continue;
            }
            let Some(schema) = cx.schema_component(&vendor_name) else {
                return Err(format!(
                    "the vendor file refers to the schema `{vendor_name}` and does not define it"
                ));
            };
            schemas.push((our_name.clone(), vendor_name.clone()));
            additions.schemas.push((our_name, schema));
        }
    }
    additions.schemas.sort_by(|a, b| a.0.cmp(&b.0));
    schemas.sort();
    Ok(schemas)
}

/// Step: adds, in [`areas::AREAS`] order, the areas of `imported` the spec
/// has no tag for.
pub(super) fn add_tags(ours: &Value, imported: &[Imported], additions: &mut Additions) {
    let existing_tags: BTreeSet<String> = ours
        .get("tags")
        .and_then(Value::as_sequence)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    for (area, description) in areas::AREAS {
        if !existing_tags.contains(area) && imported.iter().any(|op| op.area == area) {
            additions
                .tags
                .push((area.to_owned(), description.to_owned()));
        }
    }
}
