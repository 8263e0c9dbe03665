//! OCSP (RFC 6960) ASN.1 structures, written with `der` derive on the current RustCrypto line
//! (the `x509-ocsp` crate exists only for `der 0.7`/`x509-cert 0.2`).
//!
//! Only what a relying party needs: building an `OCSPRequest`, reading an `OCSPResponse` and its
//! `BasicOCSPResponse`. The module of RFC 6960 Appendix B.1 uses EXPLICIT tags by default.

use const_oid::ObjectIdentifier;
use der::asn1::{Any, BitString, GeneralizedTime, Int, Null, OctetString};
use der::{Choice, Decode, Encode, Enumerated, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::Extensions;
use x509_cert::name::Name;

use crate::algorithms::DigestAlgorithm;
use crate::error::PolicyError;

/// id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1).
pub const OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// id-pkix-ocsp-nonce (1.3.6.1.5.5.7.48.1.2).
pub const OCSP_NONCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");
/// id-pkix-ocsp-nocheck (1.3.6.1.5.5.7.48.1.5).
pub const OCSP_NOCHECK: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");
/// id-kp-OCSPSigning (1.3.6.1.5.5.7.3.9).
pub const KP_OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");

/// ```text
/// CertID ::= SEQUENCE {
///     hashAlgorithm       AlgorithmIdentifier,
///     issuerNameHash      OCTET STRING, -- Hash of issuer's DN
///     issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
///     serialNumber        CertificateSerialNumber }
/// ```
/// The serial is kept as a signed INTEGER so that negative serials (issued by some CAs) work.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct CertId {
    /// Hash algorithm of the two hashes.
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// Hash of the DER of the issuer's name.
    pub issuer_name_hash: OctetString,
    /// Hash of the issuer's subjectPublicKey BIT STRING value (without tag, length, unused bits).
    pub issuer_key_hash: OctetString,
    /// The certificate's serial number.
    pub serial_number: Int,
}

impl CertId {
    /// The CertID of `cert` issued by `issuer`, hashed with `digest` (SHA-1 is what responders
    /// expect by default; SHA-256 also works with OpenSSL).
    pub fn new(
        cert: &Certificate,
        issuer: &Certificate,
        digest: DigestAlgorithm,
    ) -> Result<Self, PolicyError> {
        let name = cert
            .tbs_certificate()
            .issuer()
            .to_der()
            .map_err(|e| PolicyError::der("issuer name", 0, e))?;
        let key = issuer_key_bytes(issuer);
        let octets =
            |v: Vec<u8>| OctetString::new(v).map_err(|e| PolicyError::der("OCSP CertID", 0, e));
        Ok(Self {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: digest.oid(),
                parameters: Some(Any::from(Null)),
            },
            issuer_name_hash: octets(digest.hash(&name))?,
            issuer_key_hash: octets(digest.hash(key))?,
            serial_number: Int::new(cert.tbs_certificate().serial_number().as_bytes())
                .map_err(|e| PolicyError::der("serial number", 0, e))?,
        })
    }

    /// Whether this CertID names `cert` issued by `issuer` (with this CertID's hash algorithm).
    pub fn matches(&self, cert: &Certificate, issuer: &Certificate) -> bool {
        let Ok(digest) = DigestAlgorithm::from_oid(&self.hash_algorithm.oid) else {
            return false;
        };
        match CertId::new(cert, issuer, digest) {
            Ok(mine) => {
                mine.issuer_name_hash == self.issuer_name_hash
                    && mine.issuer_key_hash == self.issuer_key_hash
                    && mine.serial_number.as_bytes() == self.serial_number.as_bytes()
            }
            Err(_) => false,
        }
    }
}

/// The subjectPublicKey bits of a certificate (what `issuerKeyHash` and `byKey` hash).
pub fn issuer_key_bytes(issuer: &Certificate) -> &[u8] {
    issuer
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
}

/// ```text
/// Request ::= SEQUENCE {
///     reqCert                     CertID,
///     singleRequestExtensions     [0] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Request {
    /// The certificate asked about.
    pub req_cert: CertId,
    /// Extensions of this request.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub single_request_extensions: Option<Extensions>,
}

/// ```text
/// TBSRequest ::= SEQUENCE {
///     version             [0] EXPLICIT Version DEFAULT v1,
///     requestorName       [1] EXPLICIT GeneralName OPTIONAL,
///     requestList             SEQUENCE OF Request,
///     requestExtensions   [2] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TbsRequest {
    /// Version (absent means v1).
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub version: Option<u8>,
    /// Requestor name (kept raw).
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub requestor_name: Option<Any>,
    /// The certificates asked about.
    pub request_list: Vec<Request>,
    /// Extensions (the nonce).
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    pub request_extensions: Option<Extensions>,
}

/// ```text
/// OCSPRequest ::= SEQUENCE {
///     tbsRequest                  TBSRequest,
///     optionalSignature   [0]     EXPLICIT Signature OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct OcspRequest {
    /// The request.
    pub tbs_request: TbsRequest,
    /// Requests are not signed here (kept raw when read).
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub optional_signature: Option<Any>,
}

/// ```text
/// OCSPResponseStatus ::= ENUMERATED {
///     successful(0), malformedRequest(1), internalError(2), tryLater(3),
///     -- (4) is not used
///     sigRequired(5), unauthorized(6) }
/// ```
#[derive(Clone, Copy, Debug, Eq, PartialEq, Enumerated)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum OcspResponseStatus {
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

/// ```text
/// ResponseBytes ::= SEQUENCE {
///     responseType   OBJECT IDENTIFIER,
///     response       OCTET STRING }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct ResponseBytes {
    /// id-pkix-ocsp-basic for a BasicOCSPResponse.
    pub response_type: ObjectIdentifier,
    /// The DER of the response.
    pub response: OctetString,
}

/// ```text
/// OCSPResponse ::= SEQUENCE {
///     responseStatus         OCSPResponseStatus,
///     responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct OcspResponse {
    /// Whether the responder could answer.
    pub response_status: OcspResponseStatus,
    /// The answer.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub response_bytes: Option<ResponseBytes>,
}

/// ```text
/// BasicOCSPResponse ::= SEQUENCE {
///     tbsResponseData      ResponseData,
///     signatureAlgorithm   AlgorithmIdentifier,
///     signature            BIT STRING,
///     certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ```
/// `tbsResponseData` is kept as read (an `Any`) so the signature is checked over the bytes as
/// signed; [`BasicOcspResponse::response_data`] decodes it.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct BasicOcspResponse {
    /// The signed data, raw.
    pub tbs_response_data: Any,
    /// Signature algorithm.
    pub signature_algorithm: AlgorithmIdentifierOwned,
    /// Signature value.
    pub signature: BitString,
    /// Certificates helping to verify the signature (a delegated responder's certificate).
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub certs: Option<Vec<Certificate>>,
}

impl BasicOcspResponse {
    /// The DER bytes of `tbsResponseData`, as signed.
    pub fn tbs_bytes(&self) -> Result<Vec<u8>, PolicyError> {
        self.tbs_response_data
            .to_der()
            .map_err(|e| PolicyError::der("OCSP ResponseData", 0, e))
    }

    /// Decode `tbsResponseData`.
    pub fn response_data(&self) -> Result<ResponseData, PolicyError> {
        let bytes = self.tbs_bytes()?;
        ResponseData::from_der(&bytes).map_err(|e| PolicyError::der("OCSP ResponseData", 0, e))
    }
}

/// ```text
/// ResponseData ::= SEQUENCE {
///     version              [0] EXPLICIT Version DEFAULT v1,
///     responderID              ResponderID,
///     producedAt               GeneralizedTime,
///     responses                SEQUENCE OF SingleResponse,
///     responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct ResponseData {
    /// Version (absent means v1).
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub version: Option<u8>,
    /// Who signed.
    pub responder_id: ResponderId,
    /// When the response was signed.
    pub produced_at: GeneralizedTime,
    /// One answer per certificate.
    pub responses: Vec<SingleResponse>,
    /// Extensions (the nonce).
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub response_extensions: Option<Extensions>,
}

/// ```text
/// ResponderID ::= CHOICE {
///     byName   [1] Name,
///     byKey    [2] KeyHash }
/// KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Choice)]
pub enum ResponderId {
    /// The responder's subject name.
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", constructed = "true")]
    ByName(Name),
    /// SHA-1 of the responder's subjectPublicKey bits.
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", constructed = "true")]
    ByKey(OctetString),
}

/// ```text
/// SingleResponse ::= SEQUENCE {
///     certID                       CertID,
///     certStatus                   CertStatus,
///     thisUpdate                   GeneralizedTime,
///     nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
///     singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SingleResponse {
    /// Which certificate.
    pub cert_id: CertId,
    /// Its status.
    pub cert_status: OcspCertStatus,
    /// When the status was known correct.
    pub this_update: GeneralizedTime,
    /// When newer information will be available.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub next_update: Option<GeneralizedTime>,
    /// Extensions.
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub single_extensions: Option<Extensions>,
}

/// ```text
/// CertStatus ::= CHOICE {
///     good        [0]     IMPLICIT NULL,
///     revoked     [1]     IMPLICIT RevokedInfo,
///     unknown     [2]     IMPLICIT UnknownInfo }
/// UnknownInfo ::= NULL
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Choice)]
pub enum OcspCertStatus {
    /// Not revoked.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    /// Revoked (or on hold).
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    /// The responder does not know the certificate.
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

/// ```text
/// RevokedInfo ::= SEQUENCE {
///     revocationTime              GeneralizedTime,
///     revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
/// ```
/// CRLReason (an ENUMERATED) is kept raw and read with [`crate::revocation::CrlReason::from_any`].
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct RevokedInfo {
    /// When it was revoked.
    pub revocation_time: GeneralizedTime,
    /// Why.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub revocation_reason: Option<Any>,
}

/// Build a DER `OCSPRequest` for `cert` issued by `issuer` (CertID with SHA-1, as RFC 5019
/// responders expect), with a nonce extension (RFC 8954) when `nonce` is given.
pub fn build_request(
    cert: &Certificate,
    issuer: &Certificate,
    nonce: Option<&[u8]>,
) -> Result<Vec<u8>, PolicyError> {
    let cert_id = CertId::new(cert, issuer, DigestAlgorithm::Sha1)?;
    let request_extensions = match nonce {
        Some(n) => {
            let inner = OctetString::new(n.to_vec())
                .and_then(|o| o.to_der())
                .and_then(OctetString::new)
                .map_err(|e| PolicyError::der("OCSP nonce", 0, e))?;
            Some(vec![x509_cert::ext::Extension {
                extn_id: OCSP_NONCE,
                critical: false,
                extn_value: inner,
            }])
        }
        None => None,
    };
    let request = OcspRequest {
        tbs_request: TbsRequest {
            version: None,
            requestor_name: None,
            request_list: vec![Request {
                req_cert: cert_id,
                single_request_extensions: None,
            }],
            request_extensions,
        },
        optional_signature: None,
    };
    request
        .to_der()
        .map_err(|e| PolicyError::der("OCSP request", 0, e))
}

/// The nonce value in an extension list (the OCTET STRING inside the extension value; a bare
/// value, as some responders write it, is accepted too).
pub fn nonce_of(extensions: Option<&Extensions>) -> Option<Vec<u8>> {
    let ext = crate::extensions::find_in(extensions?, &OCSP_NONCE)?;
    let raw = ext.extn_value.as_bytes();
    match OctetString::from_der(raw) {
        Ok(o) => Some(o.as_bytes().to_vec()),
        Err(_) => Some(raw.to_vec()),
    }
}
