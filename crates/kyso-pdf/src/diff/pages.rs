//! Changes to pages: page dictionaries and their annotation arrays (widgets and other
//! annotations added, changed or removed).

use super::*;

impl Differ<'_> {
    pub(super) fn page_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
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
    pub(super) fn annots_change(&mut self, id: ObjectId, old: &Object, new: &Object) {
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
}
