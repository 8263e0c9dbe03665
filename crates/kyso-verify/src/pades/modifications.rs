//! What changed after a signature: the DocMDP and FieldMDP rules every signature sets, and the
//! revisions after the signed one compared against them.

use kyso_pdf::diff::ModificationLevel;
use kyso_pdf::{Coverage, PdfSignature};
use kyso_policy::reason::Msg;

use super::{Outcome, SignatureContext};
use crate::report::CheckStatus;

/// The modification rules one signature sets for the revisions after it.
pub(super) struct MdpRule {
    /// End of the revision the signature signs.
    signed_len: usize,
    /// DocMDP `/P` of a certification signature, or `/P` of its field's lock dictionary.
    permissions: Option<u8>,
    /// Fields it locks (FieldMDP transforms, the field's `/Lock`).
    locks: Vec<kyso_pdf::signatures::FieldLock>,
}

/// The DocMDP and FieldMDP rules of every signature. A catalog `/Perms /DocMDP` whose
/// signature is not among the fields read still restricts every signature.
pub(super) fn mdp_rules(
    doc: &kyso_pdf::lopdf::Document,
    signatures: &[PdfSignature],
) -> Vec<MdpRule> {
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

impl SignatureContext<'_> {
    /// Whether the revisions after the signed one stay within what the signatures permit.
    pub(super) fn check_modifications(&self, coverage: &Coverage, out: &mut Outcome) {
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
                        Msg::LockedFieldModified { names: &names }.reason(),
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
                        Msg::ModifiedAfterSigning {
                            count: &report
                                .changes
                                .iter()
                                .filter(|c| c.level > permitted)
                                .count(),
                            changes: &what.join("; "),
                        }
                        .reason(),
                    );
                } else {
                    out.report.checks.modifications = CheckStatus::Passed;
                    if report.level > ModificationLevel::None {
                        out.report.reasons.push(
                            Msg::PermittedChangesAfterSigning {
                                level: &report.level.as_str(),
                            }
                            .reason(),
                        );
                    }
                }
            }
            Err(e) => {
                out.report.checks.modifications = CheckStatus::Failed;
                out.fail(
                    "FORMAT_FAILURE",
                    Msg::RevisionUnreadable { error: &e }.reason(),
                );
            }
        }
    }
}
