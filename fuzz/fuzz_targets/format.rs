//! Fuzz target: see `kw::fuzz::format`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kw::fuzz::format(data));
