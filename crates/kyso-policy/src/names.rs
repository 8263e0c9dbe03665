//! Distinguished-name matching (RFC 5280 §7.1), used for issuer/subject chaining, name
//! constraints on directoryName, CRL issuer and distribution-point matching.
//!
//! Two names match when they have the same number of RDNs and each RDN holds the same set of
//! attributes; two attribute values match when their types are equal and:
//! - both are character strings (PrintableString, UTF8String, IA5String, BMPString,
//!   VisibleString, NumericString, or a TeletexString holding only ASCII) and their **prepared** forms are
//!   equal: a simplified RFC 4518 preparation — Unicode lower-casing (case folding), leading
//!   and trailing white space removed, internal runs of white space collapsed to one space.
//!   PrintableString and UTF8String of the same text are therefore equal;
//! - otherwise, their DER encodings are equal.
//!
//! What is deliberately **not** done: Unicode normalisation (NFKC/NFKD), decomposition or
//! accent stripping. The Government CA's first generation writes "Ban Co yeu Chinh phu", the
//! second "Ban Cơ yếu Chính phủ" (DOMAIN.md §2.6): these are different names and never match.
//! Lower-casing maps a precomposed letter to its precomposed lower case ("Ơ" → "ơ"), never to
//! its base letter.

use const_oid::ObjectIdentifier;
use der::{Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RelativeDistinguishedName};

/// A prepared attribute value, compared for equality.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Value {
    /// A character string after preparation.
    Text(String),
    /// Any other value: its DER encoding.
    Der(Vec<u8>),
}

/// A prepared relative distinguished name: its attributes, sorted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RdnKey(Vec<(ObjectIdentifier, Value)>);

/// A prepared distinguished name: equal keys mean matching names (RFC 5280 §7.1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct NameKey(Vec<RdnKey>);

impl NameKey {
    /// The prepared form of `name`.
    pub fn of(name: &Name) -> Self {
        NameKey(name.iter_rdn().map(RdnKey::of).collect())
    }

    /// Whether the name has no RDN.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `self`'s RDNs are a prefix of `other`'s (a directoryName name constraint:
    /// `other` lies in the subtree rooted at `self`).
    pub fn is_prefix_of(&self, other: &NameKey) -> bool {
        self.0.len() <= other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| a == b)
    }
}

impl RdnKey {
    /// The prepared form of one RDN.
    pub fn of(rdn: &RelativeDistinguishedName) -> Self {
        let mut v: Vec<(ObjectIdentifier, Value)> = rdn.iter().map(prepare_atv).collect();
        v.sort();
        RdnKey(v)
    }
}

/// Whether two names match (RFC 5280 §7.1 with the preparation described above).
pub fn names_match(a: &Name, b: &Name) -> bool {
    // Fast path: identical encodings always match.
    if a == b {
        return true;
    }
    NameKey::of(a) == NameKey::of(b)
}

/// The simplified RFC 4518 preparation of a string: Unicode lower case, outer white space
/// removed, inner runs of white space collapsed to one space. No normalisation, no accent
/// stripping.
pub fn prepare(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn prepare_atv(atv: &AttributeTypeAndValue) -> (ObjectIdentifier, Value) {
    let value = match text_of(atv.value.tag(), atv.value.value()) {
        Some(s) => Value::Text(prepare(&s)),
        None => Value::Der(atv.value.to_der().unwrap_or_default()),
    };
    (atv.oid, value)
}

/// The text of a character-string value, `None` for other types or undecodable bytes.
fn text_of(tag: Tag, bytes: &[u8]) -> Option<String> {
    match tag {
        Tag::PrintableString
        | Tag::Utf8String
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::NumericString => std::str::from_utf8(bytes).ok().map(str::to_owned),
        // T.61 is not Latin-1; only its ASCII subset is read as text.
        Tag::TeletexString if bytes.is_ascii() => {
            std::str::from_utf8(bytes).ok().map(str::to_owned)
        }
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use der::Decode;
    use der::asn1::{PrintableStringRef, Utf8StringRef};
    use x509_cert::attr::AttributeValue;

    const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
    const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
    const OID_C: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");

    fn utf8(s: &str) -> AttributeValue {
        AttributeValue::from(Utf8StringRef::new(s).unwrap())
    }

    fn printable(s: &str) -> AttributeValue {
        AttributeValue::from(PrintableStringRef::new(s).unwrap())
    }

    fn name(atvs: &[(ObjectIdentifier, AttributeValue)]) -> Name {
        let mut seq = x509_cert::name::RdnSequence::default();
        for (oid, value) in atvs {
            let mut rdn = RelativeDistinguishedName::default();
            rdn.insert(AttributeTypeAndValue {
                oid: *oid,
                value: value.clone(),
            })
            .unwrap();
            seq.push(rdn);
        }
        let der = seq.to_der().unwrap();
        Name::from_der(&der).unwrap()
    }

    #[test]
    fn preparation() {
        assert_eq!(prepare("  Good   CA "), "good ca");
        assert_eq!(prepare("GOOD\tCA"), "good ca");
        assert_eq!(prepare("CỔNG THÔNG TIN"), "cổng thông tin");
        assert_eq!(prepare(""), "");
    }

    #[test]
    fn case_space_and_string_type_are_insignificant() {
        let a = name(&[
            (OID_C, printable("VN")),
            (OID_O, printable("Test Certificates")),
            (OID_CN, utf8("Good CA")),
        ]);
        let b = name(&[
            (OID_C, utf8("vn")),
            (OID_O, utf8("  TEST   certificates ")),
            (OID_CN, printable("good ca")),
        ]);
        assert!(names_match(&a, &b));
        // Order of RDNs matters.
        let c = name(&[
            (OID_O, printable("Test Certificates")),
            (OID_C, printable("VN")),
            (OID_CN, utf8("Good CA")),
        ]);
        assert!(!names_match(&a, &c));
        // A different attribute type with the same text does not match.
        let d = name(&[
            (OID_C, printable("VN")),
            (OID_O, printable("Test Certificates")),
            (OID_O, utf8("Good CA")),
        ]);
        assert!(!names_match(&a, &d));
    }

    /// DOMAIN.md §2.6: the G1 and G2 organisation names differ only in diacritics; they are
    /// different names, whatever the case or white space.
    #[test]
    fn diacritics_are_significant() {
        let g1 = name(&[
            (OID_C, printable("VN")),
            (OID_O, utf8("Ban Co yeu Chinh phu")),
        ]);
        let g2 = name(&[
            (OID_C, printable("VN")),
            (OID_O, utf8("Ban Cơ yếu Chính phủ")),
        ]);
        assert!(!names_match(&g1, &g2));
        let g2_upper = name(&[
            (OID_C, printable("VN")),
            (OID_O, utf8("BAN CƠ YẾU  CHÍNH PHỦ")),
        ]);
        assert!(names_match(&g2, &g2_upper));
        assert!(!names_match(&g1, &g2_upper));
        let g1_upper = name(&[(OID_C, utf8("vn")), (OID_O, utf8("BAN CO YEU CHINH PHU"))]);
        assert!(names_match(&g1, &g1_upper));
        // A decomposed spelling (o + combining horn) is not normalised either.
        let decomposed = name(&[
            (OID_C, printable("VN")),
            (
                OID_O,
                utf8("Ban Co\u{31b} yê\u{301}u Chi\u{301}nh phu\u{309}"),
            ),
        ]);
        assert!(!names_match(&g1, &decomposed));
    }

    #[test]
    fn prefixes() {
        let ca = NameKey::of(&name(&[
            (OID_C, printable("US")),
            (OID_O, printable("Test")),
        ]));
        let leaf = NameKey::of(&name(&[
            (OID_C, utf8("us")),
            (OID_O, utf8("TEST")),
            (OID_CN, utf8("x")),
        ]));
        assert!(ca.is_prefix_of(&leaf));
        assert!(!leaf.is_prefix_of(&ca));
    }
}
