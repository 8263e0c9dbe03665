//! The chain a signature carries: the signer's own (from the token, `--chain` or the PKCS#12
//! file), completed with the Government CA's issuing CAs kyso ships, so that a verifier
//! holding only the root can build the path (government PDFs otherwise carry the leaf alone).

use kyso_token::{SignatureScheme, Signer, TokenError, issuing_chain};
use x509_cert::Certificate;

/// A [`Signer`] whose chain is the inner signer's followed by the known issuing CAs on the
/// signer certificate's path that it lacks. Signing itself is the inner signer's.
pub(crate) struct CompletedChain<'a> {
    inner: &'a dyn Signer,
    chain: Vec<Certificate>,
}

impl<'a> CompletedChain<'a> {
    pub(crate) fn new(inner: &'a dyn Signer) -> Self {
        let mut candidates = inner.chain().to_vec();
        candidates.extend(crate::trust::known_intermediates().filter_map(|bytes| {
            kyso_token::parse_certificates(bytes)
                .ok()
                .and_then(|mut c| (c.len() == 1).then(|| c.remove(0)))
        }));
        let mut chain = inner.chain().to_vec();
        for cert in issuing_chain(inner.certificate(), &candidates) {
            if !chain.contains(&cert) {
                chain.push(cert);
            }
        }
        Self { inner, chain }
    }
}

impl Signer for CompletedChain<'_> {
    fn certificate(&self) -> &Certificate {
        self.inner.certificate()
    }

    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn scheme(&self) -> SignatureScheme {
        self.inner.scheme()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        self.inner.sign(message)
    }

    fn max_signature_len(&self) -> usize {
        self.inner.max_signature_len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A signer that only has a certificate (its chain is what is tested).
    struct CertificateOnly(Certificate, Vec<Certificate>);

    impl Signer for CertificateOnly {
        fn certificate(&self) -> &Certificate {
            &self.0
        }
        fn chain(&self) -> &[Certificate] {
            &self.1
        }
        fn scheme(&self) -> SignatureScheme {
            SignatureScheme::RsaPkcs1Sha256
        }
        fn sign(&self, _: &[u8]) -> Result<Vec<u8>, TokenError> {
            Ok(Vec::new())
        }
        fn max_signature_len(&self) -> usize {
            0
        }
    }

    #[test]
    fn a_government_leaf_carries_its_issuing_ca() {
        let certs = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpora/vn-gov/certs/extracted-from-pdfs");
        if !certs.is_dir() {
            eprintln!("skipped: no ../shared/corpora beside the repository");
            return;
        }
        let leaf =
            kyso_token::load_certificates(certs.join("leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem"))
                .unwrap()
                .remove(0);
        let cpcag2 = kyso_token::parse_certificates(include_bytes!("../certs/vgca-g2/cpcag2.crt"))
            .unwrap()
            .remove(0);
        let signer = CertificateOnly(leaf.clone(), Vec::new());
        assert_eq!(
            CompletedChain::new(&signer).chain(),
            std::slice::from_ref(&cpcag2)
        );
        // Already there: not repeated; the signer's own order is kept.
        let signer = CertificateOnly(leaf, vec![cpcag2.clone()]);
        assert_eq!(CompletedChain::new(&signer).chain(), [cpcag2]);
    }
}
