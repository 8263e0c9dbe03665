//! The refusal notice: what the clerk (văn thư) returns to the sender of an incoming document
//! that failed verification (Decree 30/2020/NĐ-CP Art. 21(2); Gia Lai Decision 29/2026/QĐ-UBND,
//! quy chế Art. 12.3): the document (name, SHA-256, number), each failing signature with its
//! reasons in plain Vietnamese, the legal basis, the date and time at +07:00. As text, JSON or
//! a one-page PDF with the built-in font, which the clerk can sign with `kyso sign`.

use kyso_policy::reason::{Msg, Reason, Severity};
use kyso_sign::appearance::{AppearanceBuilder, Rect, Rotation, TextFont, wrap_text};
use kyso_verify::{Indication, Report, Verdict};
use serde::Serialize;

use crate::Error;

/// The notice, built from a verification report ([`RefusalNotice::new`]).
#[derive(Debug, Clone, Serialize)]
pub struct RefusalNotice {
    /// The receiving organisation (the clerk's).
    pub receiver: String,
    /// The sender, when known.
    pub sender: Option<String>,
    /// The document's file name.
    pub file_name: String,
    /// SHA-256 of the document's bytes, hexadecimal.
    pub sha256: String,
    /// The document's number and symbol (số, ký hiệu), when known.
    pub number: Option<String>,
    /// The verification's verdict (`INVALID`, `INDETERMINATE`, `NO_SIGNATURES`).
    pub verdict: Verdict,
    /// Each signature that did not pass, with its reasons.
    pub signatures: Vec<FailedSignature>,
    /// Findings about the file itself (no signature, a repaired file, …).
    pub document_reasons: Vec<Reason>,
    /// When the notice was made, in Vietnam time (`dd/mm/yyyy HH:MM:SS +07:00`).
    pub issued_at: String,
    /// The place and date line of Decree 30 (`Gia Lai, ngày 06 tháng 12 năm 2026`).
    pub dateline: String,
}

/// A signature that did not pass verification.
#[derive(Debug, Clone, Serialize)]
pub struct FailedSignature {
    /// The signature field.
    pub field: String,
    /// The signer's name, from the certificate.
    pub signer: Option<String>,
    /// `TOTAL_FAILED` or `INDETERMINATE`.
    pub indication: Indication,
    /// What failed or could not be established (errors and warnings).
    pub reasons: Vec<Reason>,
}

/// Who the notice is from and to, and the document's number, as the clerk gives them.
#[derive(Debug, Clone, Default)]
pub struct Parties {
    /// The sender, to whom the notice is addressed.
    pub sender: Option<String>,
    /// The receiving organisation (default "Văn thư cơ quan").
    pub receiver: Option<String>,
    /// The document's number and symbol (số, ký hiệu).
    pub number: Option<String>,
    /// Where the notice is made (địa danh), for its date line (default "Gia Lai").
    pub place: Option<String>,
}

/// Verify the document in `bytes` (an edXML package when `file_name` ends in `.edxml`, a PDF
/// otherwise) and make its refusal notice: an error for a VALID document; a file that cannot be
/// read is refused for that reason.
pub fn refuse(
    bytes: &[u8],
    file_name: &str,
    options: &crate::VerifyOptions,
    parties: &Parties,
) -> Result<RefusalNotice, Error> {
    use sha2::Digest;
    let sha256 = sha2::Sha256::digest(bytes);
    if crate::edxml::is_package_name(std::path::Path::new(file_name)) {
        return match crate::edxml::verify_edxml(bytes, options) {
            Ok(package) => {
                RefusalNotice::for_package(&package, file_name, &sha256, parties, crate::now())
            }
            Err(e) => {
                let error = e.to_string();
                let mut report = unreadable_report(&e);
                report.reasons = vec![Msg::EdxmlUnreadable { error: &error }.reason()];
                RefusalNotice::new(&report, file_name, &sha256, parties, crate::now())
            }
        };
    }
    let report = match crate::verify_pdf(bytes, options) {
        Ok(r) => r,
        Err(e) => unreadable_report(&e),
    };
    RefusalNotice::new(&report, file_name, &sha256, parties, crate::now())
}

/// [`refuse`] with its options as JSON: the verification options of
/// [`crate::VerifyConfig::from_json`], and `notice_json` as `{"file_name": "…", "sender": "…",
/// "receiver": "…", "number": "…", "place": "…"}` (each optional; a `file_name` ending in
/// `.edxml` makes the bytes an edXML package): the C ABI's `kyso_refusal_notice`.
pub fn refuse_json(
    bytes: &[u8],
    options_json: &str,
    notice_json: &str,
) -> Result<RefusalNotice, Error> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Request {
        file_name: Option<String>,
        sender: Option<String>,
        receiver: Option<String>,
        number: Option<String>,
        place: Option<String>,
    }
    let options = crate::VerifyConfig::from_json(options_json)?.build()?;
    let request: Request = serde_json::from_str(notice_json)
        .map_err(|e| Error::Options(format!("notice options: {e}")))?;
    let parties = Parties {
        sender: request.sender,
        receiver: request.receiver,
        number: request.number,
        place: request.place,
    };
    let name = request.file_name.unwrap_or_else(|| "văn bản.pdf".into());
    refuse(bytes, &name, &options, &parties)
}

/// The report of a file that could not be verified at all (not a readable PDF).
fn unreadable_report(e: &Error) -> Report {
    Report {
        schema: kyso_verify::report::SCHEMA,
        verdict: Verdict::Invalid,
        file: None,
        validation_time: String::new(),
        revocation: String::new(),
        revisions: 0,
        signatures: Vec::new(),
        reasons: vec![
            Msg::DocumentUnreadable {
                code: &e.code(),
                error: &e.to_string(),
            }
            .reason(),
        ],
        fetched: Vec::new(),
    }
}

fn valid_document() -> Error {
    Error::Options(
        "văn bản hợp lệ: không có gì để trả lại — the document is VALID: nothing to refuse".into(),
    )
}

fn serious(r: &&Reason) -> bool {
    matches!(r.severity, Severity::Error | Severity::Warning)
}

/// The signatures of `report` that did not pass, their fields prefixed with `prefix`.
fn failed_signatures(report: &Report, prefix: &str) -> Vec<FailedSignature> {
    report
        .signatures
        .iter()
        .filter(|s| s.indication != Indication::TotalPassed)
        .map(|s| FailedSignature {
            field: format!("{prefix}{}", s.field),
            signer: s.signer.as_ref().and_then(|x| x.common_name.clone()),
            indication: s.indication,
            reasons: s.reasons.iter().filter(serious).cloned().collect(),
        })
        .collect()
}

/// `ngày 06 tháng 12 năm 2026` in Vietnam time, as Decree 30 writes dates (Appendix I: a day
/// below 10 and the months 1 and 2 take a leading zero).
fn decree30_date(now: der::DateTime) -> String {
    let secs = now.unix_duration().as_secs();
    match kyso_policy::time::at_offset(secs, 7 * 60) {
        Ok(t) => {
            let month = if t.month() <= 2 {
                format!("{:02}", t.month())
            } else {
                t.month().to_string()
            };
            format!("ngày {:02} tháng {month} năm {}", t.day(), t.year())
        }
        Err(_) => String::new(),
    }
}

/// The legal basis quoted in every notice.
pub const LEGAL_BASIS: &str = "Căn cứ khoản 2 Điều 21 Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư và khoản 3 Điều 12 Quy chế ban hành kèm theo Quyết định số 29/2026/QĐ-UBND của Ủy ban nhân dân tỉnh Gia Lai";

impl RefusalNotice {
    /// The notice for `report` (the verification of the document whose bytes hash to
    /// `sha256`); an error for a VALID document, which is not returned.
    pub fn new(
        report: &Report,
        file_name: &str,
        sha256: &[u8],
        parties: &Parties,
        now: der::DateTime,
    ) -> Result<Self, Error> {
        if report.verdict == Verdict::Valid {
            return Err(valid_document());
        }
        let mut notice = Self::blank(report.verdict, file_name, sha256, parties, now);
        notice.signatures = failed_signatures(report, "");
        notice.document_reasons = report.reasons.iter().filter(serious).cloned().collect();
        Ok(notice)
    }

    /// The notice for an edXML package that is not VALID: its XML signature when it failed,
    /// then, for each attached document that is not valid, the package's finding naming it, its
    /// failing signatures (named `document: field`) and its own findings. The sender and the
    /// number are the package header's unless `parties` gives them.
    pub fn for_package(
        package: &crate::edxml::PackageReport,
        file_name: &str,
        sha256: &[u8],
        parties: &Parties,
        now: der::DateTime,
    ) -> Result<Self, Error> {
        use crate::edxml::SignatureStatus;
        if package.verdict == Verdict::Valid {
            return Err(valid_document());
        }
        let from = &package.header.from;
        let parties = Parties {
            sender: parties.sender.clone().or_else(|| {
                (!from.name.is_empty() || !from.id.is_empty())
                    .then(|| format!("{} (mã định danh {})", from.name, from.id))
            }),
            number: parties
                .number
                .clone()
                .or_else(|| (!package.number.is_empty()).then(|| package.number.clone())),
            ..parties.clone()
        };
        let mut notice = Self::blank(package.verdict, file_name, sha256, &parties, now);
        let sig = &package.signature;
        if matches!(
            sig.status,
            SignatureStatus::Invalid | SignatureStatus::Indeterminate
        ) {
            notice.signatures.push(FailedSignature {
                field: "gói tin edXML".into(),
                signer: sig.signer.as_ref().and_then(|x| x.common_name.clone()),
                indication: if sig.status == SignatureStatus::Invalid {
                    Indication::TotalFailed
                } else {
                    Indication::Indeterminate
                },
                reasons: sig.reasons.iter().filter(serious).cloned().collect(),
            });
        }
        notice.document_reasons = package.reasons.iter().filter(serious).cloned().collect();
        for a in &package.attachments {
            if let Some(report) = &a.report {
                notice
                    .signatures
                    .extend(failed_signatures(report, &format!("{}: ", a.name)));
                notice
                    .document_reasons
                    .extend(report.reasons.iter().filter(serious).cloned());
            }
            notice
                .document_reasons
                .extend(a.reasons.iter().filter(serious).cloned());
        }
        Ok(notice)
    }

    fn blank(
        verdict: Verdict,
        file_name: &str,
        sha256: &[u8],
        parties: &Parties,
        now: der::DateTime,
    ) -> Self {
        let place = parties
            .place
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or("Gia Lai");
        Self {
            receiver: parties
                .receiver
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or("Văn thư cơ quan")
                .to_owned(),
            sender: parties.sender.clone().filter(|s| !s.trim().is_empty()),
            file_name: file_name.to_owned(),
            sha256: sha256.iter().map(|b| format!("{b:02X}")).collect(),
            number: parties.number.clone().filter(|n| !n.trim().is_empty()),
            verdict,
            signatures: Vec::new(),
            document_reasons: Vec::new(),
            issued_at: crate::time::vn_date_time_from_rfc3339(&crate::time::rfc3339_vietnam(now)),
            dateline: format!("{place}, {}", decree30_date(now)),
        }
    }

    /// The notice's paragraphs, in order, each with its kind.
    pub fn paragraphs(&self) -> Vec<(Style, String)> {
        let mut p = vec![
            (Style::Organisation, self.receiver.to_uppercase()),
            (Style::Header, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into()),
            (Style::Header, "Độc lập - Tự do - Hạnh phúc".into()),
            (Style::Organisation, "Số:        /TB".into()),
            (Style::Header, self.dateline.clone()),
            (Style::Title, "THÔNG BÁO".into()),
            (
                Style::Subtitle,
                "Về việc trả lại văn bản điện tử không hợp lệ".into(),
            ),
        ];
        if let Some(s) = &self.sender {
            p.push((Style::Body, format!("Kính gửi: {s}.")));
        }
        p.push((
            Style::Body,
            format!(
                "{} đã nhận văn bản điện tử dưới đây. Qua kiểm tra chữ ký số, văn bản không đủ điều kiện tiếp nhận:",
                self.receiver
            ),
        ));
        p.push((Style::Item, format!("- Tệp: {}", self.file_name)));
        p.push((
            Style::Item,
            format!(
                "- Số, ký hiệu: {}",
                self.number.as_deref().unwrap_or("không xác định")
            ),
        ));
        p.push((Style::Item, format!("- Mã băm SHA-256: {}", self.sha256)));
        p.push((
            Style::Item,
            format!("- Kết quả kiểm tra: {}", verdict_words(self.verdict)),
        ));
        p.push((Style::Body, "Lý do:".into()));
        let mut n = 0;
        for s in &self.signatures {
            n += 1;
            let who = s.signer.as_deref().unwrap_or("không rõ người ký");
            let state = match s.indication {
                Indication::TotalFailed => "không hợp lệ",
                _ => "chưa xác định được tính hợp lệ",
            };
            p.push((
                Style::Item,
                format!("{n}. Chữ ký \"{}\" của {who}: {state}.", s.field),
            ));
            for r in &s.reasons {
                p.push((Style::Detail, format!("• {} [{}]", r.vi, r.code)));
            }
        }
        for r in &self.document_reasons {
            n += 1;
            p.push((Style::Item, format!("{n}. {} [{}]", r.vi, r.code)));
        }
        p.push((
            Style::Body,
            format!(
                "{LEGAL_BASIS}, văn bản trên được trả lại nơi gửi. Đề nghị nơi gửi kiểm tra, ký số lại (nếu cần) và gửi lại văn bản hợp lệ."
            ),
        ));
        p.push((Style::Signature, format!("Lập lúc {}", self.issued_at)));
        p.push((
            Style::Signature,
            format!("VĂN THƯ {}", self.receiver.to_uppercase()),
        ));
        p.push((
            Style::Small,
            format!(
                "Thông báo do kyso {} lập từ kết quả kiểm tra chữ ký số; có thể ký số trước khi gửi.",
                env!("CARGO_PKG_VERSION")
            ),
        ));
        p
    }

    /// The notice as plain text (UTF-8), one paragraph per line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (_, text) in self.paragraphs() {
            out.push_str(&text);
            out.push('\n');
        }
        out
    }

    /// The notice as JSON (`kyso.refusal/1`).
    pub fn to_json(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.insert("schema".into(), "kyso.refusal/1".into());
            map.insert("legal_basis".into(), LEGAL_BASIS.into());
        }
        value.to_string()
    }

    /// The notice as a one-page A4 PDF with the built-in font (embedded), ready to be signed.
    /// A notice too long for the page ends with a pointer to the full report.
    pub fn to_pdf(&self) -> Result<Vec<u8>, Error> {
        const PAGE: (f32, f32) = (595.0, 842.0);
        const MARGIN: f32 = 60.0;
        let font = TextFont::builtin()?;
        let width = PAGE.0 - 2.0 * MARGIN;
        let mut page = AppearanceBuilder::new(PAGE.0, PAGE.1);
        let all = self.paragraphs();
        // The heading's two columns come first (Decree 30 Appendix I); then the body, full width.
        let heading = all
            .iter()
            .take_while(|(s, _)| matches!(s, Style::Organisation | Style::Header))
            .count();
        let mut y = heading_block(&mut page, &font, &all[..heading], PAGE.1 - MARGIN + 10.0)?;
        let paragraphs = &all[heading..];
        for (i, (style, text)) in paragraphs.iter().enumerate() {
            let (size, indent, _, gap) = style.layout();
            let lines = wrap_text(&font, text, width - indent, size)?;
            let needed = lines.len() as f32 * size * 1.35 + gap;
            // Keep room for the signature block and the footer (the last three paragraphs).
            let reserve = if i + 3 < paragraphs.len() { 110.0 } else { 0.0 };
            if y - needed < MARGIN + reserve {
                let more = "(Còn lý do khác: xem báo cáo kiểm tra đầy đủ.)";
                y -= 11.0 * 1.35;
                page.text(&font, MARGIN + 18.0, y, 10.0, more)?;
                let tail = &paragraphs[paragraphs.len() - 3..];
                y = MARGIN + 90.0;
                for (style, text) in tail {
                    y = draw(&mut page, &font, style, text, width, y)?;
                }
                break;
            }
            y = draw(&mut page, &font, style, text, width, y)?;
        }
        let appearance = page.finish(Rotation::R0)?;
        Ok(kyso_pdf::page_document::single_page_pdf(
            &appearance,
            PAGE.0,
            PAGE.1,
            &[
                ("Title", "Thông báo trả lại văn bản điện tử không hợp lệ"),
                ("Producer", concat!("kyso ", env!("CARGO_PKG_VERSION"))),
            ],
        )?)
    }
}

/// Left column of the heading: from the margin, this wide; the right column takes the rest.
const LEFT_COLUMN: (f32, f32) = (50.0, 205.0);
const RIGHT_COLUMN: (f32, f32) = (265.0, 290.0);

/// The heading of Decree 30 (Appendix I) from baseline `top` down: on the left the organisation
/// (upper case, a short rule under it) then the number; on the right the national name and the
/// motto (ruled under, as wide as it) then place and date, level with the number. Returns where
/// the body starts.
fn heading_block(
    page: &mut AppearanceBuilder,
    font: &TextFont,
    heading: &[(Style, String)],
    top: f32,
) -> Result<f32, Error> {
    let column = |style: Style| -> Vec<&str> {
        heading
            .iter()
            .filter(|(s, _)| *s == style)
            .map(|(_, t)| t.as_str())
            .collect()
    };
    let (left, right) = (column(Style::Organisation), column(Style::Header));
    let (size, lead) = (11.0, 11.0 * 1.35);
    let centred = |page: &mut AppearanceBuilder, (x, w): (f32, f32), y: f32, text: &str| {
        let width = font.width(text, size)?;
        page.text(font, x + (w - width) / 2.0, y, size, text)?;
        Ok::<f32, Error>(width)
    };
    // Everything but the last line of each column is the upper block; the last lines (number,
    // place and date) share one baseline below it.
    let (left_top, left_last) = left.split_at(left.len().saturating_sub(1));
    let (right_top, right_last) = right.split_at(right.len().saturating_sub(1));
    let mut yl = top;
    for text in left_top {
        for line in wrap_text(font, text, LEFT_COLUMN.1, size)? {
            yl -= lead;
            centred(page, LEFT_COLUMN, yl, &line)?;
        }
    }
    let rule = LEFT_COLUMN.1 / 3.0;
    page.frame(
        Rect::new(
            LEFT_COLUMN.0 + (LEFT_COLUMN.1 - rule) / 2.0,
            yl - 4.0,
            rule,
            0.0,
        ),
        0.6,
    );
    let mut yr = top;
    let mut last_width = 0.0;
    for text in right_top {
        yr -= lead;
        last_width = centred(page, RIGHT_COLUMN, yr, text)?;
    }
    page.frame(
        Rect::new(
            RIGHT_COLUMN.0 + (RIGHT_COLUMN.1 - last_width) / 2.0,
            yr - 4.0,
            last_width,
            0.0,
        ),
        0.6,
    );
    let y = yl.min(yr) - lead - 8.0;
    for text in left_last {
        centred(page, LEFT_COLUMN, y, text)?;
    }
    for text in right_last {
        centred(page, RIGHT_COLUMN, y, text)?;
    }
    Ok(y)
}

/// Draw one paragraph from baseline `y` down; returns where the next one starts.
fn draw(
    page: &mut AppearanceBuilder,
    font: &TextFont,
    style: &Style,
    text: &str,
    width: f32,
    mut y: f32,
) -> Result<f32, Error> {
    let (size, indent, centred, gap) = style.layout();
    let margin = (595.0 - width) / 2.0;
    y -= gap;
    for line in wrap_text(font, text, width - indent, size)? {
        y -= size * 1.35;
        let x = if centred {
            margin + (width - font.width(&line, size)?) / 2.0
        } else {
            margin + indent
        };
        page.text(font, x, y, size, &line)?;
    }
    Ok(y)
}

/// How a paragraph of the notice is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The left column of the heading (Decree 30 Appendix I): the issuing organisation, then
    /// the notice's number.
    Organisation,
    /// The right column of the heading: the national name and motto, then place and date.
    Header,
    /// `THÔNG BÁO`.
    Title,
    /// What the notice is about.
    Subtitle,
    /// Running text.
    Body,
    /// A listed fact or reason.
    Item,
    /// A detail under an item.
    Detail,
    /// The date and the clerk's block.
    Signature,
    /// The footer.
    Small,
}

impl Style {
    /// Font size, left indent, centred, space before.
    fn layout(self) -> (f32, f32, bool, f32) {
        match self {
            Style::Organisation | Style::Header => (11.0, 0.0, true, 0.0),
            Style::Title => (15.0, 0.0, true, 18.0),
            Style::Subtitle => (12.0, 0.0, true, 2.0),
            Style::Body => (11.0, 0.0, false, 10.0),
            Style::Item => (11.0, 14.0, false, 2.0),
            Style::Detail => (10.0, 28.0, false, 0.0),
            Style::Signature => (11.0, 250.0, false, 10.0),
            Style::Small => (8.0, 0.0, false, 24.0),
        }
    }
}

fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "HỢP LỆ",
        Verdict::Invalid => "KHÔNG HỢP LỆ",
        Verdict::Indeterminate => "CHƯA XÁC ĐỊNH ĐƯỢC TÍNH HỢP LỆ",
        Verdict::NoSignatures => "KHÔNG CÓ CHỮ KÝ SỐ",
    }
}
