//! Path building and validation over the real Government CA certificates.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kyso_policy::path::{PathOptions, PathStatus, sub_indication};
use kyso_policy::subject::{SubscriberType, serial_hex, subject_info};
use kyso_policy::trust::{StoredCertificate, TrustStore, parse_certificates};
use kyso_policy::{DateTime, Severity, validate_path_stored};

const CERTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpora/vn-gov/certs/"
);

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{CERTS}{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn one(rel: &str) -> StoredCertificate {
    let mut v = parse_certificates(&read(rel)).unwrap();
    assert_eq!(v.len(), 1, "{rel}");
    v.remove(0)
}

fn at(y: u16, m: u8, d: u8) -> DateTime {
    DateTime::new(y, m, d, 12, 0, 0).unwrap()
}

fn g2_store() -> TrustStore {
    let mut s = TrustStore::new();
    s.add_anchors(&read("vgca-g2/rootcag2.crt")).unwrap();
    s.add_intermediates(&read("vgca-g2/cpcag2.crt")).unwrap();
    s
}

fn g1_store() -> TrustStore {
    let mut s = TrustStore::new();
    s.add_anchors(&read("vgca-g1/VGCA_ROOTCA_BIN.cer")).unwrap();
    s.add_intermediates(&read("vgca-g1/CP_BIN.cer")).unwrap();
    s
}

fn print(v: &kyso_policy::PathValidation) {
    println!(
        "status={:?} sub={:?} len={}",
        v.status,
        v.sub_indication,
        v.path.len()
    );
    for r in &v.reasons {
        println!("  [{:?}] {} | {} | {}", r.severity, r.code, r.en, r.vi);
    }
}

#[test]
fn g2_leaf_valid_2025() {
    let leaf = one("extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem");
    let v = validate_path_stored(&leaf, &[], &g2_store(), &PathOptions::at(at(2025, 1, 7)));
    print(&v);
    assert_eq!(v.status, PathStatus::Valid);
    assert_eq!(v.path.len(), 3);
    assert!(v.reasons.iter().all(|r| r.severity != Severity::Error));
    assert_eq!(v.algorithms.len(), 2);
    assert!(
        v.algorithms
            .iter()
            .all(|a| a.name() == "RSA-PKCS1v15-SHA256")
    );
}

#[test]
fn g2_leaf_valid_with_intermediate_from_cms_extra() {
    let leaf = one("extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem");
    let inter = one("vgca-g2/cpcag2.crt");
    let mut s = TrustStore::new();
    s.add_anchors(&read("vgca-g2/rootcag2.crt")).unwrap();
    let v = validate_path_stored(&leaf, &[inter], &s, &PathOptions::at(at(2025, 1, 7)));
    assert_eq!(v.status, PathStatus::Valid);
}

#[test]
fn g1_leaf_valid_2016_legacy() {
    let leaf = one("extracted-from-pdfs/leaf_g1_cong-ttdt-chinh-phu_2014-2019.pem");
    let v = validate_path_stored(&leaf, &[], &g1_store(), &PathOptions::at(at(2016, 3, 3)));
    print(&v);
    assert_eq!(v.status, PathStatus::Valid);
    assert_eq!(v.path.len(), 3);
    assert!(
        v.reasons
            .iter()
            .any(|r| r.code == "CRYPTO_LEGACY_ALGORITHM")
    );
}

#[test]
fn g1_leaf_out_of_bounds_2026() {
    let leaf = one("extracted-from-pdfs/leaf_g1_cong-ttdt-chinh-phu_2014-2019.pem");
    let v = validate_path_stored(&leaf, &[], &g1_store(), &PathOptions::at(at(2026, 1, 1)));
    print(&v);
    assert_ne!(v.status, PathStatus::Valid);
    assert_eq!(v.sub_indication, Some(sub_indication::OUT_OF_BOUNDS_NO_POE));
    assert!(v.reasons.iter().any(|r| r.code == "CERT_EXPIRED"));
    // SHA-1 after the cut-off is also reported.
    assert!(
        v.reasons
            .iter()
            .any(|r| r.code == "CRYPTO_CONSTRAINTS_FAILURE")
    );

    let mut opts = PathOptions::at(at(2026, 1, 1));
    opts.time_is_proven = true;
    let v = validate_path_stored(&leaf, &[], &g1_store(), &opts);
    assert_eq!(v.status, PathStatus::Invalid);
    assert_eq!(v.sub_indication, Some(sub_indication::EXPIRED));
}

#[test]
fn g2_leaf_not_yet_valid() {
    let leaf = one("extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem");
    let v = validate_path_stored(&leaf, &[], &g2_store(), &PathOptions::at(at(2020, 1, 1)));
    assert_eq!(v.status, PathStatus::Invalid);
    assert_eq!(v.sub_indication, Some(sub_indication::NOT_YET_VALID));
}

#[test]
fn missing_intermediate_no_chain() {
    let leaf = one("extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem");
    let mut s = TrustStore::new();
    s.add_anchors(&read("vgca-g2/rootcag2.crt")).unwrap();
    let v = validate_path_stored(&leaf, &[], &s, &PathOptions::at(at(2025, 1, 7)));
    print(&v);
    assert_eq!(v.status, PathStatus::Indeterminate);
    assert_eq!(
        v.sub_indication,
        Some(sub_indication::NO_CERTIFICATE_CHAIN_FOUND)
    );
    assert!(
        v.reasons[0]
            .vi
            .contains("Không tìm thấy chuỗi chứng thư số đến gốc tin cậy")
    );
}

#[test]
fn intermediate_present_but_other_generation_root_trusted() {
    let leaf = one("extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem");
    let mut s = TrustStore::new();
    s.add_anchors(&read("vgca-g1/VGCA_ROOTCA_BIN.cer")).unwrap();
    s.add_intermediates(&read("vgca-g2/cpcag2.crt")).unwrap();
    s.add_intermediates(&read("vgca-g2/rootcag2.crt")).unwrap(); // present, but not trusted
    let v = validate_path_stored(&leaf, &[], &s, &PathOptions::at(at(2025, 1, 7)));
    print(&v);
    assert_ne!(v.status, PathStatus::Valid);
    assert_eq!(
        v.sub_indication,
        Some(sub_indication::NO_CERTIFICATE_CHAIN_FOUND)
    );

    // And the G1 leaf with only the G2 root trusted.
    let leaf1 = one("extracted-from-pdfs/leaf_g1_cong-ttdt-chinh-phu_2014-2019.pem");
    let mut s = TrustStore::new();
    s.add_anchors(&read("vgca-g2/rootcag2.crt")).unwrap();
    s.add_intermediates(&read("vgca-g1/CP_BIN.cer")).unwrap();
    let v = validate_path_stored(&leaf1, &[], &s, &PathOptions::at(at(2016, 3, 3)));
    assert_eq!(
        v.sub_indication,
        Some(sub_indication::NO_CERTIFICATE_CHAIN_FOUND)
    );
}

#[test]
fn intermediate_as_anchor_is_enough() {
    // Trusting cpcag2 directly (configured anchor) gives a two-certificate path.
    let leaf = one("extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem");
    let mut s = TrustStore::new();
    s.add_anchors(&read("vgca-g2/cpcag2.crt")).unwrap();
    let v = validate_path_stored(&leaf, &[], &s, &PathOptions::at(at(2025, 1, 7)));
    assert_eq!(v.status, PathStatus::Valid);
    assert_eq!(v.path.len(), 2);
}

#[test]
fn g1_root_serial_positive() {
    let root = one("vgca-g1/VGCA_ROOTCA_BIN.cer");
    assert_eq!(serial_hex(&root.certificate), "FF303AE4E90AC1ED");
    let raw = root
        .certificate
        .tbs_certificate()
        .serial_number()
        .as_bytes();
    println!("raw serial bytes: {raw:02X?}");
    // Re-encoding keeps the sign-padding byte, so the DER is unchanged.
    use der::Encode;
    assert_eq!(root.certificate.to_der().unwrap(), root.der);
}

#[test]
fn tsa_certs_chain() {
    let tsa2 = one("extracted-from-pdfs/tsa_g2_may-chu-cap-dau-thoi-gian-02.pem");
    let v = validate_path_stored(&tsa2, &[], &g2_store(), &PathOptions::at(at(2025, 1, 7)));
    print(&v);
    assert_eq!(v.status, PathStatus::Valid);
    assert_eq!(v.path.len(), 2);

    let tsa1 = one("extracted-from-pdfs/tsa_g1_may-chu-cap-dau-thoi-gian_2013-2018.pem");
    let v = validate_path_stored(&tsa1, &[], &g1_store(), &PathOptions::at(at(2016, 3, 3)));
    print(&v);
    assert_eq!(v.status, PathStatus::Valid);
    assert_eq!(v.path.len(), 2);
}

#[test]
fn g1_sub_cas_chain_to_root() {
    let mut s = TrustStore::new();
    s.add_anchors(&read("vgca-g1/VGCA_ROOTCA_BIN.cer")).unwrap();
    for f in [
        "CP_BIN.cer",
        "BCA_BIN.cer",
        "BTC_BIN.cer",
        "BNG_BIN.cer",
        "DCS_BIN.cer",
    ] {
        let c = one(&format!("vgca-g1/{f}"));
        let v = validate_path_stored(&c, &[], &s, &PathOptions::at(at(2017, 1, 1)));
        println!("{f}:");
        print(&v);
        assert_eq!(v.status, PathStatus::Valid, "{f}");
    }
    let lic = one("vgca-g1/VGCALicenseKeyGenerator.cer");
    s.add_intermediates(&read("vgca-g1/CP_BIN.cer")).unwrap();
    let v = validate_path_stored(&lic, &[], &s, &PathOptions::at(at(2018, 1, 1)));
    print(&v);
    assert_eq!(v.status, PathStatus::Valid);
}

#[test]
fn public_ca_certs_parse() {
    for f in std::fs::read_dir(format!("{CERTS}public-ca")).unwrap() {
        let p = f.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        let certs = parse_certificates(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for c in certs {
            let i = subject_info(&c.certificate);
            println!("{}: {} serial={}", p.display(), i.subject, i.serial_hex);
        }
    }
}

#[test]
fn subject_info_g2_leaf() {
    let leaf = one("extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem");
    let i = subject_info(&leaf.certificate);
    println!("{i:#?}");
    assert_eq!(
        i.common_name.as_deref(),
        Some("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ")
    );
    assert_eq!(i.organization.as_deref(), Some("VĂN PHÒNG CHÍNH PHỦ"));
    assert_eq!(i.tax_code.as_deref(), Some("0102357802"));
    assert_eq!(i.budget_code.as_deref(), Some("1032158"));
    assert_eq!(i.locality.as_deref(), Some("Hà Nội"));
    assert_eq!(i.country.as_deref(), Some("VN"));
    assert_eq!(i.email.as_deref(), Some("thongtinchinhphu@chinhphu.vn"));
    assert_eq!(i.subscriber_type, SubscriberType::Organization);
    assert_eq!(i.serial_hex, "64F15B53E2D116B1");
    assert_eq!(
        i.issuer_common_name.as_deref(),
        Some("CA phục vụ các cơ quan Nhà nước G2")
    );
    assert!(
        i.subject
            .starts_with("emailAddress=thongtinchinhphu@chinhphu.vn"),
        "{}",
        i.subject
    );
    assert!(
        i.issuer
            .starts_with("CN=CA phục vụ các cơ quan Nhà nước G2, O=Ban Cơ yếu Chính phủ, C=VN")
    );
    assert_eq!(i.not_after.year(), 2028);
}

#[test]
fn subject_info_g1_leaf() {
    let leaf = one("extracted-from-pdfs/leaf_g1_cong-ttdt-chinh-phu_2014-2019.pem");
    let i = subject_info(&leaf.certificate);
    println!("{i:#?}");
    assert_eq!(
        i.common_name.as_deref(),
        Some("Cổng Thông tin điện tử Chính phủ")
    );
    assert_eq!(i.subscriber_type, SubscriberType::Organization);
    assert_eq!(
        i.issuer_common_name.as_deref(),
        Some("Co quan chung thuc so Chinh phu")
    );
}

#[test]
fn trust_store_inputs() {
    // Several PEM blocks in one input.
    let mut pem = read("vgca-g2/rootcag2.crt");
    pem.extend_from_slice(&read("vgca-g2/cpcag2.crt"));
    assert_eq!(parse_certificates(&pem).unwrap().len(), 2);
    // DER with zero padding.
    let mut der = read("vgca-g1/CP_BIN.cer");
    der.extend_from_slice(&[0; 16]);
    assert_eq!(parse_certificates(&der).unwrap().len(), 1);
    // PKCS#7: the CMS of a signed PDF carries certificates.
    let cms = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora/vn-gov/pdf/govportal_2025-01-07_g2.cms.der"
    ))
    .unwrap();
    let certs = parse_certificates(&cms).unwrap();
    assert!(!certs.is_empty());
    // Garbage.
    assert!(parse_certificates(b"hello").is_err());
    assert!(parse_certificates(&[0x30, 0x82, 0xff]).is_err());
    let e = parse_certificates(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        .unwrap_err();
    assert!((3000..4000).contains(&e.code()));
    // Duplicates are not added twice.
    let mut s = TrustStore::new();
    assert_eq!(s.add_anchors(&read("vgca-g2/rootcag2.crt")).unwrap(), 1);
    assert_eq!(s.add_anchors(&read("vgca-g2/rootcag2.crt")).unwrap(), 0);
    assert_eq!(s.anchors().len(), 1);
    assert!(s.intermediates().is_empty());
}
