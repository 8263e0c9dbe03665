//! The modification analysis loads image data as its digest (`load_structure`):
//! an image rewritten after signing with other data is still a change, one rewritten with the
//! same data is none, and a damaged file is still read in full.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kyso_pdf::lopdf::{Dictionary, Document, Object, Stream, dictionary};
use kyso_pdf::{ModificationLevel, analyse_modifications, load_structure};

/// A one-page PDF whose page shows a 200×100 RGB image (60,000 bytes of data); returns it with
/// the image's object number.
fn pdf_with_image(seed: u8) -> (Vec<u8>, u32) {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let data: Vec<u8> = (0..60_000u32)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect();
    let image = Stream::new(image_dict(), data);
    let image_id = doc.add_object(image);
    let content = Stream::new(
        Dictionary::new(),
        b"q 200 0 0 100 50 600 cm /Im1 Do Q".to_vec(),
    );
    let content_id = doc.add_object(content);
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image_id } },
        "Contents" => content_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    (out, image_id.0)
}

fn image_dict() -> Dictionary {
    dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => 200,
        "Height" => 100,
        "ColorSpace" => "DeviceRGB",
        "BitsPerComponent" => 8,
    }
}

/// `file` plus an incremental update that rewrites object `id` as an image with `data`.
fn rewrite_image(file: &[u8], id: u32, data: &[u8]) -> Vec<u8> {
    let doc = Document::load_mem(file).unwrap();
    let prev = doc.xref_start;
    let size = doc.max_id + 1;
    let mut out = file.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let offset = out.len();
    out.extend_from_slice(
        format!(
            "{id} 0 obj\n<< /Type /XObject /Subtype /Image /Width 200 /Height 100 /ColorSpace \
             /DeviceRGB /BitsPerComponent 8 /Length {} >>\nstream\n",
            data.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = out.len();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    out.extend_from_slice(
        format!(
            "xref\n{id} 1\n{offset:010} 00000 n \ntrailer\n<< /Size {size} /Root {} {} R /Prev {prev} >>\n\
             startxref\n{xref}\n%%EOF\n",
            root.0, root.1
        )
        .as_bytes(),
    );
    out
}

fn image_data(file: &[u8], id: u32) -> Vec<u8> {
    let doc = Document::load_mem(file).unwrap();
    doc.get_object((id, 0))
        .unwrap()
        .as_stream()
        .unwrap()
        .content
        .clone()
}

#[test]
fn changed_image_data_is_a_change_and_the_same_data_is_none() {
    let (original, image) = pdf_with_image(7);
    let data = image_data(&original, image);

    let mut other = data.clone();
    other[30_000] ^= 0x40;
    let altered = rewrite_image(&original, image, &other);
    let report = analyse_modifications(&altered, original.len()).unwrap();
    assert_eq!(
        report.level,
        ModificationLevel::Other,
        "{:?}",
        report.changes
    );
    assert!(
        report.changes.iter().any(|c| c.object == Some((image, 0))),
        "{:?}",
        report.changes
    );

    let same = rewrite_image(&original, image, &data);
    let report = analyse_modifications(&same, original.len()).unwrap();
    assert_eq!(
        report.level,
        ModificationLevel::None,
        "{:?}",
        report.changes
    );
}

#[test]
fn image_data_is_held_as_its_digest_and_other_streams_in_full() {
    let (pdf, image) = pdf_with_image(1);
    let doc = load_structure(&pdf).unwrap();
    let img = doc.get_object((image, 0)).unwrap().as_stream().unwrap();
    assert!(img.content.len() < 100, "{} bytes kept", img.content.len());
    assert_eq!(img.dict.get(b"Width").unwrap().as_i64().unwrap(), 200);
    let (other, _) = pdf_with_image(2);
    let other_doc = load_structure(&other).unwrap();
    assert_ne!(
        other_doc
            .get_object((image, 0))
            .unwrap()
            .as_stream()
            .unwrap()
            .content,
        img.content,
        "different data, different digests"
    );
    let page_content = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .find(|s| s.content.ends_with(b"Do Q"))
        .expect("the page's content stream, whole");
    assert!(page_content.content.starts_with(b"q 200"));
}

#[test]
fn a_damaged_cross_reference_table_is_read_as_a_whole() {
    let (pdf, image) = pdf_with_image(3);
    // Break the startxref offset: lopdf rebuilds the table by scanning.
    let at = pdf.windows(9).rposition(|w| w == b"startxref").unwrap() + 10;
    let mut broken = pdf[..at].to_vec();
    broken.extend_from_slice(b"99\n%%EOF\n");
    let doc = load_structure(&broken).unwrap();
    assert!(doc.xref_recovery.is_some());
    assert_eq!(
        doc.get_object((image, 0))
            .unwrap()
            .as_stream()
            .unwrap()
            .content
            .len(),
        60_000,
        "read again without the filter"
    );
}
