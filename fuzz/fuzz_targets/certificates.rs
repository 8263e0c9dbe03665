//! Certificate parsing (PEM, DER, PKCS#7) and signature-field discovery on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kyso_policy::trust::parse_certificates(data);
    if let Ok(doc) = kyso_pdf::load_document(data) {
        for sig in kyso_pdf::find_signatures(&doc) {
            let _ = sig.coverage(data);
        }
    }
});
