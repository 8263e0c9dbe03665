//! Files are verified from a sparse copy without their large images' data (kyso_pdf::sparse):
//! the report must be exactly the one the whole file in memory gives, for a good file, for
//! images rewritten after signing (with other or the same data), and for files built so that the
//! copy cannot be trusted (an object hidden inside image data), which are read again whole.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::OnceLock;

use kyso::demo::DemoPki;
use kyso::{PadesOptions, RevocationMode, Verdict, VerifyOptions};
use kyso_pdf::lopdf::{Dictionary, Document, Object, Stream, dictionary};
use kyso_policy::TrustStore;

fn pki() -> &'static DemoPki {
    static PKI: OnceLock<DemoPki> = OnceLock::new();
    PKI.get_or_init(|| DemoPki::generate(kyso::now().unix_duration().as_secs()).unwrap())
}

fn options() -> VerifyOptions {
    let mut trust = TrustStore::new();
    trust.add_anchor(pki().root.clone()).unwrap();
    let mut o = VerifyOptions::new(trust, kyso::now());
    o.revocation = RevocationMode::Off;
    o
}

/// Image data that does not compress and differs with `seed`.
fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn image_dict(len: usize) -> Dictionary {
    dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => 300,
        "Height" => (len / 900) as i64,
        "ColorSpace" => "DeviceRGB",
        "BitsPerComponent" => 8,
    }
}

/// A PDF of `pages` pages, each showing its own 270,000-byte image; returns it and the image ids.
fn scanned_pdf(pages: u32) -> (Vec<u8>, Vec<u32>) {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    let mut images = Vec::new();
    for p in 0..pages {
        let image_id = doc.add_object(Stream::new(image_dict(270_000), noise(270_000, p + 1)));
        images.push(image_id.0);
        let content = Stream::new(
            Dictionary::new(),
            b"q 595 0 0 842 0 0 cm /Im1 Do Q".to_vec(),
        );
        let content_id = doc.add_object(content);
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image_id } },
            "Contents" => content_id,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => pages as i64 },
        ),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    (out, images)
}

fn sign(pdf: &[u8]) -> Vec<u8> {
    let s = pki().software_signer().unwrap();
    kyso::sign_pdf(pdf, &s, &PadesOptions::new(kyso::signing_time_now()))
        .unwrap()
        .bytes
}

/// `file` plus an incremental update writing `objects` (number, body after `obj`) and an xref
/// section listing each at the offset given by `at` (by default, where it is written).
fn update(file: &[u8], objects: &[(u32, Vec<u8>)], at: &dyn Fn(u32, usize) -> usize) -> Vec<u8> {
    let doc = Document::load_mem(file).unwrap();
    let prev = doc.xref_start;
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let size = objects
        .iter()
        .map(|(n, _)| n + 1)
        .max()
        .unwrap()
        .max(doc.max_id + 1);
    let mut out = file.to_vec();
    let mut xref = String::from("xref\n");
    for (n, body) in objects {
        let offset = out.len();
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
        xref.push_str(&format!("{n} 1\n{:010} 00000 n \n", at(*n, offset)));
    }
    let xref_at = out.len();
    out.extend_from_slice(xref.as_bytes());
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {} {} R /Prev {prev} >>\nstartxref\n{xref_at}\n%%EOF\n",
            root.0, root.1
        )
        .as_bytes(),
    );
    out
}

fn image_object(data: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "<< /Type /XObject /Subtype /Image /Width 300 /Height {} /ColorSpace /DeviceRGB \
         /BitsPerComponent 8 /Length {} >>\nstream\n",
        data.len() / 900,
        data.len()
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

/// The report of the file verified from disk, from memory and from every byte: the same.
fn both_ways(name: &str, pdf: &[u8]) -> kyso::Report {
    let dir = std::env::temp_dir().join(format!("kyso-sparse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    // One set of options (one validation time) for the three.
    let options = options();
    let mut from_file = kyso::verify_pdf_file(&path, &options).unwrap();
    // Every byte read and parsed: the reference.
    let from_memory = kyso_verify::verify_pdf_whole(pdf, &options).unwrap();
    assert_eq!(
        kyso::verify_pdf(pdf, &options).unwrap().to_json(),
        from_memory.to_json(),
        "{name}: in memory"
    );
    assert_eq!(
        from_file.file.take().as_deref(),
        Some(path.to_str().unwrap())
    );
    assert_eq!(from_file.to_json(), from_memory.to_json(), "{name}");
    std::fs::remove_file(&path).unwrap();
    from_memory
}

fn skipped(pdf: &[u8]) -> bool {
    kyso_pdf::PdfView::sparse(&pdf).unwrap().is_sparse()
}

#[test]
fn a_signed_scan_reads_the_same_from_its_sparse_copy() {
    let (pdf, _) = scanned_pdf(3);
    let signed = sign(&pdf);
    assert!(skipped(&signed), "the images' data should be left out");
    let r = both_ways("signed.pdf", &signed);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_json());
}

#[test]
fn an_image_rewritten_after_signing_is_a_change_read_sparse_or_whole() {
    let (pdf, images) = scanned_pdf(2);
    let signed = sign(&pdf);
    // Other data: the page shows something else than what was signed.
    let other = update(
        &signed,
        &[(images[0], image_object(&noise(270_000, 99)))],
        &|_, o| o,
    );
    let r = both_ways("other-image.pdf", &other);
    assert_eq!(r.verdict, Verdict::Invalid, "{}", r.to_json());
    assert!(r.signatures[0].modified_after_signing);
    // The same data written again: nothing the reader sees changed.
    let same = update(
        &signed,
        &[(images[1], image_object(&noise(270_000, 2)))],
        &|_, o| o,
    );
    let r = both_ways("same-image.pdf", &same);
    assert!(skipped(&same));
    assert_eq!(
        r.signatures[0].modification_level,
        "none",
        "{}",
        r.to_json()
    );
}

#[test]
fn an_object_hidden_in_image_data_makes_the_file_be_read_whole() {
    let (pdf, images) = scanned_pdf(2);
    let signed = sign(&pdf);
    // An update whose image data holds a complete object that its xref section points to:
    // the sparse copy has zeros there, so it must not be trusted.
    let catalog_num = {
        let doc = Document::load_mem(&signed).unwrap();
        doc.trailer.get(b"Root").unwrap().as_reference().unwrap().0
    };
    let doc = Document::load_mem(&signed).unwrap();
    let pages = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let hidden = format!(
        "{catalog_num} 0 obj\n<< /Type /Catalog /Pages {} 0 R /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> >>\nendobj\n",
        pages.0
    );
    let mut data = noise(270_000, 7);
    let inside = 100_000;
    data[inside..inside + hidden.len()].copy_from_slice(hidden.as_bytes());
    let image_body = image_object(&data);
    let data_start = image_body
        .windows(7)
        .position(|w| w == b"stream\n")
        .unwrap()
        + 7;
    // The image is written first, at the end of the signed file.
    let target = signed.len() + format!("{} 0 obj\n", images[0]).len() + data_start + inside;
    let patched = update(
        &signed,
        &[(images[0], image_body), (catalog_num, b"null".to_vec())],
        &|n, o| if n == catalog_num { target } else { o },
    );
    assert_eq!(&patched[target..target + 6], &hidden.as_bytes()[..6]);
    let r = both_ways("hidden.pdf", &patched);
    assert_ne!(r.verdict, Verdict::Valid, "{}", r.to_json());

    // A new object hidden so, which nothing uses: the load alone would succeed without it, so
    // only the copy's own check can tell.
    let num = 900;
    let unused = hidden.replacen(&format!("{catalog_num} 0 obj"), &format!("{num} 0 obj"), 1);
    let mut data = noise(270_000, 8);
    data[inside..inside + unused.len()].copy_from_slice(unused.as_bytes());
    let body = image_object(&data);
    let target = signed.len() + format!("{} 0 obj\n", images[1]).len() + data_start + inside;
    let file = update(
        &signed,
        &[(images[1], body), (num, b"null".to_vec())],
        &|n, o| {
            if n == num { target } else { o }
        },
    );
    assert_eq!(
        String::from_utf8_lossy(&file[target..target + 9]),
        format!("{num} 0 obj")
    );
    let view = kyso_pdf::PdfView::sparse(&file.as_slice()).unwrap();
    assert!(view.is_sparse());
    assert!(view.load(file.len()).is_err());
    assert!(!view.matched());
    let whole = kyso_pdf::PdfView::whole(&file);
    assert!(
        whole
            .load(file.len())
            .unwrap()
            .objects
            .contains_key(&(num, 0))
    );
    both_ways("hidden-unused.pdf", &file);
}

#[test]
fn a_missing_file_is_an_io_error() {
    let e = kyso::verify_pdf_file(Path::new("/nonexistent/kyso.pdf"), &options()).unwrap_err();
    assert_eq!(e.code(), 6001);
}

/// Sign `input` into `output` from file to file (B-B, invisible).
fn sign_file(input: &Path, output: &Path) -> kyso::sign_file::SignedFile {
    let s = pki().software_signer().unwrap();
    kyso::sign_file::sign_document_file(
        input,
        output,
        &s,
        &PadesOptions::new(kyso::signing_time_now()),
        None,
        kyso::ltv::Level::BB,
        &kyso::ltv::LtvOptions::default(),
        None,
    )
    .unwrap()
    .0
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kyso-sparse-sign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn a_scan_signed_from_file_to_file_keeps_its_bytes_and_verifies() {
    let (pdf, _) = scanned_pdf(3);
    let signed_once = sign(&pdf);
    assert!(skipped(&signed_once));
    let input = scratch("input.pdf");
    let output = scratch("output.pdf");
    std::fs::write(&input, &signed_once).unwrap();
    let done = sign_file(&input, &output);
    let out = std::fs::read(&output).unwrap();
    assert_eq!(done.size, out.len() as u64);
    // The input is the output's exact prefix: the image data was copied from the file, not from
    // the copy (which has markers and zeros there).
    assert!(out.starts_with(&signed_once));
    let r = both_ways("signed-twice.pdf", &out);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_json());
    assert_eq!(r.signatures.len(), 2);
    // In place: the output may be the input.
    sign_file(&output, &output);
    let again = std::fs::read(&output).unwrap();
    assert!(again.starts_with(&out));
    assert_eq!(
        both_ways("signed-thrice.pdf", &again).verdict,
        Verdict::Valid
    );
}

#[test]
fn a_file_whose_sparse_copy_misreads_is_signed_from_its_whole_bytes() {
    let (mut pdf, images) = scanned_pdf(2);
    // The update's object header must start a line to be read as one.
    pdf.push(b'\n');
    // An update with an object hidden in image data, listed by its xref section.
    let hidden = b"900 0 obj\n(hidden)\nendobj\n";
    let mut data = noise(270_000, 5);
    data[1000..1000 + hidden.len()].copy_from_slice(hidden);
    let body = image_object(&data);
    let data_start = body.windows(7).position(|w| w == b"stream\n").unwrap() + 7;
    let target = pdf.len() + format!("{} 0 obj\n", images[0]).len() + data_start + 1000;
    let file = update(
        &pdf,
        &[(images[0], body), (900, b"null".to_vec())],
        &|n, o| {
            if n == 900 { target } else { o }
        },
    );
    assert_eq!(&file[target..target + 9], b"900 0 obj");
    let view = kyso_pdf::PdfView::sparse(&file.as_slice()).unwrap();
    assert!(view.is_sparse());
    assert!(view.load(file.len()).is_err());
    assert!(!view.matched());
    let input = scratch("hidden-in.pdf");
    let output = scratch("hidden-out.pdf");
    std::fs::write(&input, &file).unwrap();
    sign_file(&input, &output);
    let out = std::fs::read(&output).unwrap();
    assert!(out.starts_with(&file));
    assert_eq!(both_ways("hidden-signed.pdf", &out).verdict, Verdict::Valid);
}

#[test]
fn a_prev_link_into_image_data_makes_the_file_be_read_whole() {
    let (pdf, images) = scanned_pdf(2);
    let signed = sign(&pdf);
    // An update whose image data holds a whole cross-reference section and trailer, and a
    // last section whose /Prev points there: only a reader of every byte follows it.
    let doc = Document::load_mem(&signed).unwrap();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let hidden = format!(
        "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size {} /Root {} {} R /Prev {} >>\n",
        doc.max_id + 1,
        root.0,
        root.1,
        doc.xref_start
    );
    let mut data = noise(270_000, 11);
    data[5000..5000 + hidden.len()].copy_from_slice(hidden.as_bytes());
    let body = image_object(&data);
    let data_start = body.windows(7).position(|w| w == b"stream\n").unwrap() + 7;
    let hidden_at = signed.len() + format!("{} 0 obj\n", images[0]).len() + data_start + 5000;
    let mut file = update(&signed, &[(images[0], body)], &|_, o| o);
    // Point the new section's /Prev at the hidden one.
    let prev = format!("/Prev {}", doc.xref_start);
    let at = file
        .windows(prev.len())
        .rposition(|w| w == prev.as_bytes())
        .unwrap();
    let patched = format!("/Prev {hidden_at}");
    file.splice(at..at + prev.len(), patched.bytes());
    assert!(file[hidden_at..].starts_with(b"xref\n0 1"));
    let view = kyso_pdf::PdfView::sparse(&file.as_slice()).unwrap();
    assert!(view.is_sparse());
    assert!(view.load(file.len()).is_err());
    assert!(!view.matched());
    both_ways("prev-into-image.pdf", &file);
}
