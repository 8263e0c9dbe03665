//! The C ABI entry points with fuzzed bytes. The first byte picks the function:
//! 0 `kyso_verify_pdf`, 1 `kyso_verify_certificate` (fixed options: demo root trusted, fixed
//! time, embedded revocation data), 2 `kyso_ltv_add` (`{}`: offline, nothing added but what the
//! signatures carry), 3 `kyso_verify_pdf` of the demo sample document with the rest as the
//! options JSON (no `/` allowed, so that the options cannot name files to read).
//! No call may report `KYSO_ERR_PANIC`.
//! The body is `kyso_fuzz::ffi` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::ffi(data));
