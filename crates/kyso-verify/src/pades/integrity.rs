//! Integrity of what a signature covers: its /ByteRange must be the whole revision minus
//! exactly /Contents, and the digest of those ranges is what the signature signs.

use kyso_pdf::{Coverage, PdfSignature};
use kyso_policy::algorithms::Hasher;
use kyso_policy::reason::Reason;

use super::{Outcome, SignatureContext};
use crate::report::CheckStatus;

impl SignatureContext<'_> {
    /// The ranges must be the whole revision minus exactly /Contents; `None` (after a
    /// `FORMAT_FAILURE`) when they are not. Also tells which revision the signature signs.
    pub(super) fn check_coverage(&self, sig: &PdfSignature, out: &mut Outcome) -> Option<Coverage> {
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
                return None;
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
        Some(coverage)
    }

    /// The digest of the signed byte ranges with the algorithm `oid`.
    pub(super) fn digest_ranges(
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
}

/// The Vietnamese for why the byte ranges are invalid (`reason`, in English).
fn vi_coverage(reason: &str) -> &'static str {
    if reason.contains("gap") {
        "khoảng trống không đúng là giá trị chữ ký"
    } else if reason.contains("revision") {
        "dữ liệu được ký không kết thúc ở cuối một phiên bản tài liệu"
    } else {
        "phạm vi sai cấu trúc hoặc nằm ngoài tệp"
    }
}
