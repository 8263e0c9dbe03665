//! The RFC 3161 request builder and response checks against `openssl ts` (no network): queries
//! made by [`build_request`] are read by `openssl ts -query -text`, and answered by
//! `openssl ts -reply` with the loopback TSA's configuration (`tests/ltv/tsa.cnf`) and the test
//! PKI's time-stamping key (`tests/work/pki`, made by `bash tests/run.sh` or
//! `bash tests/pki/make-pki.sh tests/work/pki`).
//!
//! The PKI is found through `KYSO_TEST_WORK` (set by `tests/run.sh`), else `<workspace>/tests/work`;
//! without it these tests fail, they do not pass silently.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use const_oid::ObjectIdentifier;
use der::asn1::{Any, Int};
use der::{Decode, Encode};
use kyso_net::tsp::{PkiStatusInfo, TimeStampReq, TimeStampResp, build_request, check_response};
use kyso_policy::algorithms::SigningDigest;
use kyso_policy::timestamp::{TimestampError, TimestampRequest};

const TSA_POLICY: &str = "2.16.704.1.1.1.2";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pki() -> PathBuf {
    let work = std::env::var_os("KYSO_TEST_WORK")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("tests/work"));
    let pki = work.join("pki");
    assert!(
        pki.join("tsa.pem").is_file() && pki.join("tsa.key.pem").is_file(),
        "the test PKI is missing ({}): run `bash tests/run.sh` or \
         `bash tests/pki/make-pki.sh tests/work/pki` first",
        pki.display()
    );
    pki
}

fn openssl(args: &[&str], dir: &Path) -> Result<Vec<u8>, String> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .env("KYSO_TSA_SERIAL", dir.join("serial"))
        .output()
        .expect("openssl runs");
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A scratch directory with a TSA serial file.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("serial"), "01\n").unwrap();
    dir
}

/// `openssl ts -reply` to `query` signed by `signer` (a PKI name), with `signer`'s chain.
fn reply_by(query: &[u8], signer: &str) -> Vec<u8> {
    let dir = scratch();
    let d = dir.path();
    std::fs::write(d.join("q.der"), query).unwrap();
    let p = pki();
    let cnf = root().join("tests/ltv/tsa.cnf");
    let file = |n: String| p.join(n).to_str().unwrap().to_owned();
    openssl(
        &[
            "ts",
            "-reply",
            "-config",
            cnf.to_str().unwrap(),
            "-queryfile",
            "q.der",
            "-signer",
            &file(format!("{signer}.pem")),
            "-inkey",
            &file(format!("{signer}.key.pem")),
            "-chain",
            &file(format!("{signer}.chain.pem")),
            "-out",
            "r.der",
        ],
        d,
    )
    .unwrap();
    std::fs::read(d.join("r.der")).unwrap()
}

fn reply(query: &[u8]) -> Vec<u8> {
    reply_by(query, "tsa")
}

fn request(alg: SigningDigest, data: &[u8]) -> TimestampRequest {
    TimestampRequest {
        algorithm: alg,
        imprint: alg.digest(data),
    }
}

fn policy() -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(TSA_POLICY)
}

const NONCE: [u8; 8] = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0];

fn granted(token: &[u8]) -> Vec<u8> {
    TimeStampResp {
        status: PkiStatusInfo {
            status: Int::new(&[0]).unwrap(),
            status_string: None,
            fail_info: None,
        },
        time_stamp_token: Some(Any::from_der(token).unwrap()),
    }
    .to_der()
    .unwrap()
}

fn expect_bad(result: Result<Vec<u8>, TimestampError>, needle: &str) {
    match result {
        Err(TimestampError::BadResponse(m)) => assert!(m.contains(needle), "{needle:?} in {m}"),
        other => panic!("expected BadResponse({needle:?}), got {other:?}"),
    }
}

#[test]
fn openssl_reads_the_query() {
    let _ = pki();
    for (alg, name) in [
        (SigningDigest::Sha256, "sha256"),
        (SigningDigest::Sha384, "sha384"),
        (SigningDigest::Sha512, "sha512"),
    ] {
        let req = request(alg, b"query");
        let der = build_request(&req, &NONCE, Some(&policy())).unwrap();
        let dir = scratch();
        std::fs::write(dir.path().join("q.der"), &der).unwrap();
        let text = String::from_utf8(
            openssl(&["ts", "-query", "-in", "q.der", "-text"], dir.path()).unwrap(),
        )
        .unwrap();
        assert!(text.contains("Version: 1"), "{text}");
        assert!(text.contains(&format!("Hash Algorithm: {name}")), "{text}");
        assert!(
            text.contains(&format!("Policy OID: {TSA_POLICY}")),
            "{text}"
        );
        assert!(text.contains("Nonce: 0x123456789ABCDEF0"), "{text}");
        assert!(text.contains("Certificate required: yes"), "{text}");
        let first = req.imprint[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains(&first), "{first} in {text}");
    }
}

#[test]
fn good_replies_are_accepted() {
    for alg in [
        SigningDigest::Sha256,
        SigningDigest::Sha384,
        SigningDigest::Sha512,
    ] {
        let req = request(alg, b"signature value");
        for pol in [None, Some(policy())] {
            let query = build_request(&req, &NONCE, pol.as_ref()).unwrap();
            let resp = reply(&query);
            let token = check_response(&resp, &req, &NONCE, pol.as_ref()).unwrap();
            // The token is the ContentInfo exactly as received.
            assert!(resp.windows(token.len()).any(|w| w == token.as_slice()));
            let info = kyso_verify::timestamp::read_timestamp(&token, None).unwrap();
            assert!(info.signature_ok);
            assert_eq!(info.imprint, req.imprint);
            assert_eq!(info.imprint_algorithm, alg.oid());
            assert_eq!(info.policy, policy());
            // The chain is embedded: TSA, issuing CA, root.
            assert_eq!(info.certificates.len(), 3, "{:?}", info.certificates.len());
        }
    }
}

#[test]
fn reply_to_another_query_is_bad() {
    let req = request(SigningDigest::Sha256, b"data");
    let other = build_request(&req, &[0x55; 8], None).unwrap();
    expect_bad(check_response(&reply(&other), &req, &NONCE, None), "nonce");
    // No nonce in the token at all.
    let none = build_request(&req, &[], None).unwrap();
    expect_bad(
        check_response(&reply(&none), &req, &NONCE, None),
        "no nonce",
    );
}

#[test]
fn reply_for_another_imprint_is_bad() {
    let req = request(SigningDigest::Sha256, b"data");
    let other = request(SigningDigest::Sha256, b"other data");
    let query = build_request(&other, &NONCE, None).unwrap();
    expect_bad(
        check_response(&reply(&query), &req, &NONCE, None),
        "message imprint",
    );
    let other_alg = request(SigningDigest::Sha384, b"data");
    let query = build_request(&other_alg, &NONCE, None).unwrap();
    expect_bad(
        check_response(&reply(&query), &req, &NONCE, None),
        "imprint algorithm",
    );
}

#[test]
fn reply_under_another_policy_is_bad() {
    // 2.16.704.1.1.1.2.1 is among the TSA's other_policies: granted, but not what was asked.
    let req = request(SigningDigest::Sha256, b"data");
    let other = ObjectIdentifier::new_unwrap("2.16.704.1.1.1.2.1");
    let query = build_request(&req, &NONCE, Some(&other)).unwrap();
    let resp = reply(&query);
    check_response(&resp, &req, &NONCE, Some(&other)).unwrap();
    expect_bad(
        check_response(&resp, &req, &NONCE, Some(&policy())),
        "policy",
    );
}

#[test]
fn rejections_are_refused() {
    let req = request(SigningDigest::Sha256, b"data");
    let unknown = ObjectIdentifier::new_unwrap("1.2.3.4");
    let query = build_request(&req, &NONCE, Some(&unknown)).unwrap();
    match check_response(&reply(&query), &req, &NONCE, Some(&unknown)) {
        Err(TimestampError::Refused(m)) => {
            assert!(m.contains("rejection"), "{m}");
            assert!(m.contains("unacceptedPolicy"), "{m}");
        }
        other => panic!("expected Refused, got {other:?}"),
    }
    // An imprint algorithm the TSA does not accept (SHA3-256: not in tsa.cnf's digests).
    let dir = scratch();
    std::fs::write(dir.path().join("d"), b"data").unwrap();
    openssl(
        &["ts", "-query", "-data", "d", "-sha3-256", "-out", "q.der"],
        dir.path(),
    )
    .unwrap();
    let query = std::fs::read(dir.path().join("q.der")).unwrap();
    match check_response(&reply(&query), &req, &NONCE, None) {
        Err(TimestampError::Refused(m)) => assert!(m.contains("badAlg"), "{m}"),
        other => panic!("expected Refused, got {other:?}"),
    }
}

#[test]
fn token_without_the_tsa_certificate_is_bad() {
    let req = request(SigningDigest::Sha256, b"data");
    let mut tsq = TimeStampReq::from_der(&build_request(&req, &NONCE, None).unwrap()).unwrap();
    tsq.cert_req = false;
    let resp = reply(&tsq.to_der().unwrap());
    expect_bad(
        check_response(&resp, &req, &NONCE, None),
        "does not carry the TSA certificate",
    );
}

/// The token and its TSTInfo of a good reply, extracted by openssl.
fn token_and_tst_info(dir: &Path, req: &TimestampRequest) -> (Vec<u8>, Vec<u8>) {
    let resp = reply(&build_request(req, &NONCE, None).unwrap());
    let token = check_response(&resp, req, &NONCE, None).unwrap();
    std::fs::write(dir.join("tok.der"), &token).unwrap();
    let tst = openssl(
        &[
            "cms",
            "-verify",
            "-noverify",
            "-inform",
            "DER",
            "-in",
            "tok.der",
            "-binary",
        ],
        dir,
    )
    .unwrap();
    (token, tst)
}

/// A token over `tst` signed with `openssl cms -sign -cades` (signed attributes with
/// signingCertificateV2, as RFC 3161 asks) by the PKI's `signer`.
fn cms_token(dir: &Path, tst: &[u8], signer: &str, econtent_type: Option<&str>) -> Vec<u8> {
    let p = pki();
    let cert = p.join(format!("{signer}.pem"));
    let key = p.join(format!("{signer}.key.pem"));
    cms_token_by(dir, tst, &cert, &key, econtent_type, true)
}

/// A token over `tst` signed with `openssl cms -sign` by `cert` and `key`; `cades` adds the
/// signingCertificateV2 attribute.
fn cms_token_by(
    dir: &Path,
    tst: &[u8],
    cert: &Path,
    key: &Path,
    econtent_type: Option<&str>,
    cades: bool,
) -> Vec<u8> {
    std::fs::write(dir.join("tst.der"), tst).unwrap();
    let mut args = vec![
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-nosmimecap",
        "-md",
        "sha256",
        "-in",
        "tst.der",
        "-signer",
        cert.to_str().unwrap(),
        "-inkey",
        key.to_str().unwrap(),
        "-outform",
        "DER",
        "-out",
        "forged.der",
    ];
    if let Some(t) = econtent_type {
        args.extend(["-econtent_type", t]);
    }
    if cades {
        args.push("-cades");
    }
    openssl(&args, dir).unwrap();
    std::fs::read(dir.join("forged.der")).unwrap()
}

#[test]
fn signer_without_the_timestamping_eku_is_bad() {
    // `openssl ts -reply` refuses such a signer, so the token is made with `openssl cms -sign`
    // over a genuine TSTInfo (right imprint and nonce), signed by an ordinary signing
    // certificate (EKU clientAuth + emailProtection).
    let dir = scratch();
    let req = request(SigningDigest::Sha256, b"data");
    let (_, tst) = token_and_tst_info(dir.path(), &req);
    let forged = cms_token(
        dir.path(),
        &tst,
        "ca-nhan",
        Some("1.2.840.113549.1.9.16.1.4"),
    );
    expect_bad(
        check_response(&granted(&forged), &req, &NONCE, None),
        "extendedKeyUsage is not critical",
    );
    // Same key as the TSA but the content typed id-data: not a time-stamp token.
    let data = cms_token(dir.path(), &tst, "tsa", None);
    expect_bad(
        check_response(&granted(&data), &req, &NONCE, None),
        "is not id-ct-TSTInfo",
    );
    // And the genuine one, re-wrapped, passes: the wrapper is not what failed above.
    let good = cms_token(dir.path(), &tst, "tsa", Some("1.2.840.113549.1.9.16.1.4"));
    check_response(&granted(&good), &req, &NONCE, None).unwrap();
}

#[test]
fn token_without_the_signing_certificate_attribute_is_bad() {
    // RFC 3161 §2.4.1: the TSA names its certificate in signingCertificate(V2). The same
    // genuine TSTInfo and TSA key, signed without that attribute (`openssl cms -sign` without
    // `-cades`), is not embedded.
    let dir = scratch();
    let req = request(SigningDigest::Sha256, b"data");
    let (_, tst) = token_and_tst_info(dir.path(), &req);
    let p = pki();
    let bare = cms_token_by(
        dir.path(),
        &tst,
        &p.join("tsa.pem"),
        &p.join("tsa.key.pem"),
        Some("1.2.840.113549.1.9.16.1.4"),
        false,
    );
    expect_bad(
        check_response(&granted(&bare), &req, &NONCE, None),
        "no signingCertificate attribute",
    );
}

#[test]
fn timestamping_eku_with_other_purposes_is_bad() {
    // A critical EKU with timeStamping and codeSigning (self-signed: `openssl ts -reply`
    // refuses such a signer too).
    let dir = scratch();
    let d = dir.path();
    let req = request(SigningDigest::Sha256, b"data");
    let (_, tst) = token_and_tst_info(d, &req);
    let make = |eku: &str, name: &str| {
        openssl(
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.pem"),
                "-subj",
                "/CN=kyso test TSA",
                "-days",
                "2",
                "-addext",
                &format!("extendedKeyUsage={eku}"),
            ],
            d,
        )
        .unwrap();
        let tst_oid = Some("1.2.840.113549.1.9.16.1.4");
        cms_token_by(
            d,
            &tst,
            &d.join(format!("{name}.pem")),
            &d.join(format!("{name}.key")),
            tst_oid,
            true,
        )
    };
    let two = make("critical,timeStamping,codeSigning", "two");
    expect_bad(
        check_response(&granted(&two), &req, &NONCE, None),
        "not only id-kp-timeStamping",
    );
    // The same with only timeStamping passes: the chain is not this function's business.
    let only = make("critical,timeStamping", "only");
    check_response(&granted(&only), &req, &NONCE, None).unwrap();
}

#[test]
fn tampered_token_is_bad() {
    let dir = scratch();
    let req = request(SigningDigest::Sha256, b"data");
    let (token, _) = token_and_tst_info(dir.path(), &req);
    // The last bytes are the SignerInfo's signature value.
    let mut sig = token.clone();
    let last = sig.len() - 1;
    sig[last] ^= 0x01;
    expect_bad(
        check_response(&granted(&sig), &req, &NONCE, None),
        "signature",
    );
}

#[test]
fn truncated_and_corrupted_replies_never_panic() {
    let req = request(SigningDigest::Sha256, b"data");
    let resp = reply(&build_request(&req, &NONCE, None).unwrap());
    for n in 0..resp.len() {
        match check_response(&resp[..n], &req, &NONCE, None) {
            Err(TimestampError::BadResponse(_)) => {}
            other => panic!("truncated to {n}: {other:?}"),
        }
    }
    let mut trailing = resp.clone();
    trailing.extend_from_slice(b"\x00junk");
    assert!(matches!(
        check_response(&trailing, &req, &NONCE, None),
        Err(TimestampError::BadResponse(_))
    ));
    // Bit flips anywhere: an error or (in unsigned parts such as a certificate's signature
    // bytes) a token, never a panic.
    for i in (0..resp.len()).step_by(5) {
        let mut bad = resp.clone();
        bad[i] ^= 0x40;
        let _ = check_response(&bad, &req, &NONCE, None);
    }
}
