//! The modules of `accuro-client`, and those of `accuro-sandbox`, depend on
//! each other without a cycle, and the client's old hidden channels (an
//! operation header on answers, a token error smuggled through a string) are
//! gone.
//!
//! Each file of a crate's `src` is a module named by its stem, except the
//! files of a directory, which are the directory's module (`token/*` is
//! `token`, `pipeline/*` is `pipeline`); `generated.rs` is module
//! `generated`. `lib.rs` is the crate root, not a module: a name it defines
//! (`crate::State`) is no dependency, and a name it re-exports
//! (`crate::Client`) is resolved to its defining module. `main.rs` is
//! another crate (a binary) and is left out. The sources are read with
//! `syn`: a module depends on another when a `crate::` path in its code, in
//! a `use` tree or inside a macro's tokens, names it; comments, docs and
//! string literals are not code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

type Graph = BTreeMap<String, BTreeSet<String>>;

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
    let first = relative.iter().next()?.to_string_lossy().into_owned();
    if relative.components().count() > 1 {
        return Some(first); // token/cache.rs -> token
    }
    let stem = first.trim_end_matches(".rs").to_owned();
    (stem != "lib" && stem != "main").then_some(stem)
}

fn parse(text: &str, file: &Path) -> syn::File {
    syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The second segment of every `crate::` path of a file.
#[derive(Default)]
struct CrateHeads(Vec<String>);

impl CrateHeads {
    fn of(file: &syn::File) -> Vec<String> {
        let mut heads = Self::default();
        heads.visit_file(file);
        heads.0
    }

    /// `crate :: x` sequences in a macro's tokens (its body is not parsed).
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(group) => self.tokens(group.stream()),
                TokenTree::Ident(ident) if ident == "crate" => {
                    if let [
                        TokenTree::Punct(a),
                        TokenTree::Punct(b),
                        TokenTree::Ident(head),
                        ..,
                    ] = &trees[i + 1..]
                        && a.as_char() == ':'
                        && b.as_char() == ':'
                    {
                        self.0.push(head.to_string());
                    }
                }
                _ => {}
            }
        }
    }
}

/// The names a use tree below `crate::` starts with.
fn use_heads(tree: &syn::UseTree, out: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(p) => out.push(p.ident.to_string()),
        syn::UseTree::Name(n) => out.push(n.ident.to_string()),
        syn::UseTree::Rename(r) => out.push(r.ident.to_string()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_heads(t, out)),
        syn::UseTree::Glob(_) => {}
    }
}

impl<'ast> Visit<'ast> for CrateHeads {
    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        if let syn::UseTree::Path(p) = tree
            && p.ident == "crate"
        {
            use_heads(&p.tree, &mut self.0);
            return;
        }
        syn::visit::visit_use_tree(self, tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next())
            && first.ident == "crate"
        {
            self.0.push(second.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// The names a `use` brings in, each with the first segment of its path:
/// `a::B` → (`B`, `a`), `a::{B as C}` → (`C`, `a`).
fn use_names(tree: &syn::UseTree, first: Option<&str>, out: &mut BTreeMap<String, String>) {
    match tree {
        syn::UseTree::Path(p) => {
            let head = p.ident.to_string();
            use_names(&p.tree, Some(first.unwrap_or(&head)), out);
        }
        syn::UseTree::Name(n) => {
            if let Some(first) = first {
                out.insert(n.ident.to_string(), first.to_owned());
            }
        }
        syn::UseTree::Rename(r) => {
            if let Some(first) = first {
                out.insert(r.rename.to_string(), first.to_owned());
            }
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_names(t, first, out)),
        syn::UseTree::Glob(_) => {}
    }
}

/// What the crate root exports (name → defining module) and defines.
fn root_names(lib: &syn::File) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let mut exports = BTreeMap::new();
    let mut items = BTreeSet::new();
    for item in &lib.items {
        let name = match item {
            syn::Item::Use(u) if !matches!(u.vis, syn::Visibility::Inherited) => {
                use_names(&u.tree, None, &mut exports);
                continue;
            }
            syn::Item::Struct(s) => &s.ident,
            syn::Item::Enum(e) => &e.ident,
            syn::Item::Union(u) => &u.ident,
            syn::Item::Fn(f) => &f.sig.ident,
            syn::Item::Const(c) => &c.ident,
            syn::Item::Static(s) => &s.ident,
            syn::Item::Type(t) => &t.ident,
            syn::Item::Trait(t) => &t.ident,
            _ => continue,
        };
        items.insert(name.to_string());
    }
    (exports, items)
}

/// A cycle in `graph`, if there is one, as the list of its modules.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
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
fn module_graph(root: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let lib_path = root.join("lib.rs");
    let lib = parse(
        &std::fs::read_to_string(&lib_path).expect("lib.rs"),
        &lib_path,
    );
    let (exports, root_items) = root_names(&lib);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(root, f)).collect();
    let mut graph: Graph = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for file in &files {
        let Some(module) = module_of(root, file) else {
            continue;
        };
        let source = parse(&std::fs::read_to_string(file).expect("read"), file);
        for head in CrateHeads::of(&source) {
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
fn assert_no_cycle(graph: &Graph) {
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
    // The reader sees what it must: the generated module names the state's
    // trait and error, and the pipeline names the generated client.
    assert!(graph["generated"].contains("call"), "{graph:?}");
    assert!(graph["generated"].contains("error"), "{graph:?}");
    assert!(graph["pipeline"].contains("generated"), "{graph:?}");
}

#[test]
fn the_sandbox_module_graph_has_no_cycle() {
    let graph = module_graph(&sandbox_source_dir());
    assert_no_cycle(&graph);
    // The reader sees what it must: the handlers and the modules beside them
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
fn the_cycle_finder_and_the_reader_find_what_they_must() {
    let graph: Graph = [
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
    let file = parse(
        "use crate::{a::B, c, d::{e, f}};\n\
         /// crate::doc is not code\n\
         fn f() { let _ = crate::g::h(); mycrate::z(); m!(crate::k::l); let _ = \"crate::x\"; }",
        Path::new("example.rs"),
    );
    assert_eq!(CrateHeads::of(&file), ["a", "c", "d", "g", "k"]);
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
