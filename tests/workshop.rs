//! The workshop script, run non-interactively against a real node: every step
//! checks its own outcome and prints "STEP n OK".

mod common;

use std::time::Duration;

#[test]
fn workshop_script_runs_end_to_end() {
    let script = format!("{}/examples/workshop.sh", env!("CARGO_MANIFEST_DIR"));
    let out = common::run_with_timeout(
        std::process::Command::new("bash")
            .arg(&script)
            .arg("--yes")
            .env("KW", common::kw_bin()),
        None,
        Duration::from_secs(300),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "workshop failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for step in 1..=7 {
        assert!(
            text.contains(&format!("STEP {step} OK")),
            "step {step} did not pass:\n{text}"
        );
    }
    assert!(
        text.contains("STEP 8 SKIPPED"),
        "broker failover is reported as skipped:\n{text}"
    );
    assert!(
        text.contains("Part-"),
        "the consumers printed the workshop format:\n{text}"
    );
}
