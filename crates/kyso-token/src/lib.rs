//! Key access for kyso: the [`Signer`] trait, PKCS#11 tokens, software keys, key generation.
//!
//! - [`pkcs11`]: tokens through a vendor PKCS#11 module (SafeNet, bit4id, SoftHSM2), found by
//!   label; [`pkcs11::Pkcs11Signer`] signs with a token key.
//! - [`software`]: [`software::SoftwareSigner`] from PKCS#12 or PKCS#8 files.
//! - [`keygen`]: key pairs generated on the token, PKCS#10 requests, certificate import.
//! - [`PinSource`]: where a PIN comes from. PINs are never logged and never retried.
//!
//! Errors are [`TokenError`], each with a stable [`TokenError::code`] in 4000–4999.
#![deny(unsafe_code)]

mod certs;
mod error;
mod keys;
mod pin;
mod remote;
#[cfg(feature = "pkcs11")]
mod rv;
mod signer;

#[cfg(feature = "pkcs11")]
pub mod keygen;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;
pub mod software;

pub use certs::{is_ca, is_self_issued, issuing_chain, load_certificates, parse_certificates};
pub use error::{PinState, Pkcs11Failure, TokenError};
pub use pin::{PinCallback, PinSource};
pub use remote::RemoteFailure;
pub use signer::{DigestAlgorithm, KeyType, SignatureScheme, Signer};
pub use zeroize::Zeroizing;

#[cfg(test)]
mod tests {
    /// Signers are shared across threads by callers (servers, GUIs); keep them Send + Sync.
    #[test]
    fn signers_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<crate::pkcs11::Pkcs11Signer>();
        check::<crate::software::SoftwareSigner>();
        check::<crate::pkcs11::TokenSession>();
        check::<crate::TokenError>();
    }
}
