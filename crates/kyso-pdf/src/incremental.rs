//! Adding a signature field as an incremental update (ISO 32000-1 §7.5.6, §12.8).
//!
//! The original bytes are kept as an exact prefix. New and changed objects, a cross-reference
//! section of the same kind as the file's last one (table or stream) and a trailer with `/Prev`
//! are appended. `/ByteRange` and `/Contents` are written as fixed-width placeholders and filled
//! in once the signature exists, so no offset moves after hashing.

use std::collections::{BTreeMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use crate::PdfError;
use crate::load::{catalog, last_startxref, load_document, page_ids, resolve, resolve_dict};
use crate::serialize::{text_string, write_dictionary, write_name, write_object};
use crate::signatures::find_signatures;

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

/// What the cross-reference section at byte `at` of `original` is: a classic `xref` table
/// (`Some(false)`), a cross-reference stream object (`Some(true)`: `N G obj` whose dictionary
/// has `/XRef` before its `stream` keyword), or neither (`None`).
fn xref_kind_at(original: &[u8], at: usize) -> Option<bool> {
    let rest = original.get(at..)?;
    if rest.starts_with(b"xref") {
        return Some(false);
    }
    let mut i = 0;
    let skip = |i: &mut usize, class: fn(&u8) -> bool| {
        let start = *i;
        while rest.get(*i).is_some_and(class) {
            *i += 1;
        }
        *i > start
    };
    let header = skip(&mut i, u8::is_ascii_digit)
        && skip(&mut i, u8::is_ascii_whitespace)
        && skip(&mut i, u8::is_ascii_digit);
    skip(&mut i, u8::is_ascii_whitespace);
    if !header || !rest[i..].starts_with(b"obj") {
        return None;
    }
    let body = &rest[i + 3..rest.len().min(i + 3 + 4096)];
    let dict = &body[..crate::load::find(body, b"stream").unwrap_or(body.len())];
    let mut from = 0;
    while let Some(pos) = crate::load::find(&dict[from..], b"/XRef") {
        let end = from + pos + 5;
        if !dict.get(end).is_some_and(u8::is_ascii_alphanumeric) {
            return Some(true);
        }
        from = end;
    }
    None
}

/// An incremental update being built: the objects it writes, and what its cross-reference
/// section and trailer need from the file it extends.
pub(crate) struct UpdateWriter {
    next_id: u32,
    objects: BTreeMap<u32, (u16, Vec<u8>)>,
    /// Offset of the file's last cross-reference section (the update's `/Prev`).
    prev: usize,
    /// Whether that section is a cross-reference stream (the update writes the same kind).
    xref_is_stream: bool,
    /// `/Size` of the file's trailer.
    size: i64,
    /// `/Info` and `/ID` of the file's trailer, copied to the update's trailer.
    carried: Vec<(&'static [u8], Object)>,
}

impl UpdateWriter {
    /// Start an update of `original`, parsed as `doc`.
    pub(crate) fn new(original: &[u8], doc: &Document) -> Result<Self, PdfError> {
        // lopdf reads a damaged file by correcting a startxref that is a little off, or by
        // rebuilding the whole cross-reference by scanning. An update must chain (/Prev) to the
        // section lopdf actually read: a /Prev pointing at junk makes the result unreadable
        // (kyso found no signature in such files it had just signed: fuzz target sign_pdf). A
        // rebuilt cross-reference has no section to chain to, so such a file is refused.
        if doc.xref_recovery == Some(lopdf::xref::XrefRecovery::Reconstructed) {
            return Err(PdfError::malformed(
                "the cross-reference data is damaged (it had to be rebuilt by scanning the file): \
                 repair the file, e.g. with qpdf, before adding an incremental update",
            ));
        }
        let prev = Some(doc.xref_start)
            .filter(|&p| p > 0)
            .or_else(|| last_startxref(original))
            .filter(|&p| p < original.len())
            .ok_or_else(|| PdfError::malformed("no startxref at the end of the file"))?;
        let xref_is_stream = xref_kind_at(original, prev).ok_or_else(|| {
            PdfError::malformed(format!(
                "startxref {prev} does not point to a cross-reference section (a damaged file: \
                 repair it, e.g. with qpdf, before adding an incremental update)"
            ))
        })?;
        let size = doc
            .trailer
            .get(b"Size")
            .ok()
            .and_then(|s| s.as_i64().ok())
            .unwrap_or(0)
            .max(0);
        let carried = [b"Info".as_slice(), b"ID"]
            .into_iter()
            .filter_map(|key| doc.trailer.get(key).ok().map(|v| (key, v.clone())))
            .collect();
        Ok(Self {
            next_id: (size as u32).max(doc.max_id + 1),
            objects: BTreeMap::new(),
            prev,
            xref_is_stream,
            size,
            carried,
        })
    }

    /// A new object id.
    pub(crate) fn allocate(&mut self) -> ObjectId {
        let id = (self.next_id, 0);
        self.next_id += 1;
        id
    }

    /// Write `object` as object `id` (a new one, or a new version of an existing one).
    pub(crate) fn put(&mut self, id: ObjectId, object: &Object) {
        let mut out = Vec::new();
        write_object(&mut out, object);
        self.objects.insert(id.0, (id.1, out));
    }

    /// Whether the update writes no object yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The finished file: `original`, then `first` (an object written by hand, before the
    /// others), the objects, a cross-reference section of the same kind as the file's last one
    /// and a trailer with `/Prev`. Also returns the offset of `first`'s body (just past its
    /// `N G obj` line), when given.
    pub(crate) fn assemble(
        self,
        original: &[u8],
        root_id: ObjectId,
        first: Option<(ObjectId, &[u8])>,
    ) -> (Vec<u8>, Option<usize>) {
        let mut out = original.to_vec();
        if !matches!(out.last(), Some(b'\n' | b'\r')) {
            out.push(b'\n');
        }
        let mut offsets: BTreeMap<u32, (usize, u16)> = BTreeMap::new();
        let mut write_obj = |out: &mut Vec<u8>, id: u32, generation: u16, body: &[u8]| {
            offsets.insert(id, (out.len(), generation));
            out.extend_from_slice(format!("{id} {generation} obj\n").as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        };
        let first_body = first.map(|((id, generation), body)| {
            let at = out.len() + format!("{id} {generation} obj\n").len();
            write_obj(&mut out, id, generation, body);
            at
        });
        for (id, (generation, body)) in &self.objects {
            write_obj(&mut out, *id, *generation, body);
        }

        let mut trailer = Dictionary::new();
        let new_size = self.next_id as i64 + i64::from(self.xref_is_stream);
        trailer.set("Size", Object::Integer(new_size.max(self.size)));
        trailer.set("Root", Object::Reference(root_id));
        for (key, value) in self.carried {
            trailer.set(key, value);
        }
        trailer.set("Prev", Object::Integer(self.prev as i64));
        let xref_offset = out.len();
        if self.xref_is_stream {
            let xref_id = self.next_id;
            offsets.insert(xref_id, (xref_offset, 0));
            write_xref_stream(&mut out, xref_id, &offsets, trailer);
        } else {
            write_xref_table(&mut out, &offsets, &trailer);
        }
        out.extend_from_slice(format!("startxref\n{xref_offset}\n%%EOF\n").as_bytes());
        (out, first_body)
    }
}

/// Append a signature field with an empty signature to `original`.
pub fn prepare_signature(
    original: &[u8],
    request: &SignatureRequest,
) -> Result<PreparedSignature, PdfError> {
    let doc = load_document(original)?;
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
    let reads_back = load_document(&out).is_ok_and(|reread| {
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
fn renumber(obj: &mut Object, ids: &[ObjectId]) {
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

/// An existing signature field without a value.
struct EmptyField {
    id: ObjectId,
    name: String,
    field: Dictionary,
    /// The separate widget (first kid) when the field is not merged with its widget.
    widget: Option<(ObjectId, Dictionary)>,
}

/// The empty signature field called `name`, or the first one when no name is given.
fn empty_signature_field(doc: &Document, name: Option<&str>) -> Option<EmptyField> {
    let (_, cat) = catalog(doc).ok()?;
    let form = resolve_dict(doc, cat.get(b"AcroForm").ok()?)?;
    let Object::Array(fields) = resolve(doc, form.get(b"Fields").ok()?)? else {
        return None;
    };
    for f in fields {
        let Object::Reference(id) = f else { continue };
        let Some(field) = doc.objects.get(id).and_then(|o| o.as_dict().ok()) else {
            continue;
        };
        let is_sig =
            field.get(b"FT").ok().and_then(|t| t.as_name().ok()) == Some(b"Sig".as_slice());
        if !is_sig || field.has(b"V") {
            continue;
        }
        let t = field
            .get(b"T")
            .ok()
            .and_then(|t| t.as_str().ok())
            .map(crate::serialize::decode_text_string)
            .unwrap_or_default();
        if name.is_some_and(|n| n != t) {
            continue;
        }
        let widget = if field.has(b"Rect") {
            None
        } else {
            let kid = field
                .get(b"Kids")
                .ok()
                .and_then(|k| resolve(doc, k))
                .and_then(|k| k.as_array().ok())
                .and_then(|k| k.first());
            match kid {
                Some(Object::Reference(kid_id)) => doc
                    .objects
                    .get(kid_id)
                    .and_then(|o| o.as_dict().ok())
                    .map(|d| (*kid_id, d.clone())),
                _ => None,
            }
        };
        return Some(EmptyField {
            id: *id,
            name: t,
            field: field.clone(),
            widget,
        });
    }
    None
}

/// Set `/SigFlags 3` on the form when filling an existing field of a form that lacks it
/// (`cat` is the catalog being updated).
fn ensure_sig_flags(
    doc: &Document,
    w: &mut UpdateWriter,
    cat: &mut Dictionary,
) -> Result<(), PdfError> {
    let set = |form: &Dictionary| -> Option<Dictionary> {
        if form.get(b"SigFlags").ok().and_then(|f| f.as_i64().ok()) == Some(3) {
            return None;
        }
        let mut form = form.clone();
        form.set("SigFlags", Object::Integer(3));
        Some(form)
    };
    match cat.get(b"AcroForm") {
        Ok(Object::Reference(id)) => {
            if let Some(form) = doc
                .objects
                .get(id)
                .and_then(|o| o.as_dict().ok())
                .and_then(set)
            {
                w.put(*id, &Object::Dictionary(form));
            }
        }
        Ok(Object::Dictionary(form)) => {
            if let Some(form) = set(form) {
                cat.set("AcroForm", Object::Dictionary(form));
            }
        }
        _ => {}
    }
    Ok(())
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

/// An unsigned signature field the document already has (prepared by the sender's software).
#[derive(Debug, Clone, PartialEq)]
pub struct UnsignedField {
    /// The field's `/T`.
    pub name: String,
    /// 1-based page of its widget, when the widget names its page (`/P`) or a page lists it.
    pub page: Option<u32>,
    /// The widget's `/Rect`.
    pub rect: Option<[f32; 4]>,
}

/// Every unsigned signature field at the top level of the form, in order.
pub fn unsigned_signature_fields(doc: &Document) -> Vec<UnsignedField> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    while let Some(f) = next_unsigned(doc, &seen) {
        seen.insert(f.name.clone());
        let widget = f
            .widget
            .as_ref()
            .map(|(id, d)| (*id, d))
            .unwrap_or((f.id, &f.field));
        let rect = widget
            .1
            .get(b"Rect")
            .ok()
            .and_then(|r| resolve(doc, r))
            .and_then(|r| r.as_array().ok())
            .and_then(|a| {
                let v: Vec<f32> = a
                    .iter()
                    .filter_map(|o| match resolve(doc, o)? {
                        Object::Integer(i) => Some(*i as f32),
                        Object::Real(r) => Some(*r),
                        _ => None,
                    })
                    .collect();
                <[f32; 4]>::try_from(v.as_slice()).ok()
            });
        let pages = page_ids(doc);
        let page = match widget.1.get(b"P") {
            Ok(Object::Reference(p)) => pages.iter().position(|id| id == p),
            _ => pages.iter().position(|pid| {
                doc.objects
                    .get(pid)
                    .and_then(|o| o.as_dict().ok())
                    .and_then(|d| d.get(b"Annots").ok())
                    .and_then(|a| resolve(doc, a))
                    .and_then(|a| a.as_array().ok())
                    .is_some_and(|a| a.contains(&Object::Reference(widget.0)))
            }),
        }
        .map(|i| i as u32 + 1);
        out.push(UnsignedField {
            name: f.name,
            page,
            rect,
        });
    }
    out
}

fn next_unsigned(doc: &Document, seen: &HashSet<String>) -> Option<EmptyField> {
    // empty_signature_field by name finds each; walk the names in form order.
    let (_, cat) = catalog(doc).ok()?;
    let form = resolve_dict(doc, cat.get(b"AcroForm").ok()?)?;
    let Object::Array(fields) = resolve(doc, form.get(b"Fields").ok()?)? else {
        return None;
    };
    fields.iter().find_map(|f| {
        let name = resolve_dict(doc, f)?
            .get(b"T")
            .ok()
            .and_then(|t| t.as_str().ok())
            .map(crate::serialize::decode_text_string)?;
        if seen.contains(&name) {
            return None;
        }
        empty_signature_field(doc, Some(&name))
    })
}

/// A field name the document does not use yet (`SignatureN`).
pub fn free_signature_field_name(doc: &Document) -> String {
    free_field_name(doc)
}

fn free_field_name(doc: &Document) -> String {
    let taken: HashSet<String> = all_field_names(doc);
    (1..)
        .map(|i| format!("Signature{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_default()
}

fn all_field_names(doc: &Document) -> HashSet<String> {
    let mut names: HashSet<String> = find_signatures(doc)
        .into_iter()
        .map(|s| s.field_name)
        .collect();
    if let Ok((_, cat)) = catalog(doc)
        && let Some(Object::Array(fields)) = cat
            .get(b"AcroForm")
            .ok()
            .and_then(|a| resolve_dict(doc, a))
            .and_then(|a| a.get(b"Fields").ok())
            .and_then(|f| resolve(doc, f))
    {
        for f in fields {
            if let Some(t) = resolve_dict(doc, f)
                .and_then(|d| d.get(b"T").ok())
                .and_then(|t| t.as_str().ok())
            {
                names.insert(crate::serialize::decode_text_string(t));
            }
        }
    }
    names
}

fn add_to_page_annots(
    doc: &Document,
    w: &mut UpdateWriter,
    page_id: ObjectId,
    field_id: ObjectId,
) -> Result<(), PdfError> {
    let page = doc
        .objects
        .get(&page_id)
        .and_then(|p| p.as_dict().ok())
        .ok_or_else(|| PdfError::bad_object(Some(page_id), "page is not a dictionary"))?;
    match page.get(b"Annots") {
        Ok(Object::Reference(arr_id)) => {
            let mut arr = match doc.objects.get(arr_id) {
                Some(Object::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            arr.push(Object::Reference(field_id));
            w.put(*arr_id, &Object::Array(arr));
        }
        other => {
            let mut arr = match other {
                Ok(Object::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            arr.push(Object::Reference(field_id));
            let mut page = page.clone();
            page.set("Annots", Object::Array(arr));
            w.put(page_id, &Object::Dictionary(page));
        }
    }
    Ok(())
}

fn add_to_acroform(
    doc: &Document,
    w: &mut UpdateWriter,
    cat: &mut Dictionary,
    field_id: ObjectId,
) -> Result<(), PdfError> {
    let updated_form = |form: &Dictionary, w: &mut UpdateWriter| -> Dictionary {
        let mut form = form.clone();
        match form.get(b"Fields") {
            Ok(Object::Reference(fid)) => {
                let mut arr = match doc.objects.get(fid) {
                    Some(Object::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                arr.push(Object::Reference(field_id));
                w.put(*fid, &Object::Array(arr));
            }
            other => {
                let mut arr = match other {
                    Ok(Object::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                arr.push(Object::Reference(field_id));
                form.set("Fields", Object::Array(arr));
            }
        }
        form.set("SigFlags", Object::Integer(3)); // SignaturesExist | AppendOnly
        form
    };
    match cat.get(b"AcroForm") {
        Ok(Object::Reference(form_id)) => {
            let form_id = *form_id;
            let form = doc
                .objects
                .get(&form_id)
                .and_then(|f| f.as_dict().ok())
                .ok_or_else(|| {
                    PdfError::bad_object(Some(form_id), "/AcroForm is not a dictionary")
                })?;
            let form = updated_form(form, w);
            w.put(form_id, &Object::Dictionary(form));
        }
        Ok(Object::Dictionary(form)) => {
            let form = updated_form(form, w);
            cat.set("AcroForm", Object::Dictionary(form));
        }
        _ => {
            let form_id = w.allocate();
            let form = updated_form(&Dictionary::new(), w);
            w.put(form_id, &Object::Dictionary(form));
            cat.set("AcroForm", Object::Reference(form_id));
        }
    }
    Ok(())
}

/// Contiguous runs of object numbers, for xref subsections.
fn runs(offsets: &BTreeMap<u32, (usize, u16)>) -> Vec<(u32, Vec<(usize, u16)>)> {
    let mut runs: Vec<(u32, Vec<(usize, u16)>)> = Vec::new();
    for (&id, &entry) in offsets {
        match runs.last_mut() {
            Some((start, entries)) if *start + entries.len() as u32 == id => entries.push(entry),
            _ => runs.push((id, vec![entry])),
        }
    }
    runs
}

fn write_xref_table(
    out: &mut Vec<u8>,
    offsets: &BTreeMap<u32, (usize, u16)>,
    trailer: &Dictionary,
) {
    out.extend_from_slice(b"xref\n");
    for (start, entries) in runs(offsets) {
        out.extend_from_slice(format!("{start} {}\n", entries.len()).as_bytes());
        for (offset, generation) in entries {
            // Each entry is exactly 20 bytes (ISO 32000-1 §7.5.4).
            out.extend_from_slice(format!("{offset:010} {generation:05} n\r\n").as_bytes());
        }
    }
    out.extend_from_slice(b"trailer\n");
    write_dictionary(out, trailer);
    out.push(b'\n');
}

fn write_xref_stream(
    out: &mut Vec<u8>,
    xref_id: u32,
    offsets: &BTreeMap<u32, (usize, u16)>,
    mut dict: Dictionary,
) {
    let mut index = Vec::new();
    let mut data = Vec::new();
    for (start, entries) in runs(offsets) {
        index.push(Object::Integer(start as i64));
        index.push(Object::Integer(entries.len() as i64));
        for (offset, generation) in entries {
            // Fields: type 1, 5-byte offset, 2-byte generation.
            data.push(1);
            data.extend_from_slice(&(offset as u64).to_be_bytes()[3..]);
            data.extend_from_slice(&generation.to_be_bytes());
        }
    }
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("W", Object::Array(vec![1.into(), 5.into(), 2.into()]));
    dict.set("Index", Object::Array(index));
    out.extend_from_slice(format!("{xref_id} 0 obj\n").as_bytes());
    write_object(out, &Object::Stream(lopdf::Stream::new(dict, data)));
    out.extend_from_slice(b"\nendobj\n");
}

#[cfg(test)]
mod xref_kind_tests {
    use super::{SignatureRequest, prepare_signature, xref_kind_at};

    /// A one-page PDF whose last line but one (the startxref value) is `startxref`, or the
    /// true offset of its xref table; returns the file and that true offset.
    fn pdf(startxref: Option<usize>) -> (Vec<u8>, usize) {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ];
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f\r\n");
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
        }
        let at = startxref.unwrap_or(xref);
        out.extend_from_slice(
            format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{at}\n%%EOF\n").as_bytes(),
        );
        (out, xref)
    }

    /// Found by the sign_pdf fuzz target: an update chained (/Prev) to the file's startxref
    /// value even when lopdf had read the file another way, and kyso's verifier then found no
    /// signature in the file kyso had just signed.
    #[test]
    fn updates_chain_to_the_section_lopdf_read_and_refuse_rebuilt_files() {
        let request = SignatureRequest::invisible("Sig", "ETSI.CAdES.detached", 4096);
        // startxref a few bytes off: lopdf uses the section nearby, and so does the update.
        let (file, xref) = pdf(None);
        let (off, _) = pdf(Some(xref - 3));
        assert!(prepare_signature(&file, &request).is_ok());
        let prepared = match prepare_signature(&off, &request) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        let out = match prepared.finish(&[0x30, 0x00]) {
            Ok(out) => out,
            Err(e) => panic!("{e}"),
        };
        let update = String::from_utf8_lossy(&out[off.len()..]).into_owned();
        assert!(update.contains(&format!("/Prev {xref}")), "{update}");
        // startxref into the header: lopdf rebuilds the table by scanning; refused.
        let (broken, _) = pdf(Some(2));
        let err = match prepare_signature(&broken, &request) {
            Ok(_) => panic!("a file whose cross-reference was rebuilt was signed"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("rebuilt"), "{err}");
    }

    #[test]
    fn startxref_must_point_to_a_cross_reference_section() {
        let file = b"xref\n0 1\n7 0 obj\n<</Type /XRef/W [1 2 1]>>\nstream\n1 0 obj\n<</Type /Catalog>>\n8 0 obj <</Type/XRefStm>> stream";
        assert_eq!(xref_kind_at(file, 0), Some(false));
        assert_eq!(xref_kind_at(file, 9), Some(true));
        // An ordinary object, an object whose only /XRef… name is longer, junk, past the end.
        assert_eq!(xref_kind_at(file, 50), None);
        assert_eq!(xref_kind_at(file, 77), None);
        assert_eq!(xref_kind_at(file, 3), None);
        assert_eq!(xref_kind_at(file, file.len() + 1), None);
    }
}
