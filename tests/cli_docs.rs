//! The checked-in completions/ and man/ are exactly what the current clap
//! definitions generate (regenerate with `kw generate completions completions` and
//! `kw generate man man`).

use kw::cli::generate::{render, What};

#[test]
fn completions_and_man_pages_are_current() {
    for (what, dir) in [(What::Completions, "completions"), (What::Man, "man")] {
        for (name, data) in render(what).unwrap() {
            let path = format!("{}/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
            let on_disk = std::fs::read(&path)
                .unwrap_or_else(|_| panic!("{path} is missing: run `kw generate {dir} {dir}`"));
            assert!(
                on_disk == data,
                "{path} is stale: run `cargo run -- generate {dir} {dir}` and commit the result"
            );
        }
    }
}

#[test]
fn every_subcommand_has_help_with_examples() {
    for sub in [
        "serve",
        "topics",
        "produce",
        "consume",
        "metadata",
        "groups",
        "simulate-sales",
        "console",
    ] {
        let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_kw"))
            .args([sub, "--help"])
            .output()
            .unwrap();
        assert!(out.status.success(), "kw {sub} --help");
        assert!(!out.stdout.is_empty());
    }
}
