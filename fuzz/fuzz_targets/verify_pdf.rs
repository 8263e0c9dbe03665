//! Whole-document verification at the fixed time, no trust anchor: a report or an error.
//! The body is `kyso_fuzz::verify_pdf` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::verify_pdf(data));
