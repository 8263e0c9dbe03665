//! Test fixtures: SoftHSM2 tokens in a private directory, OpenSSL-made keys and certificates,
//! and signature checks with the RustCrypto crates.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use der::{Decode, DecodePem, Encode};
use kyso_token::SignatureScheme;
use spki::DecodePublicKey;
use x509_cert::Certificate;

/// The user PIN of the test tokens.
pub const PIN: &str = "123456";
/// The SO PIN of the test tokens.
pub const SO_PIN: &str = "12345678";
/// Token labels created for every SoftHSM test.
pub const TOKENS: [&str; 2] = ["kyso-a", "kyso-b"];

const CHILD_ENV: &str = "KYSO_TOKEN_TEST_DIR";

/// A test's own SoftHSM token directory and OpenSSL work directory.
pub struct Env {
    pub dir: PathBuf,
}

impl Env {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

fn module_path() -> PathBuf {
    std::env::var_os("KYSO_PKCS11_MODULE")
        .map_or_else(|| kyso_token::pkcs11::SOFTHSM_MODULE.into(), PathBuf::from)
}

/// Run `body` against fresh SoftHSM tokens.
///
/// SoftHSM reads `SOFTHSM2_CONF` once, at `C_Initialize`, and a module is initialised once per
/// process; setting the variable from a running multi-threaded test is not sound. So the test
/// binary runs itself again for this one test, with the variable set for the child only, and
/// the child runs `body`. `name` is the test function's name.
pub fn softhsm_test(name: &str, body: impl FnOnce(&Env)) {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        body(&Env { dir: dir.into() });
        return;
    }
    if std::env::var("KYSO_SKIP_SOFTHSM").as_deref() == Ok("1") {
        eprintln!("{name}: skipped (KYSO_SKIP_SOFTHSM=1)");
        return;
    }
    let module = module_path();
    let util = Command::new("softhsm2-util").arg("--version").output();
    if !module.exists() || util.is_err() {
        panic!(
            "SoftHSM2 is missing (module {} / softhsm2-util): run `bash tests/setup.sh` \
             from the repository root, or set KYSO_SKIP_SOFTHSM=1 to skip these tests",
            module.display()
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let tokens = dir.join("tokens");
    std::fs::create_dir(&tokens).unwrap();
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
            tokens.display()
        ),
    )
    .unwrap();
    for label in TOKENS {
        run_ok(
            Command::new("softhsm2-util")
                .env("SOFTHSM2_CONF", &conf)
                .args(["--init-token", "--free", "--label", label])
                .args(["--so-pin", SO_PIN, "--pin", PIN]),
        );
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env("SOFTHSM2_CONF", &conf)
        .env(CHILD_ENV, &dir)
        .env("KYSO_TEST_PIN", PIN)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "test {name} failed in its SoftHSM child process:\n{stdout}\n{stderr}"
    );
    // A misspelt name would run nothing and "pass".
    assert!(
        stdout.contains("1 passed"),
        "child did not run {name}:\n{stdout}"
    );
}

/// Run a command, panic with its output when it fails, return stdout.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `openssl ARGS` in `dir`.
pub fn openssl(dir: &Path, args: &[&str]) -> String {
    run_ok(Command::new("openssl").current_dir(dir).args(args))
}

/// A CA in `dir`: `ca.key`, `ca.pem` (EC P-256: fast to make; its type does not matter).
pub fn make_ca(dir: &Path) -> PathBuf {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "30",
            "-subj",
            "/C=VN/O=Kyso Test/CN=Kyso Test CA",
        ],
    );
    dir.join("ca.pem")
}

/// Issue a certificate for the request at `csr` with the CA made by [`make_ca`].
pub fn issue(dir: &Path, csr: &Path, out: &str) -> PathBuf {
    static SERIAL: AtomicU64 = AtomicU64::new(1000);
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed).to_string();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            csr.to_str().unwrap(),
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            &serial,
            "-days",
            "30",
            "-out",
            out,
        ],
    );
    dir.join(out)
}

/// A self-signed key and certificate made by `openssl req -x509`: `NAME.key`, `NAME.pem`.
/// `newkey` is e.g. `rsa:2048` or `ec`.
pub fn self_signed(dir: &Path, name: &str, newkey: &[&str], cn: &str) -> (PathBuf, PathBuf) {
    let key = format!("{name}.key");
    let cert = format!("{name}.pem");
    let mut args = vec!["req", "-x509", "-newkey"];
    args.extend_from_slice(newkey);
    let subj = format!("/C=VN/O=Kyso Test/CN={cn}");
    args.extend_from_slice(&[
        "-nodes", "-keyout", &key, "-out", &cert, "-days", "30", "-subj", &subj,
    ]);
    openssl(dir, &args);
    (dir.join(key), dir.join(cert))
}

/// A key signed by the CA: `NAME.key`, `NAME.csr`, `NAME.pem`.
pub fn ca_issued(dir: &Path, name: &str, newkey: &[&str], cn: &str) -> (PathBuf, PathBuf) {
    let key = format!("{name}.key");
    let csr = format!("{name}.csr");
    let mut args = vec!["req", "-new", "-newkey"];
    args.extend_from_slice(newkey);
    let subj = format!("/C=VN/O=Kyso Test/CN={cn}");
    args.extend_from_slice(&["-nodes", "-keyout", &key, "-out", &csr, "-subj", &subj]);
    openssl(dir, &args);
    let cert = issue(dir, &dir.join(&csr), &format!("{name}.pem"));
    (dir.join(key), cert)
}

pub fn load_cert(path: &Path) -> Certificate {
    let bytes = std::fs::read(path).unwrap();
    Certificate::from_pem(&bytes)
        .or_else(|_| Certificate::from_der(&bytes))
        .unwrap()
}

/// Verify `sig` over `msg` with the public key of `cert`, as a relying party would.
pub fn verify(cert: &Certificate, scheme: SignatureScheme, msg: &[u8], sig: &[u8]) {
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .unwrap();
    verify_spki(&spki, scheme, msg, sig);
}

/// Verify with a DER SubjectPublicKeyInfo.
pub fn verify_spki(spki: &[u8], scheme: SignatureScheme, msg: &[u8], sig: &[u8]) {
    use sha2::Digest;
    use signature::Verifier;
    match scheme {
        SignatureScheme::RsaPkcs1Sha256 => {
            let pk = rsa::PublicKey::from_public_key_der(spki).unwrap();
            let h = sha2::Sha256::digest(msg);
            pk.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &h, sig)
                .expect("RSA PKCS#1 v1.5 SHA-256 signature verifies");
        }
        SignatureScheme::RsaPkcs1Sha384 => {
            let pk = rsa::PublicKey::from_public_key_der(spki).unwrap();
            let h = sha2::Sha384::digest(msg);
            pk.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha384>(), &h, sig)
                .expect("RSA PKCS#1 v1.5 SHA-384 signature verifies");
        }
        SignatureScheme::RsaPssSha256 => {
            let pk = rsa::PublicKey::from_public_key_der(spki).unwrap();
            let h = sha2::Sha256::digest(msg);
            pk.verify(rsa::Pss::<sha2::Sha256>::new(), &h, sig)
                .expect("RSA-PSS SHA-256 signature verifies");
        }
        SignatureScheme::EcdsaP256Sha256 => {
            let vk = p256::ecdsa::VerifyingKey::from_public_key_der(spki).unwrap();
            let s = p256::ecdsa::Signature::from_der(sig).expect("DER ECDSA signature");
            vk.verify(msg, &s).expect("ECDSA P-256 signature verifies");
        }
        SignatureScheme::EcdsaP384Sha384 => {
            let vk = p384::ecdsa::VerifyingKey::from_public_key_der(spki).unwrap();
            let s = p384::ecdsa::Signature::from_der(sig).expect("DER ECDSA signature");
            vk.verify(msg, &s).expect("ECDSA P-384 signature verifies");
        }
        other => panic!("no verifier for {other:?}"),
    }
}
