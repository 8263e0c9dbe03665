//! CMS SignedData: detached with a digest callback, and attached or detached with content.
//! The body is `kyso_fuzz::cms` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::cms(data));
