//! The findings of [`super::check_path`], one per certificate of the path: not revoked,
//! revoked or suspended before or after the signing time, status unavailable. The texts are
//! in the [reason catalog](crate::reason::catalog).

use super::{CrlReason, Source};
use crate::reason::{At, Msg, Param, Reason, Term};

/// The certificate a finding is about: its role in the path, its display name and where its
/// status came from.
pub(super) struct Who<'a> {
    role: Term,
    name: &'a str,
    src: &'static str,
}

impl<'a> Who<'a> {
    /// The certificate at `index` in the path (0: the signer's), named `name`, whose status
    /// came from `source`.
    pub(super) fn new(index: usize, name: &'a str, source: Option<Source>) -> Self {
        let role = if index == 0 {
            Term::SignerCertificate
        } else {
            Term::IntermediateCertificate
        };
        let src = match source {
            Some(Source::Crl) => "CRL",
            Some(Source::Ocsp) => "OCSP",
            None => "",
        };
        Self { role, name, src }
    }
}

/// `REVOCATION_GOOD`: not revoked at the signing time.
pub(super) fn good(who: &Who<'_>) -> Reason {
    Msg::RevocationGood {
        role: &who.role,
        name: &who.name,
        source: &who.src,
    }
    .reason()
}

/// `CERT_REVOKED` (revoked at `time`, at or `before` the signing time `t`) or
/// `CERT_REVOKED_AFTER_SIGNING`.
pub(super) fn revoked(
    who: &Who<'_>,
    time: der::DateTime,
    reason: Option<CrlReason>,
    t: der::DateTime,
    before: bool,
) -> Reason {
    let reason: &dyn Param = match &reason {
        Some(r) => r,
        None => &Term::NoReasonGiven,
    };
    let (role, name, time, signing) = (&who.role, &who.name, &At(time), &At(t));
    if before {
        Msg::CertRevoked {
            role,
            name,
            time,
            reason,
            signing,
            source: &who.src,
        }
        .reason()
    } else {
        Msg::CertRevokedAfterSigning {
            role,
            name,
            time,
            reason,
            signing,
        }
        .reason()
    }
}

/// `CERT_SUSPENDED` (on hold since `time`, at or `before` the signing time `t`) or
/// `CERT_SUSPENDED_AFTER_SIGNING`.
pub(super) fn suspended(
    who: &Who<'_>,
    time: der::DateTime,
    t: der::DateTime,
    before: bool,
) -> Reason {
    let (role, name, time, signing) = (&who.role, &who.name, &At(time), &At(t));
    if before {
        Msg::CertSuspended {
            role,
            name,
            time,
            signing,
            source: &who.src,
        }
        .reason()
    } else {
        Msg::CertSuspendedAfterSigning {
            role,
            name,
            time,
            signing,
        }
        .reason()
    }
}

/// `REVOCATION_UNAVAILABLE`: no usable CRL or OCSP response; `rejected` says why the data at
/// hand was not used.
pub(super) fn unavailable(who: &Who<'_>, rejected: &[String]) -> Reason {
    let why = if rejected.is_empty() {
        String::new()
    } else {
        format!(" ({})", rejected.join("; "))
    };
    Msg::RevocationUnavailable {
        role: &who.role,
        name: &who.name,
        why: &why,
    }
    .reason()
}
