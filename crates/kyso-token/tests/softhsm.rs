//! PKCS#11 tests on real SoftHSM2 tokens: listing, login, key generation, PKCS#10 requests,
//! signing through every mechanism path, certificate matching and import.
//!
//! Each test runs in its own child process with its own token directory (see
//! `common::softhsm_test`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Env, PIN, issue, load_cert, make_ca, openssl, softhsm_test, verify, verify_spki};
use der::{Decode, Encode};
use kyso_token::keygen::{
    KeySpec, SubjectName, certificate_matches_request, certification_request, generate_key_pair,
    import_certificate, renewal_request,
};
use kyso_token::pkcs11::{
    KeyOptions, KeySelector, LoginOptions, Module, Pkcs11Signer, RsaMechanism, SignerOptions,
    TokenSession,
};
use kyso_token::{KeyType, PinSource, SignatureScheme, Signer, TokenError, Zeroizing};
use x509_cert::request::CertReq;

const MSG: &[u8] = b"signed attributes stand-in: \xe1\xbb\x9d";

fn module() -> Module {
    Module::from_env().unwrap()
}

fn logged_in(label: &str) -> TokenSession {
    let s = TokenSession::open(&module(), label).unwrap();
    s.login(
        PinSource::Env("KYSO_TEST_PIN".into()),
        LoginOptions::default(),
    )
    .unwrap();
    s
}

/// Generate a key, make a request for it, and have the test CA issue a certificate.
fn key_with_certificate(env: &Env, s: &TokenSession, spec: KeySpec, label: &str) -> Vec<u8> {
    let generated = generate_key_pair(s, spec, label, None).unwrap();
    let key = s.key(&generated.selector(), KeyOptions::default()).unwrap();
    let subject = SubjectName::parse(&format!("CN={label},O=Kyso Test,C=VN")).unwrap();
    let csr = certification_request(&key, &subject).unwrap();
    let csr_path = env.path(&format!("{label}.csr"));
    std::fs::write(&csr_path, csr.to_pem().unwrap()).unwrap();
    issue(&env.dir, &csr_path, &format!("{label}.pem"));
    generated.id
}

#[test]
fn list_tokens_by_label_with_flags() {
    softhsm_test("list_tokens_by_label_with_flags", |_env| {
        let m = module();
        let tokens = kyso_token::pkcs11::list_tokens(&m).unwrap();
        for label in common::TOKENS {
            let t = tokens
                .iter()
                .find(|t| t.label == label)
                .unwrap_or_else(|| panic!("{label} listed in {tokens:?}"));
            assert!(t.flags.login_required);
            assert!(t.flags.token_initialized);
            assert!(t.flags.user_pin_initialized);
            assert!(!t.flags.user_pin_locked);
            assert!(!t.flags.so_pin_locked);
            assert!(t.manufacturer.contains("SoftHSM"), "{t:?}");
            assert!(!t.serial.is_empty());
        }
        let found = m.find_token("kyso-b").unwrap();
        assert_eq!(found.label, "kyso-b");

        let err = m.find_token("no-such-token").unwrap_err();
        assert!(matches!(err, TokenError::TokenNotFound { .. }), "{err}");
        assert_eq!(err.code(), 4010);
        assert!(err.to_string().contains("kyso-a"), "{err}");

        // Opening the same module twice shares the initialised context.
        assert_eq!(Module::from_env().unwrap().path(), m.path());
    });
}

#[test]
fn rsa_keygen_request_and_signing_paths() {
    softhsm_test("rsa_keygen_request_and_signing_paths", |env| {
        make_ca(&env.dir);
        let s = logged_in("kyso-a");
        let generated = generate_key_pair(&s, KeySpec::Rsa2048, "chu-ky", None).unwrap();
        assert_eq!(generated.id.len(), 20);

        // A second key with the same label is refused: labels select keys.
        let dup = generate_key_pair(&s, KeySpec::Rsa2048, "chu-ky", None).unwrap_err();
        assert_eq!(dup.code(), 4071, "{dup}");

        // PKCS#10 with a Vietnamese subject, signed on the token.
        let key = s.key(&generated.selector(), KeyOptions::default()).unwrap();
        assert_eq!(key.key_type(), (KeyType::Rsa, 2048));
        assert_eq!(key.mechanism_name(), "CKM_SHA256_RSA_PKCS");
        let subject = SubjectName::parse(
            "CN=Nguyễn Văn Á,UID=CMND:012345678,OU=Phòng Hành chính,O=Sở Khoa học và Công nghệ Hà Nội,L=Hà Nội,C=VN",
        )
        .unwrap();
        let csr = certification_request(&key, &subject).unwrap();
        let csr_path = env.path("chu-ky.csr");
        std::fs::write(&csr_path, csr.to_pem().unwrap()).unwrap();
        std::fs::write(env.path("chu-ky.csr.der"), csr.to_der()).unwrap();
        let out = openssl(
            &env.dir,
            &[
                "req",
                "-in",
                "chu-ky.csr",
                "-verify",
                "-noout",
                "-subject",
                "-nameopt",
                "utf8",
            ],
        );
        assert!(out.contains("Nguyễn Văn Á"), "{out}");
        assert!(out.contains("Sở Khoa học và Công nghệ Hà Nội"), "{out}");
        openssl(
            &env.dir,
            &[
                "req",
                "-inform",
                "DER",
                "-in",
                "chu-ky.csr.der",
                "-verify",
                "-noout",
            ],
        );
        // The same self-signature checked with the rsa crate.
        let req = CertReq::from_der(csr.to_der()).unwrap();
        verify_spki(
            &req.info.public_key.to_der().unwrap(),
            SignatureScheme::RsaPkcs1Sha256,
            &req.info.to_der().unwrap(),
            req.signature.raw_bytes(),
        );

        // The CA's answer, supplied from a file (the token holds no certificate yet).
        let cert_path = issue(&env.dir, &csr_path, "chu-ky.pem");
        let cert = load_cert(&cert_path);
        assert!(certificate_matches_request(&cert, &csr).unwrap());
        let from_file = kyso_token::load_certificates(&cert_path).unwrap();
        let ca = load_cert(&env.path("ca.pem"));

        let mut opts = SignerOptions::by_label("chu-ky");
        opts.certificate = Some(from_file[0].clone());
        opts.chain = vec![ca.clone()];
        let hashed = s.signer(opts.clone()).unwrap();
        assert_eq!(hashed.key().mechanism_name(), "CKM_SHA256_RSA_PKCS");
        assert_eq!(hashed.scheme(), SignatureScheme::RsaPkcs1Sha256);
        assert_eq!(hashed.max_signature_len(), 256);
        assert_eq!(hashed.chain().len(), 1);
        let sig_hashed = hashed.sign(MSG).unwrap();
        verify(
            hashed.certificate(),
            SignatureScheme::RsaPkcs1Sha256,
            MSG,
            &sig_hashed,
        );

        // Forced CKM_RSA_PKCS over a DigestInfo built here: PKCS#1 v1.5 is deterministic,
        // so the very same signature.
        let mut raw_opts = opts.clone();
        raw_opts.key_options.rsa_mechanism = RsaMechanism::Raw;
        let raw = s.signer(raw_opts).unwrap();
        assert_eq!(raw.key().mechanism_name(), "CKM_RSA_PKCS");
        let sig_raw = raw.sign(MSG).unwrap();
        assert_eq!(sig_raw, sig_hashed);
        verify(
            raw.certificate(),
            SignatureScheme::RsaPkcs1Sha256,
            MSG,
            &sig_raw,
        );

        // SHA-384, both paths.
        for mech in [RsaMechanism::Auto, RsaMechanism::Raw] {
            let mut o = opts.clone();
            o.key_options = KeyOptions {
                scheme: Some(SignatureScheme::RsaPkcs1Sha384),
                rsa_mechanism: mech,
            };
            let signer = s.signer(o).unwrap();
            let sig = signer.sign(MSG).unwrap();
            verify(&cert, SignatureScheme::RsaPkcs1Sha384, MSG, &sig);
        }

        // RSA-PSS, both paths.
        for (mech, name) in [
            (RsaMechanism::Auto, "CKM_SHA256_RSA_PKCS_PSS"),
            (RsaMechanism::Raw, "CKM_RSA_PKCS_PSS"),
        ] {
            let mut o = opts.clone();
            o.key_options = KeyOptions {
                scheme: Some(SignatureScheme::RsaPssSha256),
                rsa_mechanism: mech,
            };
            let signer = s.signer(o).unwrap();
            assert_eq!(signer.key().mechanism_name(), name);
            let sig = signer.sign(MSG).unwrap();
            verify(&cert, SignatureScheme::RsaPssSha256, MSG, &sig);
        }

        // An ECDSA scheme does not fit an RSA key.
        let mut o = opts.clone();
        o.key_options.scheme = Some(SignatureScheme::EcdsaP256Sha256);
        assert_eq!(s.signer(o).unwrap_err().code(), 4042);

        // A certificate for another key is refused.
        let mut wrong = opts.clone();
        wrong.certificate = Some(ca.clone());
        let err = s.signer(wrong).unwrap_err();
        assert!(
            matches!(err, TokenError::CertificateMismatch { .. }),
            "{err}"
        );
        assert_eq!(err.code(), 4033);

        // Without a file and without a token certificate: typed error.
        let err = s.signer(SignerOptions::by_label("chu-ky")).unwrap_err();
        assert!(
            matches!(err, TokenError::CertificateNotFound { .. }),
            "{err}"
        );

        // Import refuses a certificate of another key, accepts the right one, and then the
        // signer finds it on the token by CKA_ID.
        let err = import_certificate(&s, &ca, &generated.id, "chu-ky").unwrap_err();
        assert_eq!(err.code(), 4033);
        import_certificate(&s, &cert, &generated.id, "chu-ky").unwrap();
        import_certificate(&s, &cert, &generated.id, "chu-ky").unwrap(); // idempotent
        let on_token = s.signer(SignerOptions::by_label("chu-ky")).unwrap();
        assert_eq!(on_token.certificate(), &cert);
        verify(
            &cert,
            SignatureScheme::RsaPkcs1Sha256,
            MSG,
            &on_token.sign(MSG).unwrap(),
        );

        // By id too.
        let by_id = s
            .signer(SignerOptions::new(
                KeySelector::id_hex(&hex::encode(&generated.id)).unwrap(),
            ))
            .unwrap();
        assert_eq!(by_id.key().label(), "chu-ky");

        // Listing pairs key and certificate by CKA_ID.
        let keys = s.keys().unwrap();
        let entry = keys.iter().find(|k| k.label == "chu-ky").unwrap();
        assert_eq!(entry.id, hex::encode(&generated.id));
        assert_eq!(entry.key_type, KeyType::Rsa);
        assert_eq!(entry.key_bits, Some(2048));
        assert!(entry.has_private_key);
        assert_eq!(entry.certificate.as_ref(), Some(&cert));

        // Without login (a fresh process would see the same): public objects only. Logging
        // out affects every session of this process on the token.
        s.logout().unwrap();
        let public = TokenSession::open(&module(), "kyso-a")
            .unwrap()
            .keys()
            .unwrap();
        let entry = public
            .iter()
            .find(|k| k.id == hex::encode(&generated.id))
            .unwrap();
        assert!(!entry.has_private_key);
        assert!(entry.certificate.is_some());
        assert_eq!(entry.key_bits, Some(2048));
    });
}

#[test]
fn ecdsa_p256_on_token() {
    softhsm_test("ecdsa_p256_on_token", |env| {
        make_ca(&env.dir);
        let s = logged_in("kyso-a");
        let id = key_with_certificate(env, &s, KeySpec::EcP256, "ec-key");
        openssl(&env.dir, &["req", "-in", "ec-key.csr", "-verify", "-noout"]);
        let cert = load_cert(&env.path("ec-key.pem"));

        let mut opts = SignerOptions::new(KeySelector::Id(id));
        opts.certificate = Some(cert.clone());
        let signer = s.signer(opts).unwrap();
        assert_eq!(signer.scheme(), SignatureScheme::EcdsaP256Sha256);
        assert_eq!(signer.key().mechanism_name(), "CKM_ECDSA");
        assert_eq!(signer.key().key_type(), (KeyType::EcP256, 256));
        for _ in 0..8 {
            let sig = signer.sign(MSG).unwrap();
            assert!(sig.len() <= signer.max_signature_len());
            verify(&cert, SignatureScheme::EcdsaP256Sha256, MSG, &sig);
        }
        // An RSA scheme does not fit.
        let err = s
            .key(
                &KeySelector::Label("ec-key".into()),
                KeyOptions {
                    scheme: Some(SignatureScheme::RsaPkcs1Sha256),
                    ..KeyOptions::default()
                },
            )
            .unwrap_err();
        assert!(matches!(err, TokenError::SchemeMismatch { .. }), "{err}");
    });
}

#[test]
fn wrong_pin_is_typed_and_tried_once() {
    softhsm_test("wrong_pin_is_typed_and_tried_once", |_env| {
        let s = TokenSession::open(&module(), "kyso-b").unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let wrong = "999999";
        let err = s
            .login(
                PinSource::Callback(Box::new(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                    Ok(Zeroizing::new(wrong.to_string()))
                })),
                LoginOptions::default(),
            )
            .unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 1, "the PIN is asked for once");
        let TokenError::WrongPin { state } = &err else {
            panic!("expected WrongPin, got {err:?}");
        };
        assert!(!state.locked);
        assert_eq!(err.code(), 4020);
        let text = err.to_string();
        assert!(text.starts_with("wrong PIN; "), "{text}");
        assert!(!text.contains(wrong) && !format!("{err:?}").contains(wrong));

        // The messages for the PIN states the token can report.
        let one_left = TokenError::WrongPin {
            state: kyso_token::PinState {
                count_low: true,
                final_try: true,
                locked: false,
            },
        };
        assert_eq!(
            one_left.to_string(),
            "wrong PIN; one try left before the token locks"
        );

        // Nothing was retried behind our back: the right PIN still logs in.
        s.login(PinSource::value(PIN), LoginOptions::default())
            .unwrap();
        let state = s.pin_state().unwrap();
        assert!(!state.locked && !state.final_try);

        // A missing environment variable is a typed error, and no PIN is tried.
        let err = TokenSession::open(&module(), "kyso-b")
            .unwrap()
            .login(
                PinSource::Env("KYSO_NO_SUCH_PIN_VARIABLE".into()),
                LoginOptions::default(),
            )
            .unwrap_err();
        assert!(matches!(err, TokenError::PinUnavailable { .. }), "{err}");

        // Pkcs11Signer::open tries the PIN once too.
        let err = Pkcs11Signer::open(
            &module(),
            "kyso-a",
            PinSource::value("000000"),
            SignerOptions::by_label("x"),
        )
        .unwrap_err();
        assert_eq!(err.code(), 4020, "{err}");
    });
}

#[test]
fn missing_key_is_typed() {
    softhsm_test("missing_key_is_typed", |_env| {
        let s = logged_in("kyso-a");
        let err = s
            .key(
                &KeySelector::Label("khong-co".into()),
                KeyOptions::default(),
            )
            .unwrap_err();
        assert!(matches!(err, TokenError::KeyNotFound { .. }), "{err}");
        assert_eq!(err.code(), 4030);
        assert!(err.to_string().contains("khong-co"), "{err}");

        let err = Pkcs11Signer::open(
            &module(),
            "kyso-a",
            PinSource::value(PIN),
            SignerOptions::new(KeySelector::Id(vec![0xde, 0xad])),
        )
        .unwrap_err();
        assert!(matches!(err, TokenError::KeyNotFound { .. }), "{err}");
        assert!(err.to_string().contains("dead"), "{err}");

        // A PKCS#11 failure keeps the CKR_ name, number and function.
        let s = TokenSession::open(&module(), "kyso-b").unwrap();
        let err =
            generate_key_pair(&s, KeySpec::Rsa2048, "not-logged-in", Some(vec![1])).unwrap_err();
        let failure = err.pkcs11_failure().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(failure.function, "C_GenerateKeyPair");
        assert_eq!(failure.rv_name, "CKR_USER_NOT_LOGGED_IN");
        assert_eq!(failure.rv, 0x101);
        assert!(
            err.to_string()
                .contains("C_GenerateKeyPair returned CKR_USER_NOT_LOGGED_IN (0x101)")
        );
    });
}

/// Delete the public key objects with `id`, leaving the private key alone on the token
/// (like cards that keep only the private key and a compressed certificate).
fn remove_public_keys(label: &str, id: &[u8]) {
    use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
    use cryptoki::object::{Attribute, ObjectClass};
    use cryptoki::session::UserType;
    use cryptoki::types::AuthPin;
    let path = std::env::var_os("KYSO_PKCS11_MODULE").map_or_else(
        || kyso_token::pkcs11::SOFTHSM_MODULE.into(),
        std::path::PathBuf::from,
    );
    let ctx = Pkcs11::new(path).unwrap();
    // kyso's Module may already have initialised the library in this process.
    let _ = ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK));
    let slot = ctx
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| ctx.get_token_info(*s).unwrap().label() == label)
        .unwrap();
    let session = ctx.open_rw_session(slot).unwrap();
    session
        .login(UserType::User, Some(&AuthPin::new(PIN.into())))
        .unwrap();
    let handles = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Id(id.to_vec()),
        ])
        .unwrap();
    assert_eq!(handles.len(), 1);
    session.destroy_object(handles[0]).unwrap();
}

#[test]
fn private_key_only_with_certificate_from_file() {
    softhsm_test("private_key_only_with_certificate_from_file", |env| {
        let (rsa_key, rsa_cert) =
            common::self_signed(&env.dir, "rsa", &["rsa:2048"], "Chỉ khóa RSA");
        let (ec_key, ec_cert) = common::self_signed(
            &env.dir,
            "ec",
            &["ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "Chỉ khóa EC",
        );
        for (key, label, id) in [(&rsa_key, "rsa-only", "0a"), (&ec_key, "ec-only", "0b")] {
            common::run_ok(
                std::process::Command::new("softhsm2-util")
                    .arg("--import")
                    .arg(key)
                    .args([
                        "--token", "kyso-a", "--label", label, "--id", id, "--pin", PIN,
                    ]),
            );
        }
        remove_public_keys("kyso-a", &[0x0a]);
        remove_public_keys("kyso-a", &[0x0b]);
        let s = logged_in("kyso-a");
        let rsa_cert = load_cert(&rsa_cert);
        let ec_cert = load_cert(&ec_cert);

        // The listing still knows type and size from the private keys' own attributes.
        let keys = s.keys().unwrap();
        let rsa_entry = keys.iter().find(|k| k.label == "rsa-only").unwrap();
        assert_eq!(
            (rsa_entry.key_type, rsa_entry.key_bits),
            (KeyType::Rsa, Some(2048))
        );
        assert!(rsa_entry.certificate.is_none());
        let ec_entry = keys.iter().find(|k| k.label == "ec-only").unwrap();
        assert_eq!(
            (ec_entry.key_type, ec_entry.key_bits),
            (KeyType::EcP256, Some(256))
        );

        // RSA: matched by modulus and exponent read from the private key.
        let err = s.signer(SignerOptions::by_label("rsa-only")).unwrap_err();
        assert!(
            matches!(err, TokenError::CertificateNotFound { .. }),
            "{err}"
        );
        let mut opts = SignerOptions::by_label("rsa-only");
        opts.certificate = Some(ec_cert.clone());
        assert_eq!(s.signer(opts.clone()).unwrap_err().code(), 4033);
        opts.certificate = Some(rsa_cert.clone());
        let signer = s.signer(opts).unwrap();
        verify(
            &rsa_cert,
            SignatureScheme::RsaPkcs1Sha256,
            MSG,
            &signer.sign(MSG).unwrap(),
        );

        // EC: no point on the token, so the certificate supplies it; the type is checked.
        let err = s.signer(SignerOptions::by_label("ec-only")).unwrap_err();
        assert!(
            matches!(err, TokenError::CertificateNotFound { .. }),
            "{err}"
        );
        let mut opts = SignerOptions::by_label("ec-only");
        opts.certificate = Some(rsa_cert.clone());
        assert_eq!(s.signer(opts.clone()).unwrap_err().code(), 4033);
        opts.certificate = Some(ec_cert.clone());
        let signer = s.signer(opts).unwrap();
        verify(
            &ec_cert,
            SignatureScheme::EcdsaP256Sha256,
            MSG,
            &signer.sign(MSG).unwrap(),
        );
    });
}

#[test]
fn renewal_request_keeps_the_subject_and_the_current_key() {
    softhsm_test(
        "renewal_request_keeps_the_subject_and_the_current_key",
        |env| {
            make_ca(&env.dir);
            let s = logged_in("kyso-a");
            // The current certificate, with a Vietnamese subject (UTF8String) and a title.
            let current = generate_key_pair(&s, KeySpec::EcP256, "hien-tai", None).unwrap();
            let key = s.key(&current.selector(), KeyOptions::default()).unwrap();
            let subject =
                SubjectName::parse("CN=Nguyễn Văn An,title=Giám đốc,O=Sở KH&CN tỉnh Gia Lai,C=VN")
                    .unwrap();
            let csr = certification_request(&key, &subject).unwrap();
            std::fs::write(env.path("hien-tai.csr"), csr.to_pem().unwrap()).unwrap();
            let cert_path = issue(&env.dir, &env.path("hien-tai.csr"), "hien-tai.pem");
            let cert = load_cert(&cert_path);

            // Without the certificate on the token, it has to be given.
            let err = renewal_request(&s, &current.selector(), None, "gia-han", None).unwrap_err();
            assert!(
                matches!(err, TokenError::CertificateNotFound { .. }),
                "{err}"
            );
            import_certificate(&s, &cert, &current.id, "hien-tai").unwrap();

            let renewal = renewal_request(
                &s,
                &KeySelector::Label("hien-tai".into()),
                None,
                "gia-han",
                None,
            )
            .unwrap();
            assert_eq!(renewal.current, cert);
            assert_eq!(
                renewal.key.spec,
                KeySpec::EcP256,
                "same kind as the current key"
            );
            assert_ne!(renewal.key.id, current.id);
            // The request: valid proof of possession (OpenSSL), the subject byte for byte, a new key.
            std::fs::write(env.path("gia-han.csr"), renewal.request.to_pem().unwrap()).unwrap();
            openssl(
                &env.dir,
                &["req", "-in", "gia-han.csr", "-verify", "-noout"],
            );
            let req = CertReq::from_der(renewal.request.to_der()).unwrap();
            assert_eq!(
                req.info.subject.to_der().unwrap(),
                cert.tbs_certificate().subject().to_der().unwrap()
            );
            assert_ne!(
                req.info.public_key,
                *cert.tbs_certificate().subject_public_key_info()
            );
            // The current key still signs with its certificate; the new one gets its own.
            let signer = s
                .signer(SignerOptions::new(KeySelector::Label("hien-tai".into())))
                .unwrap();
            verify(&cert, signer.scheme(), MSG, &signer.sign(MSG).unwrap());
            let renewed = load_cert(&issue(&env.dir, &env.path("gia-han.csr"), "gia-han.pem"));
            assert!(certificate_matches_request(&renewed, &renewal.request).unwrap());
            // The label is taken now; a second renewal under it is refused; an RSA override works.
            let dup = renewal_request(&s, &current.selector(), None, "gia-han", None).unwrap_err();
            assert_eq!(dup.code(), 4071, "{dup}");
            let rsa = renewal_request(
                &s,
                &current.selector(),
                None,
                "gia-han-rsa",
                Some(KeySpec::Rsa2048),
            )
            .unwrap();
            assert_eq!(rsa.key.spec, KeySpec::Rsa2048);
        },
    );
}
