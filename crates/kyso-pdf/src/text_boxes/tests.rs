use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use super::*;

/// A one-page document: `content` with fonts and XObjects as resources.
fn page(content: &str, fonts: Dictionary, xobjects: Dictionary) -> (Document, ObjectId) {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let contents = doc.add_object(Stream::new(Dictionary::new(), content.as_bytes().to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => fonts, "XObject" => xobjects },
        "Contents" => contents,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    (doc, page_id)
}

/// Helvetica without /Widths (the standard 14 metrics), with round ascent and descent.
fn helvetica() -> Dictionary {
    dictionary! { "F1" => dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "FontDescriptor" => dictionary! { "Ascent" => 800, "Descent" => -200 },
    }}
}

fn boxes(content: &str) -> Vec<[f32; 4]> {
    let (doc, id) = page(content, helvetica(), Dictionary::new());
    let found = page_content_boxes_with(&doc, id, &ContentLimits::default());
    assert!(found.complete, "{content}");
    found.boxes.iter().map(|b| b.rect).collect()
}

fn close(got: &[[f32; 4]], want: &[[f32; 4]]) {
    assert_eq!(got.len(), want.len(), "{got:?} != {want:?}");
    for (g, w) in got.iter().zip(want) {
        for (a, b) in g.iter().zip(w) {
            assert!((a - b).abs() < 0.01, "{got:?} != {want:?}");
        }
    }
}

// Helvetica: A 667, B 667, i 222, space 278; ascent 0.8, descent -0.2 em.

#[test]
fn simple_tj() {
    close(
        &boxes("BT /F1 10 Tf 100 700 Td (AB) Tj ET"),
        &[[100.0, 698.0, 113.34, 708.0]],
    );
    // By page number, through the page tree.
    let (doc, _) = page(
        "BT /F1 10 Tf 100 700 Td (A) Tj ET",
        helvetica(),
        Dictionary::new(),
    );
    let found = page_content_boxes(&doc, 1)
        .map(|c| c.boxes.len())
        .unwrap_or(0);
    assert_eq!(found, 1);
    assert!(matches!(
        page_content_boxes(&doc, 2),
        Err(PdfError::NoSuchPage { page: 2, count: 1 })
    ));
}

#[test]
fn widths_of_the_font() {
    let fonts = dictionary! { "F1" => dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Arial",
        "FirstChar" => 65, "Widths" => vec![500.into(), 600.into()],
        "FontDescriptor" => dictionary! { "Ascent" => 900, "Descent" => -300, "MissingWidth" => 250 },
    }};
    let (doc, id) = page("BT /F1 10 Tf 0 0 Td (ABC) Tj ET", fonts, Dictionary::new());
    let found = page_content_boxes_with(&doc, id, &ContentLimits::default());
    // A 500, B 600, C missing: 250.
    close(
        &found.boxes.iter().map(|b| b.rect).collect::<Vec<_>>(),
        &[[0.0, -3.0, 13.5, 9.0]],
    );
}

#[test]
fn tj_with_kerning_and_gaps() {
    // -500: half an em to the right between A and B.
    close(
        &boxes("BT /F1 10 Tf 0 0 Td [(A) -500 (B)] TJ ET"),
        &[[0.0, -2.0, 18.34, 8.0]],
    );
    // A positive adjustment moves left (kerning).
    close(
        &boxes("BT /F1 10 Tf 0 0 Td [(A) 100 (B)] TJ ET"),
        &[[0.0, -2.0, 12.34, 8.0]],
    );
    // A gap wider than 1.5 em splits the box: two columns laid out in one TJ.
    close(
        &boxes("BT /F1 10 Tf 0 0 Td [(A) -3000 (B)] TJ ET"),
        &[[0.0, -2.0, 6.67, 8.0], [36.67, -2.0, 43.34, 8.0]],
    );
    // Spaces at the ends leave no ink; the pen still moves past them.
    close(
        &boxes("BT /F1 10 Tf 0 0 Td ( A ) Tj (i) Tj ET"),
        &[[2.78, -2.0, 9.45, 8.0], [12.23, -2.0, 14.45, 8.0]],
    );
}

#[test]
fn text_matrix_scales_and_moves() {
    close(
        &boxes("BT /F1 1 Tf 20 0 0 20 100 700 Tm (A) Tj ET"),
        &[[100.0, 696.0, 113.34, 716.0]],
    );
    // Td after Tm moves in text space (scaled by the matrix); a new BT starts over.
    close(
        &boxes("BT /F1 1 Tf 20 0 0 20 100 700 Tm 1 -1 Td (A) Tj ET BT /F1 10 Tf (A) Tj ET"),
        &[[120.0, 676.0, 133.34, 696.0], [0.0, -2.0, 6.67, 8.0]],
    );
    // A turned matrix: the box of the turned text.
    close(
        &boxes("BT /F1 10 Tf 0 1 -1 0 300 400 Tm (A) Tj ET"),
        &[[292.0, 400.0, 302.0, 406.67]],
    );
}

#[test]
fn text_state_parameters() {
    // Tc after each glyph, Tw after each space, Tz scales advances, Ts raises.
    close(
        &boxes("BT /F1 10 Tf 2 Tc 0 0 Td (AB) Tj ET"),
        &[[0.0, -2.0, 17.34, 8.0]],
    );
    close(
        &boxes("BT /F1 10 Tf 10 Tw 0 0 Td (A A) Tj ET"),
        &[[0.0, -2.0, 26.12, 8.0]],
    );
    close(
        &boxes("BT /F1 10 Tf 50 Tz 0 0 Td (AB) Tj ET"),
        &[[0.0, -2.0, 6.67, 8.0]],
    );
    close(
        &boxes("BT /F1 10 Tf 5 Ts 0 0 Td (A) Tj ET"),
        &[[0.0, 3.0, 6.67, 13.0]],
    );
    // The pen advances after a show: the next string starts where it ended.
    close(
        &boxes("BT /F1 10 Tf 0 0 Td (A) Tj (B) Tj ET"),
        &[[0.0, -2.0, 6.67, 8.0], [6.67, -2.0, 13.34, 8.0]],
    );
}

#[test]
fn lines_move_by_the_leading() {
    close(
        &boxes("BT /F1 10 Tf 12 TL 0 100 Td (A) Tj T* (A) Tj (B) ' 0 -20 TD (A) Tj 1 2 (B) \" ET"),
        &[
            [0.0, 98.0, 6.67, 108.0],
            [0.0, 86.0, 6.67, 96.0],
            [0.0, 74.0, 6.67, 84.0],
            [0.0, 54.0, 6.67, 64.0],
            // TD set the leading to 20; " sets Tw 1, Tc 2.
            [0.0, 34.0, 8.67, 44.0],
        ],
    );
}

#[test]
fn cm_and_nested_q() {
    close(
        &boxes("2 0 0 2 50 50 cm BT /F1 10 Tf (A) Tj ET"),
        &[[50.0, 46.0, 63.34, 66.0]],
    );
    close(
        &boxes(
            "q 1 0 0 1 100 0 cm q 1 0 0 1 100 0 cm Q BT /F1 10 Tf (A) Tj ET Q \
             BT /F1 10 Tf (A) Tj ET Q Q BT /F1 10 Tf (A) Tj ET",
        ),
        &[
            [100.0, -2.0, 106.67, 8.0],
            [0.0, -2.0, 6.67, 8.0],
            // Unbalanced Q are ignored.
            [0.0, -2.0, 6.67, 8.0],
        ],
    );
    // The font and its size are part of the graphics state: text of size 0 leaves no ink.
    assert!(boxes("q BT /F1 10 Tf ET Q BT (A) Tj ET").is_empty());
}

#[test]
fn deep_q_nesting_is_bounded() {
    let mut content = String::new();
    for _ in 0..1000 {
        content.push_str("q 1 0 0 1 1 0 cm ");
    }
    for _ in 0..1000 {
        content.push_str("Q ");
    }
    content.push_str("BT /F1 10 Tf (A) Tj ET");
    close(&boxes(&content), &[[0.0, -2.0, 6.67, 8.0]]);
}

fn cid_font(encoding: &str) -> Dictionary {
    dictionary! { "F1" => dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+TimesNewRomanPSMT",
        "Encoding" => Object::Name(encoding.as_bytes().to_vec()),
        "DescendantFonts" => vec![Object::Dictionary(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2",
            "W" => vec![1.into(), vec![1000.into(), 500.into()].into(), 10.into(), 20.into(), 250.into()],
            "DW" => 700,
            "FontDescriptor" => dictionary! { "Ascent" => 891, "Descent" => -216 },
        })],
    }}
}

#[test]
fn cid_font_widths() {
    let (doc, id) = page(
        "BT /F1 10 Tf 100 100 Td <0001000200030010> Tj ET",
        cid_font("Identity-H"),
        Dictionary::new(),
    );
    let found = page_content_boxes_with(&doc, id, &ContentLimits::default());
    // CID 1: 1000, 2: 500, 3: /DW 700, 16: 250 (the range 10–20).
    close(
        &found.boxes.iter().map(|b| b.rect).collect::<Vec<_>>(),
        &[[100.0, 97.84, 124.5, 108.91]],
    );
    // Vertical writing: the pen moves down one em a glyph (/DW2), the box is a column centred
    // on the pen.
    let (doc, id) = page(
        "BT /F1 10 Tf 100 100 Td <00010002> Tj ET",
        cid_font("Identity-V"),
        Dictionary::new(),
    );
    let found = page_content_boxes_with(&doc, id, &ContentLimits::default());
    close(
        &found.boxes.iter().map(|b| b.rect).collect::<Vec<_>>(),
        &[[95.0, 80.0, 105.0, 100.0]],
    );
}

#[test]
fn embedded_cmap_codespace() {
    let cmap = b"begincmap 2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange endcmap";
    let mut fonts = cid_font("Identity-H");
    if let Ok(Object::Dictionary(f)) = fonts.get_mut(b"F1") {
        f.set("Encoding", Stream::new(Dictionary::new(), cmap.to_vec()));
    }
    let (doc, id) = page(
        "BT /F1 10 Tf 0 0 Td <41418001> Tj ET",
        fonts,
        Dictionary::new(),
    );
    let found = page_content_boxes_with(&doc, id, &ContentLimits::default());
    // Three codes (1, 1, 2 bytes), not Identity: each /DW 700.
    close(
        &found.boxes.iter().map(|b| b.rect).collect::<Vec<_>>(),
        &[[0.0, -2.16, 21.0, 8.91]],
    );
}

#[test]
fn images_and_forms() {
    let image = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1 },
        vec![0],
    );
    let inner = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()] },
        b"BT /F1 10 Tf (A) Tj ET".to_vec(),
    );
    let (mut doc, id) = page("", helvetica(), Dictionary::new());
    let image_id = doc.add_object(image);
    let inner_id = doc.add_object(inner);
    // The form has its own resources (the font and the inner form) and a matrix.
    let form = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 200.into(), 300.into()],
            "Resources" => dictionary! {
                "Font" => helvetica(),
                "XObject" => dictionary! { "Fm2" => inner_id, "Im1" => image_id },
            },
        },
        b"BT /F1 10 Tf (A) Tj ET q 10 0 0 10 0 0 cm /Im1 Do Q /Fm2 Do".to_vec(),
    );
    let form_id = doc.add_object(form);
    let content = "q 100 0 0 50 300 400 cm /Im1 Do Q q 2 0 0 2 0 0 cm /Fm1 Do Q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI";
    if let Some(Object::Dictionary(p)) = doc.objects.get_mut(&id) {
        p.set(
            "Resources",
            dictionary! { "XObject" => dictionary! { "Im1" => image_id, "Fm1" => form_id } },
        );
    }
    if let Ok(c) = doc.get_object_mut(doc.get_page_contents(id)[0]) {
        *c = Object::Stream(Stream::new(Dictionary::new(), content.as_bytes().to_vec()));
    }
    let found = page_content_boxes_with(&doc, id, &ContentLimits::default());
    assert!(found.complete);
    let kinds: Vec<BoxKind> = found.boxes.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        [
            BoxKind::Image,
            BoxKind::Text,
            BoxKind::Image,
            BoxKind::Text,
            BoxKind::Image
        ]
    );
    close(
        &found.boxes.iter().map(|b| b.rect).collect::<Vec<_>>(),
        &[
            [300.0, 400.0, 400.0, 450.0],
            // The form at 200,300, scaled by 2 by the page: 400,600.
            [400.0, 596.0, 413.34, 616.0],
            [400.0, 600.0, 420.0, 620.0],
            // The form inside the form, its resources inherited.
            [400.0, 596.0, 413.34, 616.0],
            // The inline image: the unit square.
            [0.0, 0.0, 1.0, 1.0],
        ],
    );
    // One level of forms only: the inner one is not read, the result says so.
    let limits = ContentLimits {
        max_form_depth: 1,
        ..ContentLimits::default()
    };
    let found = page_content_boxes_with(&doc, id, &limits);
    assert_eq!(found.boxes.len(), 4);
    assert!(!found.complete);
}

#[test]
fn a_form_drawing_itself_is_bounded() {
    let (mut doc, id) = page("/Fm1 Do", helvetica(), Dictionary::new());
    let form_id = doc.new_object_id();
    doc.objects.insert(
        form_id,
        Object::Stream(Stream::new(
            dictionary! {
                "Subtype" => "Form",
                "Resources" => dictionary! { "Font" => helvetica(), "XObject" => dictionary! { "Fm1" => form_id } },
            },
            b"BT /F1 10 Tf (A) Tj ET /Fm1 Do /Fm1 Do".to_vec(),
        )),
    );
    if let Some(Object::Dictionary(p)) = doc.objects.get_mut(&id) {
        p.set(
            "Resources",
            dictionary! { "XObject" => dictionary! { "Fm1" => form_id } },
        );
    }
    let found = page_content_boxes_with(&doc, id, &ContentLimits::default());
    // Depth 1 and 2 show their text: 1 + 2.
    assert_eq!(found.boxes.len(), 3);
    assert!(!found.complete);
}

#[test]
fn paths_are_graphics() {
    let (doc, id) = page(
        "q 2 0 0 2 0 0 cm 100 100 m 200 100 l S 10 10 50 20 re f 0 0 500 500 re W n Q",
        Dictionary::new(),
        Dictionary::new(),
    );
    let found = page_content_boxes_with(&doc, id, &ContentLimits::default());
    assert_eq!(
        found.boxes,
        [
            ContentBox {
                kind: BoxKind::Graphics,
                rect: [200.0, 200.0, 400.0, 200.0]
            },
            ContentBox {
                kind: BoxKind::Graphics,
                rect: [20.0, 20.0, 120.0, 60.0]
            },
        ]
    );
}

#[test]
fn hostile_content_costs_bounded_work() {
    // Not content at all: what precedes the garbage is kept, the result is incomplete.
    let (doc, id) = page(
        "BT /F1 10 Tf (A) Tj ET BI /W 1 ID \x00",
        helvetica(),
        Dictionary::new(),
    );
    let found = page_content_boxes_with(&doc, id, &ContentLimits::default());
    assert_eq!(found.boxes.len(), 1);
    assert!(!found.complete);
    // Operators that take numbers given names, strings given numbers: ignored.
    close(
        &boxes("/a /b /c /d /e /f cm (x) Tf 1 2 Tj [1 (x)] Tm BT /F1 10 Tf (A) Tj ET"),
        &[[0.0, -2.0, 6.67, 8.0]],
    );
    // Absurd numbers give no non-finite box.
    let huge = "99999999999999999999999999999999999999.0";
    let found = boxes(&format!(
        "{huge} 0 0 {huge} 0 0 cm {huge} 0 0 {huge} 0 0 cm BT /F1 10 Tf (A) Tj ET"
    ));
    assert!(found.iter().flatten().all(|v| v.is_finite()), "{found:?}");
    // The operation budget.
    let many = "BT /F1 10 Tf (A) Tj ET ".repeat(1000);
    let (doc, id) = page(&many, helvetica(), Dictionary::new());
    let limits = ContentLimits {
        max_operations: 100,
        ..ContentLimits::default()
    };
    let found = page_content_boxes_with(&doc, id, &limits);
    assert!(
        !found.complete && found.boxes.len() < 30,
        "{}",
        found.boxes.len()
    );
    // The box budget.
    let limits = ContentLimits {
        max_boxes: 10,
        ..ContentLimits::default()
    };
    let found = page_content_boxes_with(&doc, id, &limits);
    assert!(!found.complete && found.boxes.len() == 10);
    // The byte budget.
    let limits = ContentLimits {
        max_content_bytes: 100,
        ..ContentLimits::default()
    };
    let found = page_content_boxes_with(&doc, id, &limits);
    assert!(!found.complete && found.boxes.is_empty());
}

#[test]
fn a_compressed_bomb_is_refused_within_the_budget() {
    let data = vec![b' '; 4 * 1024 * 1024];
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&data, 9);
    let (mut doc, id) = page("", helvetica(), Dictionary::new());
    if let Ok(c) = doc.get_object_mut(doc.get_page_contents(id)[0]) {
        *c = Object::Stream(Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            packed,
        ));
    }
    let limits = ContentLimits {
        max_content_bytes: 1024 * 1024,
        ..ContentLimits::default()
    };
    let found = page_content_boxes_with(&doc, id, &limits);
    assert!(!found.complete && found.boxes.is_empty());
}
