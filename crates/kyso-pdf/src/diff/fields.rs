//! Form fields by object: which fully qualified field each field dictionary and widget belongs
//! to, and who else refers to an object (for appearance dictionaries shared with other
//! structures, the "sneaky signature" set-up).

use std::collections::{HashMap, HashSet};

use lopdf::{Document, Object, ObjectId};

use crate::load::{catalog, resolve, resolve_dict};
use crate::serialize::decode_text_string;

/// Most fields walked in one document (a bound against hostile field trees).
const MAX_FIELDS: usize = 100_000;

/// The fully qualified name (ISO 32000-1 §12.7.3.2) of every field dictionary and of every
/// widget annotation (a kid without `/T` carries its parent's name), by object id.
pub(super) fn field_names(doc: &Document) -> HashMap<ObjectId, String> {
    let mut names = HashMap::new();
    let Ok((_, cat)) = catalog(doc) else {
        return names;
    };
    let Some(form) = cat.get(b"AcroForm").ok().and_then(|a| resolve_dict(doc, a)) else {
        return names;
    };
    let Some(Object::Array(fields)) = form.get(b"Fields").ok().and_then(|f| resolve(doc, f)) else {
        return names;
    };
    let mut seen = HashSet::new();
    let mut stack: Vec<(&Object, String, usize)> =
        fields.iter().rev().map(|f| (f, String::new(), 0)).collect();
    while let Some((obj, parent, depth)) = stack.pop() {
        let Object::Reference(id) = obj else { continue };
        if depth > 32 || names.len() > MAX_FIELDS || !seen.insert(*id) {
            continue;
        }
        let Some(field) = resolve_dict(doc, obj) else {
            continue;
        };
        let own = field
            .get(b"T")
            .ok()
            .and_then(|t| t.as_str().ok())
            .map(decode_text_string);
        let name = match own {
            Some(t) if parent.is_empty() => t,
            Some(t) => format!("{parent}.{t}"),
            None => parent.clone(),
        };
        names.insert(*id, name.clone());
        if let Ok(kids) = field.get(b"Kids")
            && let Some(Object::Array(kids)) = resolve(doc, kids)
        {
            for kid in kids.iter().rev() {
                stack.push((kid, name.clone(), depth + 1));
            }
        }
    }
    names
}

/// Where an object is referred to from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Referrer {
    /// The trailer dictionary.
    Trailer,
    /// Another indirect object.
    Object(ObjectId),
}

/// Every place (object or trailer) that refers to `target` in `doc`, once per place.
pub(super) fn referrers(doc: &Document, target: ObjectId) -> Vec<Referrer> {
    let mut out = Vec::new();
    if doc.trailer.iter().any(|(_, v)| mentions(v, target, 0)) {
        out.push(Referrer::Trailer);
    }
    for (id, obj) in &doc.objects {
        if mentions(obj, target, 0) {
            out.push(Referrer::Object(*id));
        }
    }
    out
}

/// Whether `obj` holds a reference to `target` (directly, not through other objects).
pub(super) fn mentions(obj: &Object, target: ObjectId, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match obj {
        Object::Reference(r) => *r == target,
        Object::Array(a) => a.iter().any(|o| mentions(o, target, depth + 1)),
        Object::Dictionary(d) => d.iter().any(|(_, o)| mentions(o, target, depth + 1)),
        Object::Stream(s) => s.dict.iter().any(|(_, o)| mentions(o, target, depth + 1)),
        _ => false,
    }
}

/// Whether `id` is a widget annotation of a signature field in `doc` (its own `/FT /Sig`, or
/// inherited through `/Parent`).
pub(super) fn is_signature_widget(doc: &Document, id: ObjectId) -> bool {
    let Some(d) = doc.objects.get(&id).and_then(|o| o.as_dict().ok()) else {
        return false;
    };
    if d.get(b"Subtype").ok().and_then(|s| s.as_name().ok()) != Some(b"Widget".as_slice()) {
        return false;
    }
    let mut cur = Some(d);
    for _ in 0..16 {
        let Some(f) = cur else { return false };
        if let Ok(ft) = f.get(b"FT") {
            return ft.as_name().ok() == Some(b"Sig".as_slice());
        }
        cur = f.get(b"Parent").ok().and_then(|p| resolve_dict(doc, p));
    }
    false
}
