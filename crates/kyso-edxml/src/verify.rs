//! A package verified: header fields and agency identifiers, the XML signature (its value,
//! what it covers, its signer's path, key usage and revocation), and every attached PDF
//! verified with the same options as `kyso verify`.

use kyso_policy::path::{PathOptions, PathStatus, validate_path};
use kyso_policy::reason::{Msg, Reason, Severity, Term};
use kyso_verify::{Verdict, VerifyOptions};
use sha2::{Digest, Sha256};

use crate::EdxmlError;
use crate::attachment::{self, AttachmentError, Decoded};
use crate::envelope::{EncodedAttachment, Package};
use crate::organ_id;
use crate::report::{AttachmentReport, HeaderSignature, PackageReport, SCHEMA, SignatureStatus};
use crate::xmldsig::{self, Coverage, Failure};

/// Bound on a package, and on all its decoded attachments together, unless the options set
/// one (`VerifyOptions::max_input_bytes`).
pub const DEFAULT_MAX_PACKAGE: usize = 512 << 20;

fn bound(options: &VerifyOptions) -> usize {
    options.max_input_bytes.unwrap_or(DEFAULT_MAX_PACKAGE)
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One encoded attachment, decoded: its content id and either its documents (several for a
/// zip) or why they could not be decoded.
pub type ExtractedAttachment = (String, Result<Vec<Decoded>, AttachmentError>);

/// The attached documents of a package, decoded (for `kyso edxml extract`).
pub fn extract(bytes: &[u8], limit: usize) -> Result<Vec<ExtractedAttachment>, EdxmlError> {
    if bytes.len() > limit {
        return Err(EdxmlError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    let package = Package::parse(bytes)?;
    Ok(decoded(bytes, &package, limit as u64)
        .map(|(a, docs)| (a.content_id.clone(), docs))
        .collect())
}

/// Each attachment of `package` with its documents decoded, lazily, all of them together
/// inflating to at most `limit` bytes (each zip's own entries are bounded in
/// [`attachment::decode`]).
fn decoded<'a>(
    bytes: &'a [u8],
    package: &'a Package,
    limit: u64,
) -> impl Iterator<Item = (&'a EncodedAttachment, Result<Vec<Decoded>, AttachmentError>)> + 'a {
    let mut left = limit;
    package.attachments.iter().map(move |a| {
        let docs = attachment::decode(&bytes[a.text.clone()], &a.name, left);
        if let Ok(docs) = &docs {
            let size: u64 = docs.iter().map(|d| d.bytes.len() as u64).sum();
            left -= size.min(left);
        }
        (a, docs)
    })
}

/// Verify the package `bytes`.
pub fn verify_package(bytes: &[u8], options: &VerifyOptions) -> Result<PackageReport, EdxmlError> {
    let limit = bound(options);
    if bytes.len() > limit {
        return Err(EdxmlError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    let package = Package::parse(bytes)?;
    let mut reasons = header_findings(&package);

    let signature = if package.has_signature {
        // Package::parse proved the bytes are UTF-8.
        let text = std::str::from_utf8(bytes).unwrap_or_default();
        header_signature(text, &package, options)
    } else {
        HeaderSignature {
            status: SignatureStatus::Absent,
            covers: None,
            signer: None,
            reasons: vec![Msg::EdxmlHeaderUnsigned {}.reason()],
        }
    };

    let attachments = attachments(bytes, &package, options, limit as u64, &mut reasons);
    if attachments.is_empty() {
        reasons.push(Msg::EdxmlNoAttachment {}.reason());
    }
    for a in &attachments {
        if let Some(v) = a.verdict()
            && v != Verdict::Valid
        {
            let verdict = verdict_word(v);
            reasons.push(
                Msg::EdxmlAttachmentNotValid {
                    name: &a.name,
                    verdict: &verdict,
                }
                .reason(),
            );
        }
    }

    let verdict = overall(&reasons, &signature, &attachments);
    Ok(PackageReport {
        schema: SCHEMA,
        verdict,
        file: options.file_name.clone(),
        sha256: hex_sha256(bytes),
        number: package.header.number(),
        header: package.header,
        signature,
        attachments,
        reasons,
    })
}

fn verdict_word(v: Verdict) -> String {
    match v {
        Verdict::Valid => "VALID",
        Verdict::Invalid => "INVALID",
        Verdict::Indeterminate => "INDETERMINATE",
        Verdict::NoSignatures => "NO_SIGNATURES",
    }
    .to_owned()
}

/// Required fields and well-formed agency identifiers.
fn header_findings(package: &Package) -> Vec<Reason> {
    let h = &package.header;
    let mut out = Vec::new();
    if h.from.id.is_empty() {
        out.push(
            Msg::EdxmlHeaderIncomplete {
                field: &"From/OrganId",
            }
            .reason(),
        );
    }
    if h.to.is_empty() {
        out.push(
            Msg::EdxmlHeaderIncomplete {
                field: &"To/OrganId",
            }
            .reason(),
        );
    }
    let ids = std::iter::once(("From/OrganId", &h.from.id))
        .chain(h.to.iter().map(|o| ("To/OrganId", &o.id)))
        .chain(h.trace.iter().map(|t| ("TraceHeader/OrganId", &t.organ_id)));
    for (field, id) in ids {
        if !id.is_empty() && !organ_id::is_valid(id) {
            out.push(
                Msg::EdxmlOrganIdInvalid {
                    field: &field,
                    value: id,
                }
                .reason(),
            );
        } else if id.is_empty() && field != "From/OrganId" {
            out.push(Msg::EdxmlHeaderIncomplete { field: &field }.reason());
        }
    }
    out
}

/// The XML signature(s): each must verify; the signer's certificate must chain to a trust
/// anchor, be allowed to sign documents and not be revoked, at the validation time (an XML
/// signature of QCVN 102 carries no time-stamp).
fn header_signature(text: &str, package: &Package, options: &VerifyOptions) -> HeaderSignature {
    let mut out = HeaderSignature {
        status: SignatureStatus::Valid,
        covers: None,
        signer: None,
        reasons: Vec::new(),
    };
    let results = xmldsig::check_all(text, &package.anchors);
    if results.is_empty() {
        out.status = SignatureStatus::Absent;
        out.reasons.push(Msg::EdxmlHeaderUnsigned {}.reason());
        return out;
    }
    let mut worst = SignatureStatus::Valid;
    let mut covers_header = false;
    for result in results {
        let status = match result {
            Ok(checked) => {
                covers_header |= checked.coverage != Coverage::Other;
                out.covers = Some(match (out.covers, checked.coverage) {
                    (Some(Coverage::Package), _) | (_, Coverage::Package) => Coverage::Package,
                    (Some(Coverage::Header), _) | (_, Coverage::Header) => Coverage::Header,
                    _ => Coverage::Other,
                });
                out.signer = Some(kyso_verify::pades::signer_report(&checked.signer));
                signer_status(&checked, options, &mut out.reasons)
            }
            Err(Failure::NotChecked(why)) => {
                out.reasons
                    .push(Msg::EdxmlSignatureNotChecked { why: &why }.reason());
                SignatureStatus::NotChecked
            }
            Err(Failure::Malformed(detail)) => {
                out.reasons
                    .push(Msg::EdxmlSignatureMalformed { detail: &detail }.reason());
                SignatureStatus::Invalid
            }
            Err(Failure::Digest(uri)) => {
                let quoted = format!("\"{uri}\"");
                let part: &dyn kyso_policy::reason::Param = if uri.is_empty() {
                    &Term::WholePackage
                } else {
                    &quoted
                };
                out.reasons
                    .push(Msg::EdxmlSignatureInvalidDigest { uri: part }.reason());
                SignatureStatus::Invalid
            }
            Err(Failure::Value) => {
                out.reasons
                    .push(Msg::EdxmlSignatureInvalidValue {}.reason());
                SignatureStatus::Invalid
            }
            Err(Failure::NoCertificate) => {
                out.reasons
                    .push(Msg::EdxmlSignerCertificateMissing {}.reason());
                SignatureStatus::Indeterminate
            }
        };
        worst = worse(worst, status);
    }
    if worst == SignatureStatus::Valid && !covers_header {
        out.reasons.push(Msg::EdxmlHeaderNotCovered {}.reason());
        worst = SignatureStatus::NotChecked;
    }
    out.status = worst;
    out
}

fn rank(s: SignatureStatus) -> u8 {
    match s {
        SignatureStatus::Valid | SignatureStatus::Absent => 0,
        SignatureStatus::NotChecked => 1,
        SignatureStatus::Indeterminate => 2,
        SignatureStatus::Invalid => 3,
    }
}

fn worse(a: SignatureStatus, b: SignatureStatus) -> SignatureStatus {
    if rank(b) > rank(a) { b } else { a }
}

/// The signer's certificate: algorithms, path, key usage, revocation.
fn signer_status(
    checked: &xmldsig::Checked,
    options: &VerifyOptions,
    reasons: &mut Vec<Reason>,
) -> SignatureStatus {
    let mut status = SignatureStatus::Valid;
    let mut note = |r: Reason, s: SignatureStatus, status: &mut SignatureStatus| {
        if r.severity == Severity::Error {
            *status = worse(*status, s);
        }
        reasons.push(r);
    };
    for r in options.algorithms.check(&checked.algorithm, None) {
        note(r, SignatureStatus::Invalid, &mut status);
    }
    let mut path_options = PathOptions::at(options.validation_time);
    path_options.algorithm_policy = options.algorithms.clone();
    let path = validate_path(
        &checked.signer,
        &checked.others,
        &options.trust,
        &path_options,
    );
    let valid_chain = (path.status == PathStatus::Valid).then(|| path.path.clone());
    let path_failure = match path.status {
        PathStatus::Valid => SignatureStatus::Valid,
        PathStatus::Invalid => SignatureStatus::Invalid,
        _ => SignatureStatus::Indeterminate,
    };
    for r in path.reasons {
        note(r, path_failure, &mut status);
    }
    if path.status != PathStatus::Valid && status == SignatureStatus::Valid {
        note(
            Msg::ChainInvalid {}.reason(),
            SignatureStatus::Indeterminate,
            &mut status,
        );
    }
    for r in kyso_policy::usage::document_signer_findings(&checked.signer) {
        note(r, SignatureStatus::Invalid, &mut status);
    }
    let decision = kyso_verify::revocation::decide(
        options,
        &Default::default(),
        valid_chain.as_deref(),
        options.validation_time,
        false,
        None,
    );
    let revocation_failure = if decision.failed {
        SignatureStatus::Invalid
    } else {
        SignatureStatus::Indeterminate
    };
    for r in decision.decisive {
        note(r, revocation_failure, &mut status);
    }
    reasons.extend(decision.notes);
    status
}

/// Decode every attachment and verify its PDFs; manifest entries without data are findings.
fn attachments(
    bytes: &[u8],
    package: &Package,
    options: &VerifyOptions,
    limit: u64,
    reasons: &mut Vec<Reason>,
) -> Vec<AttachmentReport> {
    for m in &package.manifest {
        if !package
            .attachments
            .iter()
            .any(|a| a.content_id == m.content_id)
        {
            reasons.push(
                Msg::EdxmlAttachmentMissing {
                    content_id: &m.content_id,
                }
                .reason(),
            );
        }
    }
    let mut out = Vec::new();
    for (a, docs) in decoded(bytes, package, limit) {
        let base = AttachmentReport {
            content_id: a.content_id.clone(),
            name: a.name.clone(),
            content_type: a.content_type.clone(),
            size: 0,
            sha256: String::new(),
            report: None,
            reasons: Vec::new(),
        };
        let docs = match docs {
            Ok(docs) => docs,
            Err(e) => {
                let error = e.to_string();
                let mut r = base;
                r.reasons.push(
                    Msg::EdxmlAttachmentUnreadable {
                        name: &a.name,
                        error: &error,
                    }
                    .reason(),
                );
                out.push(r);
                continue;
            }
        };
        for doc in docs {
            let mut r = base.clone();
            r.name = doc.name.clone();
            r.size = doc.bytes.len();
            r.sha256 = hex_sha256(&doc.bytes);
            if doc.bytes.starts_with(b"%PDF-")
                || a.content_type.eq_ignore_ascii_case("application/pdf")
            {
                let mut opts = options.clone();
                opts.file_name = Some(doc.name.clone());
                match kyso_verify::verify_pdf(&doc.bytes, &opts) {
                    Ok(report) => r.report = Some(report),
                    Err(e) => {
                        let (code, error) = (e.code(), e.to_string());
                        r.reasons.push(
                            Msg::DocumentUnreadable {
                                code: &code,
                                error: &error,
                            }
                            .reason(),
                        );
                    }
                }
            } else {
                r.reasons.push(
                    Msg::EdxmlAttachmentNotPdf {
                        name: &doc.name,
                        content_type: &a.content_type,
                    }
                    .reason(),
                );
            }
            out.push(r);
        }
    }
    out
}

/// INVALID when the package or an attachment is invalid or unsigned, or the XML signature is
/// wrong; INDETERMINATE when the signature's signer or an attachment could not be decided.
fn overall(
    reasons: &[Reason],
    signature: &HeaderSignature,
    attachments: &[AttachmentReport],
) -> Verdict {
    let verdicts: Vec<Verdict> = attachments.iter().filter_map(|a| a.verdict()).collect();
    let package_error = reasons
        .iter()
        .any(|r| r.severity == Severity::Error && r.code != "EDXML_ATTACHMENT_NOT_VALID");
    if package_error
        || signature.status == SignatureStatus::Invalid
        || verdicts
            .iter()
            .any(|v| matches!(v, Verdict::Invalid | Verdict::NoSignatures))
        || verdicts.is_empty()
    {
        Verdict::Invalid
    } else if signature.status == SignatureStatus::Indeterminate
        || verdicts.contains(&Verdict::Indeterminate)
    {
        Verdict::Indeterminate
    } else {
        Verdict::Valid
    }
}
