//! Signature fields of a document: finding an empty one to sign, listing the unsigned ones,
//! naming a new one, and adding a new field to its page's `/Annots` and to the AcroForm.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::UpdateWriter;
use crate::PdfError;
use crate::load::{catalog, page_ids, resolve, resolve_dict};
use crate::signatures::find_signatures;

/// An existing signature field without a value.
pub(super) struct EmptyField {
    pub(super) id: ObjectId,
    pub(super) name: String,
    pub(super) field: Dictionary,
    /// The separate widget (first kid) when the field is not merged with its widget.
    pub(super) widget: Option<(ObjectId, Dictionary)>,
}

/// The empty signature field called `name`, or the first one when no name is given.
pub(super) fn empty_signature_field(doc: &Document, name: Option<&str>) -> Option<EmptyField> {
    let (_, cat) = catalog(doc).ok()?;
    let form = resolve_dict(doc, cat.get(b"AcroForm").ok()?)?;
    let Object::Array(fields) = resolve(doc, form.get(b"Fields").ok()?)? else {
        return None;
    };
    for f in fields {
        let Object::Reference(id) = f else { continue };
        let Some(field) = doc.objects.get(id).and_then(|o| o.as_dict().ok()) else {
            continue;
        };
        let is_sig =
            field.get(b"FT").ok().and_then(|t| t.as_name().ok()) == Some(b"Sig".as_slice());
        if !is_sig || field.has(b"V") {
            continue;
        }
        let t = field
            .get(b"T")
            .ok()
            .and_then(|t| t.as_str().ok())
            .map(crate::serialize::decode_text_string)
            .unwrap_or_default();
        if name.is_some_and(|n| n != t) {
            continue;
        }
        let widget = if field.has(b"Rect") {
            None
        } else {
            let kid = field
                .get(b"Kids")
                .ok()
                .and_then(|k| resolve(doc, k))
                .and_then(|k| k.as_array().ok())
                .and_then(|k| k.first());
            match kid {
                Some(Object::Reference(kid_id)) => doc
                    .objects
                    .get(kid_id)
                    .and_then(|o| o.as_dict().ok())
                    .map(|d| (*kid_id, d.clone())),
                _ => None,
            }
        };
        return Some(EmptyField {
            id: *id,
            name: t,
            field: field.clone(),
            widget,
        });
    }
    None
}

/// Set `/SigFlags 3` on the form when filling an existing field of a form that lacks it
/// (`cat` is the catalog being updated).
pub(super) fn ensure_sig_flags(
    doc: &Document,
    w: &mut UpdateWriter,
    cat: &mut Dictionary,
) -> Result<(), PdfError> {
    let set = |form: &Dictionary| -> Option<Dictionary> {
        if form.get(b"SigFlags").ok().and_then(|f| f.as_i64().ok()) == Some(3) {
            return None;
        }
        let mut form = form.clone();
        form.set("SigFlags", Object::Integer(3));
        Some(form)
    };
    match cat.get(b"AcroForm") {
        Ok(Object::Reference(id)) => {
            if let Some(form) = doc
                .objects
                .get(id)
                .and_then(|o| o.as_dict().ok())
                .and_then(set)
            {
                w.put(*id, &Object::Dictionary(form));
            }
        }
        Ok(Object::Dictionary(form)) => {
            if let Some(form) = set(form) {
                cat.set("AcroForm", Object::Dictionary(form));
            }
        }
        _ => {}
    }
    Ok(())
}

/// An unsigned signature field the document already has (prepared by the sender's software).
#[derive(Debug, Clone, PartialEq)]
pub struct UnsignedField {
    /// The field's `/T`.
    pub name: String,
    /// 1-based page of its widget, when the widget names its page (`/P`) or a page lists it.
    pub page: Option<u32>,
    /// The widget's `/Rect`.
    pub rect: Option<[f32; 4]>,
}

/// Every unsigned signature field at the top level of the form, in order.
pub fn unsigned_signature_fields(doc: &Document) -> Vec<UnsignedField> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    while let Some(f) = next_unsigned(doc, &seen) {
        seen.insert(f.name.clone());
        let widget = f
            .widget
            .as_ref()
            .map(|(id, d)| (*id, d))
            .unwrap_or((f.id, &f.field));
        let rect = widget
            .1
            .get(b"Rect")
            .ok()
            .and_then(|r| resolve(doc, r))
            .and_then(|r| r.as_array().ok())
            .and_then(|a| {
                let v: Vec<f32> = a
                    .iter()
                    .filter_map(|o| match resolve(doc, o)? {
                        Object::Integer(i) => Some(*i as f32),
                        Object::Real(r) => Some(*r),
                        _ => None,
                    })
                    .collect();
                <[f32; 4]>::try_from(v.as_slice()).ok()
            });
        let pages = page_ids(doc);
        let page = match widget.1.get(b"P") {
            Ok(Object::Reference(p)) => pages.iter().position(|id| id == p),
            _ => pages.iter().position(|pid| {
                doc.objects
                    .get(pid)
                    .and_then(|o| o.as_dict().ok())
                    .and_then(|d| d.get(b"Annots").ok())
                    .and_then(|a| resolve(doc, a))
                    .and_then(|a| a.as_array().ok())
                    .is_some_and(|a| a.contains(&Object::Reference(widget.0)))
            }),
        }
        .map(|i| i as u32 + 1);
        out.push(UnsignedField {
            name: f.name,
            page,
            rect,
        });
    }
    out
}

pub(super) fn next_unsigned(doc: &Document, seen: &HashSet<String>) -> Option<EmptyField> {
    // empty_signature_field by name finds each; walk the names in form order.
    let (_, cat) = catalog(doc).ok()?;
    let form = resolve_dict(doc, cat.get(b"AcroForm").ok()?)?;
    let Object::Array(fields) = resolve(doc, form.get(b"Fields").ok()?)? else {
        return None;
    };
    fields.iter().find_map(|f| {
        let name = resolve_dict(doc, f)?
            .get(b"T")
            .ok()
            .and_then(|t| t.as_str().ok())
            .map(crate::serialize::decode_text_string)?;
        if seen.contains(&name) {
            return None;
        }
        empty_signature_field(doc, Some(&name))
    })
}

/// A field name the document does not use yet (`SignatureN`).
pub fn free_signature_field_name(doc: &Document) -> String {
    free_field_name(doc)
}

pub(super) fn free_field_name(doc: &Document) -> String {
    let taken: HashSet<String> = all_field_names(doc);
    (1..)
        .map(|i| format!("Signature{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_default()
}

pub(super) fn all_field_names(doc: &Document) -> HashSet<String> {
    let mut names: HashSet<String> = find_signatures(doc)
        .into_iter()
        .map(|s| s.field_name)
        .collect();
    if let Ok((_, cat)) = catalog(doc)
        && let Some(Object::Array(fields)) = cat
            .get(b"AcroForm")
            .ok()
            .and_then(|a| resolve_dict(doc, a))
            .and_then(|a| a.get(b"Fields").ok())
            .and_then(|f| resolve(doc, f))
    {
        for f in fields {
            if let Some(t) = resolve_dict(doc, f)
                .and_then(|d| d.get(b"T").ok())
                .and_then(|t| t.as_str().ok())
            {
                names.insert(crate::serialize::decode_text_string(t));
            }
        }
    }
    names
}

pub(super) fn add_to_page_annots(
    doc: &Document,
    w: &mut UpdateWriter,
    page_id: ObjectId,
    field_id: ObjectId,
) -> Result<(), PdfError> {
    let page = doc
        .objects
        .get(&page_id)
        .and_then(|p| p.as_dict().ok())
        .ok_or_else(|| PdfError::bad_object(Some(page_id), "page is not a dictionary"))?;
    match page.get(b"Annots") {
        Ok(Object::Reference(arr_id)) => {
            let mut arr = match doc.objects.get(arr_id) {
                Some(Object::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            arr.push(Object::Reference(field_id));
            w.put(*arr_id, &Object::Array(arr));
        }
        other => {
            let mut arr = match other {
                Ok(Object::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            arr.push(Object::Reference(field_id));
            let mut page = page.clone();
            page.set("Annots", Object::Array(arr));
            w.put(page_id, &Object::Dictionary(page));
        }
    }
    Ok(())
}

pub(super) fn add_to_acroform(
    doc: &Document,
    w: &mut UpdateWriter,
    cat: &mut Dictionary,
    field_id: ObjectId,
) -> Result<(), PdfError> {
    let updated_form = |form: &Dictionary, w: &mut UpdateWriter| -> Dictionary {
        let mut form = form.clone();
        match form.get(b"Fields") {
            Ok(Object::Reference(fid)) => {
                let mut arr = match doc.objects.get(fid) {
                    Some(Object::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                arr.push(Object::Reference(field_id));
                w.put(*fid, &Object::Array(arr));
            }
            other => {
                let mut arr = match other {
                    Ok(Object::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                arr.push(Object::Reference(field_id));
                form.set("Fields", Object::Array(arr));
            }
        }
        form.set("SigFlags", Object::Integer(3)); // SignaturesExist | AppendOnly
        form
    };
    match cat.get(b"AcroForm") {
        Ok(Object::Reference(form_id)) => {
            let form_id = *form_id;
            let form = doc
                .objects
                .get(&form_id)
                .and_then(|f| f.as_dict().ok())
                .ok_or_else(|| {
                    PdfError::bad_object(Some(form_id), "/AcroForm is not a dictionary")
                })?;
            let form = updated_form(form, w);
            w.put(form_id, &Object::Dictionary(form));
        }
        Ok(Object::Dictionary(form)) => {
            let form = updated_form(form, w);
            cat.set("AcroForm", Object::Dictionary(form));
        }
        _ => {
            let form_id = w.allocate();
            let form = updated_form(&Dictionary::new(), w);
            w.put(form_id, &Object::Dictionary(form));
            cat.set("AcroForm", Object::Reference(form_id));
        }
    }
    Ok(())
}
