//! CMS SignedData and time-stamp token parsing on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut digest = |_: &const_oid::ObjectIdentifier| Ok(vec![0u8; 32]);
    let _ = kyso_verify::cms::verify_detached(data, &mut digest);
    let _ = kyso_verify::timestamp::read_timestamp(data, Some(b"x"));
});
