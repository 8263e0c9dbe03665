//! The bilingual findings of [`super::check_path`], one per certificate of the path: not
//! revoked, revoked or suspended before or after the signing time, status unavailable.

use super::{CrlReason, Source};
use crate::reason::Reason;
use crate::time::{rfc3339, vn_utc_text};

/// The certificate a finding is about: its role in the path, its display name and where its
/// status came from.
pub(super) struct Who<'a> {
    role_vi: &'static str,
    role_en: &'static str,
    name: &'a str,
    src: &'static str,
}

impl<'a> Who<'a> {
    /// The certificate at `index` in the path (0: the signer's), named `name`, whose status
    /// came from `source`.
    pub(super) fn new(index: usize, name: &'a str, source: Option<Source>) -> Self {
        let (role_vi, role_en) = if index == 0 {
            ("của người ký", "signer's")
        } else {
            ("của tổ chức cấp trung gian", "intermediate CA")
        };
        let src = match source {
            Some(Source::Crl) => "CRL",
            Some(Source::Ocsp) => "OCSP",
            None => "",
        };
        Self {
            role_vi,
            role_en,
            name,
            src,
        }
    }
}

/// `REVOCATION_GOOD`: not revoked at the signing time.
pub(super) fn good(who: &Who<'_>) -> Reason {
    let Who {
        role_vi,
        role_en,
        name,
        src,
    } = who;
    Reason::info(
        "REVOCATION_GOOD",
        format!("Chứng thư số {role_vi} \"{name}\" không bị thu hồi tại thời điểm ký (theo {src})"),
        format!(
            "The {role_en} certificate \"{name}\" was not revoked at the signing time (per {src})"
        ),
    )
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
    let Who {
        role_vi,
        role_en,
        name,
        src,
    } = who;
    let (r_vi, r_en) = reason
        .map(|r| (r.vi(), r.as_str()))
        .unwrap_or(("không nêu lý do", "no reason given"));
    if before {
        Reason::error(
            "CERT_REVOKED",
            format!(
                "Chứng thư số {role_vi} \"{name}\" đã bị thu hồi lúc {} (lý do: {r_vi}), trước thời điểm ký {} (theo {src})",
                vn_utc_text(time),
                vn_utc_text(t)
            ),
            format!(
                "The {role_en} certificate \"{name}\" was revoked at {} (reason: {r_en}), before the signing time {} (per {src})",
                rfc3339(time),
                rfc3339(t)
            ),
        )
    } else {
        Reason::info(
            "CERT_REVOKED_AFTER_SIGNING",
            format!(
                "Chứng thư số {role_vi} \"{name}\" bị thu hồi lúc {} (lý do: {r_vi}), sau thời điểm ký {}; chữ ký vẫn có giá trị",
                vn_utc_text(time),
                vn_utc_text(t)
            ),
            format!(
                "The {role_en} certificate \"{name}\" was revoked at {} (reason: {r_en}), after the signing time {}; the signature stays valid",
                rfc3339(time),
                rfc3339(t)
            ),
        )
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
    let Who {
        role_vi,
        role_en,
        name,
        src,
    } = who;
    if before {
        Reason::error(
            "CERT_SUSPENDED",
            format!(
                "Chứng thư số {role_vi} \"{name}\" đang bị tạm dừng từ {}, trước thời điểm ký {} (theo {src}); chưa thể khẳng định hiệu lực, cần kiểm tra lại sau",
                vn_utc_text(time),
                vn_utc_text(t)
            ),
            format!(
                "The {role_en} certificate \"{name}\" has been suspended (on hold) since {}, before the signing time {} (per {src}); validity cannot be established, check again later",
                rfc3339(time),
                rfc3339(t)
            ),
        )
    } else {
        Reason::info(
            "CERT_SUSPENDED_AFTER_SIGNING",
            format!(
                "Chứng thư số {role_vi} \"{name}\" bị tạm dừng từ {}, sau thời điểm ký {}",
                vn_utc_text(time),
                vn_utc_text(t)
            ),
            format!(
                "The {role_en} certificate \"{name}\" was suspended (on hold) at {}, after the signing time {}",
                rfc3339(time),
                rfc3339(t)
            ),
        )
    }
}

/// `REVOCATION_UNAVAILABLE`: no usable CRL or OCSP response; `rejected` says why the data at
/// hand was not used.
pub(super) fn unavailable(who: &Who<'_>, rejected: &[String]) -> Reason {
    let Who {
        role_vi,
        role_en,
        name,
        ..
    } = who;
    let why = if rejected.is_empty() {
        String::new()
    } else {
        format!(" ({})", rejected.join("; "))
    };
    Reason::warning(
        "REVOCATION_UNAVAILABLE",
        format!(
            "Không xác định được tình trạng thu hồi của chứng thư số {role_vi} \"{name}\" tại thời điểm ký (không có CRL/OCSP dùng được); theo Thông tư 15/2025/TT-BKHCN chưa thể khẳng định chữ ký hợp lệ, cần kiểm tra lại sau"
        ),
        format!(
            "The revocation status of the {role_en} certificate \"{name}\" at the signing time could not be obtained (no usable CRL/OCSP){why}; check again later"
        ),
    )
}
