//! Keys: the [`Signer`] every signing call takes, software keys (PKCS#12, PKCS#8), PKCS#11
//! tokens (feature `pkcs11`, on by default natively) and key management on the token.
//!
//! ```no_run
//! # #[cfg(feature = "pkcs11")]
//! # fn main() -> Result<(), kyso::Error> {
//! use kyso::token::PinSource;
//! use kyso::token::pkcs11::{Module, SignerOptions, TokenSession};
//! let module = Module::open("/usr/lib/softhsm/libsofthsm2.so")?;
//! let session = TokenSession::open(&module, "kyso-test")?;
//! // One try only: a wrong PIN comes back as an error saying how many tries are left.
//! session.login(PinSource::Env("KYSO_PIN".into()), Default::default())?;
//! let signer = session.signer(SignerOptions::by_label("ca-nhan"))?;
//! let options = kyso::PadesOptions::new(kyso::signing_time_now());
//! kyso::sign_pdf_file("in.pdf".as_ref(), "out.pdf".as_ref(), &signer, &options)?;
//! # Ok(()) }
//! # #[cfg(not(feature = "pkcs11"))] fn main() {}
//! ```

pub use kyso_token::software::SoftwareSigner;
pub use kyso_token::{
    DigestAlgorithm, KeyType, PinCallback, PinSource, PinState, SignatureScheme, Signer,
    TokenError, Zeroizing, load_certificates, parse_certificates,
};

/// PKCS#11 tokens (VGCA's USB tokens, SoftHSM2): modules, sessions, keys, signers.
#[cfg(feature = "pkcs11")]
pub mod pkcs11 {
    pub use kyso_token::pkcs11::{
        KeyEntry, KeyOptions, KeySelector, LoginOptions, MODULE_ENV, Module, Pkcs11Signer,
        RsaMechanism, SOFTHSM_MODULE, SignerOptions, TokenDescription, TokenFlags, TokenKey,
        TokenSession, list_tokens,
    };
}

/// Key pairs made on the token, certification and renewal requests (PKCS#10), certificate import.
#[cfg(feature = "pkcs11")]
pub mod keygen {
    pub use kyso_token::keygen::{
        CertificationRequest, GeneratedKey, KeySpec, Renewal, RequestKey, SubjectName,
        certification_request, generate_key_pair, import_certificate, renewal_request,
    };
}
