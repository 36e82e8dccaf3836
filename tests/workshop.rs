//! The workshop script, run non-interactively against a real three-node cluster
//! with real kcat group members: every step checks its own outcome and prints
//! "STEP n OK", through the broker failover (kill -9 of node 2) and its return.

mod common;

use std::time::Duration;

#[test]
fn workshop_script_runs_end_to_end() {
    run_workshop(common::kcat().get_program());
}

/// The same with kw's own group members (`kw consume -G`) riding out the failover.
#[test]
fn workshop_script_runs_with_kw_group_members() {
    run_workshop(std::ffi::OsStr::new(""));
}

fn run_workshop(kcat: &std::ffi::OsStr) {
    let script = format!("{}/examples/workshop.sh", env!("CARGO_MANIFEST_DIR"));
    let out = common::run_with_timeout(
        std::process::Command::new("bash")
            .arg(&script)
            .arg("--yes")
            .env("KW", common::kw_bin())
            .env("KCAT", kcat),
        None,
        Duration::from_secs(300),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "workshop failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for step in 1..=10 {
        assert!(
            text.contains(&format!("STEP {step} OK")),
            "step {step} did not pass:\n{text}"
        );
    }
    assert!(
        text.contains("Isr: 3,1\n"),
        "describe showed node 2 gone from the ISR:\n{text}"
    );
    assert!(
        text.contains("Part-"),
        "the consumers printed the workshop format:\n{text}"
    );
}
