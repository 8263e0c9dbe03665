//! Readable output: Vietnamese first, English below, as a clerk forwards it.

use std::fmt::Write as _;
use std::path::Path;

use kyso::certificates::expiry;
use kyso::inventory::{Inventory, TokenListing};
use kyso::report::{CheckStatus, Indication, Report, SignatureReport};
use kyso::time::{vn_date, vn_date_time_from_rfc3339};
use kyso::{Error, Verdict};

fn verdict_words(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Valid => ("HỢP LỆ", "VALID"),
        Verdict::Invalid => ("KHÔNG HỢP LỆ", "INVALID"),
        Verdict::Indeterminate => ("CHƯA XÁC ĐỊNH ĐƯỢC", "INDETERMINATE"),
        Verdict::NoSignatures => ("KHÔNG CÓ CHỮ KÝ", "NO SIGNATURES"),
    }
}

fn indication_words(i: Indication) -> (&'static str, &'static str) {
    match i {
        Indication::TotalPassed => ("hợp lệ", "TOTAL_PASSED"),
        Indication::TotalFailed => ("không hợp lệ", "TOTAL_FAILED"),
        Indication::Indeterminate => ("chưa xác định", "INDETERMINATE"),
    }
}

fn severity_vi(s: kyso::report::Severity) -> &'static str {
    match s {
        kyso::report::Severity::Error => "lỗi",
        kyso::report::Severity::Warning => "cảnh báo",
        kyso::report::Severity::Info => "thông tin",
    }
}

fn status_words(c: CheckStatus) -> (&'static str, &'static str) {
    match c {
        CheckStatus::Passed => ("đạt", "passed"),
        CheckStatus::Failed => ("KHÔNG ĐẠT", "FAILED"),
        CheckStatus::Skipped => ("bỏ qua", "skipped"),
        CheckStatus::Indeterminate => ("chưa xác định", "indeterminate"),
        CheckStatus::NotApplicable => ("không áp dụng", "not applicable"),
    }
}

/// The report as text.
pub fn report_text(r: &Report) -> String {
    let mut s = String::new();
    let (vi, en) = verdict_words(r.verdict);
    let file = r.file.as_deref().unwrap_or("-");
    let _ = writeln!(s, "Tệp: {file}\nKết luận: {vi} — Verdict: {en}");
    for (i, sig) in r.signatures.iter().enumerate() {
        signature_text(&mut s, i + 1, sig);
    }
    reasons_text(&mut s, &r.reasons);
    s
}

fn signature_text(s: &mut String, n: usize, sig: &SignatureReport) {
    let (vi, en) = indication_words(sig.indication);
    let sub = sig
        .sub_indication
        .as_deref()
        .map(|x| format!(" / {x}"))
        .unwrap_or_default();
    let kind = if sig.kind == "document_timestamp" {
        "Dấu thời gian tài liệu / document time-stamp"
    } else {
        "Chữ ký"
    };
    let _ = writeln!(s, "{kind} {n} ({}): {vi} — {en}{sub}", sig.field);
    if sig.kind == "signature" {
        let _ = writeln!(s, "  Mức PAdES / PAdES level: {}", sig.level);
    }
    if let Some(signer) = &sig.signer {
        let _ = writeln!(
            s,
            "  Người ký / Signer: {}",
            signer.common_name.as_deref().unwrap_or(&signer.subject)
        );
        if let Some(t) = &signer.title {
            let _ = writeln!(s, "  Chức danh / Title: {t}");
        }
        if let Some(o) = &signer.organization {
            let _ = writeln!(s, "  Cơ quan / Organisation: {o}");
        }
        let _ = writeln!(s, "  Cơ quan cấp chứng thư / Issuer: {}", signer.issuer);
    }
    if let Some(t) = &sig.signing_time {
        let src = match t.source.as_str() {
            "timestamp" => "dấu thời gian / time-stamp",
            "signed_attribute" => "máy người ký khai / claimed by the signer",
            _ => "tệp PDF khai / claimed in the PDF",
        };
        let _ = writeln!(
            s,
            "  Thời gian ký / Signing time: {} ({src})",
            vn_date_time_from_rfc3339(&t.value)
        );
    }
    if let Some(ts) = &sig.timestamp {
        let ok = if ts.valid {
            "hợp lệ / valid"
        } else {
            "không xác minh được / not verified"
        };
        let _ = writeln!(
            s,
            "  Dấu thời gian / Time-stamp: {} — {} ({ok})",
            vn_date_time_from_rfc3339(&ts.time),
            ts.tsa.as_deref().unwrap_or("?")
        );
    }
    let c = &sig.checks;
    let rows = [
        ("Toàn vẹn nội dung", "integrity", c.integrity),
        ("Chữ ký số", "signature", c.signature),
        ("Chuỗi chứng thư", "certificate chain", c.chain),
        (
            "Hiệu lực chứng thư khi ký",
            "validity at signing",
            c.validity_at_signing,
        ),
        ("Tình trạng thu hồi", "revocation", c.revocation),
        ("Thuật toán", "algorithms", c.algorithms),
        ("Phạm vi ký", "coverage", c.coverage),
        (
            "Sửa đổi sau khi ký",
            "changes after signing",
            c.modifications,
        ),
    ];
    for (vi, en, status) in rows {
        let (svi, sen) = status_words(status);
        let _ = writeln!(s, "  {vi}: {svi} — {en}: {sen}");
    }
    for r in &sig.revocation {
        let (Some(source), Some(origin)) = (r.source, r.origin) else {
            continue;
        };
        let source = match source {
            kyso::report::RevocationSourceKind::Crl => "CRL",
            kyso::report::RevocationSourceKind::Ocsp => "OCSP",
        };
        let origin_vi = match origin {
            "embedded" => "có trong tệp",
            "given" => "do người dùng cung cấp",
            _ => "tải về",
        };
        let _ = writeln!(
            s,
            "    {}: {} — {source} ({origin_vi} / {origin})",
            r.subject, r.status
        );
    }
    reasons_text(s, &sig.reasons);
}

/// A file that could not be evaluated, as text.
pub fn error_text(file: &Path, e: &Error) -> String {
    let (vi, en) = if matches!(e, Error::Edxml(_)) {
        (
            "Tệp không phải gói tin edXML hợp lệ",
            "The file is not a readable edXML package",
        )
    } else {
        (
            "Tệp không phải PDF hợp lệ hoặc bị hỏng",
            "The file is not a readable PDF",
        )
    };
    format!(
        "Tệp: {}\nKết luận: KHÔNG ĐỌC ĐƯỢC — Verdict: not evaluated\n  [lỗi] {vi}: {e}\n         {en}: {e}",
        file.display()
    )
}

/// A file that could not be evaluated, as a JSON line.
pub fn error_json(file: &Path, e: &Error) -> String {
    serde_json::json!({
        "schema": kyso::report::SCHEMA,
        "file": file.display().to_string(),
        "verdict": null,
        "error": { "code": e.code(), "message": e.to_string() },
    })
    .to_string()
}

/// Tokens and keys as text.
pub fn tokens_text(tokens: &[TokenListing], at: der::DateTime, warn_days: u32) -> String {
    let mut s = String::new();
    let mut findings = Vec::new();
    for TokenListing {
        token: t,
        keys,
        error,
    } in tokens
    {
        let f = &t.flags;
        let _ = writeln!(
            s,
            "Thiết bị / token: {} (số sê-ri / serial {}, {} {}, slot {})",
            t.label, t.serial, t.manufacturer, t.model, t.slot_id
        );
        if !f.token_initialized {
            let _ = writeln!(s, "  chưa khởi tạo / not initialized");
            continue;
        }
        if let Some(e) = error {
            let _ = writeln!(s, "  không đọc được / cannot be read: {e}");
        }
        let pin = if f.user_pin_locked {
            "PIN ĐÃ BỊ KHÓA / PIN locked"
        } else if f.user_pin_final_try {
            "còn MỘT lần nhập PIN / one PIN try left"
        } else if f.user_pin_count_low {
            "đã nhập sai PIN / wrong PIN entered before"
        } else {
            "PIN bình thường / PIN OK"
        };
        let _ = writeln!(s, "  {pin}");
        for k in keys {
            let subject = k
                .certificate
                .as_ref()
                .map(|c| c.tbs_certificate().subject().to_string())
                .unwrap_or_else(|| "(không có chứng thư / no certificate)".into());
            let _ = writeln!(
                s,
                "  - khóa / key {:?} id {} {:?} {} bit, khóa bí mật / private key: {} — {subject}",
                k.label,
                k.id,
                k.key_type,
                k.key_bits.unwrap_or(0),
                if k.has_private_key {
                    "có / yes"
                } else {
                    "không / no"
                }
            );
            if let Some(cert) = &k.certificate {
                let e = expiry(cert, at, warn_days);
                let (vi, en) = e.state.labels();
                let _ = writeln!(
                    s,
                    "    hiệu lực đến / valid until {} (còn / left {} ngày / days) — {vi} / {en}",
                    vn_date(e.not_after),
                    e.days_left
                );
                findings.extend(e.reason(cert));
            }
        }
    }
    if tokens.is_empty() {
        s.push_str("Không có thiết bị nào / no token present\n");
    }
    for r in findings {
        let _ = writeln!(s, "! {}\n  {}", r.vi, r.en);
    }
    s
}

/// The certificate inventory as text.
pub fn inventory_text(inv: &Inventory) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Danh mục chứng thư số — certificate inventory{} (tại / at {}, cảnh báo trước / warning {} ngày / days)",
        inv.unit
            .as_deref()
            .map(|u| format!(": {u}"))
            .unwrap_or_default(),
        vn_date_time_from_rfc3339(&inv.generated_at),
        inv.warn_days
    );
    for (i, e) in inv.entries.iter().enumerate() {
        let who = e.common_name.clone().unwrap_or_else(|| e.subject.clone());
        let mut about: Vec<&str> = Vec::new();
        about.extend(e.title.as_deref());
        about.extend(
            e.organization
                .as_deref()
                .filter(|o| Some(*o) != e.common_name.as_deref()),
        );
        let kind = e.subscriber_label();
        let _ = writeln!(
            s,
            "{:>3}. {who}{} ({kind})",
            i + 1,
            if about.is_empty() {
                String::new()
            } else {
                format!(" — {}", about.join(", "))
            }
        );
        let place = match (&e.key_label, &e.token_serial) {
            (Some(key), Some(serial)) => format!(
                "thiết bị / token {} (sê-ri / serial {serial}), khóa / key {key:?}",
                e.source
            ),
            _ => format!("tệp / file {}", e.source),
        };
        let _ = writeln!(s, "     số hiệu / serial {}, {place}", e.serial);
        let (vi, en) = e.state.labels();
        let _ = writeln!(
            s,
            "     hiệu lực / valid {} → {} (còn / left {} ngày / days) — {vi} / {en}",
            vn_date_time_from_rfc3339(&e.not_before),
            vn_date_time_from_rfc3339(&e.not_after),
            e.days_left
        );
    }
    let t = &inv.summary;
    let _ = writeln!(
        s,
        "Tổng / total {}: còn hiệu lực / valid {}, sắp hết hạn / expiring soon {}, đã hết hạn / expired {}, chưa có hiệu lực / not yet valid {}",
        t.total, t.valid, t.expiring_soon, t.expired, t.not_yet_valid
    );
    for r in &inv.reasons {
        let _ = writeln!(s, "! {}\n  {}", r.vi, r.en);
    }
    s
}

/// An edXML package's report as text: its header, its XML signature, then each attached
/// document's report indented.
pub fn package_text(p: &kyso::edxml::PackageReport) -> String {
    use kyso::edxml::SignatureStatus;
    let mut s = String::new();
    let (vi, en) = verdict_words(p.verdict);
    let file = p.file.as_deref().unwrap_or("-");
    let h = &p.header;
    let _ = writeln!(
        s,
        "Gói tin edXML / edXML package: {file}\nKết luận: {vi} — Verdict: {en}"
    );
    let _ = writeln!(s, "  Số, ký hiệu / Number: {}", p.number);
    let _ = writeln!(s, "  Trích yếu / Subject: {}", h.subject);
    let _ = writeln!(s, "  Nơi gửi / From: {} ({})", h.from.name, h.from.id);
    for to in &h.to {
        let _ = writeln!(s, "  Nơi nhận / To: {} ({})", to.name, to.id);
    }
    let (svi, sen) = match p.signature.status {
        SignatureStatus::Valid => ("hợp lệ", "valid"),
        SignatureStatus::Invalid => ("không hợp lệ", "invalid"),
        SignatureStatus::Indeterminate => ("chưa xác định", "indeterminate"),
        SignatureStatus::NotChecked => ("chưa kiểm tra", "not checked"),
        SignatureStatus::Absent => ("không có", "none"),
    };
    let by = p
        .signature
        .signer
        .as_ref()
        .map(|x| format!(" — {}", x.common_name.as_deref().unwrap_or(&x.subject)))
        .unwrap_or_default();
    let _ = writeln!(s, "  Chữ ký gói tin / Package signature: {svi} — {sen}{by}");
    reasons_text(&mut s, p.signature.reasons.iter().chain(&p.reasons));
    for a in &p.attachments {
        let _ = writeln!(
            s,
            "  Tệp đính kèm / Attachment: {} ({} bytes)",
            a.name, a.size
        );
        let mut inner = a.report.as_ref().map(report_text).unwrap_or_default();
        reasons_text(&mut inner, &a.reasons);
        for line in inner.lines() {
            let _ = writeln!(s, "    {line}");
        }
    }
    s
}

/// Findings, each as `  [severity] Vietnamese` then the English below it.
fn reasons_text<'a>(s: &mut String, reasons: impl IntoIterator<Item = &'a kyso::report::Reason>) {
    for reason in reasons {
        let _ = writeln!(
            s,
            "  [{}] {}\n         {}",
            severity_vi(reason.severity),
            reason.vi,
            reason.en
        );
    }
}
