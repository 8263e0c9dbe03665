//! Revocation checking with OCSP responses, the input laid out as for [`crl`].
//! The body is `kyso_fuzz::ocsp` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::ocsp(data));
