//! The vendor's operations, and the names the import gives them: snake_case
//! and unique in the spec, or the spec's own when it already has them.

use std::collections::BTreeSet;

use serde_yaml::Value;

use super::document::{operations_of, text_of};
use super::naming;
use crate::vendor_diff::doc::template_key;

/// A vendor operation, with what the import needs of it.
pub(super) struct VendorOp<'a> {
    pub(super) path: String,
    pub(super) method: String,
    pub(super) op: &'a Value,
    pub(super) vendor_id: String,
    pub(super) tag: String,
}

/// A vendor operation with its name in our spec.
pub(super) struct Named<'a> {
    /// The operation.
    pub(super) vendor: VendorOp<'a>,
    /// Our operation id.
    pub(super) name: String,
    /// Whether the spec already has it (same method and path template).
    pub(super) present: bool,
}

/// Step: the `(METHOD, path template)` of every `/rest` operation the spec
/// already has, without the `/rest` prefix (as `vendor-diff` matches them).
pub(super) fn present_routes(ours: &Value) -> BTreeSet<(String, String)> {
    operations_of(ours)
        .into_iter()
        .filter_map(|(path, method, _)| {
            path.strip_prefix("/rest")
                .map(|p| (method.to_ascii_uppercase(), template_key(p)))
        })
        .collect()
}

/// Step: the operation ids the spec already uses.
pub(super) fn taken_ids(ours: &Value) -> BTreeSet<String> {
    operations_of(ours)
        .into_iter()
        .filter_map(|(_, _, op)| {
            op.get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect()
}

/// Step: reads the vendor file's operations, the provider portal and v1
/// first (they keep the plain names).
pub(super) fn read_vendor_ops(vendor: &Value) -> Vec<VendorOp<'_>> {
    let mut vendor_ops: Vec<VendorOp<'_>> = operations_of(vendor)
        .into_iter()
        .map(|(path, method, op)| VendorOp {
            vendor_id: text_of(op, "operationId"),
            tag: op
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            path,
            method,
            op,
        })
        .collect();
    // The provider portal and v1 name first: they keep the plain names.
    vendor_ops.sort_by_key(|v| {
        (
            !v.path.contains("/provider-portal"),
            v.path.contains("/v2/"),
        )
    });
    vendor_ops
}

/// Step: names every vendor operation, in order. One the spec has (by
/// `present`) keeps its base name; the others get a name not in `taken`,
/// which then is.
pub(super) fn name_operations<'a>(
    vendor_ops: Vec<VendorOp<'a>>,
    present: &BTreeSet<(String, String)>,
    mut taken: BTreeSet<String>,
) -> Vec<Named<'a>> {
    let mut named = Vec::with_capacity(vendor_ops.len());
    for v in vendor_ops {
        let base = naming::base_name(&v.method, &v.path, &v.vendor_id);
        let present = present.contains(&(v.method.to_ascii_uppercase(), template_key(&v.path)));
        let name = if present {
            base
        } else {
            naming::unique(base, &v.path, &taken)
        };
        if !present {
            taken.insert(name.clone());
        }
        named.push(Named {
            vendor: v,
            name,
            present,
        });
    }
    named
}
