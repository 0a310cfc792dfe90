//! `accuro-sandbox [--port N] [--print-env] [--token-lifetime SECS] [--refresh-tokens] [--latency-ms N]
//! [--error-rate F] [--burst-429 N --retry-after SECS]`: runs the sandbox on 127.0.0.1
//! until interrupted, after printing its base URL and the credentials it accepts.

use std::process::ExitCode;
use std::time::Duration;

use accuro_sandbox::{Config, Sandbox};

/// `println!` that ignores a closed standard output (a reader that stopped
/// listening must not bring the sandbox down).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

struct Cli {
    port: u16,
    config: Config,
    print_env: bool,
}

fn parse(args: &[String]) -> Result<Cli, String> {
    let mut config = Config::default();
    let mut port = 4020;
    let mut print_env = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        let number = |name: &str, v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("`{name}` needs a number, not `{v}`"))
        };
        match arg.as_str() {
            "--port" => port = number("--port", value("--port")?)? as u16,
            "--token-lifetime" => config.token_lifetime = Duration::from_secs(number(arg, value(arg)?)?),
            "--refresh-tokens" => config.refresh_tokens = true,
            "--print-env" => print_env = true,
            "--latency-ms" => config.faults.latency_ms = number(arg, value(arg)?)?,
            "--error-rate" => {
                config.faults.error_rate = value(arg)?.parse().map_err(|_| "`--error-rate` needs a fraction".to_owned())?
            }
            "--burst-429" => config.faults.burst_429 = number(arg, value(arg)?)? as u32,
            "--retry-after" => config.faults.retry_after_secs = number(arg, value(arg)?)?,
            "-h" | "--help" => return Err("usage: accuro-sandbox [--port N] [--print-env] [--token-lifetime SECS] [--refresh-tokens] [--latency-ms N] [--error-rate F] [--burst-429 N] [--retry-after SECS]".into()),
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(Cli {
        port,
        config,
        print_env,
    })
}

fn print_exports(config: &Config, base_url: &str) {
    for (name, value) in config.client_env(base_url) {
        say!("export {name}='{value}'");
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Cli {
        port,
        config,
        print_env,
    } = match parse(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    if print_env {
        // Only the variables, for `eval "$(cargo xtask sandbox --print-env)"`.
        print_exports(&config, &format!("http://127.0.0.1:{port}"));
        return ExitCode::SUCCESS;
    }
    let sandbox = match Sandbox::start(config, port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    say!("Accuro sandbox listening on {}", sandbox.base_url());
    say!("Synthetic data only. Point a client at it with:\n");
    print_exports(sandbox.config(), &sandbox.base_url());
    say!(
        "\nFault knobs: PUT {}/__sandbox/faults (JSON), POST {}/__sandbox/revoke-tokens",
        sandbox.base_url(),
        sandbox.base_url()
    );
    tokio::select! {
        () = sandbox.wait() => ExitCode::FAILURE,
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}
