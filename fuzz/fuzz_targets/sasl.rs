//! Fuzz target: see `kw::fuzz::sasl`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kw::fuzz::sasl(data));
