//! CMS SignedData for detached signatures (RFC 5652), with the CAdES signed attributes
//! PAdES needs (ETSI EN 319 122-1 §5.2, RFC 5035 signingCertificateV2), and with encapsulated
//! content for time-stamp tokens ([`sign_encapsulated`]).

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use const_oid::db::{rfc5911, rfc5912};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use kyso_token::{SignatureScheme, Signer};
use sha2::Digest;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;

use crate::SignError;
use crate::timestamp::{TimeStamper, TimestampRequest};

/// `id-aa-signingCertificateV2` (RFC 5035).
pub const ID_AA_SIGNING_CERTIFICATE_V2: ObjectIdentifier = rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2;

/// `id-aa-signatureTimeStampToken` (RFC 3161 Appendix A): the unsigned attribute of PAdES B-T.
pub const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// `ESSCertIDv2` with the default hash algorithm (SHA-256) left out, as DER requires.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

/// `IssuerSerial` (RFC 5035 §4).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

/// `SigningCertificateV2` without policies.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// What to put in the signed attributes.
#[derive(Debug, Clone, Default)]
pub struct CmsOptions {
    /// Include the signingTime attribute with this time. PAdES baseline signatures must not
    /// (the time is in the PDF's `/M`); `adbe.pkcs7.detached` signatures conventionally do.
    pub signing_time: Option<der::DateTime>,
}

/// Build a detached CMS SignedData over content whose digest (with `signer.scheme().digest()`)
/// is `content_digest`, signed by `signer`, and return its DER encoding.
pub fn sign_detached_digest(
    signer: &dyn Signer,
    content_digest: &[u8],
    options: &CmsOptions,
) -> Result<Vec<u8>, SignError> {
    build_signed_data(signer, rfc5911::ID_DATA, None, content_digest, options)
}

/// Build a CMS SignedData that *encapsulates* `content` (eContent present) of type
/// `content_type`, signed by `signer` with the signed attributes contentType = `content_type`,
/// messageDigest (the hash of `content` with `signer.scheme().digest()`),
/// signingCertificateV2 and, if asked, signingTime; the signer's certificate and chain are
/// embedded. Returns the DER `ContentInfo`.
///
/// This is the shape of an RFC 3161 time-stamp token (`content_type` id-ct-TSTInfo, `content`
/// the DER TSTInfo); see [`crate::tsa::LocalTsa`].
pub fn sign_encapsulated(
    signer: &dyn Signer,
    content_type: ObjectIdentifier,
    content: &[u8],
    options: &CmsOptions,
) -> Result<Vec<u8>, SignError> {
    let digest = signer.scheme().digest().digest(content);
    build_signed_data(signer, content_type, Some(content), &digest, options)
}

/// The SignedData of [`sign_detached_digest`] (`econtent` `None`, type id-data) and
/// [`sign_encapsulated`].
fn build_signed_data(
    signer: &dyn Signer,
    econtent_type: ObjectIdentifier,
    econtent: Option<&[u8]>,
    content_digest: &[u8],
    options: &CmsOptions,
) -> Result<Vec<u8>, SignError> {
    let scheme = signer.scheme();
    let digest_alg = AlgorithmIdentifierOwned {
        oid: scheme.digest().oid(),
        parameters: None,
    };
    let cert = signer.certificate();

    let mut attrs = vec![
        attribute(rfc5911::ID_CONTENT_TYPE, Any::encode_from(&econtent_type)?)?,
        attribute(
            rfc5911::ID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(content_digest.to_vec())?)?,
        )?,
        attribute(
            ID_AA_SIGNING_CERTIFICATE_V2,
            Any::encode_from(&signing_certificate_v2(cert)?)?,
        )?,
    ];
    if let Some(t) = options.signing_time {
        let time = Time::from(t);
        attrs.push(attribute(
            rfc5911::ID_SIGNING_TIME,
            Any::encode_from(&time)?,
        )?);
    }
    let signed_attrs: SetOfVec<Attribute> = SetOfVec::try_from(attrs)?;
    // The signature covers the DER of the attributes as a SET (RFC 5652 §5.4).
    let to_sign = signed_attrs.to_der()?;
    let signature = signer.sign(&to_sign)?;

    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate().issuer().clone(),
            serial_number: cert.tbs_certificate().serial_number().clone(),
        }),
        digest_alg: digest_alg.clone(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: signature_algorithm(scheme)?,
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };

    let mut certs = vec![cms::cert::CertificateChoices::Certificate(cert.clone())];
    certs.extend(
        signer
            .chain()
            .iter()
            .cloned()
            .map(cms::cert::CertificateChoices::Certificate),
    );
    // RFC 5652 §5.1: version 3 when the encapsulated content is not id-data.
    let version = if econtent_type == rfc5911::ID_DATA {
        CmsVersion::V1
    } else {
        CmsVersion::V3
    };
    let econtent = econtent
        .map(|c| Any::encode_from(&OctetString::new(c.to_vec())?))
        .transpose()?;
    let signed_data = SignedData {
        version,
        digest_algorithms: SetOfVec::try_from(vec![digest_alg])?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type,
            econtent,
        },
        certificates: Some(CertificateSet(SetOfVec::try_from(certs)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info])?),
    };
    let content_info = ContentInfo {
        content_type: rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data)?,
    };
    Ok(content_info.to_der()?)
}

/// Add a signature time-stamp (PAdES B-T, ETSI EN 319 122-1 §5.3) to the single SignerInfo
/// of the DER SignedData `cms_der`: the imprint is the hash of the SignerInfo's signature
/// value, and the token goes in the unsigned attribute `id-aa-signatureTimeStampToken`. The
/// signed part of the CMS is re-encoded unchanged (it is DER already), so the signature stays
/// valid.
pub fn add_signature_timestamp(
    cms_der: &[u8],
    stamper: &dyn TimeStamper,
) -> Result<Vec<u8>, SignError> {
    let content_info = ContentInfo::from_der(cms_der)?;
    if content_info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(SignError::Options("not a CMS SignedData".into()));
    }
    let mut signed_data: SignedData = content_info.content.decode_as()?;
    let mut infos: Vec<SignerInfo> = signed_data.signer_infos.0.into_vec();
    let [info] = infos.as_mut_slice() else {
        return Err(SignError::Options(format!(
            "a signature time-stamp needs exactly one SignerInfo, found {}",
            infos.len()
        )));
    };
    let algorithm = stamper.digest_algorithm();
    let request = TimestampRequest {
        algorithm,
        imprint: algorithm.digest(info.signature.as_bytes()),
    };
    let token = stamper.timestamp(&request)?;
    let attr = attribute(ID_AA_SIGNATURE_TIME_STAMP_TOKEN, Any::from_der(&token)?)?;
    let mut unsigned: Vec<Attribute> = info
        .unsigned_attrs
        .take()
        .map(|a| a.into_vec())
        .unwrap_or_default();
    unsigned.retain(|a| a.oid != ID_AA_SIGNATURE_TIME_STAMP_TOKEN);
    unsigned.push(attr);
    info.unsigned_attrs = Some(SetOfVec::try_from(unsigned)?);
    signed_data.signer_infos = SignerInfos(SetOfVec::try_from(infos)?);
    let content_info = ContentInfo {
        content_type: rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data)?,
    };
    Ok(content_info.to_der()?)
}

/// Upper bound of the DER size `sign_detached_digest` produces for `signer`, plus `extra`.
pub fn estimated_size(signer: &dyn Signer, extra: usize) -> usize {
    let certs: usize = std::iter::once(signer.certificate())
        .chain(signer.chain())
        .map(|c| c.to_der().map(|d| d.len()).unwrap_or(4096))
        .sum();
    // Issuer name and serial appear twice more (sid, signingCertificateV2); 2 KiB covers them
    // and the fixed attributes.
    let issuer = signer
        .certificate()
        .tbs_certificate()
        .issuer()
        .to_der()
        .map(|d| d.len())
        .unwrap_or(1024);
    certs + 2 * issuer + signer.max_signature_len() + 2048 + extra
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, SignError> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value])?,
    })
}

fn signing_certificate_v2(cert: &Certificate) -> Result<SigningCertificateV2, SignError> {
    let der = cert.to_der()?;
    Ok(SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(sha2::Sha256::digest(&der).to_vec())?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    cert.tbs_certificate().issuer().clone(),
                )],
                serial_number: cert.tbs_certificate().serial_number().clone(),
            },
        }],
    })
}

/// The CMS `signatureAlgorithm` for a scheme (RFC 4055, RFC 5758).
fn signature_algorithm(scheme: SignatureScheme) -> Result<AlgorithmIdentifierOwned, SignError> {
    let null = || Some(Any::from(der::asn1::Null));
    Ok(match scheme {
        SignatureScheme::RsaPkcs1Sha256 => AlgorithmIdentifierOwned {
            oid: rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
            parameters: null(),
        },
        SignatureScheme::RsaPkcs1Sha384 => AlgorithmIdentifierOwned {
            oid: rfc5912::SHA_384_WITH_RSA_ENCRYPTION,
            parameters: null(),
        },
        SignatureScheme::RsaPkcs1Sha512 => AlgorithmIdentifierOwned {
            oid: rfc5912::SHA_512_WITH_RSA_ENCRYPTION,
            parameters: null(),
        },
        SignatureScheme::EcdsaP256Sha256 => AlgorithmIdentifierOwned {
            oid: rfc5912::ECDSA_WITH_SHA_256,
            parameters: None,
        },
        SignatureScheme::EcdsaP384Sha384 => AlgorithmIdentifierOwned {
            oid: rfc5912::ECDSA_WITH_SHA_384,
            parameters: None,
        },
        SignatureScheme::RsaPssSha256 => AlgorithmIdentifierOwned {
            oid: rfc5912::ID_RSASSA_PSS,
            parameters: Some(Any::from_der(&PSS_SHA256_PARAMS)?),
        },
        other => {
            return Err(SignError::Options(format!(
                "unsupported signature scheme {other:?}"
            )));
        }
    })
}

/// RSASSA-PSS-params for SHA-256, MGF1-SHA-256, salt 32 (RFC 4055 §3.1), DER.
const PSS_SHA256_PARAMS: [u8; 54] = [
    0x30, 0x34, // SEQUENCE
    0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, // [0] hashAlgorithm sha256, NULL
    0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
    0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, // [1] mgf1 with sha256
    0xa2, 0x03, 0x02, 0x01, 0x20, // [2] saltLength 32
];
