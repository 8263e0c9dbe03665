//! The certificate inventory: expiry states at fixed times, from files (the test PKI and the real
//! Government CA certificates) and from the SoftHSM2 test token, as JSON and CSV.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{at, corpus, work_dir};
use kyso::inventory::{Inventory, Location};
use kyso::token::PinSource;
use kyso::token::pkcs11::{Module, TokenSession};
use kyso_policy::expiry::ExpiryState;
use kyso_policy::trust::parse_certificates;

fn cert(path: &std::path::Path) -> x509_cert::Certificate {
    parse_certificates(&std::fs::read(path).unwrap())
        .unwrap()
        .remove(0)
        .certificate
}

fn pki(name: &str) -> std::path::PathBuf {
    work_dir().join("pki").join(name)
}

const PORTAL_G2: &str =
    "vn-gov/certs/extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem";

/// Files at 2028-11-20: the real portal certificate ends on 2028-12-11 (expiring within 30
/// days), the test signers on 2030-01-01 (valid), the `expired` one ended in 2021.
fn file_inventory(warn_days: u32) -> Inventory {
    let mut inv = Inventory::new(
        Some("Sở Khoa học và Công nghệ tỉnh Gia Lai".into()),
        at("2028-11-20T00:00:00Z"),
        warn_days,
    );
    let portal = corpus(PORTAL_G2);
    for path in [
        pki("ca-nhan.pem"),
        pki("to-chuc.pem"),
        pki("expired.pem"),
        portal.clone(),
        // The same file twice is listed once.
        pki("ca-nhan.pem"),
    ] {
        let name = path.display().to_string();
        inv.add_certificate(&cert(&path), Location::File(&name));
    }
    inv
}

#[test]
fn states_and_days_left_from_files() {
    let inv = file_inventory(30);
    assert_eq!(inv.entries.len(), 4);
    let states: Vec<(ExpiryState, i64)> =
        inv.entries.iter().map(|e| (e.state, e.days_left)).collect();
    assert_eq!(
        states,
        vec![
            (ExpiryState::Valid, 407),
            (ExpiryState::Valid, 407),
            (ExpiryState::Expired, -2880),
            (ExpiryState::ExpiringSoon, 21),
        ]
    );
    let s = &inv.summary;
    assert_eq!(
        (
            s.total,
            s.valid,
            s.expiring_soon,
            s.expired,
            s.not_yet_valid
        ),
        (4, 2, 1, 1, 0)
    );
    assert!(inv.needs_attention());
    let codes: Vec<&str> = inv.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["CERT_EXPIRED", "CERT_EXPIRING_SOON"]);
    assert!(
        inv.reasons[1].vi.contains("11/12/2028"),
        "{}",
        inv.reasons[1].vi
    );

    let e = &inv.entries[0];
    assert_eq!(e.common_name.as_deref(), Some("Nguyễn Văn An"));
    assert_eq!(e.title.as_deref(), Some("Giám đốc"));
    assert_eq!(e.subscriber_type, "individual");
    assert_eq!(e.serial, "1001");
    let org = &inv.entries[1];
    assert_eq!(org.subscriber_type, "organization");
    assert_eq!(org.tax_code.as_deref(), Some("5900123456"));
    assert_eq!(org.budget_code.as_deref(), Some("1234567"));

    // A longer warning period catches the test signers too; a time before them, not yet valid.
    assert_eq!(file_inventory(500).summary.expiring_soon, 3);
    let mut early = Inventory::new(None, at("2024-06-01T00:00:00Z"), 30);
    early.add_certificate(&cert(&pki("ca-nhan.pem")), Location::File("ca-nhan.pem"));
    assert_eq!(early.entries[0].state, ExpiryState::NotYetValid);
    assert_eq!(early.reasons[0].code, "CERT_NOT_YET_VALID");
}

#[test]
fn json_and_csv() {
    let inv = file_inventory(30);
    let json: serde_json::Value = serde_json::from_str(&inv.to_json()).unwrap();
    assert_eq!(json["schema"], "kyso.inventory/1");
    assert_eq!(json["generated_at"], "2028-11-20T00:00:00Z");
    assert_eq!(json["unit"], "Sở Khoa học và Công nghệ tỉnh Gia Lai");
    assert_eq!(json["summary"]["expiring_soon"], 1);
    assert_eq!(json["entries"][3]["state"], "expiring_soon");
    assert_eq!(json["entries"][3]["not_after"], "2028-12-11T07:01:48Z");
    assert_eq!(json["entries"][2]["state"], "expired");
    assert_eq!(json["reasons"][0]["code"], "CERT_EXPIRED");

    let csv = inv.to_csv();
    assert!(csv.starts_with('\u{feff}'), "a BOM for spreadsheets");
    let rows: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(rows.len(), 6, "header, 4 rows, and the empty end: {rows:?}");
    assert_eq!(rows[5], "");
    assert!(rows[0].starts_with("STT / No.,Đơn vị / Unit,"));
    let portal = rows[4];
    assert!(portal.starts_with("4,Sở Khoa học và Công nghệ tỉnh Gia Lai,tệp / file,"));
    assert!(
        portal.contains(",CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ,"),
        "{portal}"
    );
    assert!(
        portal.contains(",11/12/2028,21,sắp hết hạn / expiring soon,"),
        "{portal}"
    );
    // Issuers contain commas: quoted, so every row has the header's 19 fields.
    for row in &rows[..5] {
        assert_eq!(csv_fields(row), 19, "{row}");
    }
}

#[test]
fn html_page_like_the_inbox_report() {
    let inv = file_inventory(30);
    let html = kyso::inventory_html::inventory_html(&inv);
    // Self-contained: nothing to fetch, a policy that forbids fetching.
    assert!(html.contains("default-src 'none'"));
    for banned in ["src=", "href=", "url(", "@import"] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.contains("Sở Khoa học và Công nghệ tỉnh Gia Lai"));
    assert!(html.contains("20/11/2028"), "the time of the states");
    // One row per certificate, the states ranked for sorting (expired first).
    assert_eq!(html.matches("<tr data-verdict=").count(), 4);
    let ranks: Vec<&str> = html
        .split("<tr data-verdict=\"")
        .skip(1)
        .map(|r| &r[..1])
        .collect();
    assert_eq!(
        ranks,
        ["3", "3", "0", "2"],
        "valid, valid, expired, expiring soon"
    );
    assert!(html.contains("đã hết hạn"));
    assert!(html.contains("11/12/2028"), "the portal certificate's end");
    assert!(
        html.contains("CERT_EXPIRED"),
        "the findings, with their codes"
    );
    // Text from certificates is escaped.
    let mut odd = Inventory::new(Some("<b>&".into()), at("2028-11-20T00:00:00Z"), 30);
    odd.add_certificate(&cert(&pki("ca-nhan.pem")), Location::File("x<y>.pem"));
    let html = kyso::inventory_html::inventory_html(&odd);
    assert!(html.contains("&lt;b&gt;&amp;") && html.contains("x&lt;y&gt;.pem"));
    assert!(!html.contains("<b><b>&<"));
}

/// Fields of one RFC 4180 record.
fn csv_fields(row: &str) -> usize {
    let (mut n, mut quoted) = (1, false);
    for c in row.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => n += 1,
            _ => {}
        }
    }
    n
}

#[test]
fn token_certificates_with_their_keys() {
    let module = Module::from_env().unwrap();
    let tokens = module.list_tokens().unwrap();
    let token = tokens.iter().find(|t| t.label == "kyso-test").unwrap();
    let session = TokenSession::open(&module, &token.label).unwrap();
    session
        .login(PinSource::value("1234"), Default::default())
        .unwrap();
    let keys = session.keys().unwrap();
    let mut inv = Inventory::new(None, at("2029-12-20T00:00:00Z"), 30);
    inv.add_token(token, &keys);
    inv.add_token(token, &keys);
    let mut labels: Vec<&str> = inv
        .entries
        .iter()
        .map(|e| e.key_label.as_deref().unwrap())
        .collect();
    labels.sort();
    assert_eq!(labels, ["ca-nhan", "ec-p256", "to-chuc"]);
    for e in &inv.entries {
        assert_eq!(e.location, "token");
        assert_eq!(e.source, "kyso-test");
        assert_eq!(e.token_serial.as_deref(), Some(token.serial.as_str()));
        assert_eq!(e.has_private_key, Some(true));
        assert_eq!((e.state, e.days_left), (ExpiryState::ExpiringSoon, 12));
    }
    assert_eq!(inv.reasons.len(), 3);
}
