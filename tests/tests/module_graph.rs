//! The modules of `accuro-client`, and those of `accuro-sandbox`, depend on
//! each other without a cycle, and the client's old hidden channels (an
//! operation header on answers, a token error smuggled through a string) are
//! gone.
//!
//! Each file of a crate's `src` is a module named by its stem, except the
//! files of a directory, which are the directory's module (`token/*` is
//! `token`, `shapes/*` is `shapes`); `generated.rs` is module `generated`.
//! `lib.rs` is the crate root, not a module: it declares and assembles them
//! all (the sandbox's router merges its handlers' routes), so a name it
//! defines (`crate::State`) is no dependency; `main.rs` is another crate (the
//! sandbox's binary) and is left out. A module depends on another when its
//! code (comments and string literals left out) names it through a `crate::`
//! path or a `use crate::{...}` list; names the crate root re-exports
//! (`crate::Client`, `crate::Error`, ...) are resolved to their defining
//! module by reading the `pub use` / `pub(crate) use` lines of `lib.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../accuro-client/src")
}

fn sandbox_source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../sandbox/src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file belongs to (`None` for the crate root `lib.rs` and for
/// `main.rs`, a binary's root).
fn module_of(root: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(root).expect("under src");
    let mut parts = relative.iter().map(|p| p.to_string_lossy().into_owned());
    let first = parts.next()?;
    if relative.components().count() > 1 {
        return Some(first); // token/cache.rs -> token, shapes/date.rs -> shapes
    }
    let stem = first.trim_end_matches(".rs").to_owned();
    (stem != "lib" && stem != "main").then_some(stem)
}

/// The code of a Rust file with comments removed and string and character
/// literals emptied, so that only code is searched.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && (i == 0 || !ident(chars[i - 1]))
            && matches!(next, Some('"') | Some('#'))
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '\''), or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn leading_ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first segment of each item of a `{a, b::c, d::{e, f}}` list (the text
/// after the opening brace), up to its closing brace.
fn list_heads(after_brace: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    let mut rest = after_brace;
    while let Some(c) = rest.chars().next() {
        if item_start && (c.is_alphanumeric() || c == '_') {
            let head = leading_ident(rest);
            heads.push(head.to_owned());
            rest = &rest[head.len()..];
            item_start = false;
            continue;
        }
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = true,
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    heads
}

/// The first segments of every `crate::` path in `code`.
fn crate_heads(code: &str) -> Vec<String> {
    let mut heads = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        if at > 0 {
            let before = code[..at].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' {
                continue; // `mycrate::`
            }
        }
        let rest = code[at + "crate::".len()..].trim_start();
        if let Some(list) = rest.strip_prefix('{') {
            heads.extend(list_heads(list));
        } else {
            let head = leading_ident(rest);
            if !head.is_empty() {
                heads.push(head.to_owned());
            }
        }
    }
    heads
}

/// What each name the crate root re-exports resolves to: its module.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    let code = code_only(lib);
    for statement in code.split(';') {
        let statement = statement.trim();
        let Some(path) = statement
            .strip_prefix("pub use ")
            .or_else(|| statement.strip_prefix("pub(crate) use "))
        else {
            continue;
        };
        let path = path.trim();
        let module = leading_ident(path).to_owned();
        let rest = path[module.len()..].trim_start_matches("::").trim();
        let names: Vec<String> = if let Some(list) = rest.strip_prefix('{') {
            list.trim_end_matches('}')
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(last_name)
                .collect()
        } else {
            vec![last_name(rest)]
        };
        for name in names {
            exports.insert(name, module.clone());
        }
    }
    exports
}

/// The names of the items `lib.rs` defines itself, outside any block
/// (`struct State`, `fn router`, `const TENANT`, ...).
fn root_items(lib: &str) -> BTreeSet<String> {
    const KEYWORDS: [&str; 8] = [
        "struct", "enum", "union", "fn", "const", "static", "type", "trait",
    ];
    let code = code_only(lib);
    let mut items = BTreeSet::new();
    let mut depth = 0usize;
    let mut rest = code.as_str();
    while let Some(c) = rest.chars().next() {
        if c.is_alphanumeric() || c == '_' {
            let word = leading_ident(rest);
            rest = &rest[word.len()..];
            if depth == 0 && KEYWORDS.contains(&word) {
                let name = leading_ident(rest.trim_start());
                if !name.is_empty() && !KEYWORDS.contains(&name) {
                    items.insert(name.to_owned());
                }
            }
            continue;
        }
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    items
}

/// The name an item of a `use` brings in: `a::B` -> `B`, `B as C` -> `C`.
fn last_name(item: &str) -> String {
    let item = item.trim();
    if let Some((_, alias)) = item.split_once(" as ") {
        return alias.trim().to_owned();
    }
    item.rsplit("::").next().unwrap_or(item).trim().to_owned()
}

/// A cycle in `graph`, if there is one, as the list of its modules.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(cycle) = visit(node, graph, &mut state, &mut stack) {
                return Some(cycle);
            }
        }
    }
    None
}

/// The module graph of the crate whose sources are in `root`.
fn module_graph(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let lib = std::fs::read_to_string(root.join("lib.rs")).expect("lib.rs");
    let exports = root_exports(&lib);
    let root_items = root_items(&lib);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(root, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for file in &files {
        let Some(module) = module_of(root, file) else {
            continue;
        };
        let code = code_only(&std::fs::read_to_string(file).expect("read"));
        for head in crate_heads(&code) {
            if !modules.contains(&head) && root_items.contains(&head) {
                continue; // the crate root: not a module
            }
            let target = if modules.contains(&head) {
                Some(head.clone())
            } else {
                exports.get(&head).cloned()
            };
            match target {
                Some(target) if target != module => {
                    graph.entry(module.clone()).or_default().insert(target);
                }
                Some(_) => {}
                None => panic!(
                    "{}: `crate::{head}` names neither a module nor an item or re-export of lib.rs",
                    file.display()
                ),
            }
        }
    }
    graph
}

/// Prints `graph` and fails on its first cycle.
fn assert_no_cycle(graph: &BTreeMap<String, BTreeSet<String>>) {
    for (module, deps) in graph {
        eprintln!(
            "{module} -> {}",
            deps.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    if let Some(cycle) = find_cycle(graph) {
        panic!("module cycle: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = module_graph(&source_dir());
    assert_no_cycle(&graph);
    // The parser sees what it must: the generated module names the layer's
    // trait and error, and the hooks name the generated client.
    assert!(graph["generated"].contains("call"), "{graph:?}");
    assert!(graph["generated"].contains("error"), "{graph:?}");
    assert!(graph["hooks"].contains("generated"), "{graph:?}");
}

#[test]
fn the_sandbox_module_graph_has_no_cycle() {
    let graph = module_graph(&sandbox_source_dir());
    assert_no_cycle(&graph);
    // The parser sees what it must: the handlers and the modules beside them
    // share the request and answer helpers and the API's error bodies; the
    // binary is not a module.
    for module in ["handlers", "tasks", "waitlists"] {
        assert!(graph[module].contains("respond"), "{module}: {graph:?}");
        assert!(graph[module].contains("api_error"), "{module}: {graph:?}");
    }
    assert!(graph["auth"].contains("fallback"), "{graph:?}");
    assert!(!graph.contains_key("main"), "{graph:?}");
}

/// The sandbox's old cycle (handlers merging the tasks' routes, tasks taking
/// the handlers' helpers), in a crate of its own, fails the check; names the
/// crate root defines are no module.
#[test]
fn a_cycle_between_sandbox_modules_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        (
            "lib.rs",
            "mod handlers;\nmod tasks;\npub(crate) struct State;\nfn router() {}\n",
        ),
        (
            "handlers.rs",
            "use crate::State;\npub(crate) fn ok() {}\npub(crate) fn routes() { crate::tasks::routes() }\n",
        ),
        (
            "tasks.rs",
            "use crate::handlers::{ok, S};\npub(crate) fn routes() { let _: crate::State; }\n",
        ),
        ("main.rs", "fn main() { crate::nothing::here() }\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let graph = module_graph(dir.path());
    assert_eq!(graph.keys().collect::<Vec<_>>(), ["handlers", "tasks"]);
    let cycle = find_cycle(&graph).expect("a cycle");
    assert_eq!(cycle, ["handlers", "tasks", "handlers"]);
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", &["b"][..]),
        ("b", &["c"][..]),
        ("c", &["a"][..]),
        ("d", &[][..]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        crate_heads("use crate::{a::B, c, d::{e, f}};\nlet x = crate::g::h(); mycrate::z"),
        ["a", "c", "d", "g"]
    );
    assert_eq!(
        code_only("let s = \"crate::x\"; // crate::y\nlet c = '\"'; crate::z"),
        "let s = \"\"; \nlet c = ' '; crate::z"
    );
}

#[test]
fn no_operation_header_or_smuggled_token_error_remains() {
    let root = source_dir();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for banned in [
            "x-accuro-client-operation",
            "TOKEN_ERROR_TAG",
            "smuggled JSON",
        ] {
            assert!(
                !text
                    .to_ascii_lowercase()
                    .contains(&banned.to_ascii_lowercase()),
                "{}: `{banned}` remains",
                file.display()
            );
        }
    }
}
