//! Checks of one complete candidate path (RFC 5280 §6.1): signatures and algorithms, validity
//! at the validation time, basicConstraints, keyUsage, critical extensions, certificate
//! policies and name constraints, with bilingual findings.

use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use super::building::{Node, is_self_issued, tbs_bytes};
use super::structure::structure_checks;
use super::{KNOWN_EXTENSIONS, OID_BC, OID_KU, PathOptions, PathStatus, PathValidation, si};
use crate::algorithms::verify_signature;
use crate::reason::{Reason, Severity};
use crate::subject::display_name;
use crate::time::utc_text;

/// Check one complete candidate path; `nodes[0]` is the leaf, the last is the anchor.
pub(super) fn evaluate(nodes: &[&Node<'_>], options: &PathOptions) -> PathValidation {
    let mut reasons: Vec<Reason> = Vec::new();
    let mut subs: Vec<&'static str> = Vec::new();
    let mut algorithms = Vec::new();
    let n = nodes.len() - 1; // index of the anchor
    let t = options.time;

    for (i, node) in nodes.iter().enumerate() {
        let cert = &node.stored.certificate;
        let name = display_name(cert);
        let role_vi = if i == 0 {
            "người ký"
        } else if i == n {
            "gốc tin cậy"
        } else {
            "trung gian"
        };
        let role_en = if i == 0 {
            "signer"
        } else if i == n {
            "trust anchor"
        } else {
            "intermediate"
        };

        // Validity at the validation time.
        let validity = cert.tbs_certificate().validity();
        let nb = validity.not_before.to_date_time();
        let na = validity.not_after.to_date_time();
        if t < nb {
            subs.push(si::NOT_YET_VALID);
            reasons.push(Reason::error(
                "CERT_NOT_YET_VALID",
                format!(
                    "Chứng thư số {role_vi} \"{name}\" chưa có hiệu lực tại thời điểm {} (hiệu lực từ {})",
                    utc_text(t),
                    utc_text(nb)
                ),
                format!(
                    "The {role_en} certificate \"{name}\" was not yet valid at {} (valid from {})",
                    utc_text(t),
                    utc_text(nb)
                ),
            ));
        } else if t > na {
            subs.push(if options.time_is_proven && i == 0 {
                si::EXPIRED
            } else {
                si::OUT_OF_BOUNDS_NO_POE
            });
            reasons.push(Reason::error(
                "CERT_EXPIRED",
                format!(
                    "Chứng thư số {role_vi} \"{name}\" đã hết hiệu lực tại thời điểm {} (hết hạn {})",
                    utc_text(t),
                    utc_text(na)
                ),
                format!(
                    "The {role_en} certificate \"{name}\" had expired at {} (expired {})",
                    utc_text(t),
                    utc_text(na)
                ),
            ));
        }

        if i == n {
            break; // The anchor is trusted by configuration.
        }

        // Signature by the issuer.
        let issuer = &nodes[i + 1].stored.certificate;
        let tbs = tbs_bytes(&node.stored.der);
        let sig = cert.signature().as_bytes();
        match (tbs, sig) {
            (Some(tbs), Some(sig)) => match verify_signature(
                issuer.tbs_certificate().subject_public_key_info(),
                cert.signature_algorithm(),
                None,
                tbs,
                sig,
            ) {
                Ok(check) => {
                    if !check.valid {
                        subs.push(si::SIG_CRYPTO_FAILURE);
                        reasons.push(Reason::error(
                            "CERT_SIGNATURE_INVALID",
                            format!(
                                "Chữ ký trên chứng thư số \"{name}\" không khớp với khóa của \"{}\"",
                                display_name(issuer)
                            ),
                            format!(
                                "The signature on certificate \"{name}\" does not match the key of \"{}\"",
                                display_name(issuer)
                            ),
                        ));
                    }
                    let alg_reasons = options.algorithm_policy.check(&check.algorithm, Some(t));
                    for r in alg_reasons {
                        if r.severity == Severity::Error {
                            subs.push(si::CRYPTO_CONSTRAINTS_FAILURE);
                        }
                        reasons.push(Reason {
                            vi: format!("{} (chứng thư số \"{name}\")", r.vi),
                            en: format!("{} (certificate \"{name}\")", r.en),
                            ..r
                        });
                    }
                    algorithms.push(check.algorithm);
                }
                Err(e) => {
                    subs.push(si::CRYPTO_CONSTRAINTS_FAILURE);
                    reasons.push(Reason::error(
                        si::CRYPTO_CONSTRAINTS_FAILURE,
                        format!("Không kiểm tra được chữ ký trên chứng thư số \"{name}\": {e}"),
                        format!(
                            "The signature on certificate \"{name}\" could not be checked: {e}"
                        ),
                    ));
                }
            },
            _ => {
                subs.push(si::SIG_CRYPTO_FAILURE);
                reasons.push(Reason::error(
                    "CERT_SIGNATURE_INVALID",
                    format!("Chứng thư số \"{name}\" có cấu trúc chữ ký không hợp lệ"),
                    format!("Certificate \"{name}\" has a malformed signature"),
                ));
            }
        }

        // Extensions.
        let mut bc: Option<BasicConstraints> = None;
        let mut ku: Option<KeyUsage> = None;
        if let Some(exts) = cert.tbs_certificate().extensions() {
            for ext in exts.iter() {
                let v = ext.extn_value.as_bytes();
                if ext.extn_id == OID_BC {
                    match BasicConstraints::from_der(v) {
                        Ok(b) => bc = Some(b),
                        Err(_) => constraint(
                            &mut subs,
                            &mut reasons,
                            "BASIC_CONSTRAINTS_MALFORMED",
                            format!("Chứng thư số \"{name}\" có basicConstraints không đọc được"),
                            format!("Certificate \"{name}\" has unreadable basicConstraints"),
                        ),
                    }
                } else if ext.extn_id == OID_KU {
                    match KeyUsage::from_der(v) {
                        Ok(k) => ku = Some(k),
                        Err(_) if !ext.critical => {}
                        Err(_) => constraint(
                            &mut subs,
                            &mut reasons,
                            "KEY_USAGE_MALFORMED",
                            format!("Chứng thư số \"{name}\" có keyUsage không đọc được"),
                            format!("Certificate \"{name}\" has unreadable keyUsage"),
                        ),
                    }
                } else if ext.critical && !KNOWN_EXTENSIONS.contains(&ext.extn_id) {
                    constraint(
                        &mut subs,
                        &mut reasons,
                        "UNKNOWN_CRITICAL_EXTENSION",
                        format!(
                            "Chứng thư số \"{name}\" có phần mở rộng bắt buộc không được hỗ trợ ({})",
                            ext.extn_id
                        ),
                        format!(
                            "Certificate \"{name}\" has an unsupported critical extension ({})",
                            ext.extn_id
                        ),
                    );
                }
            }
        }

        if i >= 1 {
            // An intermediate CA.
            let is_ca = bc.as_ref().is_some_and(|b| b.ca);
            if !is_ca {
                constraint(
                    &mut subs,
                    &mut reasons,
                    "CA_NOT_A_CA",
                    format!(
                        "Chứng thư số trung gian \"{name}\" không phải chứng thư số của tổ chức cấp (thiếu basicConstraints cA)"
                    ),
                    format!(
                        "Intermediate certificate \"{name}\" is not a CA certificate (no basicConstraints cA)"
                    ),
                );
            }
            if let Some(limit) = bc.as_ref().and_then(|b| b.path_len_constraint) {
                let below = nodes[1..i].iter().filter(|n| !is_self_issued(n)).count();
                if below > usize::from(limit) {
                    constraint(
                        &mut subs,
                        &mut reasons,
                        "PATH_LENGTH_EXCEEDED",
                        format!(
                            "Chuỗi chứng thư số vượt quá giới hạn độ dài ({limit}) của \"{name}\""
                        ),
                        format!(
                            "The chain exceeds the path length constraint ({limit}) of \"{name}\""
                        ),
                    );
                }
            }
            if let Some(k) = &ku
                && !k.0.contains(KeyUsages::KeyCertSign)
            {
                constraint(
                    &mut subs,
                    &mut reasons,
                    "CA_KEY_USAGE",
                    format!(
                        "Chứng thư số trung gian \"{name}\" không được phép ký chứng thư số (keyUsage)"
                    ),
                    format!(
                        "Intermediate certificate \"{name}\" may not sign certificates (keyUsage)"
                    ),
                );
            }
        }
    }

    structure_checks(nodes, &mut subs, &mut reasons);
    let certs: Vec<&Certificate> = nodes.iter().map(|n| &n.stored.certificate).collect();
    if let Err(f) = crate::policy::process(&certs, &options.policy) {
        let code = if matches!(f, crate::policy::PolicyFailure::TreeTooLarge(_)) {
            "POLICY_TREE_BUDGET"
        } else {
            "CERTIFICATE_POLICY"
        };
        let (vi, en) = match f {
            crate::policy::PolicyFailure::Malformed(i) => (
                format!("Chứng thư số \"{}\" có phần mở rộng chính sách không đọc được", display_name(certs[i])),
                format!("Certificate \"{}\" has an unreadable policy extension", display_name(certs[i])),
            ),
            crate::policy::PolicyFailure::AnyPolicyMapping(i) => (
                format!("Chứng thư số \"{}\" ánh xạ chính sách anyPolicy", display_name(certs[i])),
                format!("Certificate \"{}\" maps anyPolicy", display_name(certs[i])),
            ),
            crate::policy::PolicyFailure::TreeTooLarge(i) => (
                format!(
                    "Cây chính sách chứng thư của chuỗi vượt quá {} nút tại chứng thư số \"{}\"; chuỗi bị từ chối",
                    crate::policy::MAX_POLICY_NODES,
                    display_name(certs[i])
                ),
                format!(
                    "The certificate policy tree of the chain grows beyond {} nodes at certificate \"{}\"; the chain is refused",
                    crate::policy::MAX_POLICY_NODES,
                    display_name(certs[i])
                ),
            ),
            crate::policy::PolicyFailure::NoAcceptablePolicy => (
                "Chuỗi chứng thư số không có chính sách chứng thư được chấp nhận (yêu cầu chính sách tường minh)".to_owned(),
                "The certificate path has no acceptable certificate policy (an explicit policy is required)".to_owned(),
            ),
        };
        constraint(&mut subs, &mut reasons, code, vi, en);
    }

    // Status from the most severe sub-indication.
    const ORDER: &[(&str, PathStatus)] = &[
        (si::SIG_CRYPTO_FAILURE, PathStatus::Invalid),
        (si::NOT_YET_VALID, PathStatus::Invalid),
        (si::EXPIRED, PathStatus::Invalid),
        (si::CHAIN_CONSTRAINTS_FAILURE, PathStatus::Indeterminate),
        (si::OUT_OF_BOUNDS_NO_POE, PathStatus::Indeterminate),
        (si::CRYPTO_CONSTRAINTS_FAILURE, PathStatus::Indeterminate),
    ];
    let chosen = ORDER.iter().find(|(s, _)| subs.contains(s));
    let (status, sub) = match chosen {
        Some((s, st)) => (*st, Some(*s)),
        None => (PathStatus::Valid, None),
    };
    let anchor_name = display_name(&nodes[n].stored.certificate);
    if status == PathStatus::Valid {
        reasons.push(Reason::info(
            "CHAIN_VALID",
            format!("Chứng thư số được cấp bởi chuỗi tin cậy đến gốc \"{anchor_name}\""),
            format!("The certificate chains to the trusted root \"{anchor_name}\""),
        ));
    }
    PathValidation {
        status,
        sub_indication: sub,
        path: nodes.iter().map(|n| n.stored.certificate.clone()).collect(),
        reasons,
        algorithms,
    }
}

pub(super) fn constraint(
    subs: &mut Vec<&'static str>,
    reasons: &mut Vec<Reason>,
    code: &str,
    vi: String,
    en: String,
) {
    subs.push(si::CHAIN_CONSTRAINTS_FAILURE);
    reasons.push(Reason::error(code, vi, en));
}
