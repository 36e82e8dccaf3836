//! Fuzz target: see `kw::fuzz::config`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kw::fuzz::config(data));
