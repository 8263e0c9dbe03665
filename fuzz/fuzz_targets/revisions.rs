//! Revisions and modification analysis: every revision end (each `%%EOF`, the signatures'
//! signed lengths) compared with the later revisions, through one [`Revisions`] cache.
//!
//! [`Revisions`]: kyso_pdf::diff::Revisions
//! The body is `kyso_fuzz::revisions` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::revisions(data));
