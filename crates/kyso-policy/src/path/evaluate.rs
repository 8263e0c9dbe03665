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
use crate::reason::{Msg, Reason, Severity, Term};
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
        let role = if i == 0 {
            Term::PathSigner
        } else if i == n {
            Term::PathAnchor
        } else {
            Term::PathIntermediate
        };

        // Validity at the validation time.
        let validity = cert.tbs_certificate().validity();
        let nb = validity.not_before.to_date_time();
        let na = validity.not_after.to_date_time();
        if t < nb {
            subs.push(si::NOT_YET_VALID);
            reasons.push(
                Msg::CertNotYetValidOnPath {
                    role: &role,
                    name: &name,
                    time: &utc_text(t),
                    start: &utc_text(nb),
                }
                .reason(),
            );
        } else if t > na {
            subs.push(if options.time_is_proven && i == 0 {
                si::EXPIRED
            } else {
                si::OUT_OF_BOUNDS_NO_POE
            });
            reasons.push(
                Msg::CertExpiredOnPath {
                    role: &role,
                    name: &name,
                    time: &utc_text(t),
                    end: &utc_text(na),
                }
                .reason(),
            );
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
                        reasons.push(
                            Msg::CertSignatureInvalid {
                                name: &name,
                                issuer: &display_name(issuer),
                            }
                            .reason(),
                        );
                    }
                    let alg_reasons = options.algorithm_policy.check(&check.algorithm, Some(t));
                    for r in alg_reasons {
                        if r.severity == Severity::Error {
                            subs.push(si::CRYPTO_CONSTRAINTS_FAILURE);
                        }
                        reasons.push(r.about_certificate(&name));
                    }
                    algorithms.push(check.algorithm);
                }
                Err(e) => {
                    subs.push(si::CRYPTO_CONSTRAINTS_FAILURE);
                    reasons.push(
                        Msg::CryptoConstraintsFailureCertSignature {
                            name: &name,
                            error: &e,
                        }
                        .reason(),
                    );
                }
            },
            _ => {
                subs.push(si::SIG_CRYPTO_FAILURE);
                reasons.push(Msg::CertSignatureInvalidMalformed { name: &name }.reason());
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
                            Msg::BasicConstraintsMalformed { name: &name },
                        ),
                    }
                } else if ext.extn_id == OID_KU {
                    match KeyUsage::from_der(v) {
                        Ok(k) => ku = Some(k),
                        Err(_) if !ext.critical => {}
                        Err(_) => constraint(
                            &mut subs,
                            &mut reasons,
                            Msg::KeyUsageMalformedOnPath { name: &name },
                        ),
                    }
                } else if ext.critical && !KNOWN_EXTENSIONS.contains(&ext.extn_id) {
                    constraint(
                        &mut subs,
                        &mut reasons,
                        Msg::UnknownCriticalExtension {
                            name: &name,
                            oid: &ext.extn_id,
                        },
                    );
                }
            }
        }

        if i >= 1 {
            // An intermediate CA.
            let is_ca = bc.as_ref().is_some_and(|b| b.ca);
            if !is_ca {
                constraint(&mut subs, &mut reasons, Msg::CaNotACa { name: &name });
            }
            if let Some(limit) = bc.as_ref().and_then(|b| b.path_len_constraint) {
                let below = nodes[1..i].iter().filter(|n| !is_self_issued(n)).count();
                if below > usize::from(limit) {
                    constraint(
                        &mut subs,
                        &mut reasons,
                        Msg::PathLengthExceeded {
                            limit: &limit,
                            name: &name,
                        },
                    );
                }
            }
            if let Some(k) = &ku
                && !k.0.contains(KeyUsages::KeyCertSign)
            {
                constraint(&mut subs, &mut reasons, Msg::CaKeyUsage { name: &name });
            }
        }
    }

    structure_checks(nodes, &mut subs, &mut reasons);
    let certs: Vec<&Certificate> = nodes.iter().map(|n| &n.stored.certificate).collect();
    if let Err(f) = crate::policy::process(&certs, &options.policy) {
        use crate::policy::PolicyFailure as F;
        let name = |i: usize| display_name(certs[i]);
        let msg = match f {
            F::Malformed(i) => Msg::CertificatePolicyMalformed { name: &name(i) },
            F::AnyPolicyMapping(i) => Msg::CertificatePolicyAnyPolicyMapping { name: &name(i) },
            F::TreeTooLarge(i) => Msg::PolicyTreeBudget {
                max: &crate::policy::MAX_POLICY_NODES,
                name: &name(i),
            },
            F::NoAcceptablePolicy => Msg::CertificatePolicyNoneAcceptable {},
        };
        constraint(&mut subs, &mut reasons, msg);
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
        reasons.push(
            Msg::ChainValid {
                anchor: &anchor_name,
            }
            .reason(),
        );
    }
    PathValidation {
        status,
        sub_indication: sub,
        path: nodes.iter().map(|n| n.stored.certificate.clone()).collect(),
        reasons,
        algorithms,
    }
}

/// A finding of the catalog that breaks a constraint of the path (`CHAIN_CONSTRAINTS_FAILURE`).
pub(super) fn constraint(subs: &mut Vec<&'static str>, reasons: &mut Vec<Reason>, msg: Msg<'_>) {
    subs.push(si::CHAIN_CONSTRAINTS_FAILURE);
    reasons.push(msg.reason());
}
