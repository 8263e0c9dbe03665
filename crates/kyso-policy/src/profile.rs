//! The Decree 68/2024/NĐ-CP profile, as data: a [`Profile`] with defaults that callers may
//! override, and two functions that apply it.
//!
//! - [`certificate_findings`]: on a validated path (leaf first, anchor last) — the Government
//!   certificate policy OID `2.16.704.1.1.1.1.1` must appear on the path when the anchor is the
//!   Government CA's (Ban Cơ yếu Chính phủ), and a subscriber certificate valid for more than
//!   five years (Art. 9) gets a warning.
//! - [`check_role`]: the signing-workflow rules (Decree 30 Appendix I, Gia Lai Decision 29/2026
//!   Art. 9): an organisation signature (issuance, attachment, copy) must use an organisation
//!   certificate; an approval must use an individual's certificate.

use const_oid::ObjectIdentifier;
use x509_cert::Certificate;
use x509_cert::ext::pkix::CertificatePolicies;

use crate::reason::{Msg, Param, Reason, Term};
use crate::subject::{OID_O, SubscriberType, display_name, name_values, subject_info};

/// The Government CA's certificate policy for public-service signatures.
pub const GOVERNMENT_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.704.1.1.1.1.1");
const OID_CP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32");

/// A workflow rule: signatures in `role` need a certificate of `required` type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRule {
    /// Role name as in reports: `approval`, `issuance`, `attachment`, `copy`.
    pub role: String,
    /// The subscriber type the certificate must have.
    pub required: SubscriberType,
}

/// The rules, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The policy OID required on Government paths.
    pub government_policy: ObjectIdentifier,
    /// Anchor organisation names (O) that mark a Government CA anchor (prefix match, exact
    /// spelling: G1 writes without diacritics, G2 with them).
    pub government_organizations: Vec<String>,
    /// Longest subscriber validity without a warning, in days (Art. 9: five years; 1827 days
    /// allows for leap days).
    pub max_subscriber_validity_days: u64,
    /// Workflow rules.
    pub role_rules: Vec<RoleRule>,
}

impl Default for Profile {
    fn default() -> Self {
        let rule = |role: &str, required| RoleRule {
            role: role.into(),
            required,
        };
        Self {
            government_policy: GOVERNMENT_POLICY,
            government_organizations: vec![
                "Ban Cơ yếu Chính phủ".into(),
                "Ban Co yeu Chinh phu".into(),
            ],
            max_subscriber_validity_days: 1827,
            role_rules: vec![
                rule("approval", SubscriberType::Individual),
                rule("issuance", SubscriberType::Organization),
                rule("attachment", SubscriberType::Organization),
                rule("copy", SubscriberType::Organization),
            ],
        }
    }
}

fn policies(cert: &Certificate) -> Vec<ObjectIdentifier> {
    crate::extensions::decode::<CertificatePolicies>(cert, &OID_CP)
        .ok()
        .flatten()
        .map(|p| p.0.into_iter().map(|i| i.policy_identifier).collect())
        .unwrap_or_default()
}

/// Whether `anchor` is a Government CA anchor under `profile`.
pub fn is_government_anchor(anchor: &Certificate, profile: &Profile) -> bool {
    name_values(anchor.tbs_certificate().subject(), OID_O)
        .iter()
        .any(|o| {
            profile
                .government_organizations
                .iter()
                .any(|g| o.starts_with(g.as_str()))
        })
}

/// Profile findings for a path (leaf first, anchor last; a lone leaf is checked for validity
/// length only).
pub fn certificate_findings(path: &[Certificate], profile: &Profile) -> Vec<Reason> {
    let mut out = Vec::new();
    let Some(leaf) = path.first() else {
        return out;
    };
    let name = display_name(leaf);
    let v = leaf.tbs_certificate().validity();
    let days = v
        .not_after
        .to_unix_duration()
        .as_secs()
        .saturating_sub(v.not_before.to_unix_duration().as_secs())
        / 86_400;
    if days > profile.max_subscriber_validity_days {
        out.push(
            Msg::ProfileValidityTooLong {
                name: &name,
                days: &days,
            }
            .reason(),
        );
    }
    if path.len() >= 2
        && let Some(anchor) = path.last()
        && is_government_anchor(anchor, profile)
    {
        let found = path[..path.len() - 1]
            .iter()
            .any(|c| policies(c).contains(&profile.government_policy));
        if !found {
            out.push(
                Msg::ProfilePolicyMissing {
                    name: &name,
                    policy: &profile.government_policy,
                }
                .reason(),
            );
        }
    }
    out
}

/// The workflow rule for `role` applied to the signer's certificate: `None` when the rule is
/// met or no rule names the role, else an error reason (`checks.policy` failed).
pub fn check_role(role: &str, leaf: &Certificate, profile: &Profile) -> Option<Reason> {
    let rule = profile.role_rules.iter().find(|r| r.role == role)?;
    let info = subject_info(leaf);
    if info.subscriber_type == rule.required {
        return None;
    }
    let name = display_name(leaf);
    let need = match rule.required {
        SubscriberType::Organization => Term::NeedOrganization,
        SubscriberType::Individual => Term::NeedIndividual,
        _ => Term::NeedSuitable,
    };
    let signature: &dyn Param = match role {
        "approval" => &Term::RoleApproval,
        "issuance" => &Term::RoleIssuance,
        "attachment" => &Term::RoleAttachment,
        "copy" => &Term::RoleCopy,
        _ => &role,
    };
    Some(
        Msg::ProfileRoleCertificate {
            role: signature,
            need: &need,
            name: &name,
            kind: &match info.subscriber_type {
                SubscriberType::Organization => Term::KindOrganization,
                SubscriberType::Individual => Term::KindIndividual,
                SubscriberType::Unknown => Term::KindUnknown,
            },
        }
        .reason(),
    )
}
