//! The fuzz targets' inputs replayed in the ordinary test suite: every committed
//! seed (`fuzz/seeds/<target>/`) and every input a fuzz run found to crash
//! (`fuzz/regressions/<target>/`, named by what it broke) goes through the same entry
//! point the fuzzer calls (`kw::fuzz`), which must return without panicking.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        if e.path().is_file() {
            out.push((
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn the_committed_seeds_are_current() {
    let write = std::env::var_os("KW_WRITE_SEEDS").is_some();
    for (target, name, bytes) in kw::fuzz::seeds() {
        let path = root().join("seeds").join(target).join(&name);
        if write {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let on_disk = std::fs::read(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run KW_WRITE_SEEDS=1 cargo test --test fuzz_regressions",
                path.display()
            )
        });
        assert!(
            on_disk == bytes,
            "{} is stale: run KW_WRITE_SEEDS=1 cargo test --test fuzz_regressions",
            path.display()
        );
    }
}

#[test]
fn every_seed_and_regression_input_runs_clean() {
    let harness = kw::fuzz::RequestHarness::new();
    let mut ran = 0;
    for kind in ["seeds", "regressions"] {
        for target in [
            "request",
            "response",
            "record_batch",
            "segment",
            "format",
            "props",
            "config",
            "coordinator_records",
            "sasl",
        ] {
            for (name, data) in inputs(&root().join(kind).join(target)) {
                eprintln!("{kind}/{target}/{name}");
                match target {
                    "request" => {
                        kw::fuzz::request_decode(&data);
                        harness.run(&data);
                    }
                    "response" => kw::fuzz::response(&data),
                    "record_batch" => kw::fuzz::record_batch(&data),
                    "segment" => kw::fuzz::segment(&data),
                    "format" => kw::fuzz::format(&data),
                    "props" => kw::fuzz::props(&data),
                    "config" => kw::fuzz::config(&data),
                    "coordinator_records" => kw::fuzz::coordinator_records(&data),
                    "sasl" => kw::fuzz::sasl(&data),
                    _ => unreachable!(),
                }
                ran += 1;
            }
        }
    }
    assert!(ran > 200, "only {ran} inputs: are the seeds committed?");
}
