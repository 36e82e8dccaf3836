//! The workshop script, run non-interactively against a real three-node cluster
//! with real kcat group members: every step checks its own outcome and prints
//! "STEP n OK", through the broker failover (kill -9 of node 2) and its return.

mod common;

use std::time::Duration;

#[test]
fn workshop_script_runs_end_to_end() {
    let script = format!("{}/examples/workshop.sh", env!("CARGO_MANIFEST_DIR"));
    let out = common::run_with_timeout(
        std::process::Command::new("bash")
            .arg(&script)
            .arg("--yes")
            .env("KW", common::kw_bin())
            .env("KCAT", common::kcat().get_program()),
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
