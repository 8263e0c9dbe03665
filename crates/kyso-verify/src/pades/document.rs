//! The document as a whole: its signatures checked from the last back (document time-stamps
//! prove the time of the earlier ones), the verdict, and the findings about the file itself
//! (unreadable DSS entries, a repaired cross-reference table, no or unreferenced signatures).

use kyso_pdf::{ByteSource, PdfView, SignatureKind};
use kyso_policy::reason::Msg;
use kyso_policy::time::{parse_rfc3339, rfc3339};

use super::modifications::mdp_rules;
use super::{SignatureContext, VerifyOptions};
use crate::VerifyError;
use crate::report::{Indication, Report, SCHEMA, Verdict};

/// Verify every signature of the PDF in `bytes` with the fetcher as given (the crate's
/// [`crate::verify_pdf`] applies the network policy first, and is the only way in).
///
/// `view` is what is parsed, `source` what is hashed: the same bytes, or a sparse copy of a file
/// and the file itself. A sparse copy that turns out not to read as the file does is noticed by
/// the caller ([`PdfView::matched`]), which then discards this report.
pub(crate) fn verify_pdf(
    view: &PdfView<'_>,
    source: &dyn ByteSource,
    options: &VerifyOptions,
) -> Result<Report, VerifyError> {
    // A large file's hashing starts now, beside the parsing (range_digests::Ahead).
    std::thread::scope(|scope| {
        let ahead = super::range_digests::Ahead::start(scope, source, view);
        verify_with(view, source, options, ahead)
    })
}

fn verify_with<'a>(
    view: &PdfView<'_>,
    source: &'a dyn ByteSource,
    options: &VerifyOptions,
    ahead: Option<super::range_digests::Ahead<'a>>,
) -> Result<Report, VerifyError> {
    let bytes = view.bytes();
    let revisions = kyso_pdf::diff::Revisions::new(view);
    let doc = revisions.latest()?;
    let signatures = kyso_pdf::find_signatures(doc);
    let revision_ends = view.revision_ends();
    let digests = super::range_digests::RangeDigests::new(source, &signatures, ahead);
    // Every revision from the first signed one on is compared: parse them all now, in parallel.
    if let Some(first) = signatures.iter().filter_map(|s| s.signed_len()).min() {
        revisions.parse_from(first);
    }
    let mdp = mdp_rules(doc, &signatures);
    let has_dss = kyso_pdf::load::catalog(doc)
        .map(|(_, c)| c.has(b"DSS"))
        .unwrap_or(false);
    // Revocation data embedded in the document (DSS) is used with what the caller supplied.
    // (With revocation off it is not used for revocation, but still completes chains and
    // tells which level the document reaches.)
    let dss = crate::revocation::read_dss(doc);
    let embedded = dss.data;
    let mut doc_reasons = Vec::new();
    if dss.skipped > 0 {
        doc_reasons.push(
            Msg::DssEntryUnreadable {
                count: &dss.skipped,
            }
            .reason(),
        );
    }
    if doc.xref_recovery.is_some() {
        doc_reasons.push(Msg::PdfXrefRepaired {}.reason());
    }

    // Document time-stamps are checked from the last one back: the last is validated at the
    // validation time; each earlier one at the time of the next valid one, which proves it
    // existed then (the archive chain of EN 319 102-1 §5.6.3). Reports stay in document order.
    let mut reports = Vec::new();
    let mut poe = options.validation_time;
    for (index, sig) in signatures.iter().enumerate().rev() {
        let later_doc_ts = signatures[index + 1..]
            .iter()
            .any(|s| s.kind == SignatureKind::DocTimeStamp);
        let ctx = SignatureContext {
            bytes,
            options,
            mdp: &mdp,
            has_dss,
            embedded: &embedded,
            later_doc_ts,
            doc_ts_time: poe,
            revision_ends,
            revisions: &revisions,
            digests: &digests,
        };
        let report = ctx.verify(sig);
        if sig.kind == SignatureKind::DocTimeStamp
            && report.indication == Indication::TotalPassed
            && let Some(t) = report
                .signing_time
                .as_ref()
                .and_then(|t| parse_rfc3339(&t.value))
        {
            poe = t;
        }
        reports.push(report);
    }
    reports.reverse();
    if let Some(e) = digests.read_error() {
        return Err(VerifyError::Read(e));
    }

    let verdict = if reports.is_empty() {
        Verdict::NoSignatures
    } else if reports
        .iter()
        .any(|r| r.indication == Indication::TotalFailed)
    {
        Verdict::Invalid
    } else if reports
        .iter()
        .any(|r| r.indication == Indication::Indeterminate)
    {
        Verdict::Indeterminate
    } else {
        Verdict::Valid
    };
    if reports.is_empty() && kyso_pdf::load::find(bytes, b"/ByteRange").is_some() {
        doc_reasons.push(Msg::UnreferencedSignature {}.reason());
    }
    if reports.is_empty() && doc.trailer.has(b"Encrypt") {
        doc_reasons.push(Msg::EncryptedUnsupported {}.reason());
    }
    if reports.is_empty() {
        doc_reasons.push(Msg::NoSignatures {}.reason());
    }
    Ok(Report {
        schema: SCHEMA,
        verdict,
        file: options.file_name.clone(),
        validation_time: rfc3339(options.validation_time),
        revocation: options.revocation.as_str().into(),
        revisions: revision_ends.len(),
        signatures: reports,
        reasons: doc_reasons,
        fetched: Vec::new(),
    })
}
