//! Certificates dated before 1970 (RFC 5280 allows UTCTime years 50–69): `der::DateTime`
//! starts in 1970, so kyso-policy reads such a `notBefore` as 1970-01-01 and keeps the bytes
//! as received for signatures (PKITS 4.2.3's end-entity certificate, notBefore 1950).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use kyso_policy::DateTime;
use kyso_policy::trust::StoredCertificate;

fn pkits(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/pkits/certs")
        .join(name);
    std::fs::read(p).unwrap()
}

#[test]
fn not_before_1950_is_read_as_1970_and_bytes_are_kept() {
    let der = pkits("Validpre2000UTCnotBeforeDateTest3EE.crt");
    let stored = StoredCertificate::from_der(&der).unwrap();
    assert_eq!(
        stored.der, der,
        "the original bytes are kept for signature checks"
    );
    let validity = stored.certificate.tbs_certificate().validity();
    assert_eq!(
        validity.not_before.to_date_time(),
        DateTime::new(1970, 1, 1, 0, 0, 0).unwrap()
    );
    // notAfter is read as written.
    assert!(validity.not_after.to_date_time().year() >= 2030);
}

#[test]
fn not_after_before_1970_does_not_decode() {
    let mut der = pkits("Validpre2000UTCnotBeforeDateTest3EE.crt");
    // Make notAfter 1960 as well: the certificate can never be valid, so it is not read.
    let na = der
        .windows(15)
        .rposition(|w| w[0] == 0x17 && w[1] == 13 && w[14] == b'Z')
        .unwrap();
    der[na + 2..na + 15].copy_from_slice(b"600101000000Z");
    assert!(StoredCertificate::from_der(&der).is_err());
}

#[test]
fn a_regular_certificate_is_unchanged() {
    let der = pkits("GoodCACert.crt");
    let stored = StoredCertificate::from_der(&der).unwrap();
    assert_eq!(stored.der, der);
    assert!(
        stored
            .certificate
            .tbs_certificate()
            .validity()
            .not_before
            .to_date_time()
            .year()
            >= 2010
    );
}
