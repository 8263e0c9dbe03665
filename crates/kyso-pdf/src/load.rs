//! Loading documents and finding revisions.

use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::PdfError;

/// Decoded size of one object stream or cross-reference stream while loading (lopdf checks it
/// while inflating). Such streams hold object syntax, not images: real ones are kilobytes to a
/// few megabytes, so this stops a decompression bomb long before it costs memory.
pub const MAX_LOAD_STREAM: usize = 32 * 1024 * 1024;

/// Objects a document may have. Real documents have thousands (a 200-page scan: about 1,000;
/// long text documents: tens of thousands); lopdf holds each parsed object in memory, about
/// 800 bytes for the smallest (docs/PARSER.md: a million tiny objects cost 805 MiB), so this
/// bounds what parsing a hostile file may cost to a few hundred megabytes.
pub const MAX_OBJECTS: usize = 400_000;

/// An upper bound of the objects lopdf would create for `bytes`, counted before parsing: each
/// `obj` keyword (indirect objects written out) plus the `/N` of each object stream's
/// dictionary (objects packed inside; lopdf reads exactly `/N` of them). Bytes inside strings or
/// streams that happen to spell ` obj` only make the count larger.
pub fn object_count_bound(bytes: &[u8]) -> usize {
    let written = memchr::memmem::find_iter(bytes, b" obj").count();
    let mut packed = 0usize;
    for at in memchr::memmem::find_iter(bytes, b"/ObjStm") {
        // The stream dictionary around the type: from the nearest "<<" before it to the
        // nearest ">>" after it (object stream dictionaries hold no nested dictionaries).
        let start = memchr::memmem::rfind(&bytes[at.saturating_sub(4096)..at], b"<<")
            .map_or(at, |p| at.saturating_sub(4096) + p);
        let end = memchr::memmem::find(&bytes[at..bytes.len().min(at + 4096)], b">>")
            .map_or(bytes.len().min(at + 4096), |p| at + p);
        packed = packed.saturating_add(declared_n(&bytes[start..end]));
    }
    written.saturating_add(packed)
}

/// The integer after `/N` in a dictionary's text (0 when absent or not a number).
fn declared_n(dict: &[u8]) -> usize {
    let mut rest = dict;
    while let Some(p) = memchr::memmem::find(rest, b"/N") {
        let after = &rest[p + 2..];
        // `/N` itself, not `/Names` or `/Next`.
        if after.first().is_some_and(|c| c.is_ascii_alphanumeric()) {
            rest = after;
            continue;
        }
        let digits: Vec<u8> = after
            .iter()
            .skip_while(|c| c.is_ascii_whitespace())
            .take_while(|c| c.is_ascii_digit())
            .take(12)
            .copied()
            .collect();
        return std::str::from_utf8(&digits)
            .ok()
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
    }
    0
}

/// Parse a whole PDF (or a prefix of one ending at a revision's `%%EOF`).
///
/// lopdf is tolerant, which is what a reader of real-world files needs; it is also not
/// hardened against every hostile input, so a panic inside it is turned into an error here
/// rather than allowed to reach the caller (the C ABI and WASM must never see one).
pub fn load_document(bytes: &[u8]) -> Result<Document, PdfError> {
    check_before_parsing(bytes, object_count_bound(bytes))?;
    load_with(bytes, None)
}

/// What every load checks before lopdf sees the bytes: a header, and an object count (from
/// [`object_count_bound`]) lopdf's memory can afford.
pub(crate) fn check_before_parsing(bytes: &[u8], count: usize) -> Result<(), PdfError> {
    // Readers accept junk before the header; a file with no header at all is not a PDF.
    if !bytes.starts_with(b"%PDF-") && find(&bytes[..bytes.len().min(1 << 16)], b"%PDF-").is_none()
    {
        return Err(PdfError::Malformed {
            message: "no %PDF- header".into(),
            offset: Some(0),
        });
    }
    if count > MAX_OBJECTS {
        return Err(PdfError::TooManyObjects {
            count,
            limit: MAX_OBJECTS,
        });
    }
    Ok(())
}

/// Parse a PDF's structure for verification: as [`load_document`], with the data of every image
/// XObject above 4 KiB replaced by its SHA-256 digest. Verification never reads image data, and
/// the modification analysis compares objects: equal data gives equal digests, changed data changed ones. Scanned pages then cost
/// their dictionaries, not their megabytes, in each revision held in memory.
pub fn load_structure(bytes: &[u8]) -> Result<Document, PdfError> {
    check_before_parsing(bytes, object_count_bound(bytes))?;
    load_structure_checked(bytes)
}

/// [`load_structure`] once [`check_before_parsing`] has passed.
pub(crate) fn load_structure_checked(bytes: &[u8]) -> Result<Document, PdfError> {
    load_filtered(bytes, image_data_to_digest)
}

/// Parse the structure an incremental update needs: as [`load_structure`], with image data
/// neither hashed nor kept (a placeholder instead). The writer never writes an existing image
/// again and compares nothing, so signing a 100 MB scan parses kilobytes of dictionaries.
pub fn load_for_update(bytes: &[u8]) -> Result<Document, PdfError> {
    check_before_parsing(bytes, object_count_bound(bytes))?;
    load_filtered(bytes, image_data_dropped)
}

/// Load with a filter of image data.
fn load_filtered(bytes: &[u8], filter: lopdf::FilterFunc) -> Result<Document, PdfError> {
    let doc = load_with(bytes, Some(filter))?;
    // lopdf rebuilds a damaged file's unreadable page tree only in an unfiltered load: such a
    // file is read again as a whole, so that both loads see the same document.
    if doc.xref_recovery.is_some() || page_ids(&doc).is_empty() {
        return load_with(bytes, None);
    }
    Ok(doc)
}

/// The load filter of [`load_for_update`].
fn image_data_dropped(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(stream) = object
        && stream.content.len() > IMAGE_DIGEST_ABOVE
        && is_image(&stream.dict)
    {
        stream.content = IMAGE_NOT_READ.to_vec();
    }
    Some((id, Object::Null))
}

/// What replaces image data in [`load_for_update`].
const IMAGE_NOT_READ: &[u8] = b"%kyso:image-data-not-read";

fn is_image(dict: &Dictionary) -> bool {
    dict.get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|n| n == b"Image")
}

/// Image data larger than this is replaced by its digest when loading for verification.
const IMAGE_DIGEST_ABOVE: usize = 4096;

/// What replaces image data: a marker no image data begins with by accident, then the digest.
const IMAGE_DIGEST_MARKER: &[u8] = b"%kyso:sha256-of-image-data:";

/// The load filter of [`load_structure`] (lopdf 0.47 keeps the object as the
/// filter left it and drops it only on `None`).
fn image_data_to_digest(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    use sha2::Digest;
    if let Object::Stream(stream) = object {
        let is_image = is_image(&stream.dict);
        // Image data a sparse copy left out holds a marker instead (crate::sparse).
        if let Some(settled) = crate::sparse::settle_marker(&stream.content, is_image) {
            stream.content = settled;
        } else if is_image && stream.content.len() > IMAGE_DIGEST_ABOVE {
            let mut digest = IMAGE_DIGEST_MARKER.to_vec();
            digest.extend_from_slice(&sha2::Sha256::digest(&stream.content));
            stream.content = digest;
        }
    }
    Some((id, Object::Null))
}

fn load_with(bytes: &[u8], filter: Option<lopdf::FilterFunc>) -> Result<Document, PdfError> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_LOAD_STREAM),
        filter,
        ..Default::default()
    };
    match catch_unwind(AssertUnwindSafe(|| {
        Document::load_mem_with_options(bytes, options)
    })) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(PdfError::from(e)),
        Err(_) => Err(PdfError::malformed(
            "the PDF parser could not process this file",
        )),
    }
}

/// The byte offsets just past each `%%EOF` marker (and its end-of-line), in file order.
/// Each is the end of one revision (the original file or an incremental update).
pub fn revision_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut from = 0;
    while let Some(pos) = find(&bytes[from..], b"%%EOF") {
        let mut end = from + pos + 5;
        if bytes.get(end) == Some(&b'\r') {
            end += 1;
        }
        if bytes.get(end) == Some(&b'\n') {
            end += 1;
        }
        ends.push(end);
        from = end;
    }
    ends
}

/// The offset the last `startxref` keyword points to.
pub fn last_startxref(bytes: &[u8]) -> Option<usize> {
    let tail_start = bytes.len().saturating_sub(2048);
    let pos = rfind(&bytes[tail_start..], b"startxref")? + tail_start + 9;
    let digits: String = bytes[pos..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    digits.parse().ok()
}

/// First occurrence of `needle` in `hay` (memchr's SIMD search: these scans run over whole files).
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Last occurrence of `needle` in `hay`.
pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(hay, needle)
}

/// Follow a reference (bounded, against reference cycles).
pub fn resolve<'a>(doc: &'a Document, mut object: &'a Object) -> Option<&'a Object> {
    for _ in 0..32 {
        match object {
            Object::Reference(id) => object = doc.objects.get(id)?,
            other => return Some(other),
        }
    }
    None
}

/// Follow a reference and expect a dictionary (a stream's dictionary counts).
pub fn resolve_dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match resolve(doc, object)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// The document catalog and its object id.
pub fn catalog(doc: &Document) -> Result<(ObjectId, &Dictionary), PdfError> {
    let root = match doc.trailer.get(b"Root") {
        Ok(Object::Reference(id)) => *id,
        _ => return Err(PdfError::malformed("trailer has no /Root reference")),
    };
    match doc.objects.get(&root) {
        Some(Object::Dictionary(d)) => Ok((root, d)),
        _ => Err(PdfError::bad_object(
            Some(root),
            "the catalog is not a dictionary",
        )),
    }
}

/// A page attribute (`/Resources`, `/MediaBox`, `/CropBox`, `/Rotate`), inherited from the
/// page tree (ISO 32000-1 §7.7.3.4); the walk up `/Parent` is bounded.
pub fn inherited<'a>(doc: &'a Document, mut id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    for _ in 0..64 {
        let dict = doc.objects.get(&id)?.as_dict().ok()?;
        if let Ok(v) = dict.get(key) {
            return Some(v);
        }
        match dict.get(b"Parent") {
            Ok(Object::Reference(parent)) => id = *parent,
            _ => return None,
        }
    }
    None
}

/// Page object ids in page order (1-based index = position + 1), walked with loop protection.
pub fn page_ids(doc: &Document) -> Vec<ObjectId> {
    let mut pages = Vec::new();
    let Ok((_, cat)) = catalog(doc) else {
        return pages;
    };
    let Ok(Object::Reference(root)) = cat.get(b"Pages") else {
        return pages;
    };
    let mut stack = vec![(*root, 0usize)];
    let mut seen = std::collections::HashSet::new();
    while let Some((id, depth)) = stack.pop() {
        if depth > 64 || !seen.insert(id) || pages.len() > 100_000 {
            continue;
        }
        let Some(dict) = doc.objects.get(&id).and_then(|o| o.as_dict().ok()) else {
            continue;
        };
        match dict.get(b"Kids") {
            Ok(kids) => {
                if let Some(Object::Array(kids)) = resolve(doc, kids) {
                    for kid in kids.iter().rev() {
                        if let Object::Reference(k) = kid {
                            stack.push((*k, depth + 1));
                        }
                    }
                }
            }
            Err(_) => pages.push(id),
        }
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_revision_ends() {
        let b = b"%PDF-1.4\n...%%EOF\nmore%%EOF\r\n";
        assert_eq!(revision_ends(b), vec![18, 29]);
    }

    #[test]
    fn objects_are_counted_before_parsing() {
        // Written objects, and objects packed in object streams as their /N declares.
        let mut pdf = b"%PDF-1.7\n1 0 obj null endobj\n2 0 obj null endobj\n".to_vec();
        pdf.extend_from_slice(b"3 0 obj << /Type /ObjStm /N 250 /First 9 /Length 5 >> stream\n");
        pdf.extend_from_slice(b"x\nendstream endobj\n4 0 obj << /Names [] /N 7 >> endobj\n");
        assert_eq!(object_count_bound(&pdf), 4 + 250);
        assert_eq!(declared_n(b"<< /Next 3 /N 12 >>"), 12);
        assert_eq!(declared_n(b"<< /Names 3 >>"), 0);
    }

    #[test]
    fn a_million_tiny_objects_are_refused_before_parsing() {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        for n in 1..=(MAX_OBJECTS + 1) {
            pdf.extend_from_slice(format!("{n} 0 obj 0 endobj\n").as_bytes());
        }
        for load in [load_document, load_structure, load_for_update] {
            match load(&pdf) {
                Err(PdfError::TooManyObjects { count, limit }) => {
                    assert_eq!((count, limit), (MAX_OBJECTS + 1, MAX_OBJECTS));
                }
                other => panic!("expected TooManyObjects, got {:?}", other.map(|_| ())),
            }
        }
        // Packed in one object stream that declares them: refused as well.
        let mut packed =
            b"%PDF-1.7\n1 0 obj << /Type /ObjStm /N 2000000 /First 10 /Length 1 >> stream\n"
                .to_vec();
        packed.extend_from_slice(b"x\nendstream endobj\n");
        assert!(matches!(
            load_document(&packed),
            Err(PdfError::TooManyObjects {
                count: 2_000_001,
                ..
            })
        ));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(load_document(b"hello").is_err());
        assert!(load_structure(b"hello").is_err());
        assert!(load_document(b"%PDF-1.7\n1 0 obj <<").is_err());
    }
}
