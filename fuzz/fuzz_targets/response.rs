//! Fuzz target: see `kw::fuzz::response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kw::fuzz::response(data));
