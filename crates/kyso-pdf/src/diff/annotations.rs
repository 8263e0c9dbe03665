//! Changes to annotations: non-widget annotations changed in place, and appearance streams
//! and dictionaries (allowed only when nothing else in the signed revision uses them).

use super::*;

impl Differ<'_> {
    /// A non-widget annotation of a page changed in place: the annotation level (DocMDP P=3
    /// permits modifying annotations), as long as it stays the same kind of annotation.
    pub(super) fn annotation_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
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
    pub(super) fn annotation_appearance_change(&mut self, id: ObjectId, ids: &FormIds) {
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
    pub(super) fn appearance_change(&mut self, id: ObjectId, ids: &FormIds) {
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
    pub(super) fn value_changed(&self, id: ObjectId) -> bool {
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
    pub(super) fn has_value_in_new(&self, widget: ObjectId) -> bool {
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
    pub(super) fn had_value_in_old(&self, widget: ObjectId) -> bool {
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
    pub(super) fn appearance_dictionary_shared(
        &self,
        id: ObjectId,
        old: &Dictionary,
    ) -> Option<String> {
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
}
