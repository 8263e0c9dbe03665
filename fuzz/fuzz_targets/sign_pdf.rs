//! The incremental writer: sign whatever lopdf reads with the demo signer at the fixed time.
//! When signing succeeds, the input must be an exact prefix of the output and verifying the
//! output must not panic.
//! The body is `kyso_fuzz::sign_pdf` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kyso_fuzz::sign_pdf(data));
