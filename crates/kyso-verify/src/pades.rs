//! PDF signature verification: coverage, CMS, signing time, chain, algorithms and what changed
//! after each signature. Produces the [`Report`]; `Err` only when the file cannot be read.

use kyso_pdf::diff::ModificationLevel;
use kyso_pdf::{Coverage, PdfSignature, SignatureKind};
use kyso_policy::algorithms::{AlgorithmPolicy, Hasher};
use kyso_policy::path::{PathOptions, PathStatus, PathValidation, validate_path};
use kyso_policy::reason::{Reason, Severity};
use kyso_policy::revocation::{CertStatus, RevocationData, RevocationOptions, check_path};
use kyso_policy::time::{parse_pdf_date, parse_rfc3339, rfc3339};
use kyso_policy::trust::TrustStore;
use x509_cert::Certificate;

use crate::VerifyError;
use crate::cms::{CmsError, verify_detached};
use crate::report::{
    CheckStatus, Checks, Indication, Report, SCHEMA, SignatureReport, SignerReport,
    SigningTimeReport, TimestampReport, Verdict,
};
use crate::timestamp::{check_tsa_certificate, read_timestamp};

/// Where revocation status comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RevocationMode {
    /// Do not check (reported as a warning).
    Off,
    /// Only data embedded in the document or supplied by the caller.
    #[default]
    Embedded,
    /// Data fetched by the caller from the network (CRL, OCSP), plus embedded data.
    Online,
}

impl RevocationMode {
    /// `off`, `embedded` or `online`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Embedded => "embedded",
            Self::Online => "online",
        }
    }
}

/// What the verifier needs from its caller: trust, time, policy. No I/O happens inside.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Trust anchors and known intermediates.
    pub trust: TrustStore,
    /// "Now": used when no time-stamp proves an earlier signing time.
    pub validation_time: der::DateTime,
    /// Revocation mode.
    pub revocation: RevocationMode,
    /// Algorithm constraints.
    pub algorithms: AlgorithmPolicy,
    /// A file name to put in the report.
    pub file_name: Option<String>,
    /// Revocation data supplied by the caller (CRLs, OCSP responses), used first.
    pub revocation_data: kyso_policy::revocation::RevocationData,
    /// Fetches missing revocation data in [`RevocationMode::Online`] (the fetcher does the
    /// I/O, e.g. `kyso_net::HttpFetcher`; without one, Online uses only supplied data).
    pub fetcher: Option<crate::revocation::Fetcher>,
    /// Decree 68 rules (Government policy OID, validity length, which certificate each
    /// workflow role needs), as data.
    pub profile: kyso_policy::profile::Profile,
    /// What online verification may fetch (issuer allow-list, request and time budgets).
    pub network: crate::network::NetworkPolicy,
    /// Refuse documents larger than this many bytes (none by default).
    pub max_input_bytes: Option<usize>,
}

impl VerifyOptions {
    /// Options with the given trust store and validation time, revocation from embedded data.
    pub fn new(trust: TrustStore, validation_time: der::DateTime) -> Self {
        Self {
            trust,
            validation_time,
            revocation: RevocationMode::default(),
            algorithms: AlgorithmPolicy::default(),
            file_name: None,
            revocation_data: Default::default(),
            fetcher: None,
            profile: Default::default(),
            network: Default::default(),
            max_input_bytes: None,
        }
    }
}

/// Verify every signature of the PDF in `bytes` with the fetcher as given (the crate's
/// [`crate::verify_pdf`] applies the network policy first, and is the only way in).
pub(crate) fn verify_pdf(bytes: &[u8], options: &VerifyOptions) -> Result<Report, VerifyError> {
    let doc = kyso_pdf::load_document(bytes)?;
    let signatures = kyso_pdf::find_signatures(&doc);
    let revision_ends = kyso_pdf::load::revision_ends(bytes);
    let revisions = kyso_pdf::diff::Revisions::new(bytes);
    let mdp = mdp_rules(&doc, &signatures);
    let has_dss = kyso_pdf::load::catalog(&doc)
        .map(|(_, c)| c.has(b"DSS"))
        .unwrap_or(false);
    // Revocation data embedded in the document (DSS) is used with what the caller supplied.
    // (With revocation off it is not used for revocation, but still completes chains and
    // tells which level the document reaches.)
    let dss = crate::revocation::read_dss(&doc);
    let embedded = dss.data;
    let mut doc_reasons = Vec::new();
    if dss.skipped > 0 {
        doc_reasons.push(Reason::warning(
            "DSS_ENTRY_UNREADABLE",
            format!(
                "{} mục trong kho dữ liệu xác thực (DSS) không đọc được hoặc vượt giới hạn kích thước, đã bỏ qua",
                dss.skipped
            ),
            format!(
                "{} entries of the document security store (DSS) are unreadable or over the size bound and were ignored",
                dss.skipped
            ),
        ));
    }
    if doc.xref_recovery.is_some() {
        doc_reasons.push(Reason::warning(
            "PDF_XREF_REPAIRED",
            "Bảng tham chiếu chéo của tệp PDF bị hỏng và đã được dựng lại khi đọc",
            "The PDF's cross-reference data was damaged and had to be rebuilt when reading",
        ));
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
            revision_ends: &revision_ends,
            revisions: &revisions,
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
        doc_reasons.push(Reason::error(
            "UNREFERENCED_SIGNATURE",
            "Tệp có dữ liệu chữ ký nhưng không gắn với trường chữ ký nào của tài liệu",
            "The file holds signature data that no signature field of the document refers to",
        ));
    }
    if reports.is_empty() && doc.trailer.has(b"Encrypt") {
        doc_reasons.push(Reason::error(
            "ENCRYPTED_UNSUPPORTED",
            "Tài liệu được mã hóa; không đọc được các trường chữ ký",
            "The document is encrypted; its signature fields could not be read",
        ));
    }
    if reports.is_empty() {
        doc_reasons.push(Reason::error(
            "NO_SIGNATURES",
            "Tài liệu không có chữ ký số",
            "The document carries no digital signature",
        ));
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

/// The modification rules one signature sets for the revisions after it.
struct MdpRule {
    /// End of the revision the signature signs.
    signed_len: usize,
    /// DocMDP `/P` of a certification signature, or `/P` of its field's lock dictionary.
    permissions: Option<u8>,
    /// Fields it locks (FieldMDP transforms, the field's `/Lock`).
    locks: Vec<kyso_pdf::signatures::FieldLock>,
}

/// The DocMDP and FieldMDP rules of every signature. A catalog `/Perms /DocMDP` whose
/// signature is not among the fields read still restricts every signature.
fn mdp_rules(doc: &kyso_pdf::lopdf::Document, signatures: &[PdfSignature]) -> Vec<MdpRule> {
    let mut rules: Vec<MdpRule> = signatures
        .iter()
        .filter_map(|s| {
            Some(MdpRule {
                signed_len: s.signed_len()?,
                permissions: s.docmdp_permissions.or(s.lock_permissions),
                locks: s.field_locks.clone(),
            })
        })
        .collect();
    if let Some(p) = kyso_pdf::signatures::document_mdp(doc)
        && !signatures.iter().any(|s| s.docmdp_permissions.is_some())
    {
        rules.push(MdpRule {
            signed_len: 0,
            permissions: Some(p),
            locks: Vec::new(),
        });
    }
    rules
}

struct SignatureContext<'a> {
    bytes: &'a [u8],
    options: &'a VerifyOptions,
    /// The modification rules each signature sets (DocMDP, field locks).
    mdp: &'a [MdpRule],
    has_dss: bool,
    /// Revocation data and certificates from the document's DSS.
    embedded: &'a RevocationData,
    later_doc_ts: bool,
    /// When a document time-stamp is validated: the validation time for the last one, the
    /// time of the next valid document time-stamp for earlier ones.
    doc_ts_time: der::DateTime,
    revision_ends: &'a [usize],
    /// Revisions parsed once for all signatures' modification analysis.
    revisions: &'a kyso_pdf::diff::Revisions<'a>,
}

/// Accumulates one signature's findings; the indication is derived from them at the end.
struct Outcome {
    report: SignatureReport,
    failed: Option<&'static str>,
    indeterminate: Option<&'static str>,
}

impl Outcome {
    fn fail(&mut self, sub: &'static str, reason: Reason) {
        self.failed.get_or_insert(sub);
        self.report.reasons.push(reason);
    }

    fn indeterminate(&mut self, sub: &'static str, reason: Reason) {
        self.indeterminate.get_or_insert(sub);
        self.report.reasons.push(reason);
    }

    fn finish(mut self) -> SignatureReport {
        let (indication, sub) = match (self.failed, self.indeterminate) {
            (Some(s), _) => (Indication::TotalFailed, Some(s)),
            (None, Some(s)) => (Indication::Indeterminate, Some(s)),
            (None, None) => (Indication::TotalPassed, None),
        };
        self.report.indication = indication;
        self.report.sub_indication = sub.map(str::to_owned);
        self.report
    }
}

impl SignatureContext<'_> {
    fn verify(&self, sig: &PdfSignature) -> SignatureReport {
        let mut out = Outcome {
            report: SignatureReport {
                field: sig.field_name.clone(),
                role: crate::role::signature_role(self.bytes, sig).into(),
                kind: match sig.kind {
                    SignatureKind::Signature => "signature",
                    SignatureKind::DocTimeStamp => "document_timestamp",
                }
                .into(),
                indication: Indication::Indeterminate,
                sub_indication: None,
                signer: None,
                signing_time: None,
                timestamp: None,
                level: "unknown".into(),
                modified_after_signing: false,
                modification_level: "none".into(),
                checks: Checks::default(),
                reasons: Vec::new(),
                sub_filter: sig.sub_filter.clone(),
                algorithm: None,
                path: Vec::new(),
                page: sig.page,
                reason: sig.reason.clone(),
                location: sig.location.clone(),
                revision: None,
                revocation: Vec::new(),
            },
            failed: None,
            indeterminate: None,
        };

        // 1. Coverage: the ranges must be the whole revision minus exactly /Contents.
        let coverage = sig.coverage(self.bytes);
        match &coverage {
            Coverage::Invalid { reason } => {
                out.report.checks.coverage = CheckStatus::Failed;
                out.fail(
                    "FORMAT_FAILURE",
                    Reason::error(
                        "BYTE_RANGE_INVALID",
                        format!(
                            "Phạm vi dữ liệu được ký (/ByteRange) không hợp lệ: {}",
                            vi_coverage(reason)
                        ),
                        format!("The signed byte range (/ByteRange) is invalid: {reason}"),
                    ),
                );
                return out.finish();
            }
            Coverage::EntireFile | Coverage::EntireRevision { .. } => {
                out.report.checks.coverage = CheckStatus::Passed;
            }
        }
        let signed_len = sig.signed_len().unwrap_or(self.bytes.len());
        out.report.revision = self
            .revision_ends
            .iter()
            .position(|&e| e == signed_len)
            .map(|i| i + 1);

        // 2. What changed afterwards.
        self.check_modifications(&coverage, &mut out);

        // 3. The CMS itself.
        match sig.kind {
            SignatureKind::DocTimeStamp => self.verify_doc_timestamp(sig, &mut out),
            SignatureKind::Signature => self.verify_cms_signature(sig, &mut out),
        }
        out.finish()
    }

    fn check_modifications(&self, coverage: &Coverage, out: &mut Outcome) {
        let Coverage::EntireRevision { signed_len } = coverage else {
            out.report.checks.modifications = CheckStatus::Passed;
            return;
        };
        // What may change after this signature: the strictest DocMDP permissions among the
        // certification signatures in force when it was made (its own included; ISO 32000-1
        // §12.8.2.2: a certification restricts every later revision), otherwise what approval
        // signatures tolerate (form filling and signing).
        let permissions = self
            .mdp
            .iter()
            .filter(|r| r.signed_len <= *signed_len)
            .filter_map(|r| r.permissions)
            .min();
        let permitted = match permissions {
            Some(1) => ModificationLevel::LtaUpdates,
            Some(3) => ModificationLevel::Annotations,
            _ => ModificationLevel::FormFilling,
        };
        let locks: Vec<&kyso_pdf::signatures::FieldLock> = self
            .mdp
            .iter()
            .filter(|r| r.signed_len == *signed_len)
            .flat_map(|r| r.locks.iter())
            .collect();
        match self.revisions.analyse(*signed_len) {
            Ok(report) => {
                out.report.modification_level = report.level.as_str().into();
                let locked: Vec<&String> = report
                    .changed_fields
                    .iter()
                    .filter(|f| locks.iter().any(|l| l.locks(f)))
                    .collect();
                if !locked.is_empty() {
                    out.report.modified_after_signing = true;
                    out.report.checks.modifications = CheckStatus::Failed;
                    let names = locked
                        .iter()
                        .map(|f| format!("\"{f}\""))
                        .collect::<Vec<_>>()
                        .join(", ");
                    out.fail(
                        "MODIFIED_AFTER_SIGNING",
                        Reason::error(
                            "LOCKED_FIELD_MODIFIED",
                            format!("Trường biểu mẫu đã bị chữ ký này khóa lại bị thay đổi sau khi ký: {names}"),
                            format!("Form fields locked by this signature were changed after signing: {names}"),
                        ),
                    );
                }
                if report.level > permitted {
                    out.report.modified_after_signing = true;
                    out.report.checks.modifications = CheckStatus::Failed;
                    let what: Vec<String> = report
                        .changes
                        .iter()
                        .filter(|c| c.level > permitted)
                        .take(5)
                        .map(|c| match c.object {
                            Some((n, g)) => format!("{} (object {n} {g})", c.description),
                            None => c.description.clone(),
                        })
                        .collect();
                    out.fail(
                        "MODIFIED_AFTER_SIGNING",
                        Reason::error(
                            "MODIFIED_AFTER_SIGNING",
                            format!(
                                "Tài liệu đã bị sửa đổi sau khi ký, vượt quá những thay đổi được phép ({} thay đổi không được phép)",
                                report.changes.iter().filter(|c| c.level > permitted).count()
                            ),
                            format!("The document was modified after signing beyond what is permitted: {}", what.join("; ")),
                        ),
                    );
                } else {
                    out.report.checks.modifications = CheckStatus::Passed;
                    if report.level > ModificationLevel::None {
                        out.report.reasons.push(Reason::info(
                            "PERMITTED_CHANGES_AFTER_SIGNING",
                            "Sau chữ ký này tài liệu chỉ có các thay đổi được phép (thêm chữ ký, dữ liệu kiểm tra hiệu lực, điền biểu mẫu)",
                            format!("After this signature only permitted changes were made ({})", report.level.as_str()),
                        ));
                    }
                }
            }
            Err(e) => {
                out.report.checks.modifications = CheckStatus::Failed;
                out.fail(
                    "FORMAT_FAILURE",
                    Reason::error(
                        "REVISION_UNREADABLE",
                        "Không đọc được phiên bản tài liệu đã ký để so sánh các thay đổi",
                        format!("The signed revision could not be read to compare changes: {e}"),
                    ),
                );
            }
        }
    }

    fn path(
        &self,
        leaf: &Certificate,
        extra: &[Certificate],
        at: der::DateTime,
        proven: bool,
    ) -> PathValidation {
        let mut options = PathOptions::at(at);
        options.time_is_proven = proven;
        options.algorithm_policy = self.options.algorithms.clone();
        let mut result = validate_path(leaf, extra, &self.options.trust, &options);
        // Certificates from the document's DSS (PAdES B-LT) complete chains offline.
        if result.sub_indication == Some("NO_CERTIFICATE_CHAIN_FOUND")
            && !self.embedded.certificates.is_empty()
        {
            let mut with_dss = extra.to_vec();
            with_dss.extend(self.embedded.certificates.iter().cloned());
            result = validate_path(leaf, &with_dss, &self.options.trust, &options);
        }
        // Online: complete a missing chain from AIA caIssuers (at most 3 more levels).
        let mut more: Vec<Certificate> = extra.to_vec();
        for _ in 0..3 {
            if result.sub_indication != Some("NO_CERTIFICATE_CHAIN_FOUND") {
                break;
            }
            let Some(last) = result.path.last() else {
                break;
            };
            let found = crate::revocation::fetch_issuers(self.options, last);
            if found.is_empty() {
                break;
            }
            more.extend(found);
            result = validate_path(leaf, &more, &self.options.trust, &options);
        }
        result
    }

    fn digest_ranges(
        &self,
        sig: &PdfSignature,
        oid: &const_oid::ObjectIdentifier,
    ) -> Result<Vec<u8>, kyso_policy::PolicyError> {
        let mut h = Hasher::new(oid)?;
        if let Some(ranges) = sig.ranges() {
            for (start, len) in ranges {
                // Coverage was checked, so the ranges lie inside the file.
                if let Some(part) = self.bytes.get(start..start + len) {
                    h.update(part);
                }
            }
        }
        Ok(h.finalize())
    }

    fn verify_cms_signature(&self, sig: &PdfSignature, out: &mut Outcome) {
        let sub_filter = sig.sub_filter.as_deref().unwrap_or("");
        if !matches!(
            sub_filter,
            "ETSI.CAdES.detached" | "adbe.pkcs7.detached" | "adbe.pkcs7.sha1"
        ) {
            out.fail(
                "FORMAT_FAILURE",
                Reason::error(
                    "UNSUPPORTED_SUBFILTER",
                    format!("Định dạng chữ ký /SubFilter {sub_filter} không được hỗ trợ"),
                    format!("Signature format /SubFilter {sub_filter} is not supported"),
                ),
            );
            return;
        }
        if sub_filter == "adbe.pkcs7.sha1" {
            out.fail(
                "FORMAT_FAILURE",
                Reason::error(
                    "UNSUPPORTED_SUBFILTER",
                    "Định dạng adbe.pkcs7.sha1 (ký trên giá trị băm SHA-1 nhúng) không được chấp nhận",
                    "The adbe.pkcs7.sha1 format (signature over an embedded SHA-1 hash) is not accepted",
                ),
            );
            return;
        }
        let mut digest = |oid: &const_oid::ObjectIdentifier| -> Result<Vec<u8>, CmsError> {
            self.digest_ranges(sig, oid).map_err(CmsError::from)
        };
        let cms = match verify_detached(&sig.contents, &mut digest) {
            Ok(c) => c,
            Err(e) => {
                out.report.checks.integrity = CheckStatus::Failed;
                out.report.checks.signature = CheckStatus::Failed;
                out.fail(
                    "FORMAT_FAILURE",
                    Reason::error(
                        "CMS_MALFORMED",
                        "Dữ liệu chữ ký (CMS) bị hỏng hoặc không đúng định dạng",
                        format!("The signature data (CMS) is malformed: {e}"),
                    ),
                );
                return;
            }
        };
        out.report.algorithm = Some(cms.algorithm_use.name());
        for r in &cms.reasons {
            if r.code == "CONTENT_ATTACHED" {
                // ISO 32000-1 §12.8.3.3: a PDF signature is detached; embedded content means
                // the signed data is not (only) this document.
                out.fail(
                    "FORMAT_FAILURE",
                    Reason::error(
                        "CMS_NOT_DETACHED",
                        "Chữ ký chứa sẵn nội dung khác thay vì ký tách rời trên tài liệu này",
                        "The signature embeds its own content instead of signing this document detached",
                    ),
                );
                continue;
            }
            match (r.severity, r.code.as_str()) {
                // Reported below with the check they belong to (and their own sub-indication).
                (_, "HASH_FAILURE" | "SIG_CRYPTO_FAILURE" | "NO_SIGNING_CERTIFICATE_FOUND") => {}
                (Severity::Error, _) => out.fail("FORMAT_FAILURE", r.clone()),
                _ => out.report.reasons.push(r.clone()),
            }
        }
        let Some(signer_cert) = cms.signer_certificate.clone() else {
            out.indeterminate(
                "NO_SIGNING_CERTIFICATE_FOUND",
                Reason::error(
                    "NO_SIGNING_CERTIFICATE_FOUND",
                    "Không tìm thấy chứng thư số của người ký trong chữ ký",
                    "The signer's certificate is not in the signature",
                ),
            );
            return;
        };
        out.report.signer = Some(signer_report(&signer_cert));

        out.report.checks.integrity = if cms.message_digest_ok {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        };
        if !cms.message_digest_ok {
            out.fail(
                "HASH_FAILURE",
                Reason::error(
                    "HASH_FAILURE",
                    "Nội dung tài liệu đã bị thay đổi: giá trị băm không khớp với chữ ký",
                    "The document content was changed: its digest does not match the signed digest",
                ),
            );
        }
        out.report.checks.signature = if cms.signature_ok {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        };
        if !cms.signature_ok {
            out.fail(
                "SIG_CRYPTO_FAILURE",
                Reason::error(
                    "SIG_CRYPTO_FAILURE",
                    "Giá trị chữ ký không khớp với khóa công khai của người ký",
                    "The signature value does not verify with the signer's public key",
                ),
            );
        }

        // Signing time: a verified time-stamp proves it; otherwise it is only claimed.
        let mut proven: Option<der::DateTime> = None;
        if let Some(token) = &cms.timestamp_token {
            proven = self.signature_timestamp(token, &cms, out);
        }
        let claimed = match (
            proven,
            cms.signing_time,
            sig.signing_time.as_deref().and_then(parse_pdf_date),
        ) {
            (Some(t), ..) => Some((t, "timestamp")),
            (None, Some(t), _) => Some((t, "signed_attribute")),
            (None, None, Some(t)) => Some((t, "pdf")),
            _ => None,
        };
        if let Some((t, source)) = claimed {
            out.report.signing_time = Some(SigningTimeReport {
                value: rfc3339(t),
                source: source.into(),
            });
        }
        if let (Some(ts), Some(st)) = (proven, cms.signing_time) {
            let diff = ts
                .unix_duration()
                .as_secs()
                .abs_diff(st.unix_duration().as_secs());
            if diff > 300 {
                out.report.reasons.push(Reason::warning(
                    "SIGNING_TIME_MISMATCH",
                    format!("Thời gian ký do máy người ký ghi lệch {} phút so với dấu thời gian; dùng thời gian của dấu thời gian", diff / 60),
                    format!("The signing time claimed by the signer's computer differs from the time-stamp by {} minutes; the time-stamp's time is used", diff / 60),
                ));
            }
        }

        out.report.level = match (
            sub_filter,
            cms.timestamp_token.is_some(),
            self.has_dss,
            self.later_doc_ts,
        ) {
            ("ETSI.CAdES.detached", false, _, _) => "B-B",
            ("ETSI.CAdES.detached", true, false, _) => "B-T",
            ("ETSI.CAdES.detached", true, true, false) => "B-LT",
            ("ETSI.CAdES.detached", true, true, true) => "B-LTA",
            _ => "unknown",
        }
        .into();

        // Chain: validated at the proven time, or now.
        let at = proven.unwrap_or(self.options.validation_time);
        let path = self.path(&signer_cert, &cms.certificates, at, proven.is_some());
        let chain = (path.status == PathStatus::Valid).then(|| path.path.clone());
        self.check_profile(&signer_cert, &path.path, out);
        out.report.path = path
            .path
            .iter()
            .map(|c| kyso_policy::subject::format_name(c.tbs_certificate().subject()))
            .collect();
        match path.status {
            PathStatus::Valid => {
                out.report.checks.chain = CheckStatus::Passed;
                out.report.checks.validity_at_signing = CheckStatus::Passed;
                out.report.reasons.extend(
                    path.reasons
                        .into_iter()
                        .filter(|r| r.severity != Severity::Error),
                );
            }
            status => {
                let sub = path.sub_indication.unwrap_or("NO_CERTIFICATE_CHAIN_FOUND");
                let out_of_bounds =
                    sub.starts_with("OUT_OF_BOUNDS") || sub == "EXPIRED" || sub == "NOT_YET_VALID";
                if out_of_bounds {
                    out.report.checks.chain = CheckStatus::Passed;
                    out.report.checks.validity_at_signing = CheckStatus::Failed;
                } else {
                    out.report.checks.chain = CheckStatus::Failed;
                }
                let sub = if out_of_bounds && proven.is_none() {
                    "OUT_OF_BOUNDS_NO_POE"
                } else {
                    sub
                };
                for r in path.reasons {
                    if status == PathStatus::Invalid && r.severity == Severity::Error {
                        out.fail(sub, r);
                    } else if r.severity == Severity::Error {
                        out.indeterminate(sub, r);
                    } else {
                        out.report.reasons.push(r);
                    }
                }
                if out.failed.is_none() && out.indeterminate.is_none() {
                    out.indeterminate(
                        sub,
                        Reason::error(
                            "CHAIN_INVALID",
                            "Chuỗi chứng thư số của người ký không hợp lệ",
                            "The signer's certificate chain is not valid",
                        ),
                    );
                }
            }
        }
        // X.509 validation constraints on the signer (EN 319 102-1 §5.2.6): a certificate whose
        // key usage does not allow signing makes no valid signature, whatever else holds —
        // a definite failure, as a certificate used outside its scope (check_profile).
        for r in kyso_policy::usage::document_signer_findings(&signer_cert) {
            out.report.checks.chain = CheckStatus::Failed;
            out.fail("CHAIN_CONSTRAINTS_FAILURE", r);
        }
        // Without proof of the signing time the claimed time must at least fall inside the
        // certificate's validity.
        if proven.is_none()
            && let Some((t, _)) = claimed
        {
            let v = signer_cert.tbs_certificate().validity();
            let (nb, na) = (v.not_before.to_date_time(), v.not_after.to_date_time());
            if t < nb || t > na {
                out.report.checks.validity_at_signing = CheckStatus::Failed;
                out.indeterminate(
                    "OUT_OF_BOUNDS_NO_POE",
                    Reason::error(
                        "SIGNED_OUTSIDE_VALIDITY",
                        "Thời gian ký nằm ngoài thời hạn hiệu lực của chứng thư số",
                        "The claimed signing time is outside the certificate's validity period",
                    ),
                );
            }
        }

        // Algorithms, with the proven time for legacy ones.
        let mut alg_reasons = self.options.algorithms.check(&cms.algorithm_use, proven);
        alg_reasons.extend(
            self.options
                .algorithms
                .check_digest(cms.algorithm_use.digest, proven),
        );
        dedup(&mut alg_reasons);
        out.report.checks.algorithms = if alg_reasons.iter().any(|r| r.severity == Severity::Error)
        {
            CheckStatus::Failed
        } else {
            CheckStatus::Passed
        };
        for r in alg_reasons {
            if r.severity == Severity::Error {
                out.indeterminate("CRYPTO_CONSTRAINTS_FAILURE", r);
            } else {
                out.report.reasons.push(r);
            }
        }

        self.revocation(
            out,
            chain.as_deref(),
            at,
            proven.is_some(),
            claimed.map(|(t, _)| t),
        );

        // B-LT means the document itself holds what validating this signature needs: a DSS
        // that merely exists (e.g. with other signatures' data) does not make it so.
        if matches!(out.report.level.as_str(), "B-LT" | "B-LTA") {
            let covered = chain.as_deref().is_some_and(|c| {
                check_path(c, self.embedded, &RevocationOptions::at(at))
                    .certificates
                    .iter()
                    .all(|x| x.status != CertStatus::Unknown)
            });
            if !covered {
                out.report.level = "B-T".into();
                out.report.reasons.push(Reason::info(
                    "LTV_DATA_INCOMPLETE",
                    "Kho dữ liệu xác thực (DSS) của tài liệu không đủ chuỗi chứng thư và dữ liệu thu hồi cho chữ ký này; mức B-T",
                    "The document's security store (DSS) lacks the chain or revocation data for this signature; level B-T",
                ));
            }
        }
    }

    /// Decree 68 profile: warnings about the certificate, and the workflow rule that the role
    /// the signer declared (approval, issuance…) is signed with the right kind of certificate
    /// (Decree 68 Art. 31–32: a certificate is used within its scope).
    fn check_profile(&self, signer_cert: &Certificate, path: &[Certificate], out: &mut Outcome) {
        let profile = &self.options.profile;
        out.report
            .reasons
            .extend(kyso_policy::profile::certificate_findings(path, profile));
        let has_rule = profile.role_rules.iter().any(|r| r.role == out.report.role);
        match kyso_policy::profile::check_role(&out.report.role, signer_cert, profile) {
            Some(violation) => {
                out.report.checks.policy = CheckStatus::Failed;
                out.fail("CERTIFICATE_SCOPE_VIOLATION", violation);
            }
            None if has_rule => out.report.checks.policy = CheckStatus::Passed,
            None => {}
        }
    }

    fn revocation(
        &self,
        out: &mut Outcome,
        chain: Option<&[Certificate]>,
        at: der::DateTime,
        proven: bool,
        claimed: Option<der::DateTime>,
    ) {
        let d = crate::revocation::decide(self.options, self.embedded, chain, at, proven, claimed);
        out.report.checks.revocation = d.check;
        out.report.revocation = d.sources;
        let sub = d.sub_indication.unwrap_or("TRY_LATER");
        for r in d.decisive {
            if d.failed {
                out.fail(sub, r);
            } else {
                out.indeterminate(sub, r);
            }
        }
        out.report.reasons.extend(d.notes);
    }

    /// Verify the signature time-stamp; returns genTime when it proves the signing time.
    fn signature_timestamp(
        &self,
        token: &[u8],
        cms: &crate::cms::CmsSignature,
        out: &mut Outcome,
    ) -> Option<der::DateTime> {
        match read_timestamp(token, Some(&cms.signature_value)) {
            Ok(ts) => {
                out.report.reasons.extend(tsa_binding_reason(&ts));
                let imprint_ok = ts.imprint_ok == Some(true);
                let mut trusted = false;
                let mut tsa_revocation = Vec::new();
                if let Some(tsa) = &ts.tsa_certificate {
                    let path = self.path(tsa, &ts.certificates, ts.gen_time, false);
                    trusted = path.status == PathStatus::Valid;
                    if trusted && self.options.revocation != RevocationMode::Off {
                        // The TSA's own status at genTime: revoked → the token proves nothing;
                        // unknown → noted (real Government tokens carry no revocation data).
                        let d = crate::revocation::decide(
                            self.options,
                            self.embedded,
                            Some(&path.path),
                            ts.gen_time,
                            true,
                            None,
                        );
                        tsa_revocation = d.sources;
                        if d.failed {
                            trusted = false;
                            out.report.reasons.push(Reason::warning(
                                "TIMESTAMP_TSA_REVOKED",
                                "Chứng thư số của đơn vị cấp dấu thời gian đã bị thu hồi trước thời điểm cấp dấu thời gian",
                                "The time-stamping authority's certificate was revoked before the time-stamp was issued",
                            ));
                        } else if d.check != CheckStatus::Passed {
                            out.report.reasons.push(Reason::info(
                                "TIMESTAMP_TSA_REVOCATION_UNKNOWN",
                                "Chưa xác định được tình trạng thu hồi chứng thư số của đơn vị cấp dấu thời gian",
                                "The revocation status of the time-stamping authority's certificate could not be established",
                            ));
                        }
                    }
                    if let Err(why) = check_tsa_certificate(tsa) {
                        trusted = false;
                        out.report.reasons.push(tsa_usage_reason(&why, false));
                    }
                    let expired = tsa.tbs_certificate().validity().not_after.to_date_time()
                        < self.options.validation_time;
                    if trusted && expired && !self.later_doc_ts {
                        out.report.reasons.push(Reason::info(
                            "TIMESTAMP_TSA_EXPIRED",
                            "Chứng thư số của đơn vị cấp dấu thời gian đã hết hạn; dấu thời gian được chấp nhận tại thời điểm cấp (tài liệu không có dấu thời gian tài liệu nào sau đó để chứng minh)",
                            "The time-stamping authority's certificate has expired since; the time-stamp is accepted at its own time (no later document time-stamp proves it existed before)",
                        ));
                    }
                }
                let valid = ts.signature_ok && imprint_ok && trusted;
                out.report.timestamp = Some(TimestampReport {
                    time: rfc3339(ts.gen_time),
                    tsa: ts.tsa_name.clone(),
                    policy: Some(ts.policy.to_string()),
                    valid,
                    revocation: tsa_revocation,
                });
                if !ts.signature_ok || !imprint_ok {
                    out.fail(
                        "TIMESTAMP_FAILURE",
                        Reason::error(
                            "TIMESTAMP_INVALID",
                            "Dấu thời gian của chữ ký không hợp lệ (chữ ký hoặc giá trị băm không khớp)",
                            "The signature time-stamp is invalid (its signature or message imprint does not match)",
                        ),
                    );
                    None
                } else if !trusted {
                    out.report.reasons.push(Reason::warning(
                        "TIMESTAMP_UNTRUSTED",
                        "Dấu thời gian không xác minh được đến nhà cung cấp dịch vụ cấp dấu thời gian tin cậy; thời gian ký chưa được chứng minh",
                        "The time-stamp does not chain to a trusted time-stamping authority; the signing time is not proven",
                    ));
                    None
                } else {
                    Some(ts.gen_time)
                }
            }
            Err(e) => {
                out.fail(
                    "TIMESTAMP_FAILURE",
                    Reason::error(
                        "TIMESTAMP_MALFORMED",
                        "Dấu thời gian của chữ ký bị hỏng",
                        format!("The signature time-stamp is malformed: {e}"),
                    ),
                );
                None
            }
        }
    }

    fn verify_doc_timestamp(&self, sig: &PdfSignature, out: &mut Outcome) {
        out.report.level = "B-LTA".into();
        match read_timestamp(&sig.contents, None) {
            Ok(ts) => {
                out.report.reasons.extend(tsa_binding_reason(&ts));
                let imprint_ok = self
                    .digest_ranges(sig, &ts.imprint_algorithm)
                    .map(|d| d == ts.imprint)
                    .unwrap_or(false);
                out.report.checks.integrity = if imprint_ok {
                    CheckStatus::Passed
                } else {
                    CheckStatus::Failed
                };
                out.report.checks.signature = if ts.signature_ok {
                    CheckStatus::Passed
                } else {
                    CheckStatus::Failed
                };
                out.report.signing_time = Some(SigningTimeReport {
                    value: rfc3339(ts.gen_time),
                    source: "timestamp".into(),
                });
                let mut chain: Option<Vec<Certificate>> = None;
                if let Some(tsa) = &ts.tsa_certificate {
                    out.report.signer = Some(signer_report(tsa));
                    let path = self.path(tsa, &ts.certificates, self.doc_ts_time, false);
                    chain = (path.status == PathStatus::Valid).then(|| path.path.clone());
                    if let Err(why) = check_tsa_certificate(tsa) {
                        chain = None;
                        out.indeterminate(
                            "CHAIN_CONSTRAINTS_FAILURE",
                            tsa_usage_reason(&why, true),
                        );
                    }
                    out.report.path = path
                        .path
                        .iter()
                        .map(|c| kyso_policy::subject::format_name(c.tbs_certificate().subject()))
                        .collect();
                    if path.status == PathStatus::Valid {
                        out.report.checks.chain = CheckStatus::Passed;
                    } else {
                        out.report.checks.chain = CheckStatus::Failed;
                        out.indeterminate(
                            path.sub_indication.unwrap_or("NO_CERTIFICATE_CHAIN_FOUND"),
                            Reason::error(
                                "TIMESTAMP_UNTRUSTED",
                                "Dấu thời gian tài liệu không xác minh được đến nhà cung cấp dịch vụ tin cậy",
                                "The document time-stamp does not chain to a trusted time-stamping authority",
                            ),
                        );
                    }
                }
                out.report.timestamp = Some(TimestampReport {
                    time: rfc3339(ts.gen_time),
                    tsa: ts.tsa_name.clone(),
                    policy: Some(ts.policy.to_string()),
                    valid: imprint_ok && ts.signature_ok && chain.is_some(),
                    // The document time-stamp's own status is the signature entry's `revocation`.
                    revocation: Vec::new(),
                });
                if !imprint_ok {
                    out.fail(
                        "HASH_FAILURE",
                        Reason::error(
                            "HASH_FAILURE",
                            "Nội dung tài liệu không khớp với dấu thời gian tài liệu",
                            "The document content does not match the document time-stamp",
                        ),
                    );
                }
                if !ts.signature_ok {
                    out.fail(
                        "SIG_CRYPTO_FAILURE",
                        Reason::error(
                            "SIG_CRYPTO_FAILURE",
                            "Chữ ký của dấu thời gian tài liệu không hợp lệ",
                            "The document time-stamp's signature is invalid",
                        ),
                    );
                }
                out.report.checks.validity_at_signing = CheckStatus::NotApplicable;
                out.report.checks.algorithms = CheckStatus::Passed;
                self.revocation(out, chain.as_deref(), self.doc_ts_time, false, None);
            }
            Err(e) => out.fail(
                "FORMAT_FAILURE",
                Reason::error(
                    "TIMESTAMP_MALFORMED",
                    "Dấu thời gian tài liệu bị hỏng",
                    format!("The document time-stamp is malformed: {e}"),
                ),
            ),
        }
    }
}

/// What the token's signingCertificate(V2) attribute says of its TSA certificate: a mismatch
/// (the token then counts as not verified, `signature_ok` is false) or its absence.
fn tsa_binding_reason(ts: &crate::timestamp::TimestampInfo) -> Option<Reason> {
    match ts.signing_certificate_bound {
        Some(true) => None,
        Some(false) => Some(Reason::error(
            "TIMESTAMP_SIGNING_CERTIFICATE_MISMATCH",
            "Thuộc tính signingCertificate của dấu thời gian không khớp với chứng thư số của đơn vị cấp dấu thời gian đi kèm",
            "The time-stamp's signingCertificate attribute does not match the TSA certificate that came with it",
        )),
        None if ts.tsa_certificate.is_some() => Some(Reason::warning(
            "TIMESTAMP_NO_SIGNING_CERTIFICATE",
            "Dấu thời gian không có thuộc tính signingCertificate gắn với chứng thư số của đơn vị cấp (RFC 3161 §2.4.1)",
            "The time-stamp has no signingCertificate attribute binding it to the TSA certificate (RFC 3161 §2.4.1)",
        )),
        None => None,
    }
}

/// The TSA's certificate is not one for time-stamping (RFC 3161 §2.3): decisive for a
/// document time-stamp, a warning for a signature time-stamp (the signing time is then only
/// claimed).
fn tsa_usage_reason(why: &str, decisive: bool) -> Reason {
    let vi = "Chứng thư số của đơn vị cấp dấu thời gian không dành cho việc cấp dấu thời gian";
    let en = format!("The time-stamping authority's certificate is not for time-stamping: {why}");
    if decisive {
        Reason::error("TSA_CERTIFICATE_USAGE", vi, en)
    } else {
        Reason::warning("TSA_CERTIFICATE_USAGE", vi, en)
    }
}

fn dedup(reasons: &mut Vec<Reason>) {
    let mut seen = std::collections::HashSet::new();
    reasons.retain(|r| seen.insert((r.code.clone(), r.en.clone())));
}

fn vi_coverage(reason: &str) -> &'static str {
    if reason.contains("gap") {
        "khoảng trống không đúng là giá trị chữ ký"
    } else if reason.contains("revision") {
        "dữ liệu được ký không kết thúc ở cuối một phiên bản tài liệu"
    } else {
        "phạm vi sai cấu trúc hoặc nằm ngoài tệp"
    }
}

/// The signer section of the report, from a certificate.
pub fn signer_report(cert: &Certificate) -> SignerReport {
    let info = kyso_policy::subject::subject_info(cert);
    let tbs = cert.tbs_certificate();
    let v = tbs.validity();
    SignerReport {
        common_name: info.common_name.clone(),
        organization: info.organization.clone(),
        organizational_unit: info.organizational_unit.clone(),
        title: info.title.clone(),
        subscriber_type: info.subscriber_type.as_str().into(),
        serial: hex_upper(tbs.serial_number().as_bytes()),
        issuer: kyso_policy::subject::format_name(tbs.issuer()),
        subject: kyso_policy::subject::format_name(tbs.subject()),
        tax_code: info.tax_code.clone(),
        budget_code: info.budget_code.clone(),
        not_before: rfc3339(v.not_before.to_date_time()),
        not_after: rfc3339(v.not_after.to_date_time()),
    }
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}
