//! Every README and documentation page is checked, block by block and link by
//! link:
//!
//! - every fenced block names its language, one of a known few;
//! - a `rust` block is compiled: its page is the documentation of a library
//!   crate (`#![doc = include_str!(..)]`) or a `#[cfg(doctest)]` item of one,
//!   so `cargo test` runs it as a doc test; `ignore` is refused;
//! - `toml`, `json` and `yaml` blocks parse, and a dependency line naming a
//!   crate of this workspace names only features it has;
//! - every command of a `sh` or `console` block that runs `cargo` names a
//!   task, package, example, test or feature that exists, and `regen`'s flags
//!   are the ones it takes;
//! - every relative link reaches a file, and a `#anchor` a heading of it;
//! - a `mermaid` diagram names only files and crates that exist, and a `text`
//!   option list only options its crate's sources match on.
//!
//! Output shown as `text` or `console` is checked where it is produced: the
//! CLI's transcript is run against the sandbox by the CLI's own tests
//! (`accuro-cli/tests/sandbox/transcript.rs`), the probe's report and option
//! list by the probe's (`probe/tests/binary.rs`), and the quickstart's output
//! by `.ci/run` against the quickstart it runs.
//!
//! Fences are found by hand rather than with a Markdown parser: only
//! CommonMark's fenced blocks (a run of three or more backticks, possibly
//! indented in a list item, closed by a run at least as long) and inline links
//! matter here, and both are a few lines.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// The pages: the front page, the changelog, `docs/` and every crate's README.
fn pages() -> Vec<PathBuf> {
    let root = workspace();
    let mut pages = vec![root.join("README.md"), root.join("CHANGELOG.md")];
    for dir in [root.join("docs")] {
        for entry in fs::read_dir(&dir).expect("docs/").flatten() {
            if entry.path().extension().is_some_and(|e| e == "md") {
                pages.push(entry.path());
            }
        }
    }
    for member in members() {
        let readme = member.join("README.md");
        if readme.exists() {
            pages.push(readme);
        }
    }
    pages.sort();
    pages.dedup();
    pages
}

/// The workspace's member folders, from its `Cargo.toml`.
fn members() -> Vec<PathBuf> {
    let root = workspace();
    let manifest: toml::Table = fs::read_to_string(root.join("Cargo.toml"))
        .expect("Cargo.toml")
        .parse()
        .expect("Cargo.toml parses");
    manifest["workspace"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| root.join(m.as_str().expect("a member path")))
        .collect()
}

/// A member's package name, features, examples and integration tests.
struct Package {
    dir: PathBuf,
    name: String,
    features: BTreeSet<String>,
    examples: BTreeSet<String>,
    tests: BTreeSet<String>,
}

fn packages() -> Vec<Package> {
    members()
        .into_iter()
        .map(|dir| {
            let manifest: toml::Table = fs::read_to_string(dir.join("Cargo.toml"))
                .expect("a member's Cargo.toml")
                .parse()
                .expect("it parses");
            let name = manifest["package"]["name"]
                .as_str()
                .expect("a name")
                .to_owned();
            let mut features: BTreeSet<String> = manifest
                .get("features")
                .and_then(|f| f.as_table())
                .map(|t| t.keys().cloned().collect())
                .unwrap_or_default();
            // Optional dependencies are features too.
            if let Some(deps) = manifest.get("dependencies").and_then(|d| d.as_table()) {
                for (dep, spec) in deps {
                    if spec.get("optional").and_then(|o| o.as_bool()) == Some(true) {
                        features.insert(dep.clone());
                    }
                }
            }
            let stems = |sub: &str| -> BTreeSet<String> {
                fs::read_dir(dir.join(sub))
                    .map(|entries| {
                        entries
                            .flatten()
                            .map(|e| {
                                let path = e.path();
                                path.file_stem()
                                    .expect("a name")
                                    .to_string_lossy()
                                    .into_owned()
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            };
            // An integration test is `tests/NAME.rs` or `tests/NAME/main.rs`.
            let tests = stems("tests")
                .into_iter()
                .filter(|t| {
                    dir.join("tests").join(format!("{t}.rs")).is_file()
                        || dir.join("tests").join(t).join("main.rs").is_file()
                })
                .collect();
            Package {
                examples: stems("examples"),
                tests,
                dir,
                name,
                features,
            }
        })
        .collect()
}

/// A fenced block: its language, its options, its text and where it starts.
struct Block {
    language: String,
    options: Vec<String>,
    text: String,
    line: usize,
}

fn blocks(page: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize, Block)> = None; // (indent, fence length, block)
    for (n, line) in page.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let fence = trimmed.chars().take_while(|c| *c == '`').count();
        match &mut open {
            Some((_, length, _)) if fence >= *length && trimmed[fence..].trim().is_empty() => {
                if let Some((_, _, block)) = open.take() {
                    out.push(block);
                }
            }
            Some((indent_open, _, block)) => {
                let strip = indent.min(*indent_open);
                block.text.push_str(&line[strip..]);
                block.text.push('\n');
            }
            None if fence >= 3 => {
                let info = trimmed[fence..].trim();
                let mut words = info.split(',').map(|w| w.trim().to_owned());
                let language = words.next().unwrap_or_default();
                open = Some((
                    indent,
                    fence,
                    Block {
                        language,
                        options: words.collect(),
                        text: String::new(),
                        line: n + 1,
                    },
                ));
            }
            None => {}
        }
    }
    assert!(open.is_none(), "a fenced block is never closed");
    out
}

/// The languages a block may name.
const LANGUAGES: &[&str] = &[
    "rust", "toml", "sh", "console", "text", "mermaid", "json", "yaml",
];

fn shown(page: &Path) -> String {
    page.strip_prefix(workspace())
        .unwrap_or(page)
        .display()
        .to_string()
}

/// Every fenced block of every page: the page, where the block starts
/// (`page:line`, for messages), and the block.
fn every_block() -> Vec<(PathBuf, String, Block)> {
    let mut out = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).expect("a page");
        for block in blocks(&text) {
            let at = format!("{}:{}", shown(&page), block.line);
            out.push((page.clone(), at, block));
        }
    }
    out
}

/// The pages a library crate compiles as documentation (its crate docs, or a
/// `#[cfg(doctest)]` item), so that `cargo test` runs their Rust blocks.
fn compiled_pages() -> BTreeSet<PathBuf> {
    let mut compiled = BTreeSet::new();
    for package in packages() {
        let lib = package.dir.join("src/lib.rs");
        let Ok(text) = fs::read_to_string(&lib) else {
            continue;
        };
        for (at, _) in text.match_indices("include_str!(\"") {
            let rest = &text[at + "include_str!(\"".len()..];
            let Some(end) = rest.find('"') else { continue };
            let target = package.dir.join("src").join(&rest[..end]);
            // Crate docs, or an item kept for doc tests only.
            let before = &text[..at];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let attribute = &text[line_start..at];
            let doctest_item = before
                .lines()
                .rev()
                .take(4)
                .any(|l| l.trim() == "#[cfg(doctest)]");
            if (attribute.contains("#![doc") || doctest_item)
                && let Ok(path) = target.canonicalize()
            {
                compiled.insert(path);
            }
        }
    }
    compiled
}

#[test]
fn every_block_names_its_language_and_rust_blocks_are_doc_tests() {
    let compiled = compiled_pages();
    let mut rust_blocks = 0;
    for (page, at, block) in every_block() {
        assert!(
            LANGUAGES.contains(&block.language.as_str()),
            "{at}: a fenced block must name its language, one of {LANGUAGES:?} (got {:?})",
            block.language
        );
        if block.language == "rust" {
            rust_blocks += 1;
            assert!(
                compiled.contains(&page.canonicalize().expect("the page")),
                "{at}: a Rust block on a page no library compiles as documentation: \
                 include the page with `#![doc = include_str!(..)]` or a `#[cfg(doctest)]` item"
            );
            assert!(
                !block.options.iter().any(|o| o == "ignore"),
                "{at}: `ignore` is not compiled; use `no_run`"
            );
        }
    }
    assert!(rust_blocks >= 5, "only {rust_blocks} Rust blocks found");
}

#[test]
fn data_blocks_parse_and_name_real_features() {
    let packages = packages();
    let mut checked = 0;
    for (_, at, block) in every_block() {
        match block.language.as_str() {
            "toml" => {
                let table: toml::Table = block
                    .text
                    .parse()
                    .unwrap_or_else(|e| panic!("{at}: the TOML does not parse: {e}"));
                // A dependency line, alone or under [dependencies].
                let mut deps = vec![&table];
                for section in ["dependencies", "dev-dependencies"] {
                    if let Some(t) = table.get(section).and_then(|t| t.as_table()) {
                        deps.push(t);
                    }
                }
                for deps in deps {
                    for (name, spec) in deps {
                        let Some(package) = packages.iter().find(|p| &p.name == name) else {
                            continue;
                        };
                        let features = spec.get("features").and_then(|f| f.as_array());
                        for feature in features.into_iter().flatten() {
                            let feature = feature.as_str().expect("a feature name");
                            assert!(
                                package.features.contains(feature),
                                "{at}: {name} has no feature `{feature}`"
                            );
                        }
                    }
                }
                checked += 1;
            }
            "json" => {
                serde_json::from_str::<serde_json::Value>(&block.text)
                    .unwrap_or_else(|e| panic!("{at}: the JSON does not parse: {e}"));
                checked += 1;
            }
            "yaml" => {
                serde_yaml::from_str::<serde_yaml::Value>(&block.text)
                    .unwrap_or_else(|e| panic!("{at}: the YAML does not parse: {e}"));
                checked += 1;
            }
            _ => {}
        }
    }
    assert!(checked >= 5, "only {checked} data blocks found");
}

/// The shell commands of a block: `sh` lines (continuations joined, comments
/// dropped) or a `console` block's `$` lines.
fn commands(block: &Block) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in block.text.lines() {
        let line = match block.language.as_str() {
            "console" => match line.strip_prefix("$ ") {
                Some(command) => command,
                None => continue,
            },
            _ => line,
        };
        let line = line.split(" #").next().unwrap_or(line).trim();
        if line.starts_with('#') {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                if !current.trim().is_empty() {
                    out.push(current.trim().to_owned());
                }
                current.clear();
            }
        }
    }
    out
}

/// `cargo xtask`'s tasks, read from its front end's dispatch.
fn xtask_tasks() -> BTreeSet<String> {
    let main = fs::read_to_string(workspace().join("xtask/src/main.rs")).expect("xtask main");
    main.match_indices("Some(\"")
        .filter_map(|(at, _)| {
            let rest = &main[at + "Some(\"".len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// The long flags `regen` takes, from its own argument definitions.
fn regen_flags() -> BTreeSet<String> {
    xtask::regen::command()
        .get_arguments()
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .chain(["--help".to_owned()])
        .collect()
}

#[test]
fn cargo_commands_name_what_exists() {
    let packages = packages();
    let tasks = xtask_tasks();
    assert!(
        tasks.contains("regen") && tasks.contains("quickstart"),
        "{tasks:?}"
    );
    let regen_flags = regen_flags();
    let mut checked = 0;
    for (page, _, block) in every_block() {
        if !matches!(block.language.as_str(), "sh" | "console") {
            continue;
        }
        for command in commands(&block) {
            let at = format!("{}:{} `{command}`", shown(&page), block.line);
            // The cargo part of `eval "$(cargo ...)"`, or of a pipeline.
            let Some(from) = command.find("cargo ") else {
                continue;
            };
            let words: Vec<&str> = command[from..]
                .split(|c: char| c.is_whitespace() || c == ')' || c == '"')
                .filter(|w| !w.is_empty())
                .take_while(|w| !matches!(*w, "|" | "&&" | ">" | "&" | ";"))
                .collect();
            checked += 1;
            // Every value of a flag, written `--flag value` or `--flag=value`.
            let values_of = |flags: &[&str]| -> Vec<&str> {
                let mut values = Vec::new();
                for (i, word) in words.iter().enumerate() {
                    for flag in flags {
                        if word == flag {
                            values.extend(words.get(i + 1).copied());
                        } else if let Some(value) = word
                            .strip_prefix(flag)
                            .and_then(|rest| rest.strip_prefix('='))
                        {
                            values.push(value);
                        }
                    }
                }
                values
            };
            let value_of = |flag: &str| values_of(&[flag]).first().copied();
            match words.get(1).copied() {
                Some("xtask") => {
                    let task = words.get(2).copied().unwrap_or("");
                    assert!(tasks.contains(task), "{at}: no xtask task `{task}`");
                    if task == "regen" {
                        for flag in words.iter().filter(|w| w.starts_with("--")) {
                            assert!(regen_flags.contains(*flag), "{at}: regen takes no `{flag}`");
                        }
                    }
                }
                Some("run" | "test" | "build" | "doc" | "install" | "bench" | "clippy") => {
                    let package = value_of("-p")
                        .or_else(|| value_of("--path").map(|p| p.trim_end_matches('/')));
                    let Some(package) = package else { continue };
                    let package = packages
                        .iter()
                        .find(|p| p.name == package || p.dir.ends_with(package))
                        .unwrap_or_else(|| panic!("{at}: no package `{package}`"));
                    for example in values_of(&["--example"]) {
                        assert!(
                            package.examples.contains(example),
                            "{at}: {} has no example `{example}`",
                            package.name
                        );
                    }
                    for test in values_of(&["--test"]) {
                        assert!(
                            package.tests.contains(test),
                            "{at}: {} has no test `{test}`",
                            package.name
                        );
                    }
                    for feature in values_of(&["--features", "-F"])
                        .into_iter()
                        .flat_map(|f| f.split([',', ' ']))
                        .filter(|f| !f.is_empty())
                    {
                        assert!(
                            package.features.contains(feature),
                            "{at}: {} has no feature `{feature}`",
                            package.name
                        );
                    }
                }
                _ => {}
            }
        }
    }
    assert!(checked >= 10, "only {checked} cargo commands found");
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation
/// other than `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(page: &str) -> BTreeSet<String> {
    let mut inside = false;
    let mut out = BTreeSet::new();
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
        } else if !inside && line.starts_with('#') {
            out.insert(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn relative_links_reach_files_and_headings() {
    let mut checked = 0;
    for page in pages() {
        let text = fs::read_to_string(&page).expect("a page");
        let dir = page.parent().expect("a folder");
        let mut inside = false;
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                inside = !inside;
                continue;
            }
            if inside {
                continue;
            }
            for (at, _) in line.match_indices("](") {
                let rest = &line[at + 2..];
                let Some(end) = rest.find(')') else { continue };
                let target = &rest[..end];
                // Web links, and rustdoc's links to items (`crate::x`, `reveal()`).
                if target.contains("://")
                    || target.starts_with("mailto:")
                    || target.contains("::")
                    || target.ends_with("()")
                    || !(target.contains('/') || target.contains('.') || target.starts_with('#'))
                {
                    continue;
                }
                let at = format!("{}:{} `{target}`", shown(&page), n + 1);
                let (file, fragment) = match target.split_once('#') {
                    Some((file, fragment)) => (file, Some(fragment)),
                    None => (target, None),
                };
                let path = if file.is_empty() {
                    page.clone()
                } else {
                    dir.join(file)
                };
                assert!(path.exists(), "{at}: no such file");
                if let Some(fragment) = fragment {
                    let target_text = fs::read_to_string(&path).expect("the linked page");
                    assert!(
                        anchors(&target_text).contains(fragment),
                        "{at}: no heading `#{fragment}` there"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} links checked");
}

#[test]
fn the_front_page_is_short() {
    let lines = fs::read_to_string(workspace().join("README.md"))
        .expect("README.md")
        .lines()
        .count();
    assert!(
        lines <= 150,
        "README.md has {lines} lines: it is the front door, at most 150"
    );
}

/// The words of `text` that look like a path of the repository (a `/` and a
/// known extension), or a crate of it (`accuro-…`).
fn named_paths_and_crates(text: &str) -> (Vec<String>, Vec<String>) {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-')))
        .filter(|w| !w.is_empty())
        .collect();
    let paths = words
        .iter()
        .filter(|w| {
            w.contains('/')
                && [".rs", ".yaml", ".md", ".json", ".toml"]
                    .iter()
                    .any(|e| w.ends_with(e))
        })
        .map(|w| (*w).to_owned())
        .collect();
    let crates = words
        .iter()
        .filter(|w| w.starts_with("accuro-") && !w.contains('/') && !w.contains('.'))
        .map(|w| (*w).to_owned())
        .collect();
    (paths, crates)
}

#[test]
fn diagrams_and_option_lists_name_what_exists() {
    let root = workspace();
    let packages = packages();
    let mut checked = 0;
    for (page, at, block) in every_block() {
        match block.language.as_str() {
            "mermaid" => {
                let (paths, crates) = named_paths_and_crates(&block.text);
                for path in paths {
                    assert!(root.join(&path).exists(), "{at}: no file `{path}`");
                    checked += 1;
                }
                for name in crates {
                    assert!(
                        packages.iter().any(|p| p.name == name),
                        "{at}: no crate `{name}`"
                    );
                    checked += 1;
                }
            }
            "text" => {
                // An option list: each flag is a string the crate's
                // sources match on.
                let flags: Vec<&str> = block
                    .text
                    .lines()
                    .filter(|l| l.starts_with("--"))
                    .filter_map(|l| l.split_whitespace().next())
                    .map(|f| f.trim_end_matches(','))
                    .collect();
                if flags.is_empty() {
                    continue;
                }
                let dir = page.parent().expect("a crate folder").join("src");
                let mut sources = String::new();
                let mut stack = vec![dir];
                while let Some(dir) = stack.pop() {
                    for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                        let path = entry.path();
                        if path.is_dir() {
                            stack.push(path);
                        } else if path.extension().is_some_and(|e| e == "rs") {
                            sources.push_str(&fs::read_to_string(&path).unwrap_or_default());
                        }
                    }
                }
                for flag in flags {
                    assert!(
                        sources.contains(&format!("\"{flag}\"")),
                        "{at}: `{flag}` is not an option of this crate"
                    );
                    checked += 1;
                }
            }
            _ => {}
        }
    }
    assert!(checked >= 20, "only {checked} names checked");
}
