//! Micro-benchmarks of verification's hot paths (issue 15), with divan:
//!
//!     cargo bench -p kyso --bench hot_paths
//!
//! Not run by CI or the tests (timings are never asserted); the whole-program comparison with
//! pdfsig, pyHanko and OpenSSL is `tests/bench/compare.sh`. Inputs are made at start-up: the
//! built-in demo PKI, a signed one-page letter, and a signed 10 MB scan (20 pages, each an
//! incompressible 500 KB image) signed a second time.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::OnceLock;

use divan::Bencher;
use divan::counter::BytesCount;
use kyso::demo::{DemoPki, sample_pdf};
use kyso::{PadesOptions, RevocationMode, VerifyOptions};
use kyso_pdf::lopdf::{Dictionary, Document, Object, Stream, dictionary};
use kyso_policy::TrustStore;
use kyso_policy::algorithms::{DigestAlgorithm, Hasher};

fn main() {
    divan::main();
}

struct Inputs {
    pki: DemoPki,
    letter: Vec<u8>,
    /// Signed twice; the first signature's revision ends at `first_signed`.
    scan: Vec<u8>,
    first_signed: usize,
}

fn inputs() -> &'static Inputs {
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let pki = DemoPki::generate(kyso::now().unix_duration().as_secs()).unwrap();
        let signer = pki.software_signer().unwrap();
        let sign = |pdf: &[u8]| {
            kyso::sign_pdf(pdf, &signer, &PadesOptions::new(kyso::signing_time_now()))
                .unwrap()
                .bytes
        };
        let letter = sign(&sample_pdf());
        let once = sign(&scan_pdf(20, 500_000));
        let scan = sign(&once);
        Inputs {
            pki,
            letter,
            first_signed: once.len(),
            scan,
        }
    })
}

/// A PDF of `pages` pages, each showing its own incompressible image of `image_len` bytes.
fn scan_pdf(pages: u32, image_len: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    let mut x = 0x9e37_79b9u32;
    for _ in 0..pages {
        let data: Vec<u8> = (0..image_len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => 500,
                "Height" => (image_len / 1500) as i64, "ColorSpace" => "DeviceRGB",
                "BitsPerComponent" => 8,
            },
            data,
        ));
        let content = doc.add_object(Stream::new(
            Dictionary::new(),
            b"q 595 0 0 842 0 0 cm /Im1 Do Q".to_vec(),
        ));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image } },
            "Contents" => content,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => pages as i64 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn options() -> VerifyOptions {
    let mut trust = TrustStore::new();
    trust.add_anchor(inputs().pki.root.clone()).unwrap();
    let mut o = VerifyOptions::new(trust, kyso::now());
    o.revocation = RevocationMode::Off;
    o
}

/// SHA-256 of 1 MiB through kyso's hasher (SHA-NI where the CPU has it).
#[divan::bench]
fn sha256_1_mib(b: Bencher) {
    let data = vec![0x5au8; 1 << 20];
    b.counter(BytesCount::of_slice(&data)).bench(|| {
        let mut h = Hasher::for_algorithm(DigestAlgorithm::Sha256);
        h.update(divan::black_box(&data));
        h.finalize()
    });
}

/// The sparse copy of the 10 MB scan: the scan for image data and the copy of the rest.
#[divan::bench]
fn sparse_copy_10_mb(b: Bencher) {
    let scan = inputs().scan.as_slice();
    b.counter(BytesCount::of_slice(scan))
        .bench(|| kyso_pdf::PdfView::sparse(&divan::black_box(scan)).unwrap());
}

/// Cross-reference sections and every object of the 10 MB scan, from its sparse copy.
#[divan::bench]
fn parse_structure_10_mb(b: Bencher) {
    let scan = inputs().scan.as_slice();
    let view = kyso_pdf::PdfView::sparse(&scan).unwrap();
    b.bench(|| view.load(scan.len()).unwrap());
}

/// One RSA-2048 PKCS#1 v1.5 signature check (the signer's certificate by its CA), without
/// the memo that spares an inbox's repeated certificates.
#[divan::bench]
fn rsa_2048_verify(b: Bencher) {
    use der::Encode;
    let pki = &inputs().pki;
    let tbs = pki.signer.tbs_certificate().to_der().unwrap();
    let spki = pki.ca.tbs_certificate().subject_public_key_info();
    let sig = pki.signer.signature().raw_bytes();
    b.bench(|| {
        kyso_policy::algorithms::verify_signature_uncached(
            spki,
            pki.signer.signature_algorithm(),
            None,
            &tbs,
            sig,
        )
        .unwrap()
    });
}

/// Path building and validation of the signer's certificate to the demo root (the certificate
/// signatures come from the memo after the first run, as in a server).
#[divan::bench]
fn path_validation(b: Bencher) {
    let pki = &inputs().pki;
    let mut store = TrustStore::new();
    store.add_anchor(pki.root.clone()).unwrap();
    store.add_intermediate(pki.ca.clone()).unwrap();
    let options = kyso_policy::path::PathOptions::at(kyso::now());
    b.bench(|| kyso_policy::path::validate_path(&pki.signer, &[], &store, &options));
}

/// What changed after the first signature of the scan (one update: a second signature).
#[divan::bench]
fn modification_analysis(b: Bencher) {
    let i = inputs();
    b.bench(|| kyso_pdf::analyse_modifications(&i.scan, i.first_signed).unwrap());
}

/// A whole verification of a signed one-page letter (report included).
#[divan::bench]
fn verify_letter(b: Bencher) {
    let options = options();
    let letter = &inputs().letter;
    b.bench(|| kyso::verify_pdf(letter, &options).unwrap());
}

/// A whole verification of the scan with its two signatures.
#[divan::bench(sample_count = 20)]
fn verify_scan_10_mb_two_signatures(b: Bencher) {
    let options = options();
    let scan = &inputs().scan;
    b.counter(BytesCount::of_slice(scan))
        .bench(|| kyso::verify_pdf(scan, &options).unwrap());
}
