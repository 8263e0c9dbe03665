//! Signer information for reports, read from a certificate's subject and issuer names.
//!
//! Vietnamese certificates carry identifiers in `UID` (0.9.2342.19200300.100.1.1) attributes:
//! `MST:` tax code, `MNS:` budget-unit code (organisations), `CMND:` / `CCCD:` / `HC:` personal
//! identity numbers (individuals). Names are shown exactly as written (G1 without diacritics,
//! G2 with them); nothing is normalised.

use const_oid::ObjectIdentifier;
use der::{Encode, Tag, Tagged, asn1::Any};
use serde::Serialize;
use x509_cert::{Certificate, name::Name};

/// commonName.
pub const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// surname.
pub const OID_SURNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.4");
/// serialNumber (attribute).
pub const OID_SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
/// countryName.
pub const OID_C: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
/// localityName.
pub const OID_L: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.7");
/// stateOrProvinceName.
pub const OID_ST: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.8");
/// streetAddress.
pub const OID_STREET: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.9");
/// organizationName.
pub const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
/// organizationalUnitName.
pub const OID_OU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");
/// title.
pub const OID_TITLE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.12");
/// givenName.
pub const OID_GIVEN_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.42");
/// userId (UID).
pub const OID_UID: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.1");
/// domainComponent.
pub const OID_DC: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.25");
/// emailAddress (PKCS#9).
pub const OID_EMAIL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

/// Whether a certificate belongs to a person or an organisation (Decree 68 subscriber types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SubscriberType {
    /// An organisation (cơ quan, tổ chức).
    Organization,
    /// An individual (cá nhân).
    Individual,
    /// Could not be told from the certificate.
    Unknown,
}

impl SubscriberType {
    /// `"organization"`, `"individual"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Individual => "individual",
            Self::Unknown => "unknown",
        }
    }
}

/// What a report shows about a signer's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectInfo {
    /// Subject CN.
    pub common_name: Option<String>,
    /// Subject O.
    pub organization: Option<String>,
    /// Subject OU (first one; all are in [`SubjectInfo::organizational_units`]).
    pub organizational_unit: Option<String>,
    /// All subject OUs.
    pub organizational_units: Vec<String>,
    /// Subject title (2.5.4.12).
    pub title: Option<String>,
    /// Subject L.
    pub locality: Option<String>,
    /// Subject ST.
    pub state: Option<String>,
    /// Subject C.
    pub country: Option<String>,
    /// Subject emailAddress.
    pub email: Option<String>,
    /// All subject UID values as written (e.g. `MST:0102357802`).
    pub uids: Vec<String>,
    /// Tax code from `UID=MST:…`.
    pub tax_code: Option<String>,
    /// Budget-unit code from `UID=MNS:…`.
    pub budget_code: Option<String>,
    /// Personal identity number from `UID=CMND:…`, `CCCD:…` or `HC:…` (prefix kept).
    pub personal_id: Option<String>,
    /// Certificate serial number, upper-case hex without separators or sign padding.
    pub serial_hex: String,
    /// Issuer CN.
    pub issuer_common_name: Option<String>,
    /// Subject, formatted by [`format_name`].
    pub subject: String,
    /// Issuer, formatted by [`format_name`].
    pub issuer: String,
    /// Start of validity.
    pub not_before: der::DateTime,
    /// End of validity.
    pub not_after: der::DateTime,
    /// Guessed subscriber type.
    pub subscriber_type: SubscriberType,
}

/// Decode a directory string value: UTF8String, PrintableString, IA5String, VisibleString,
/// BMPString (UTF-16BE), TeletexString (read as Latin-1).
/// Other types give `None`.
pub fn decode_directory_string(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String => Some(String::from_utf8_lossy(bytes).into_owned()),
        Tag::PrintableString | Tag::Ia5String | Tag::VisibleString | Tag::TeletexString => {
            Some(bytes.iter().map(|b| char::from(*b)).collect())
        }
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(
                char::decode_utf16(units)
                    .map(|r| r.unwrap_or('\u{FFFD}'))
                    .collect(),
            )
        }
        _ => None,
    }
}

/// All values of attribute `oid` in `name`, in order.
pub fn name_values(name: &Name, oid: ObjectIdentifier) -> Vec<String> {
    name.iter()
        .filter(|atv| atv.oid == oid)
        .filter_map(|atv| decode_directory_string(&atv.value))
        .collect()
}

fn first(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name_values(name, oid).into_iter().next()
}

fn short_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    Some(match *oid {
        OID_CN => "CN",
        OID_C => "C",
        OID_L => "L",
        OID_ST => "ST",
        OID_STREET => "STREET",
        OID_O => "O",
        OID_OU => "OU",
        OID_TITLE => "title",
        OID_SURNAME => "SN",
        OID_GIVEN_NAME => "GN",
        OID_SERIAL_NUMBER => "serialNumber",
        OID_UID => "UID",
        OID_DC => "DC",
        OID_EMAIL => "emailAddress",
        _ => return None,
    })
}

fn escape_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let n = v.chars().count();
    for (i, c) in v.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i + 1 == n && c == ' ');
        if special {
            out.push('\\');
        }
        if c == '\0' {
            out.push_str("\\00");
        } else {
            out.push(c);
        }
    }
    out
}

/// Format a name the RFC 4514 way (most specific RDN first, `,` between RDNs, `+` inside
/// multi-valued RDNs), keeping UTF-8 text as it is. Unknown attribute types are written as
/// dotted OIDs and undecodable values as `#` + hex of their DER.
pub fn format_name(name: &Name) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let key = short_name(&atv.oid)
                        .map(str::to_owned)
                        .unwrap_or_else(|| atv.oid.to_string());
                    let val = match decode_directory_string(&atv.value) {
                        Some(s) => escape_value(&s),
                        None => {
                            let der = atv.value.to_der().unwrap_or_default();
                            format!("#{}", hex_upper(&der))
                        }
                    };
                    format!("{key}={val}")
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(", ")
}

/// Upper-case hex of bytes.
pub fn hex_upper(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02X}"));
    }
    s
}

/// Serial number in upper-case hex, with a DER sign-padding `00` removed (so the G1 root's
/// `00FF303AE4E90AC1ED` reads `FF303AE4E90AC1ED`, never as a negative number).
pub fn serial_hex(cert: &Certificate) -> String {
    let bytes = cert.tbs_certificate().serial_number().as_bytes();
    let trimmed = match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        other => other,
    };
    hex_upper(trimmed)
}

fn uid_value(uids: &[String], prefixes: &[&str]) -> Option<String> {
    uids.iter().find_map(|u| {
        let trimmed = u.trim();
        prefixes.iter().find_map(|p| {
            let head = trimmed.get(..p.len())?;
            if head.eq_ignore_ascii_case(p) {
                Some(trimmed[p.len()..].trim().to_owned())
            } else {
                None
            }
        })
    })
}

/// Words that begin the names of Vietnamese public bodies and companies.
const ORG_WORDS: &[&str] = &[
    "CỔNG",
    "VĂN PHÒNG",
    "UBND",
    "ỦY BAN",
    "UỶ BAN",
    "SỞ ",
    "BỘ ",
    "CỤC ",
    "BAN ",
    "TRUNG TÂM",
    "CÔNG TY",
    "TRƯỜNG",
    "BỆNH VIỆN",
    "HỘI ĐỒNG",
    "TỔNG CỤC",
    "CHI CỤC",
    "PHÒNG ",
    "VIỆN ",
    "TÒA ÁN",
    "VIỆN KIỂM SÁT",
    "KHO BẠC",
    "CƠ QUAN",
    "TỈNH ỦY",
    "HUYỆN ỦY",
    "ĐẢNG ỦY",
];

fn looks_like_org(cn: &str, org: Option<&str>) -> bool {
    let up = cn.to_uppercase();
    if let Some(o) = org {
        let o_up = o.to_uppercase();
        if !o_up.is_empty() && (up == o_up || up.contains(&o_up)) {
            return true;
        }
    }
    ORG_WORDS.iter().any(|w| up.starts_with(w))
}

/// Extract the signer information of `cert` for reports.
pub fn subject_info(cert: &Certificate) -> SubjectInfo {
    let tbs = cert.tbs_certificate();
    let s = tbs.subject();
    let uids = name_values(s, OID_UID);
    let tax_code = uid_value(&uids, &["MST:"]);
    let budget_code = uid_value(&uids, &["MNS:"]);
    let personal_id = uids
        .iter()
        .find(|u| {
            let up = u.trim().to_uppercase();
            ["CMND:", "CCCD:", "HC:", "CMT:", "PID:"]
                .iter()
                .any(|p| up.starts_with(p))
        })
        .map(|u| u.trim().to_owned());
    let common_name = first(s, OID_CN);
    let organization = first(s, OID_O);
    let title = first(s, OID_TITLE);
    let ous = name_values(s, OID_OU);

    let subscriber_type = if title.is_some() || personal_id.is_some() {
        SubscriberType::Individual
    } else if tax_code.is_some()
        || budget_code.is_some()
        || common_name
            .as_deref()
            .is_some_and(|cn| looks_like_org(cn, organization.as_deref()))
    {
        SubscriberType::Organization
    } else {
        SubscriberType::Unknown
    };

    SubjectInfo {
        common_name,
        organization,
        organizational_unit: ous.first().cloned(),
        organizational_units: ous,
        title,
        locality: first(s, OID_L),
        state: first(s, OID_ST),
        country: first(s, OID_C),
        email: first(s, OID_EMAIL),
        tax_code,
        budget_code,
        personal_id,
        uids,
        serial_hex: serial_hex(cert),
        issuer_common_name: first(tbs.issuer(), OID_CN),
        subject: format_name(s),
        issuer: format_name(tbs.issuer()),
        not_before: tbs.validity().not_before.to_date_time(),
        not_after: tbs.validity().not_after.to_date_time(),
        subscriber_type,
    }
}

/// A short display label for a certificate: its subject CN, else the formatted subject.
pub fn display_name(cert: &Certificate) -> String {
    let s = cert.tbs_certificate().subject();
    first(s, OID_CN).unwrap_or_else(|| format_name(s))
}
