//! What changed after a signature: compares the signed revision with the final document.
//!
//! Whitelist approach (as pyHanko's difference analysis): every object that exists in the signed
//! revision and differs in the final document must be explained by an allowed kind of update —
//! adding signature fields and their widgets, filling a signature field, adding DSS data,
//! filling form fields (when the certification level allows it). Anything else is "other".
//! New objects are harmless on their own: they can only be shown through a changed old object,
//! and every changed old object is checked.
//!
//! What an object means depends on every place it is used from, so an allowed change to an
//! object is allowed only when nothing else in the signed revision uses it too (an appearance
//! stream that also serves as a page's XObject, an appearance dictionary also reachable from
//! the catalog or the trailer: the "sneaky signature" set-ups of Rohlmann et al. 2021, and
//! pyHanko's usage-context rule).
//!
//! Rules beyond the form: the structure tree may gain elements tagging the annotations an update
//! adds (`structure`); the XMP metadata stream and the document information dictionary may
//! be updated (validation-data level, as pyHanko's); annotations that are not widgets may be
//! added, changed or removed at the annotation level (DocMDP P=3).
//!
//! Every change is also attributed to the form field it concerns, when there is one, so that
//! field locks (FieldMDP, ISO 32000-1 §12.8.2.4) can be enforced by the verifier.

mod annotations;
mod catalog;
mod fields;
mod form;
mod pages;
mod shadow;
mod structure;

use std::collections::{BTreeSet, HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::PdfError;
use crate::load::{catalog, page_ids, resolve, resolve_dict};
use crate::view::PdfView;

/// How much a later revision changed, from harmless to not allowed. Ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ModificationLevel {
    /// Nothing was changed.
    None,
    /// Only validation data (DSS) or document time-stamps were added.
    LtaUpdates,
    /// New signatures were added (fields, widgets, appearances), or empty signature fields filled.
    Signing,
    /// Form field values were filled in.
    FormFilling,
    /// Annotations were added or changed.
    Annotations,
    /// Any other change (page content, pages, catalog entries, replaced objects…).
    Other,
}

impl ModificationLevel {
    /// Short machine name (`none`, `lta_updates`, `signing`, `form_filling`, `annotations`, `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::LtaUpdates => "lta_updates",
            Self::Signing => "signing",
            Self::FormFilling => "form_filling",
            Self::Annotations => "annotations",
            Self::Other => "other",
        }
    }
}

/// One change found, with the object it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The changed object, when the change is tied to one.
    pub object: Option<ObjectId>,
    /// The fully qualified name of the form field the change concerns, when there is one.
    pub field: Option<String>,
    /// How the change was classified.
    pub level: ModificationLevel,
    /// What changed, in English (for logs and reports).
    pub description: String,
}

/// The result of comparing a signed revision with the final document.
#[derive(Debug, Clone)]
pub struct ModificationReport {
    /// The most severe level among the changes.
    pub level: ModificationLevel,
    /// Every change found (bounded).
    pub changes: Vec<Change>,
    /// Fully qualified names of the existing form fields whose dictionary, value, widget or
    /// appearance changed (for field locks), sorted.
    pub changed_fields: Vec<String>,
}

/// Most revisions a document may have after a signature before the analysis gives up
/// (reported as an "other" change: nothing is declared harmless unseen).
const MAX_REVISIONS: usize = 256;

/// Compare the revision `file[..signed_len]` with every later revision of `file`, one
/// incremental update at a time: some changes are allowed only together (a signature field's
/// appearance may change only in the update that signs it).
pub fn analyse_modifications(
    file: &[u8],
    signed_len: usize,
) -> Result<ModificationReport, PdfError> {
    // From a sparse copy, as verification reads it (image data compared by name, not hashed);
    // from every byte when the copy does not read as the file does.
    if let Ok(view) = PdfView::sparse(&file)
        && view.is_sparse()
    {
        let report = Revisions::new(&view).analyse(signed_len);
        if view.matched() {
            return report;
        }
    }
    Revisions::new(&PdfView::whole(file)).analyse(signed_len)
}

/// The revisions of one file, each parsed at most once: a document with several signatures
/// compares the same later revisions for each of them.
pub struct Revisions<'a> {
    view: &'a PdfView<'a>,
    parsed: Vec<(usize, std::sync::OnceLock<Result<Document, String>>)>,
    /// Comparisons made, by the two revisions' ends: every signature's analysis compares the
    /// same consecutive revisions after it (ten signatures: 55 comparisons of 10 pairs).
    compared: std::sync::Mutex<HashMap<(usize, usize), ModificationReport>>,
}

impl<'a> Revisions<'a> {
    /// The revisions of `file` (each `%%EOF`, and the whole file), none parsed yet.
    pub fn new(view: &'a PdfView<'a>) -> Self {
        let file = view.bytes();
        let mut ends = view.revision_ends().to_vec();
        ends.push(file.len());
        ends.dedup();
        let parsed = ends
            .into_iter()
            .map(|e| (e, std::sync::OnceLock::new()))
            .collect();
        Self {
            view,
            parsed,
            compared: Default::default(),
        }
    }

    /// The final document (the whole file), parsed on first use; its error as the parser gave it.
    pub fn latest(&self) -> Result<&Document, PdfError> {
        let Some((end, cell)) = self.parsed.last() else {
            return Err(PdfError::malformed("empty file"));
        };
        if cell.get().is_none() {
            let doc = self.view.load(*end)?;
            let _ = cell.set(Ok(doc));
        }
        match cell.get() {
            Some(Ok(doc)) => Ok(doc),
            // Parsed before, by the analysis, and failed: parse again for the error itself.
            _ => Err(self
                .view
                .load(*end)
                .err()
                .unwrap_or_else(|| PdfError::malformed("unreadable"))),
        }
    }

    /// Parse every revision from `from` on, on as many threads as the machine has (each is
    /// parsed once whatever the order; the analyses that follow find them parsed). Ten
    /// signatures mean eleven revisions to parse: the parsing, not the hashing, is then most of
    /// the work. One thread in WASM.
    pub fn parse_from(&self, from: usize) {
        let todo: Vec<_> = self
            .parsed
            .iter()
            .filter(|(e, c)| *e >= from && c.get().is_none())
            .collect();
        let threads = if cfg!(target_arch = "wasm32") {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        };
        // More revisions than the analysis reads (it gives up past MAX_REVISIONS) are left alone.
        if todo.len() < 2 || todo.len() > MAX_REVISIONS + 1 || threads < 2 {
            return;
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            while let Some((end, cell)) =
                todo.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
            {
                cell.get_or_init(|| self.view.load(*end).map_err(|e| e.to_string()));
            }
        };
        std::thread::scope(|scope| {
            for _ in 1..threads.min(todo.len()) {
                // A thread that cannot be had leaves its share to the others.
                let _ = std::thread::Builder::new().spawn_scoped(scope, work);
            }
            work();
        });
    }

    /// The document as it was at byte `end`, parsed on first use.
    fn at(&self, end: usize) -> Result<std::borrow::Cow<'_, Document>, PdfError> {
        let load = || self.view.load(end).map_err(|e| e.to_string());
        match self.parsed.iter().find(|(e, _)| *e == end) {
            Some((_, cell)) => match cell.get_or_init(load) {
                Ok(doc) => Ok(std::borrow::Cow::Borrowed(doc)),
                Err(e) => Err(PdfError::malformed(e.clone())),
            },
            None => load()
                .map(std::borrow::Cow::Owned)
                .map_err(PdfError::malformed),
        }
    }

    /// [`compare`] of the revisions ending at these offsets, made once.
    fn compare_once(
        &self,
        (old_end, old): (usize, &Document),
        (new_end, new): (usize, &Document),
    ) -> ModificationReport {
        let key = (old_end, new_end);
        if let Some(r) = self.compared.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return r;
        }
        let r = compare(old, new);
        if let Ok(mut c) = self.compared.lock() {
            c.insert(key, r.clone());
        }
        r
    }

    /// [`analyse_modifications`] for the revision ending at `signed_len`.
    pub fn analyse(&self, signed_len: usize) -> Result<ModificationReport, PdfError> {
        let file = self.view.bytes();
        let signed_len = signed_len.min(file.len());
        let mut ends: Vec<usize> = self
            .view
            .revision_ends()
            .iter()
            .copied()
            .filter(|&e| e > signed_len)
            .collect();
        // Trailing bytes after the last %%EOF still belong to what a reader sees.
        if ends.last().is_none_or(|&e| e < file.len())
            && !file[ends.last().copied().unwrap_or(signed_len)..]
                .iter()
                .all(|b| b.is_ascii_whitespace() || *b == 0)
        {
            ends.push(file.len());
        }
        let mut changes = Vec::new();
        let mut changed_fields = BTreeSet::new();
        // An object written after the last %%EOF without a cross-reference section of its own
        // is invisible to a reader that follows the xref, and visible to one that rebuilds it
        // by scanning (as readers do with damaged files): what is shown depends on the reader.
        let last_eof = self
            .view
            .revision_ends()
            .last()
            .copied()
            .unwrap_or(0)
            .max(signed_len);
        if !shadow::object_definitions(&file[last_eof..]).is_empty() {
            changes.push(Change {
                object: None,
                field: None,
                level: ModificationLevel::Other,
                description: "objects follow the last %%EOF without a cross-reference section"
                    .into(),
            });
        }
        if ends.len() > MAX_REVISIONS {
            changes.push(Change {
                object: None,
                field: None,
                level: ModificationLevel::Other,
                description: format!("more than {MAX_REVISIONS} updates after the signature"),
            });
            return Ok(ModificationReport {
                level: ModificationLevel::Other,
                changes,
                changed_fields: Vec::new(),
            });
        }
        let mut old = self.at(signed_len)?;
        let mut old_end = signed_len;
        for end in ends {
            let new = match self.at(end) {
                Ok(d) => d,
                Err(_) => {
                    changes.push(Change {
                        object: None,
                        field: None,
                        level: ModificationLevel::Other,
                        description: "a later update cannot be read".into(),
                    });
                    continue;
                }
            };
            let shadowed = shadow::shadowed_definitions(file, old_end..end, &new);
            if !shadowed.is_empty() {
                changes.push(Change {
                    object: None,
                    field: None,
                    level: ModificationLevel::Other,
                    description: format!(
                        "the update ending at byte {end} writes object(s) {} that its \
                         cross-reference table does not name: a reader that rebuilds the table \
                         would show them",
                        shadowed
                            .iter()
                            .take(10)
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
            let step = self.compare_once((old_end, &old), (end, &new));
            changes.extend(step.changes);
            changed_fields.extend(step.changed_fields);
            old = new;
            old_end = end;
        }
        // The final document as a whole must also be what the last readable update says.
        let level = changes
            .iter()
            .map(|c| c.level)
            .max()
            .unwrap_or(ModificationLevel::None);
        changes.truncate(200);
        Ok(ModificationReport {
            level,
            changes,
            changed_fields: changed_fields.into_iter().collect(),
        })
    }
}

/// Compare two parsed revisions of one document.
pub fn compare(old: &Document, new: &Document) -> ModificationReport {
    let mut d = Differ {
        old,
        new,
        changes: Vec::new(),
        field_names: fields::field_names(old),
        changed_fields: BTreeSet::new(),
    };
    d.run();
    // A revision that only adds invisible document time-stamps is long-term validation
    // material (PAdES B-LTA), allowed even under DocMDP P=1 (ETSI EN 319 142-1 §5.4,
    // ISO 32000-2 §12.8.2.2): its field, widget and form entries are not a new signature.
    if adds_only_document_timestamps(old, new) {
        for c in &mut d.changes {
            if c.level == ModificationLevel::Signing {
                c.level = ModificationLevel::LtaUpdates;
            }
        }
    }
    let level = d
        .changes
        .iter()
        .map(|c| c.level)
        .max()
        .unwrap_or(ModificationLevel::None);
    ModificationReport {
        level,
        changes: d.changes,
        changed_fields: d.changed_fields.into_iter().collect(),
    }
}

/// Whether every signature `new` has and `old` has not is an invisible document time-stamp
/// (and there is at least one).
fn adds_only_document_timestamps(old: &Document, new: &Document) -> bool {
    use crate::signatures::{SignatureKind, find_signatures};
    let before: HashSet<String> = find_signatures(old)
        .into_iter()
        .map(|s| s.field_name)
        .collect();
    let added: Vec<_> = find_signatures(new)
        .into_iter()
        .filter(|s| !before.contains(&s.field_name))
        .collect();
    !added.is_empty()
        && added.iter().all(|s| {
            s.kind == SignatureKind::DocTimeStamp
                && s.rect
                    .is_none_or(|r| (r[2] - r[0]).abs() < 0.01 || (r[3] - r[1]).abs() < 0.01)
        })
}

struct Differ<'a> {
    old: &'a Document,
    new: &'a Document,
    changes: Vec<Change>,
    /// Field names of the old revision's field dictionaries and widgets.
    field_names: HashMap<ObjectId, String>,
    changed_fields: BTreeSet<String>,
}

impl Differ<'_> {
    fn note(&mut self, object: Option<ObjectId>, level: ModificationLevel, description: String) {
        let field = object.and_then(|id| self.field_names.get(&id).cloned());
        self.note_field(object, field, level, description);
    }

    /// A change attributed to the field `field` (recorded for field locks).
    fn note_field(
        &mut self,
        object: Option<ObjectId>,
        field: Option<String>,
        level: ModificationLevel,
        description: String,
    ) {
        if let Some(f) = &field {
            self.changed_fields.insert(f.clone());
        }
        if self.changes.len() < 200 {
            self.changes.push(Change {
                object,
                field,
                level,
                description,
            });
        }
    }

    fn run(&mut self) {
        let (old_root, new_root) = match (catalog(self.old), catalog(self.new)) {
            (Ok((o, _)), Ok((n, _))) => (o, n),
            _ => {
                self.note(
                    None,
                    ModificationLevel::Other,
                    "the catalog cannot be read".into(),
                );
                return;
            }
        };
        if old_root != new_root {
            self.note(
                Some(new_root),
                ModificationLevel::Other,
                "the document catalog was replaced".into(),
            );
        }
        if self.new.trailer.has(b"Encrypt") != self.old.trailer.has(b"Encrypt") {
            self.note(
                None,
                ModificationLevel::Other,
                "encryption was added or removed".into(),
            );
        }

        let old_pages: Vec<ObjectId> = page_ids(self.old);
        let new_pages: Vec<ObjectId> = page_ids(self.new);
        if old_pages != new_pages {
            self.note(
                None,
                ModificationLevel::Other,
                "pages were added, removed or reordered".into(),
            );
        }
        let page_set: HashSet<ObjectId> = old_pages.iter().copied().collect();
        let form_ids = self.form_structure_ids();
        let sig_fields_old = self.signature_field_ids(self.old);
        let dss_ids = self.dss_structure_ids(old_root);
        let structure = structure::StructureCheck::new(self.old, self.new);
        let old_catalog = self
            .old
            .objects
            .get(&old_root)
            .and_then(|c| c.as_dict().ok());
        // The catalog's /Extensions when it is an object of its own (rewritten in place by
        // tools that add /ESIC to it).
        let extensions_id = old_catalog
            .and_then(|c| c.get(b"Extensions").ok())
            .and_then(|e| e.as_reference().ok());
        let metadata_id = old_catalog
            .and_then(|c| c.get(b"Metadata").ok())
            .and_then(|e| e.as_reference().ok());

        for (id, old_obj) in &self.old.objects {
            let Some(new_obj) = self.new.objects.get(id) else {
                if self.referenced_in_new(*id) {
                    self.note(
                        Some(*id),
                        ModificationLevel::Other,
                        "an object was deleted".into(),
                    );
                }
                continue;
            };
            if old_obj == new_obj {
                continue;
            }
            if self.is_info(*id) {
                // Document information (ModDate, Producer) is updated by every writer,
                // validation-data updates included (pyHanko: LTA_UPDATES).
                let level = if matches!(new_obj, Object::Dictionary(_)) {
                    ModificationLevel::LtaUpdates
                } else {
                    ModificationLevel::Other
                };
                self.note(Some(*id), level, "document information updated".into());
            } else if *id == old_root {
                self.catalog_change(*id, old_obj, new_obj);
            } else if page_set.contains(id) {
                self.page_change(*id, old_obj, new_obj);
            } else if form_ids.acroforms.contains(id) {
                self.acroform_change(*id, old_obj, new_obj);
            } else if form_ids.arrays.contains(id) {
                self.array_superset(*id, old_obj, new_obj, "form field list");
            } else if form_ids.annots.contains(id) {
                self.annots_change(*id, old_obj, new_obj);
            } else if sig_fields_old.contains(id) || form_ids.signature_widgets.contains(id) {
                self.signature_field_change(*id, old_obj, new_obj);
            } else if self.is_form_field(old_obj) || self.field_names.contains_key(id) {
                self.form_field_change(*id, old_obj, new_obj);
            } else if form_ids.field_appearances.contains_key(id)
                || form_ids.signature_appearances.contains_key(id)
            {
                self.appearance_change(*id, &form_ids);
            } else if form_ids.annotations.contains(id) {
                self.annotation_change(*id, old_obj, new_obj);
            } else if form_ids.annotation_appearances.contains(id) {
                self.annotation_appearance_change(*id, &form_ids);
            } else if structure.ids.contains(id) {
                match &structure.outcome {
                    Ok(level) => self.note(
                        Some(*id),
                        (*level).max(ModificationLevel::LtaUpdates),
                        "the structure tree was extended to tag added annotations".into(),
                    ),
                    Err(why) => self.note(Some(*id), ModificationLevel::Other, why.clone()),
                }
            } else if dss_ids.contains(id) {
                self.dss_change(*id, old_obj, new_obj);
            } else if Some(*id) == extensions_id {
                self.extensions_change(*id, Some(old_obj), Some(new_obj));
            } else if Some(*id) == metadata_id {
                let shared = form_ids.reference_counts.get(id).copied().unwrap_or(0) > 1;
                let level = if !shared && is_xmp(new_obj) {
                    ModificationLevel::LtaUpdates
                } else {
                    ModificationLevel::Other
                };
                self.note(Some(*id), level, "the XMP metadata was rewritten".into());
            } else {
                let what = describe(old_obj);
                self.note(
                    Some(*id),
                    ModificationLevel::Other,
                    format!("{what} was changed"),
                );
            }
        }
        // Objects in the new revision with an id the old one had freed are fine only if new.
    }
}

#[derive(Default)]
struct FormIds {
    /// Appearance objects of empty signature fields, with the field that owns them.
    signature_appearances: std::collections::HashMap<ObjectId, ObjectId>,
    /// Appearance objects reachable through an appearance dictionary used elsewhere too.
    shared_appearances: HashSet<ObjectId>,
    /// How many times each object is referenced in the old revision.
    reference_counts: std::collections::HashMap<ObjectId, usize>,
    /// Appearance streams (and appearance dictionaries) of non-signature form fields'
    /// widgets, with the widget that owns them.
    field_appearances: HashMap<ObjectId, ObjectId>,
    /// Widget annotations of signature fields (with or without their own `/FT`).
    signature_widgets: HashSet<ObjectId>,
    /// Annotations on pages that are not widgets.
    annotations: HashSet<ObjectId>,
    /// Appearance streams and dictionaries of those annotations.
    annotation_appearances: HashSet<ObjectId>,
    acroforms: HashSet<ObjectId>,
    arrays: HashSet<ObjectId>,
    annots: HashSet<ObjectId>,
}

fn count_references(
    obj: &Object,
    counts: &mut std::collections::HashMap<ObjectId, usize>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    match obj {
        Object::Reference(r) => *counts.entry(*r).or_default() += 1,
        Object::Array(a) => a
            .iter()
            .for_each(|o| count_references(o, counts, depth + 1)),
        Object::Dictionary(d) => d
            .iter()
            .for_each(|(_, o)| count_references(o, counts, depth + 1)),
        Object::Stream(s) => s
            .dict
            .iter()
            .for_each(|(_, o)| count_references(o, counts, depth + 1)),
        _ => {}
    }
}

/// The entries whose values differ between two versions of a dictionary: (key, old, new).
fn changed_entries<'a>(
    a: &'a Dictionary,
    b: &'a Dictionary,
) -> Vec<(Vec<u8>, Option<&'a Object>, Option<&'a Object>)> {
    let mut keys: Vec<&Vec<u8>> = a.iter().map(|(k, _)| k).collect();
    keys.extend(b.iter().map(|(k, _)| k).filter(|k| !a.has(k)));
    keys.into_iter()
        .map(|k| (k.clone(), a.get(k).ok(), b.get(k).ok()))
        .filter(|(_, x, y)| x != y)
        .collect()
}

/// Membership in an array of objects: references by id, direct objects by value.
struct ObjectSet<'a> {
    refs: HashSet<ObjectId>,
    direct: Vec<&'a Object>,
}

impl<'a> ObjectSet<'a> {
    fn new(items: &'a [Object]) -> Self {
        let mut refs = HashSet::new();
        let mut direct = Vec::new();
        for item in items {
            match item {
                Object::Reference(r) => {
                    refs.insert(*r);
                }
                other => direct.push(other),
            }
        }
        Self { refs, direct }
    }

    fn contains(&self, x: &Object) -> bool {
        match x {
            Object::Reference(r) => self.refs.contains(r),
            other => self.direct.iter().take(1000).any(|d| *d == other),
        }
    }
}

/// An XMP metadata stream (ISO 32000-1 §14.3.2): `/Subtype /XML` and an `x:xmpmeta` packet.
fn is_xmp(obj: &Object) -> bool {
    let Object::Stream(s) = obj else { return false };
    let subtype_ok = s.dict.get(b"Subtype").ok().and_then(|x| x.as_name().ok()) == Some(b"XML");
    let data = if s.dict.has(b"Filter") {
        // Metadata packets are kilobytes; the bound is checked while inflating.
        s.decompressed_content_with_limit(4 * 1024 * 1024)
            .unwrap_or_default()
    } else {
        s.content.clone()
    };
    subtype_ok && crate::load::find(&data, b"xmpmeta").is_some()
}

fn is_type(d: &Dictionary, t: &[u8]) -> bool {
    d.get(b"Type").ok().and_then(|x| x.as_name().ok()) == Some(t)
}

fn is_subtype(d: &Dictionary, t: &[u8]) -> bool {
    d.get(b"Subtype").ok().and_then(|x| x.as_name().ok()) == Some(t)
}

fn describe(obj: &Object) -> String {
    let dict = match obj {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    };
    match dict
        .and_then(|d| d.get(b"Type").ok())
        .and_then(|t| t.as_name().ok())
    {
        Some(t) => format!("an object of type /{}", String::from_utf8_lossy(t)),
        None if matches!(obj, Object::Stream(_)) => "a stream (page content, image or font)".into(),
        None => "an object".into(),
    }
}
