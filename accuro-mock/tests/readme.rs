//! The README's mock example is this crate's documentation example (which
//! `cargo test` compiles and runs): every line of the copy is in the original.

use std::path::Path;

fn trimmed(lines: impl Iterator<Item = String>) -> Vec<String> {
    lines
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn the_readme_example_is_the_compiled_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).unwrap();
    let section = readme
        .split("## Testing your code")
        .nth(1)
        .expect("the README has a `Testing your code` section");
    let copy = section
        .split("```rust,ignore\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("the section has a rust example");

    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let doc: Vec<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l).to_owned())
        .collect();
    let original = trimmed(
        doc.iter()
            .skip_while(|l| *l != "```")
            .skip(1)
            .take_while(|l| *l != "```")
            .map(|l| l.strip_prefix("# ").unwrap_or(l).to_owned()),
    );
    let test_scaffolding = [
        "#[tokio::test]",
        "async fn books_twice_with_one_token() {",
        "}",
    ];
    let lines = trimmed(copy.lines().map(str::to_owned));
    assert!(lines.len() > 20, "{copy}");
    for line in lines {
        assert!(
            original.contains(&line) || test_scaffolding.contains(&line.as_str()),
            "README line not in accuro-mock's compiled example: {line}"
        );
    }
}
