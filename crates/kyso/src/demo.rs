//! A built-in demo: a small PKI made at run time (root → issuing CA → individual signer, RSA),
//! a sample PDF, a software key. Lets `kyso demo` sign and verify with no token and no network.
//! Nothing here is for production: the keys live in memory and are thrown away.

use std::str::FromStr;
use std::time::Duration;

use const_oid::db::rfc5912;
use der::asn1::{BitString, OctetString};
use der::{Any, Decode, Encode, Sequence};
use rsa::PrivateKey as RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::EncodePrivateKey;
use sha2::Sha256;
use signature::{SignatureEncoding, Signer as _};
use spki::{AlgorithmIdentifierOwned, EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
use x509_cert::name::Name;
use x509_cert::time::Time;

use crate::Error;

/// `TBSCertificate` (RFC 5280 §4.1), written out because x509-cert keeps its fields private.
#[derive(Sequence)]
struct Tbs {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    version: u8,
    serial: der::asn1::Uint,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    spki: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT")]
    extensions: Vec<Extension>,
}

#[derive(Sequence)]
struct Validity {
    not_before: Time,
    not_after: Time,
}

#[derive(Sequence)]
struct RawCertificate {
    tbs: Any,
    algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// The demo PKI: certificates and the signer's key.
pub struct DemoPki {
    /// The self-signed root (the demo's trust anchor).
    pub root: Certificate,
    /// The issuing CA.
    pub ca: Certificate,
    /// The individual signer (approval signatures).
    pub signer: Certificate,
    signer_key: RsaPrivateKey,
    /// The organisation (the clerk's seal: issuance, attachment and copy signatures).
    pub organization: Certificate,
    organization_key: RsaPrivateKey,
}

impl std::fmt::Debug for DemoPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoPki")
            .field(
                "signer",
                &self.signer.tbs_certificate().subject().to_string(),
            )
            .finish_non_exhaustive()
    }
}

fn rsa_key() -> Result<RsaPrivateKey, Error> {
    RsaPrivateKey::new(&mut getrandom::SysRng, 2048)
        .map_err(|e| Error::Options(format!("demo key generation: {e}")))
}

fn name(s: &str) -> Result<Name, Error> {
    Name::from_str(s).map_err(|e| Error::Options(format!("demo name {s:?}: {e}")))
}

fn ext(
    oid: const_oid::ObjectIdentifier,
    critical: bool,
    value: &impl Encode,
) -> Result<Extension, Error> {
    let der = value.to_der().map_err(der_err)?;
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(der).map_err(der_err)?,
    })
}

fn der_err(e: der::Error) -> Error {
    Error::Options(format!("demo certificate encoding: {e}"))
}

struct Issue<'a> {
    subject: Name,
    issuer: Name,
    serial: u64,
    key: &'a RsaPrivateKey,
    issuer_key: &'a RsaPrivateKey,
    ca: Option<Option<u8>>,
    from: u64,
    to: u64,
}

fn issue(p: Issue<'_>) -> Result<Certificate, Error> {
    let alg = AlgorithmIdentifierOwned {
        oid: rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
        parameters: Some(Any::from(der::asn1::Null)),
    };
    let spki_der = p
        .key
        .to_public_key()
        .to_public_key_der()
        .map_err(|e| Error::Options(e.to_string()))?;
    let spki = SubjectPublicKeyInfoOwned::from_der(spki_der.as_bytes()).map_err(der_err)?;
    let mut extensions = Vec::new();
    let usage = match p.ca {
        Some(path_len) => {
            extensions.push(ext(
                rfc5912::ID_CE_BASIC_CONSTRAINTS,
                true,
                &BasicConstraints {
                    ca: true,
                    path_len_constraint: path_len,
                },
            )?);
            KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)
        }
        None => KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
    };
    extensions.push(ext(rfc5912::ID_CE_KEY_USAGE, true, &usage)?);
    let time = |s: u64| -> Result<Time, Error> {
        Ok(Time::from(
            der::DateTime::from_unix_duration(Duration::from_secs(s)).map_err(der_err)?,
        ))
    };
    let tbs = Tbs {
        version: 2,
        serial: der::asn1::Uint::new(&p.serial.to_be_bytes()).map_err(der_err)?,
        signature: alg.clone(),
        issuer: p.issuer,
        validity: Validity {
            not_before: time(p.from)?,
            not_after: time(p.to)?,
        },
        subject: p.subject,
        spki,
        extensions,
    };
    let tbs_der = tbs.to_der().map_err(der_err)?;
    let sig = SigningKey::<Sha256>::new(p.issuer_key.clone())
        .sign(&tbs_der)
        .to_vec();
    let raw = RawCertificate {
        tbs: Any::from_der(&tbs_der).map_err(der_err)?,
        algorithm: alg,
        signature: BitString::from_bytes(&sig).map_err(der_err)?,
    };
    Certificate::from_der(&raw.to_der().map_err(der_err)?).map_err(der_err)
}

impl DemoPki {
    /// Make a fresh demo PKI valid from a day before `now_unix` for ten years.
    pub fn generate(now_unix: u64) -> Result<Self, Error> {
        let (root_key, ca_key, signer_key, organization_key) =
            (rsa_key()?, rsa_key()?, rsa_key()?, rsa_key()?);
        let root_name = name("CN=RootCA Demo kyso,O=Ban Cơ yếu Chính phủ (demo),C=VN")?;
        let ca_name =
            name("CN=CA Demo phục vụ các cơ quan Nhà nước,O=Ban Cơ yếu Chính phủ (demo),C=VN")?;
        let signer_name = name(
            "CN=Nguyễn Văn An,title=Giám đốc,O=Sở Khoa học và Công nghệ tỉnh Gia Lai (demo),L=Gia Lai,C=VN",
        )?;
        let from = now_unix.saturating_sub(86_400);
        let to = now_unix + 10 * 365 * 86_400;
        let root = issue(Issue {
            subject: root_name.clone(),
            issuer: root_name.clone(),
            serial: 1,
            key: &root_key,
            issuer_key: &root_key,
            ca: Some(None),
            from,
            to,
        })?;
        let ca = issue(Issue {
            subject: ca_name.clone(),
            issuer: root_name,
            serial: 2,
            key: &ca_key,
            issuer_key: &root_key,
            ca: Some(Some(0)),
            from,
            to,
        })?;
        let signer = issue(Issue {
            subject: signer_name,
            issuer: ca_name.clone(),
            serial: 0x1001,
            key: &signer_key,
            issuer_key: &ca_key,
            ca: None,
            from,
            to: now_unix + 3 * 365 * 86_400,
        })?;
        // The tax code (UID=MST:) marks an organisation certificate, as the real CA writes it.
        let org_name = name(
            "UID=MST:5900000000,CN=Sở Khoa học và Công nghệ tỉnh Gia Lai (demo),O=Sở Khoa học và Công nghệ tỉnh Gia Lai (demo),L=Gia Lai,C=VN",
        )?;
        let organization = issue(Issue {
            subject: org_name,
            issuer: ca_name,
            serial: 0x1002,
            key: &organization_key,
            issuer_key: &ca_key,
            ca: None,
            from,
            to: now_unix + 3 * 365 * 86_400,
        })?;
        Ok(Self {
            root,
            ca,
            signer,
            signer_key,
            organization,
            organization_key,
        })
    }

    /// A software signer holding the demo individual's key, with the CA certificate as its chain.
    pub fn software_signer(&self) -> Result<kyso_token::software::SoftwareSigner, Error> {
        Self::soft(&self.signer_key, &self.signer, &self.ca)
    }

    /// A software signer holding the demo organisation's key (for the clerk's signatures).
    pub fn organization_signer(&self) -> Result<kyso_token::software::SoftwareSigner, Error> {
        Self::soft(&self.organization_key, &self.organization, &self.ca)
    }

    fn soft(
        key: &RsaPrivateKey,
        cert: &Certificate,
        ca: &Certificate,
    ) -> Result<kyso_token::software::SoftwareSigner, Error> {
        let key = key
            .to_pkcs8_der()
            .map_err(|e| Error::Options(format!("demo key: {e}")))?;
        Ok(kyso_token::software::SoftwareSigner::from_key_bytes(
            key.as_bytes(),
            None,
            vec![cert.clone(), ca.clone()],
        )?)
    }
}

/// A one-page A4 sample document ("Công văn" in ASCII transliteration: the standard fonts
/// cannot show Vietnamese; visible Vietnamese text comes with embedded fonts).
pub fn sample_pdf() -> Vec<u8> {
    let content = b"BT /F1 14 Tf 72 770 Td (UBND TINH GIA LAI - SO KHOA HOC VA CONG NGHE) Tj 0 -24 Td (Cong van so 123/SKHCN-VP: tai lieu mau ky so bang kyso) Tj ET";
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(), content, b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>".to_vec(),
    ];
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
