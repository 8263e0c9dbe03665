//! Software keys: PKCS#12 files, and PKCS#8 (or PKCS#1) keys with certificate files.
//!
//! The private key types (`rsa::PrivateKey`, `p256`/`p384` signing keys) zeroize themselves
//! on drop; decrypted key bytes are held in [`Zeroizing`] buffers while parsing.

use std::fmt;
use std::path::Path;

use der::{Decode, SecretDocument};
use pkcs8::{DecodePrivateKey, EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::{Pkcs1v15Sign, PrivateKey, Pss};
use signature::hazmat::PrehashSigner;
use spki::{EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::certs::{looks_like_pem, order_chain, parse_certificates, read_file};
use crate::keys::{PublicKey, digest_info};
use crate::{SignatureScheme, Signer, TokenError};

enum SoftKey {
    Rsa(Box<PrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

/// A [`Signer`] whose private key is held in memory.
pub struct SoftwareSigner {
    key: SoftKey,
    public_key: PublicKey,
    scheme: SignatureScheme,
    certificate: Certificate,
    chain: Vec<Certificate>,
}

impl fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareSigner")
            .field("scheme", &self.scheme)
            .field(
                "certificate",
                &self.certificate.tbs_certificate().subject().to_string(),
            )
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

fn malformed_key(e: impl fmt::Display) -> TokenError {
    TokenError::MalformedKey {
        detail: e.to_string(),
    }
}

impl SoftwareSigner {
    /// Load a PKCS#12 (`.p12`/`.pfx`) file.
    pub fn from_pkcs12_file(path: impl AsRef<Path>, password: &str) -> Result<Self, TokenError> {
        Self::from_pkcs12(&read_file(path.as_ref())?, password)
    }

    /// Load PKCS#12 bytes (PBES2/AES or legacy PBES1 3DES/RC2). The leaf certificate is the one
    /// whose public key matches the private key; the others become the chain.
    pub fn from_pkcs12(data: &[u8], password: &str) -> Result<Self, TokenError> {
        let archive = p12_keystore::Pkcs12Archive::from_pkcs12(data, password).map_err(|e| {
            use p12_keystore::error::Error as E;
            match e {
                // The MAC check fails first with a wrong password; without a MAC, the
                // decryption's padding check does.
                E::MacError(_) | E::UnpadError => TokenError::BadPkcs12Password,
                other => TokenError::MalformedPkcs12 {
                    detail: other.to_string(),
                },
            }
        })?;
        let mut bags = archive.keys.into_iter();
        let bag = bags.next().ok_or_else(|| TokenError::MalformedPkcs12 {
            detail: "no private key in the file".into(),
        })?;
        if bags.next().is_some() {
            return Err(TokenError::MalformedPkcs12 {
                detail: "more than one private key in the file".into(),
            });
        }
        let pkcs8 = Zeroizing::new(bag.key.as_der().to_vec());
        drop(bag);
        let key = parse_pkcs8_der(&pkcs8)?;
        let certs = archive
            .certs
            .iter()
            .map(|c| {
                Certificate::from_der(c.cert.as_der()).map_err(|e| {
                    TokenError::MalformedCertificate {
                        detail: e.to_string(),
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::assemble(key, certs)
    }

    /// Load a private key file (PEM or DER; PKCS#8, encrypted PKCS#8, or PKCS#1 RSA) and the
    /// certificate file(s) (PEM or DER). `password` is needed for an encrypted key.
    pub fn from_key_files(
        key_path: impl AsRef<Path>,
        password: Option<&str>,
        cert_paths: &[&Path],
    ) -> Result<Self, TokenError> {
        let key_bytes = Zeroizing::new(read_file(key_path.as_ref())?);
        let mut certs = Vec::new();
        for p in cert_paths {
            certs.extend(parse_certificates(&read_file(p)?)?);
        }
        Self::from_key_bytes(&key_bytes, password, certs)
    }

    /// Load a private key (see [`SoftwareSigner::from_key_files`]) with its certificates.
    pub fn from_key_bytes(
        key: &[u8],
        password: Option<&str>,
        certificates: Vec<Certificate>,
    ) -> Result<Self, TokenError> {
        let key = parse_private_key(key, password)?;
        Self::assemble(key, certificates)
    }

    /// Use `scheme` instead of the key's default (RSA PKCS#1 v1.5 SHA-256, or ECDSA).
    pub fn with_scheme(mut self, scheme: SignatureScheme) -> Result<Self, TokenError> {
        self.public_key.check_scheme(scheme)?;
        self.scheme = scheme;
        Ok(self)
    }

    /// Replace the chain (issuing CAs, nearest first).
    pub fn with_chain(mut self, chain: Vec<Certificate>) -> Self {
        self.chain = chain;
        self
    }

    /// The public key as a SubjectPublicKeyInfo.
    pub fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned, TokenError> {
        self.public_key.to_spki()
    }

    fn assemble(key: SoftKey, certs: Vec<Certificate>) -> Result<Self, TokenError> {
        let spki_der = match &key {
            SoftKey::Rsa(k) => k.to_public_key().to_public_key_der(),
            SoftKey::P256(k) => k.verifying_key().to_public_key_der(),
            SoftKey::P384(k) => k.verifying_key().to_public_key_der(),
        }
        .map_err(malformed_key)?;
        let public_key =
            PublicKey::from_spki(&SubjectPublicKeyInfoOwned::from_der(spki_der.as_bytes())?)?;
        let mut leaf = None;
        let mut others = Vec::new();
        let mut last_mismatch = None;
        for cert in certs {
            if leaf.is_none() {
                match public_key.mismatch(&PublicKey::from_certificate(&cert)?) {
                    None => {
                        leaf = Some(cert);
                        continue;
                    }
                    Some(d) => {
                        last_mismatch = Some((cert.tbs_certificate().subject().to_string(), d))
                    }
                }
            }
            others.push(cert);
        }
        let certificate = match (leaf, last_mismatch) {
            (Some(l), _) => l,
            (None, Some((subject, detail))) if others.len() == 1 => {
                return Err(TokenError::CertificateMismatch { subject, detail });
            }
            (None, _) => {
                return Err(TokenError::CertificateNotFound {
                    selector: "the private key (no certificate has its public key)".into(),
                });
            }
        };
        // A PKCS#12 file may repeat the leaf among the CA certificates.
        others.retain(|c| c != &certificate);
        let chain = order_chain(&certificate, others);
        let scheme = public_key.default_scheme()?;
        Ok(Self {
            key,
            public_key,
            scheme,
            certificate,
            chain,
        })
    }
}

/// Parse a private key in any supported container.
fn parse_private_key(bytes: &[u8], password: Option<&str>) -> Result<SoftKey, TokenError> {
    if looks_like_pem(bytes) {
        let text = std::str::from_utf8(bytes).map_err(malformed_key)?;
        if text.contains("Proc-Type: 4,ENCRYPTED") {
            return Err(TokenError::MalformedKey {
                detail: "legacy OpenSSL-encrypted PEM; convert with `openssl pkcs8 -topk8 -v2 aes-256-cbc`".into(),
            });
        }
        let (label, doc) = SecretDocument::from_pem(text).map_err(malformed_key)?;
        match label {
            "PRIVATE KEY" => parse_pkcs8_der(doc.as_bytes()),
            "ENCRYPTED PRIVATE KEY" => decrypt_pkcs8(doc.as_bytes(), password),
            "RSA PRIVATE KEY" => Ok(SoftKey::Rsa(Box::new(
                PrivateKey::from_pkcs1_der(doc.as_bytes()).map_err(malformed_key)?,
            ))),
            other => Err(TokenError::MalformedKey {
                detail: format!("unsupported PEM label {other:?}"),
            }),
        }
    } else if PrivateKeyInfoRef::from_der(bytes).is_ok() {
        parse_pkcs8_der(bytes)
    } else if EncryptedPrivateKeyInfoRef::from_der(bytes).is_ok() {
        decrypt_pkcs8(bytes, password)
    } else {
        PrivateKey::from_pkcs1_der(bytes)
            .map(|k| SoftKey::Rsa(Box::new(k)))
            .map_err(|_| TokenError::MalformedKey {
                detail: "neither PKCS#8, encrypted PKCS#8 nor PKCS#1 DER".into(),
            })
    }
}

fn decrypt_pkcs8(der: &[u8], password: Option<&str>) -> Result<SoftKey, TokenError> {
    let password = password.ok_or_else(|| TokenError::MalformedKey {
        detail: "the key is encrypted and no password was given".into(),
    })?;
    let info = EncryptedPrivateKeyInfoRef::from_der(der).map_err(malformed_key)?;
    let doc = info.decrypt(password).map_err(|e| match e {
        // A wrong password fails the padding check, or (1 time in ~256) passes it and
        // yields bytes that are not DER.
        pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::DecryptFailed)
        | pkcs8::Error::Asn1(_) => TokenError::BadKeyPassword,
        other => malformed_key(other),
    })?;
    parse_pkcs8_der(doc.as_bytes())
}

/// Parse an unencrypted PKCS#8 `PrivateKeyInfo`.
fn parse_pkcs8_der(der: &[u8]) -> Result<SoftKey, TokenError> {
    let info = PrivateKeyInfoRef::from_der(der).map_err(malformed_key)?;
    let oid = info.algorithm.oid;
    if oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
        Ok(SoftKey::Rsa(Box::new(
            PrivateKey::from_pkcs8_der(der).map_err(malformed_key)?,
        )))
    } else if oid == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
        let curve = info
            .algorithm
            .parameters_oid()
            .map_err(|_| TokenError::UnsupportedKey {
                detail: "EC key without a named curve".into(),
            })?;
        if curve == const_oid::db::rfc5912::SECP_256_R_1 {
            Ok(SoftKey::P256(
                p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(malformed_key)?,
            ))
        } else if curve == const_oid::db::rfc5912::SECP_384_R_1 {
            Ok(SoftKey::P384(
                p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(malformed_key)?,
            ))
        } else {
            Err(TokenError::UnsupportedKey {
                detail: format!("EC curve {curve}"),
            })
        }
    } else {
        Err(TokenError::UnsupportedKey {
            detail: format!("private key algorithm {oid}"),
        })
    }
}

impl Signer for SoftwareSigner {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        let alg = self.scheme.digest();
        let hash = alg.digest(message);
        let failed = |e: &dyn fmt::Display| TokenError::SignFailed(e.to_string());
        match (&self.key, self.scheme) {
            (SoftKey::Rsa(k), SignatureScheme::RsaPssSha256) => k
                .sign_with_rng(&mut getrandom::SysRng, Pss::<sha2::Sha256>::new(), &hash)
                .map_err(|e| failed(&e)),
            (SoftKey::Rsa(k), _) => {
                // The same DigestInfo as the token path, with random blinding of the
                // private-key operation.
                let di = digest_info(alg, &hash)?;
                k.sign_with_rng(&mut getrandom::SysRng, Pkcs1v15Sign::new_unprefixed(), &di)
                    .map_err(|e| failed(&e))
            }
            (SoftKey::P256(k), _) => {
                let sig: p256::ecdsa::Signature = k.sign_prehash(&hash).map_err(|e| failed(&e))?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            (SoftKey::P384(k), _) => {
                let sig: p384::ecdsa::Signature = k.sign_prehash(&hash).map_err(|e| failed(&e))?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
        }
    }

    fn max_signature_len(&self) -> usize {
        self.public_key.max_signature_len()
    }
}
