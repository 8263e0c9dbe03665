//! DSS reading (`/DSS` of a parsed document) and DSS writing: append fixed validation data and
//! read the result back; the input must stay a prefix.
//! The body is `kyso_fuzz::dss` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kyso_fuzz::dss(data));
