//! Revocation checking with CRLs: the input is DER written one after the other: certificates
//! (the checked one, then its issuer and the path above it), then CRLs. A lone CRL is parsed.
//! The body is `kyso_fuzz::crl` (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::crl(data));
