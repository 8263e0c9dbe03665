//! Looking up X.509 extensions by OID: [`find`] a certificate's extension, [`value`] its
//! `extnValue` bytes, [`decode`] it into its ASN.1 type, [`find_all`] every occurrence (for
//! checks that refuse a repeated extension), and [`find_in`] for any list of extensions (CRL
//! entries, OCSP responses).
//!
//! The first occurrence wins; whether a repetition is an error is the caller's decision.

use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::Extension;

/// The first extension with `oid` in `extensions`.
pub fn find_in<'a>(extensions: &'a [Extension], oid: &ObjectIdentifier) -> Option<&'a Extension> {
    extensions.iter().find(|e| e.extn_id == *oid)
}

/// The first extension of `cert` with `oid`.
pub fn find<'a>(cert: &'a Certificate, oid: &ObjectIdentifier) -> Option<&'a Extension> {
    find_in(cert.tbs_certificate().extensions()?, oid)
}

/// Every extension of `cert` with `oid`, in certificate order.
pub fn find_all<'a>(cert: &'a Certificate, oid: &ObjectIdentifier) -> Vec<&'a Extension> {
    cert.tbs_certificate()
        .extensions()
        .map(|exts| exts.iter().filter(|e| e.extn_id == *oid).collect())
        .unwrap_or_default()
}

/// The DER `extnValue` of `cert`'s extension with `oid`.
pub fn value<'a>(cert: &'a Certificate, oid: &ObjectIdentifier) -> Option<&'a [u8]> {
    find(cert, oid).map(|e| e.extn_value.as_bytes())
}

/// `cert`'s extension with `oid` decoded as `T`: `Ok(None)` when absent, `Err` when present
/// but not a valid `T`.
pub fn decode<'a, T: Decode<'a>>(
    cert: &'a Certificate,
    oid: &ObjectIdentifier,
) -> Result<Option<T>, T::Error> {
    value(cert, oid).map(T::from_der).transpose()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use const_oid::db::rfc5280::{ID_CE_BASIC_CONSTRAINTS, ID_CE_NAME_CONSTRAINTS};
    use der::asn1::OctetString;
    use x509_cert::ext::pkix::BasicConstraints;

    /// The real G2 organisation certificate of the Government Portal.
    fn portal() -> Certificate {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpora/vn-gov/certs/extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem"
        );
        let mut certs = crate::trust::parse_certificates(&std::fs::read(path).unwrap()).unwrap();
        certs.remove(0).certificate
    }

    #[test]
    fn finds_values_and_decodes() {
        let cert = portal();
        let bc = find(&cert, &ID_CE_BASIC_CONSTRAINTS).unwrap();
        assert_eq!(
            value(&cert, &ID_CE_BASIC_CONSTRAINTS),
            Some(bc.extn_value.as_bytes())
        );
        assert_eq!(find_all(&cert, &ID_CE_BASIC_CONSTRAINTS).len(), 1);
        let decoded: BasicConstraints = decode(&cert, &ID_CE_BASIC_CONSTRAINTS).unwrap().unwrap();
        assert!(!decoded.ca);
        assert!(find(&cert, &ID_CE_NAME_CONSTRAINTS).is_none());
        assert!(find_all(&cert, &ID_CE_NAME_CONSTRAINTS).is_empty());
        assert!(
            decode::<BasicConstraints>(&cert, &ID_CE_NAME_CONSTRAINTS)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn first_occurrence_wins_and_bad_values_are_errors() {
        let ext = |v: &[u8]| Extension {
            extn_id: ID_CE_BASIC_CONSTRAINTS,
            critical: false,
            extn_value: OctetString::new(v).unwrap(),
        };
        let list = [ext(&[0x30, 0x00]), ext(&[0x05, 0x00])];
        assert_eq!(
            find_in(&list, &ID_CE_BASIC_CONSTRAINTS).map(|e| e.extn_value.as_bytes()),
            Some(&[0x30, 0x00][..])
        );
        assert!(find_in(&list, &ID_CE_NAME_CONSTRAINTS).is_none());
        assert!(BasicConstraints::from_der(list[1].extn_value.as_bytes()).is_err());
    }
}
