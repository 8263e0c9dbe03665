//! Appending an incremental update: new and changed objects after the original bytes, then a
//! cross-reference section of the same kind as the file's last one (table or stream) and a
//! trailer with `/Prev`.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::PdfError;
use crate::load::last_startxref;
use crate::serialize::{write_dictionary, write_object};

/// What the cross-reference section at byte `at` of `original` is: a classic `xref` table
/// (`Some(false)`), a cross-reference stream object (`Some(true)`: `N G obj` whose dictionary
/// has `/XRef` before its `stream` keyword), or neither (`None`).
pub(super) fn xref_kind_at(original: &[u8], at: usize) -> Option<bool> {
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
        let mut out = crate::sparse::copy_leaving_zero_pages(original);
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

/// Contiguous runs of object numbers, for xref subsections.
pub(super) fn runs(offsets: &BTreeMap<u32, (usize, u16)>) -> Vec<(u32, Vec<(usize, u16)>)> {
    let mut runs: Vec<(u32, Vec<(usize, u16)>)> = Vec::new();
    for (&id, &entry) in offsets {
        match runs.last_mut() {
            Some((start, entries)) if *start + entries.len() as u32 == id => entries.push(entry),
            _ => runs.push((id, vec![entry])),
        }
    }
    runs
}

pub(super) fn write_xref_table(
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

pub(super) fn write_xref_stream(
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
    use super::xref_kind_at;
    use crate::incremental::{SignatureRequest, prepare_signature};

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
