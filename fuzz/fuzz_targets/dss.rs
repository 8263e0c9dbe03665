//! DSS reading (`/DSS` of a parsed document) and DSS writing: append fixed validation data; the
//! input must stay a prefix, the result must load with the same signatures and the added data.
//! The body is `kyso_fuzz::dss` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::dss(data));
