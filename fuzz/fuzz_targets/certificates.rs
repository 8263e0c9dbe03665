//! Certificate parsing (PEM, DER, PKCS#7, or DER certificates written one after the other) and
//! path building: the first certificate is the leaf, the others candidates; validated against
//! the fixed demo anchor, and against the bundle's last certificate as anchor.
//! The body is `kyso_fuzz::certificates` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::certificates(data));
