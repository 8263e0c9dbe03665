//! Two-step signing, the key elsewhere (a remote signing service, a phone, an HSM behind
//! another system): [`ExternalSigner`] stands in for the key while the document is prepared —
//! the whole signing pipeline runs (fields, Decree 30 appearances, CMS signed attributes) and
//! the CMS is written into `/Contents` with a signature value of zeros — and
//! [`finish_external`] later puts the real value in its place.
//!
//! The prepared file carries everything `finish` needs (the signed attributes, the
//! certificates), so no other state travels between the two steps. `finish` trusts none of it:
//! the document's digest is recomputed from the file and must be the signed attributes'
//! `messageDigest` (a prepared file changed in between is refused), and the value must verify
//! with the certificate over those attributes (a value over anything else is refused), before a
//! byte is written.

use std::sync::Mutex;

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo, SignerInfos};
use const_oid::db::rfc5911;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use kyso_policy::algorithms::{KeyKind, key_info, verify_signature};
use kyso_token::{SignatureScheme, Signer, TokenError};
use x509_cert::Certificate;

use crate::SignError;
use crate::timestamp::TimeStamper;

/// The signer's certificate and chain without its key: it records what the key must sign and
/// signs with zeros of the right length.
pub struct ExternalSigner {
    certificate: Certificate,
    chain: Vec<Certificate>,
    scheme: SignatureScheme,
    value_len: usize,
    to_be_signed: Mutex<Option<Vec<u8>>>,
}

impl ExternalSigner {
    /// The stand-in for the key of `certificate` (RSA: PKCS#1 v1.5 with SHA-256; EC P-256 and
    /// P-384: ECDSA with SHA-256 and SHA-384). `chain`: the issuing CAs to embed, nearest first.
    pub fn new(certificate: Certificate, chain: Vec<Certificate>) -> Result<Self, SignError> {
        let spki = certificate.tbs_certificate().subject_public_key_info();
        let (kind, bits) = key_info(spki).map_err(|e| SignError::Options(e.to_string()))?;
        let (scheme, value_len) = match kind {
            KeyKind::Rsa => (SignatureScheme::RsaPkcs1Sha256, bits.div_ceil(8) as usize),
            // DER Ecdsa-Sig-Value at its longest: two 33-byte INTEGERs (49 for P-384) and headers.
            KeyKind::EcP256 => (SignatureScheme::EcdsaP256Sha256, 72),
            KeyKind::EcP384 => (SignatureScheme::EcdsaP384Sha384, 104),
            other => {
                return Err(SignError::Options(format!(
                    "two-step signing needs an RSA or EC P-256/P-384 key, not {other:?}"
                )));
            }
        };
        Ok(Self {
            certificate,
            chain,
            scheme,
            value_len,
            to_be_signed: Mutex::new(None),
        })
    }

    /// What the key must sign: the DER of the CMS signed attributes (the signature is over
    /// their digest with [`Signer::scheme`]'s hash), once the document was prepared.
    pub fn to_be_signed(&self) -> Option<Vec<u8>> {
        self.to_be_signed.lock().ok().and_then(|m| m.clone())
    }
}

impl Signer for ExternalSigner {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        if let Ok(mut slot) = self.to_be_signed.lock() {
            *slot = Some(message.to_vec());
        }
        Ok(vec![0; self.value_len])
    }

    fn max_signature_len(&self) -> usize {
        self.value_len
    }
}

/// A prepared document finished.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The signed file: the prepared file with the signature value (and time-stamp) in
    /// `/Contents`, byte for byte otherwise.
    pub bytes: Vec<u8>,
    /// The field that was signed.
    pub field_name: String,
    /// The certificates the CMS carries (the signer's and its chain), for long-term validation.
    pub certificates: Vec<Certificate>,
}

/// What [`prepared_signature`] found.
pub struct PreparedSignature {
    /// The field.
    pub field_name: String,
    /// Start and end of the `/Contents` hex digits in the file.
    pub hex: std::ops::Range<usize>,
    /// The SignedData.
    pub signed_data: SignedData,
    /// The bytes its `/ByteRange` covers, hashed with its digest algorithm.
    pub document_digest: Vec<u8>,
}

/// The signature of `prepared` awaiting its value: the file's last signature, whose
/// `/ByteRange` ends at the end of the file and whose CMS carries a value of zeros.
pub fn prepared_signature(prepared: &[u8]) -> Result<PreparedSignature, SignError> {
    let not_prepared = |why: &str| SignError::NotPrepared(why.to_owned());
    let doc = kyso_pdf::load_document(prepared)?;
    let sig = kyso_pdf::find_signatures(&doc)
        .into_iter()
        .filter(|s| s.byte_range.len() == 4)
        .max_by_key(|s| s.byte_range[2])
        .ok_or_else(|| not_prepared("no signature field with a /ByteRange"))?;
    let r: Vec<usize> = sig
        .byte_range
        .iter()
        .map(|&v| usize::try_from(v).unwrap_or(usize::MAX))
        .collect();
    let (a, b, c, d) = (r[0], r[1], r[2], r[3]);
    // The signature's update must be the file's last bytes: anything after it is a change.
    if a != 0 || b.checked_add(2).is_none_or(|e| e > c) || c.checked_add(d) != Some(prepared.len())
    {
        return Err(SignError::PreparedChanged(
            "its /ByteRange no longer ends at the end of the file".into(),
        ));
    }
    if prepared.get(b) != Some(&b'<') || prepared.get(c - 1) != Some(&b'>') {
        return Err(not_prepared(
            "the /ByteRange gap is not the /Contents string",
        ));
    }
    let content_info = ContentInfo::from_der(der_prefix(&sig.contents)?)?;
    if content_info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(not_prepared("/Contents is not a CMS SignedData"));
    }
    let signed_data: SignedData = content_info.content.decode_as()?;
    let [info] = signed_data.signer_infos.0.as_slice() else {
        return Err(not_prepared("the CMS does not have exactly one SignerInfo"));
    };
    if info.signature.as_bytes().iter().any(|&x| x != 0) {
        return Err(not_prepared("its signature already has a value"));
    }
    let digest = kyso_policy::algorithms::DigestAlgorithm::from_oid(&info.digest_alg.oid)
        .map_err(|e| SignError::Options(e.to_string()))?;
    let mut hasher = kyso_policy::algorithms::Hasher::for_algorithm(digest);
    hasher.update(&prepared[..b]);
    hasher.update(&prepared[c..]);
    Ok(PreparedSignature {
        field_name: sig.field_name,
        hex: b + 1..c - 1,
        document_digest: hasher.finalize(),
        signed_data,
    })
}

/// The DER object at the start of `contents` (zero padding after it cut off).
fn der_prefix(contents: &[u8]) -> Result<&[u8], SignError> {
    use der::Reader;
    let mut reader = der::SliceReader::new(contents)?;
    let header = der::Header::decode(&mut reader)?;
    let header_len = usize::try_from(reader.position()).unwrap_or(usize::MAX);
    let body = usize::try_from(header.length()).unwrap_or(usize::MAX);
    contents
        .get(..header_len.saturating_add(body))
        .ok_or_else(|| SignError::NotPrepared("/Contents holds a truncated CMS".into()))
}

/// Put `signature` (the key's value over the prepared signed attributes; ECDSA as DER or as
/// `r || s`) into the prepared file and, with `timestamper`, time-stamp it (PAdES B-T).
pub fn finish_external(
    prepared: &[u8],
    signature: &[u8],
    timestamper: Option<&dyn TimeStamper>,
) -> Result<Finished, SignError> {
    let found = prepared_signature(prepared)?;
    let mut signed_data = found.signed_data;
    let mut infos: Vec<SignerInfo> = signed_data.signer_infos.0.into_vec();
    let info = infos
        .first_mut()
        .ok_or_else(|| SignError::NotPrepared("no SignerInfo".into()))?;
    let attrs = info
        .signed_attrs
        .as_ref()
        .ok_or_else(|| SignError::NotPrepared("the SignerInfo has no signed attributes".into()))?;
    let message_digest = attrs
        .iter()
        .find(|a| a.oid == rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.get(0))
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or_else(|| SignError::NotPrepared("no messageDigest attribute".into()))?;
    if message_digest.as_bytes() != found.document_digest.as_slice() {
        return Err(SignError::PreparedChanged(
            "the signed bytes are not those prepared (messageDigest differs)".into(),
        ));
    }
    let certificates: Vec<Certificate> = signed_data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            cms::cert::CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let certificate = signer_certificate(&certificates, &info.sid)?;
    let spki = certificate.tbs_certificate().subject_public_key_info();
    let to_be_signed = attrs.to_der()?;
    // The value as given (RSA; ECDSA as DER), else an ECDSA `r || s` as remote services and
    // XML give it: whichever verifies is the value, and none verifying is a refusal.
    let is_ecdsa = info
        .signature_algorithm
        .oid
        .to_string()
        .starts_with("1.2.840.10045.4");
    let mut candidates = vec![signature.to_vec()];
    if is_ecdsa && let Some(der) = kyso_policy::algorithms::ecdsa_raw_to_der(signature) {
        candidates.push(der);
    }
    let mut verified = None;
    for value in candidates {
        let check = verify_signature(
            spki,
            &info.signature_algorithm,
            Some(&info.digest_alg.oid),
            &to_be_signed,
            &value,
        )
        .map_err(|e| SignError::Options(e.to_string()))?;
        if check.valid {
            verified = Some(value);
            break;
        }
    }
    let value = verified.ok_or(SignError::SignatureMismatch)?;
    info.signature = OctetString::new(value)?;
    signed_data.signer_infos = SignerInfos(SetOfVec::try_from(infos)?);
    let mut cms = ContentInfo {
        content_type: rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data)?,
    }
    .to_der()?;
    if let Some(stamper) = timestamper {
        cms = crate::cms::add_signature_timestamp(&cms, stamper)?;
    }
    let hex_digits = hex::encode_upper(&cms);
    let room = found.hex.len();
    if hex_digits.len() > room {
        return Err(SignError::Options(format!(
            "the signature ({} bytes) does not fit the {} bytes reserved in /Contents: prepare \
             again with the level that will be finished (a time-stamp needs room)",
            cms.len(),
            room / 2
        )));
    }
    let mut bytes = prepared.to_vec();
    let slot = &mut bytes[found.hex.clone()];
    slot.fill(b'0');
    slot[..hex_digits.len()].copy_from_slice(hex_digits.as_bytes());
    Ok(Finished {
        bytes,
        field_name: found.field_name,
        certificates,
    })
}

/// The certificate `sid` names, among the SignedData's.
fn signer_certificate(
    certificates: &[Certificate],
    sid: &SignerIdentifier,
) -> Result<Certificate, SignError> {
    certificates
        .iter()
        .find(|c| match sid {
            SignerIdentifier::IssuerAndSerialNumber(ias) => {
                c.tbs_certificate().issuer() == &ias.issuer
                    && c.tbs_certificate().serial_number() == &ias.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(_) => false,
        })
        .cloned()
        .ok_or_else(|| SignError::NotPrepared("the signer's certificate is not in the CMS".into()))
}
