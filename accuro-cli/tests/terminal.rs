//! `--all-pages` on a terminal: the progress bar is drawn on stderr when
//! stderr is a terminal (a pseudo-terminal here), while the items go to
//! stdout untouched. (Off a terminal, stderr stays empty: see sandbox.rs.)

mod common;

use std::fs::File;
use std::io::Read as _;
use std::process::{Command, Stdio};

use common::{ACCURO, env_of, sandbox};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

#[tokio::test(flavor = "multi_thread")]
async fn a_long_walk_draws_a_progress_bar_on_a_terminal() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);

    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let slave_path = ptsname(&master, Vec::new()).unwrap();
    let slave = File::options()
        .read(true)
        .write(true)
        .open(slave_path.to_str().unwrap())
        .unwrap();

    let mut command = Command::new(ACCURO);
    command
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("TERM", "xterm")
        .args([
            "patients",
            "search-patients",
            "--page-size",
            "5",
            "--all-pages",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave));
    let child = command.spawn().unwrap();
    // Only the child holds the terminal's other end now: reading ends
    // (EIO) when it exits.
    drop(command);

    let mut master = File::from(master);
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buffer = [0_u8; 4096];
        while let Ok(n) = master.read(&mut buffer) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buffer[..n]);
        }
        seen
    });
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let terminal = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();

    // 300 patients over 61 pages on stdout, nothing else there.
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 300);
    assert!(stdout.lines().all(|l| l.starts_with('{')));
    // The bar, drawn and redrawn in place on the terminal, then cleared.
    assert!(terminal.contains("search-patients: "), "{terminal:?}");
    assert!(
        terminal.contains(" items") || terminal.contains("first page"),
        "{terminal:?}"
    );
    assert!(
        terminal.contains('\r') || terminal.contains("\x1b["),
        "{terminal:?}"
    );
}
