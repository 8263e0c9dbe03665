//! Signing with a token key: choosing the PKCS#11 mechanism for a scheme (hashing on the token
//! or in software), [`TokenKey`] and the [`Signer`] implementation [`Pkcs11Signer`].

use std::fmt;
use std::sync::{Arc, Mutex};

use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::ObjectHandle;
use cryptoki::session::Session;
use cryptoki::types::Ulong;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;

use super::{KeyOptions, KeySelector, LoginOptions, Module, RsaMechanism, TokenSession, lock};
use crate::keys::{PublicKey, digest_info, ecdsa_raw_to_der};
use crate::{KeyType, PinSource, SignatureScheme, Signer, TokenError};

/// The mechanism a [`TokenKey`] signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SignMechanism {
    /// `CKM_SHAx_RSA_PKCS`: the token hashes the message.
    RsaPkcsHashOnToken,
    /// `CKM_RSA_PKCS` over a DigestInfo built here.
    RsaPkcsRaw,
    /// `CKM_SHA256_RSA_PKCS_PSS`.
    RsaPssHashOnToken,
    /// `CKM_RSA_PKCS_PSS` over the hash.
    RsaPssRaw,
    /// `CKM_ECDSA` over the hash.
    Ecdsa,
}

pub(super) fn choose_mechanism(
    session: &TokenSession,
    scheme: SignatureScheme,
    pref: RsaMechanism,
) -> Result<SignMechanism, TokenError> {
    let auto = pref == RsaMechanism::Auto;
    let has = |m| session.has_mechanism(m);
    let missing = |what: &str| TokenError::UnsupportedMechanism {
        detail: format!(
            "{scheme:?} needs {what}, which token {:?} does not offer",
            session.token.label
        ),
    };
    match scheme {
        SignatureScheme::RsaPkcs1Sha256
        | SignatureScheme::RsaPkcs1Sha384
        | SignatureScheme::RsaPkcs1Sha512 => {
            if auto && has(hashed_rsa_pkcs(scheme)) {
                Ok(SignMechanism::RsaPkcsHashOnToken)
            } else if has(MechanismType::RSA_PKCS) {
                Ok(SignMechanism::RsaPkcsRaw)
            } else {
                Err(missing("CKM_RSA_PKCS"))
            }
        }
        SignatureScheme::RsaPssSha256 => {
            if auto && has(MechanismType::SHA256_RSA_PKCS_PSS) {
                Ok(SignMechanism::RsaPssHashOnToken)
            } else if has(MechanismType::RSA_PKCS_PSS) {
                Ok(SignMechanism::RsaPssRaw)
            } else {
                Err(missing("CKM_RSA_PKCS_PSS"))
            }
        }
        SignatureScheme::EcdsaP256Sha256 | SignatureScheme::EcdsaP384Sha384 => {
            if has(MechanismType::ECDSA) {
                Ok(SignMechanism::Ecdsa)
            } else {
                Err(missing("CKM_ECDSA"))
            }
        }
    }
}

pub(super) fn hashed_rsa_pkcs(scheme: SignatureScheme) -> MechanismType {
    match scheme {
        SignatureScheme::RsaPkcs1Sha384 => MechanismType::SHA384_RSA_PKCS,
        SignatureScheme::RsaPkcs1Sha512 => MechanismType::SHA512_RSA_PKCS,
        _ => MechanismType::SHA256_RSA_PKCS,
    }
}

pub(super) fn pss_params() -> PkcsPssParams {
    PkcsPssParams {
        hash_alg: MechanismType::SHA256,
        mgf: PkcsMgfType::MGF1_SHA256,
        // CK_ULONG (c_ulong) is 32-bit on Windows, 64-bit on Linux.
        s_len: Ulong::new(std::ffi::c_ulong::from(32u32)),
    }
}

/// A private key on a token, with the mechanism chosen for its scheme.
pub struct TokenKey {
    pub(super) session: Arc<Mutex<Session>>,
    pub(super) handle: ObjectHandle,
    pub(super) id: Vec<u8>,
    pub(super) label: String,
    pub(super) public_key: PublicKey,
    pub(super) scheme: SignatureScheme,
    pub(super) mechanism: SignMechanism,
    // Keeps the module context alive as long as the key is used.
    pub(super) _module: Module,
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenKey")
            .field("id", &hex::encode(&self.id))
            .field("label", &self.label)
            .field("scheme", &self.scheme)
            .field("mechanism", &self.mechanism_name())
            .finish()
    }
}

impl TokenKey {
    /// `CKA_ID`.
    pub fn id(&self) -> &[u8] {
        &self.id
    }

    /// `CKA_LABEL`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The scheme [`TokenKey::sign`] produces.
    pub fn scheme(&self) -> SignatureScheme {
        self.scheme
    }

    /// Key type and size in bits.
    pub fn key_type(&self) -> (KeyType, usize) {
        self.public_key.key_type()
    }

    /// The PKCS#11 mechanism used, e.g. `CKM_SHA256_RSA_PKCS`.
    pub fn mechanism_name(&self) -> &'static str {
        match (self.mechanism, self.scheme) {
            (SignMechanism::RsaPkcsHashOnToken, SignatureScheme::RsaPkcs1Sha384) => {
                "CKM_SHA384_RSA_PKCS"
            }
            (SignMechanism::RsaPkcsHashOnToken, SignatureScheme::RsaPkcs1Sha512) => {
                "CKM_SHA512_RSA_PKCS"
            }
            (SignMechanism::RsaPkcsHashOnToken, _) => "CKM_SHA256_RSA_PKCS",
            (SignMechanism::RsaPkcsRaw, _) => "CKM_RSA_PKCS",
            (SignMechanism::RsaPssHashOnToken, _) => "CKM_SHA256_RSA_PKCS_PSS",
            (SignMechanism::RsaPssRaw, _) => "CKM_RSA_PKCS_PSS",
            (SignMechanism::Ecdsa, _) => "CKM_ECDSA",
        }
    }

    /// The public key as a SubjectPublicKeyInfo.
    pub fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned, TokenError> {
        self.public_key.to_spki()
    }

    /// Check that `cert` certifies this key (same modulus and exponent, or same EC point).
    pub fn check_certificate(&self, cert: &Certificate) -> Result<(), TokenError> {
        let cert_key = PublicKey::from_certificate(cert)?;
        match self.public_key.mismatch(&cert_key) {
            None => Ok(()),
            Some(detail) => Err(TokenError::CertificateMismatch {
                subject: cert.tbs_certificate().subject().to_string(),
                detail,
            }),
        }
    }

    /// An upper bound of the signature length in bytes.
    pub fn max_signature_len(&self) -> usize {
        self.public_key.max_signature_len()
    }

    /// Hash `message` per the scheme and sign it on the token. ECDSA results are DER.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        let digest = self.scheme.digest();
        let pss = pss_params();
        let (mechanism, data) = match self.mechanism {
            SignMechanism::RsaPkcsHashOnToken => (
                match self.scheme {
                    SignatureScheme::RsaPkcs1Sha384 => Mechanism::Sha384RsaPkcs,
                    SignatureScheme::RsaPkcs1Sha512 => Mechanism::Sha512RsaPkcs,
                    _ => Mechanism::Sha256RsaPkcs,
                },
                message.to_vec(),
            ),
            SignMechanism::RsaPkcsRaw => (
                Mechanism::RsaPkcs,
                digest_info(digest, &digest.digest(message))?,
            ),
            SignMechanism::RsaPssHashOnToken => {
                (Mechanism::Sha256RsaPkcsPss(pss), message.to_vec())
            }
            SignMechanism::RsaPssRaw => (Mechanism::RsaPkcsPss(pss), digest.digest(message)),
            SignMechanism::Ecdsa => (Mechanism::Ecdsa, digest.digest(message)),
        };
        let raw = lock(&self.session)
            .sign(&mechanism, self.handle, &data)
            .map_err(|e| TokenError::from_cryptoki("signing", e))?;
        if self.mechanism == SignMechanism::Ecdsa {
            ecdsa_raw_to_der(&raw)
        } else {
            Ok(raw)
        }
    }
}

/// What [`TokenSession::signer`] needs.
#[derive(Debug, Clone)]
pub struct SignerOptions {
    /// Which private key.
    pub key: KeySelector,
    /// Scheme and mechanism choice.
    pub key_options: KeyOptions,
    /// The signer's certificate when the token does not hold it (some cards store it
    /// compressed). It must match the key's public key.
    pub certificate: Option<Certificate>,
    /// Issuing CA certificates, nearest first.
    pub chain: Vec<Certificate>,
}

impl SignerOptions {
    /// Options for the key labelled `label`, everything else default.
    pub fn by_label(label: impl Into<String>) -> Self {
        Self::new(KeySelector::Label(label.into()))
    }

    /// Options for the key chosen by `key`, everything else default.
    pub fn new(key: KeySelector) -> Self {
        Self {
            key,
            key_options: KeyOptions::default(),
            certificate: None,
            chain: Vec::new(),
        }
    }
}

/// A [`Signer`] backed by a private key on a PKCS#11 token.
pub struct Pkcs11Signer {
    pub(super) key: TokenKey,
    pub(super) certificate: Certificate,
    pub(super) chain: Vec<Certificate>,
}

impl fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("key", &self.key)
            .field(
                "certificate",
                &self.certificate.tbs_certificate().subject().to_string(),
            )
            .field("chain_len", &self.chain.len())
            .finish()
    }
}

impl Pkcs11Signer {
    /// Open the token labelled `token_label`, log in once with `pin`, and build the signer.
    pub fn open(
        module: &Module,
        token_label: &str,
        pin: PinSource,
        options: SignerOptions,
    ) -> Result<Self, TokenError> {
        let session = TokenSession::open(module, token_label)?;
        session.login(pin, LoginOptions::default())?;
        session.signer(options)
    }

    /// The token key.
    pub fn key(&self) -> &TokenKey {
        &self.key
    }
}

impl Signer for Pkcs11Signer {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn scheme(&self) -> SignatureScheme {
        self.key.scheme
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        self.key.sign(message)
    }

    fn max_signature_len(&self) -> usize {
        self.key.max_signature_len()
    }
}
