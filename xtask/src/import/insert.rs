//! Text insertion into the hand-authored spec: new path items before
//! `components:`, new methods at the end of their path item, new schemas at
//! the end of `components.schemas`, new tags at the end of `tags`. The rest
//! of the file (comments, layout) is left byte for byte.

use serde_yaml::{Mapping, Value};

/// What to add to the spec.
#[derive(Debug, Default)]
pub struct Additions {
    /// `(path, method, operation)` in the order they are to appear.
    pub operations: Vec<(String, String, Value)>,
    /// `(name, schema)`.
    pub schemas: Vec<(String, Value)>,
    /// `(name, description)` of tags the spec lacks.
    pub tags: Vec<(String, String)>,
}

/// The spec text with `additions` inserted. Fails when the file does not
/// have the layout this project keeps (`tags:`, `paths:`, `components:`,
/// `  schemas:` at their usual indentation).
pub fn insert(spec: &str, additions: &Additions) -> Result<String, String> {
    let mut lines: Vec<String> = spec.lines().map(str::to_owned).collect();

    // Schemas first (end of file side), then path items, then tags, so the
    // line numbers found for earlier sections stay right.
    if !additions.schemas.is_empty() {
        let start = find_line(&lines, "  schemas:")?;
        let end = section_end(&lines, start, 2);
        let mut block = Vec::new();
        for (name, schema) in &additions.schemas {
            let mut map = Mapping::new();
            map.insert(name.as_str().into(), schema.clone());
            block.extend(render(&Value::Mapping(map), 4)?);
        }
        splice(&mut lines, end, block);
    }

    let mut new_items: Vec<(String, Mapping)> = Vec::new();
    for (path, method, operation) in &additions.operations {
        let key = format!("  {path}:");
        if let Some(start) = lines.iter().position(|l| *l == key) {
            let end = section_end(&lines, start, 2);
            let mut map = Mapping::new();
            map.insert(method.as_str().into(), operation.clone());
            splice(&mut lines, end, render(&Value::Mapping(map), 4)?);
        } else if let Some((_, item)) = new_items.iter_mut().find(|(p, _)| p == path) {
            item.insert(method.as_str().into(), operation.clone());
        } else {
            let mut item = Mapping::new();
            item.insert(method.as_str().into(), operation.clone());
            new_items.push((path.clone(), item));
        }
    }
    if !new_items.is_empty() {
        let components = find_line(&lines, "components:")?;
        let mut block = Vec::new();
        for (path, item) in new_items {
            let mut map = Mapping::new();
            map.insert(path.into(), Value::Mapping(item));
            block.push(String::new());
            block.extend(render(&Value::Mapping(map), 2)?);
        }
        let at = trim_blank_before(&lines, components);
        splice(&mut lines, at, block);
    }

    if !additions.tags.is_empty() {
        let start = find_line(&lines, "tags:")?;
        let end = section_end(&lines, start, 0);
        let tags: Vec<Value> = additions
            .tags
            .iter()
            .map(|(name, description)| {
                let mut tag = Mapping::new();
                tag.insert("name".into(), name.as_str().into());
                tag.insert("description".into(), description.as_str().into());
                Value::Mapping(tag)
            })
            .collect();
        // Written by serde_yaml, so a description with `: ` is quoted.
        splice(&mut lines, end, render(&Value::Sequence(tags), 2)?);
    }

    let mut out = lines.join("\n");
    out.push('\n');
    Ok(out)
}

/// `value` as YAML, every line indented by `indent` spaces.
fn render(value: &Value, indent: usize) -> Result<Vec<String>, String> {
    let text = serde_yaml::to_string(value).map_err(|e| format!("cannot write YAML: {e}"))?;
    let pad = " ".repeat(indent);
    Ok(text
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect())
}

fn find_line(lines: &[String], wanted: &str) -> Result<usize, String> {
    lines
        .iter()
        .position(|l| l == wanted)
        .ok_or_else(|| format!("the spec has no `{}` line", wanted.trim()))
}

/// The index just past the block that starts at `start` (a key indented by
/// `indent`), before the blank lines that end it: the next line indented by
/// `indent` or less that is not blank, not a comment, and not a list item
/// continuing a top-level sequence.
fn section_end(lines: &[String], start: usize, indent: usize) -> usize {
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let own_indent = line.len() - trimmed.len();
        let continues_list = indent == 0 && own_indent == 2 && trimmed.starts_with("- ");
        if own_indent <= indent && !continues_list {
            end = i;
            break;
        }
    }
    trim_blank_before(lines, end)
}

/// Moves `at` back over the blank lines just before it.
fn trim_blank_before(lines: &[String], mut at: usize) -> usize {
    while at > 0 && lines.get(at - 1).is_some_and(|l| l.trim().is_empty()) {
        at -= 1;
    }
    at
}

fn splice(lines: &mut Vec<String>, at: usize, block: Vec<String>) {
    let tail = lines.split_off(at);
    lines.extend(block);
    lines.extend(tail);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "\
openapi: 3.0.3
tags:
  - name: practice
    description: The clinic.

paths:
  /rest/v1/a:
    get:
      operationId: get_a

  /rest/v1/b:
    get:
      operationId: get_b

components:
  schemas:
    A:
      type: object
";

    #[test]
    fn additions_land_in_their_sections_and_the_rest_is_kept() {
        let op = |id: &str| {
            serde_yaml::from_str::<Value>(&format!("operationId: {id}")).unwrap_or(Value::Null)
        };
        let additions = Additions {
            operations: vec![
                ("/rest/v1/a".into(), "post".into(), op("create_a")),
                ("/rest/v1/c".into(), "get".into(), op("get_c")),
                ("/rest/v1/c".into(), "put".into(), op("update_c")),
            ],
            schemas: vec![(
                "B".into(),
                serde_yaml::from_str("type: string").unwrap_or(Value::Null),
            )],
            tags: vec![("tasks".into(), "Tasks: what users do.".into())],
        };
        let out = insert(SPEC, &additions).unwrap_or_default();
        let expected = "\
openapi: 3.0.3
tags:
  - name: practice
    description: The clinic.
  - name: tasks
    description: 'Tasks: what users do.'

paths:
  /rest/v1/a:
    get:
      operationId: get_a
    post:
      operationId: create_a

  /rest/v1/b:
    get:
      operationId: get_b

  /rest/v1/c:
    get:
      operationId: get_c
    put:
      operationId: update_c

components:
  schemas:
    A:
      type: object
    B:
      type: string
";
        assert_eq!(out, expected);
    }
}
