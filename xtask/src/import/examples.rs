//! Examples for the imported operations' success bodies, built from the
//! schemas they use (see [`example`]).

use serde_yaml::Value;

use super::insert::Additions;
use accuro_gen::example;

/// Step: gives every 2xx body of the added operations an example, built
/// from the spec's schemas and the added ones.
pub(super) fn add_all_examples(ours: &Value, additions: &mut Additions) {
    let mut components = ours
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    for (name, schema) in &additions.schemas {
        components.insert(name.as_str().into(), schema.clone());
    }
    for (_, _, operation) in &mut additions.operations {
        add_examples(operation, &components);
    }
}

/// Gives every 2xx body of `operation` an example (see [`example`]).
fn add_examples(operation: &mut Value, components: &serde_yaml::Mapping) {
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_mapping_mut)
    else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        if !status.as_str().is_some_and(|s| s.starts_with('2')) {
            continue;
        }
        let Some(content) = response.get_mut("content").and_then(Value::as_mapping_mut) else {
            continue;
        };
        for (_, media) in content.iter_mut() {
            if let Value::Mapping(media) = media
                && !media.contains_key("example")
            {
                let schema = media.get("schema").cloned().unwrap_or(Value::Null);
                let value = example::example(&schema, components);
                media.insert("example".into(), value);
            }
        }
    }
}
