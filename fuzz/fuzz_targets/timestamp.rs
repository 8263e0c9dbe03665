//! Time-stamp tokens: read (with and without an imprint to check), then the TSA certificate and
//! its path from the token's own certificates, against the demo anchor and the token's last.
//! The body is `kyso_fuzz::timestamp` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::timestamp(data));
