//! The Government CA's certificates kyso ships (Ban Cơ yếu Chính phủ, DOMAIN.md §2), compiled
//! into the library from the CA's published files:
//!
//! - **anchors** ([`builtin_anchors`]): the G1 root (2010–2030, RSA-2048/SHA-1) and the G2 root
//!   (2018–2048, RSA-4096/SHA-256) — the trust anchors when the caller names none;
//! - **known intermediates** ([`known_intermediates`]): the G1 issuing CAs (Chính phủ, Bộ Công
//!   an, Bộ Ngoại giao, Bộ Tài chính, Đảng Cộng sản) and the G2 issuing CA "CA phục vụ các cơ
//!   quan Nhà nước G2". Signed government PDFs embed only the leaf; these complete the path,
//!   for verification and for the chain a signature carries. They are never anchors.
//!
//! The SHA-256 fingerprints are in [`BUILTIN`] (and the README); a test checks each file
//! against its fingerprint and against the CA's files in the shared corpus.

use kyso_policy::trust::TrustStore;

/// One shipped certificate: a name, what it is for, its SHA-256 fingerprint and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinCertificate {
    /// The file it came from, as the CA publishes it.
    pub file: &'static str,
    /// A trust anchor (root) or a known intermediate.
    pub anchor: bool,
    /// SHA-256 of the DER certificate, upper-case hex with colons (as `openssl x509
    /// -fingerprint -sha256` prints it).
    pub sha256: &'static str,
    /// The certificate, DER or PEM.
    pub bytes: &'static [u8],
}

/// One [`BUILTIN`] entry: the file under `crates/kyso/certs/`, anchor or not, its fingerprint.
macro_rules! builtin {
    ($file:literal, $anchor:literal, $sha256:literal) => {
        BuiltinCertificate {
            file: $file,
            anchor: $anchor,
            sha256: $sha256,
            bytes: include_bytes!(concat!("../certs/", $file)),
        }
    };
}

/// Every certificate kyso ships: the two roots first, then the issuing CAs.
pub const BUILTIN: [BuiltinCertificate; 8] = [
    builtin!(
        "vgca-g1/VGCA_ROOTCA_BIN.cer",
        true,
        "F7:BC:89:05:4C:EC:7F:12:73:0D:7B:8C:D3:EB:79:55:B1:63:83:50:87:E5:EB:87:3E:DF:B5:84:76:3B:3F:90"
    ),
    builtin!(
        "vgca-g2/rootcag2.crt",
        true,
        "F0:4B:A4:B4:59:A7:C9:A1:B9:71:AD:9B:1C:B8:33:E6:95:A8:0C:79:AE:A6:3B:17:4B:66:A7:0E:DF:E2:FD:B8"
    ),
    builtin!(
        "vgca-g1/CP_BIN.cer",
        false,
        "75:E9:69:C0:7B:A3:5C:29:C7:2B:BC:1B:FB:88:0F:20:F3:89:1A:61:9B:00:B7:7E:B0:2C:A6:16:07:36:A1:FE"
    ),
    builtin!(
        "vgca-g1/BCA_BIN.cer",
        false,
        "EC:BF:84:28:26:6C:54:9E:B1:BF:DC:27:15:27:0D:5B:9D:FF:3B:BB:E2:D3:F0:C3:3E:0F:D9:1F:70:B2:D9:43"
    ),
    builtin!(
        "vgca-g1/BNG_BIN.cer",
        false,
        "3C:42:81:29:6F:92:D2:92:CC:95:22:95:FE:41:AD:7D:0B:37:43:8F:F1:D1:43:B5:6C:46:42:CC:1B:14:BD:93"
    ),
    builtin!(
        "vgca-g1/BTC_BIN.cer",
        false,
        "A2:62:CF:A4:89:DB:BE:66:6F:8B:89:FA:B8:32:54:78:09:87:4D:5A:06:FA:9F:7A:38:FC:22:7E:BD:F4:05:14"
    ),
    builtin!(
        "vgca-g1/DCS_BIN.cer",
        false,
        "6E:21:8B:3E:BC:2F:31:B0:D0:32:05:C6:4F:D7:E8:92:0F:B4:71:87:D3:7A:FC:DB:4C:B2:BB:41:78:BF:46:35"
    ),
    builtin!(
        "vgca-g2/cpcag2.crt",
        false,
        "D8:CA:B7:A4:AE:F9:2E:6B:B2:50:9D:7C:61:CE:E7:B4:4F:37:31:B2:D2:10:74:96:35:30:27:7B:36:6F:AE:4B"
    ),
];

/// The name that stands for the built-in roots in the options' `trust` list
/// (`"trust": "builtin"`, or `["builtin", "/path/own-root.pem"]`).
pub const BUILTIN_TRUST: &str = "builtin";

/// The Government CA's G1 and G2 roots, as trust anchors.
pub fn builtin_anchors() -> impl Iterator<Item = &'static [u8]> {
    BUILTIN.iter().filter(|c| c.anchor).map(|c| c.bytes)
}

/// The Government CA's issuing CAs, as known (never trusted) intermediates.
pub fn known_intermediates() -> impl Iterator<Item = &'static [u8]> {
    BUILTIN.iter().filter(|c| !c.anchor).map(|c| c.bytes)
}

/// Add the built-in roots to `store` as anchors.
pub(crate) fn add_builtin_anchors(store: &mut TrustStore) -> Result<(), crate::Error> {
    for bytes in builtin_anchors() {
        store
            .add_anchors(bytes)
            .map_err(|e| crate::Error::Options(format!("built-in root: {e}")))?;
    }
    Ok(())
}

/// Add the built-in issuing CAs to `store` as known intermediates.
pub(crate) fn add_known_intermediates(store: &mut TrustStore) -> Result<(), crate::Error> {
    for bytes in known_intermediates() {
        store
            .add_intermediates(bytes)
            .map_err(|e| crate::Error::Options(format!("built-in intermediate: {e}")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sha2::Digest;

    fn der(bytes: &[u8]) -> Vec<u8> {
        let mut certs = kyso_policy::trust::parse_certificates(bytes).unwrap();
        assert_eq!(certs.len(), 1);
        certs.remove(0).der
    }

    #[test]
    fn each_shipped_certificate_has_its_published_fingerprint() {
        for c in BUILTIN {
            let hex: Vec<String> = sha2::Sha256::digest(der(c.bytes))
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect();
            assert_eq!(hex.join(":"), c.sha256, "{}", c.file);
        }
    }

    #[test]
    fn roots_are_self_issued_and_intermediates_are_issued_by_a_root() {
        let parse = |b: &[u8]| kyso_policy::trust::parse_certificates(b).unwrap().remove(0);
        let roots: Vec<_> = builtin_anchors().map(parse).collect();
        assert_eq!(roots.len(), 2);
        for r in &roots {
            let tbs = r.certificate.tbs_certificate();
            assert_eq!(tbs.subject(), tbs.issuer());
        }
        for i in known_intermediates().map(parse) {
            let issuer = &i.certificate.tbs_certificate().issuer();
            assert!(
                roots
                    .iter()
                    .any(|r| &r.certificate.tbs_certificate().subject() == issuer)
            );
        }
    }

    #[test]
    fn shipped_files_are_the_cas_files_in_the_corpus() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpora/vn-gov/certs");
        if !corpus.is_dir() {
            eprintln!("skipped: no ../shared/corpora/vn-gov/certs beside the repository");
            return;
        }
        for c in BUILTIN {
            assert_eq!(
                std::fs::read(corpus.join(c.file)).unwrap(),
                c.bytes,
                "{}",
                c.file
            );
        }
    }
}
