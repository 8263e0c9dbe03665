//! Placement in blank space: `kyso_pdf::text_boxes` on the first pages of a PDF, then an
//! attachment block signed without a rectangle.
//! The body is `kyso_fuzz::placement` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::placement(data));
