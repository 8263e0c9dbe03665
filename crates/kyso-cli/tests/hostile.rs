//! Hostile inputs through the `kyso verify` binary, each under an address-space limit
//! (`prlimit --as`) and a wall-clock limit (`timeout`): a decompression bomb, deep nesting, a
//! `/Prev` loop, a thousand revisions, a CMS with thousands of certificates. Each must end in
//! seconds with a report or a typed error (exit 1 or 2), never a crash, an abort (allocation
//! failure under the limit), a hang or VALID.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use der::{Decode, Encode};
use kyso::demo::{DemoPki, sample_pdf};
use kyso_pdf::lopdf::{Dictionary, Object};

/// Address space allowed to `kyso verify` (what a 1 GiB bomb decoded would blow through).
const MEMORY_LIMIT: u64 = 768 * 1024 * 1024;
/// Wall time allowed to one verification.
const TIME_LIMIT: Duration = Duration::from_secs(30);

struct Fixture {
    dir: tempfile::TempDir,
    signed: Vec<u8>,
    root: PathBuf,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let pki = DemoPki::generate(kyso::now().unix_duration().as_secs()).unwrap();
        let signer = pki.software_signer().unwrap();
        let signed = kyso::sign_pdf(
            &sample_pdf(),
            &signer,
            &kyso::PadesOptions::new(kyso::signing_time_now()),
        )
        .unwrap()
        .bytes;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root.pem");
        let pem = der::EncodePem::to_pem(&pki.root, der::pem::LineEnding::LF).unwrap();
        std::fs::write(&root, pem).unwrap();
        Fixture { dir, signed, root }
    })
}

/// Run `kyso verify FILE --trust ROOT --json` under the limits; returns (exit code, stdout).
/// Exit 0 is a VALID verdict, 1 a report that is not VALID, 2 a typed error.
fn verify_limited(pdf: &[u8], name: &str) -> (i32, String) {
    let f = fixture();
    let path = f.dir.path().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let started = Instant::now();
    let out = Command::new("prlimit")
        .arg(format!("--as={MEMORY_LIMIT}"))
        .arg("--")
        .arg("timeout")
        .arg(TIME_LIMIT.as_secs().to_string())
        .arg(env!("CARGO_BIN_EXE_kyso"))
        .args(["verify", "--json", "--no-revocation", "--trust"])
        .arg(&f.root)
        .arg(&path)
        .output()
        .expect("prlimit and timeout (util-linux, coreutils)");
    let took = started.elapsed();
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        (0..=2).contains(&code),
        "{name}: exit {code} after {took:?} (124 = timeout, 134 = abort, -1 = signal)\n{stdout}\n{stderr}"
    );
    println!("{name}: exit {code} in {took:?}");
    (code, stdout)
}

/// `pdf` with one incremental update: `objects` (number, body) and a classic cross-reference
/// section whose trailer names `root` and, unless `prev` says otherwise, the previous section.
fn append(pdf: &[u8], objects: &[(u32, Vec<u8>)], root: u32, prev: Option<usize>) -> Vec<u8> {
    let prev = prev.unwrap_or_else(|| kyso_pdf::load::last_startxref(pdf).unwrap());
    let mut out = pdf.to_vec();
    let mut offsets = Vec::new();
    for (n, body) in objects {
        offsets.push((*n, out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    for (n, at) in &offsets {
        out.extend_from_slice(format!("{n} 1\n{at:010} 00000 n\r\n").as_bytes());
    }
    let size = objects
        .iter()
        .map(|(n, _)| n + 1)
        .max()
        .unwrap_or(1)
        .max(100_000);
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {root} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

/// The catalog of `pdf` (object number and dictionary).
fn catalog(pdf: &[u8]) -> (u32, Dictionary) {
    let doc = kyso_pdf::load_document(pdf).unwrap();
    let (id, dict) = kyso_pdf::load::catalog(&doc).unwrap();
    (id.0, dict.clone())
}

fn dictionary_bytes(d: &Dictionary) -> Vec<u8> {
    let mut out = Vec::new();
    kyso_pdf::serialize::write_dictionary(&mut out, d);
    out
}

/// A zlib stream of `size` zero bytes, made in constant memory.
fn zlib_zeros(size: u64) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        enc.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    enc.finish().unwrap()
}

fn stream_object(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

#[test]
fn a_gigabyte_flate_bomb_in_the_dss() {
    let f = fixture();
    let bomb = zlib_zeros(1 << 30);
    let (root, mut cat) = catalog(&f.signed);
    cat.set("DSS", Object::Reference((5001, 0)));
    let pdf = append(
        &f.signed,
        &[
            (5000, stream_object("/Filter /FlateDecode", &bomb)),
            (
                5001,
                b"<< /Certs [5000 0 R] /CRLs [5000 0 R] /OCSPs [5000 0 R] >>".to_vec(),
            ),
            (root, dictionary_bytes(&cat)),
        ],
        root,
        None,
    );
    // The signed content is intact and a DSS is unsigned validation material, so the verdict
    // may stay VALID — but the bomb is not decoded past the bound, and the report says the
    // entries were not read.
    let (code, out) = verify_limited(&pdf, "dss-bomb");
    assert!(code <= 1, "{out}");
    assert!(out.contains("DSS_ENTRY_UNREADABLE"), "{out}");
}

#[test]
fn bombs_through_other_filters_in_the_dss() {
    // The bound holds whatever the filter chain: 1 GiB through RunLength (two bytes for 128)
    // and through ASCIIHex then flate, and a PNG predictor declaring rows of 2^31 columns of
    // 255 16-bit colours. Decoded whole, each would pass the address-space limit.
    let f = fixture();
    let mut run_length = [0x81u8, 0].repeat(8 << 20);
    run_length.push(0x80);
    let mut hex = hex::encode(zlib_zeros(1 << 30)).into_bytes();
    hex.push(b'>');
    let mut predicted = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    predicted.write_all(&[2u8; 4096]).unwrap();
    let cases: [(&str, &str, Vec<u8>); 3] = [
        ("dss-run-length", "/Filter /RunLengthDecode", run_length),
        (
            "dss-hex-flate",
            "/Filter [/ASCIIHexDecode /FlateDecode]",
            hex,
        ),
        (
            "dss-predictor",
            "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 2147483647 /Colors 255 \
             /BitsPerComponent 16 >>",
            predicted.finish().unwrap(),
        ),
    ];
    for (name, filter, data) in cases {
        let (root, mut cat) = catalog(&f.signed);
        cat.set("DSS", Object::Reference((5001, 0)));
        let pdf = append(
            &f.signed,
            &[
                (5000, stream_object(filter, &data)),
                (5001, b"<< /Certs [5000 0 R] /CRLs [5000 0 R] >>".to_vec()),
                (root, dictionary_bytes(&cat)),
            ],
            root,
            None,
        );
        let (code, out) = verify_limited(&pdf, name);
        assert!(code <= 1, "{name}: {out}");
        assert!(out.contains("DSS_ENTRY_UNREADABLE"), "{name}: {out}");
    }
}

#[test]
fn a_gigabyte_flate_bomb_as_an_object_stream() {
    let f = fixture();
    let bomb = zlib_zeros(1 << 30);
    // An object stream the catalog update lives in: the loader must inflate it to read it.
    let (root, _) = catalog(&f.signed);
    let mut out = f.signed.clone();
    let at = out.len();
    out.extend_from_slice(b"6000 0 obj\n");
    out.extend_from_slice(&stream_object(
        "/Type /ObjStm /N 1 /First 10 /Filter /FlateDecode",
        &bomb,
    ));
    out.extend_from_slice(b"\nendobj\n");
    // A cross-reference stream naming object `root` as compressed in 6000.
    let prev = kyso_pdf::load::last_startxref(&f.signed).unwrap();
    let rows: Vec<u8> = [(2u8, 6000u32, 0u8), (1, at as u32, 0)]
        .iter()
        .flat_map(|(t, a, b)| {
            let mut r = vec![*t];
            r.extend_from_slice(&a.to_be_bytes());
            r.push(*b);
            r
        })
        .collect();
    let xref_at = out.len();
    let xref = stream_object(
        &format!(
            "/Type /XRef /Size 6002 /Root {root} 0 R /Prev {prev} /W [1 4 1] /Index [{root} 1 6000 1]"
        ),
        &rows,
    );
    out.extend_from_slice(b"6001 0 obj\n");
    out.extend_from_slice(&xref);
    out.extend_from_slice(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    let (code, out) = verify_limited(&out, "objstm-bomb");
    assert_ne!(code, 0, "{out}");
}

#[test]
fn two_million_objects_declared_in_an_object_stream() {
    // Refused before parsing (1008), on the verification path as in every load.
    let f = fixture();
    let mut pdf = f.signed.clone();
    pdf.extend_from_slice(b"\n6000 0 obj\n");
    pdf.extend_from_slice(&stream_object("/Type /ObjStm /N 2000000 /First 10", b"x"));
    pdf.extend_from_slice(b"\nendobj\n");
    let (code, out) = verify_limited(&pdf, "declared-objects");
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(report["error"]["code"], 1008, "{out}");
}

#[test]
fn fifty_thousand_nested_arrays() {
    let f = fixture();
    let (root, cat) = catalog(&f.signed);
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let mut body = dictionary_bytes(&cat);
    // Splice the raw nesting into the catalog text (no writer would produce it).
    body.truncate(body.len() - 2);
    body.extend_from_slice(format!("/Deep {deep} >>").as_bytes());
    let pdf = append(&f.signed, &[(root, body)], root, None);
    let (code, out) = verify_limited(&pdf, "nested");
    assert_ne!(code, 0, "{out}");
}

#[test]
fn a_prev_loop() {
    let f = fixture();
    let (root, mut cat) = catalog(&f.signed);
    // The update adds an action run on opening, and its /Prev is its own cross-reference
    // section: however the reader recovers, the change after signing must be seen.
    cat.set("OpenAction", Object::Reference((7100, 0)));
    let objects = |cat: &Dictionary| {
        vec![
            (7100, b"<< /S /URI /URI (http://127.0.0.1/) >>".to_vec()),
            (root, dictionary_bytes(cat)),
        ]
    };
    let probe = append(&f.signed, &objects(&cat), root, Some(0));
    let own = kyso_pdf::load::last_startxref(&probe).unwrap();
    let pdf = append(&f.signed, &objects(&cat), root, Some(own));
    assert_eq!(kyso_pdf::load::last_startxref(&pdf), Some(own));
    let (code, out) = verify_limited(&pdf, "prev-loop");
    assert_eq!(code, 1, "{out}");
}

#[test]
fn a_thousand_revisions() {
    let f = fixture();
    let (root, cat) = catalog(&f.signed);
    let mut pdf = f.signed.clone();
    for i in 0..1000 {
        let info = format!("<< /Title (bản {i}) >>").into_bytes();
        pdf = append(
            &pdf,
            &[(7000, info), (root, dictionary_bytes(&cat))],
            root,
            None,
        );
    }
    let (code, out) = verify_limited(&pdf, "revisions");
    // Readable: a report saying the document changed after signing.
    assert_eq!(code, 1, "{out}");
}

#[test]
fn a_cms_with_five_thousand_certificates() {
    use kyso_pdf::incremental::{SignatureRequest, prepare_signature};
    let f = fixture();
    // The real signature's CMS, its certificate set replaced by 5,000 copies of the signer's.
    let doc = kyso_pdf::load_document(&f.signed).unwrap();
    let sig = &kyso_pdf::find_signatures(&doc)[0];
    let ci = cms::content_info::ContentInfo::from_der(trim(&sig.contents)).unwrap();
    let sd: cms::signed_data::SignedData = ci.content.decode_as().unwrap();
    let cert = match sd.certificates.as_ref().unwrap().0.iter().next().unwrap() {
        cms::cert::CertificateChoices::Certificate(c) => c.to_der().unwrap(),
        _ => unreachable!(),
    };
    let mut certs = Vec::new();
    for _ in 0..5000 {
        certs.extend_from_slice(&cert);
    }
    let mut body = Vec::new();
    body.extend(sd.version.to_der().unwrap());
    body.extend(sd.digest_algorithms.to_der().unwrap());
    body.extend(sd.encap_content_info.to_der().unwrap());
    body.extend(tlv(0xa0, &certs));
    body.extend(sd.signer_infos.to_der().unwrap());
    let signed_data = tlv(0x30, &body);
    let mut content_info = Vec::new();
    content_info.extend(ci.content_type.to_der().unwrap());
    content_info.extend(tlv(0xa0, &signed_data));
    let huge_cms = tlv(0x30, &content_info);

    let request = SignatureRequest::invisible("Sig", "ETSI.CAdES.detached", huge_cms.len() + 16);
    let pdf = prepare_signature(&sample_pdf(), &request)
        .unwrap()
        .finish(&huge_cms)
        .unwrap();
    let (_, out) = verify_limited(&pdf, "cms-5000-certificates");
    assert!(out.contains("5000 certificates"), "{out}");
}

/// The DER object at the start of `/Contents` (without its zero padding).
fn trim(contents: &[u8]) -> &[u8] {
    let first = contents[1];
    let (len, header) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        let len = contents[2..2 + n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, 2 + n)
    };
    &contents[..header + len]
}

/// A DER tag-length-value.
fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = value.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(value);
    out
}
