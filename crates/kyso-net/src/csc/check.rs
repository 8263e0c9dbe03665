//! The check every returned signature passes before it is used: it must verify with the
//! credential certificate's public key over the message whose hash was sent. A service that
//! signs another hash (a bug, or an attack on the document) is refused, never embedded.

use der::asn1::ObjectIdentifier;
use kyso_token::SignatureScheme;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SHA384: &str = "2.16.840.1.101.3.4.2.2";
const SHA512: &str = "2.16.840.1.101.3.4.2.3";
const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";
const SHA384_WITH_RSA: &str = "1.2.840.113549.1.1.12";
const SHA512_WITH_RSA: &str = "1.2.840.113549.1.1.13";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";

/// The `hashAlgo` and `signAlgo` OIDs the CSC request names for `scheme`; `None` for RSA-PSS
/// (its parameters would have to be sent too; no Vietnamese service offers it).
pub(crate) fn algorithm_oids(scheme: SignatureScheme) -> Option<(&'static str, &'static str)> {
    Some(match scheme {
        SignatureScheme::RsaPkcs1Sha256 => (SHA256, SHA256_WITH_RSA),
        SignatureScheme::RsaPkcs1Sha384 => (SHA384, SHA384_WITH_RSA),
        SignatureScheme::RsaPkcs1Sha512 => (SHA512, SHA512_WITH_RSA),
        SignatureScheme::EcdsaP256Sha256 => (SHA256, ECDSA_SHA256),
        SignatureScheme::EcdsaP384Sha384 => (SHA384, ECDSA_SHA384),
        _ => return None,
    })
}

/// `signature` as CMS carries it (ECDSA: DER `Ecdsa-Sig-Value`; services that answer the raw
/// `r || s` form are converted), if it verifies over `message` with `certificate`'s key;
/// `None` otherwise.
pub(crate) fn checked_signature(
    certificate: &Certificate,
    scheme: SignatureScheme,
    message: &[u8],
    signature: Vec<u8>,
) -> Option<Vec<u8>> {
    let (_, sign_algo) = algorithm_oids(scheme)?;
    let algorithm = AlgorithmIdentifierOwned {
        oid: ObjectIdentifier::new(sign_algo).ok()?,
        parameters: None,
    };
    let spki = &certificate.tbs_certificate().subject_public_key_info();
    let verifies = |sig: &[u8]| {
        kyso_policy::algorithms::verify_signature_uncached(spki, &algorithm, None, message, sig)
            .is_ok_and(|c| c.valid)
    };
    if verifies(&signature) {
        return Some(signature);
    }
    let der = match scheme {
        SignatureScheme::EcdsaP256Sha256 => p256::ecdsa::Signature::from_slice(&signature)
            .ok()?
            .to_der()
            .as_bytes()
            .to_vec(),
        SignatureScheme::EcdsaP384Sha384 => p384::ecdsa::Signature::from_slice(&signature)
            .ok()?
            .to_der()
            .as_bytes()
            .to_vec(),
        _ => return None,
    };
    verifies(&der).then_some(der)
}
