//! A document's signature fields without any cryptographic check: what a page shows before
//! (or instead of) verifying.

use crate::Error;

/// The signature fields of a PDF and how their byte ranges cover it, without verifying
/// anything (no certificates needed), as JSON: `{"revisions": N, "signatures": [{"field",
/// "kind", "filter", "sub_filter", "byte_range", "coverage", "signed_length",
/// "pdf_signing_time", "name", "reason", "location", "docmdp_permissions", "page",
/// "contents_length"}]}` (what the WASM `inspectPdf` returns).
pub fn inspect_pdf_json(bytes: &[u8]) -> Result<String, Error> {
    let doc = kyso_pdf::load_document(bytes)?;
    let signatures: Vec<serde_json::Value> = kyso_pdf::find_signatures(&doc)
        .iter()
        .map(|s| {
            let (coverage, signed_length) = match s.coverage(bytes) {
                kyso_pdf::Coverage::EntireFile => ("entire_file", Some(bytes.len())),
                kyso_pdf::Coverage::EntireRevision { signed_len } => {
                    ("entire_revision", Some(signed_len))
                }
                kyso_pdf::Coverage::Invalid { .. } => ("invalid", None),
            };
            serde_json::json!({
                "field": s.field_name,
                "kind": match s.kind {
                    kyso_pdf::SignatureKind::DocTimeStamp => "doc_timestamp",
                    kyso_pdf::SignatureKind::Signature => "signature",
                },
                "filter": s.filter,
                "sub_filter": s.sub_filter,
                "byte_range": s.byte_range,
                "coverage": coverage,
                "signed_length": signed_length,
                "pdf_signing_time": s.signing_time,
                "name": s.name,
                "reason": s.reason,
                "location": s.location,
                "docmdp_permissions": s.docmdp_permissions,
                "page": s.page,
                "contents_length": s.contents.len(),
            })
        })
        .collect();
    Ok(serde_json::json!({
        "revisions": kyso_pdf::load::revision_ends(bytes).len(),
        "signatures": signatures,
    })
    .to_string())
}
