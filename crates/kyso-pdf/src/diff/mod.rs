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

mod fields;
mod structure;

use std::collections::{BTreeSet, HashMap, HashSet};

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
        let mut changed_fields = BTreeSet::new();
        // An object written after the last %%EOF without a cross-reference section of its own
        // is invisible to a reader that follows the xref, and visible to one that rebuilds it
        // by scanning (as readers do with damaged files): what is shown depends on the reader.
        let last_eof = crate::load::revision_ends(file)
            .last()
            .copied()
            .unwrap_or(0)
            .max(signed_len);
        if has_object_definition(&file[last_eof..]) {
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
            let step = compare(&old, &new);
            changes.extend(step.changes);
            changed_fields.extend(step.changed_fields);
            old = new;
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

    /// A non-widget annotation of a page changed in place: the annotation level (DocMDP P=3
    /// permits modifying annotations), as long as it stays the same kind of annotation.
    fn annotation_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        let still_annotation = match (old.as_dict(), new.as_dict()) {
            (Ok(a), Ok(b)) => {
                a.get(b"Subtype").ok() == b.get(b"Subtype").ok() && !is_subtype(b, b"Widget")
            }
            _ => false,
        };
        if !still_annotation {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "an annotation changed type".into(),
            );
        } else {
            self.note(
                Some(id),
                ModificationLevel::Annotations,
                "an annotation was changed".into(),
            );
        }
    }

    /// The appearance stream of a non-widget annotation rewritten in place.
    fn annotation_appearance_change(&mut self, id: ObjectId, ids: &FormIds) {
        if ids.reference_counts.get(&id).copied().unwrap_or(0) > 1
            || ids.shared_appearances.contains(&id)
        {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "an appearance shared with other content was rewritten".into(),
            );
        } else {
            self.note(
                Some(id),
                ModificationLevel::Annotations,
                "an annotation's appearance was changed".into(),
            );
        }
    }

    /// An appearance stream (or appearance dictionary) rewritten in place: allowed for a form
    /// field being filled, or a signature field being signed in this update, as long as nothing
    /// else shows the same object.
    fn appearance_change(&mut self, id: ObjectId, ids: &FormIds) {
        let widget = ids
            .signature_appearances
            .get(&id)
            .or_else(|| ids.field_appearances.get(&id))
            .copied();
        let field = widget.and_then(|w| self.field_names.get(&w).cloned());
        if ids.reference_counts.get(&id).copied().unwrap_or(0) > 1
            || ids.shared_appearances.contains(&id)
        {
            self.note_field(
                Some(id),
                field,
                ModificationLevel::Other,
                "an appearance shared with other content was rewritten".into(),
            );
            return;
        }
        if let Some(widget) = ids.signature_appearances.get(&id) {
            if self.has_value_in_new(*widget) {
                self.note_field(
                    Some(id),
                    field,
                    ModificationLevel::Signing,
                    "the appearance of a signature field being signed was set".into(),
                );
            } else {
                self.note_field(
                    Some(id),
                    field,
                    ModificationLevel::Other,
                    "the appearance of an unsigned signature field was changed".into(),
                );
            }
            return;
        }
        if widget.is_some_and(|w| !self.value_changed(w)) {
            // Filling a field changes its value and, with it, what it shows; an appearance
            // redrawn over an unchanged value shows something else than what was signed (the
            // shadow "replace" attack, Mainka et al. 2021).
            self.note_field(
                Some(id),
                field,
                ModificationLevel::Other,
                "a form field's appearance was rewritten while its value stayed the same".into(),
            );
            return;
        }
        self.note_field(
            Some(id),
            field,
            ModificationLevel::FormFilling,
            "a form field's appearance was updated".into(),
        );
    }

    /// Whether the value (`/V`) of the field a widget or field dictionary belongs to differs
    /// between the two revisions (looked up through `/Parent`).
    fn value_changed(&self, id: ObjectId) -> bool {
        let value = |doc: &Document| -> Option<Object> {
            let mut cur = doc.objects.get(&id).and_then(|o| o.as_dict().ok());
            for _ in 0..16 {
                let d = cur?;
                if let Ok(v) = d.get(b"V") {
                    return resolve(doc, v).cloned();
                }
                cur = d.get(b"Parent").ok().and_then(|p| resolve_dict(doc, p));
            }
            None
        };
        value(self.old) != value(self.new)
    }

    /// Whether the field of a widget (the widget itself, or a `/Parent`) has a `/V` in the new
    /// revision.
    fn has_value_in_new(&self, widget: ObjectId) -> bool {
        let mut cur = self.new.objects.get(&widget).and_then(|o| o.as_dict().ok());
        for _ in 0..16 {
            let Some(d) = cur else { return false };
            if d.has(b"V") {
                return true;
            }
            cur = d
                .get(b"Parent")
                .ok()
                .and_then(|p| resolve_dict(self.new, p));
        }
        false
    }

    /// Whether the field of a widget had a `/V` in the old revision.
    fn had_value_in_old(&self, widget: ObjectId) -> bool {
        let mut cur = self.old.objects.get(&widget).and_then(|o| o.as_dict().ok());
        for _ in 0..16 {
            let Some(d) = cur else { return false };
            if d.has(b"V") {
                return true;
            }
            cur = d
                .get(b"Parent")
                .ok()
                .and_then(|p| resolve_dict(self.old, p));
        }
        false
    }

    /// A field's `/AP` changed: when the old appearance dictionary is an object that something
    /// else in the signed revision also uses — other than widgets of signature fields, which may
    /// share one blank appearance — the field was prepared as a sneaky signature (Rohlmann et
    /// al. 2021: the appearance a viewer shows through the other use is the field's, and an
    /// update swapping it is not a form update). pyHanko refuses the same set-up.
    fn appearance_dictionary_shared(&self, id: ObjectId, old: &Dictionary) -> Option<String> {
        let Ok(Object::Reference(ap)) = old.get(b"AP") else {
            return None;
        };
        let others: Vec<fields::Referrer> = fields::referrers(self.old, *ap)
            .into_iter()
            .filter(|r| *r != fields::Referrer::Object(id))
            .filter(|r| match r {
                fields::Referrer::Object(o) => !fields::is_signature_widget(self.old, *o),
                fields::Referrer::Trailer => true,
            })
            .collect();
        let first = others.first()?;
        Some(match first {
            fields::Referrer::Trailer => {
                "the field's appearance dictionary is also referred to from the trailer".into()
            }
            fields::Referrer::Object((n, g)) => {
                format!("the field's appearance dictionary is also used by object {n} {g}")
            }
        })
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
                // XMP metadata rewritten by the updating tool (pyHanko: LTA_UPDATES when it is
                // XMP); a new stream must be a new object.
                b"Metadata" => {
                    let ok = match b {
                        Some(Object::Reference(r)) => {
                            !self.old.objects.contains_key(r)
                                && self.new.objects.get(r).is_some_and(is_xmp)
                        }
                        _ => false,
                    };
                    let level = if ok {
                        ModificationLevel::LtaUpdates
                    } else {
                        ModificationLevel::Other
                    };
                    self.note(Some(id), level, "the XMP metadata was replaced".into());
                }
                // Declarations that change nothing shown: the PDF version, and whether the
                // document is tagged (pyHanko: LTA_UPDATES).
                b"Version" | b"MarkInfo" => self.note(
                    Some(id),
                    ModificationLevel::LtaUpdates,
                    "the PDF version or tagged-document flag was declared".into(),
                ),
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
                // Viewers regenerate every field's appearance when this is true: what a signed
                // field shows would no longer be its signed appearance.
                b"NeedAppearances" => {
                    let on = b.and_then(|v| v.as_bool().ok()).unwrap_or(false);
                    let level = if on {
                        ModificationLevel::Other
                    } else {
                        ModificationLevel::FormFilling
                    };
                    self.note(
                        Some(id),
                        level,
                        "the form's /NeedAppearances flag was changed".into(),
                    );
                }
                b"DR" | b"DA" | b"Q" => self.note(
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

    /// A page's annotation list changed. Added: a widget of a new signature field (signing),
    /// another widget (a new form field: other), any other annotation (annotations). Removed:
    /// annotations other than widgets (annotations); a widget (other).
    fn annots_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        let (Ok(a), Ok(b)) = (old.as_array(), new.as_array()) else {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "an annotation list changed type".into(),
            );
            return;
        };
        let kept = ObjectSet::new(b);
        let before = ObjectSet::new(a);
        for removed in a.iter().filter(|x| !kept.contains(x)) {
            let widget = resolve_dict(self.old, removed).is_none_or(|d| {
                is_subtype(d, b"Widget")
                    || removed
                        .as_reference()
                        .is_ok_and(|r| self.field_names.contains_key(&r))
            });
            if widget {
                self.note(
                    removed.as_reference().ok(),
                    ModificationLevel::Other,
                    "a form field widget was removed from its page".into(),
                );
            } else {
                self.note(
                    removed.as_reference().ok(),
                    ModificationLevel::Annotations,
                    "an annotation was removed".into(),
                );
            }
        }
        let old_order: Vec<&Object> = a.iter().filter(|x| kept.contains(x)).collect();
        let new_order: Vec<&Object> = b.iter().filter(|x| before.contains(x)).collect();
        if old_order != new_order {
            self.note(
                Some(id),
                ModificationLevel::Annotations,
                "annotations were reordered".into(),
            );
        }
        for added in b.iter().filter(|x| !before.contains(x)) {
            let fresh = match added {
                Object::Reference(r) => !self.old.objects.contains_key(r),
                Object::Dictionary(_) => true,
                _ => false,
            };
            let annot = resolve_dict(self.new, added);
            let is_sig_widget = annot.is_some_and(|d| self.is_signature_widget(d));
            if !fresh {
                // An object of the signed revision put on a page: it was not shown there.
                self.note(
                    added.as_reference().ok(),
                    ModificationLevel::Other,
                    "an object of the signed revision was added to a page's annotations".into(),
                );
            } else if is_sig_widget {
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

    /// A signature field (or a widget of one) changed: allowed only when an empty field is
    /// signed — its value set to a new signature dictionary, its appearance set — and its
    /// appearance dictionary is not shared with anything else.
    fn signature_field_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        let (Ok(a), Ok(b)) = (old.as_dict(), new.as_dict()) else {
            self.note(
                Some(id),
                ModificationLevel::Other,
                "a signature field changed type".into(),
            );
            return;
        };
        let previously_signed = self.had_value_in_old(id);
        for (key, x, y) in changed_entries(a, b) {
            match key.as_slice() {
                // Filling an empty signature field with a new signature dictionary; a field
                // that already had a value keeps it.
                b"V" if x.is_none() && !previously_signed => {
                    let fresh = matches!(y, Some(Object::Reference(r)) if !self.old.objects.contains_key(r));
                    if fresh {
                        self.note(
                            Some(id),
                            ModificationLevel::Signing,
                            "an empty signature field was signed".into(),
                        );
                    } else {
                        self.note(
                            Some(id),
                            ModificationLevel::Other,
                            "a signature field's value was set to an object that existed when signing".into(),
                        );
                    }
                }
                b"AP" if !previously_signed => match self.appearance_dictionary_shared(id, a) {
                    Some(why) => self.note(
                        Some(id),
                        ModificationLevel::Other,
                        format!("the appearance of a signature field being signed was replaced, but {why}"),
                    ),
                    None => self.note(
                        Some(id),
                        ModificationLevel::Signing,
                        "a signature field's appearance was set".into(),
                    ),
                },
                b"AS" | b"Lock" | b"F" if !previously_signed => self.note(
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

    /// A form field (or a widget of one) changed: its value, appearance state, appearance,
    /// default appearance or quadding, at the form-filling level; anything else (type, flags,
    /// name, rectangle, actions) is another kind of change.
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
                b"AP" => match self.appearance_dictionary_shared(id, a) {
                    Some(why) => self.note(
                        Some(id),
                        ModificationLevel::Other,
                        format!("a form field's appearance was replaced, but {why}"),
                    ),
                    None if !self.value_changed(id) => self.note(
                        Some(id),
                        ModificationLevel::Other,
                        "a form field's appearance was replaced while its value stayed the same"
                            .into(),
                    ),
                    None => self.note(
                        Some(id),
                        ModificationLevel::FormFilling,
                        "a form field's appearance was updated".into(),
                    ),
                },
                b"V" | b"AS" | b"DA" | b"Q" => self.note(
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
            if is_sig {
                ids.signature_widgets.insert(*widget_id);
            }
            if is_sig && self.had_value_in_old(*widget_id) {
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
                    ids.field_appearances.insert(r, *widget_id);
                }
            }
        }
        for page in page_ids(self.old) {
            let Some(page) = self.old.objects.get(&page).and_then(|p| p.as_dict().ok()) else {
                continue;
            };
            let Ok(annots) = page.get(b"Annots") else {
                continue;
            };
            if let Object::Reference(a) = annots {
                ids.annots.insert(*a);
            }
            let Some(Object::Array(list)) = resolve(self.old, annots) else {
                continue;
            };
            // Annotations other than widgets, and the appearance streams they own.
            for annot in list.iter().take(100_000) {
                let Object::Reference(a) = annot else {
                    continue;
                };
                let Some(d) = self.old.objects.get(a).and_then(|o| o.as_dict().ok()) else {
                    continue;
                };
                if is_subtype(d, b"Widget") || self.field_names.contains_key(a) {
                    continue;
                }
                ids.annotations.insert(*a);
                let Some(ap) = d.get(b"AP").ok() else {
                    continue;
                };
                let mut found = Vec::new();
                if let Object::Reference(r) = ap {
                    found.push(*r);
                }
                if let Some(ap) = resolve_dict(self.old, ap) {
                    for (_, v) in ap.iter() {
                        match resolve(self.old, v) {
                            Some(Object::Dictionary(states)) => {
                                if let Object::Reference(r) = v {
                                    found.push(*r);
                                }
                                found.extend(
                                    states.iter().filter_map(|(_, s)| s.as_reference().ok()),
                                );
                            }
                            Some(_) => found.extend(v.as_reference().ok()),
                            None => {}
                        }
                    }
                }
                ids.annotation_appearances.extend(found);
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

/// Whether `bytes` hold an indirect object definition (`N G obj`).
fn has_object_definition(bytes: &[u8]) -> bool {
    let mut from = 0;
    while let Some(pos) = crate::load::find(&bytes[from..], b"obj") {
        let at = from + pos;
        // Back over "G" and "N": digits, whitespace, digits.
        let head = &bytes[..at];
        let trimmed = head.trim_ascii_end();
        let gen_len = trimmed
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let rest = trimmed[..trimmed.len() - gen_len].trim_ascii_end();
        let num_len = rest.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        if gen_len > 0 && num_len > 0 && rest.len() < trimmed.len() - gen_len {
            return true;
        }
        from = at + 3;
    }
    false
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
