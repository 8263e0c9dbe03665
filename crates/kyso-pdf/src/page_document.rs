//! A new one-page PDF drawn from an [`Appearance`]: the documents kyso writes itself (the refusal
//! notice), made with the same text and font machinery as signature appearances.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::PdfError;
use crate::incremental::Appearance;

/// A PDF of one page `width` × `height` points whose content is `appearance` (its resources and
/// extra objects renumbered), with `/Info` entries (`Title`, `Producer`, …) as text strings.
pub fn single_page_pdf(
    appearance: &Appearance,
    width: f32,
    height: f32,
    info: &[(&str, &str)],
) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let extra_ids: Vec<ObjectId> = appearance
        .extra_objects
        .iter()
        .map(|_| doc.new_object_id())
        .collect();
    for (object, id) in appearance.extra_objects.iter().zip(&extra_ids) {
        let mut object = object.clone();
        crate::incremental::renumber(&mut object, &extra_ids);
        doc.objects.insert(*id, object);
    }
    let mut resources = Object::Dictionary(appearance.resources.clone());
    crate::incremental::renumber(&mut resources, &extra_ids);
    let content = doc.add_object(Stream::new(Dictionary::new(), appearance.content.clone()));
    let mut page = Dictionary::new();
    page.set("Type", Object::Name(b"Page".to_vec()));
    page.set("Parent", Object::Reference(pages_id));
    page.set(
        "MediaBox",
        Object::Array(vec![
            0.into(),
            0.into(),
            Object::Real(width),
            Object::Real(height),
        ]),
    );
    page.set("Resources", resources);
    page.set("Contents", Object::Reference(content));
    let page_id = doc.add_object(page);
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Kids", Object::Array(vec![Object::Reference(page_id)]));
    pages.set("Count", Object::Integer(1));
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(pages_id));
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", Object::Reference(catalog_id));
    if !info.is_empty() {
        let mut dict = Dictionary::new();
        for (key, value) in info {
            dict.set(key.as_bytes(), crate::serialize::text_string(value));
        }
        let info_id = doc.add_object(dict);
        doc.trailer.set("Info", Object::Reference(info_id));
    }
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| PdfError::malformed(format!("writing the page: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_page_reads_back_with_its_content_and_info() {
        let appearance = Appearance {
            content: b"q 0 0 10 10 re f Q".to_vec(),
            resources: Dictionary::new(),
            extra_objects: Vec::new(),
        };
        let pdf = single_page_pdf(&appearance, 595.0, 842.0, &[("Title", "Thông báo")]).unwrap();
        let doc = crate::load_document(&pdf).unwrap();
        assert_eq!(crate::load::page_ids(&doc).len(), 1);
    }
}
