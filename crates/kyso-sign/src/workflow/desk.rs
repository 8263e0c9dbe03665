//! The clerk's other marks, as the Government CA's VGCA tools make them: the incoming-document
//! stamp (*dấu "ĐẾN"*, Decree 30/2020/NĐ-CP Art. 22 and its Appendix IV specimen: the receiving
//! organisation, "ĐẾN", the incoming number, date and time), a comment (*ý kiến*: the text, who
//! gave it and when) and the appendix mark (the document the appendix belongs to, and when it
//! was signed). Each is a text block; this file says what its lines are.

use super::Placement;
use crate::appearance::TextFont;
use crate::{SignError, SigningTime};

/// The incoming-document stamp, by default at the top left of page 1.
#[derive(Debug, Clone)]
pub struct IncomeOptions {
    /// The receiving organisation (shown in capitals, as on the stamp).
    pub organization: String,
    /// The incoming number (*số đến*) given by the receiving office.
    pub income_number: String,
    /// When the document was received; the signing time when `None`.
    pub received: Option<SigningTime>,
    /// Font for the text block.
    pub font: TextFont,
    /// Where; by default the top left of page 1, in blank space.
    pub placement: Placement,
}

/// A comment (*ý kiến*) on a document, in a rectangle the caller gives.
#[derive(Debug, Clone)]
pub struct CommentOptions {
    /// What the commenter says.
    pub text: String,
    /// The commenter's name; the signer certificate's name when `None`.
    pub name: Option<String>,
    /// The commenter's title (*chức vụ*); the certificate's title attribute when `None`.
    pub title: Option<String>,
    /// Font for the text block.
    pub font: TextFont,
    /// Where: `rect` is required.
    pub placement: Placement,
}

/// The signature on an appendix (*phụ lục*) in a separate file.
#[derive(Debug, Clone)]
pub struct AppendixOptions {
    /// The number and symbol of the document the appendix belongs to, e.g. `125/QĐ-UBND`.
    pub doc_number: String,
    /// Font for the text block.
    pub font: TextFont,
    /// Where; by default the top right of page 1, in blank space.
    pub placement: Placement,
}

/// The stamp's lines: organisation, "ĐẾN", number, date, time (Vietnam time, as the rest).
pub(super) fn income_lines(
    i: &IncomeOptions,
    signing_time: SigningTime,
) -> Result<Vec<String>, SignError> {
    let received = i.received.unwrap_or(signing_time);
    let (date, time) = kyso_policy::time::vn_date_and_clock(received.unix_seconds)?;
    Ok(vec![
        i.organization.to_uppercase(),
        "ĐẾN".into(),
        format!("Số đến: {}", i.income_number),
        format!("Ngày đến: {date}"),
        format!("Giờ đến: {time}"),
    ])
}

/// The appendix mark's lines.
pub(super) fn appendix_lines(a: &AppendixOptions, time: &str) -> Vec<String> {
    vec![
        format!("Phụ lục kèm theo văn bản số {}", a.doc_number),
        time.to_owned(),
    ]
}

/// The comment's lines: the text wrapped to `width` points, then "name, title" and the time.
pub(super) fn comment_lines(
    c: &CommentOptions,
    name: &str,
    title: Option<&str>,
    time: &str,
    width: f32,
    size: f32,
) -> Result<Vec<String>, SignError> {
    let mut lines = Vec::new();
    for paragraph in c.text.lines() {
        lines.extend(crate::appearance::wrap_text(
            &c.font, paragraph, width, size,
        )?);
    }
    lines.push(match title {
        Some(t) if !t.trim().is_empty() => format!("{name}, {t}"),
        _ => name.to_owned(),
    });
    lines.push(time.to_owned());
    Ok(lines)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_incoming_stamp_shows_number_date_and_time_in_vietnam_time() {
        let i = IncomeOptions {
            organization: "Sở Khoa học và Công nghệ tỉnh Gia Lai".into(),
            income_number: "1234".into(),
            // 2025-01-07T09:02:32Z: 16:02 in Hà Nội.
            received: Some(SigningTime {
                unix_seconds: 1_736_240_552,
                offset_minutes: 0,
            }),
            font: TextFont::builtin().unwrap(),
            placement: Placement::default(),
        };
        let now = SigningTime {
            unix_seconds: 0,
            offset_minutes: 420,
        };
        assert_eq!(
            income_lines(&i, now).unwrap(),
            [
                "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH GIA LAI",
                "ĐẾN",
                "Số đến: 1234",
                "Ngày đến: 07/01/2025",
                "Giờ đến: 16:02 (+07:00)"
            ]
        );
    }

    #[test]
    fn comments_wrap_to_the_rectangle() {
        let font = TextFont::builtin().unwrap();
        let c = CommentOptions {
            text:
                "Đồng ý với nội dung dự thảo, đề nghị Văn phòng hoàn thiện và trình ký trong ngày."
                    .into(),
            name: None,
            title: None,
            font: font.clone(),
            placement: Placement::default(),
        };
        let lines = comment_lines(
            &c,
            "Nguyễn Văn An",
            Some("Giám đốc"),
            "07/01/2025",
            150.0,
            10.0,
        )
        .unwrap();
        assert!(lines.len() >= 4, "{lines:?}");
        for l in &lines {
            assert!(font.width(l, 10.0).unwrap() <= 150.0, "{l}");
        }
        assert_eq!(lines[lines.len() - 2], "Nguyễn Văn An, Giám đốc");
        let joined = lines[..lines.len() - 2].join(" ");
        assert_eq!(joined, c.text);
        // An unbreakable word is cut, not left to overflow.
        let long = crate::appearance::wrap_text(&font, &"Đ".repeat(80), 100.0, 10.0).unwrap();
        assert!(long.len() > 1 && long.iter().all(|l| font.width(l, 10.0).unwrap() <= 100.0));
    }
}
