//! Fuzz target: see `kw::fuzz::record_batch`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kw::fuzz::record_batch(data));
