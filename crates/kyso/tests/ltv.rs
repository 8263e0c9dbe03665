//! PAdES B-T / B-LT / B-LTA signing and offline validation through the facade, with a real
//! RFC 3161 time-stamp authority: `openssl ts -reply` run per request (tests/ltv/tsa.cnf, the
//! test PKI's TSA key), and the test PKI's CRLs given as files (no network here; the loopback
//! HTTP services are exercised by tests/ltv/run.sh).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::{at, work_dir};
use kyso::ltv::{Level, LtvOptions, sign_pdf_level};
use kyso::token::DigestAlgorithm;
use kyso::token::SoftwareSigner;
use kyso::{PadesOptions, RevocationMode, Verdict, VerifyOptions};
use kyso_sign::{TimeStamper, TimestampError, TimestampRequest};

/// A TSA made of `openssl ts`: the query is made by `openssl ts -query` from the imprint, the
/// reply by `openssl ts -reply`, and the token extracted with `-token_out`.
struct OpensslTsa {
    dir: tempfile::TempDir,
    /// The TSA's certificate and key (the test PKI's `tsa` unless made otherwise).
    cert: PathBuf,
    key: PathBuf,
}

impl OpensslTsa {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("serial"), "01\n").unwrap();
        Self {
            dir,
            cert: pki("tsa.pem"),
            key: pki("tsa.key.pem"),
        }
    }

    /// A TSA whose certificate (issued by the test CA with the PKI's `tsa` extensions) is
    /// valid from now until `days` from now.
    fn short_lived(days: u32) -> Self {
        let mut tsa = Self::new();
        let d = tsa.dir.path().to_path_buf();
        let (key, csr, cert) = (d.join("k.pem"), d.join("r.csr"), d.join("c.pem"));
        openssl(&[
            "genpkey",
            "-algorithm",
            "RSA",
            "-out",
            key.to_str().unwrap(),
        ]);
        issue_tsa_certificate(&key, "TSA ngan han", "0x7A51", days, &csr, &cert);
        tsa.cert = cert;
        tsa.key = key;
        tsa
    }
}

/// A TSA certificate for `key` issued by the test CA with the PKI's `tsa` extensions, valid
/// from now for `days`, with the given CN and serial (`csr` and `cert` are written).
fn issue_tsa_certificate(key: &Path, cn: &str, serial: &str, days: u32, csr: &Path, cert: &Path) {
    let subject = format!("/C=VN/O=Ban Co yeu Chinh phu (kiem thu)/CN={cn}");
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    openssl(&[
        "req",
        "-new",
        "-key",
        &path(key),
        "-subj",
        &subject,
        "-out",
        &path(csr),
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &path(csr),
        "-CA",
        &path(&pki("ca-g2.pem")),
        "-CAkey",
        &path(&pki("ca-g2.key.pem")),
        "-set_serial",
        serial,
        "-days",
        &days.to_string(),
        "-extfile",
        &path(&repo().join("tests/pki/ext.cnf")),
        "-extensions",
        "tsa",
        "-out",
        &path(cert),
    ]);
}

/// Run `openssl` (PORT names the test PKI's URLs in tests/pki/ext.cnf); panics on failure.
fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .env("PORT", "18080")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl TimeStamper for OpensslTsa {
    fn timestamp(&self, request: &TimestampRequest) -> Result<Vec<u8>, TimestampError> {
        let pki = work_dir().join("pki");
        let d = self.dir.path();
        let alg = match request.algorithm {
            DigestAlgorithm::Sha384 => "-sha384",
            DigestAlgorithm::Sha512 => "-sha512",
            _ => "-sha256",
        };
        let hex: String = request.imprint.iter().map(|b| format!("{b:02x}")).collect();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .env("KYSO_TSA_SERIAL", d.join("serial"))
                .output()
                .map_err(|e| TimestampError::Unavailable(e.to_string()))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(TimestampError::Refused(
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                ))
            }
        };
        let q = d.join("q.tsq");
        let t = d.join("t.der");
        run(&[
            "ts",
            "-query",
            "-digest",
            &hex,
            alg,
            "-cert",
            "-out",
            q.to_str().unwrap(),
        ])?;
        run(&[
            "ts",
            "-reply",
            "-config",
            repo().join("tests/ltv/tsa.cnf").to_str().unwrap(),
            "-queryfile",
            q.to_str().unwrap(),
            "-signer",
            self.cert.to_str().unwrap(),
            "-inkey",
            self.key.to_str().unwrap(),
            "-chain",
            pki.join("tsa.chain.pem").to_str().unwrap(),
            "-token_out",
            "-out",
            t.to_str().unwrap(),
        ])?;
        std::fs::read(&t).map_err(|e| TimestampError::BadResponse(e.to_string()))
    }
}

/// The test PKI's TSA whose certificate is swapped, after signing, for a twin: same issuer,
/// serial number and key, another subject. The token's signature still verifies with the twin;
/// only its signingCertificateV2 attribute (the hash of the real certificate) tells them apart.
struct TwinCertificateTsa {
    inner: OpensslTsa,
    twin: x509_cert::Certificate,
}

impl TwinCertificateTsa {
    fn new() -> Self {
        use der::DecodePem;
        let inner = OpensslTsa::new();
        let d = inner.dir.path();
        let (csr, cert) = (d.join("twin.csr"), d.join("twin.pem"));
        let serial = openssl(&[
            "x509",
            "-in",
            inner.cert.to_str().unwrap(),
            "-noout",
            "-serial",
        ]);
        let serial = format!("0x{}", serial.trim().trim_start_matches("serial="));
        issue_tsa_certificate(&inner.key, "TSA song sinh", &serial, 30, &csr, &cert);
        let twin = x509_cert::Certificate::from_pem(std::fs::read(&cert).unwrap()).unwrap();
        Self { inner, twin }
    }
}

impl TimeStamper for TwinCertificateTsa {
    fn timestamp(&self, request: &TimestampRequest) -> Result<Vec<u8>, TimestampError> {
        use cms::cert::CertificateChoices;
        use der::{Decode, Encode};
        let token = self.inner.timestamp(request)?;
        let mut info = cms::content_info::ContentInfo::from_der(&token).unwrap();
        let mut sd: cms::signed_data::SignedData = info.content.decode_as().unwrap();
        let twin_issuer = self.twin.tbs_certificate().issuer();
        let twin_serial = self.twin.tbs_certificate().serial_number();
        let certs: Vec<CertificateChoices> = sd
            .certificates
            .take()
            .unwrap()
            .0
            .into_vec()
            .into_iter()
            .map(|c| match c {
                CertificateChoices::Certificate(c)
                    if c.tbs_certificate().issuer() == twin_issuer
                        && c.tbs_certificate().serial_number() == twin_serial =>
                {
                    CertificateChoices::Certificate(self.twin.clone())
                }
                other => other,
            })
            .collect();
        sd.certificates = Some(cms::signed_data::CertificateSet(certs.try_into().unwrap()));
        info.content = der::Any::encode_from(&sd).unwrap();
        Ok(info.to_der().unwrap())
    }
}

/// A TSA that is down.
struct DownTsa;

impl TimeStamper for DownTsa {
    fn timestamp(&self, _: &TimestampRequest) -> Result<Vec<u8>, TimestampError> {
        Err(TimestampError::Unavailable("connection refused".into()))
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pki(name: &str) -> PathBuf {
    work_dir().join("pki").join(name)
}

fn signer(name: &str) -> SoftwareSigner {
    SoftwareSigner::from_pkcs12_file(pki(&format!("{name}.p12")), "kyso-test").unwrap()
}

fn plain_pdf() -> Vec<u8> {
    std::fs::read(work_dir().join("pdf/plain.pdf")).unwrap()
}

/// The test PKI's CRLs, given by the caller (as `--crl` files would be).
fn ltv_with_crls() -> LtvOptions {
    let mut ltv = LtvOptions::default();
    for f in ["ca-g2.crl.der", "root-g2.crl.der"] {
        ltv.revocation_data
            .crls
            .push(std::fs::read(pki(f)).unwrap());
    }
    ltv
}

fn verify_offline(pdf: &[u8], time: &str) -> kyso::Report {
    let mut trust = kyso_policy::trust::TrustStore::new();
    trust
        .add_anchors(&std::fs::read(pki("root-g2.pem")).unwrap())
        .unwrap();
    let mut options = VerifyOptions::new(trust, at(time));
    options.revocation = RevocationMode::Embedded;
    kyso::verify_pdf(pdf, &options).unwrap()
}

fn sign(level: Level, stamper: Option<Arc<dyn TimeStamper>>) -> Result<Vec<u8>, kyso::Error> {
    let options = PadesOptions::new(kyso::signing_time_now());
    let (signed, _) = sign_pdf_level(
        &plain_pdf(),
        &signer("ca-nhan"),
        &options,
        level,
        &ltv_with_crls(),
        stamper.as_ref(),
    )?;
    Ok(signed.bytes)
}

fn now_plus_days(days: u64) -> String {
    let t = kyso::now().unix_duration().as_secs() + days * 86400;
    kyso_policy::time::rfc3339(kyso_policy::time::from_unix(t).unwrap())
}

fn tsa() -> Option<Arc<dyn TimeStamper>> {
    Some(Arc::new(OpensslTsa::new()))
}

#[test]
fn b_t_carries_a_verified_signature_timestamp() {
    let pdf = sign(Level::BT, tsa()).unwrap();
    assert!(pdf.starts_with(&plain_pdf()));
    let report = verify_offline(&pdf, &now_plus_days(0));
    let s = &report.signatures[0];
    assert_eq!(s.level, "B-T");
    let ts = s.timestamp.as_ref().expect("a signature time-stamp");
    assert!(ts.valid, "{ts:?}");
    assert_eq!(s.signing_time.as_ref().unwrap().source, "timestamp");
    // No DSS and no network: the status cannot be established.
    assert_eq!(report.verdict, Verdict::Indeterminate);
    assert_eq!(s.sub_indication.as_deref(), Some("TRY_LATER"));
}

#[test]
fn b_lta_verifies_offline_from_its_dss() {
    let pdf = sign(Level::BLTA, tsa()).unwrap();
    let report = verify_offline(&pdf, &now_plus_days(0));
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_json());
    assert_eq!(report.signatures.len(), 2);
    let (sig, dts) = (&report.signatures[0], &report.signatures[1]);
    assert_eq!(sig.kind, "signature");
    assert_eq!(sig.level, "B-LTA");
    assert_eq!(dts.kind, "document_timestamp");
    assert!(dts.timestamp.as_ref().unwrap().valid);
    assert!(!sig.modified_after_signing);
    // Every certificate's status came from the document itself.
    let leaf = &sig.revocation[0];
    assert_eq!((leaf.status, leaf.origin), ("good", Some("embedded")));
    assert!(
        sig.revocation
            .iter()
            .filter(|r| r.status != "unknown")
            .all(|r| r.origin == Some("embedded"))
    );
    // Years later (the signer's and TSA's certificates still valid until 2030), offline.
    let later = verify_offline(&pdf, "2029-06-01T00:00:00Z");
    assert_eq!(later.verdict, Verdict::Valid, "{}", later.to_json());
}

#[test]
fn b_lt_has_validation_data_but_no_document_timestamp() {
    let pdf = sign(Level::BLT, tsa()).unwrap();
    let report = verify_offline(&pdf, &now_plus_days(0));
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_json());
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(report.signatures[0].level, "B-LT");
}

#[test]
fn b_lta_tampered_is_invalid() {
    let mut pdf = sign(Level::BLTA, tsa()).unwrap();
    let i = pdf
        .windows(9)
        .position(|w| w == b"/MediaBox")
        .expect("a page");
    pdf[i + 1] = b'm';
    let report = verify_offline(&pdf, &now_plus_days(0));
    assert_eq!(report.verdict, Verdict::Invalid);
}

#[test]
fn levels_above_b_b_need_a_tsa_and_fail_cleanly_without_one() {
    let e = sign(Level::BT, None).unwrap_err();
    assert!(e.to_string().contains("time-stamp authority"), "{e}");
    let e = sign(Level::BLTA, Some(Arc::new(DownTsa))).unwrap_err();
    assert_eq!(e.code(), 5201, "{e}");
}

#[test]
fn augmenting_a_b_b_signature_keeps_it_intact() {
    let (signed, _) = sign_pdf_level(
        &plain_pdf(),
        &signer("to-chuc"),
        &PadesOptions::new(kyso::signing_time_now()),
        Level::BB,
        &LtvOptions::default(),
        None,
    )
    .unwrap();
    let stamper = OpensslTsa::new();
    let (out, summary) =
        kyso::ltv::add_ltv(&signed.bytes, &ltv_with_crls(), Some(&stamper)).unwrap();
    assert!(out.starts_with(&signed.bytes));
    assert_eq!(summary.signatures, 1 + 1); // the signer, then the document time-stamp's TSA
    assert!(summary.document_timestamp.is_some());
    assert!(summary.uncovered.is_empty(), "{:?}", summary.uncovered);
    let report = verify_offline(&out, &now_plus_days(0));
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_json());
    // A B-B signature has no signature time-stamp: its level stays B-B even with a DSS.
    assert!(!report.signatures[0].modified_after_signing);
}

#[test]
fn real_government_pdf_stays_intact_when_augmented() {
    let path = common::corpus("vn-gov/pdf/govportal_2025-01-07_g2_signed.pdf");
    let original = std::fs::read(&path).unwrap();
    let mut ltv = LtvOptions::default();
    for c in [
        "vn-gov/certs/vgca-g2/rootcag2.crt",
        "vn-gov/certs/vgca-g2/cpcag2.crt",
    ] {
        ltv.certificates
            .add_intermediates(&std::fs::read(common::corpus(c)).unwrap())
            .unwrap();
    }
    let stamper = OpensslTsa::new();
    // Nothing can say whether the real CA's certificates are revoked here (offline): B-LTA is
    // not reached, so without `partial` nothing is returned, and the error names each one.
    match kyso::ltv::add_ltv(&original, &ltv, Some(&stamper)) {
        Err(kyso::Error::LevelNotReached { level, missing, .. }) => {
            assert_eq!(level, "B-LTA");
            assert!(
                missing
                    .iter()
                    .any(|m| m.contains("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ"))
            );
        }
        other => panic!("expected LevelNotReached, got {:?}", other.map(|r| r.1)),
    }
    ltv.partial = true;
    let (out, summary) = kyso::ltv::add_ltv(&original, &ltv, Some(&stamper)).unwrap();
    assert!(out.starts_with(&original));
    assert!(!summary.uncovered.is_empty());

    let mut trust = kyso_policy::trust::TrustStore::new();
    for c in [
        Path::new("vn-gov/certs/vgca-g2/rootcag2.crt"),
        Path::new("vn-gov/certs/vgca-g2/cpcag2.crt"),
    ] {
        trust
            .add_anchors(&std::fs::read(common::corpus(c.to_str().unwrap())).unwrap())
            .unwrap();
    }
    trust
        .add_anchors(&std::fs::read(pki("root-g2.pem")).unwrap())
        .unwrap();
    let mut options = VerifyOptions::new(trust, kyso::now());
    options.revocation = RevocationMode::Off;
    let before = kyso::verify_pdf(&original, &options).unwrap();
    let after = kyso::verify_pdf(&out, &options).unwrap();
    let sig = &after.signatures[0];
    assert_eq!(sig.indication, before.signatures[0].indication);
    assert!(!sig.modified_after_signing, "{}", after.to_json());
    let time = sig.signing_time.as_ref().unwrap();
    assert_eq!(time.source, "timestamp");
    assert_eq!(
        time.value,
        before.signatures[0].signing_time.as_ref().unwrap().value
    );
    // adbe.pkcs7.detached is not a PAdES baseline signature: no level is claimed for it.
    assert_eq!(sig.level, "unknown");
    let dts = after.signatures.last().unwrap();
    assert_eq!(dts.kind, "document_timestamp");
    assert!(dts.timestamp.as_ref().unwrap().valid, "{}", after.to_json());
}

#[test]
fn json_options_take_the_level_and_refuse_it_without_a_tsa() {
    let p12 = pki("ca-nhan.p12");
    let json = |extra: &str| {
        format!(
            r#"{{"signer": {{"p12": {{"path": "{}", "password": "kyso-test"}}}}{extra}}}"#,
            p12.display()
        )
    };
    let e = kyso::sign_pdf_json(&plain_pdf(), &json(r#", "level": "B-LTA""#)).unwrap_err();
    assert_eq!(e.code(), 7002, "{e}");
    let e = kyso::sign_pdf_json(
        &plain_pdf(),
        &json(r#", "level": "B-X", "tsa": "http://127.0.0.1:9/tsa""#),
    )
    .unwrap_err();
    assert_eq!(e.code(), 7002, "{e}");
    // A TSA nobody listens on (loopback, discard port): the signing fails as unavailable.
    let e = kyso::sign_pdf_json(
        &plain_pdf(),
        &json(r#", "level": "B-T", "tsa": "http://127.0.0.1:9/tsa""#),
    )
    .unwrap_err();
    assert_eq!(e.code(), 5201, "{e}");
}

/// An archive chain: a B-LTA made with a TSA whose certificate expires tomorrow, then a second
/// document time-stamp by a long-lived TSA. A month later the first document time-stamp is
/// validated at the time of the second (which proves it existed while its TSA was valid); without
/// the second one it cannot be.
#[test]
fn later_document_timestamp_keeps_an_expired_tsa_valid() {
    let short: Arc<dyn TimeStamper> = Arc::new(OpensslTsa::short_lived(1));
    let (signed, _) = sign_pdf_level(
        &plain_pdf(),
        &signer("ca-nhan"),
        &PadesOptions::new(kyso::signing_time_now()),
        Level::BLTA,
        &ltv_with_crls(),
        Some(&short),
    )
    .unwrap();
    let month = now_plus_days(30);

    let alone = verify_offline(&signed.bytes, &month);
    assert_eq!(alone.signatures.len(), 2);
    assert_eq!(alone.verdict, Verdict::Indeterminate, "{}", alone.to_json());
    assert_ne!(
        alone.signatures[1].indication,
        kyso_verify::report::Indication::TotalPassed,
        "{}",
        alone.to_json()
    );

    let long = OpensslTsa::new();
    let (renewed, _) = kyso::ltv::add_ltv(&signed.bytes, &ltv_with_crls(), Some(&long)).unwrap();
    let report = verify_offline(&renewed, &month);
    assert_eq!(report.signatures.len(), 3);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_json());
}

#[test]
fn a_dss_without_this_signatures_data_does_not_make_it_b_lt() {
    let pdf = sign(Level::BT, tsa()).unwrap();
    // Certificates only, no CRL or OCSP response (offline, nothing given).
    let stamper = OpensslTsa::new();
    // `partial`: the incomplete result is what is under test (by default it is refused).
    let ltv = LtvOptions {
        partial: true,
        ..LtvOptions::default()
    };
    let (out, summary) = kyso::ltv::add_ltv(&pdf, &ltv, Some(&stamper)).unwrap();
    assert!(!summary.uncovered.is_empty());
    let report = verify_offline(&out, &now_plus_days(0));
    let sig = &report.signatures[0];
    assert_eq!(sig.level, "B-T", "{}", report.to_json());
    assert!(sig.reasons.iter().any(|r| r.code == "LTV_DATA_INCOMPLETE"));
    assert_eq!(report.verdict, Verdict::Indeterminate);
}

#[test]
fn signing_options_must_be_a_json_object() {
    let e = kyso::sign_pdf_json(&plain_pdf(), r#"[{"p12": {"path": "x.p12"}}]"#).unwrap_err();
    assert_eq!(e.code(), 7001, "{e}");
}

/// RFC 3161 §2.4.1: the token names its TSA certificate in signingCertificate(V2). A twin
/// certificate (same issuer, serial and key) put in its place must not make the time-stamp valid.
#[test]
fn a_timestamp_with_a_swapped_tsa_certificate_is_invalid() {
    let twin = Arc::new(TwinCertificateTsa::new());
    // The token itself: its CMS signature verifies with the twin's key, the binding does not.
    let data = b"signature value";
    let request = TimestampRequest {
        algorithm: DigestAlgorithm::Sha256,
        imprint: DigestAlgorithm::Sha256.digest(data),
    };
    let info =
        kyso_verify::timestamp::read_timestamp(&twin.timestamp(&request).unwrap(), Some(data))
            .unwrap();
    assert_eq!(info.tsa_certificate.as_ref(), Some(&twin.twin));
    assert_eq!(info.imprint_ok, Some(true));
    assert_eq!(info.signing_certificate_bound, Some(false));
    assert!(!info.signature_ok);

    let pdf = sign(Level::BT, Some(twin)).unwrap();
    let report = verify_offline(&pdf, &now_plus_days(0));
    let s = &report.signatures[0];
    let ts = s.timestamp.as_ref().expect("a signature time-stamp");
    assert!(!ts.valid, "{}", report.to_json());
    assert!(
        s.reasons
            .iter()
            .any(|r| r.code == "TIMESTAMP_SIGNING_CERTIFICATE_MISMATCH"),
        "{}",
        report.to_json()
    );
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.to_json());
}
