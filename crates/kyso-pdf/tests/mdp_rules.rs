//! Modification-analysis rules on real files of the attack corpus, and field locks.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kyso_pdf::signatures::FieldLock;
use kyso_pdf::{ModificationLevel, analyse_modifications, find_signatures, load_document};

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora/");

/// The level of the changes made after the first signature of a corpus file.
fn first_signature_level(file: &str) -> (ModificationLevel, Vec<String>) {
    let bytes = std::fs::read(format!("{CORPORA}{file}")).unwrap();
    let doc = load_document(&bytes).unwrap();
    let sig = &find_signatures(&doc)[0];
    let report = analyse_modifications(&bytes, sig.signed_len().unwrap()).unwrap();
    let what = report
        .changes
        .iter()
        .map(|c| c.description.clone())
        .collect();
    (report.level, what)
}

#[test]
fn structure_tree_tagging_of_a_new_signature_widget_is_signing() {
    let (level, what) = first_signature_level("pdf-attacks/dss/pdf-structtreeroot-changes.pdf");
    assert_eq!(level, ModificationLevel::Signing, "{what:?}");
}

#[test]
fn signing_a_field_whose_appearance_is_shared_is_refused() {
    for file in [
        "pdf-attacks/pyhanko/form-update-no-override-appearance-stream-ap-indirect-sneaky.pdf",
        "pdf-attacks/pyhanko/form-update-ap-indirect-sneaky-trailer.pdf",
        "pdf-attacks/pyhanko/form-update-override-appearance-stream-sneaky.pdf",
    ] {
        let (level, what) = first_signature_level(file);
        assert_eq!(level, ModificationLevel::Other, "{file}: {what:?}");
    }
}

#[test]
fn an_appearance_redrawn_over_an_unchanged_value_is_refused() {
    let (level, what) = first_signature_level("pdf-attacks/dss/dss-2236/replace.pdf");
    assert_eq!(level, ModificationLevel::Other, "{what:?}");
    assert!(
        what.iter().any(|w| w.contains("value stayed the same")),
        "{what:?}"
    );
}

#[test]
fn objects_after_the_last_eof_are_a_change() {
    let bytes = std::fs::read(format!(
        "{CORPORA}pdf-attacks/pyhanko/form-update-no-override-appearance-stream-ap-indirect-sneaky.pdf"
    ))
    .unwrap();
    let mut tampered = bytes.clone();
    tampered.extend_from_slice(b"4 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\n");
    let report = analyse_modifications(&tampered, bytes.len()).unwrap();
    assert_eq!(report.level, ModificationLevel::Other, "{report:?}");
    let mut padded = bytes.clone();
    padded.extend_from_slice(b"\n\n   \0\0");
    assert_eq!(
        analyse_modifications(&padded, bytes.len()).unwrap().level,
        ModificationLevel::None
    );
}

#[test]
fn field_locks_cover_subtrees() {
    let include = FieldLock::Include(vec!["a".into(), "b.c".into()]);
    assert!(include.locks("a"));
    assert!(include.locks("a.x"));
    assert!(!include.locks("ab"));
    assert!(include.locks("b.c.d"));
    assert!(!include.locks("b"));
    let exclude = FieldLock::Exclude(vec!["a".into()]);
    assert!(!exclude.locks("a.x"));
    assert!(exclude.locks("z"));
    assert!(FieldLock::All.locks("anything"));
}
