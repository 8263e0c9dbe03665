//! The incremental writer: sign whatever lopdf reads with the demo signer at the fixed time.
//! When signing succeeds, the input must be an exact prefix of the output, and kyso's verifier
//! must find the new signature in it with integrity and signature checks passed.
//! The body is `kyso_fuzz::sign_pdf` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::sign_pdf(data));
