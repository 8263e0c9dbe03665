//! Reading certificates and key files from disk.

use std::path::Path;

use der::Decode;
use x509_cert::Certificate;

use crate::TokenError;

/// Read a file, keeping its path in the error.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, TokenError> {
    std::fs::read(path).map_err(|source| TokenError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Parse certificates given as PEM (one or more `CERTIFICATE` blocks) or a single DER certificate.
pub fn parse_certificates(bytes: &[u8]) -> Result<Vec<Certificate>, TokenError> {
    let malformed = |e: der::Error| TokenError::MalformedCertificate {
        detail: e.to_string(),
    };
    if looks_like_pem(bytes) {
        let certs = Certificate::load_pem_chain(bytes).map_err(malformed)?;
        if certs.is_empty() {
            return Err(TokenError::MalformedCertificate {
                detail: "no CERTIFICATE block in PEM input".into(),
            });
        }
        Ok(certs)
    } else {
        Ok(vec![Certificate::from_der(bytes).map_err(malformed)?])
    }
}

/// Read certificates from a PEM or DER file (see [`parse_certificates`]).
pub fn load_certificates(path: impl AsRef<Path>) -> Result<Vec<Certificate>, TokenError> {
    parse_certificates(&read_file(path.as_ref())?)
}

/// PEM text starts (possibly after whitespace or explanatory text) with `-----BEGIN`.
pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(10).any(|w| w == b"-----BEGIN")
}

/// Order `others` as a chain above `leaf`: the leaf's issuer first, then its issuer...
/// Certificates not on that path keep their order at the end.
pub(crate) fn order_chain(leaf: &Certificate, mut others: Vec<Certificate>) -> Vec<Certificate> {
    let mut chain = Vec::with_capacity(others.len());
    let mut current = leaf.clone();
    loop {
        // A self-issued certificate ends the path.
        if current.tbs_certificate().issuer() == current.tbs_certificate().subject() {
            break;
        }
        let Some(pos) = others
            .iter()
            .position(|c| c.tbs_certificate().subject() == current.tbs_certificate().issuer())
        else {
            break;
        };
        let next = others.remove(pos);
        chain.push(next.clone());
        current = next;
    }
    chain.extend(others);
    chain
}
