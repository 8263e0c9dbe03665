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
        if is_self_issued(&current) {
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

/// The issuing chain of `leaf` found among `candidates`, nearest issuer first, up to but not
/// including a self-issued root (the verifier's anchor): each link's subject is the previous
/// certificate's issuer, it is a CA (basicConstraints cA), and where both sides carry key
/// identifiers the authority key identifier matches the subject key identifier (two CA
/// generations may share a name, as the Government CA's renewals do). Candidates that are not
/// on the path (other CAs on a token, unrelated files) are left out.
pub fn issuing_chain(leaf: &Certificate, candidates: &[Certificate]) -> Vec<Certificate> {
    // A real chain is short; the bound also stops a loop of cross-certificates.
    const MAX_DEPTH: usize = 8;
    let mut chain: Vec<Certificate> = Vec::new();
    let mut current = leaf;
    while chain.len() < MAX_DEPTH && !is_self_issued(current) {
        let Some(issuer) = candidates
            .iter()
            .find(|c| issues(c, current) && *c != leaf && !chain.contains(c) && !is_self_issued(c))
        else {
            break;
        };
        chain.push(issuer.clone());
        current = issuer;
    }
    chain
}

/// Whether `cert` names itself as its issuer (a root, or a CA's self-issued certificate).
pub fn is_self_issued(cert: &Certificate) -> bool {
    cert.tbs_certificate().subject() == cert.tbs_certificate().issuer()
}

/// Whether `cert` is a CA certificate (basicConstraints cA).
pub fn is_ca(cert: &Certificate) -> bool {
    use x509_cert::ext::pkix::BasicConstraints;
    matches!(
        cert.tbs_certificate().get_extension::<BasicConstraints>(),
        Ok(Some((_, bc))) if bc.ca
    )
}

/// Whether `ca` may be the issuer of `cert`: names, CA flag and key identifiers.
fn issues(ca: &Certificate, cert: &Certificate) -> bool {
    use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};
    let ca_tbs = ca.tbs_certificate();
    if ca_tbs.subject() != cert.tbs_certificate().issuer() {
        return false;
    }
    let aki = cert
        .tbs_certificate()
        .get_extension::<AuthorityKeyIdentifier>()
        .ok()
        .flatten()
        .and_then(|(_, aki)| aki.key_identifier);
    let ski = ca_tbs
        .get_extension::<SubjectKeyIdentifier>()
        .ok()
        .flatten()
        .map(|(_, ski)| ski.0);
    let keys_agree = match (aki, ski) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    };
    is_ca(ca) && keys_agree
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn corpus(rel: &str) -> Option<Vec<Certificate>> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpora/vn-gov/certs")
            .join(rel);
        path.is_file().then(|| load_certificates(&path).unwrap())
    }

    #[test]
    fn the_issuing_chain_of_a_real_government_leaf() {
        let Some(leaf) = corpus("extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem")
        else {
            eprintln!("skipped: no ../shared/corpora beside the repository");
            return;
        };
        let leaf = &leaf[0];
        let mut candidates = Vec::new();
        for f in [
            "vgca-g1/VGCA_ROOTCA_BIN.cer",
            "vgca-g1/CP_BIN.cer",
            "vgca-g2/rootcag2.crt",
            "vgca-g1/BCA_BIN.cer",
            "vgca-g2/cpcag2.crt",
        ] {
            candidates.extend(corpus(f).unwrap());
        }
        let cpcag2 = corpus("vgca-g2/cpcag2.crt").unwrap().remove(0);
        // Nearest issuer only: the root is the verifier's anchor, other CAs are left out.
        assert_eq!(
            issuing_chain(leaf, &candidates),
            std::slice::from_ref(&cpcag2)
        );
        // Nothing on the path: nothing.
        assert!(issuing_chain(leaf, &candidates[..2]).is_empty());
        // A G1 leaf's chain is its G1 issuing CA, not the G2 one of a similar name.
        let g1 = corpus("extracted-from-pdfs/leaf_g1_cong-ttdt-chinh-phu_2014-2019.pem").unwrap();
        let cp = corpus("vgca-g1/CP_BIN.cer").unwrap().remove(0);
        assert_eq!(issuing_chain(&g1[0], &candidates), [cp]);
        // A root is never part of the chain, even when it is the only candidate.
        assert!(issuing_chain(&cpcag2, &candidates[2..3]).is_empty());
    }
}
