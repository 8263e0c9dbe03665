//! The document security store (DSS, ETSI EN 319 142-1 §5.4, ISO 32000-2 §12.8.4.3), written
//! as an incremental update.
//!
//! Certificates, CRLs and OCSP responses each become a Flate-compressed stream; the catalog's
//! `/DSS` is an indirect reference to the DSS dictionary, whose `/Certs`, `/CRLs` and `/OCSPs`
//! arrays (and `/VRI` entries) refer to those streams. An existing DSS is merged with, never
//! replaced: its entries stay as they are and data it already holds is not added twice.

use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::PdfError;
use crate::incremental::UpdateWriter;
use crate::load::{catalog, load_for_update, resolve};

/// Existing DSS streams larger than this once decoded are kept but not compared with new data
/// (the same bound the verifier uses when it reads the DSS).
const DECODE_LIMIT: usize = 16 * 1024 * 1024;

/// zlib compression level of the new streams.
const COMPRESSION_LEVEL: u8 = 6;

/// Validation data to add to the document's `/DSS`.
#[derive(Debug, Clone, Default)]
pub struct DssUpdate {
    /// DER certificates.
    pub certs: Vec<Vec<u8>>,
    /// DER CRLs.
    pub crls: Vec<Vec<u8>>,
    /// DER `OCSPResponse` structures (the full `OCSPResponse`, as PAdES requires).
    pub ocsps: Vec<Vec<u8>>,
    /// Optional VRI entries, one per signature.
    pub vri: Vec<VriEntry>,
}

/// The validation data of one signature (a `/VRI` entry of the DSS).
///
/// Its items are written once: each refers to the same stream object as the DSS's top-level
/// arrays, and an item missing from the [`DssUpdate`]'s top-level lists is added to them.
#[derive(Debug, Clone, Default)]
pub struct VriEntry {
    /// Upper-case hexadecimal SHA-1 digest of the signature's `/Contents` value (or of the
    /// time-stamp token), computed by the caller. Lower-case digits are accepted and written in
    /// upper case; anything other than 40 hexadecimal digits is refused.
    pub key: String,
    /// DER certificates.
    pub certs: Vec<Vec<u8>>,
    /// DER CRLs.
    pub crls: Vec<Vec<u8>>,
    /// DER `OCSPResponse` structures.
    pub ocsps: Vec<Vec<u8>>,
}

/// The three kinds of validation data.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Cert,
    Crl,
    Ocsp,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Cert, Kind::Crl, Kind::Ocsp];

    /// Key of the top-level array in the DSS dictionary.
    fn dss_key(self) -> &'static [u8] {
        match self {
            Kind::Cert => b"Certs",
            Kind::Crl => b"CRLs",
            Kind::Ocsp => b"OCSPs",
        }
    }

    /// Key of the array in a VRI entry.
    fn vri_key(self) -> &'static [u8] {
        match self {
            Kind::Cert => b"Cert",
            Kind::Crl => b"CRL",
            Kind::Ocsp => b"OCSP",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One top-level array of the DSS: what it holds and the streams it can refer to.
struct Pool {
    /// Existing items as they are, then references to new streams.
    items: Vec<Object>,
    /// The array's object when the DSS refers to it indirectly.
    array_id: Option<ObjectId>,
    /// Decoded content of every stream (existing or new) → the stream's object.
    known: HashMap<Vec<u8>, ObjectId>,
    /// Whether a new stream was added.
    added: bool,
}

impl Pool {
    /// The existing array `value` (direct or indirect) of `doc`.
    fn read(doc: &Document, value: Option<&Object>) -> Self {
        let (items, array_id) = existing_array(doc, value);
        let mut known = HashMap::new();
        for item in &items {
            let Object::Reference(id) = item else {
                continue;
            };
            // Streams that do not decode (unknown filter, broken data) are kept as they are;
            // new data is simply not compared with them.
            if let Some(Object::Stream(s)) = doc.objects.get(id)
                && let Ok(content) = s.decompressed_content_with_limit(DECODE_LIMIT)
            {
                known.entry(content).or_insert(*id);
            }
        }
        Self {
            items,
            array_id,
            known,
            added: false,
        }
    }

    /// The stream holding `der`: an existing one with that content, or a new one. `None` for an
    /// empty item (nothing to store).
    fn add(&mut self, w: &mut UpdateWriter, der: &[u8]) -> Option<ObjectId> {
        if der.is_empty() {
            return None;
        }
        if let Some(id) = self.known.get(der) {
            return Some(*id);
        }
        let id = w.allocate();
        let mut dict = Dictionary::new();
        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(der, COMPRESSION_LEVEL);
        w.put(id, &Object::Stream(Stream::new(dict, compressed)));
        self.items.push(Object::Reference(id));
        self.known.insert(der.to_vec(), id);
        self.added = true;
        Some(id)
    }
}

/// An existing array, direct or behind one reference (then with its object id). Anything else
/// (absent, broken) reads as an empty direct array.
fn existing_array(doc: &Document, value: Option<&Object>) -> (Vec<Object>, Option<ObjectId>) {
    match value {
        Some(Object::Reference(id)) => match doc.objects.get(id) {
            Some(Object::Array(items)) => (items.clone(), Some(*id)),
            Some(other @ Object::Reference(_)) => match resolve(doc, other) {
                Some(Object::Array(items)) => (items.clone(), None),
                _ => (Vec::new(), None),
            },
            _ => (Vec::new(), None),
        },
        Some(Object::Array(items)) => (items.clone(), None),
        _ => (Vec::new(), None),
    }
}

/// An existing dictionary, direct or behind one reference (then with its object id). Anything
/// else (absent, broken) reads as an empty direct dictionary.
fn existing_dict(doc: &Document, value: Option<&Object>) -> (Dictionary, Option<ObjectId>) {
    match value {
        Some(Object::Reference(id)) => match doc.objects.get(id) {
            Some(Object::Dictionary(d)) => (d.clone(), Some(*id)),
            Some(other @ Object::Reference(_)) => match resolve(doc, other) {
                Some(Object::Dictionary(d)) => (d.clone(), None),
                _ => (Dictionary::new(), None),
            },
            _ => (Dictionary::new(), None),
        },
        Some(Object::Dictionary(d)) => (d.clone(), None),
        _ => (Dictionary::new(), None),
    }
}

/// Store `value` where it was read from: its own object when it had one (then `parent` keeps
/// its reference), otherwise directly as `parent[key]`. Returns whether `parent` changed.
fn store(
    w: &mut UpdateWriter,
    parent: &mut Dictionary,
    key: &[u8],
    id: Option<ObjectId>,
    value: Object,
) -> bool {
    match id {
        Some(id) => {
            w.put(id, &value);
            false
        }
        None => {
            parent.set(key, value);
            true
        }
    }
}

/// A VRI key (upper case) with its certificates, CRLs and OCSP responses (by [`Kind::index`]).
type VriItems<'a> = (String, [Vec<&'a [u8]>; 3]);

/// The VRI entries of `update` merged by key (upper case), in first-seen order.
fn merged_vri(update: &DssUpdate) -> Result<Vec<VriItems<'_>>, PdfError> {
    let mut merged: Vec<VriItems<'_>> = Vec::new();
    for entry in &update.vri {
        if entry.key.len() != 40 || !entry.key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(PdfError::Unsupported(format!(
                "VRI key {:?} is not a hexadecimal SHA-1 digest",
                entry.key
            )));
        }
        let key = entry.key.to_ascii_uppercase();
        let at = match merged.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                merged.push((key, Default::default()));
                merged.len() - 1
            }
        };
        let lists = &mut merged[at].1;
        for (kind, items) in Kind::ALL
            .iter()
            .zip([&entry.certs, &entry.crls, &entry.ocsps])
        {
            lists[kind.index()].extend(items.iter().map(Vec::as_slice));
        }
    }
    Ok(merged)
}

/// Add `update` to the document security store of `original` as an incremental update.
///
/// The original bytes stay an exact prefix of the result (existing signatures remain intact).
/// The update writes one Flate-compressed stream per new certificate, CRL and OCSP response,
/// the DSS dictionary (the existing one rewritten in place when the catalog already refers to
/// one, otherwise a new object), the arrays and VRI entries that changed, and — when `/DSS` was
/// missing or direct, or `/Extensions` is missing — the catalog with `/DSS` as an indirect
/// reference and `/Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 5 >> >>` (an
/// existing `/Extensions` is left as it is). The cross-reference section is of the same kind
/// as the file's last one.
///
/// Merging with an existing DSS: its items and VRI entries are kept as they are; an item whose
/// DER equals the decoded content of an existing stream of the same array is not added again
/// (the VRI refers to the existing stream); duplicates inside `update` are written once; a VRI
/// entry whose key exists already gets the union of both. Empty items are ignored.
///
/// When nothing new would be added, `original` is returned unchanged (no empty revision).
/// Encrypted documents are refused.
pub fn append_dss(original: &[u8], update: &DssUpdate) -> Result<Vec<u8>, PdfError> {
    let doc = load_for_update(original)?;
    // lopdf decrypts files it can open with the empty password and drops /Encrypt from the
    // trailer: ask it whether the file was encrypted too.
    if doc.trailer.has(b"Encrypt") || doc.was_encrypted() {
        return Err(PdfError::Unsupported(
            "adding validation data to encrypted PDFs".into(),
        ));
    }
    let vri_update = merged_vri(update)?;
    let mut w = UpdateWriter::new(original, &doc)?;
    let (root_id, catalog_dict) = catalog(&doc)?;

    // Only a DSS dictionary that is its own object is rewritten in place; a direct one (or a
    // broken reference) becomes a new object.
    let (mut dss, dss_id) = existing_dict(&doc, catalog_dict.get(b"DSS").ok());
    let is_new_dss = dss.is_empty() && dss_id.is_none();
    let mut dss_changed = false;

    let mut pools: Vec<Pool> = Kind::ALL
        .iter()
        .map(|kind| Pool::read(&doc, dss.get(kind.dss_key()).ok()))
        .collect();
    for (kind, items) in Kind::ALL
        .iter()
        .zip([&update.certs, &update.crls, &update.ocsps])
    {
        for der in items {
            pools[kind.index()].add(&mut w, der);
        }
    }

    if !vri_update.is_empty() {
        let (mut vri, vri_id) = existing_dict(&doc, dss.get(b"VRI").ok());
        let mut vri_changed = false;
        for (key, lists) in &vri_update {
            // Keys are upper case; match an existing entry written in lower case too.
            let existing_key = vri
                .iter()
                .map(|(k, _)| k)
                .find(|k| k.eq_ignore_ascii_case(key.as_bytes()))
                .cloned()
                .unwrap_or_else(|| key.as_bytes().to_vec());
            let (mut entry, entry_id) = existing_dict(&doc, vri.get(&existing_key).ok());
            let was_absent = entry.is_empty() && entry_id.is_none();
            let mut entry_changed = false;
            for kind in Kind::ALL {
                let (mut items, array_id) = existing_array(&doc, entry.get(kind.vri_key()).ok());
                let mut added = false;
                let mut seen: HashSet<ObjectId> =
                    items.iter().filter_map(|i| i.as_reference().ok()).collect();
                for der in &lists[kind.index()] {
                    if let Some(id) = pools[kind.index()].add(&mut w, der)
                        && seen.insert(id)
                    {
                        items.push(Object::Reference(id));
                        added = true;
                    }
                }
                if added {
                    entry_changed |= store(
                        &mut w,
                        &mut entry,
                        kind.vri_key(),
                        array_id,
                        Object::Array(items),
                    );
                }
            }
            if entry_changed || was_absent {
                vri_changed |= store(
                    &mut w,
                    &mut vri,
                    &existing_key,
                    entry_id,
                    Object::Dictionary(entry),
                );
            }
        }
        if vri_changed {
            dss_changed |= store(&mut w, &mut dss, b"VRI", vri_id, Object::Dictionary(vri));
        }
    }

    for (kind, pool) in Kind::ALL.iter().zip(pools) {
        if pool.added {
            dss_changed |= store(
                &mut w,
                &mut dss,
                kind.dss_key(),
                pool.array_id,
                Object::Array(pool.items),
            );
        }
    }

    if w.is_empty() && !dss_changed {
        return Ok(original.to_vec());
    }

    let dss_id = match dss_id {
        Some(id) => id,
        None => {
            dss_changed = true;
            w.allocate()
        }
    };
    if is_new_dss {
        dss.set("Type", Object::Name(b"DSS".to_vec()));
    }
    if dss_changed {
        w.put(dss_id, &Object::Dictionary(dss));
    }

    let mut cat = catalog_dict.clone();
    let mut catalog_changed = false;
    if cat.get(b"DSS").ok() != Some(&Object::Reference(dss_id)) {
        cat.set("DSS", Object::Reference(dss_id));
        catalog_changed = true;
    }
    if !cat.has(b"Extensions") {
        let mut esic = Dictionary::new();
        esic.set("BaseVersion", Object::Name(b"1.7".to_vec()));
        esic.set("ExtensionLevel", Object::Integer(5));
        let mut extensions = Dictionary::new();
        extensions.set("ESIC", Object::Dictionary(esic));
        cat.set("Extensions", Object::Dictionary(extensions));
        catalog_changed = true;
    }
    if catalog_changed {
        w.put(root_id, &Object::Dictionary(cat));
    }

    let (out, _) = w.assemble(original, root_id, None);
    // The file must read back with the DSS written, as a signed file must with its signature
    // (`incremental`): a damaged original can read one way alone and another way once an
    // update is appended (fuzz target dss).
    let reads_back = load_for_update(&out).is_ok_and(|reread| {
        reread.xref_recovery != Some(lopdf::xref::XrefRecovery::Reconstructed)
            && catalog(&reread)
                .is_ok_and(|(_, c)| c.get(b"DSS").ok() == Some(&Object::Reference(dss_id)))
            && reread.get_dictionary(dss_id).is_ok()
    });
    if !reads_back {
        return Err(PdfError::malformed(
            "the document is damaged: with the validation data appended it no longer reads \
             back (repair the file, e.g. with qpdf, first)",
        ));
    }
    Ok(out)
}
