//! What changed after a signature: compares the signed revision with the final document.
//!
//! Whitelist approach (as pyHanko's difference analysis): every object that exists in the signed
//! revision and differs in the final document must be explained by an allowed kind of update —
//! adding signature fields and their widgets, filling a signature field, adding DSS data,
//! filling form fields (when the certification level allows it). Anything else is "other".
//! New objects are harmless on their own: they can only be shown through a changed old object,
//! and every changed old object is checked.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::PdfError;
use crate::load::{catalog, load_document, page_ids, resolve, resolve_dict};

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
    Revisions::new(file).analyse(signed_len)
}

/// The revisions of one file, each parsed at most once: a document with several signatures
/// compares the same later revisions for each of them.
pub struct Revisions<'a> {
    file: &'a [u8],
    parsed: Vec<(usize, std::cell::OnceCell<Result<Document, String>>)>,
}

impl<'a> Revisions<'a> {
    /// The revisions of `file` (each `%%EOF`, and the whole file), none parsed yet.
    pub fn new(file: &'a [u8]) -> Self {
        let mut ends = crate::load::revision_ends(file);
        ends.push(file.len());
        ends.dedup();
        let parsed = ends
            .into_iter()
            .map(|e| (e, std::cell::OnceCell::new()))
            .collect();
        Self { file, parsed }
    }

    /// The document as it was at byte `end`, parsed on first use.
    fn at(&self, end: usize) -> Result<std::borrow::Cow<'_, Document>, PdfError> {
        let load = || load_document(&self.file[..end]).map_err(|e| e.to_string());
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

    /// [`analyse_modifications`] for the revision ending at `signed_len`.
    pub fn analyse(&self, signed_len: usize) -> Result<ModificationReport, PdfError> {
        let file = self.file;
        let signed_len = signed_len.min(file.len());
        let mut ends: Vec<usize> = crate::load::revision_ends(file)
            .into_iter()
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
        if ends.len() > MAX_REVISIONS {
            changes.push(Change {
                object: None,
                level: ModificationLevel::Other,
                description: format!("more than {MAX_REVISIONS} updates after the signature"),
            });
            return Ok(ModificationReport {
                level: ModificationLevel::Other,
                changes,
            });
        }
        let mut old = self.at(signed_len)?;
        for end in ends {
            let new = match self.at(end) {
                Ok(d) => d,
                Err(_) => {
                    changes.push(Change {
                        object: None,
                        level: ModificationLevel::Other,
                        description: "a later update cannot be read".into(),
                    });
                    continue;
                }
            };
            changes.extend(compare(&old, &new).changes);
            old = new;
        }
        // The final document as a whole must also be what the last readable update says.
        let level = changes
            .iter()
            .map(|c| c.level)
            .max()
            .unwrap_or(ModificationLevel::None);
        changes.truncate(200);
        Ok(ModificationReport { level, changes })
    }
}

/// Compare two parsed revisions of one document.
pub fn compare(old: &Document, new: &Document) -> ModificationReport {
    let mut d = Differ {
        old,
        new,
        changes: Vec::new(),
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
}

impl Differ<'_> {
    fn note(&mut self, object: Option<ObjectId>, level: ModificationLevel, description: String) {
        if self.changes.len() < 200 {
            self.changes.push(Change {
                object,
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
        // The catalog's /Extensions when it is an object of its own (rewritten in place by
        // tools that add /ESIC to it).
        let extensions_id = self
            .old
            .objects
            .get(&old_root)
            .and_then(|c| c.as_dict().ok())
            .and_then(|c| c.get(b"Extensions").ok())
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
                // Document information (ModDate, Producer) is updated by every writer.
                self.note(
                    Some(*id),
                    ModificationLevel::Signing,
                    "document information updated".into(),
                );
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
            } else if sig_fields_old.contains(id) {
                self.signature_field_change(*id, old_obj, new_obj);
            } else if self.is_form_field(old_obj) {
                self.form_field_change(*id, old_obj, new_obj);
            } else if form_ids.field_appearances.contains(id)
                || form_ids.signature_appearances.contains_key(id)
            {
                self.appearance_change(*id, &form_ids);
            } else if dss_ids.contains(id) {
                self.dss_change(*id, old_obj, new_obj);
            } else if Some(*id) == extensions_id {
                self.extensions_change(*id, Some(old_obj), Some(new_obj));
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

    /// An appearance stream (or appearance dictionary) rewritten in place: allowed for a form
    /// field being filled, or a signature field being signed in this update, as long as nothing
    /// else shows the same object.
    fn appearance_change(&mut self, id: ObjectId, ids: &FormIds) {
        if ids.reference_counts.get(&id).copied().unwrap_or(0) > 1
            || ids.shared_appearances.contains(&id)
        {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "an appearance shared with other content was rewritten".into(),
            );
            return;
        }
        if let Some(field) = ids.signature_appearances.get(&id) {
            let signed_now = self
                .new
                .objects
                .get(field)
                .and_then(|f| f.as_dict().ok())
                .is_some_and(|f| f.has(b"V"));
            if signed_now {
                self.note(
                    Some(id),
                    ModificationLevel::Signing,
                    "the appearance of a signature field being signed was set".into(),
                );
            } else {
                self.note(
                    Some(id),
                    ModificationLevel::Other,
                    "the appearance of an unsigned signature field was changed".into(),
                );
            }
            return;
        }
        self.note(
            Some(id),
            ModificationLevel::FormFilling,
            "a form field's appearance was updated".into(),
        );
    }

    fn is_info(&self, id: ObjectId) -> bool {
        [self.old, self.new].iter().any(|d| {
            d.trailer
                .get(b"Info")
                .ok()
                .and_then(|i| i.as_reference().ok())
                == Some(id)
        })
    }

    fn referenced_in_new(&self, id: ObjectId) -> bool {
        // A missing object matters if the old revision used it; lopdf drops free entries, so
        // treat every disappearance of an object as a change unless it was an xref/object stream.
        !matches!(self.old.objects.get(&id), Some(Object::Stream(s)) if is_type(&s.dict, b"XRef") || is_type(&s.dict, b"ObjStm"))
    }

    fn catalog_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        let (Ok(old), Ok(new)) = (old.as_dict(), new.as_dict()) else {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "the catalog changed type".into(),
            );
            return;
        };
        for (key, a, b) in changed_entries(old, new) {
            match key.as_slice() {
                b"DSS" => self.note(
                    Some(id),
                    ModificationLevel::LtaUpdates,
                    "validation data (DSS) added".into(),
                ),
                b"AcroForm" => match (a, b) {
                    (Some(Object::Dictionary(x)), Some(Object::Dictionary(y))) => {
                        self.acroform_dict_change(id, x, y)
                    }
                    (None, Some(_)) => self.note(
                        Some(id),
                        ModificationLevel::Signing,
                        "a form was added".into(),
                    ),
                    _ => self.note(
                        Some(id),
                        ModificationLevel::Other,
                        "the form was replaced".into(),
                    ),
                },
                // Developer extensions (ESIC for PAdES) are declared by signers, and by DSS
                // updates: a revision that only adds validation data declares ESIC too (and a
                // DocMDP P=1 certification permits it), so adding or changing only /ESIC is
                // classified with the DSS. Any other extension is a signer's declaration.
                b"Extensions" => self.extensions_change(id, a, b),
                _ => {
                    let k = String::from_utf8_lossy(&key).into_owned();
                    self.note(
                        Some(id),
                        ModificationLevel::Other,
                        format!("the catalog entry /{k} was changed"),
                    );
                }
            }
        }
    }

    /// The catalog's `/Extensions` (the entry, or the object it refers to) changed.
    fn extensions_change(&mut self, id: ObjectId, old: Option<&Object>, new: Option<&Object>) {
        let (level, what) = if self.only_esic_changed(old, new) {
            (
                ModificationLevel::LtaUpdates,
                "the PAdES extension declared",
            )
        } else {
            (ModificationLevel::Signing, "extensions declared")
        };
        self.note(Some(id), level, what.into());
    }

    /// Whether the catalog's `/Extensions` changed from `old` to `new` in its `/ESIC` entry only.
    fn only_esic_changed(&self, old: Option<&Object>, new: Option<&Object>) -> bool {
        let empty = Dictionary::new();
        let old = match old {
            None => Some(&empty),
            Some(o) => resolve_dict(self.old, o),
        };
        let new = new.and_then(|n| resolve_dict(self.new, n));
        match (old, new) {
            (Some(a), Some(b)) => changed_entries(a, b)
                .iter()
                .all(|(k, _, _)| k.as_slice() == b"ESIC"),
            _ => false,
        }
    }

    /// Objects of the old revision's document security store that may be rewritten in place
    /// when validation data is added: the DSS dictionary, its `/Certs`, `/CRLs`, `/OCSPs`
    /// arrays, the `/VRI` dictionary, its entries and their `/Cert`, `/CRL`, `/OCSP` arrays,
    /// whenever they are objects of their own. The streams they list are not included (stored
    /// data never changes), nor is an object something outside the DSS refers to as well.
    fn dss_structure_ids(&self, root: ObjectId) -> HashSet<ObjectId> {
        let mut ids = HashSet::new();
        let Some(cat) = self.old.objects.get(&root).and_then(|c| c.as_dict().ok()) else {
            return ids;
        };
        let Ok(dss_value) = cat.get(b"DSS") else {
            return ids;
        };
        // An object of the DSS structure when it is one: the dictionary or array it holds.
        let visit = |value: &Object, ids: &mut HashSet<ObjectId>| -> Option<Object> {
            match value {
                Object::Reference(r) => match self.old.objects.get(r) {
                    Some(o @ (Object::Dictionary(_) | Object::Array(_))) => {
                        ids.insert(*r);
                        Some(o.clone())
                    }
                    _ => None,
                },
                Object::Dictionary(_) | Object::Array(_) => Some(value.clone()),
                _ => None,
            }
        };
        let Some(Object::Dictionary(dss)) = visit(dss_value, &mut ids) else {
            return HashSet::new();
        };
        for key in [b"Certs".as_slice(), b"CRLs", b"OCSPs"] {
            if let Ok(v) = dss.get(key) {
                visit(v, &mut ids);
            }
        }
        if let Some(Object::Dictionary(vri)) = dss.get(b"VRI").ok().and_then(|v| visit(v, &mut ids))
        {
            for (_, entry) in vri.iter().take(10_000) {
                if let Some(Object::Dictionary(entry)) = visit(entry, &mut ids) {
                    for key in [b"Cert".as_slice(), b"CRL", b"OCSP"] {
                        if let Ok(v) = entry.get(key) {
                            visit(v, &mut ids);
                        }
                    }
                }
            }
        }
        // Anything referred to from outside the DSS might be shown or used elsewhere: not DSS.
        let mut outside = std::collections::HashMap::new();
        for (id, obj) in &self.old.objects {
            if ids.contains(id) {
                continue;
            }
            if *id == root {
                for (k, v) in cat.iter() {
                    if k.as_slice() != b"DSS" {
                        count_references(v, &mut outside, 0);
                    }
                }
            } else {
                count_references(obj, &mut outside, 0);
            }
        }
        for value in self.old.trailer.iter().map(|(_, v)| v) {
            count_references(value, &mut outside, 0);
        }
        ids.retain(|id| !outside.contains_key(id));
        ids
    }

    /// A DSS dictionary, VRI dictionary or DSS array rewritten in place.
    fn dss_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        let same_type = matches!(
            (old, new),
            (Object::Dictionary(_), Object::Dictionary(_)) | (Object::Array(_), Object::Array(_))
        );
        if same_type {
            self.note(
                Some(id),
                ModificationLevel::LtaUpdates,
                "validation data (DSS) updated".into(),
            );
        } else {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "an object of the document security store changed type".into(),
            );
        }
    }

    fn acroform_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        match (old.as_dict(), new.as_dict()) {
            (Ok(x), Ok(y)) => self.acroform_dict_change(id, x, y),
            _ => self.note(
                Some(id),
                ModificationLevel::Other,
                "the form changed type".into(),
            ),
        }
    }

    fn acroform_dict_change(&mut self, id: ObjectId, old: &Dictionary, new: &Dictionary) {
        for (key, a, b) in changed_entries(old, new) {
            match key.as_slice() {
                b"Fields" => {
                    match (
                        a.map(|a| resolve(self.old, a)),
                        b.map(|b| resolve(self.new, b)),
                    ) {
                        (Some(Some(x)), Some(Some(y))) => {
                            self.array_superset(id, x, y, "form field list")
                        }
                        (None, Some(_)) => {}
                        _ => self.note(
                            Some(id),
                            ModificationLevel::Other,
                            "the form field list was replaced".into(),
                        ),
                    }
                    self.new_fields_are_signatures(a, b);
                }
                b"SigFlags" => {}
                b"DR" | b"DA" => self.note(
                    Some(id),
                    ModificationLevel::FormFilling,
                    "form defaults changed".into(),
                ),
                _ => {
                    let k = String::from_utf8_lossy(&key).into_owned();
                    self.note(
                        Some(id),
                        ModificationLevel::Other,
                        format!("the form entry /{k} was changed"),
                    );
                }
            }
        }
    }

    /// New top-level fields must be signature fields (anything else is a new form field).
    fn new_fields_are_signatures(&mut self, old: Option<&Object>, new: Option<&Object>) {
        let old_items: HashSet<ObjectId> = match old.and_then(|o| resolve(self.old, o)) {
            Some(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
            _ => HashSet::new(),
        };
        let Some(Object::Array(items)) = new.and_then(|n| resolve(self.new, n)) else {
            return;
        };
        for item in items {
            if item.as_reference().is_ok_and(|r| old_items.contains(&r)) {
                continue;
            }
            let is_sig = resolve_dict(self.new, item)
                .and_then(|f| f.get(b"FT").ok())
                .and_then(|f| f.as_name().ok())
                == Some(b"Sig".as_slice());
            let level = if is_sig {
                ModificationLevel::Signing
            } else {
                ModificationLevel::Other
            };
            let what = if is_sig {
                "a signature field was added"
            } else {
                "a non-signature form field was added"
            };
            self.note(item.as_reference().ok(), level, what.into());
        }
    }

    fn array_superset(&mut self, id: ObjectId, old: &Object, new: &Object, what: &str) {
        let (Ok(a), Ok(b)) = (old.as_array(), new.as_array()) else {
            self.note(
                Some(id),
                ModificationLevel::Other,
                format!("the {what} changed type"),
            );
            return;
        };
        if b.len() < a.len() || b[..a.len()] != a[..] {
            self.note(
                Some(id),
                ModificationLevel::Other,
                format!("entries of the {what} were removed or replaced"),
            );
        } else {
            self.note(
                Some(id),
                ModificationLevel::Signing,
                format!("entries appended to the {what}"),
            );
        }
    }

    fn page_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        let (Ok(a), Ok(b)) = (old.as_dict(), new.as_dict()) else {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "a page changed type".into(),
            );
            return;
        };
        for (key, x, y) in changed_entries(a, b) {
            if key.as_slice() == b"Annots" {
                let old_arr = x
                    .and_then(|x| resolve(self.old, x))
                    .cloned()
                    .unwrap_or(Object::Array(vec![]));
                let new_arr = y
                    .and_then(|y| resolve(self.new, y))
                    .cloned()
                    .unwrap_or(Object::Array(vec![]));
                self.annots_change(id, &old_arr, &new_arr);
            } else {
                let k = String::from_utf8_lossy(&key).into_owned();
                self.note(
                    Some(id),
                    ModificationLevel::Other,
                    format!("the page entry /{k} was changed"),
                );
            }
        }
    }

    fn annots_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        let (Ok(a), Ok(b)) = (old.as_array(), new.as_array()) else {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "an annotation list changed type".into(),
            );
            return;
        };
        if b.len() < a.len() || b[..a.len()] != a[..] {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "annotations were removed or replaced".into(),
            );
            return;
        }
        for added in &b[a.len()..] {
            let annot = resolve_dict(self.new, added);
            let is_sig_widget = annot.is_some_and(|d| self.is_signature_widget(d));
            if is_sig_widget {
                self.note(
                    added.as_reference().ok(),
                    ModificationLevel::Signing,
                    "a signature widget was added".into(),
                );
            } else if annot.is_some_and(|d| is_subtype(d, b"Widget")) {
                self.note(
                    added.as_reference().ok(),
                    ModificationLevel::Other,
                    "a form field widget was added".into(),
                );
            } else {
                self.note(
                    added.as_reference().ok(),
                    ModificationLevel::Annotations,
                    "an annotation was added".into(),
                );
            }
        }
    }

    fn is_signature_widget(&self, d: &Dictionary) -> bool {
        if !is_subtype(d, b"Widget") {
            return false;
        }
        let mut field = Some(d);
        for _ in 0..16 {
            let Some(f) = field else { return false };
            if let Ok(ft) = f.get(b"FT") {
                return ft.as_name().ok() == Some(b"Sig".as_slice());
            }
            field = f
                .get(b"Parent")
                .ok()
                .and_then(|p| resolve_dict(self.new, p));
        }
        false
    }

    fn signature_field_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        let (Ok(a), Ok(b)) = (old.as_dict(), new.as_dict()) else {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "a signature field changed type".into(),
            );
            return;
        };
        for (key, x, _) in changed_entries(a, b) {
            match key.as_slice() {
                // Filling an empty signature field; a field that already had a value keeps it.
                b"V" if x.is_none() => self.note(
                    Some(id),
                    ModificationLevel::Signing,
                    "an empty signature field was signed".into(),
                ),
                b"AP" | b"AS" | b"Lock" | b"F" if !a.has(b"V") => self.note(
                    Some(id),
                    ModificationLevel::Signing,
                    "a signature field's appearance was set".into(),
                ),
                _ => {
                    let k = String::from_utf8_lossy(&key).into_owned();
                    self.note(
                        Some(id),
                        ModificationLevel::Other,
                        format!("the signature field entry /{k} was changed"),
                    );
                }
            }
        }
    }

    /// The field type of a widget or field, looked up through `/Parent` in the old revision.
    fn field_type<'d>(&'d self, d: &'d Dictionary) -> Option<&'d [u8]> {
        let mut cur = Some(d);
        for _ in 0..16 {
            let f = cur?;
            if let Ok(ft) = f.get(b"FT") {
                return ft.as_name().ok();
            }
            cur = f
                .get(b"Parent")
                .ok()
                .and_then(|p| resolve_dict(self.old, p));
        }
        None
    }

    fn is_form_field(&self, obj: &Object) -> bool {
        obj.as_dict()
            .is_ok_and(|d| d.has(b"FT") || (d.has(b"T") && d.has(b"V")))
    }

    fn form_field_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        let (Ok(a), Ok(b)) = (old.as_dict(), new.as_dict()) else {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "a form field changed type".into(),
            );
            return;
        };
        for (key, _, _) in changed_entries(a, b) {
            match key.as_slice() {
                b"V" | b"AS" | b"AP" => self.note(
                    Some(id),
                    ModificationLevel::FormFilling,
                    "a form field was filled".into(),
                ),
                _ => {
                    let k = String::from_utf8_lossy(&key).into_owned();
                    self.note(
                        Some(id),
                        ModificationLevel::Other,
                        format!("the form field entry /{k} was changed"),
                    );
                }
            }
        }
    }

    fn signature_field_ids(&self, doc: &Document) -> HashSet<ObjectId> {
        doc.objects
            .iter()
            .filter(|(_, o)| {
                o.as_dict().is_ok_and(|d| {
                    d.get(b"FT").ok().and_then(|f| f.as_name().ok()) == Some(b"Sig".as_slice())
                })
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// Ids of the form dictionary, its field list and page annotation lists when indirect.
    fn form_structure_ids(&self) -> FormIds {
        let mut ids = FormIds::default();
        if let Ok((_, cat)) = catalog(self.old) {
            if let Ok(Object::Reference(f)) = cat.get(b"AcroForm") {
                ids.acroforms.insert(*f);
            }
            if let Some(form) = cat
                .get(b"AcroForm")
                .ok()
                .and_then(|a| resolve_dict(self.old, a))
                && let Ok(Object::Reference(f)) = form.get(b"Fields")
            {
                ids.arrays.insert(*f);
            }
        }
        for obj in self.old.objects.values() {
            count_references(obj, &mut ids.reference_counts, 0);
        }
        for value in self.old.trailer.iter().map(|(_, v)| v) {
            count_references(value, &mut ids.reference_counts, 0);
        }
        for (widget_id, obj) in &self.old.objects {
            let Ok(d) = obj.as_dict() else { continue };
            let Some(ft) = self.field_type(d) else {
                continue;
            };
            if !is_subtype(d, b"Widget") {
                continue;
            }
            let is_sig = ft == b"Sig";
            if is_sig && d.has(b"V") {
                continue; // a signed field's appearance may never change
            }
            let Ok(ap) = d.get(b"AP") else { continue };
            let mut found = Vec::new();
            // An appearance dictionary used from elsewhere too makes everything under it shared.
            let mut shared = false;
            if let Object::Reference(r) = ap {
                found.push(*r);
                shared = ids.reference_counts.get(r).copied().unwrap_or(0) > 1;
            }
            if let Some(ap) = resolve_dict(self.old, ap) {
                for (_, v) in ap.iter() {
                    match v {
                        Object::Reference(r) => {
                            found.push(*r);
                            if let Some(states) =
                                self.old.objects.get(r).and_then(|o| o.as_dict().ok())
                            {
                                shared |= ids.reference_counts.get(r).copied().unwrap_or(0) > 1;
                                found.extend(
                                    states.iter().filter_map(|(_, s)| s.as_reference().ok()),
                                );
                            }
                        }
                        Object::Dictionary(states) => {
                            found.extend(states.iter().filter_map(|(_, s)| s.as_reference().ok()));
                        }
                        _ => {}
                    }
                }
            }
            for r in found {
                if shared {
                    ids.shared_appearances.insert(r);
                }
                if is_sig {
                    ids.signature_appearances.insert(r, *widget_id);
                } else {
                    ids.field_appearances.insert(r);
                }
            }
        }
        for page in page_ids(self.old) {
            if let Some(Ok(Object::Reference(a))) = self
                .old
                .objects
                .get(&page)
                .and_then(|p| p.as_dict().ok())
                .map(|p| p.get(b"Annots"))
            {
                ids.annots.insert(*a);
            }
        }
        ids
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
    /// Appearance streams (and appearance dictionaries) of non-signature form fields' widgets.
    field_appearances: HashSet<ObjectId>,
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
