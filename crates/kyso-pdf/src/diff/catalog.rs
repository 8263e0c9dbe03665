//! Changes to the catalog and what hangs from it directly: the document information
//! dictionary, developer extensions, and the DSS (validation data).

use super::*;

impl Differ<'_> {
    pub(super) fn is_info(&self, id: ObjectId) -> bool {
        [self.old, self.new].iter().any(|d| {
            d.trailer
                .get(b"Info")
                .ok()
                .and_then(|i| i.as_reference().ok())
                == Some(id)
        })
    }

    pub(super) fn referenced_in_new(&self, id: ObjectId) -> bool {
        // A missing object matters if the old revision used it; lopdf drops free entries, so
        // treat every disappearance of an object as a change unless it was an xref/object stream.
        !matches!(self.old.objects.get(&id), Some(Object::Stream(s)) if is_type(&s.dict, b"XRef") || is_type(&s.dict, b"ObjStm"))
    }

    pub(super) fn catalog_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
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
    pub(super) fn extensions_change(
        &mut self,
        id: ObjectId,
        old: Option<&Object>,
        new: Option<&Object>,
    ) {
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
    pub(super) fn only_esic_changed(&self, old: Option<&Object>, new: Option<&Object>) -> bool {
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
    pub(super) fn dss_structure_ids(&self, root: ObjectId) -> HashSet<ObjectId> {
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
    pub(super) fn dss_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
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
}
