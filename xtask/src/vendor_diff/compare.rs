//! Comparing the operations of two documents: which exist, and for the shared
//! ones their parameters, statuses and bodies.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::doc::{Operation, Side, operations, resolve};
use super::model::{Difference, Kind};
use super::schema::Comparer;

/// How the operations of the two documents pair up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OperationCounts {
    /// Operations in our spec.
    pub ours: usize,
    /// Operations in the vendor file.
    pub vendor: usize,
    /// Operations in both.
    pub shared: usize,
    /// Operations only our spec has.
    pub ours_only: usize,
    /// Operations only the vendor file has.
    pub vendor_only: usize,
}

/// The operations of both documents, paired.
struct Pairing<'a> {
    shared: Vec<(Operation<'a>, Operation<'a>)>,
    ours_only: Vec<Operation<'a>>,
    vendor_only: Vec<Operation<'a>>,
}

/// Pairs operations by method and path template (parameter names ignored);
/// our paths outside `/rest` pair with nothing.
fn pair<'a>(ours: &'a Value, vendor: &'a Value) -> Pairing<'a> {
    let mut vendor_ops: HashMap<(String, String), Operation<'a>> = HashMap::new();
    let mut vendor_order = Vec::new();
    for op in operations(vendor, Side::Vendor) {
        if let Some(key) = op.key.clone() {
            let key = (op.method.clone(), key);
            if let Entry::Vacant(slot) = vendor_ops.entry(key.clone()) {
                vendor_order.push(key);
                slot.insert(op);
            }
        }
    }
    let mut pairing = Pairing {
        shared: Vec::new(),
        ours_only: Vec::new(),
        vendor_only: Vec::new(),
    };
    for op in operations(ours, Side::Ours) {
        let found = op
            .key
            .clone()
            .and_then(|key| vendor_ops.remove(&(op.method.clone(), key)));
        match found {
            Some(theirs) => pairing.shared.push((op, theirs)),
            None => pairing.ours_only.push(op),
        }
    }
    pairing.vendor_only = vendor_order
        .into_iter()
        .filter_map(|key| vendor_ops.remove(&key))
        .collect();
    pairing
}

/// Counts the operations of both documents and how they pair up.
pub fn operation_counts(ours: &Value, vendor: &Value) -> OperationCounts {
    let pairing = pair(ours, vendor);
    let shared = pairing.shared.len();
    OperationCounts {
        ours: shared + pairing.ours_only.len(),
        vendor: operations(vendor, Side::Vendor).len(),
        shared,
        ours_only: pairing.ours_only.len(),
        vendor_only: pairing.vendor_only.len(),
    }
}

/// Every difference between our spec and the vendor file, both held as JSON
/// values. Pure: reads nothing, never panics on a malformed document.
pub fn compare(ours: &Value, vendor: &Value) -> Vec<Difference> {
    let pairing = pair(ours, vendor);
    let mut cx = Comparer::new(ours, vendor);
    for op in &pairing.ours_only {
        cx.push(Difference::new(
            Kind::OperationOursOnly,
            op.label(),
            op.title(),
        ));
    }
    for (o, v) in &pairing.shared {
        compare_operation(&mut cx, o, v);
    }
    for op in &pairing.vendor_only {
        cx.push(Difference::new(
            Kind::OperationVendorOnly,
            op.label(),
            op.title(),
        ));
    }
    cx.finish()
}

fn compare_operation<'a>(cx: &mut Comparer<'a>, o: &Operation<'a>, v: &Operation<'a>) {
    let label = o.label();
    compare_parameters(cx, &label, o, v);
    let ours_body = body(cx, Side::Ours, o.op.get("requestBody"), &label);
    let vendor_body = body(cx, Side::Vendor, v.op.get("requestBody"), &label);
    if ours_body.is_some() || vendor_body.is_some() {
        compare_content(cx, &label, "request", ours_body, vendor_body);
    }
    compare_responses(cx, &label, o, v);
}

/// A resolved request body or response; `None` when absent or unresolvable
/// (the latter reported).
fn body<'a>(
    cx: &mut Comparer<'a>,
    side: Side,
    node: Option<&'a Value>,
    label: &str,
) -> Option<&'a Value> {
    match resolve(cx.doc(side), node?) {
        Ok(resolved) => Some(resolved.value),
        Err(error) => {
            let detail = format!("{error} ({})", side.name());
            cx.push(Difference::new(Kind::Shape, label, detail));
            None
        }
    }
}

/// A parameter of one side.
struct Param<'a> {
    place: String,
    name: String,
    required: bool,
    schema: Option<&'a Value>,
}

impl Param<'_> {
    fn describe(&self) -> String {
        format!("{} {}", self.place, self.name)
    }
}

/// The parameters of an operation: its path item's, then its own (which win).
fn parameters<'a>(
    cx: &mut Comparer<'a>,
    side: Side,
    op: &Operation<'a>,
    label: &str,
) -> Vec<Param<'a>> {
    let lists = [op.item.get("parameters"), op.op.get("parameters")];
    let mut params: Vec<Param<'a>> = Vec::new();
    for node in lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let param = match param_of(cx.doc(side), node) {
            Ok(param) => param,
            Err(error) => {
                let detail = format!("{error} ({})", side.name());
                cx.push(Difference::new(Kind::Shape, label, detail));
                continue;
            }
        };
        params.retain(|p| !(p.place == param.place && p.name == param.name));
        params.push(param);
    }
    params
}

/// A parameter object (or a `$ref` to one).
fn param_of<'a>(doc: &'a Value, node: &'a Value) -> Result<Param<'a>, String> {
    let param = resolve(doc, node)?.value;
    let text = |k: &str| param.get(k).and_then(Value::as_str).map(str::to_owned);
    match (text("in"), text("name")) {
        (Some(place), Some(name)) => Ok(Param {
            required: param.get("required").and_then(Value::as_bool) == Some(true),
            schema: param.get("schema"),
            place,
            name,
        }),
        _ => Err(format!("parameter without `in` and `name`: {param}")),
    }
}

/// The key parameters are matched by: place and name, header names in lower
/// case, and the vendor's path parameters renamed to ours by their position.
fn param_key(param: &Param<'_>, renames: &HashMap<&str, &str>) -> (String, String) {
    let name = match param.place.as_str() {
        "header" => param.name.to_ascii_lowercase(),
        "path" => renames
            .get(param.name.as_str())
            .map_or_else(|| param.name.clone(), |n| (*n).to_owned()),
        _ => param.name.clone(),
    };
    (param.place.clone(), name)
}

fn compare_parameters<'a>(
    cx: &mut Comparer<'a>,
    label: &str,
    o: &Operation<'a>,
    v: &Operation<'a>,
) {
    let ours = parameters(cx, Side::Ours, o, label);
    let vendor = parameters(cx, Side::Vendor, v, label);
    let mut renames = HashMap::new();
    for (a, b) in o.vars.iter().zip(&v.vars).filter(|(a, b)| a != b) {
        let d = Difference::values(Kind::ParameterName, label, a.as_str(), b.as_str())
            .with_detail(format!("path {a} (ours) vs {b} (vendor)"));
        cx.push(d);
        renames.insert(b.as_str(), a.as_str());
    }
    let no_renames = HashMap::new();
    let mut theirs: BTreeMap<(String, String), Param<'a>> = vendor
        .into_iter()
        .map(|p| (param_key(&p, &renames), p))
        .collect();
    for param in ours {
        match theirs.remove(&param_key(&param, &no_renames)) {
            Some(other) => compare_parameter(cx, label, &param, &other),
            None => cx.push(Difference::new(
                Kind::ParameterOursOnly,
                label,
                param.describe(),
            )),
        }
    }
    for param in theirs.into_values() {
        cx.push(Difference::new(
            Kind::ParameterVendorOnly,
            label,
            param.describe(),
        ));
    }
}

fn compare_parameter<'a>(cx: &mut Comparer<'a>, label: &str, o: &Param<'a>, v: &Param<'a>) {
    if o.required != v.required && o.place != "path" {
        let word = |r: bool| if r { "required" } else { "optional" };
        let (a, b) = (word(o.required), word(v.required));
        let detail = format!("{}: {a} (ours) vs {b} (vendor)", o.describe());
        cx.push(Difference::values(Kind::ParameterRequired, label, a, b).with_detail(detail));
    }
    match (o.schema, v.schema) {
        (Some(a), Some(b)) => {
            cx.schemas(&format!("{label} parameter {}", o.describe()), a, b);
        }
        (None, None) => {}
        (a, b) => {
            let shown = |x: Option<&Value>| if x.is_some() { "a schema" } else { "none" };
            let detail = format!(
                "parameter {}: {} (ours) vs {} (vendor)",
                o.describe(),
                shown(a),
                shown(b)
            );
            cx.push(Difference::new(Kind::Shape, label, detail));
        }
    }
}

fn compare_responses<'a>(cx: &mut Comparer<'a>, label: &str, o: &Operation<'a>, v: &Operation<'a>) {
    let statuses = |op: &Operation<'a>| -> BTreeMap<&'a str, &'a Value> {
        op.op
            .get("responses")
            .and_then(Value::as_object)
            .map(|r| r.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default()
    };
    let (ours, vendor) = (statuses(o), statuses(v));
    let codes: BTreeSet<&str> = ours.keys().chain(vendor.keys()).copied().collect();
    for code in codes {
        match (ours.get(code), vendor.get(code)) {
            (Some(a), Some(b)) => {
                let a = body(cx, Side::Ours, Some(a), label);
                let b = body(cx, Side::Vendor, Some(b), label);
                if let (Some(a), Some(b)) = (a, b) {
                    compare_content(cx, label, &format!("response {code}"), Some(a), Some(b));
                }
            }
            (Some(_), None) => cx.push(Difference::new(Kind::StatusOursOnly, label, code)),
            (None, _) => cx.push(Difference::new(Kind::StatusVendorOnly, label, code)),
        }
    }
}

/// Compares the `content` of two request bodies or responses (`what`:
/// `request`, `response 200`).
fn compare_content<'a>(
    cx: &mut Comparer<'a>,
    label: &str,
    what: &str,
    ours: Option<&'a Value>,
    vendor: Option<&'a Value>,
) {
    let media = |body: Option<&'a Value>| -> BTreeMap<&'a str, &'a Value> {
        body.and_then(|b| b.get("content"))
            .and_then(Value::as_object)
            .map(|c| c.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default()
    };
    let (ours, vendor) = (media(ours), media(vendor));
    if !ours.keys().eq(vendor.keys()) {
        let list = |m: &BTreeMap<&str, &Value>| match m.len() {
            0 => "none".to_owned(),
            _ => m.keys().copied().collect::<Vec<_>>().join(", "),
        };
        let (a, b) = (list(&ours), list(&vendor));
        let detail = format!("{what}: {a} (ours) vs {b} (vendor)");
        cx.push(Difference::values(Kind::MediaType, label, a, b).with_detail(detail));
    }
    for (media_type, a) in &ours {
        let Some(b) = vendor.get(media_type) else {
            continue;
        };
        let location = match *media_type {
            "application/json" => format!("{label} {what} body"),
            other => format!("{label} {what} body<{other}>"),
        };
        match (a.get("schema"), b.get("schema")) {
            (Some(a), Some(b)) => cx.schemas(&location, a, b),
            (None, None) => {}
            (a, b) => {
                let shown = |x: Option<&Value>| if x.is_some() { "a schema" } else { "none" };
                let detail = format!("schema: {} (ours) vs {} (vendor)", shown(a), shown(b));
                cx.push(Difference::new(Kind::Shape, location, detail));
            }
        }
    }
}
