//! Integrity of what a signature covers: its /ByteRange must be the whole revision minus
//! exactly /Contents, and the digest of those ranges is what the signature signs.

use kyso_pdf::{Coverage, PdfSignature};
use kyso_policy::algorithms::DigestAlgorithm;
use kyso_policy::reason::{Msg, Reason};

use super::{Outcome, SignatureContext};
use crate::report::CheckStatus;

impl SignatureContext<'_> {
    /// The ranges must be the whole revision minus exactly /Contents; `None` (after a
    /// `FORMAT_FAILURE`) when they are not. Also tells which revision the signature signs.
    pub(super) fn check_coverage(&self, sig: &PdfSignature, out: &mut Outcome) -> Option<Coverage> {
        let coverage = sig.coverage_within(self.bytes, self.revision_ends);
        match &coverage {
            Coverage::Invalid { reason } => {
                out.report.checks.coverage = CheckStatus::Failed;
                out.fail("FORMAT_FAILURE", byte_range_invalid(reason));
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
        Ok(self.digests.digest(sig, DigestAlgorithm::from_oid(oid)?))
    }
}

/// `BYTE_RANGE_INVALID`, worded in Vietnamese by what kyso-pdf's `reason` (in English) says.
fn byte_range_invalid(reason: &str) -> Reason {
    let msg = if reason.contains("gap") {
        Msg::ByteRangeInvalidGap { reason: &reason }
    } else if reason.contains("revision") {
        Msg::ByteRangeInvalidRevision { reason: &reason }
    } else {
        Msg::ByteRangeInvalidStructure { reason: &reason }
    };
    msg.reason()
}
