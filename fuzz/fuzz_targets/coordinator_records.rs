//! Fuzz target: see `kw::fuzz::coordinator_records`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kw::fuzz::coordinator_records(data));
