//! The refusal notice: what the clerk (văn thư) returns to the sender of an incoming document
//! that failed verification (Decree 30/2020/NĐ-CP Art. 21(2); Gia Lai Decision 29/2026/QĐ-UBND,
//! quy chế Art. 12.3): the document (name, SHA-256, number), each failing signature with its
//! reasons in plain Vietnamese, the legal basis, the date and time at +07:00. As text, JSON or
//! a one-page PDF with the built-in font, which the clerk can sign with `kyso sign`.

use kyso_policy::reason::{Msg, Reason, Severity};
use kyso_sign::appearance::{AppearanceBuilder, Rotation, TextFont, wrap_text};
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
}

/// Verify the PDF in `bytes` and make its refusal notice: an error for a VALID document; a
/// file that is not a readable PDF is refused for that reason.
pub fn refuse(
    bytes: &[u8],
    file_name: &str,
    options: &crate::VerifyOptions,
    parties: &Parties,
) -> Result<RefusalNotice, Error> {
    use sha2::Digest;
    let report = match crate::verify_pdf(bytes, options) {
        Ok(r) => r,
        Err(e) => unreadable_report(&e),
    };
    RefusalNotice::new(
        &report,
        file_name,
        &sha2::Sha256::digest(bytes),
        parties.sender.as_deref(),
        parties.receiver.as_deref(),
        parties.number.as_deref(),
        crate::now(),
    )
}

/// [`refuse`] with its options as JSON: the verification options of
/// [`crate::VerifyConfig::from_json`], and `notice_json` as `{"file_name": "…", "sender": "…",
/// "receiver": "…", "number": "…"}` (each optional): the C ABI's `kyso_refusal_notice`.
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
    }
    let options = crate::VerifyConfig::from_json(options_json)?.build()?;
    let request: Request = serde_json::from_str(notice_json)
        .map_err(|e| Error::Options(format!("notice options: {e}")))?;
    let parties = Parties {
        sender: request.sender,
        receiver: request.receiver,
        number: request.number,
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

/// The legal basis quoted in every notice.
pub const LEGAL_BASIS: &str = "Căn cứ khoản 2 Điều 21 Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư và khoản 3 Điều 12 Quy chế ban hành kèm theo Quyết định số 29/2026/QĐ-UBND của Ủy ban nhân dân tỉnh Gia Lai";

impl RefusalNotice {
    /// The notice for `report` (the verification of the document whose bytes hash to
    /// `sha256`); an error for a VALID document, which is not returned.
    pub fn new(
        report: &Report,
        file_name: &str,
        sha256: &[u8],
        sender: Option<&str>,
        receiver: Option<&str>,
        number: Option<&str>,
        now: der::DateTime,
    ) -> Result<Self, Error> {
        if report.verdict == Verdict::Valid {
            return Err(Error::Options(
                "văn bản hợp lệ: không có gì để trả lại — the document is VALID: nothing to refuse"
                    .into(),
            ));
        }
        let serious = |r: &&Reason| matches!(r.severity, Severity::Error | Severity::Warning);
        let signatures = report
            .signatures
            .iter()
            .filter(|s| s.indication != Indication::TotalPassed)
            .map(|s| FailedSignature {
                field: s.field.clone(),
                signer: s.signer.as_ref().and_then(|x| x.common_name.clone()),
                indication: s.indication,
                reasons: s.reasons.iter().filter(serious).cloned().collect(),
            })
            .collect();
        Ok(Self {
            receiver: receiver
                .filter(|r| !r.trim().is_empty())
                .unwrap_or("Văn thư cơ quan")
                .to_owned(),
            sender: sender.map(str::to_owned).filter(|s| !s.trim().is_empty()),
            file_name: file_name.to_owned(),
            sha256: sha256.iter().map(|b| format!("{b:02X}")).collect(),
            number: number.map(str::to_owned).filter(|n| !n.trim().is_empty()),
            verdict: report.verdict,
            signatures,
            document_reasons: report.reasons.iter().filter(serious).cloned().collect(),
            issued_at: crate::time::vn_date_time_from_rfc3339(&crate::time::rfc3339_vietnam(now)),
        })
    }

    /// The notice's paragraphs, in order, each with its kind.
    pub fn paragraphs(&self) -> Vec<(Style, String)> {
        let mut p = vec![
            (Style::Header, self.receiver.to_uppercase()),
            (Style::Header, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into()),
            (Style::Header, "Độc lập - Tự do - Hạnh phúc".into()),
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
        let mut y = PAGE.1 - MARGIN;
        let paragraphs = self.paragraphs();
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
    /// The heading lines (organisation, national motto).
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
            Style::Header => (11.0, 0.0, true, 0.0),
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
