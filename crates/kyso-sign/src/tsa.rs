//! An in-process RFC 3161 time-stamping unit, for demos and tests.
//!
//! [`LocalTsa`] answers [`TimeStamper`] requests with tokens it signs itself with a
//! [`Signer`] (a TSA key and its certificate, whose extendedKeyUsage should be critical and
//! only id-kp-timeStamping, RFC 3161 §2.3): no network, no HTTP, no request/response
//! envelope, just the token a TSA would put in its `TimeStampResp`.
//!
//! The token is a CMS SignedData (RFC 5652) encapsulating the DER `TSTInfo` (eContentType
//! id-ct-TSTInfo), with the signed attributes contentType, messageDigest and
//! signingCertificateV2 (RFC 5035, as RFC 5816 allows) and the TSA's certificate and chain:
//!
//! ```text
//! TSTInfo ::= SEQUENCE  {
//!    version          INTEGER  { v1(1) },
//!    policy           TSAPolicyId,
//!    messageImprint   MessageImprint,
//!    serialNumber     INTEGER,
//!    genTime          GeneralizedTime,          -- whole seconds, UTC
//!    accuracy         Accuracy  OPTIONAL,       -- { seconds 1 } by default
//!    tsa              [0] GeneralName OPTIONAL  -- the TSA certificate's subject
//! }
//! ```
//!
//! (`ordering` is left at its default, `nonce` is absent: a [`TimestampRequest`] carries none.)
//!
//! Nothing here is a real time-stamping service: the time is the caller's clock, not a
//! trusted one, and serial numbers restart with every `LocalTsa`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use const_oid::ObjectIdentifier;
use der::Encode;
use der::Sequence;
use der::asn1::{GeneralizedTime, OctetString, Uint};
use kyso_token::{DigestAlgorithm, Signer};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;

use crate::SignError;
use crate::cms::{CmsOptions, sign_encapsulated};
use crate::timestamp::{TimeStamper, TimestampError, TimestampRequest};

/// `id-ct-TSTInfo` (RFC 3161 §2.4.2): the eContentType of a time-stamp token.
pub const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// `id-kp-timeStamping` (RFC 3161 §2.3): the only extendedKeyUsage of a TSA certificate.
pub const ID_KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// `MessageImprint` (RFC 3161 §2.4.1).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct MessageImprint {
    hash_algorithm: AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

/// `Accuracy` (RFC 3161 §2.4.2), seconds only.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct Accuracy {
    #[asn1(optional = "true")]
    seconds: Option<u64>,
}

/// The `TSTInfo` fields this TSA writes (`ordering` default, no `nonce`, no extensions).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TstInfo {
    version: u8,
    policy: ObjectIdentifier,
    message_imprint: MessageImprint,
    serial_number: Uint,
    gen_time: GeneralizedTime,
    #[asn1(optional = "true")]
    accuracy: Option<Accuracy>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    tsa: Option<GeneralName>,
}

/// Where a [`LocalTsa`] reads the time (Unix seconds, UTC).
#[derive(Clone, Copy, Debug)]
pub enum TsaClock {
    /// Always this time (tests, reproducible tokens).
    Fixed(u64),
    /// Ask this function at every request (e.g. one reading the system clock).
    Function(fn() -> u64),
}

impl TsaClock {
    fn now(self) -> u64 {
        match self {
            Self::Fixed(t) => t,
            Self::Function(f) => f(),
        }
    }
}

/// An in-process RFC 3161 time-stamping unit (see the [module docs](self)).
///
/// Shareable across threads (`Arc<dyn TimeStamper>`): serial numbers come from an atomic
/// counter, so concurrent requests never share one.
pub struct LocalTsa {
    signer: Box<dyn Signer + Send + Sync>,
    policy: ObjectIdentifier,
    clock: TsaClock,
    next_serial: AtomicU64,
    digest: DigestAlgorithm,
    accuracy_seconds: Option<u64>,
    name_in_token: bool,
}

impl std::fmt::Debug for LocalTsa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalTsa")
            .field(
                "tsa",
                &self
                    .signer
                    .certificate()
                    .tbs_certificate()
                    .subject()
                    .to_string(),
            )
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .field("next_serial", &self.next_serial.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl LocalTsa {
    /// A TSA signing with `signer` (its certificate and chain go into every token) under the
    /// TSA policy `policy`, reading the time from `clock`. Defaults: SHA-256 imprints
    /// requested, accuracy one second, the TSA's name in the token, serial numbers from 1.
    pub fn new(
        signer: Box<dyn Signer + Send + Sync>,
        policy: ObjectIdentifier,
        clock: TsaClock,
    ) -> Self {
        Self {
            signer,
            policy,
            clock,
            next_serial: AtomicU64::new(1),
            digest: DigestAlgorithm::Sha256,
            accuracy_seconds: Some(1),
            name_in_token: true,
        }
    }

    /// Ask callers for imprints with `digest` ([`TimeStamper::digest_algorithm`]). Requests
    /// with any supported algorithm are answered whatever this says.
    pub fn with_digest(mut self, digest: DigestAlgorithm) -> Self {
        self.digest = digest;
        self
    }

    /// The serial number of the next token (then counting up).
    pub fn with_first_serial(mut self, serial: u64) -> Self {
        self.next_serial = AtomicU64::new(serial);
        self
    }

    /// The `accuracy` to state, in seconds; `None` leaves it out.
    pub fn with_accuracy_seconds(mut self, seconds: Option<u64>) -> Self {
        self.accuracy_seconds = seconds;
        self
    }

    /// Whether to name the TSA (its certificate's subject) in the TSTInfo `tsa` field.
    pub fn with_name_in_token(mut self, yes: bool) -> Self {
        self.name_in_token = yes;
        self
    }

    /// The TSA's certificate.
    pub fn certificate(&self) -> &Certificate {
        self.signer.certificate()
    }

    /// The TSA policy OID written in every token.
    pub fn policy(&self) -> ObjectIdentifier {
        self.policy
    }

    /// A token for `request` at `unix_seconds` with serial number `serial`, without touching
    /// the clock or the counter (what [`TimeStamper::timestamp`] uses).
    pub fn token_at(
        &self,
        request: &TimestampRequest,
        unix_seconds: u64,
        serial: u64,
    ) -> Result<Vec<u8>, SignError> {
        let expected = request.algorithm.digest(&[]).len();
        if request.imprint.len() != expected {
            return Err(SignError::Options(format!(
                "the imprint has {} bytes, not the {expected} of {:?} (badDataFormat)",
                request.imprint.len(),
                request.algorithm
            )));
        }
        let time = der::DateTime::from_unix_duration(Duration::from_secs(unix_seconds))?;
        let tst = TstInfo {
            version: 1,
            policy: self.policy,
            message_imprint: MessageImprint {
                // Hash algorithms are written without parameters (RFC 5754 §2).
                hash_algorithm: AlgorithmIdentifierOwned {
                    oid: request.algorithm.oid(),
                    parameters: None,
                },
                hashed_message: OctetString::new(request.imprint.clone())?,
            },
            serial_number: Uint::new(&serial.to_be_bytes())?,
            gen_time: GeneralizedTime::from_date_time(time),
            accuracy: self.accuracy_seconds.map(|s| Accuracy { seconds: Some(s) }),
            tsa: self.name_in_token.then(|| {
                GeneralName::DirectoryName(self.certificate().tbs_certificate().subject().clone())
            }),
        };
        sign_encapsulated(
            self.signer.as_ref(),
            ID_CT_TST_INFO,
            &tst.to_der()?,
            &CmsOptions::default(),
        )
    }
}

impl TimeStamper for LocalTsa {
    fn digest_algorithm(&self) -> DigestAlgorithm {
        self.digest
    }

    fn timestamp(&self, request: &TimestampRequest) -> Result<Vec<u8>, TimestampError> {
        let serial = self.next_serial.fetch_add(1, Ordering::Relaxed);
        self.token_at(request, self.clock.now(), serial)
            .map_err(|e| match e {
                SignError::Options(why) => TimestampError::Refused(why),
                other => TimestampError::Refused(format!("systemFailure: {other}")),
            })
    }

    fn max_token_len(&self) -> usize {
        // TSTInfo: the TSA's name, a SHA-512 imprint and the fixed fields; its OCTET STRING
        // wrapping; the rest is the CMS of `cms::estimated_size`.
        let name = self
            .certificate()
            .tbs_certificate()
            .subject()
            .to_der()
            .map(|d| d.len())
            .unwrap_or(1024);
        crate::cms::estimated_size(self.signer.as_ref(), name + 256)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::sync::Arc;

    use der::Decode;
    use kyso_token::software::SoftwareSigner;

    use super::*;

    /// The test PKI (`bash tests/run.sh`, or `bash tests/pki/make-pki.sh tests/work/pki`):
    /// found through `KYSO_TEST_WORK`, else `<workspace>/tests/work`. Without it these tests
    /// fail; they do not pass silently.
    fn pki() -> PathBuf {
        let work = std::env::var_os("KYSO_TEST_WORK")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/work"));
        let pki = work.join("pki");
        assert!(
            pki.join("tsa.pem").is_file() && pki.join("tsa.key.pem").is_file(),
            "the test PKI is missing ({}): run `bash tests/run.sh` or \
             `bash tests/pki/make-pki.sh tests/work/pki` first",
            pki.display()
        );
        pki
    }

    const POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.704.1.1.1.2");
    /// 2026-03-01T08:30:00Z.
    const T: u64 = 1_772_353_800;

    fn tsa(clock: TsaClock) -> LocalTsa {
        let p = pki();
        let signer = SoftwareSigner::from_key_files(
            p.join("tsa.key.pem"),
            None,
            &[&p.join("tsa.fullchain.pem")],
        )
        .unwrap();
        LocalTsa::new(Box::new(signer), POLICY, clock)
    }

    fn request(data: &[u8]) -> TimestampRequest {
        TimestampRequest {
            algorithm: DigestAlgorithm::Sha256,
            imprint: DigestAlgorithm::Sha256.digest(data),
        }
    }

    #[test]
    fn token_verifies_with_kyso_verify() {
        let tsa = tsa(TsaClock::Fixed(T));
        let data = b"the signature value being time-stamped";
        let token = tsa.timestamp(&request(data)).unwrap();
        let info = kyso_verify::timestamp::read_timestamp(&token, Some(data)).unwrap();
        assert!(info.signature_ok, "{:?}", info.reasons);
        assert_eq!(info.imprint_ok, Some(true));
        assert_eq!(info.imprint, DigestAlgorithm::Sha256.digest(data));
        assert_eq!(
            info.gen_time,
            der::DateTime::from_unix_duration(Duration::from_secs(T)).unwrap()
        );
        assert_eq!(info.gen_time_fraction, None);
        assert_eq!(info.policy, POLICY);
        assert_eq!(info.serial, vec![1]);
        let cert = info.tsa_certificate.as_ref().expect("the TSA certificate");
        assert_eq!(cert, tsa.certificate());
        kyso_verify::timestamp::check_tsa_certificate(cert).unwrap();
        // The chain came along.
        assert!(info.certificates.len() >= 2, "{}", info.certificates.len());
        assert!(
            info.reasons
                .iter()
                .all(|r| format!("{:?}", r.severity) != "Error"),
            "{:?}",
            info.reasons
        );
        // Another data, another imprint.
        let other = kyso_verify::timestamp::read_timestamp(&token, Some(b"other")).unwrap();
        assert_eq!(other.imprint_ok, Some(false));
    }

    #[test]
    fn token_structure_is_rfc_3161() {
        use cms::content_info::ContentInfo;
        use cms::signed_data::SignedData;
        let tsa = tsa(TsaClock::Fixed(T))
            .with_first_serial(0x8000_0000_0000_0001)
            .with_digest(DigestAlgorithm::Sha384);
        assert_eq!(tsa.digest_algorithm(), DigestAlgorithm::Sha384);
        let req = TimestampRequest {
            algorithm: DigestAlgorithm::Sha384,
            imprint: DigestAlgorithm::Sha384.digest(b"x"),
        };
        let token = tsa.timestamp(&req).unwrap();
        assert!(token.len() <= tsa.max_token_len());
        let ci = ContentInfo::from_der(&token).unwrap();
        let sd: SignedData = ci.content.decode_as().unwrap();
        assert_eq!(sd.version, cms::content_info::CmsVersion::V3);
        assert_eq!(sd.encap_content_info.econtent_type, ID_CT_TST_INFO);
        let octets: OctetString = sd
            .encap_content_info
            .econtent
            .as_ref()
            .expect("encapsulated TSTInfo")
            .decode_as()
            .unwrap();
        let tst = TstInfo::from_der(octets.as_bytes()).unwrap();
        assert_eq!(tst.version, 1);
        assert_eq!(tst.policy, POLICY);
        assert_eq!(
            tst.message_imprint.hash_algorithm.oid,
            DigestAlgorithm::Sha384.oid()
        );
        // A serial with the top bit set stays positive (a leading zero octet).
        assert_eq!(
            tst.serial_number.as_bytes(),
            &0x8000_0000_0000_0001u64.to_be_bytes()
        );
        assert_eq!(tst.accuracy, Some(Accuracy { seconds: Some(1) }));
        assert!(matches!(tst.tsa, Some(GeneralName::DirectoryName(_))));
        // The signed attributes: contentType id-ct-TSTInfo, messageDigest over the TSTInfo,
        // signingCertificateV2.
        let si = sd.signer_infos.0.iter().next().unwrap();
        let attrs = si.signed_attrs.as_ref().unwrap();
        let find = |oid| attrs.iter().find(|a| a.oid == oid).map(|a| a.values.get(0));
        let ct: ObjectIdentifier = find(const_oid::db::rfc5911::ID_CONTENT_TYPE)
            .flatten()
            .unwrap()
            .decode_as()
            .unwrap();
        assert_eq!(ct, ID_CT_TST_INFO);
        let md: OctetString = find(const_oid::db::rfc5911::ID_MESSAGE_DIGEST)
            .flatten()
            .unwrap()
            .decode_as()
            .unwrap();
        assert_eq!(
            md.as_bytes(),
            DigestAlgorithm::Sha256.digest(octets.as_bytes())
        );
        assert!(find(crate::cms::ID_AA_SIGNING_CERTIFICATE_V2).is_some());
        // Serial numbers count up.
        let next = tsa.timestamp(&req).unwrap();
        let info = kyso_verify::timestamp::read_timestamp(&next, None).unwrap();
        assert_eq!(
            info.serial,
            [&[0u8][..], &0x8000_0000_0000_0002u64.to_be_bytes()].concat()
        );
    }

    #[test]
    fn bad_requests_are_refused_not_panics() {
        let tsa = tsa(TsaClock::Fixed(T));
        let bad = TimestampRequest {
            algorithm: DigestAlgorithm::Sha256,
            imprint: vec![1, 2, 3],
        };
        let e = tsa.timestamp(&bad).unwrap_err();
        assert!(matches!(e, TimestampError::Refused(_)), "{e}");
        // A clock past year 9999.
        let far = LocalTsa::new(
            Box::new(
                SoftwareSigner::from_key_files(
                    pki().join("tsa.key.pem"),
                    None,
                    &[&pki().join("tsa.pem")],
                )
                .unwrap(),
            ),
            POLICY,
            TsaClock::Fixed(u64::MAX / 2),
        );
        assert!(far.timestamp(&request(b"x")).is_err());
    }

    #[test]
    fn clock_function_is_read_per_request_and_tsa_is_shareable() {
        fn clock() -> u64 {
            T + 42
        }
        let tsa: Arc<dyn TimeStamper> = Arc::new(tsa(TsaClock::Function(clock)));
        let token = tsa.timestamp(&request(b"x")).unwrap();
        let info = kyso_verify::timestamp::read_timestamp(&token, None).unwrap();
        assert_eq!(info.gen_time.unix_duration().as_secs(), T + 42);
    }

    /// The token for `data`, checked by `openssl ts -verify` against the test root with the
    /// token's chain as untrusted certificates. Skipped when openssl is not installed.
    #[test]
    fn openssl_ts_verify_accepts_the_token() {
        let Ok(out) = Command::new("openssl").arg("version").output() else {
            eprintln!("openssl is not installed: skipped");
            return;
        };
        if !out.status.success() {
            eprintln!("openssl does not run: skipped");
            return;
        }
        let p = pki();
        // Now, so that the certificates are valid at genTime for openssl (it checks the chain
        // at the current time).
        fn now() -> u64 {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        }
        let tsa = tsa(TsaClock::Function(now));
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let data = b"document bytes to time-stamp";
        std::fs::write(d.join("data.bin"), data).unwrap();
        let token = tsa.timestamp(&request(data)).unwrap();
        std::fs::write(d.join("token.der"), &token).unwrap();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(d)
                .output()
                .unwrap();
            (
                out.status.success(),
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ),
            )
        };
        let file = |p: &Path| p.to_str().unwrap().to_owned();
        let (root, chain) = (file(&p.join("root-g2.pem")), file(&p.join("tsa.chain.pem")));
        for how in [
            vec!["-data", "data.bin"],
            vec![
                "-digest",
                &hex::encode(DigestAlgorithm::Sha256.digest(data)),
            ],
        ] {
            let mut args = vec!["ts", "-verify", "-in", "token.der", "-token_in"];
            args.extend(how.iter().copied());
            args.extend(["-CAfile", &root, "-untrusted", &chain]);
            let (ok, text) = run(&args);
            assert!(ok && text.contains("Verification: OK"), "{args:?}: {text}");
        }
        // A different document does not verify.
        std::fs::write(d.join("other.bin"), b"other").unwrap();
        let (ok, _) = run(&[
            "ts",
            "-verify",
            "-in",
            "token.der",
            "-token_in",
            "-data",
            "other.bin",
            "-CAfile",
            &root,
            "-untrusted",
            &chain,
        ]);
        assert!(!ok);
        // And openssl reads the TSTInfo as written.
        let (ok, text) = run(&["ts", "-reply", "-in", "token.der", "-token_in", "-text"]);
        assert!(ok, "{text}");
        assert!(text.contains("Policy OID: 2.16.704.1.1.1.2"), "{text}");
        assert!(text.contains("Serial number: 0x01"), "{text}");
        assert!(text.contains("Accuracy: 0x01 seconds"), "{text}");
        assert!(text.contains("Nonce: unspecified"), "{text}");
    }
}
