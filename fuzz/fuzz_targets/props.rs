//! Fuzz target: see `kw::fuzz::props`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kw::fuzz::props(data));
