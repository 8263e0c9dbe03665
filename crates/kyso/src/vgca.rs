//! The Government CA's VGCA Sign Service operations, one to one, with VGCA's own names and
//! JSON shapes (DOMAIN.md §7), so that an e-office integration written for it can call kyso
//! instead:
//!
//! | VGCA operation | kyso profile | request fields used |
//! |---|---|---|
//! | `SignApproved` | `approval` | `MetaData`: `Image` (signature PNG), `Rect`, `Page` |
//! | `SignIssued` | `issuance` | `DocNumber`, `IssuedDate`; `MetaData`: `Image` (seal PNG), `Organization`, `SealWidthMm`, `Rect`, `Page` |
//! | `SignIncome` | `income` | `MetaData`: `Organization`, `IncomeNumber`, `ReceivedDate` (RFC 3339), `Rect`, `Page` |
//! | `SignCopy` | `copy` | `DocNumber`; `MetaData`: `CopyType`, `Organization`, `Rect`, `Page` |
//! | `SignAppendix` | `appendix` | `DocNumber` (the document it belongs to); `MetaData`: `Rect`, `Page` |
//! | `Comment` | `comment` | `MetaData`: `Comment` (or `Text`), `Name`, `Title`, `Rect`, `Page` |
//! | `VerifyPDF` | `kyso verify` | — |
//!
//! `FileName` is a local path here (VGCA's service downloads a URL; kyso never fetches the
//! document). `MetaData` keys are matched without regard to case, `_` or `-`, and also accept
//! `Reason`, `Location` and `Font`; keys kyso does not know are ignored, as VGCA's service
//! ignores those it does not use. `FileUploadHandler`, `SessionId` and `JWTToken` are accepted
//! and ignored (the caller posts the file back itself). The reply is VGCA's:
//! `{"Status": 0, "Message": …, "FileName": …, "DocumentNumber": …, "DocumentDate": …}`, a
//! non-zero `Status` with a Vietnamese and English `Message` on failure.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::workflows::{ProfileRequest, Role};

/// One VGCA Sign Service operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `SignApproved`: the competent person's approval signature.
    SignApproved,
    /// `SignIssued`: the clerk's seal over it, with the document number and date.
    SignIssued,
    /// `SignIncome`: the incoming-document stamp.
    SignIncome,
    /// `SignCopy`: an electronic copy.
    SignCopy,
    /// `SignAppendix`: an appendix in a separate file.
    SignAppendix,
    /// `Comment`: a comment.
    Comment,
    /// `VerifyPDF`: verify the document's signatures.
    VerifyPdf,
}

impl Operation {
    /// Every operation, in VGCA's order.
    pub const ALL: [Operation; 7] = [
        Self::SignApproved,
        Self::SignIssued,
        Self::SignIncome,
        Self::SignCopy,
        Self::SignAppendix,
        Self::Comment,
        Self::VerifyPdf,
    ];

    /// VGCA's name (`SignApproved`, …, `VerifyPDF`).
    pub fn name(self) -> &'static str {
        match self {
            Self::SignApproved => "SignApproved",
            Self::SignIssued => "SignIssued",
            Self::SignIncome => "SignIncome",
            Self::SignCopy => "SignCopy",
            Self::SignAppendix => "SignAppendix",
            Self::Comment => "Comment",
            Self::VerifyPdf => "VerifyPDF",
        }
    }

    /// The operation named `name` (VGCA's name, or its JavaScript form such as
    /// `vgca_sign_approved`), case and `_`/`-` ignored.
    pub fn from_name(name: &str) -> Option<Self> {
        let wanted = squash(name.strip_prefix("vgca_").unwrap_or(name));
        Self::ALL.into_iter().find(|op| squash(op.name()) == wanted)
    }

    /// The kyso workflow it maps to (none for `VerifyPDF`).
    pub fn role(self) -> Option<Role> {
        Some(match self {
            Self::SignApproved => Role::Approval,
            Self::SignIssued => Role::Issuance,
            Self::SignIncome => Role::Income,
            Self::SignCopy => Role::Copy,
            Self::SignAppendix => Role::Appendix,
            Self::Comment => Role::Comment,
            Self::VerifyPdf => return None,
        })
    }
}

/// Lower case without `_` and `-`: how names and metadata keys are compared.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A VGCA request, as e-office pages send it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    /// The document: a local path.
    pub file_name: String,
    /// Document number and symbol (SignIssued, SignCopy, SignAppendix).
    #[serde(default)]
    pub doc_number: Option<String>,
    /// Issuing date (SignIssued).
    #[serde(default)]
    pub issued_date: Option<String>,
    /// `[{Key, Value}]`.
    #[serde(default)]
    pub meta_data: Vec<MetaItem>,
    /// Where to write the signed file (a kyso addition; the CLI's `-o` wins).
    #[serde(default)]
    pub output_file_name: Option<String>,
    /// VGCA's transport fields, accepted and ignored.
    #[serde(default)]
    pub file_upload_handler: Option<serde_json::Value>,
    /// See `file_upload_handler`.
    #[serde(default)]
    pub session_id: Option<serde_json::Value>,
    /// See `file_upload_handler`.
    #[serde(default, rename = "JWTToken")]
    pub jwt_token: Option<serde_json::Value>,
}

/// One `MetaData` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetaItem {
    /// The key.
    pub key: String,
    /// The value (a string or a number).
    pub value: serde_json::Value,
}

/// VGCA's reply.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Reply {
    /// 0 on success.
    pub status: i32,
    /// What happened, in Vietnamese and English.
    pub message: String,
    /// The signed file (or the verified one).
    pub file_name: Option<String>,
    /// The document number, as requested.
    pub document_number: Option<String>,
    /// The document date: the issuing date requested, else the signing date (dd/mm/yyyy).
    pub document_date: Option<String>,
    /// Error code (kyso's) when `status` is not 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u32>,
    /// `VerifyPDF`: the verification report (`kyso.report/1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<serde_json::Value>,
}

impl Reply {
    /// The reply to a failed operation: the error's code and its message.
    pub fn failure(file_name: Option<String>, e: &Error) -> Self {
        Self::failed(file_name, e.code(), &e.to_string())
    }

    fn failed(file_name: Option<String>, code: u32, message: &str) -> Self {
        Self {
            status: 1,
            message: format!("Không thực hiện được — failed: {message}"),
            file_name,
            document_number: None,
            document_date: None,
            error_code: Some(code),
            report: None,
        }
    }

    /// The reply as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"Status":1}"#.into())
    }
}

impl Request {
    /// Parse a request; malformed JSON or a missing `FileName` is [`Error::Options`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        serde_json::from_str(json).map_err(|e| Error::Options(format!("VGCA request: {e}")))
    }

    /// The value of the first `MetaData` entry whose key is one of `keys` (compared without
    /// case, `_` or `-`), as text.
    pub fn meta(&self, keys: &[&str]) -> Option<String> {
        let keys: Vec<String> = keys.iter().map(|k| squash(k)).collect();
        self.meta_data
            .iter()
            .find(|m| keys.contains(&squash(&m.key)))
            .and_then(|m| match &m.value {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            })
            .filter(|s| !s.trim().is_empty())
    }

    /// The kyso profile this request describes for `op` (none for `VerifyPDF`).
    pub fn profile(&self, op: Operation) -> Result<Option<ProfileRequest>, Error> {
        let Some(role) = op.role() else {
            return Ok(None);
        };
        let page = self
            .meta(&["Page", "PageNumber"])
            .map(|p| {
                p.trim()
                    .parse::<u32>()
                    .map_err(|_| Error::Options(format!("MetaData Page must be a number: {p:?}")))
            })
            .transpose()?;
        let seal_width_mm = self
            .meta(&["SealWidthMm"])
            .map(|w| {
                w.trim().parse::<f32>().map_err(|_| {
                    Error::Options(format!("MetaData SealWidthMm must be a number: {w:?}"))
                })
            })
            .transpose()?;
        Ok(Some(ProfileRequest {
            image: self
                .meta(&["Image", "SignatureImage", "SealImage"])
                .map(PathBuf::from),
            page,
            rect: self
                .meta(&["Rect"])
                .as_deref()
                .map(crate::workflows::parse_rect)
                .transpose()?,
            doc_number: self.doc_number.clone(),
            copy_type: self.meta(&["CopyType"]),
            organization: self.meta(&["Organization", "OrganName", "OrgName"]),
            font: self.meta(&["Font"]).map(PathBuf::from),
            seal_width_mm,
            issued_date: self.issued_date.clone(),
            income_number: self.meta(&["IncomeNumber", "IncomingNumber"]),
            received: self.meta(&["ReceivedDate", "Received"]),
            text: self.meta(&["Comment", "Text", "Content"]),
            name: self.meta(&["Name", "FullName", "SignerName"]),
            title: self.meta(&["Title", "Position"]),
            ..ProfileRequest::new(role)
        }))
    }

    /// Where the signed file goes: `output`, else `OutputFileName`, else the input's name with
    /// `_signed` before `.pdf`.
    pub fn output_path(&self, output: Option<&Path>) -> PathBuf {
        if let Some(o) = output {
            return o.to_path_buf();
        }
        if let Some(o) = &self.output_file_name {
            return PathBuf::from(o);
        }
        let input = Path::new(&self.file_name);
        let stem = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "document".into());
        input.with_file_name(format!("{stem}_signed.pdf"))
    }

    /// The success reply for a signed file.
    pub fn signed_reply(&self, op: Operation, output: &Path, signing_date: String) -> Reply {
        Reply {
            status: 0,
            message: format!(
                "{} thành công — {} succeeded",
                op.role().map_or("Ký số", Role::reason),
                op.name()
            ),
            file_name: Some(output.display().to_string()),
            document_number: self.doc_number.clone(),
            document_date: Some(self.issued_date.clone().unwrap_or(signing_date)),
            error_code: None,
            report: None,
        }
    }

    /// `VerifyPDF`: verify the document; `Status` 0 only when it is VALID, else the reasons.
    pub fn verify(&self, options: &crate::VerifyOptions) -> Result<Reply, Error> {
        let report = crate::verify_pdf_file(Path::new(&self.file_name), options)?;
        let valid = report.verdict == crate::Verdict::Valid;
        let reasons: Vec<String> = report
            .signatures
            .iter()
            .flat_map(|s| {
                s.reasons
                    .iter()
                    .filter(|r| r.severity == crate::report::Severity::Error)
                    .map(move |r| format!("{}: {} ({})", s.field, r.vi, r.en))
            })
            .collect();
        let json = report.to_json();
        Ok(Reply {
            status: if valid { 0 } else { 2 },
            message: if valid {
                "Văn bản hợp lệ — the document is VALID".into()
            } else if reasons.is_empty() {
                format!(
                    "Văn bản không hợp lệ hoặc chưa xác định — verdict {:?}",
                    report.verdict
                )
            } else {
                format!("Văn bản không hợp lệ — not valid: {}", reasons.join("; "))
            },
            file_name: Some(self.file_name.clone()),
            document_number: self.doc_number.clone(),
            document_date: self.issued_date.clone(),
            error_code: None,
            report: serde_json::from_str(&json).ok(),
        })
    }
}

/// The C ABI's `kyso_vgca`: run `operation` on the request with the signing options object
/// of [`crate::SignConfig`] (its key, level, time-stamp and validation data; its profile
/// fields come from the request), or, for `VerifyPDF`, the verification options of
/// [`crate::VerifyConfig`]. Always a reply (failures too).
pub fn run_json(operation: &str, request_json: &str, options_json: &str) -> Reply {
    let request = match Request::from_json(request_json) {
        Ok(r) => r,
        Err(e) => return Reply::failure(None, &e),
    };
    let file = Some(request.file_name.clone());
    let result = (|| -> Result<Reply, crate::SignConfigError> {
        let op = Operation::from_name(operation)
            .ok_or_else(|| Error::Options(format!("unknown VGCA operation {operation:?}")))?;
        if op == Operation::VerifyPdf {
            let options = crate::VerifyConfig::from_json(options_json)?.build()?;
            return Ok(request.verify(&options)?);
        }
        let mut config = crate::SignConfig::from_json(options_json)?;
        // MetaData's Reason and Location, as `kyso vgca` takes them, unless the options set them.
        config.reason = config.reason.or_else(|| request.meta(&["Reason"]));
        config.location = config.location.or_else(|| request.meta(&["Location"]));
        let profile = request.profile(op)?;
        let workflow = profile.map(|p| p.workflow()).transpose()?;
        let input = crate::files::read(Path::new(&request.file_name))?;
        let output = request.output_path(None);
        let (signed, _) = config.sign_in(&input, workflow.as_ref())?;
        crate::files::write_atomic(&output, &signed.bytes)?;
        Ok(request.signed_reply(op, &output, signing_date(crate::signing_time_now())))
    })();
    result.unwrap_or_else(|e| Reply::failed(file, e.code(), &e.to_string()))
}

/// The signing date as Vietnamese documents write it (`dd/mm/yyyy`, Vietnam time).
pub fn signing_date(time: crate::SigningTime) -> String {
    kyso_policy::time::vn_date_and_clock(time.unix_seconds)
        .map(|(date, _)| date)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn operations_by_vgca_and_javascript_names() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(op));
        }
        assert_eq!(
            Operation::from_name("vgca_sign_approved"),
            Some(Operation::SignApproved)
        );
        assert_eq!(
            Operation::from_name("verifypdf"),
            Some(Operation::VerifyPdf)
        );
        assert_eq!(Operation::from_name("SignOffice"), None);
    }

    #[test]
    fn a_vgca_request_becomes_a_profile() {
        let r = Request::from_json(
            r#"{"FileName": "/tmp/cv.pdf", "DocNumber": "125/QĐ-UBND", "IssuedDate": "07/01/2025",
                "SessionId": "x", "JWTToken": "y", "FileUploadHandler": "https://e-office/upload",
                "MetaData": [{"Key": "seal_image", "Value": "/tmp/dau.png"},
                             {"Key": "ORGANIZATION", "Value": "UBND tỉnh Gia Lai"},
                             {"Key": "Page", "Value": 2}, {"Key": "unknown", "Value": 1}]}"#,
        )
        .unwrap();
        let p = r.profile(Operation::SignIssued).unwrap().unwrap();
        assert_eq!(p.role, Role::Issuance);
        assert_eq!(p.image.as_deref(), Some(Path::new("/tmp/dau.png")));
        assert_eq!(p.organization.as_deref(), Some("UBND tỉnh Gia Lai"));
        assert_eq!(p.doc_number.as_deref(), Some("125/QĐ-UBND"));
        assert_eq!(p.issued_date.as_deref(), Some("07/01/2025"));
        assert_eq!(p.page, Some(2));
        assert_eq!(r.output_path(None), Path::new("/tmp/cv_signed.pdf"));
        assert!(r.profile(Operation::VerifyPdf).unwrap().is_none());
        let bad = r#"{"FileName": "a.pdf", "MetaData": [{"Key": "Page", "Value": "two"}]}"#;
        let bad = Request::from_json(bad).unwrap();
        assert_eq!(
            bad.profile(Operation::SignApproved).unwrap_err().code(),
            7001
        );
        assert!(Request::from_json(r#"{"DocNumber": "1"}"#).is_err());
    }

    #[test]
    fn failures_are_replies_with_a_status_and_a_message() {
        let reply = run_json(
            "SignApproved",
            r#"{"FileName": "/nonexistent/cv.pdf"}"#,
            "{}",
        );
        assert_ne!(reply.status, 0);
        assert!(reply.message.contains("Không thực hiện được"), "{reply:?}");
        let reply = run_json("Dance", r#"{"FileName": "a.pdf"}"#, "{}");
        assert_eq!(reply.error_code, Some(7001));
        let reply = run_json("SignApproved", "{", "{}");
        assert_eq!(reply.error_code, Some(7001));
    }
}
