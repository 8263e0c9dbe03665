//! Wycheproof vectors through `kyso_policy::algorithms::verify_signature`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use der::{Decode, Encode, asn1::Any};
use kyso_policy::algorithms::{oids, verify_signature};
use serde_json::Value;
use spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpora/wycheproof/testvectors_v1/"
);

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn load(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DIR}{name}")).unwrap()).unwrap()
}

fn sha_oid(name: &str) -> ObjectIdentifier {
    match name {
        "SHA-1" => oids::SHA1,
        "SHA-224" => oids::SHA224,
        "SHA-256" => oids::SHA256,
        "SHA-384" => oids::SHA384,
        "SHA-512" => oids::SHA512,
        other => panic!("unexpected hash {other}"),
    }
}

fn alg(oid: ObjectIdentifier, params: Option<Any>) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: params,
    }
}

fn hash_ai(oid: ObjectIdentifier) -> AlgorithmIdentifierOwned {
    alg(oid, Some(Any::null()))
}

/// DER of RSASSA-PSS-params with explicit fields.
fn pss_params(hash: ObjectIdentifier, mgf_hash: ObjectIdentifier, salt: u32) -> Any {
    let h = hash_ai(hash).to_der().unwrap();
    let mgf_inner = Any::from_der(&hash_ai(mgf_hash).to_der().unwrap()).unwrap();
    let mgf = alg(oids::MGF1, Some(mgf_inner)).to_der().unwrap();
    let salt_der = salt.to_der().unwrap();
    let mut body = Vec::new();
    for (tag, inner) in [(0xa0u8, h), (0xa1, mgf), (0xa2, salt_der)] {
        body.push(tag);
        body.push(u8::try_from(inner.len()).unwrap());
        body.extend(inner);
    }
    let mut seq = vec![0x30, u8::try_from(body.len()).unwrap()];
    seq.extend(body);
    Any::from_der(&seq).unwrap()
}

#[derive(Default, Debug)]
struct Counts {
    valid_ok: usize,
    invalid_rejected: usize,
    acceptable: usize,
    failures: Vec<String>,
}

fn run(file: &str, counts: &mut Counts, sig_alg_for: &dyn Fn(&Value) -> AlgorithmIdentifierOwned) {
    let v = load(file);
    for g in v["testGroups"].as_array().unwrap() {
        let spki_der = hex(g["publicKeyDer"].as_str().unwrap());
        let spki = match SubjectPublicKeyInfoOwned::from_der(&spki_der) {
            Ok(s) => s,
            Err(e) => {
                counts.failures.push(format!("{file}: SPKI parse {e}"));
                continue;
            }
        };
        let sig_alg = sig_alg_for(g);
        for t in g["tests"].as_array().unwrap() {
            let msg = hex(t["msg"].as_str().unwrap());
            let sig = hex(t["sig"].as_str().unwrap());
            let result = t["result"].as_str().unwrap();
            let ok = match verify_signature(&spki, &sig_alg, None, &msg, &sig) {
                Ok(c) => c.valid,
                Err(_) => false,
            };
            match (result, ok) {
                ("valid", true) => counts.valid_ok += 1,
                ("invalid", false) => counts.invalid_rejected += 1,
                ("acceptable", _) => counts.acceptable += 1,
                _ => counts.failures.push(format!(
                    "{file} tc {} ({}): expected {result}, got {ok}",
                    t["tcId"], t["comment"]
                )),
            }
        }
    }
}

fn report(name: &str, c: &Counts) {
    println!(
        "{name}: valid accepted {}, invalid rejected {}, acceptable {}, failures {}",
        c.valid_ok,
        c.invalid_rejected,
        c.acceptable,
        c.failures.len()
    );
    for f in c.failures.iter().take(20) {
        println!("  {f}");
    }
    assert!(
        c.failures.is_empty(),
        "{name}: {} failures",
        c.failures.len()
    );
    assert!(c.valid_ok > 0);
}

#[test]
fn rsa_pkcs1v15() {
    let mut c = Counts::default();
    for bits in [2048, 3072, 4096] {
        for sha in [256, 384, 512] {
            let f = format!("rsa_signature_{bits}_sha{sha}_test.json");
            run(&f, &mut c, &|g| {
                let oid = match g["sha"].as_str().unwrap() {
                    "SHA-256" => oids::SHA256_WITH_RSA,
                    "SHA-384" => oids::SHA384_WITH_RSA,
                    "SHA-512" => oids::SHA512_WITH_RSA,
                    o => panic!("{o}"),
                };
                alg(oid, Some(Any::null()))
            });
        }
    }
    report("RSA PKCS#1 v1.5", &c);
}

#[test]
fn rsa_pkcs1v15_via_rsa_encryption_and_digest_oid() {
    // The CMS style: signatureAlgorithm = rsaEncryption, digest given separately.
    let v = load("rsa_signature_2048_sha256_test.json");
    let (mut ok, mut bad) = (0, 0);
    for g in v["testGroups"].as_array().unwrap() {
        let spki =
            SubjectPublicKeyInfoOwned::from_der(&hex(g["publicKeyDer"].as_str().unwrap())).unwrap();
        for t in g["tests"].as_array().unwrap() {
            let r = verify_signature(
                &spki,
                &alg(oids::RSA_ENCRYPTION, Some(Any::null())),
                Some(&oids::SHA256),
                &hex(t["msg"].as_str().unwrap()),
                &hex(t["sig"].as_str().unwrap()),
            )
            .map(|c| c.valid)
            .unwrap_or(false);
            match (t["result"].as_str().unwrap(), r) {
                ("valid", true) | ("invalid", false) => ok += 1,
                ("acceptable", _) => {}
                _ => bad += 1,
            }
        }
    }
    println!("rsaEncryption+SHA-256: {ok} ok, {bad} wrong");
    assert_eq!(bad, 0);
    // Without the digest OID it is a usage error.
    let spki = SubjectPublicKeyInfoOwned::from_der(&hex(v["testGroups"][0]["publicKeyDer"]
        .as_str()
        .unwrap()))
    .unwrap();
    assert!(
        verify_signature(
            &spki,
            &alg(oids::RSA_ENCRYPTION, None),
            None,
            b"",
            &[0; 256]
        )
        .is_err()
    );
}

#[test]
fn rsa_pss() {
    let mut c = Counts::default();
    let files: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("rsa_pss_") && n.ends_with("_test.json"))
        .collect();
    assert!(!files.is_empty());
    for f in &files {
        run(f, &mut c, &|g| {
            assert_eq!(g["mgf"].as_str().unwrap(), "MGF1");
            let salt = u32::try_from(g["sLen"].as_u64().unwrap()).unwrap();
            let params = pss_params(
                sha_oid(g["sha"].as_str().unwrap()),
                sha_oid(g["mgfSha"].as_str().unwrap()),
                salt,
            );
            alg(oids::RSASSA_PSS, Some(params))
        });
    }
    report(&format!("RSA-PSS ({} files)", files.len()), &c);
}

#[test]
fn ecdsa_der() {
    let mut c = Counts::default();
    for f in [
        "ecdsa_secp256r1_sha256_test.json",
        "ecdsa_secp256r1_sha512_test.json",
        "ecdsa_secp384r1_sha256_test.json",
        "ecdsa_secp384r1_sha384_test.json",
    ] {
        run(f, &mut c, &|g| {
            let oid = match g["sha"].as_str().unwrap() {
                "SHA-256" => oids::ECDSA_SHA256,
                "SHA-384" => oids::ECDSA_SHA384,
                "SHA-512" => oids::ECDSA_SHA512,
                o => panic!("{o}"),
            };
            alg(oid, None)
        });
    }
    report("ECDSA P-256/P-384 DER", &c);
}
