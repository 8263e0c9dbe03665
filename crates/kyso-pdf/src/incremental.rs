//! Adding a signature field as an incremental update (ISO 32000-1 §7.5.6, §12.8).
//!
//! The original bytes are kept as an exact prefix. New and changed objects, a cross-reference
//! section of the same kind as the file's last one (table or stream) and a trailer with `/Prev`
//! are appended. `/ByteRange` and `/Contents` are written as fixed-width placeholders and filled
//! in once the signature exists, so no offset moves after hashing.

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use crate::PdfError;
use crate::load::{catalog, load_for_update, page_ids, resolve_dict};
use crate::serialize::{text_string, write_name, write_object};
use crate::signatures::find_signatures;

mod fields;
mod writer;

pub use fields::{UnsignedField, free_signature_field_name, unsigned_signature_fields};
use fields::{
    add_to_acroform, add_to_page_annots, all_field_names, empty_signature_field, ensure_sig_flags,
    free_field_name,
};
pub(crate) use writer::UpdateWriter;

/// Width of each number in the `/ByteRange` placeholder (files up to 10 GB).
const BYTE_RANGE_DIGITS: usize = 10;

/// What to put in the signature dictionary.
#[derive(Debug, Clone)]
pub struct SignatureDictionary {
    /// `/Filter` (normally `Adobe.PPKLite`).
    pub filter: String,
    /// `/SubFilter`: `ETSI.CAdES.detached` (PAdES) or `adbe.pkcs7.detached`.
    pub sub_filter: String,
    /// `/Type`: `Sig`, or `DocTimeStamp` for a document time-stamp.
    pub kind: String,
    /// `/M` as a PDF date string (`D:20250107160232+07'00'`).
    pub signing_time: Option<String>,
    /// `/Name`.
    pub name: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// `/ContactInfo`.
    pub contact_info: Option<String>,
    /// Further entries written as given, after the standard ones (e.g. `/Prop_Build` and the
    /// private `/KysoRole` that record a Decree 30 workflow role). Keys that the standard
    /// fields above write (`Type`, `Filter`, `SubFilter`, `M`, `Name`, `Reason`, `Location`,
    /// `ContactInfo`, `ByteRange`, `Contents`) are ignored here.
    pub extra: Dictionary,
}

/// A visible appearance for the widget: a form XObject and the objects it uses.
#[derive(Debug, Clone, Default)]
pub struct Appearance {
    /// Content stream of the form XObject, in its own coordinates (`/BBox [0 0 w h]`).
    pub content: Vec<u8>,
    /// `/Resources` of the form XObject. References of the form `Reference((u32::MAX - i, 0))`
    /// point at `extra_objects[i]` and are renumbered when written.
    pub resources: Dictionary,
    /// Objects the resources refer to (images, fonts), written as new objects.
    pub extra_objects: Vec<Object>,
}

/// Where and how to add the signature field.
#[derive(Debug, Clone)]
pub struct SignatureRequest {
    /// Field name; by default the first free `SignatureN`.
    pub field_name: Option<String>,
    /// 1-based page of the widget.
    pub page: u32,
    /// Widget rectangle in default user space (all zeros for an invisible signature).
    pub rect: [f32; 4],
    /// Signature dictionary entries.
    pub dictionary: SignatureDictionary,
    /// Bytes to reserve for the CMS object in `/Contents`.
    pub contents_capacity: usize,
    /// Visible appearance, if any.
    pub appearance: Option<Appearance>,
    /// Make this a certification signature with DocMDP permissions `P` (1: no changes; 2: form
    /// filling and signing; 3: also annotations — ISO 32000-1 §12.8.2.2): the signature
    /// dictionary gets its `/Reference` and the catalog `/Perms /DocMDP`. Only the first
    /// signature of a document may certify it.
    pub certification: Option<u8>,
}

impl SignatureRequest {
    /// An invisible field on page 1 in a new `SignatureN` field: a signature (`kind` `Sig`) or a
    /// document time-stamp (`DocTimeStamp`) with `sub_filter` and `contents_capacity` bytes
    /// reserved for the CMS, `Adobe.PPKLite`, no `/M` or other texts. Set the other fields as
    /// needed.
    pub fn invisible(kind: &str, sub_filter: &str, contents_capacity: usize) -> Self {
        Self {
            field_name: None,
            page: 1,
            rect: [0.0; 4],
            dictionary: SignatureDictionary {
                filter: "Adobe.PPKLite".into(),
                sub_filter: sub_filter.into(),
                kind: kind.into(),
                signing_time: None,
                name: None,
                reason: None,
                location: None,
                contact_info: None,
                extra: Dictionary::new(),
            },
            contents_capacity,
            appearance: None,
            certification: None,
        }
    }
}

/// The document with the update appended and placeholders still empty.
#[derive(Debug, Clone)]
pub struct PreparedSignature {
    bytes: Vec<u8>,
    /// Offset of the `<` opening the `/Contents` hex string.
    contents_start: usize,
    /// Offset just past the closing `>`.
    contents_end: usize,
    /// The field name that was used.
    pub field_name: String,
}

impl PreparedSignature {
    /// The `/ByteRange` the signature covers.
    pub fn byte_range(&self) -> [usize; 4] {
        [
            0,
            self.contents_start,
            self.contents_end,
            self.bytes.len() - self.contents_end,
        ]
    }

    /// The two byte slices the signature covers, in order (feed them to the digest).
    pub fn signed_parts(&self) -> [&[u8]; 2] {
        [
            &self.bytes[..self.contents_start],
            &self.bytes[self.contents_end..],
        ]
    }

    /// Bytes reserved for the CMS object.
    pub fn capacity(&self) -> usize {
        (self.contents_end - self.contents_start - 2) / 2
    }

    /// Write `cms` into `/Contents` (zero-padded) and return the finished file.
    pub fn finish(mut self, cms: &[u8]) -> Result<Vec<u8>, PdfError> {
        if cms.len() > self.capacity() {
            return Err(PdfError::ContentsTooSmall {
                needed: cms.len(),
                reserved: self.capacity(),
            });
        }
        let start = self.contents_start + 1;
        for (i, b) in cms.iter().enumerate() {
            let hex = format!("{b:02X}");
            self.bytes[start + 2 * i..start + 2 * i + 2].copy_from_slice(hex.as_bytes());
        }
        Ok(self.bytes)
    }
}

/// Append a signature field with an empty signature to `original`.
pub fn prepare_signature(
    original: &[u8],
    request: &SignatureRequest,
) -> Result<PreparedSignature, PdfError> {
    let doc = load_for_update(original)?;
    if doc.trailer.has(b"Encrypt") || doc.was_encrypted() {
        return Err(PdfError::Unsupported("signing encrypted PDFs".into()));
    }
    check_permitted(&doc, request)?;
    let mut w = UpdateWriter::new(original, &doc)?;
    let (root_id, catalog_dict) = catalog(&doc)?;
    let pages = page_ids(&doc);
    let page_id = *pages
        .get(request.page.saturating_sub(1) as usize)
        .filter(|_| request.page >= 1)
        .ok_or(PdfError::NoSuchPage {
            page: request.page,
            count: pages.len() as u32,
        })?;

    let field_name = match (
        &request.field_name,
        empty_signature_field(&doc, request.field_name.as_deref()),
    ) {
        (_, Some(empty)) => empty.name,
        (Some(n), None) => {
            if all_field_names(&doc).contains(n) {
                return Err(PdfError::Unsupported(format!(
                    "field {n:?} exists and is not an empty signature field"
                )));
            }
            n.clone()
        }
        (None, None) => free_field_name(&doc),
    };

    // The signature dictionary with its fixed-width placeholders, written by hand so the
    // placeholder offsets are known.
    let sig_id = w.allocate();
    let mut dictionary = request.dictionary.clone();
    if let Some(p) = request.certification {
        dictionary.extra.set("Reference", docmdp_reference(p));
    }
    let (sig_bytes, contents_at) =
        signature_dictionary_bytes(&dictionary, request.contents_capacity);

    // Appearance stream (an empty one for invisible signatures keeps PDF/A validators quiet).
    let ap_id = w.allocate();
    let appearance = request.appearance.clone().unwrap_or_default();
    // Allocate every extra object first: they may refer to each other.
    let extra_ids: Vec<ObjectId> = appearance
        .extra_objects
        .iter()
        .map(|_| w.allocate())
        .collect();
    for (obj, id) in appearance.extra_objects.iter().zip(&extra_ids) {
        let mut obj = obj.clone();
        renumber(&mut obj, &extra_ids);
        w.put(*id, &obj);
    }
    let width = (request.rect[2] - request.rect[0]).abs();
    let height = (request.rect[3] - request.rect[1]).abs();
    let mut ap_dict = Dictionary::new();
    ap_dict.set("Type", Object::Name(b"XObject".to_vec()));
    ap_dict.set("Subtype", Object::Name(b"Form".to_vec()));
    ap_dict.set(
        "BBox",
        Object::Array(vec![
            0.into(),
            0.into(),
            Object::Real(width),
            Object::Real(height),
        ]),
    );
    let mut resources_obj = Object::Dictionary(appearance.resources.clone());
    renumber(&mut resources_obj, &extra_ids);
    ap_dict.set("Resources", resources_obj);
    w.put(
        ap_id,
        &Object::Stream(lopdf::Stream::new(ap_dict, appearance.content.clone())),
    );

    // The catalog as this update leaves it (the form, the certification's /Perms), written once.
    let mut cat = catalog_dict.clone();
    match empty_signature_field(&doc, request.field_name.as_deref()) {
        // Fill a signature field the document already has (prepared by the sender's software):
        // only the field (and its widget's appearance) change.
        Some(empty) => {
            let mut field = empty.field.clone();
            field.set("V", Object::Reference(sig_id));
            let mut ap = Dictionary::new();
            ap.set("N", Object::Reference(ap_id));
            match empty.widget {
                None => {
                    if request.appearance.is_some() || !field.has(b"AP") {
                        field.set("AP", Object::Dictionary(ap));
                    }
                }
                Some((widget_id, widget)) => {
                    if request.appearance.is_some() || !widget.has(b"AP") {
                        let mut widget = widget.clone();
                        widget.set("AP", Object::Dictionary(ap));
                        w.put(widget_id, &Object::Dictionary(widget));
                    }
                }
            }
            w.put(empty.id, &Object::Dictionary(field));
            ensure_sig_flags(&doc, &mut w, &mut cat)?;
        }
        None => {
            // A new field, merged with its widget annotation.
            let field_id = w.allocate();
            let mut field = Dictionary::new();
            field.set("Type", Object::Name(b"Annot".to_vec()));
            field.set("Subtype", Object::Name(b"Widget".to_vec()));
            field.set("FT", Object::Name(b"Sig".to_vec()));
            field.set("T", text_string(&field_name));
            field.set("V", Object::Reference(sig_id));
            field.set("F", Object::Integer(132)); // Print | Locked
            field.set("P", Object::Reference(page_id));
            field.set(
                "Rect",
                Object::Array(request.rect.iter().map(|&v| Object::Real(v)).collect()),
            );
            let mut ap = Dictionary::new();
            ap.set("N", Object::Reference(ap_id));
            field.set("AP", Object::Dictionary(ap));
            w.put(field_id, &Object::Dictionary(field));

            add_to_page_annots(&doc, &mut w, page_id, field_id)?;
            add_to_acroform(&doc, &mut w, &mut cat, field_id)?;
        }
    }
    if request.certification.is_some() {
        let mut perms = cat
            .get(b"Perms")
            .ok()
            .and_then(|p| resolve_dict(&doc, p))
            .cloned()
            .unwrap_or_default();
        perms.set("DocMDP", Object::Reference(sig_id));
        cat.set("Perms", Object::Dictionary(perms));
    }
    if cat != *catalog_dict {
        w.put(root_id, &Object::Dictionary(cat));
    }

    // Assemble: original, the signature dictionary first, the other objects, cross-reference
    // data, trailer.
    let (mut out, sig_body) = w.assemble(original, root_id, Some((sig_id, &sig_bytes)));
    let sig_offset_base = sig_body
        .ok_or_else(|| PdfError::malformed("internal: signature dictionary not written"))?;
    let contents_start = sig_offset_base + contents_at;
    let contents_end = contents_start + 2 + 2 * request.contents_capacity;

    // Fill the /ByteRange placeholder now that every offset is final.
    let range = [0, contents_start, contents_end, out.len() - contents_end];
    let marker = b"/ByteRange [";
    let br_at = crate::load::find(&out[sig_offset_base..], marker)
        .map(|p| p + sig_offset_base + marker.len())
        .ok_or_else(|| PdfError::malformed("internal: /ByteRange placeholder not found"))?;
    let mut text = String::new();
    for (i, v) in range.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(&format!("{v:<width$}", width = BYTE_RANGE_DIGITS));
    }
    out[br_at..br_at + text.len()].copy_from_slice(text.as_bytes());

    // The file must read back as written, with the new signature in it: a damaged original can
    // read one way alone and another way once an update is appended (fuzz target sign_pdf).
    let reads_back = load_for_update(&out).is_ok_and(|reread| {
        reread.xref_recovery != Some(lopdf::xref::XrefRecovery::Reconstructed)
            && crate::signatures::find_signatures(&reread)
                .iter()
                .any(|s| s.field_name == field_name && s.byte_range.len() == 4)
    });
    if !reads_back {
        return Err(PdfError::malformed(
            "the document is damaged: with the signature appended it no longer reads back \
             (repair the file, e.g. with qpdf, before signing)",
        ));
    }

    Ok(PreparedSignature {
        bytes: out,
        contents_start,
        contents_end,
        field_name,
    })
}

/// Replace placeholder references `(u32::MAX - i, 0)` by `ids[i]`.
pub(crate) fn renumber(obj: &mut Object, ids: &[ObjectId]) {
    match obj {
        Object::Reference(r) if r.0 > u32::MAX - 1024 => {
            if let Some(id) = ids.get((u32::MAX - r.0) as usize) {
                *r = *id;
            }
        }
        Object::Array(items) => items.iter_mut().for_each(|i| renumber(i, ids)),
        Object::Dictionary(d) => d.iter_mut().for_each(|(_, v)| renumber(v, ids)),
        Object::Stream(s) => s.dict.iter_mut().for_each(|(_, v)| renumber(v, ids)),
        _ => {}
    }
}

fn signature_dictionary_bytes(d: &SignatureDictionary, capacity: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    out.extend_from_slice(b"<<");
    write_name(&mut out, b"Type");
    out.push(b' ');
    write_name(&mut out, d.kind.as_bytes());
    write_name(&mut out, b"Filter");
    out.push(b' ');
    write_name(&mut out, d.filter.as_bytes());
    write_name(&mut out, b"SubFilter");
    out.push(b' ');
    write_name(&mut out, d.sub_filter.as_bytes());
    let mut rest = Dictionary::new();
    let texts = [
        ("M", &d.signing_time),
        ("Name", &d.name),
        ("Reason", &d.reason),
        ("Location", &d.location),
        ("ContactInfo", &d.contact_info),
    ];
    for (key, value) in texts {
        if let Some(v) = value {
            let obj = if key == "M" {
                Object::String(v.as_bytes().to_vec(), StringFormat::Literal)
            } else {
                text_string(v)
            };
            rest.set(key, obj);
        }
    }
    for (k, v) in rest.iter() {
        write_name(&mut out, k);
        out.push(b' ');
        write_object(&mut out, v);
    }
    const RESERVED: [&[u8]; 10] = [
        b"Type",
        b"Filter",
        b"SubFilter",
        b"M",
        b"Name",
        b"Reason",
        b"Location",
        b"ContactInfo",
        b"ByteRange",
        b"Contents",
    ];
    for (k, v) in d.extra.iter() {
        if RESERVED.contains(&k.as_slice()) {
            continue;
        }
        write_name(&mut out, k);
        out.push(b' ');
        write_object(&mut out, v);
    }
    let placeholder = format!("{:<width$}", 0, width = BYTE_RANGE_DIGITS);
    out.extend_from_slice(
        format!("/ByteRange [{placeholder} {placeholder} {placeholder} {placeholder}]").as_bytes(),
    );
    out.extend_from_slice(b"/Contents ");
    let contents_at = out.len();
    out.push(b'<');
    out.resize(out.len() + 2 * capacity, b'0');
    out.push(b'>');
    out.extend_from_slice(b">>");
    (out, contents_at)
}

/// Refuse what the document's certification forbids, and a certification that is not the
/// document's first signature (ISO 32000-1 §12.8.2.2: a document has at most one, and it comes
/// first). Document time-stamps stay allowed after a P=1 certification (PAdES LTA).
fn check_permitted(doc: &Document, request: &SignatureRequest) -> Result<(), PdfError> {
    if let Some(p) = request.certification {
        if !(1..=3).contains(&p) {
            return Err(PdfError::Unsupported(format!(
                "DocMDP permission level {p} (must be 1, 2 or 3)"
            )));
        }
        if !find_signatures(doc).is_empty() {
            return Err(PdfError::NotPermitted(
                "Chữ ký chứng thực (certification) chỉ được là chữ ký đầu tiên của tài liệu; tài liệu này đã có chữ ký — \
                 a certification signature must be the document's first signature, and this document is already signed"
                    .into(),
            ));
        }
    }
    if request.dictionary.kind == "Sig" && crate::signatures::document_mdp(doc) == Some(1) {
        return Err(PdfError::NotPermitted(
            "Tài liệu đã được chứng thực với mức không cho phép thay đổi (DocMDP P=1): không được thêm chữ ký mới — \
             the document is certified with no changes permitted (DocMDP P=1): no further signature may be added"
                .into(),
        ));
    }
    Ok(())
}

/// The signature reference dictionary of a certification signature (ISO 32000-1 Tables 253
/// and 254).
fn docmdp_reference(p: u8) -> Object {
    let mut params = Dictionary::new();
    params.set("Type", Object::Name(b"TransformParams".to_vec()));
    params.set("P", Object::Integer(i64::from(p)));
    params.set("V", Object::Name(b"1.2".to_vec()));
    let mut reference = Dictionary::new();
    reference.set("Type", Object::Name(b"SigRef".to_vec()));
    reference.set("TransformMethod", Object::Name(b"DocMDP".to_vec()));
    reference.set("DigestMethod", Object::Name(b"SHA256".to_vec()));
    reference.set("TransformParams", Object::Dictionary(params));
    Object::Array(vec![Object::Dictionary(reference)])
}
