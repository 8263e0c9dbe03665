//! Whole-document verification on arbitrary bytes: must return a report or an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let time = der_time();
    let options = kyso_verify::VerifyOptions::new(kyso_policy::TrustStore::new(), time);
    let _ = kyso_verify::verify_pdf(data, &options);
});

fn der_time() -> kyso_policy::DateTime {
    kyso_policy::DateTime::new(2026, 1, 1, 0, 0, 0).unwrap_or(kyso_policy::DateTime::INFINITY)
}
