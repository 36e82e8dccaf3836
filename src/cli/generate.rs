//! `kw generate completions|man DIR` (hidden): shell completions and man pages from
//! the clap definitions, so `--help`, completions and man pages never disagree. The
//! checked-in `completions/` and `man/` are what this writes; a test compares them.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Shell;

use super::Cli;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum What {
    Completions,
    Man,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    pub what: What,
    pub dir: PathBuf,
}

/// Every generated file as (relative path, contents).
pub fn render(what: What) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    match what {
        What::Completions => {
            for (shell, file) in [
                (Shell::Bash, "kw.bash"),
                (Shell::Zsh, "_kw"),
                (Shell::Fish, "kw.fish"),
                (Shell::PowerShell, "_kw.ps1"),
            ] {
                let mut buf = Vec::new();
                clap_complete::generate(shell, &mut Cli::command(), "kw", &mut buf);
                out.push((file.to_string(), buf));
            }
        }
        What::Man => {
            let cmd = Cli::command();
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
            out.push(("kw.1".to_string(), buf));
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                let name = format!("kw-{}", sub.get_name());
                let sub = sub.clone().name(name.clone());
                let mut buf = Vec::new();
                clap_mangen::Man::new(sub).render(&mut buf)?;
                out.push((format!("{name}.1"), buf));
            }
        }
    }
    Ok(out)
}

pub fn write(what: What, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, data) in render(what)? {
        let path = dir.join(name);
        std::fs::write(&path, data).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

pub fn run(args: GenerateArgs) -> anyhow::Result<u8> {
    write(args.what, &args.dir)?;
    Ok(0)
}
