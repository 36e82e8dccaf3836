//! Fuzz target: request frames through a real node's dispatch (`kw::fuzz::RequestHarness`),
//! plus the broker's request decoding of every key and version (`kw::fuzz::request_decode`).
#![no_main]

use std::sync::OnceLock;

static HARNESS: OnceLock<kw::fuzz::RequestHarness> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kw::fuzz::request_decode(data);
    HARNESS.get_or_init(kw::fuzz::RequestHarness::new).run(data);
});
