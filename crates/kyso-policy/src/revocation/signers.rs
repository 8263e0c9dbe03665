//! Who may sign revocation data: signature checks under the algorithm policy, validity at a
//! time, keyUsage and extendedKeyUsage of a CRL or OCSP signer, and issuance by a CA.

use const_oid::ObjectIdentifier;
use der::Encode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage};

use crate::algorithms::{AlgorithmPolicy, verify_signature};
use crate::extensions;
use crate::names::names_match;
use crate::reason::Severity;

const OID_KU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");

/// Whether `signer` signed `tbs` with `alg`/`sig` (algorithm constraints applied at `at`).
pub(crate) fn signed_by(
    signer: &Certificate,
    alg: &spki::AlgorithmIdentifierOwned,
    tbs: &[u8],
    sig: &[u8],
    policy: &AlgorithmPolicy,
    at: der::DateTime,
) -> Result<(), String> {
    match verify_signature(
        signer.tbs_certificate().subject_public_key_info(),
        alg,
        None,
        tbs,
        sig,
    ) {
        Ok(c) if c.valid => {
            if policy
                .check(&c.algorithm, Some(at))
                .iter()
                .any(|r| r.severity == Severity::Error)
            {
                Err(format!(
                    "signature algorithm {} fails the constraints",
                    c.algorithm.name()
                ))
            } else {
                Ok(())
            }
        }
        Ok(_) => Err("signature does not verify".into()),
        Err(e) => Err(format!("signature not checkable: {e}")),
    }
}

fn cert_tbs_and_sig(cert: &Certificate) -> Option<(Vec<u8>, Vec<u8>)> {
    let tbs = cert.tbs_certificate().to_der().ok()?;
    let sig = cert.signature().as_bytes()?.to_vec();
    Some((tbs, sig))
}

pub(crate) fn within(cert: &Certificate, t: der::DateTime) -> bool {
    let v = cert.tbs_certificate().validity();
    v.not_before.to_date_time() <= t && t <= v.not_after.to_date_time()
}

pub(crate) fn key_usage(cert: &Certificate) -> Option<KeyUsage> {
    extensions::decode::<KeyUsage>(cert, &OID_KU).ok().flatten()
}

pub(super) fn has_eku(cert: &Certificate, oid: &ObjectIdentifier) -> bool {
    extensions::decode::<ExtendedKeyUsage>(cert, &OID_EKU)
        .ok()
        .flatten()
        .is_some_and(|e| e.0.contains(oid))
}

/// Whether `delegate` was issued (signed) by `issuer`.
pub(crate) fn issued_by(
    delegate: &Certificate,
    issuer: &Certificate,
    policy: &AlgorithmPolicy,
) -> bool {
    if !names_match(
        delegate.tbs_certificate().issuer(),
        issuer.tbs_certificate().subject(),
    ) {
        return false;
    }
    let Some((tbs, sig)) = cert_tbs_and_sig(delegate) else {
        return false;
    };
    let at = delegate
        .tbs_certificate()
        .validity()
        .not_before
        .to_date_time();
    signed_by(
        issuer,
        delegate.signature_algorithm(),
        &tbs,
        &sig,
        policy,
        at,
    )
    .is_ok()
}
