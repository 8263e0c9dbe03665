//! Changes to the interactive form: the AcroForm dictionary and its field list, signature
//! fields being added or filled, other form fields being filled, and the objects that make up
//! the form.

use super::*;

impl Differ<'_> {
    pub(super) fn acroform_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
        match (old.as_dict(), new.as_dict()) {
            (Ok(x), Ok(y)) => self.acroform_dict_change(id, x, y),
            _ => self.note(
                Some(id),
                ModificationLevel::Other,
                "the form changed type".into(),
            ),
        }
    }

    pub(super) fn acroform_dict_change(
        &mut self,
        id: ObjectId,
        old: &Dictionary,
        new: &Dictionary,
    ) {
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
    pub(super) fn new_fields_are_signatures(&mut self, old: Option<&Object>, new: Option<&Object>) {
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

    pub(super) fn array_superset(&mut self, id: ObjectId, old: &Object, new: &Object, what: &str) {
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

    pub(super) fn is_signature_widget(&self, d: &Dictionary) -> bool {
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
    pub(super) fn signature_field_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
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
    pub(super) fn field_type<'d>(&'d self, d: &'d Dictionary) -> Option<&'d [u8]> {
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

    pub(super) fn is_form_field(&self, obj: &Object) -> bool {
        obj.as_dict()
            .is_ok_and(|d| d.has(b"FT") || (d.has(b"T") && d.has(b"V")))
    }

    /// A form field (or a widget of one) changed: its value, appearance state, appearance,
    /// default appearance or quadding, at the form-filling level; anything else (type, flags,
    /// name, rectangle, actions) is another kind of change.
    pub(super) fn form_field_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
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

    pub(super) fn signature_field_ids(&self, doc: &Document) -> HashSet<ObjectId> {
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
    pub(super) fn form_structure_ids(&self) -> FormIds {
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
