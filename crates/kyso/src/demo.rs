//! A built-in demo: a small PKI made at run time (root → issuing CA → individual signer and
//! organisation, and a time-stamping unit, RSA), CRLs for it, a sample PDF, software keys.
//! Lets `kyso demo` sign at PAdES B-LTA and verify offline with no token and no network.
//! Nothing here is for production: the keys live in memory and are thrown away.
//!
//! The CRLs are full CRLs of the CA and of the root: nothing revoked, thisUpdate an hour ago,
//! nextUpdate in [`DEMO_CRL_VALIDITY_SECS`] (two years). The certificates carry no CRL
//! distribution point: a full CRL from the issuer without an issuingDistributionPoint covers
//! every certificate it issued (RFC 5280 §6.3.3), and the demo never fetches anything: the
//! CRLs are embedded in the DSS.

use std::str::FromStr;
use std::sync::Arc;

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use der::asn1::{BitString, OctetString};
use der::{Any, Decode, Encode, Sequence};
use kyso_sign::tsa::{ID_KP_TIME_STAMPING, LocalTsa, TsaClock};
use kyso_sign::{PadesOptions, SignedPdf, TimeStamper};
use rsa::PrivateKey as RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::EncodePrivateKey;
use sha1::Digest as _;
use sha2::Sha256;
use signature::{SignatureEncoding, Signer as _};
use spki::{AlgorithmIdentifierOwned, EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::certificate::Version;
use x509_cert::crl::{CertificateList, TbsCertList};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CrlNumber, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::time::Time;

use crate::Error;
use crate::ltv::{Level, LtvOptions, LtvSummary};

/// The TSA policy of the demo time-stamping unit: under the arc IANA reserves for
/// documentation examples (1.3.6.1.4.1.32473, RFC 5612), so it can never be mistaken for a
/// real TSA's.
pub const DEMO_TSA_POLICY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.3161.1");

const DAY: u64 = 86_400;
const YEAR: u64 = 365 * DAY;

/// How long the demo CRLs stay current (nextUpdate − thisUpdate): two years, so that a demo
/// B-LTA document verifies offline from its DSS alone for a long while. The last document
/// time-stamp is validated at the validation time, so its TSA's and CA's status must come
/// from a CRL current then (kyso and pyHanko agree); with a real CA's CRLs, current for days,
/// an archive adds fresh validation data and a new document time-stamp before they lapse,
/// or the verifier goes online.
pub const DEMO_CRL_VALIDITY_SECS: u64 = 2 * YEAR;

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

/// The demo PKI: certificates, the signers' and the TSA's keys, the CRLs.
pub struct DemoPki {
    /// The self-signed root (the demo's trust anchor), valid 20 years.
    pub root: Certificate,
    /// The issuing CA, valid 10 years.
    pub ca: Certificate,
    /// The individual signer (approval signatures), valid 2 years.
    pub signer: Certificate,
    signer_key: RsaPrivateKey,
    /// The organisation (the clerk's seal: issuance, attachment and copy signatures), valid
    /// 2 years.
    pub organization: Certificate,
    organization_key: RsaPrivateKey,
    /// The time-stamping unit (issued by the CA; keyUsage digitalSignature, extendedKeyUsage
    /// critical and only id-kp-timeStamping), valid 5 years.
    pub tsa: Certificate,
    tsa_key: RsaPrivateKey,
    /// The CA's CRL (DER).
    ca_crl: Vec<u8>,
    /// The root's CRL (DER), covering the CA certificate.
    root_crl: Vec<u8>,
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

/// What a demo certificate is for.
#[derive(Clone, Copy)]
enum Kind {
    /// A CA, with this pathLenConstraint.
    Ca(Option<u8>),
    /// A person or an organisation signing documents.
    Signer,
    /// A time-stamping unit (RFC 3161 §2.3).
    Tsa,
}

struct Issue<'a> {
    subject: Name,
    issuer: Name,
    serial: u64,
    key: &'a RsaPrivateKey,
    issuer_key: &'a RsaPrivateKey,
    kind: Kind,
    from: u64,
    to: u64,
}

fn rsa_sha256() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
        parameters: Some(Any::from(der::asn1::Null)),
    }
}

fn spki_of(key: &RsaPrivateKey) -> Result<SubjectPublicKeyInfoOwned, Error> {
    let spki_der = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|e| Error::Options(e.to_string()))?;
    SubjectPublicKeyInfoOwned::from_der(spki_der.as_bytes()).map_err(der_err)
}

/// The key identifier of `key`: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 (1)).
fn key_id(key: &RsaPrivateKey) -> Result<OctetString, Error> {
    let spki = spki_of(key)?;
    OctetString::new(sha1::Sha1::digest(spki.subject_public_key.raw_bytes()).to_vec())
        .map_err(der_err)
}

fn time(unix: u64) -> Result<Time, Error> {
    Ok(Time::from(
        kyso_policy::time::from_unix(unix).map_err(der_err)?,
    ))
}

fn rsa_sign(key: &RsaPrivateKey, data: &[u8]) -> Result<BitString, Error> {
    let sig = SigningKey::<Sha256>::new(key.clone()).sign(data).to_vec();
    BitString::from_bytes(&sig).map_err(der_err)
}

fn issue(p: Issue<'_>) -> Result<Certificate, Error> {
    let alg = rsa_sha256();
    let spki = spki_of(p.key)?;
    let mut extensions = Vec::new();
    let usage = match p.kind {
        Kind::Ca(path_len) => {
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
        Kind::Signer => KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
        Kind::Tsa => {
            extensions.push(ext(
                rfc5912::ID_CE_EXT_KEY_USAGE,
                true,
                &ExtendedKeyUsage(vec![ID_KP_TIME_STAMPING]),
            )?);
            KeyUsage(KeyUsages::DigitalSignature.into())
        }
    };
    extensions.push(ext(rfc5912::ID_CE_KEY_USAGE, true, &usage)?);
    extensions.push(ext(
        rfc5912::ID_CE_SUBJECT_KEY_IDENTIFIER,
        false,
        &SubjectKeyIdentifier(key_id(p.key)?),
    )?);
    if p.subject != p.issuer {
        extensions.push(ext(
            rfc5912::ID_CE_AUTHORITY_KEY_IDENTIFIER,
            false,
            &AuthorityKeyIdentifier {
                key_identifier: Some(key_id(p.issuer_key)?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
        )?);
    }
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
    let raw = RawCertificate {
        signature: rsa_sign(p.issuer_key, &tbs_der)?,
        tbs: Any::from_der(&tbs_der).map_err(der_err)?,
        algorithm: alg,
    };
    Certificate::from_der(&raw.to_der().map_err(der_err)?).map_err(der_err)
}

/// A full CRL of `issuer` with nothing revoked, current from an hour before `now` until
/// [`DEMO_CRL_VALIDITY_SECS`] after, with authorityKeyIdentifier and cRLNumber (RFC 5280
/// §5), DER.
fn crl(
    issuer: &Certificate,
    issuer_key: &RsaPrivateKey,
    number: u64,
    now: u64,
) -> Result<Vec<u8>, Error> {
    let alg = rsa_sha256();
    let extensions = vec![
        ext(
            rfc5912::ID_CE_AUTHORITY_KEY_IDENTIFIER,
            false,
            &AuthorityKeyIdentifier {
                key_identifier: Some(key_id(issuer_key)?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
        )?,
        ext(
            rfc5912::ID_CE_CRL_NUMBER,
            false,
            &CrlNumber(der::asn1::Uint::new(&number.to_be_bytes()).map_err(der_err)?),
        )?,
    ];
    let tbs: TbsCertList = TbsCertList {
        version: Version::V2,
        signature: alg.clone(),
        issuer: issuer.tbs_certificate().subject().clone(),
        this_update: time(now.saturating_sub(3600))?,
        next_update: Some(time(now + DEMO_CRL_VALIDITY_SECS)?),
        revoked_certificates: None,
        crl_extensions: Some(extensions),
    };
    let signature = rsa_sign(issuer_key, &tbs.to_der().map_err(der_err)?)?;
    CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: alg,
        signature,
    }
    .to_der()
    .map_err(der_err)
}

/// Unix seconds now, for the demo TSA's clock.
fn unix_now() -> u64 {
    crate::now().unix_duration().as_secs()
}

impl DemoPki {
    /// Make a fresh demo PKI valid from a day before `now_unix`: the root for 20 years, the
    /// CA for 10, the TSA for 5, the signers for 2; and the CA's and the root's CRLs, issued
    /// an hour before `now_unix`, next update in [`DEMO_CRL_VALIDITY_SECS`].
    pub fn generate(now_unix: u64) -> Result<Self, Error> {
        let (root_key, ca_key, signer_key, organization_key, tsa_key) =
            (rsa_key()?, rsa_key()?, rsa_key()?, rsa_key()?, rsa_key()?);
        let root_name = name("CN=RootCA Demo kyso,O=Ban Cơ yếu Chính phủ (demo),C=VN")?;
        let ca_name =
            name("CN=CA Demo phục vụ các cơ quan Nhà nước,O=Ban Cơ yếu Chính phủ (demo),C=VN")?;
        let signer_name = name(
            "CN=Nguyễn Văn An,title=Giám đốc,O=Sở Khoa học và Công nghệ tỉnh Gia Lai (demo),L=Gia Lai,C=VN",
        )?;
        let tsa_name =
            name("CN=Máy chủ cấp dấu thời gian Demo kyso,O=Ban Cơ yếu Chính phủ (demo),C=VN")?;
        let from = now_unix.saturating_sub(DAY);
        let root = issue(Issue {
            subject: root_name.clone(),
            issuer: root_name.clone(),
            serial: 1,
            key: &root_key,
            issuer_key: &root_key,
            kind: Kind::Ca(None),
            from,
            to: now_unix + 20 * YEAR,
        })?;
        let ca = issue(Issue {
            subject: ca_name.clone(),
            issuer: root_name,
            serial: 2,
            key: &ca_key,
            issuer_key: &root_key,
            kind: Kind::Ca(Some(0)),
            from,
            to: now_unix + 10 * YEAR,
        })?;
        let signer = issue(Issue {
            subject: signer_name,
            issuer: ca_name.clone(),
            serial: 0x1001,
            key: &signer_key,
            issuer_key: &ca_key,
            kind: Kind::Signer,
            from,
            to: now_unix + 2 * YEAR,
        })?;
        // The tax code (UID=MST:) marks an organisation certificate, as the real CA writes it.
        let org_name = name(
            "UID=MST:5900000000,CN=Sở Khoa học và Công nghệ tỉnh Gia Lai (demo),O=Sở Khoa học và Công nghệ tỉnh Gia Lai (demo),L=Gia Lai,C=VN",
        )?;
        let organization = issue(Issue {
            subject: org_name,
            issuer: ca_name.clone(),
            serial: 0x1002,
            key: &organization_key,
            issuer_key: &ca_key,
            kind: Kind::Signer,
            from,
            to: now_unix + 2 * YEAR,
        })?;
        let tsa = issue(Issue {
            subject: tsa_name,
            issuer: ca_name,
            serial: 0x1003,
            key: &tsa_key,
            issuer_key: &ca_key,
            kind: Kind::Tsa,
            from,
            to: now_unix + 5 * YEAR,
        })?;
        let ca_crl = crl(&ca, &ca_key, 1, now_unix)?;
        let root_crl = crl(&root, &root_key, 1, now_unix)?;
        Ok(Self {
            root,
            ca,
            signer,
            signer_key,
            organization,
            organization_key,
            tsa,
            tsa_key,
            ca_crl,
            root_crl,
        })
    }

    /// The demo CRLs (DER): the CA's (covering the signers and the TSA), then the root's
    /// (covering the CA).
    pub fn crls(&self) -> Vec<Vec<u8>> {
        vec![self.ca_crl.clone(), self.root_crl.clone()]
    }

    /// The demo time-stamping unit, reading the system clock (see [`DemoPki::local_tsa_with`]).
    pub fn local_tsa(&self) -> Result<LocalTsa, Error> {
        self.local_tsa_with(TsaClock::Function(unix_now))
    }

    /// The demo time-stamping unit with `clock`: an in-process RFC 3161 TSA signing with the
    /// demo TSA key under [`DEMO_TSA_POLICY`], its tokens carrying the TSA and CA certificates.
    pub fn local_tsa_with(&self, clock: TsaClock) -> Result<LocalTsa, Error> {
        let signer = Self::soft(&self.tsa_key, &self.tsa, &self.ca)?;
        Ok(LocalTsa::new(Box::new(signer), DEMO_TSA_POLICY, clock))
    }

    /// Validation data for the demo documents: the root and the CA to complete chains, the
    /// demo CRLs; nothing is fetched.
    pub fn ltv_options(&self) -> Result<LtvOptions, Error> {
        let mut options = LtvOptions::default();
        options.certificates.add_anchor(self.root.clone())?;
        options.certificates.add_intermediate(self.ca.clone())?;
        options.revocation_data.crls = self.crls();
        Ok(options)
    }

    /// Sign `pdf` as the demo individual at `level` (B-T and above time-stamped by
    /// [`DemoPki::local_tsa`], B-LT and above with [`DemoPki::ltv_options`] in the DSS): the
    /// whole long-term-validation story offline.
    pub fn sign_level(
        &self,
        pdf: &[u8],
        options: &PadesOptions,
        level: Level,
    ) -> Result<(SignedPdf, Option<LtvSummary>), Error> {
        let stamper: Arc<dyn TimeStamper> = Arc::new(self.local_tsa()?);
        crate::ltv::sign_pdf_level(
            pdf,
            &self.software_signer()?,
            options,
            level,
            &self.ltv_options()?,
            Some(&stamper),
        )
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
