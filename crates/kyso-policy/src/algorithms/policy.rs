//! The dated algorithm policy: [`AlgorithmPolicy`], the constraints of Thông tư 15/2025 with
//! the legacy cut-off before which SHA-1 and short RSA keys are still accepted.

use super::digests::DigestAlgorithm;
use super::signatures::{AlgorithmUse, KeyKind, SignatureScheme};
use crate::reason::{Msg, Reason};

/// Algorithm constraints as data (Thông tư 15/2025: RSA ≥ 2048 with PKCS#1 v1.5 or PSS,
/// ECDSA ≥ 256, SHA-2/SHA-3; SHA-1 and short RSA only for legacy signatures proven to exist
/// before [`AlgorithmPolicy::legacy_cutoff`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmPolicy {
    /// Minimum RSA modulus size in bits (default 2048).
    pub min_rsa_bits: u32,
    /// Minimum RSA modulus size accepted as legacy before the cut-off (default 1024).
    pub legacy_min_rsa_bits: u32,
    /// Minimum EC key size in bits (default 256).
    pub min_ec_bits: u32,
    /// Whether SHA-1 / short RSA may be accepted (with a warning) before the cut-off.
    pub allow_legacy: bool,
    /// Signatures proven to exist before this time may use legacy algorithms (default 2020-01-01).
    pub legacy_cutoff: der::DateTime,
}

/// The default legacy cut-off, 2020-01-01T00:00:00Z.
pub const DEFAULT_LEGACY_CUTOFF: der::DateTime = match der::DateTime::new(2020, 1, 1, 0, 0, 0) {
    Ok(d) => d,
    Err(_) => der::DateTime::INFINITY,
};

impl Default for AlgorithmPolicy {
    fn default() -> Self {
        Self {
            min_rsa_bits: 2048,
            legacy_min_rsa_bits: 1024,
            min_ec_bits: 256,
            allow_legacy: true,
            legacy_cutoff: DEFAULT_LEGACY_CUTOFF,
        }
    }
}

/// Reason code for an algorithm that fails the constraints.
pub const CRYPTO_CONSTRAINTS_FAILURE: &str = "CRYPTO_CONSTRAINTS_FAILURE";
/// Reason code for a legacy algorithm accepted because the signature is proven old enough.
pub const CRYPTO_LEGACY_ALGORITHM: &str = "CRYPTO_LEGACY_ALGORITHM";

impl AlgorithmPolicy {
    fn legacy_ok(&self, proven_time: Option<der::DateTime>) -> bool {
        self.allow_legacy && proven_time.is_some_and(|t| t < self.legacy_cutoff)
    }

    fn cutoff_text(&self) -> String {
        crate::time::iso_date(self.legacy_cutoff)
    }

    /// Check a digest algorithm alone (e.g. a CMS `digestAlgorithm`).
    pub fn check_digest(
        &self,
        digest: DigestAlgorithm,
        proven_time: Option<der::DateTime>,
    ) -> Vec<Reason> {
        let mut out = Vec::new();
        if digest.is_legacy() {
            let (digest, cutoff) = (digest.name(), self.cutoff_text());
            out.push(if self.legacy_ok(proven_time) {
                Msg::CryptoLegacyAlgorithmDigest {
                    digest: &digest,
                    cutoff: &cutoff,
                }
                .reason()
            } else {
                Msg::CryptoConstraintsFailureDigest {
                    digest: &digest,
                    cutoff: &cutoff,
                }
                .reason()
            });
        }
        out
    }

    /// Check what a signature used. `proven_time` is a time at which the signature is proven to
    /// exist (e.g. a time-stamp's genTime); legacy algorithms need it before the cut-off.
    pub fn check(&self, used: &AlgorithmUse, proven_time: Option<der::DateTime>) -> Vec<Reason> {
        let mut out = self.check_digest(used.digest, proven_time);
        if let SignatureScheme::RsaPss { mgf1_digest, .. } = used.scheme
            && mgf1_digest != used.digest
        {
            out.extend(self.check_digest(mgf1_digest, proven_time));
        }
        out.extend(self.check_key(used.key, used.key_bits, proven_time));
        out
    }

    /// Check a public key alone (type and size), e.g. a certificate's key before it signs or
    /// when a certificate is validated for signing at `proven_time`.
    pub fn check_key(
        &self,
        key: KeyKind,
        key_bits: u32,
        proven_time: Option<der::DateTime>,
    ) -> Vec<Reason> {
        let mut out = Vec::new();
        match key {
            KeyKind::Rsa => {
                if key_bits < self.min_rsa_bits {
                    let min = self.min_rsa_bits;
                    if key_bits >= self.legacy_min_rsa_bits && self.legacy_ok(proven_time) {
                        out.push(
                            Msg::CryptoLegacyAlgorithmRsaKey {
                                bits: &key_bits,
                                min: &min,
                                cutoff: &self.cutoff_text(),
                            }
                            .reason(),
                        );
                    } else {
                        out.push(
                            Msg::CryptoConstraintsFailureRsaKey {
                                bits: &key_bits,
                                min: &min,
                            }
                            .reason(),
                        );
                    }
                }
            }
            KeyKind::EcP256 | KeyKind::EcP384 => {
                if key_bits < self.min_ec_bits {
                    out.push(
                        Msg::CryptoConstraintsFailureEcKey {
                            bits: &key_bits,
                            min: &self.min_ec_bits,
                        }
                        .reason(),
                    );
                }
            }
            KeyKind::Unknown => out.push(Msg::CryptoConstraintsFailureUnknownKey {}.reason()),
        }
        out
    }
}
