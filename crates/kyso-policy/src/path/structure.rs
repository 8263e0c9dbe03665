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
use crate::reason::{Msg, Reason, Term};
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
        let mut bad = |msg: Msg<'_>| constraint(subs, reasons, msg);
        for (k, e) in exts.iter().enumerate() {
            if exts[..k].iter().any(|p| p.extn_id == e.extn_id) {
                bad(Msg::DuplicateExtension {
                    name: &name,
                    oid: &e.extn_id,
                });
            }
        }
        let ext = |oid: &ObjectIdentifier| extensions::find(cert, oid);
        let is_ca = ext(&OID_BC)
            .and_then(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).ok())
            .is_some_and(|b| b.ca);
        let empty_subject = cert.tbs_certificate().subject().is_empty();
        match crate::constraints::subject_alt_names(cert) {
            Err(_) => bad(Msg::SanMalformed { name: &name }),
            Ok(sans) => {
                if empty_subject && (sans.is_empty() || ext(&OID_SAN).is_some_and(|e| !e.critical))
                {
                    bad(Msg::EmptySubject { name: &name });
                }
            }
        }
        if i >= 1 && empty_subject {
            bad(Msg::CaEmptySubject {});
        }
        if ext(&OID_NC).is_some() && !is_ca {
            bad(Msg::NameConstraintsInLeaf { name: &name });
        }
        if let Some(e) = ext(&OID_EKU)
            && x509_cert::ext::pkix::ExtendedKeyUsage::from_der(e.extn_value.as_bytes())
                .map_or(e.critical, |k| k.0.is_empty())
        {
            bad(Msg::EkuMalformed { name: &name });
        }
        if ext(&OID_AIA).is_some_and(|e| e.critical) {
            bad(Msg::AiaCritical { name: &name });
        }
        if i == 0
            && !is_ca
            && ext(&OID_KU)
                .and_then(|e| KeyUsage::from_der(e.extn_value.as_bytes()).ok())
                .is_some_and(|k| k.0.contains(KeyUsages::KeyCertSign))
        {
            bad(Msg::LeafKeyCertSign { name: &name });
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
                Msg::NameConstraintsMalformed {
                    name: &name,
                    problem: &problem,
                },
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
                Msg::NameConstraintsBudget {
                    needed: &b.needed,
                    budget: &b.budget,
                },
            );
            Vec::new()
        }
    };
    for v in violations {
        let ca = display_name(certs[v.ca_index]);
        let cert = display_name(certs[v.index]);
        use crate::constraints::ViolationKind as K;
        let how = match v.kind {
            K::Excluded => Term::NameExcluded,
            K::NotPermitted => Term::NameNotPermitted,
            K::Malformed => Term::NameMalformed,
            K::Unsupported => Term::NameFormUnsupported,
        };
        constraint(
            subs,
            reasons,
            Msg::NameConstraintsViolated {
                name: &v.name,
                cert: &cert,
                how: &how,
                ca: &ca,
            },
        );
    }
}
