//! The bodies of kyso's fuzz targets, one function per target in `fuzz_targets/`.
//!
//! Kept in one file with no crate-level attributes so that the stable regression test
//! (`bindings/c/tests/fuzz_regressions.rs`) can include it with `#[path]` and run every input of
//! `fuzz/regressions/<target>/` through exactly the code the fuzzer runs. Every function must
//! return normally on any input: a panic is a bug (in WASM a panic aborts), and the few
//! `assert!`s below state properties that must hold (e.g. an incremental update keeps the
//! original bytes as a prefix).
//!
//! Only the facade (`kyso`, which re-exports the inner crates) and the C ABI (`kyso_ffi`) are
//! named, plus `der` for its traits.

use std::ffi::CString;
use std::sync::OnceLock;

use der::{EncodePem, pem::LineEnding};
use kyso::demo::DemoPki;
use kyso_policy::{DateTime, PathOptions, StoredCertificate, TrustStore};

/// The fixed validation time of every target: 2026-01-01T00:00:00Z.
pub const FIXED_UNIX: u64 = 1_767_225_600;

/// The names of the targets, as in `fuzz/Cargo.toml` and `fuzz/regressions/`.
pub const TARGETS: &[&str] = &[
    "verify_pdf",
    "revisions",
    "sign_pdf",
    "cms",
    "certificates",
    "crl",
    "ocsp",
    "timestamp",
    "dss",
    "ffi",
    "placement",
    "edxml",
];

/// Run the target called `name` on `data` (for the regression test); `false` for an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "verify_pdf" => verify_pdf(data),
        "revisions" => revisions(data),
        "sign_pdf" => sign_pdf(data),
        "cms" => cms(data),
        "certificates" => certificates(data),
        "crl" => crl(data),
        "ocsp" => ocsp(data),
        "timestamp" => timestamp(data),
        "dss" => dss(data),
        "ffi" => ffi(data),
        "placement" => placement(data),
        "edxml" => edxml(data),
        _ => return false,
    }
    true
}

fn fixed_time() -> DateTime {
    DateTime::new(2026, 1, 1, 0, 0, 0).unwrap_or(DateTime::INFINITY)
}

/// The demo PKI made once at the fixed time (its keys are random: a crash never depends on
/// them, since no fuzzed input carries a valid signature by one of them).
fn demo() -> Option<&'static DemoPki> {
    static DEMO: OnceLock<Option<DemoPki>> = OnceLock::new();
    DEMO.get_or_init(|| DemoPki::generate(FIXED_UNIX).ok())
        .as_ref()
}

/// A trust store with the demo root as its only anchor and the demo CA as intermediate.
fn demo_store() -> TrustStore {
    let mut store = TrustStore::new();
    if let Some(pki) = demo() {
        let _ = store.add_anchor(pki.root.clone());
        let _ = store.add_intermediate(pki.ca.clone());
    }
    store
}

/// Verification options at the fixed time, demo root trusted, demo CRLs supplied.
fn demo_verify_options() -> kyso::VerifyOptions {
    let mut options = kyso::VerifyOptions::new(demo_store(), fixed_time());
    if let Some(pki) = demo() {
        options.revocation_data.crls = pki.crls();
    }
    options
}

/// Split `data` into consecutive DER TLVs (certificates, CRLs, OCSP responses written one after
/// the other, as the seeds are made by `cat`). Where no well-formed TLV header starts, the rest
/// is one last piece. At most `max` pieces.
pub fn split_der(data: &[u8], max: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::new();
    let mut rest = data;
    while !rest.is_empty() && pieces.len() < max {
        match tlv_len(rest) {
            Some(n) if n <= rest.len() && pieces.len() + 1 < max => {
                pieces.push(&rest[..n]);
                rest = &rest[n..];
            }
            _ => {
                pieces.push(rest);
                break;
            }
        }
    }
    pieces
}

/// The length of the DER TLV at the start of `b` (tag, length and value), if its header is
/// well-formed (single-byte tag, definite length of at most 4 length bytes).
fn tlv_len(b: &[u8]) -> Option<usize> {
    let first = *b.get(1)?;
    if first < 0x80 {
        return Some(2 + usize::from(first));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | usize::from(*b.get(2 + i)?);
    }
    (2 + n).checked_add(len)
}

/// Leading pieces that parse as certificates (at most `max_certs`), then the others.
fn certs_then_rest<'a>(
    pieces: &[&'a [u8]],
    max_certs: usize,
) -> (Vec<StoredCertificate>, Vec<&'a [u8]>) {
    let mut certs = Vec::new();
    let mut i = 0;
    while i < pieces.len() && certs.len() < max_certs {
        match StoredCertificate::from_der(pieces[i]) {
            Ok(c) => certs.push(c),
            Err(_) => break,
        }
        i += 1;
    }
    (certs, pieces[i..].to_vec())
}

// ---------------------------------------------------------------------------------------------
// PDF

/// Whole-document verification at the fixed time, no trust anchor: a report or an error, from
/// the sparse copy without large image data (as every caller's) and from every byte; the first
/// must never find VALID what the second does not.
pub fn verify_pdf(data: &[u8]) {
    let options = kyso::VerifyOptions::new(TrustStore::new(), fixed_time());
    let whole = kyso_verify::verify_pdf_whole(data, &options).map(|r| r.verdict);
    let sparse = kyso::verify_pdf(data, &options).map(|r| r.verdict);
    if matches!(sparse, Ok(kyso::Verdict::Valid)) {
        assert!(
            matches!(whole, Ok(kyso::Verdict::Valid)),
            "sparse VALID, whole {whole:?}"
        );
    }
}

/// Revisions and modification analysis: every revision end (each `%%EOF`, the signatures'
/// signed lengths) compared with the later revisions, through one [`Revisions`] cache.
///
/// [`Revisions`]: kyso_pdf::diff::Revisions
pub fn revisions(data: &[u8]) {
    let view = kyso_pdf::PdfView::whole(data);
    let revisions = kyso_pdf::diff::Revisions::new(&view);
    let mut ends = kyso_pdf::load::revision_ends(data);
    if let Ok(doc) = kyso_pdf::load_document(data) {
        for sig in kyso_pdf::find_signatures(&doc).iter().take(8) {
            let _ = sig.coverage(data);
            if let Some(len) = sig.signed_len() {
                ends.push(len);
            }
        }
        let _ = kyso_pdf::signatures::document_mdp(&doc);
        let _ = kyso_pdf::incremental::unsigned_signature_fields(&doc);
        let _ = kyso_pdf::incremental::free_signature_field_name(&doc);
    }
    ends.sort_unstable();
    ends.dedup();
    for end in ends.into_iter().take(8) {
        let _ = revisions.analyse(end);
    }
    let _ = revisions.analyse(data.len() / 2);
}

/// The incremental writer: sign whatever lopdf reads with the demo signer at the fixed time.
/// When signing succeeds, the input must be an exact prefix of the output, and kyso's verifier
/// must find the new signature in it with integrity and signature checks passed.
pub fn sign_pdf(data: &[u8]) {
    if kyso_pdf::load_document(data).is_err() {
        return;
    }
    let Some(signer) = demo_signer() else {
        return;
    };
    let options = kyso::PadesOptions::new(kyso::SigningTime {
        unix_seconds: FIXED_UNIX,
        offset_minutes: 7 * 60,
    });
    if let Ok(signed) = kyso::sign_pdf(data, signer, &options) {
        assert!(
            signed.bytes.starts_with(data),
            "the signed file does not start with the original bytes"
        );
        // What kyso signs, kyso must read back: the new signature is found, its bytes intact
        // and its CMS signature good (the demo root is trusted).
        let report = match kyso::verify_pdf(&signed.bytes, &demo_verify_options()) {
            Ok(report) => report,
            Err(e) => panic!("kyso cannot verify the file it has just signed: {e}"),
        };
        let ours = report
            .signatures
            .iter()
            .find(|s| s.field == signed.field_name);
        let passed = kyso_verify::report::CheckStatus::Passed;
        assert!(
            ours.is_some_and(|s| s.checks.integrity == passed && s.checks.signature == passed),
            "the signature just made is missing or broken in the signed file: {}",
            report.to_json()
        );
    }
}

fn demo_signer() -> Option<&'static kyso::token::SoftwareSigner> {
    static SIGNER: OnceLock<Option<kyso::token::SoftwareSigner>> = OnceLock::new();
    SIGNER
        .get_or_init(|| demo().and_then(|pki| pki.software_signer().ok()))
        .as_ref()
}

/// Placement in blank space: the marks of the first pages (`kyso_pdf::text_boxes`, bounded work
/// on any content) are finite boxes, and an attachment block signed without a rectangle (placed
/// by the search over them) keeps the input as a prefix.
pub fn placement(data: &[u8]) {
    let Ok(doc) = kyso_pdf::load_document(data) else {
        return;
    };
    let pages = kyso_pdf::load::page_ids(&doc).len().min(4) as u32;
    for page in 1..=pages {
        if let Ok(content) = kyso_pdf::page_content_boxes(&doc, page) {
            assert!(
                content
                    .boxes
                    .iter()
                    .all(|b| b.rect.iter().all(|v| v.is_finite())),
                "a mark's box has a non-finite corner"
            );
        }
    }
    let (Some(signer), Ok(font)) = (demo_signer(), kyso::workflows::TextFont::builtin()) else {
        return;
    };
    let attachment = kyso::workflows::AttachmentOptions {
        doc_number: "125/QĐ-UBND".into(),
        font,
        placement: Default::default(),
    };
    let options = kyso::PadesOptions::new(kyso::SigningTime {
        unix_seconds: FIXED_UNIX,
        offset_minutes: 7 * 60,
    });
    if let Ok(signed) = kyso::workflows::sign_attachment(data, signer, &attachment, &options) {
        assert!(
            signed.bytes.starts_with(data),
            "the signed file does not start with the original bytes"
        );
    }
}

/// DSS reading (`/DSS` of a parsed document) and DSS writing: append fixed validation data; the
/// input must stay a prefix, the result must load with the same signatures and the added data.
pub fn dss(data: &[u8]) {
    let Ok(doc) = kyso_pdf::load_document(data) else {
        return;
    };
    let found = kyso_verify::revocation::dss_data(&doc);
    let Some(pki) = demo() else {
        return;
    };
    if let Some(found) = found {
        // Whatever the DSS holds is handed to the revocation checker for the demo chain.
        let path = [pki.signer.clone(), pki.ca.clone(), pki.root.clone()];
        let options = kyso_policy::revocation::RevocationOptions::at(fixed_time());
        let _ = kyso_policy::revocation::check_path(&path, &found, &options);
    }
    let update = kyso_pdf::DssUpdate {
        certs: der_of(&[&pki.ca]),
        crls: pki.crls(),
        ocsps: Vec::new(),
        vri: Vec::new(),
    };
    if let Ok(out) = kyso_pdf::append_dss(data, &update) {
        assert!(
            out.starts_with(data),
            "append_dss changed the original bytes"
        );
        // The update reads back: the same signatures, and the DSS holds what was added.
        let names = |doc: &kyso_pdf::lopdf::Document| -> Vec<String> {
            kyso_pdf::find_signatures(doc)
                .into_iter()
                .map(|s| s.field_name)
                .collect()
        };
        let reread = match kyso_pdf::load_document(&out) {
            Ok(doc) => doc,
            Err(e) => panic!("the file with the DSS appended does not load: {e}"),
        };
        assert_eq!(
            names(&doc),
            names(&reread),
            "appending a DSS changed the signatures"
        );
        let added = kyso_verify::revocation::dss_data(&reread)
            .is_some_and(|d| update.crls.iter().all(|c| d.crls.contains(c)));
        assert!(added, "the appended DSS does not read back");
    }
}

fn der_of(certs: &[&kyso_policy::Certificate]) -> Vec<Vec<u8>> {
    use der::Encode;
    certs.iter().filter_map(|c| c.to_der().ok()).collect()
}

// ---------------------------------------------------------------------------------------------
// CMS, certificates, revocation data, time-stamps

/// CMS SignedData: detached with a digest callback, and attached or detached with content.
pub fn cms(data: &[u8]) {
    let mut digest = |_: &der::asn1::ObjectIdentifier| Ok(vec![0u8; 32]);
    let _ = kyso_verify::cms::verify_detached(data, &mut digest);
    let _ = kyso_verify::cms::verify_attached_or_detached_with_content(data, b"kyso");
}

/// Certificate parsing (PEM, DER, PKCS#7, or DER certificates written one after the other) and
/// path building: the first certificate is the leaf, the others candidates; validated against
/// the fixed demo anchor, and against the bundle's last certificate as anchor.
pub fn certificates(data: &[u8]) {
    let mut certs = kyso_policy::trust::parse_certificates(data).unwrap_or_default();
    if certs.len() <= 1 {
        let (split, _) = certs_then_rest(&split_der(data, 16), 16);
        if split.len() > certs.len() {
            certs = split;
        }
    }
    certs.truncate(16);
    let Some((leaf, extra)) = certs.split_first() else {
        return;
    };
    let options = PathOptions::at(fixed_time());
    let _ = kyso_policy::validate_path_stored(leaf, extra, &demo_store(), &options);
    if let Some(last) = certs.last() {
        let mut store = TrustStore::new();
        if store.add_anchor(last.certificate.clone()).is_ok() {
            let result = kyso_policy::validate_path_stored(leaf, extra, &store, &options);
            let _ = result.is_valid();
        }
    }
    for c in &certs {
        let _ = kyso_policy::revocation::crl_urls(&c.certificate);
        let _ = kyso_policy::revocation::aia_urls(&c.certificate);
        let _ = kyso_verify::timestamp::check_tsa_certificate(&c.certificate);
    }
    let path: Vec<_> = certs.iter().map(|c| c.certificate.clone()).collect();
    let _ = kyso_policy::revocation::revocation_needs(&path, None);
}

/// Revocation checking with CRLs: the input is DER written one after the other: certificates
/// (the checked one, then its issuer and the path above it), then CRLs. A lone CRL is parsed.
pub fn crl(data: &[u8]) {
    let _ = kyso_policy::revocation::parse_crl(data);
    revocation(data, |rest| {
        kyso_verify::revocation::data_from(rest, Vec::new())
    });
}

/// Revocation checking with OCSP responses, the input laid out as for [`crl`].
pub fn ocsp(data: &[u8]) {
    revocation(data, |rest| {
        kyso_verify::revocation::data_from(Vec::new(), rest)
    });
}

fn revocation(
    data: &[u8],
    supplied: impl Fn(Vec<Vec<u8>>) -> kyso_policy::revocation::RevocationData,
) {
    let pieces = split_der(data, 12);
    let (certs, rest) = certs_then_rest(&pieces, 6);
    let supplied = supplied(rest.iter().map(|r| r.to_vec()).collect());
    let path: Vec<_> = certs.into_iter().map(|c| c.certificate).collect();
    let options = kyso_policy::revocation::RevocationOptions::at(fixed_time());
    if let Some((cert, above)) = path.split_first() {
        for is_ca in [false, true] {
            let _ =
                kyso_policy::revocation::check_certificate(cert, above, is_ca, &supplied, &options);
        }
        let _ = kyso_policy::revocation::check_path(&path, &supplied, &options);
    } else if let Some(pki) = demo() {
        // No certificate in front: check the demo chain against whatever the input holds.
        let path = [pki.signer.clone(), pki.ca.clone(), pki.root.clone()];
        let _ = kyso_policy::revocation::check_path(&path, &supplied, &options);
    }
}

/// Time-stamp tokens: read (with and without an imprint to check), then the TSA certificate and
/// its path from the token's own certificates, against the demo anchor and the token's last.
pub fn timestamp(data: &[u8]) {
    let _ = kyso_verify::timestamp::read_timestamp(data, Some(b"kyso"));
    let Ok(info) = kyso_verify::timestamp::read_timestamp(data, None) else {
        return;
    };
    let Some(tsa) = info.tsa_certificate.as_ref() else {
        return;
    };
    let _ = kyso_verify::timestamp::check_tsa_certificate(tsa);
    let options = PathOptions::at(info.gen_time);
    let extra: Vec<_> = info.certificates.iter().take(16).cloned().collect();
    let _ = kyso_policy::validate_path(tsa, &extra, &demo_store(), &options);
    if let Some(last) = extra.last() {
        let mut store = TrustStore::new();
        if store.add_anchor(last.clone()).is_ok() {
            let _ = kyso_policy::validate_path(tsa, &extra, &store, &options);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The C ABI

/// The C ABI entry points with fuzzed bytes. The first byte picks the function:
/// 0 `kyso_verify_pdf`, 1 `kyso_verify_certificate` (fixed options: demo root trusted, fixed
/// time, embedded revocation data), 2 `kyso_ltv_add` (`{}`: offline, nothing added but what the
/// signatures carry), 3 `kyso_verify_pdf` of the demo sample document with the rest as the
/// options JSON (no `/` allowed, so that the options cannot name files to read).
/// No call may report `KYSO_ERR_PANIC`.
pub fn ffi(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 4 {
        0 => ffi_call(|out, err| unsafe {
            kyso_ffi::kyso_verify_pdf(rest.as_ptr(), rest.len(), ffi_options().as_ptr(), out, err)
        }),
        1 => ffi_call(|out, err| unsafe {
            kyso_ffi::kyso_verify_certificate(
                rest.as_ptr(),
                rest.len(),
                ffi_options().as_ptr(),
                out,
                err,
            )
        }),
        2 => {
            let mut summary: *mut kyso_ffi::KysoBuffer = std::ptr::null_mut();
            ffi_call(|out, err| unsafe {
                kyso_ffi::kyso_ltv_add(
                    rest.as_ptr(),
                    rest.len(),
                    c"{}".as_ptr(),
                    out,
                    &mut summary,
                    err,
                )
            });
            unsafe { kyso_ffi::kyso_buffer_free(summary) };
        }
        _ => {
            if rest.contains(&b'/') {
                return;
            }
            let json = match rest.iter().position(|&b| b == 0) {
                Some(nul) => &rest[..nul],
                None => rest,
            };
            let Ok(json) = CString::new(json) else {
                return;
            };
            let pdf = sample_pdf();
            ffi_call(|out, err| unsafe {
                kyso_ffi::kyso_verify_pdf(pdf.as_ptr(), pdf.len(), json.as_ptr(), out, err)
            });
        }
    }
}

/// Call one C ABI function with an output buffer and an error, check the result code, free both.
fn ffi_call(
    call: impl FnOnce(*mut *mut kyso_ffi::KysoBuffer, *mut *mut kyso_ffi::KysoError) -> i32,
) {
    let mut out: *mut kyso_ffi::KysoBuffer = std::ptr::null_mut();
    let mut err: *mut kyso_ffi::KysoError = std::ptr::null_mut();
    let rc = call(&mut out, &mut err);
    let code = unsafe { kyso_ffi::kyso_error_code(err) };
    unsafe {
        kyso_ffi::kyso_buffer_free(out);
        kyso_ffi::kyso_error_free(err);
    }
    assert!(
        rc != kyso_ffi::KYSO_ERR_PANIC && code != kyso_ffi::KYSO_ERR_PANIC,
        "a panic crossed to the C ABI boundary"
    );
}

/// `{"trust": [demo root PEM], "at": "2026-01-01T00:00:00Z", "revocation": "embedded"}`.
fn ffi_options() -> &'static CString {
    static OPTIONS: OnceLock<CString> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let root = demo()
            .and_then(|pki| pki.root.to_pem(LineEnding::LF).ok())
            .map(|pem| vec![pem])
            .unwrap_or_default();
        let json = serde_json::json!({
            "trust": root,
            "at": "2026-01-01T00:00:00Z",
            "revocation": "embedded",
        });
        CString::new(json.to_string()).unwrap_or_default()
    })
}

/// edXML packages: read, attachments decoded within a bound, the XML signature checked and each
/// attached PDF verified (demo PKI trusted); extracted names are one path component.
pub fn edxml(data: &[u8]) {
    let _ = kyso::edxml::verify_edxml(data, &demo_verify_options());
    if let Ok(parts) = kyso::edxml::extract_attachments(data, 1 << 20) {
        for (_, decoded) in parts {
            for doc in decoded.into_iter().flatten() {
                let name = kyso::edxml::safe_file_name(&doc.name, "f");
                assert!(
                    !name.contains(['/', '\\']) && name != ".." && name != "." && !name.is_empty(),
                    "unsafe name {name:?}"
                );
            }
        }
    }
}

/// Make the shared fixtures (the demo PKI's RSA keys, options, the sample PDF) before fuzzing
/// starts: made lazily inside the first input, key generation on a busy machine can outlast
/// libFuzzer's per-input timeout and be reported as a hang of that input.
pub fn init() {
    let _ = demo_signer();
    let _ = ffi_options();
    let _ = sample_pdf();
}

fn sample_pdf() -> &'static [u8] {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(kyso::demo::sample_pdf)
}
