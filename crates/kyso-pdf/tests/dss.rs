//! `append_dss`: the document security store written as an incremental update.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;

use kyso_pdf::diff::compare;
use kyso_pdf::load::{
    catalog, last_startxref, load_document, resolve, resolve_dict, revision_ends,
};
use kyso_pdf::lopdf::{Dictionary, Document, Object, ObjectId};
use kyso_pdf::{
    Coverage, DssUpdate, ModificationLevel, SignatureRequest, VriEntry, analyse_modifications,
    append_dss, find_signatures, prepare_signature,
};

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora/");

// ---------------------------------------------------------------------------------------------
// Test documents

/// `(number, body)` objects written with a classic cross-reference table.
fn classic_pdf(objects: &[(u32, Vec<u8>)], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (n, body) in objects {
        offsets.push((*n, out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let size = objects.iter().map(|(n, _)| n + 1).max().unwrap_or(1);
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f\r\n").as_bytes());
    for n in 1..size {
        match offsets.iter().find(|(m, _)| *m == n) {
            Some((_, off)) => out.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes()),
            None => out.extend_from_slice(b"0000000000 65535 f\r\n"),
        }
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} {trailer} >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

/// A signature (`kind` Sig) or document time-stamp (DocTimeStamp) field on page 1 with 64 bytes
/// of /Contents, invisible when `rect` is all zeros.
fn signature_request(kind: &str, sub_filter: &str, rect: [f32; 4]) -> SignatureRequest {
    let mut request = SignatureRequest::invisible(kind, sub_filter, 64);
    request.rect = rect;
    request
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

const ID: &str = "/ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]";

/// One page, classic xref table; `catalog_extra` goes into the catalog, `more` are extra objects
/// (numbered from 6).
fn classic_doc(catalog_extra: &str, more: &[Vec<u8>]) -> Vec<u8> {
    let content = b"BT /F1 12 Tf 72 760 Td (Cong van so 123) Tj ET";
    let mut objects = vec![
        (
            1,
            format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>").into_bytes(),
        ),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
        (
            3,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        ),
        (4, stream("", content)),
        (5, b"<< /Producer (test) >>".to_vec()),
    ];
    for (i, body) in more.iter().enumerate() {
        objects.push((6 + i as u32, body.clone()));
    }
    classic_pdf(&objects, &format!("/Root 1 0 R /Info 5 0 R {ID}"))
}

/// One page, the catalog inside an object stream, a cross-reference stream.
fn xref_stream_doc() -> Vec<u8> {
    let content = b"BT /F1 12 Tf 72 760 Td (Cong van so 456) Tj ET";
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = [0usize; 8];
    let mut put = |out: &mut Vec<u8>, n: usize, body: &[u8]| {
        offsets[n] = out.len();
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    put(&mut out, 2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    put(
        &mut out,
        3,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    );
    put(&mut out, 4, &stream("", content));
    put(&mut out, 5, b"<< /Producer (test) >>");
    let header = b"1 0 ";
    let mut objstm = header.to_vec();
    objstm.extend_from_slice(b"<< /Type /Catalog /Pages 2 0 R >>");
    put(
        &mut out,
        6,
        &stream(
            &format!("/Type /ObjStm /N 1 /First {}", header.len()),
            &objstm,
        ),
    );
    let xref_at = out.len();
    offsets[7] = xref_at;
    let mut data = Vec::new();
    for (n, offset) in offsets.iter().enumerate() {
        let (t, f2, f3): (u8, u32, u16) = match n {
            0 => (0, 0, 0xffff),
            1 => (2, 6, 0),
            _ => (1, *offset as u32, 0),
        };
        data.push(t);
        data.extend_from_slice(&f2.to_be_bytes());
        data.extend_from_slice(&f3.to_be_bytes());
    }
    let dict = format!("/Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Info 5 0 R {ID}");
    out.extend_from_slice(b"7 0 obj\n");
    out.extend_from_slice(&stream(&dict, &data));
    out.extend_from_slice(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}

// ---------------------------------------------------------------------------------------------
// Data

/// DER certificates from the corpus when present, otherwise distinct stand-ins.
fn certs() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(CORPORA).join("vn-gov/certs/vgca-g1");
    [
        "VGCA_ROOTCA_BIN.cer",
        "CP_BIN.cer",
        "BCA_BIN.cer",
        "BTC_BIN.cer",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| {
        std::fs::read(dir.join(name))
            .unwrap_or_else(|_| format!("\x30\x0bcertificate{i}").into_bytes())
    })
    .collect()
}

fn crl() -> Vec<u8> {
    b"\x30\x05crl-1".to_vec()
}

fn ocsp() -> Vec<u8> {
    b"\x30\x06ocsp-1".to_vec()
}

fn basic_update() -> DssUpdate {
    let c = certs();
    DssUpdate {
        certs: vec![c[0].clone(), c[1].clone()],
        crls: vec![crl()],
        ocsps: vec![ocsp()],
        vri: Vec::new(),
    }
}

const KEY1: &str = "0123456789ABCDEF0123456789ABCDEF01234567";
const KEY2: &str = "FEDCBA9876543210FEDCBA9876543210FEDCBA98";

// ---------------------------------------------------------------------------------------------
// Reading back

fn dss(doc: &Document) -> &Dictionary {
    let (_, cat) = catalog(doc).unwrap();
    assert!(
        matches!(cat.get(b"DSS"), Ok(Object::Reference(_))),
        "/DSS must be an indirect reference"
    );
    resolve_dict(doc, cat.get(b"DSS").unwrap()).unwrap()
}

/// The references in array `key` of `dict`.
fn refs(doc: &Document, dict: &Dictionary, key: &[u8]) -> Vec<ObjectId> {
    match dict.get(key).ok().and_then(|a| resolve(doc, a)) {
        Some(Object::Array(items)) => items.iter().map(|i| i.as_reference().unwrap()).collect(),
        _ => Vec::new(),
    }
}

/// The decoded contents of the streams in array `key` of the DSS (as the verifier reads them).
fn contents(doc: &Document, key: &[u8]) -> Vec<Vec<u8>> {
    refs(doc, dss(doc), key)
        .iter()
        .map(|id| match doc.objects.get(id) {
            Some(Object::Stream(s)) => s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone()),
            other => panic!("not a stream: {other:?}"),
        })
        .collect()
}

fn vri_entry<'a>(doc: &'a Document, key: &str) -> &'a Dictionary {
    let vri = resolve_dict(doc, dss(doc).get(b"VRI").unwrap()).unwrap();
    resolve_dict(doc, vri.get(key.as_bytes()).unwrap()).unwrap()
}

fn stream_count(doc: &Document) -> usize {
    doc.objects
        .values()
        .filter(|o| matches!(o, Object::Stream(s) if s.dict.get(b"Type").is_err()))
        .count()
}

/// `qpdf --check` passes, when qpdf is installed.
fn qpdf_check(bytes: &[u8], name: &str) {
    let path = std::env::temp_dir().join(format!("kyso-pdf-dss-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let result = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    match result {
        Err(_) => eprintln!("qpdf not installed: skipping qpdf --check"),
        Ok(out) => assert!(
            out.status.success(),
            "qpdf --check {name}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// The common checks after one `append_dss` that added something.
fn check_appended(original: &[u8], out: &[u8], name: &str) -> Document {
    assert!(out.len() > original.len());
    assert_eq!(
        &out[..original.len()],
        original,
        "original must be a prefix"
    );
    assert_eq!(
        revision_ends(out).len(),
        revision_ends(original).len() + 1,
        "one more revision"
    );
    let doc = load_document(out).unwrap();
    // Only DSS-level changes in the new revision.
    let report = analyse_modifications(out, original.len()).unwrap();
    assert_eq!(report.level, ModificationLevel::LtaUpdates, "{report:?}");
    qpdf_check(out, name);
    doc
}

fn check_basic_dss(doc: &Document) {
    let c = certs();
    assert_eq!(contents(doc, b"Certs"), vec![c[0].clone(), c[1].clone()]);
    assert_eq!(contents(doc, b"CRLs"), vec![crl()]);
    assert_eq!(contents(doc, b"OCSPs"), vec![ocsp()]);
    for id in refs(doc, dss(doc), b"Certs") {
        let Some(Object::Stream(s)) = doc.objects.get(&id) else {
            panic!("not a stream")
        };
        assert_eq!(
            s.dict.get(b"Filter").unwrap().as_name().unwrap(),
            b"FlateDecode"
        );
        assert!(matches!(s.dict.get(b"Length"), Ok(Object::Integer(_))));
    }
    let (_, cat) = catalog(doc).unwrap();
    let ext = resolve_dict(doc, cat.get(b"Extensions").unwrap()).unwrap();
    let esic = resolve_dict(doc, ext.get(b"ESIC").unwrap()).unwrap();
    assert_eq!(esic.get(b"BaseVersion").unwrap().as_name().unwrap(), b"1.7");
    assert_eq!(esic.get(b"ExtensionLevel").unwrap().as_i64().unwrap(), 5);
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn classic_xref_gets_a_dss() {
    let original = classic_doc("", &[]);
    qpdf_check(&original, "classic-original");
    let out = append_dss(&original, &basic_update()).unwrap();
    let doc = check_appended(&original, &out, "classic");
    check_basic_dss(&doc);
    // Same kind of cross-reference section, trailer carrying /Info and /ID.
    let xref = last_startxref(&out).unwrap();
    assert!(xref > original.len() && out[xref..].starts_with(b"xref"));
    let prev = format!("/Prev {}", last_startxref(&original).unwrap());
    assert!(
        out[xref..]
            .windows(prev.len())
            .any(|w| w == prev.as_bytes())
    );
    assert_eq!(
        doc.trailer.get(b"Info").unwrap(),
        &Object::Reference((5, 0))
    );
    assert!(doc.trailer.has(b"ID"));
    // The catalog keeps its id and its other entries.
    let (root, cat) = catalog(&doc).unwrap();
    assert_eq!(root, (1, 0));
    assert_eq!(cat.get(b"Pages").unwrap(), &Object::Reference((2, 0)));
    assert_eq!(
        dss(&doc).get(b"Type").unwrap().as_name().unwrap(),
        b"DSS".as_slice()
    );
}

#[test]
fn xref_stream_gets_a_dss() {
    let original = xref_stream_doc();
    qpdf_check(&original, "xrefstream-original");
    let out = append_dss(&original, &basic_update()).unwrap();
    let doc = check_appended(&original, &out, "xrefstream");
    check_basic_dss(&doc);
    let xref = last_startxref(&out).unwrap();
    assert!(xref > original.len() && !out[xref..].starts_with(b"xref"));
    assert!(out[xref..].windows(5).any(|w| w == b"/XRef"));
    let prev = format!("/Prev {}", last_startxref(&original).unwrap());
    assert!(
        out[xref..]
            .windows(prev.len())
            .any(|w| w == prev.as_bytes())
    );
    assert!(doc.trailer.has(b"ID"));
    assert_eq!(
        doc.trailer.get(b"Info").unwrap(),
        &Object::Reference((5, 0))
    );
}

#[test]
fn appending_again_adds_only_what_is_new() {
    for (name, original) in [
        ("classic", classic_doc("", &[])),
        ("xrefstream", xref_stream_doc()),
    ] {
        let first = append_dss(&original, &basic_update()).unwrap();
        let doc1 = load_document(&first).unwrap();
        let c = certs();
        // One new certificate, one already stored, one twice in the update.
        let second_update = DssUpdate {
            certs: vec![c[2].clone(), c[1].clone(), c[2].clone()],
            ..Default::default()
        };
        let second = append_dss(&first, &second_update).unwrap();
        let doc2 = check_appended(&first, &second, &format!("{name}-again"));
        assert_eq!(stream_count(&doc2), stream_count(&doc1) + 1, "{name}");
        assert_eq!(
            contents(&doc2, b"Certs"),
            vec![c[0].clone(), c[1].clone(), c[2].clone()]
        );
        // Existing references are kept as they are, the DSS object too.
        let old_refs = refs(&doc1, dss(&doc1), b"Certs");
        let new_refs = refs(&doc2, dss(&doc2), b"Certs");
        assert_eq!(&new_refs[..2], &old_refs[..]);
        assert_eq!(
            refs(&doc2, dss(&doc2), b"CRLs"),
            refs(&doc1, dss(&doc1), b"CRLs")
        );
        assert_eq!(contents(&doc2, b"OCSPs"), vec![ocsp()]);
        let dss_id = |d: &Document| catalog(d).unwrap().1.get(b"DSS").unwrap().clone();
        assert_eq!(dss_id(&doc1), dss_id(&doc2));
        // Only the DSS dictionary changed in the last revision: no catalog rewrite needed.
        let report = compare(&doc1, &doc2);
        assert_eq!(report.level, ModificationLevel::LtaUpdates, "{report:?}");
        assert!(
            report.changes.iter().all(|c| c.object != Some((1, 0))),
            "{report:?}"
        );

        // Nothing new: the input comes back unchanged.
        assert_eq!(append_dss(&second, &basic_update()).unwrap(), second);
        assert_eq!(append_dss(&second, &second_update).unwrap(), second);
        assert_eq!(
            append_dss(&original, &DssUpdate::default()).unwrap(),
            original
        );
    }
}

#[test]
fn vri_entries_are_written_and_merged() {
    let original = classic_doc("", &[]);
    let c = certs();
    let first_update = DssUpdate {
        vri: vec![VriEntry {
            key: KEY1.into(),
            certs: vec![c[0].clone()],
            crls: vec![crl()],
            ocsps: Vec::new(),
        }],
        ..basic_update()
    };
    let first = append_dss(&original, &first_update).unwrap();
    let doc1 = check_appended(&original, &first, "vri-1");
    let top_certs = refs(&doc1, dss(&doc1), b"Certs");
    let top_crls = refs(&doc1, dss(&doc1), b"CRLs");
    let e1 = vri_entry(&doc1, KEY1);
    assert_eq!(refs(&doc1, e1, b"Cert"), vec![top_certs[0]]);
    assert_eq!(refs(&doc1, e1, b"CRL"), top_crls);
    assert!(refs(&doc1, e1, b"OCSP").is_empty());

    // Same key (lower case here): union. A new key. A certificate only the VRI lists (c[3]) is
    // added to the top-level array too, and written once.
    let second_update = DssUpdate {
        vri: vec![
            VriEntry {
                key: KEY1.to_ascii_lowercase(),
                certs: vec![c[0].clone(), c[3].clone()],
                crls: Vec::new(),
                ocsps: vec![ocsp()],
            },
            VriEntry {
                key: KEY2.into(),
                certs: vec![c[3].clone()],
                crls: Vec::new(),
                ocsps: Vec::new(),
            },
        ],
        ..Default::default()
    };
    let second = append_dss(&first, &second_update).unwrap();
    let doc2 = check_appended(&first, &second, "vri-2");
    assert_eq!(stream_count(&doc2), stream_count(&doc1) + 1);
    let top_certs2 = refs(&doc2, dss(&doc2), b"Certs");
    assert_eq!(top_certs2.len(), 3);
    assert_eq!(&top_certs2[..2], &top_certs[..]);
    assert_eq!(contents(&doc2, b"Certs")[2], c[3]);
    let e1 = vri_entry(&doc2, KEY1);
    assert_eq!(refs(&doc2, e1, b"Cert"), vec![top_certs2[0], top_certs2[2]]);
    assert_eq!(refs(&doc2, e1, b"CRL"), top_crls);
    assert_eq!(refs(&doc2, e1, b"OCSP"), refs(&doc2, dss(&doc2), b"OCSPs"));
    let e2 = vri_entry(&doc2, KEY2);
    assert_eq!(refs(&doc2, e2, b"Cert"), vec![top_certs2[2]]);

    // Keys must be SHA-1 digests in hexadecimal.
    let bad = DssUpdate {
        vri: vec![VriEntry {
            key: "not a digest".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    assert!(append_dss(&original, &bad).is_err());
}

#[test]
fn existing_direct_dss_is_merged() {
    let c = certs();
    // A direct DSS (as some tools write it) listing an uncompressed certificate stream and a
    // stream that does not decode, an indirect /CRLs array, and a direct VRI entry.
    let original = classic_doc(
        &format!(
            "/DSS << /Certs [6 0 R 7 0 R] /CRLs 8 0 R /VRI << /{KEY1} << /Cert [6 0 R] /TU (D:20250101000000Z) >> >> >> /Extensions << /ADBE << /BaseVersion /1.7 /ExtensionLevel 8 >> >>"
        ),
        &[
            stream("", &c[0]),
            stream("/Filter /FlateDecode", b"this is not zlib data"),
            b"[]".to_vec(),
        ],
    );
    qpdf_check(&original, "direct-original");
    let update = DssUpdate {
        certs: vec![c[0].clone(), c[1].clone()],
        crls: vec![crl()],
        ocsps: Vec::new(),
        vri: vec![VriEntry {
            key: KEY1.into(),
            certs: vec![c[0].clone(), c[1].clone()],
            ..Default::default()
        }],
    };
    let out = append_dss(&original, &update).unwrap();
    let doc = check_appended(&original, &out, "direct");
    let certs_refs = refs(&doc, dss(&doc), b"Certs");
    assert_eq!(certs_refs.len(), 3, "c[0] is stored already, c[1] is new");
    assert_eq!(&certs_refs[..2], &[(6, 0), (7, 0)]);
    assert_eq!(contents(&doc, b"Certs")[2], c[1]);
    // The indirect array is rewritten in place.
    assert!(matches!(
        dss(&doc).get(b"CRLs"),
        Ok(Object::Reference((8, 0)))
    ));
    assert_eq!(contents(&doc, b"CRLs"), vec![crl()]);
    let entry = vri_entry(&doc, KEY1);
    assert_eq!(refs(&doc, entry, b"Cert"), vec![(6, 0), certs_refs[2]]);
    assert!(entry.has(b"TU"));
    // The existing /Extensions stays as it was.
    let (_, cat) = catalog(&doc).unwrap();
    let ext = resolve_dict(&doc, cat.get(b"Extensions").unwrap()).unwrap();
    assert!(ext.has(b"ADBE") && !ext.has(b"ESIC"));
}

#[test]
fn dss_objects_used_elsewhere_are_not_whitelisted() {
    // The /Certs array is also the catalog's /Foo: rewriting it is not a DSS-only change.
    let original = classic_doc(
        "/DSS 6 0 R /Foo 7 0 R",
        &[b"<< /Certs 7 0 R >>".to_vec(), b"[]".to_vec()],
    );
    let out = append_dss(&original, &basic_update()).unwrap();
    let report = analyse_modifications(&out, original.len()).unwrap();
    assert_eq!(report.level, ModificationLevel::Other, "{report:?}");
    assert!(report.changes.iter().any(|c| c.object == Some((7, 0))));
}

#[test]
fn signed_document_stays_intact() {
    for (name, original) in [
        ("classic", classic_doc("", &[])),
        ("xrefstream", xref_stream_doc()),
    ] {
        let request = signature_request("Sig", "ETSI.CAdES.detached", [0.0; 4]);
        let signed = prepare_signature(&original, &request)
            .unwrap()
            .finish(b"\x30\x03dummy-cms")
            .unwrap();
        let out = append_dss(&signed, &basic_update()).unwrap();
        let doc = check_appended(&signed, &out, &format!("{name}-signed"));
        check_basic_dss(&doc);
        let sigs = find_signatures(&doc);
        assert_eq!(sigs.len(), 1);
        assert_eq!(
            sigs[0].coverage(&out),
            Coverage::EntireRevision {
                signed_len: signed.len()
            }
        );
        let report = analyse_modifications(&out, sigs[0].signed_len().unwrap()).unwrap();
        assert_eq!(report.level, ModificationLevel::LtaUpdates, "{report:?}");
    }
}

#[test]
fn encrypted_documents_are_refused() {
    let path = PathBuf::from(CORPORA).join("pdf-signed/dss/encrypted.pdf");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("{} missing: skipped", path.display());
        return;
    };
    assert!(append_dss(&bytes, &basic_update()).is_err());
}

/// Files from other tools with a DSS already (pyHanko with indirect arrays, EU DSS with VRI).
#[test]
fn corpus_files_with_a_dss_are_merged() {
    let files = [
        "pdf-signed/pyhanko/pades-lta-dss-indirect-arrs-test.pdf",
        "pdf-signed/pyhanko/pades-lta-dss-indirect-arrs-test-2.pdf",
        "pdf-signed/dss/test-with-vri.pdf",
        "pdf-signed/dss/pades-lt-extended-dss.pdf",
        "pdf-signed/dss/PAdES-LT.pdf",
    ];
    let mut seen = 0;
    for file in files {
        let Ok(original) = std::fs::read(PathBuf::from(CORPORA).join(file)) else {
            eprintln!("{file} missing: skipped");
            continue;
        };
        seen += 1;
        let before = load_document(&original).unwrap();
        let old_certs = contents(&before, b"Certs");
        let old_refs = refs(&before, dss(&before), b"Certs");
        let new_cert = b"\x30\x0ea new certificate".to_vec();
        let mut update = DssUpdate {
            certs: vec![new_cert.clone()],
            ..Default::default()
        };
        if let Some(existing) = old_certs.first() {
            update.certs.push(existing.clone());
        }
        let out = append_dss(&original, &update).unwrap();
        assert_eq!(&out[..original.len()], &original[..]);
        let after = load_document(&out).unwrap();
        assert_eq!(stream_count(&after), stream_count(&before) + 1, "{file}");
        let new_refs = refs(&after, dss(&after), b"Certs");
        assert_eq!(&new_refs[..old_refs.len()], &old_refs[..], "{file}");
        assert_eq!(new_refs.len(), old_refs.len() + 1, "{file}");
        assert_eq!(contents(&after, b"Certs").last(), Some(&new_cert));
        assert_eq!(contents(&after, b"CRLs"), contents(&before, b"CRLs"));
        assert_eq!(contents(&after, b"OCSPs"), contents(&before, b"OCSPs"));
        // The new revision is DSS-only, and every signature still covers its revision.
        let report = compare(&before, &after);
        assert!(
            report.level <= ModificationLevel::LtaUpdates,
            "{file}: {report:?}"
        );
        for sig in find_signatures(&after) {
            assert!(
                matches!(sig.coverage(&out), Coverage::EntireRevision { .. }),
                "{file}: {}",
                sig.field_name
            );
        }
        qpdf_check(&out, &file.replace('/', "-"));
    }
    eprintln!("{seen} corpus files checked");
}

/// A revision that adds an invisible document time-stamp is long-term validation material
/// (`lta_updates`), like a DSS; the same revision with a signature, or a visible widget, is not.
#[test]
fn document_timestamp_revisions_are_lta_updates() {
    let original = classic_doc("", &[]);
    let add = |kind: &str, sub_filter: &str, rect: [f32; 4]| {
        let request = signature_request(kind, sub_filter, rect);
        let out = prepare_signature(&original, &request)
            .unwrap()
            .finish(b"\x30\x03dummy")
            .unwrap();
        analyse_modifications(&out, original.len()).unwrap().level
    };
    assert_eq!(
        add("DocTimeStamp", "ETSI.RFC3161", [0.0; 4]),
        ModificationLevel::LtaUpdates
    );
    assert_eq!(
        add("Sig", "ETSI.CAdES.detached", [0.0; 4]),
        ModificationLevel::Signing
    );
    assert_eq!(
        add("DocTimeStamp", "ETSI.RFC3161", [100.0, 100.0, 200.0, 150.0]),
        ModificationLevel::Signing
    );
}

/// An incremental update of `original` (classic xref) that rewrites or adds `objects`.
fn append_update(original: &[u8], objects: &[(u32, &[u8])], size: u32) -> Vec<u8> {
    let mut out = original.to_vec();
    let mut xref = String::from("xref\n");
    let mut offsets = Vec::new();
    for (n, body) in objects {
        offsets.push((*n, out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    for (n, off) in offsets {
        xref.push_str(&format!("{n} 1\n{off:010} 00000 n\r\n"));
    }
    let start = out.len();
    let prev = last_startxref(original).unwrap();
    out.extend_from_slice(xref.as_bytes());
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root 1 0 R /Info 5 0 R /Prev {prev} {ID} >>\nstartxref\n{start}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

#[test]
fn an_indirect_extensions_dictionary_gaining_esic_is_an_lta_update() {
    let adbe = b"/ADBE << /BaseVersion /1.7 /ExtensionLevel 8 >>";
    let original = classic_doc("/Extensions 6 0 R", &[[b"<< ", &adbe[..], b" >>"].concat()]);
    let level = |body: &[u8]| {
        let out = append_update(&original, &[(6, body)], 7);
        qpdf_check(&out, "extensions");
        analyse_modifications(&out, original.len()).unwrap().level
    };
    let esic = b"/ESIC << /BaseVersion /1.7 /ExtensionLevel 5 >>";
    assert_eq!(
        level(&[b"<< ", &adbe[..], b" ", &esic[..], b" >>"].concat()),
        ModificationLevel::LtaUpdates
    );
    // Any other extension changed is a signer's declaration, as for a direct /Extensions.
    assert_eq!(
        level(b"<< /ADBE << /BaseVersion /1.7 /ExtensionLevel 3 >> >>"),
        ModificationLevel::Signing
    );
}
