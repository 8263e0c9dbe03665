//! The inbox report: one self-contained HTML page for a clerk, every document verified in one
//! run with its verdict, its signatures and the reasons, Vietnamese first and English beside.
//!
//! Self-contained: the styles and the few lines of script (sorting) are inline, there is no
//! image, font or link to fetch, so the page opens offline and makes no request. The documents
//! are linked by relative path from where the page is written.

use std::fmt::Write as _;
use std::path::Path;

use kyso_policy::time::vn_date_time_from_rfc3339;
use kyso_verify::report::{Report, SignatureReport};
use kyso_verify::{Indication, Verdict};

use crate::html::{esc, reasons};

/// One document of the inbox: its file and what verification gave.
pub struct InboxEntry {
    /// The file, as given to the verifier.
    pub file: std::path::PathBuf,
    /// What verification gave.
    pub outcome: Outcome,
}

/// What verifying one file of the inbox gave.
pub enum Outcome {
    /// A PDF's report.
    Pdf(Report),
    /// An edXML package's report (its attached PDFs' reports inside).
    Package(Box<crate::edxml::PackageReport>),
    /// The file could not be verified: code and message.
    Unreadable(u32, String),
}

impl Outcome {
    /// The verdict, or None for an unreadable file.
    pub fn verdict(&self) -> Option<Verdict> {
        match self {
            Self::Pdf(r) => Some(r.verdict),
            Self::Package(p) => Some(p.verdict),
            Self::Unreadable(..) => None,
        }
    }
}

/// The inbox report as one HTML page; `page_dir` is where it will be written (the documents are
/// linked relative to it), `generated` the time shown (RFC 3339).
pub fn inbox_html(entries: &[InboxEntry], page_dir: &Path, generated: &str) -> String {
    let mut rows = String::new();
    let mut counts = [0usize; 5];
    for (i, e) in entries.iter().enumerate() {
        let (rank, class, vi, en) = verdict_of(&e.outcome);
        counts[rank] += 1;
        let href = link(&e.file, page_dir);
        let name = e
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = write!(
            rows,
            "<tr data-verdict=\"{rank}\" data-order=\"{i}\"><td class=\"v {class}\">{vi}<br><span class=\"en\">{en}</span></td><td class=\"f\"><a href=\"{}\">{}</a><div class=\"path\">{}</div></td><td>",
            esc(&href),
            esc(&name),
            esc(&e.file.display().to_string()),
        );
        match &e.outcome {
            Outcome::Pdf(report) => pdf(&mut rows, report),
            Outcome::Package(package) => edxml(&mut rows, package),
            Outcome::Unreadable(code, message) => {
                let _ = write!(
                    rows,
                    "<p class=\"err\">Không đọc được tệp <span class=\"en\">Unreadable</span> [{code}]: {}</p>",
                    esc(message)
                );
            }
        }
        rows.push_str("</td></tr>\n");
    }
    let total = entries.len();
    let summary = format!(
        "<span class=\"valid\">Hợp lệ / Valid: {}</span> · <span class=\"indet\">Chưa xác định / Indeterminate: {}</span> · <span class=\"invalid\">Không hợp lệ / Invalid: {}</span> · <span class=\"unsigned\">Không có chữ ký / No signature: {}</span> · <span class=\"invalid\">Không đọc được / Unreadable: {}</span> · Tổng số / Total: {total}",
        counts[4], counts[2], counts[0], counts[3], counts[1]
    );
    let body = format!(
        r#"<h1>Kết quả kiểm tra chữ ký số văn bản đến <span class="en">Incoming documents: signature verification</span></h1>
<p class="meta">Lập lúc / Generated: {} · kyso {}</p>
<p class="summary">{summary}</p>
<table id="inbox" class="sortable">
<thead><tr><th><button id="by-verdict" type="button">Kết quả ⇅<br><span class="en">Verdict</span></button></th><th>Tệp <span class="en">File</span></th><th>Chữ ký <span class="en">Signatures</span></th></tr></thead>
<tbody>
{rows}</tbody>
</table>
"#,
        esc(&vn_date_time_from_rfc3339(generated)),
        env!("CARGO_PKG_VERSION"),
    );
    crate::html::page(
        "Kết quả kiểm tra chữ ký số — Signature verification report",
        &body,
    )
}

fn pdf(rows: &mut String, report: &Report) {
    if report.signatures.is_empty() {
        rows.push_str(
            "<p class=\"none\">Không có chữ ký số <span class=\"en\">No signature</span></p>",
        );
    }
    for s in &report.signatures {
        signature(rows, s);
    }
    reasons(rows, &report.reasons);
}

/// A package: its header, its XML signature, then each attached document as a PDF is shown.
fn edxml(rows: &mut String, p: &crate::edxml::PackageReport) {
    use crate::edxml::SignatureStatus;
    let h = &p.header;
    let to: Vec<String> =
        h.to.iter()
            .map(|o| format!("{} ({})", o.name, o.id))
            .collect();
    let _ = write!(
        rows,
        "<div class=\"pkg\"><p><b>Gói tin edXML</b> <span class=\"en\">edXML package</span> · số <b>{}</b> · {}</p><dl><dt>Nơi gửi <span class=\"en\">From</span></dt><dd>{} ({})</dd><dt>Nơi nhận <span class=\"en\">To</span></dt><dd>{}</dd><dt>Ngày ban hành <span class=\"en\">Issued</span></dt><dd>{}</dd>",
        esc(&p.number),
        esc(&h.subject),
        esc(&h.from.name),
        esc(&h.from.id),
        esc(&to.join("; ")),
        esc(&h.promulgation_date),
    );
    let (class, vi, en) = match p.signature.status {
        SignatureStatus::Valid => ("valid", "hợp lệ", "valid"),
        SignatureStatus::Invalid => ("invalid", "không hợp lệ", "invalid"),
        SignatureStatus::Indeterminate => ("indet", "chưa xác định", "indeterminate"),
        SignatureStatus::NotChecked => ("indet", "chưa kiểm tra", "not checked"),
        SignatureStatus::Absent => ("unsigned", "không có", "none"),
    };
    let by = p
        .signature
        .signer
        .as_ref()
        .and_then(|s| s.common_name.clone())
        .map(|n| format!(" · {n}"))
        .unwrap_or_default();
    let _ = write!(
        rows,
        "<dt>Chữ ký gói tin <span class=\"en\">Package signature</span></dt><dd><span class=\"{class}\">{vi} <span class=\"en\">{en}</span></span>{}</dd></dl>",
        esc(&by)
    );
    reasons(rows, &p.signature.reasons);
    rows.push_str("</div>");
    for a in &p.attachments {
        let _ = write!(
            rows,
            "<div class=\"att\"><p>Tệp đính kèm <span class=\"en\">Attachment</span>: <b>{}</b></p>",
            esc(&a.name)
        );
        if let Some(r) = &a.report {
            pdf(rows, r);
        }
        reasons(rows, &a.reasons);
        rows.push_str("</div>");
    }
    let own: Vec<_> = p
        .reasons
        .iter()
        .filter(|r| r.code != "EDXML_ATTACHMENT_NOT_VALID")
        .cloned()
        .collect();
    reasons(rows, &own);
}

/// Sort rank (failures first), CSS class and the verdict's words.
fn verdict_of(outcome: &Outcome) -> (usize, &'static str, &'static str, &'static str) {
    match outcome.verdict() {
        None => (1, "invalid", "KHÔNG ĐỌC ĐƯỢC", "UNREADABLE"),
        Some(v) => match v {
            Verdict::Invalid => (0, "invalid", "KHÔNG HỢP LỆ", "INVALID"),
            Verdict::Indeterminate => (2, "indet", "CHƯA XÁC ĐỊNH", "INDETERMINATE"),
            Verdict::NoSignatures => (3, "unsigned", "KHÔNG CÓ CHỮ KÝ", "NO SIGNATURES"),
            Verdict::Valid => (4, "valid", "HỢP LỆ", "VALID"),
        },
    }
}

fn signature(out: &mut String, s: &SignatureReport) {
    let (class, vi, en) = match s.indication {
        Indication::TotalPassed => ("valid", "hợp lệ", "valid"),
        Indication::TotalFailed => ("invalid", "không hợp lệ", "invalid"),
        Indication::Indeterminate => ("indet", "chưa xác định", "indeterminate"),
    };
    let signer = s.signer.as_ref();
    let name = signer
        .and_then(|x| x.common_name.clone())
        .unwrap_or_else(|| "?".into());
    let _ = write!(
        out,
        "<div class=\"sig\"><p><b>{}</b> <span class=\"{class}\">{vi} <span class=\"en\">{en}</span></span> · {}</p><dl>",
        esc(&name),
        esc(&s.field)
    );
    let mut item = |vi: &str, en: &str, value: &str| {
        let _ = write!(
            out,
            "<dt>{vi} <span class=\"en\">{en}</span></dt><dd>{}</dd>",
            esc(value)
        );
    };
    if let Some(org) = signer.and_then(|x| x.organization.as_deref()) {
        item("Cơ quan", "Organisation", org);
    }
    if let Some(title) = signer.and_then(|x| x.title.as_deref()) {
        item("Chức danh", "Title", title);
    }
    item("Vai trò", "Role", role_words(&s.role));
    if let Some(t) = &s.signing_time {
        let source = match t.source.as_str() {
            "timestamp" => "dấu thời gian / time-stamp",
            "signed_attribute" => "người ký khai / claimed by the signer",
            _ => "tệp PDF khai / claimed in the PDF",
        };
        item(
            "Thời gian ký",
            "Signing time",
            &format!("{} ({source})", vn_date_time_from_rfc3339(&t.value)),
        );
    }
    item("Mức PAdES", "Level", &s.level);
    out.push_str("</dl>");
    reasons(out, &s.reasons);
    out.push_str("</div>");
}

/// A workflow role (`kyso_verify::role`) in words.
fn role_words(role: &str) -> &'static str {
    match role {
        "approval" => "ký duyệt / approval",
        "issuance" => "ký ban hành (dấu cơ quan) / issuance (seal)",
        "attachment" => "ký tệp đính kèm / attachment",
        "copy" => "ký bản sao / copy",
        "appendix" => "ký phụ lục / appendix",
        "income" => "ký văn bản đến / incoming stamp",
        "comment" => "ký ý kiến / comment",
        "certification" => "chứng nhận / certification",
        _ => "không ghi / not recorded",
    }
}

/// A relative link from `page_dir` to `file` when both are under the same directory tree,
/// else the file's absolute path; in URL form (`/` separators, reserved bytes escaped).
fn link(file: &Path, page_dir: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (file, dir) = (abs(file), abs(page_dir));
    let relative = file.strip_prefix(&dir).ok().map(Path::to_path_buf);
    let path = relative.as_deref().unwrap_or(&file);
    let mut url = String::new();
    if relative.is_none() {
        url.push_str("file://");
    }
    for (i, part) in path.components().enumerate() {
        let text = part.as_os_str().to_string_lossy();
        if i > 0 && !url.ends_with('/') {
            url.push('/');
        }
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
                url.push(b as char);
            } else if b == b'\\' || b == b'/' {
                url.push('/');
            } else {
                let _ = write!(url, "%{b:02X}");
            }
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_linked_relatively() {
        assert_eq!(
            link(Path::new("/in/văn bản/a b.pdf"), Path::new("/in")),
            "v%C4%83n%20b%E1%BA%A3n/a%20b.pdf"
        );
        assert_eq!(
            link(Path::new("/x/a.pdf"), Path::new("/in")),
            "file:///x/a.pdf"
        );
    }
}
