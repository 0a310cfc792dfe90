//! The README's transcript is a run: each `$ accuro ...` line of its
//! `console` block is run against a fresh sandbox (with the three scopes the
//! README says it narrowed `ACCURO_SCOPES` to), and what it printed (stdout,
//! then stderr) and its exit code must be what the README shows. Only the
//! token's remaining seconds in `auth check` may differ (the clock and the
//! renewal jitter move them).

use crate::common::{accuro, env_of, sandbox, with_var};

/// The scopes the transcript's session was narrowed to.
const SCOPES: &str = "PATIENT_DEMOGRAPHICS_READ SCHEDULING_READ SCHEDULING_WRITE";

/// One `$` line of the transcript and what the README shows after it.
#[derive(Debug)]
struct Step {
    args: Vec<String>,
    /// `| wc -l` after the command: the README shows stdout's line count.
    count_lines: bool,
    shown: String,
    code: i32,
}

fn transcript() -> Vec<Step> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("accuro-cli/README.md");
    let start = readme
        .find("```console\n")
        .expect("the README has a console block");
    let body = &readme[start + "```console\n".len()..];
    let body = &body[..body.find("\n```").expect("the console block ends")];
    let mut steps: Vec<Step> = Vec::new();
    for line in body.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            let (command, count_lines) = match command.strip_suffix(" | wc -l") {
                Some(c) => (c, true),
                None => (command, false),
            };
            assert!(
                !command.contains(['"', '\'', '|', '>', '<', '$']),
                "the transcript's commands are plain words: {command}"
            );
            let mut words = command.split_whitespace();
            assert_eq!(words.next(), Some("accuro"), "{command}");
            steps.push(Step {
                args: words.map(str::to_owned).collect(),
                count_lines,
                shown: String::new(),
                code: 0,
            });
        } else {
            let step = steps.last_mut().expect("output after a command");
            if let Some(code) = line
                .strip_prefix("(exit ")
                .and_then(|rest| rest.strip_suffix(')'))
            {
                step.code = code.parse().expect("an exit code");
            } else {
                step.shown.push_str(line);
                step.shown.push('\n');
            }
        }
    }
    steps
}

/// `auth check`'s seconds left, which move with the clock, as `N`.
fn steady(text: &str) -> String {
    let mut out = text.to_owned();
    for key in ["\"expires_in_seconds\":", "\"renews_in_seconds\":"] {
        if let Some(at) = out.find(key) {
            let from = at + key.len();
            let digits = out[from..].chars().take_while(char::is_ascii_digit).count();
            assert!(digits > 0, "{key} has a number: {text}");
            out.replace_range(from..from + digits, "N");
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_transcript_is_what_the_commands_print() {
    let steps = transcript();
    assert!(
        steps.len() >= 8,
        "the transcript has its commands: {steps:?}"
    );
    let sandbox = sandbox().await;
    let env = with_var(&env_of(&sandbox), "ACCURO_SCOPES", SCOPES);
    for step in &steps {
        let args: Vec<&str> = step.args.iter().map(String::as_str).collect();
        let run = accuro(&env, &args).await;
        let printed = if step.count_lines {
            format!("{}\n{}", run.stdout.lines().count(), run.stderr)
        } else {
            format!("{}{}", run.stdout, run.stderr)
        };
        assert_eq!(
            steady(printed.trim_end()),
            steady(step.shown.trim_end()),
            "accuro {}: the README shows other output",
            step.args.join(" ")
        );
        assert_eq!(
            run.code,
            step.code,
            "accuro {}: exit code",
            step.args.join(" ")
        );
    }
}
