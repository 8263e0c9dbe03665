//! Signature fields, their signature dictionaries and the bytes they cover (ISO 32000-1 §12.8).

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::load::{catalog, page_ids, resolve, resolve_dict, revision_ends};
use crate::serialize::decode_text_string;

/// What a signature dictionary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureKind {
    /// `/Type /Sig` (or no type): a signature by a person or organisation.
    Signature,
    /// `/Type /DocTimeStamp`: a document time-stamp (PAdES B-LTA).
    DocTimeStamp,
}

/// One signed signature field as found in the document.
#[derive(Debug, Clone)]
pub struct PdfSignature {
    /// Fully qualified field name (`/T` of the field and its ancestors, joined by dots).
    pub field_name: String,
    /// Signature or document time-stamp.
    pub kind: SignatureKind,
    /// `/Filter`, e.g. `Adobe.PPKLite`.
    pub filter: Option<String>,
    /// `/SubFilter`, e.g. `ETSI.CAdES.detached` or `adbe.pkcs7.detached`.
    pub sub_filter: Option<String>,
    /// `/ByteRange` as written (normally four integers).
    pub byte_range: Vec<i64>,
    /// `/Contents`: the CMS object, with any zero padding.
    pub contents: Vec<u8>,
    /// `/M`, the claimed signing time as a PDF date string.
    pub signing_time: Option<String>,
    /// `/Name`.
    pub name: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// `/P` of a DocMDP transform (1, 2 or 3) when this is a certification signature.
    pub docmdp_permissions: Option<u8>,
    /// `/P` of the signature field's lock dictionary (ISO 32000-2 Table 236): the modification
    /// permissions that apply once this field is signed, for an approval signature.
    pub lock_permissions: Option<u8>,
    /// Fields locked by this signature: FieldMDP transforms of `/Reference` and the signature
    /// field's `/Lock` dictionary (ISO 32000-1 §12.8.2.4, Table 233).
    pub field_locks: Vec<FieldLock>,
    /// The signature dictionary's object id, when indirect.
    pub object: Option<ObjectId>,
    /// 1-based page of the widget, when it has one.
    pub page: Option<u32>,
    /// The widget's `/Rect`.
    pub rect: Option<[f32; 4]>,
}

/// Which fields a FieldMDP transform or a signature field lock dictionary covers (`/Action`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldLock {
    /// `/All`: every field of the document.
    All,
    /// `/Include`: only the listed fields (and the fields beneath them).
    Include(Vec<String>),
    /// `/Exclude`: every field except the listed ones (and the fields beneath them).
    Exclude(Vec<String>),
}

impl FieldLock {
    /// Whether the field with the fully qualified name `field` is locked. A name in `/Fields`
    /// that is a non-terminal field covers the whole subtree beneath it.
    pub fn locks(&self, field: &str) -> bool {
        let listed = |names: &[String]| {
            names.iter().any(|n| {
                field == n
                    || field
                        .strip_prefix(n.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        };
        match self {
            Self::All => true,
            Self::Include(names) => listed(names),
            Self::Exclude(names) => !listed(names),
        }
    }
}

/// How a signature's `/ByteRange` covers the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// The ranges cover the whole file except the `/Contents` value.
    EntireFile,
    /// The ranges cover a whole earlier revision (ending at `signed_len`); later updates follow.
    EntireRevision {
        /// Length of the signed revision in bytes.
        signed_len: usize,
    },
    /// The ranges are malformed or leave something uncovered; `reason` says what.
    Invalid {
        /// A short English description (the verifier turns it into a localised reason).
        reason: String,
    },
}

impl PdfSignature {
    /// The two byte ranges (start, length) if `/ByteRange` is the usual well-formed four numbers.
    pub fn ranges(&self) -> Option<[(usize, usize); 2]> {
        let [a, b, c, d] = <[i64; 4]>::try_from(self.byte_range.as_slice()).ok()?;
        if a < 0 || b < 0 || c < 0 || d < 0 {
            return None;
        }
        Some([(a as usize, b as usize), (c as usize, d as usize)])
    }

    /// Length of the revision this signature signs (end of its second range).
    pub fn signed_len(&self) -> Option<usize> {
        let [_, (c, d)] = self.ranges()?;
        c.checked_add(d)
    }

    /// Check the byte ranges against the file (ISO 32000-1 §12.8.1, ETSI EN 319 142-1 §5.1):
    /// two ranges from offset 0, the gap between them is exactly this signature's `/Contents`
    /// hex string, and the second ends at the end of a revision.
    pub fn coverage(&self, file: &[u8]) -> Coverage {
        self.coverage_within(file, &revision_ends(file))
    }

    /// [`PdfSignature::coverage`] with the file's revision ends already found
    /// ([`revision_ends`]).
    pub fn coverage_within(&self, file: &[u8], ends: &[usize]) -> Coverage {
        let invalid = |reason: &str| Coverage::Invalid {
            reason: reason.to_owned(),
        };
        let Some([(a, b), (c, d)]) = self.ranges() else {
            return invalid("the /ByteRange is not four non-negative integers");
        };
        if a != 0 {
            return invalid("the /ByteRange does not start at the beginning of the file");
        }
        let Some(end) = c.checked_add(d) else {
            return invalid("the /ByteRange overflows");
        };
        if b == 0 || c <= b || end > file.len() {
            return invalid("the /ByteRange ranges overlap or lie outside the file");
        }
        let gap = &file[b..c];
        if gap.len() < 2 || gap[0] != b'<' || gap[gap.len() - 1] != b'>' {
            return invalid("the gap in the /ByteRange is not exactly the /Contents string");
        }
        match hex_string_equals(&gap[1..gap.len() - 1], &self.contents) {
            None => {
                return invalid("the gap in the /ByteRange is not exactly the /Contents string");
            }
            Some(false) => {
                return invalid("the gap in the /ByteRange holds another value than /Contents");
            }
            Some(true) => {}
        }
        if end == file.len() {
            // Tolerate trailing whitespace some writers leave after the final %%EOF line.
            return Coverage::EntireFile;
        }
        if !ends.contains(&end) {
            return invalid("the signed bytes do not end at the end of a revision (%%EOF)");
        }
        if file[end..]
            .iter()
            .all(|b| b.is_ascii_whitespace() || *b == 0)
        {
            return Coverage::EntireFile;
        }
        Coverage::EntireRevision { signed_len: end }
    }
}

/// Whether the hex string body `hex` (white space allowed) encodes exactly `value`; `None` when
/// it holds anything but hex digits and white space. One pass, no allocation: every signature's
/// `/Contents` (kilobytes of hex) is compared so.
fn hex_string_equals(hex: &[u8], value: &[u8]) -> Option<bool> {
    let mut digits = hex.iter().filter(|b| !b.is_ascii_whitespace());
    let mut expected = value.iter();
    let mut equal = true;
    loop {
        let Some(&hi) = digits.next() else {
            return Some(equal && expected.next().is_none());
        };
        let hi = (hi as char).to_digit(16)?;
        // An odd final digit is followed by an implicit 0 (ISO 32000-1 §7.3.4.3).
        let lo = match digits.next() {
            Some(&c) => (c as char).to_digit(16)?,
            None => 0,
        };
        equal &= expected.next() == Some(&((hi * 16 + lo) as u8));
    }
}

/// A field with the name it inherits.
struct FieldVisit {
    id: Option<ObjectId>,
    name: String,
    depth: usize,
}

/// Every signature field whose `/V` holds a signature dictionary, in field-tree order.
/// Fields without a value (empty signature fields) are not listed.
pub fn find_signatures(doc: &Document) -> Vec<PdfSignature> {
    let mut found = Vec::new();
    let Ok((_, cat)) = catalog(doc) else {
        return found;
    };
    let Some(acroform) = cat.get(b"AcroForm").ok().and_then(|a| resolve_dict(doc, a)) else {
        return found;
    };
    let Some(Object::Array(fields)) = acroform.get(b"Fields").ok().and_then(|f| resolve(doc, f))
    else {
        return found;
    };
    let pages = page_ids(doc);
    let mut seen = HashSet::new();
    let mut stack: Vec<(Object, FieldVisit)> = fields
        .iter()
        .rev()
        .map(|f| {
            (
                f.clone(),
                FieldVisit {
                    id: None,
                    name: String::new(),
                    depth: 0,
                },
            )
        })
        .collect();
    while let Some((obj, visit)) = stack.pop() {
        let id = match &obj {
            Object::Reference(id) => Some(*id),
            _ => visit.id,
        };
        if let Some(id) = id
            && !seen.insert(id)
        {
            continue;
        }
        if visit.depth > 32 || found.len() > 10_000 {
            continue;
        }
        let Some(field) = resolve_dict(doc, &obj) else {
            continue;
        };
        let own = field
            .get(b"T")
            .ok()
            .and_then(|t| t.as_str().ok())
            .map(decode_text_string);
        let name = match (visit.name.is_empty(), own) {
            (_, None) => visit.name.clone(),
            (true, Some(t)) => t,
            (false, Some(t)) => format!("{}.{t}", visit.name),
        };
        if let Ok(kids) = field.get(b"Kids")
            && let Some(Object::Array(kids)) = resolve(doc, kids)
        {
            for kid in kids.iter().rev() {
                // Widget-only kids carry no /T; they share the parent's value.
                let kid_dict = resolve_dict(doc, kid);
                if kid_dict.is_some_and(|k| k.has(b"T")) {
                    stack.push((
                        kid.clone(),
                        FieldVisit {
                            id: None,
                            name: name.clone(),
                            depth: visit.depth + 1,
                        },
                    ));
                }
            }
        }
        let is_sig = field.get(b"FT").ok().and_then(|f| f.as_name().ok()) == Some(b"Sig");
        if !is_sig {
            continue;
        }
        let Ok(value) = field.get(b"V") else { continue };
        let sig_object = match value {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        let Some(sig) = resolve_dict(doc, value) else {
            continue;
        };
        let (page, rect) = widget_location(doc, field, &pages);
        let mut signature = read_signature_dict(doc, name, sig, sig_object, page, rect);
        if let Some(lock) = field.get(b"Lock").ok().and_then(|l| resolve_dict(doc, l)) {
            signature.field_locks.extend(read_field_lock(doc, lock));
            signature.lock_permissions = lock
                .get(b"P")
                .ok()
                .and_then(|p| p.as_i64().ok())
                .map(|p| p.clamp(1, 3) as u8);
        }
        found.push(signature);
    }
    found
}

fn widget_location(
    doc: &Document,
    field: &Dictionary,
    pages: &[ObjectId],
) -> (Option<u32>, Option<[f32; 4]>) {
    // The field is its own widget, or its first kid is.
    let widget = if field.has(b"Rect") {
        Some(field)
    } else {
        field
            .get(b"Kids")
            .ok()
            .and_then(|k| resolve(doc, k))
            .and_then(|k| k.as_array().ok())
            .and_then(|k| k.first())
            .and_then(|k| resolve_dict(doc, k))
    };
    let Some(widget) = widget else {
        return (None, None);
    };
    let page = match widget.get(b"P") {
        Ok(Object::Reference(p)) => pages.iter().position(|x| x == p).map(|i| i as u32 + 1),
        _ => None,
    };
    let rect = widget
        .get(b"Rect")
        .ok()
        .and_then(|r| resolve(doc, r))
        .and_then(|r| {
            let a = r.as_array().ok()?;
            let n: Vec<f32> = a.iter().filter_map(|x| x.as_float().ok()).collect();
            <[f32; 4]>::try_from(n.as_slice()).ok()
        });
    (page, rect)
}

fn name_of(dict: &Dictionary, key: &[u8]) -> Option<String> {
    dict.get(key)
        .ok()
        .and_then(|n| n.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into())
}

fn text_of(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<String> {
    let obj = resolve(doc, dict.get(key).ok()?)?;
    obj.as_str().ok().map(decode_text_string)
}

fn read_signature_dict(
    doc: &Document,
    field_name: String,
    sig: &Dictionary,
    object: Option<ObjectId>,
    page: Option<u32>,
    rect: Option<[f32; 4]>,
) -> PdfSignature {
    let kind = if name_of(sig, b"Type").as_deref() == Some("DocTimeStamp") {
        SignatureKind::DocTimeStamp
    } else {
        SignatureKind::Signature
    };
    let byte_range = sig
        .get(b"ByteRange")
        .ok()
        .and_then(|b| resolve(doc, b))
        .and_then(|b| b.as_array().ok())
        .map(|a| a.iter().map(|x| x.as_i64().unwrap_or(-1)).collect())
        .unwrap_or_default();
    let contents = sig
        .get(b"Contents")
        .ok()
        .and_then(|c| resolve(doc, c))
        .and_then(|c| c.as_str().ok())
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    PdfSignature {
        field_name,
        kind,
        filter: name_of(sig, b"Filter"),
        sub_filter: name_of(sig, b"SubFilter"),
        byte_range,
        contents,
        signing_time: text_of(doc, sig, b"M"),
        name: text_of(doc, sig, b"Name"),
        reason: text_of(doc, sig, b"Reason"),
        location: text_of(doc, sig, b"Location"),
        docmdp_permissions: docmdp_permissions(doc, sig),
        lock_permissions: None,
        field_locks: fieldmdp_locks(doc, sig),
        object,
        page,
        rect,
    }
}

/// `/P` of a DocMDP signature reference (absent → 2, per ISO 32000-1 Table 254).
fn docmdp_permissions(doc: &Document, sig: &Dictionary) -> Option<u8> {
    let refs = resolve(doc, sig.get(b"Reference").ok()?)?.as_array().ok()?;
    for r in refs {
        let Some(r) = resolve_dict(doc, r) else {
            continue;
        };
        if name_of(r, b"TransformMethod").as_deref() == Some("DocMDP") {
            let p = r
                .get(b"TransformParams")
                .ok()
                .and_then(|t| resolve_dict(doc, t))
                .and_then(|t| t.get(b"P").ok())
                .and_then(|p| p.as_i64().ok())
                .unwrap_or(2);
            return Some(p.clamp(1, 3) as u8);
        }
    }
    None
}

/// The FieldMDP transforms of a signature dictionary's `/Reference` array.
fn fieldmdp_locks(doc: &Document, sig: &Dictionary) -> Vec<FieldLock> {
    let Some(Object::Array(refs)) = sig.get(b"Reference").ok().and_then(|r| resolve(doc, r)) else {
        return Vec::new();
    };
    refs.iter()
        .filter_map(|r| resolve_dict(doc, r))
        .filter(|r| name_of(r, b"TransformMethod").as_deref() == Some("FieldMDP"))
        .filter_map(|r| {
            let params = r
                .get(b"TransformParams")
                .ok()
                .and_then(|t| resolve_dict(doc, t));
            match params {
                Some(p) => read_field_lock(doc, p),
                // A FieldMDP transform without parameters cannot say what it spares: all.
                None => Some(FieldLock::All),
            }
        })
        .collect()
}

/// `/Action` and `/Fields` of FieldMDP transform parameters or a signature field lock.
/// An unknown action, or `/Include`/`/Exclude` without a readable field list, locks all fields
/// (nothing is declared unlocked unread).
fn read_field_lock(doc: &Document, d: &Dictionary) -> Option<FieldLock> {
    let fields: Option<Vec<String>> = d
        .get(b"Fields")
        .ok()
        .and_then(|f| resolve(doc, f))
        .and_then(|f| f.as_array().ok())
        .map(|a| {
            a.iter()
                .filter_map(|x| resolve(doc, x))
                .filter_map(|x| x.as_str().ok())
                .map(decode_text_string)
                .collect()
        });
    Some(match (name_of(d, b"Action").as_deref(), fields) {
        (Some("Include"), Some(f)) => FieldLock::Include(f),
        (Some("Exclude"), Some(f)) => FieldLock::Exclude(f),
        // A lock dictionary with only /P (ISO 32000-2) locks no field.
        (None, None) if d.has(b"P") => return None,
        _ => FieldLock::All,
    })
}

/// The DocMDP permission level the document's certification signature sets, if any
/// (read from the catalog's `/Perms /DocMDP`).
pub fn document_mdp(doc: &Document) -> Option<u8> {
    let (_, cat) = catalog(doc).ok()?;
    let perms = resolve_dict(doc, cat.get(b"Perms").ok()?)?;
    let sig = resolve_dict(doc, perms.get(b"DocMDP").ok()?)?;
    docmdp_permissions(doc, sig)
}

#[cfg(test)]
mod tests {
    use super::hex_string_equals;

    #[test]
    fn hex_strings_compare_with_white_space_and_an_odd_final_digit() {
        assert_eq!(
            hex_string_equals(b"30 8 2\n0a", &[0x30, 0x82, 0x0a]),
            Some(true)
        );
        assert_eq!(hex_string_equals(b"3082A", &[0x30, 0x82, 0xa0]), Some(true));
        assert_eq!(hex_string_equals(b"3082", &[0x30, 0x82, 0x00]), Some(false));
        assert_eq!(hex_string_equals(b"308200", &[0x30, 0x82]), Some(false));
        assert_eq!(hex_string_equals(b"3083", &[0x30, 0x82]), Some(false));
        assert_eq!(hex_string_equals(b"30g2", &[0x30, 0x82]), None);
        assert_eq!(hex_string_equals(b"", &[]), Some(true));
    }
}
