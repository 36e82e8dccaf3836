//! `kw users`: SCRAM credentials (KIP-554), what `kafka-configs --entity-type
//! users --alter --add-config 'SCRAM-SHA-512=[...]'` does, with its messages.
//! Passwords come from stdin or a file, never from the command line, where `ps`
//! would show them.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};

use crate::client::admin::{self, ScramUpsert};
use crate::security::scram::{self, Mechanism};
use crate::security::Secret;

#[derive(Debug, Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    pub action: UsersAction,
}

#[derive(Debug, Subcommand)]
pub enum UsersAction {
    /// Set a user's SCRAM password (creates the user); the password is read from
    /// stdin (first line) or --password-file
    #[command(
        after_help = "Examples:\n  echo alice-secret | kw users add alice\n  kw users add alice --mechanism SCRAM-SHA-256 --iterations 8192 --password-file alice.pw"
    )]
    Add {
        user: String,
        /// SCRAM-SHA-256 or SCRAM-SHA-512 (repeatable)
        #[arg(
            long = "mechanism",
            value_name = "MECHANISM",
            default_value = "SCRAM-SHA-512"
        )]
        mechanisms: Vec<String>,
        #[arg(long, default_value_t = 8192,
              value_parser = clap::value_parser!(i32).range(scram::MIN_ITERATIONS as i64..=scram::MAX_ITERATIONS as i64))]
        iterations: i32,
        /// Read the password from the first line of FILE
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Delete a user's SCRAM credentials (every mechanism unless --mechanism)
    #[command(after_help = "Example:\n  kw users delete alice")]
    Delete {
        user: String,
        #[arg(long = "mechanism", value_name = "MECHANISM")]
        mechanisms: Vec<String>,
    },
    /// Users with SCRAM credentials, as kafka-configs --describe prints them
    #[command(after_help = "Examples:\n  kw users list\n  kw users list alice bob")]
    List { users: Vec<String> },
}

fn mechanism(name: &str) -> anyhow::Result<Mechanism> {
    Mechanism::from_name(name)
        .ok_or_else(|| anyhow!("unknown SCRAM mechanism {name} (SCRAM-SHA-256 or SCRAM-SHA-512)"))
}

/// The password: the first line of `file`, else of stdin (without echo on a
/// terminal).
fn read_password(user: &str, file: Option<&PathBuf>) -> anyhow::Result<Secret> {
    let line = match file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| anyhow!("cannot read --password-file {}: {e}", path.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        None => {
            let stdin = std::io::stdin();
            let terminal = stdin.is_terminal();
            if terminal {
                eprint!("Password for {user}: ");
                let _ = std::io::stderr().flush();
            }
            let _echo = terminal.then(EchoOff::new);
            let mut line = String::new();
            stdin.lock().read_line(&mut line)?;
            if terminal {
                eprintln!();
            }
            line.trim_end_matches(['\n', '\r']).to_string()
        }
    };
    if line.is_empty() {
        bail!("no password given for {user} (one line on stdin or in --password-file)");
    }
    Ok(Secret(line))
}

/// Terminal echo off while a password is typed; restored when dropped.
struct EchoOff(Option<libc::termios>);

impl EchoOff {
    fn new() -> EchoOff {
        // SAFETY: termios calls on stdin's descriptor with a zeroed struct that
        // tcgetattr fills in; nothing else is touched.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
                return EchoOff(None);
            }
            let saved = t;
            t.c_lflag &= !libc::ECHO;
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t);
            EchoOff(Some(saved))
        }
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if let Some(t) = self.0 {
            // SAFETY: restores the settings read in `new`.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t);
            }
        }
    }
}

pub async fn run(conn: &super::Connect, args: UsersArgs) -> anyhow::Result<u8> {
    let client = conn.client(false).await?;
    match args.action {
        UsersAction::Add {
            user,
            mechanisms,
            iterations,
            password_file,
        } => {
            let mechanisms = mechanisms
                .iter()
                .map(|m| mechanism(m))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let password = read_password(&user, password_file.as_ref())?;
            // Kafka alters a user once per request: one request per mechanism.
            for m in mechanisms {
                let upsert = ScramUpsert {
                    user: user.clone(),
                    mechanism: m,
                    password: password.clone(),
                    iterations,
                };
                for (_, outcome) in admin::alter_scram(&client, &[upsert], &[]).await? {
                    outcome?;
                }
            }
            println!("Completed updating config for user {user}.");
        }
        UsersAction::Delete { user, mechanisms } => {
            let mechanisms: Vec<Mechanism> = if mechanisms.is_empty() {
                let described = admin::describe_scram(&client, std::slice::from_ref(&user)).await?;
                let (_, outcome) = described
                    .into_iter()
                    .next()
                    .ok_or_else(|| anyhow!("the broker described no user"))?;
                outcome?
                    .iter()
                    .filter_map(|(name, _)| Mechanism::from_name(name))
                    .collect()
            } else {
                mechanisms
                    .iter()
                    .map(|m| mechanism(m))
                    .collect::<anyhow::Result<_>>()?
            };
            for m in mechanisms {
                for (_, outcome) in admin::alter_scram(&client, &[], &[(user.clone(), m)]).await? {
                    outcome?;
                }
            }
            println!("Completed updating config for user {user}.");
        }
        UsersAction::List { users } => {
            let described = admin::describe_scram(&client, &users).await?;
            let mut failed = false;
            for (user, outcome) in described {
                match outcome {
                    Ok(creds) => println!(
                        "SCRAM credential configs for user-principal '{user}' are {}",
                        creds
                            .iter()
                            .map(|(m, i)| format!("{m}=iterations={i}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Err(e) => {
                        eprintln!("kw: {e}");
                        failed = true;
                    }
                }
            }
            return Ok(if failed { 1 } else { 0 });
        }
    }
    Ok(0)
}
