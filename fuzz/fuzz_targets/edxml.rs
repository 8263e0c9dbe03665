//! edXML packages (QCVN 102:2016): the envelope, its attachments (base64, zip), its XML
//! signature and every attached PDF, with the demo PKI trusted. The body is `kyso_fuzz::edxml`
//! (fuzz/src/lib.rs), shared with the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: kyso_fuzz::init(), |data: &[u8]| kyso_fuzz::edxml(data));
