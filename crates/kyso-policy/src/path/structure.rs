//! Structural rules of RFC 5280 §4.2 along a path: repeated extensions, subjectAltName of an
//! empty subject, nameConstraints outside CAs, empty extendedKeyUsage, critical
//! authorityInfoAccess, keyCertSign without cA, and name constraints.

use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use super::building::Node;
use super::evaluate::constraint;
use super::{OID_AIA, OID_BC, OID_EKU, OID_KU, OID_NC, OID_SAN};
use crate::extensions;
use crate::reason::Reason;
use crate::subject::display_name;

/// Name constraints along the path and the structural rules of RFC 5280 §4.2 that a
/// relying party can check without weakening the Government CA quirks (DOMAIN.md §2): each
/// extension at most once; a readable subjectAltName, critical when the subject is empty;
/// nameConstraints only in CA certificates; a non-empty extendedKeyUsage; a non-critical
/// authorityInfoAccess; keyCertSign only with cA; a CA subject that is not empty.
pub(super) fn structure_checks(
    nodes: &[&Node<'_>],
    subs: &mut Vec<&'static str>,
    reasons: &mut Vec<Reason>,
) {
    let n = nodes.len() - 1;
    for (i, node) in nodes.iter().enumerate().take(n) {
        let cert = &node.stored.certificate;
        let name = display_name(cert);
        let exts: Vec<_> = cert
            .tbs_certificate()
            .extensions()
            .map(|e| e.iter().collect())
            .unwrap_or_default();
        let mut bad = |code: &str, vi: String, en: String| constraint(subs, reasons, code, vi, en);
        for (k, e) in exts.iter().enumerate() {
            if exts[..k].iter().any(|p| p.extn_id == e.extn_id) {
                bad(
                    "DUPLICATE_EXTENSION",
                    format!(
                        "Chứng thư số \"{name}\" có phần mở rộng {} lặp lại",
                        e.extn_id
                    ),
                    format!("Certificate \"{name}\" repeats extension {}", e.extn_id),
                );
            }
        }
        let ext = |oid: &ObjectIdentifier| extensions::find(cert, oid);
        let is_ca = ext(&OID_BC)
            .and_then(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).ok())
            .is_some_and(|b| b.ca);
        let empty_subject = cert.tbs_certificate().subject().is_empty();
        match crate::constraints::subject_alt_names(cert) {
            Err(_) => bad(
                "SAN_MALFORMED",
                format!("Chứng thư số \"{name}\" có subjectAltName không đọc được"),
                format!("Certificate \"{name}\" has an unreadable subjectAltName"),
            ),
            Ok(sans) => {
                if empty_subject && (sans.is_empty() || ext(&OID_SAN).is_some_and(|e| !e.critical))
                {
                    bad(
                        "EMPTY_SUBJECT",
                        format!(
                            "Chứng thư số có tên chủ thể rỗng mà thiếu subjectAltName bắt buộc (\"{name}\")"
                        ),
                        format!(
                            "Certificate \"{name}\" has an empty subject without a critical subjectAltName"
                        ),
                    );
                }
            }
        }
        if i >= 1 && empty_subject {
            bad(
                "CA_EMPTY_SUBJECT",
                "Chứng thư số của tổ chức cấp có tên chủ thể rỗng".into(),
                "A CA certificate has an empty subject".into(),
            );
        }
        if ext(&OID_NC).is_some() && !is_ca {
            bad(
                "NAME_CONSTRAINTS_IN_LEAF",
                format!("Chứng thư số \"{name}\" không phải CA nhưng có nameConstraints"),
                format!("Certificate \"{name}\" is not a CA but carries nameConstraints"),
            );
        }
        if let Some(e) = ext(&OID_EKU)
            && x509_cert::ext::pkix::ExtendedKeyUsage::from_der(e.extn_value.as_bytes())
                .map_or(e.critical, |k| k.0.is_empty())
        {
            bad(
                "EKU_MALFORMED",
                format!("Chứng thư số \"{name}\" có extendedKeyUsage rỗng hoặc không đọc được"),
                format!("Certificate \"{name}\" has an empty or unreadable extendedKeyUsage"),
            );
        }
        if ext(&OID_AIA).is_some_and(|e| e.critical) {
            bad(
                "AIA_CRITICAL",
                format!("Chứng thư số \"{name}\" đánh dấu authorityInfoAccess là bắt buộc"),
                format!("Certificate \"{name}\" marks authorityInfoAccess critical"),
            );
        }
        if i == 0
            && !is_ca
            && ext(&OID_KU)
                .and_then(|e| KeyUsage::from_der(e.extn_value.as_bytes()).ok())
                .is_some_and(|k| k.0.contains(KeyUsages::KeyCertSign))
        {
            bad(
                "LEAF_KEY_CERT_SIGN",
                format!("Chứng thư số \"{name}\" có keyUsage keyCertSign nhưng không phải CA"),
                format!("Certificate \"{name}\" asserts keyCertSign without being a CA"),
            );
        }
    }
    // Name constraints of every CA on the path, the anchor's included.
    for node in nodes.iter().skip(1) {
        let name = display_name(&node.stored.certificate);
        let problem = match crate::constraints::name_constraints(&node.stored.certificate) {
            Err(_) => Some("unreadable".to_owned()),
            Ok(Some(nc)) => crate::constraints::check_constraint_syntax(&nc).err(),
            Ok(None) => None,
        };
        if let Some(problem) = problem {
            constraint(
                subs,
                reasons,
                "NAME_CONSTRAINTS_MALFORMED",
                format!("Chứng thư số \"{name}\" có nameConstraints không hợp lệ ({problem})"),
                format!("Certificate \"{name}\" has malformed nameConstraints ({problem})"),
            );
        }
    }
    let certs: Vec<&Certificate> = nodes.iter().map(|n| &n.stored.certificate).collect();
    let violations = match crate::constraints::check_path(&certs) {
        Ok(v) => v,
        Err(b) => {
            constraint(
                subs,
                reasons,
                "NAME_CONSTRAINTS_BUDGET",
                format!(
                    "Việc kiểm tra ràng buộc tên của chuỗi chứng thư số cần {} phép so sánh, vượt giới hạn {}; chuỗi bị từ chối",
                    b.needed, b.budget
                ),
                format!(
                    "Checking the name constraints of the chain would take {} comparisons, above the limit of {}; the chain is refused",
                    b.needed, b.budget
                ),
            );
            Vec::new()
        }
    };
    for v in violations {
        let ca = display_name(certs[v.ca_index]);
        let cert = display_name(certs[v.index]);
        use crate::constraints::ViolationKind as K;
        let (how_vi, how_en) = match v.kind {
            K::Excluded => ("bị loại trừ", "is excluded"),
            K::NotPermitted => (
                "nằm ngoài phạm vi cho phép",
                "is outside the permitted names",
            ),
            K::Malformed => (
                "sai cú pháp nên không kiểm tra được",
                "is malformed and cannot be checked",
            ),
            K::Unsupported => (
                "thuộc dạng tên không được hỗ trợ",
                "is of a constrained name form that is not supported",
            ),
        };
        constraint(
            subs,
            reasons,
            "NAME_CONSTRAINTS_VIOLATED",
            format!(
                "Tên \"{}\" của chứng thư số \"{cert}\" {how_vi} theo ràng buộc tên của \"{ca}\"",
                v.name
            ),
            format!(
                "Name \"{}\" of certificate \"{cert}\" {how_en} by the name constraints of \"{ca}\"",
                v.name
            ),
        );
    }
}
