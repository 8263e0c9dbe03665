//! RFC 5280 path building and basic path validation.
//!
//! Paths are built from the leaf through the extra certificates (e.g. from the CMS) and the
//! store's known intermediates to a configured anchor, matching the issuer name to the subject
//! name as RFC 5280 §7.1 requires ([`crate::names`]: case and white space are insignificant,
//! PrintableString equals UTF8String; diacritics are significant, so G1 names without them never
//! match G2 names with them) and, where both are present, the AuthorityKeyIdentifier to the
//! SubjectKeyIdentifier. Several candidates are tried, without loops, bounded in depth and work.
//!
//! Each candidate path is checked (RFC 5280 §6.1, basic part):
//! - each certificate's signature with its issuer's key, over the TBS bytes as received;
//! - validity of every certificate, anchor included, at the validation time;
//! - `basicConstraints` cA=true and `pathLenConstraint` for intermediate CAs, `keyUsage`
//!   keyCertSign for CAs when the extension is present;
//! - unknown (or unprocessed) **critical** extensions fail; non-critical unknown ones (Netscape,
//!   the G1 sub-CAs' empty IssuerAltName `30 00`) are ignored;
//! - algorithm constraints ([`AlgorithmPolicy`]) on every certificate signature, with the
//!   validation time as the proven time (validating at a past time presupposes proof of
//!   existence at that time, e.g. a time-stamp).
//!
//! The anchor is trusted by configuration: its self-signature is not checked, its extensions are
//! not processed (except its nameConstraints, which apply below it), but its validity period is.
//! Revocation is not checked here (see [`crate::revocation`]).
//!
//! Also processed: name constraints ([`crate::constraints`]), certificate policies with policy
//! mappings and the explicit-policy / policy-mapping / inhibit-anyPolicy inputs and extensions
//! ([`crate::policy`], inputs in [`PathOptions::policy`]), and structural rules that do not
//! weaken the Government CA quirks (duplicate extensions, malformed subjectAltName, empty
//! subjects, nameConstraints in a leaf, empty extendedKeyUsage, critical authorityInfoAccess,
//! keyCertSign without cA).
//!
//! Bounded work on hostile input: at most [`PathOptions::max_candidates`] issuer candidates,
//! [`PathOptions::max_work`] candidate examinations and [`PathOptions::max_paths`] complete
//! paths; name constraints within [`crate::constraints::MAX_NAME_CONSTRAINT_CHECKS`]
//! comparisons, the policy tree within [`crate::policy::MAX_POLICY_NODES`] nodes.
//!
//! Conformance: NIST PKITS 247 of 249 (the two DSA cases are out of scope) and the
//! document-signing-relevant x509-limbo cases 118 of 137 pass; the others are listed with
//! reasons in `tests/pkits-exceptions.txt` and
//! `tests/limbo-exceptions.txt`.

use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::{
    Certificate,
    ext::pkix::{
        AuthorityKeyIdentifier, BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier,
    },
};

use crate::algorithms::{AlgorithmPolicy, AlgorithmUse, verify_signature};
use crate::extensions;
use crate::names::NameKey;
use crate::reason::{Reason, Severity};
use crate::subject::{display_name, format_name};
use crate::time::utc_text;
use crate::trust::{StoredCertificate, TrustStore, same_entity};

/// ETSI EN 319 102-1 sub-indication names used by path validation.
pub mod sub_indication {
    /// No path to a trust anchor could be built.
    pub const NO_CERTIFICATE_CHAIN_FOUND: &str = "NO_CERTIFICATE_CHAIN_FOUND";
    /// A certificate was outside its validity at the validation time, with no proof of existence.
    pub const OUT_OF_BOUNDS_NO_POE: &str = "OUT_OF_BOUNDS_NO_POE";
    /// A certificate was outside its validity but is known not to be revoked.
    pub const OUT_OF_BOUNDS_NOT_REVOKED: &str = "OUT_OF_BOUNDS_NOT_REVOKED";
    /// The certificate had expired at a time proven by a time-stamp.
    pub const EXPIRED: &str = "EXPIRED";
    /// A certificate was not yet valid at the validation time.
    pub const NOT_YET_VALID: &str = "NOT_YET_VALID";
    /// A chain constraint (basicConstraints, pathLen, keyUsage, critical extension) failed.
    pub const CHAIN_CONSTRAINTS_FAILURE: &str = "CHAIN_CONSTRAINTS_FAILURE";
    /// A certificate signature did not verify.
    pub const SIG_CRYPTO_FAILURE: &str = "SIG_CRYPTO_FAILURE";
    /// An algorithm or key size fails the constraints.
    pub const CRYPTO_CONSTRAINTS_FAILURE: &str = "CRYPTO_CONSTRAINTS_FAILURE";
}

use sub_indication as si;

/// Outcome of path validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PathStatus {
    /// A valid path to a trust anchor.
    Valid,
    /// Definitely invalid (e.g. a certificate signature fails, not yet valid).
    Invalid,
    /// Could not be shown valid (no chain, expired without proof of existence, constraints).
    Indeterminate,
}

/// Result of [`validate_path`].
#[derive(Debug, Clone)]
pub struct PathValidation {
    /// Overall status.
    pub status: PathStatus,
    /// ETSI EN 319 102-1 sub-indication when not valid (see [`sub_indication`]).
    pub sub_indication: Option<&'static str>,
    /// The chosen path, leaf first, anchor last (for NO_CERTIFICATE_CHAIN_FOUND: the longest
    /// partial path that was built).
    pub path: Vec<Certificate>,
    /// Findings, in Vietnamese and English.
    pub reasons: Vec<Reason>,
    /// Algorithms used by the certificate signatures on the path (leaf's first).
    pub algorithms: Vec<AlgorithmUse>,
}

impl PathValidation {
    /// Whether the status is [`PathStatus::Valid`].
    pub fn is_valid(&self) -> bool {
        self.status == PathStatus::Valid
    }
}

/// Options of [`validate_path`].
#[derive(Debug, Clone)]
pub struct PathOptions {
    /// The validation time (e.g. a time-stamp's genTime, or now).
    pub time: der::DateTime,
    /// Whether `time` is proven (by a time-stamp): then a certificate expired before it gives
    /// EXPIRED (invalid) rather than OUT_OF_BOUNDS_NO_POE (indeterminate).
    pub time_is_proven: bool,
    /// Algorithm constraints for certificate signatures.
    pub algorithm_policy: AlgorithmPolicy,
    /// Maximum number of certificates in a path, anchor included (default 10).
    pub max_depth: usize,
    /// Maximum number of issuer candidates examined while building (default 1000).
    pub max_work: usize,
    /// Maximum number of complete paths evaluated (default 16).
    pub max_paths: usize,
    /// Maximum number of certificates considered as issuers: anchors, then the extra
    /// certificates, then the store's intermediates, duplicates dropped (default 256). A
    /// signature may carry any number of certificates; the rest are ignored, with a finding.
    pub max_candidates: usize,
    /// Certificate policy inputs (RFC 5280 §6.1.1): default {anyPolicy}, nothing required.
    pub policy: crate::policy::PolicyInputs,
}

impl PathOptions {
    /// Default options at `time`.
    pub fn at(time: der::DateTime) -> Self {
        Self {
            time,
            time_is_proven: false,
            algorithm_policy: AlgorithmPolicy::default(),
            max_depth: 10,
            max_work: 1000,
            max_paths: 16,
            max_candidates: 256,
            policy: crate::policy::PolicyInputs::default(),
        }
    }
}

const OID_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_KU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_PKUP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.16");
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_IAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.18");
const OID_BC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_SDA: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.9");
const OID_CRLDP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.31");
const OID_CP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32");
const OID_AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_FRESHEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.46");
const OID_AIA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
const OID_QC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.3");
const OID_OCSP_NOCHECK: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");
const OID_NC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.30");
const OID_PM: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.33");
const OID_PC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.36");
const OID_IAP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.54");

/// Extensions whose criticality we can honour (others, when critical, fail the path).
const KNOWN_EXTENSIONS: &[ObjectIdentifier] = &[
    OID_SKI,
    OID_KU,
    OID_PKUP,
    OID_SAN,
    OID_IAN,
    OID_BC,
    OID_SDA,
    OID_CRLDP,
    OID_CP,
    OID_AKI,
    OID_EKU,
    OID_FRESHEST,
    OID_AIA,
    OID_QC,
    OID_OCSP_NOCHECK,
    OID_NC,
    OID_PM,
    OID_PC,
    OID_IAP,
];

struct Node<'a> {
    stored: &'a StoredCertificate,
    subject: NameKey,
    issuer: NameKey,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    anchor: bool,
}

fn make_node<'a>(stored: &'a StoredCertificate, anchor: bool) -> Node<'a> {
    let tbs = stored.certificate.tbs_certificate();
    let ski = extensions::decode::<SubjectKeyIdentifier>(&stored.certificate, &OID_SKI)
        .ok()
        .flatten()
        .map(|s| s.0.as_bytes().to_vec());
    let aki = extensions::decode::<AuthorityKeyIdentifier>(&stored.certificate, &OID_AKI)
        .ok()
        .flatten()
        .and_then(|a| a.key_identifier.map(|k| k.as_bytes().to_vec()));
    Node {
        stored,
        subject: NameKey::of(tbs.subject()),
        issuer: NameKey::of(tbs.issuer()),
        ski,
        aki,
        anchor,
    }
}

/// The raw TBSCertificate bytes inside a certificate's DER.
fn tbs_bytes(der_bytes: &[u8]) -> Option<&[u8]> {
    let hdr = header_len(der_bytes)?;
    let rest = der_bytes.get(hdr..)?;
    let len = crate::trust::tlv_len(rest).ok()?;
    rest.get(..len)
}

fn header_len(bytes: &[u8]) -> Option<usize> {
    let l = *bytes.get(1)?;
    if l < 0x80 {
        Some(2)
    } else {
        Some(2 + (l & 0x7f) as usize)
    }
}

/// Validate a path for `leaf` with extra certificates (e.g. from the CMS) and the store.
///
/// Certificates are re-encoded to DER for signature checks; use
/// [`validate_path_stored`] to check over the exact bytes as received.
pub fn validate_path(
    leaf: &Certificate,
    extra: &[Certificate],
    store: &TrustStore,
    options: &PathOptions,
) -> PathValidation {
    let leaf_stored = match StoredCertificate::from_certificate(leaf.clone()) {
        Ok(s) => s,
        Err(_) => return no_chain(vec![leaf.clone()], "", options),
    };
    let extra_stored: Vec<StoredCertificate> = extra
        .iter()
        .filter_map(|c| StoredCertificate::from_certificate(c.clone()).ok())
        .collect();
    validate_path_stored(&leaf_stored, &extra_stored, store, options)
}

/// Like [`validate_path`], over certificates kept with their original DER.
pub fn validate_path_stored(
    leaf: &StoredCertificate,
    extra: &[StoredCertificate],
    store: &TrustStore,
    options: &PathOptions,
) -> PathValidation {
    // The pool of possible issuers: anchors first, then extra certificates, then intermediates.
    let mut pool: Vec<Node<'_>> = Vec::new();
    let mut seen: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
    let mut ignored = 0usize;
    let candidates = store.anchors().iter().map(|a| (a, true)).chain(
        extra
            .iter()
            .chain(store.intermediates())
            .map(|c| (c, false)),
    );
    for (c, is_anchor) in candidates {
        if !seen.insert(c.der.as_slice()) {
            continue;
        }
        if pool.len() >= options.max_candidates {
            ignored += 1;
            continue;
        }
        let anchor = is_anchor || store.is_anchor(&c.certificate);
        pool.push(make_node(c, anchor));
    }
    let leaf_node = make_node(leaf, store.is_anchor(&leaf.certificate));

    let mut builder = Builder {
        pool: &pool,
        options,
        work: 0,
        exhausted: false,
        complete: Vec::new(),
        longest_partial: Vec::new(),
    };
    if leaf_node.anchor {
        builder.complete.push(Vec::new());
    } else {
        let mut stack = Vec::new();
        builder.extend(&leaf_node, &mut stack);
    }

    let mut best: Option<PathValidation> = None;
    for chain in &builder.complete {
        let mut nodes: Vec<&Node<'_>> = vec![&leaf_node];
        nodes.extend(chain.iter().map(|i| &pool[*i]));
        let result = evaluate(&nodes, options);
        let better = match &best {
            None => true,
            Some(b) => rank(result.status) < rank(b.status),
        };
        if better {
            let done = result.status == PathStatus::Valid;
            best = Some(result);
            if done {
                break;
            }
        }
    }
    let mut result = match best {
        Some(b) => b,
        None => {
            let mut path = vec![leaf.certificate.clone()];
            path.extend(
                builder
                    .longest_partial
                    .iter()
                    .map(|i| pool[*i].stored.certificate.clone()),
            );
            let missing_issuer = path
                .last()
                .map(|c| format_name(c.tbs_certificate().issuer()))
                .unwrap_or_default();
            no_chain(path, &missing_issuer, options)
        }
    };
    if builder.exhausted && result.status != PathStatus::Valid {
        result.reasons.push(Reason::warning(
            "PATH_BUILDING_BUDGET",
            format!(
                "Đã dừng tìm chuỗi chứng thư số sau {} lần thử (giới hạn)",
                options.max_work
            ),
            format!(
                "Path building stopped after {} issuer candidates (the limit)",
                options.max_work
            ),
        ));
    }
    if ignored > 0 {
        result.reasons.push(Reason::warning(
            "PATH_CANDIDATES_LIMIT",
            format!(
                "{ignored} chứng thư số kèm theo không được xét khi tìm chuỗi (giới hạn {} chứng thư số)",
                options.max_candidates
            ),
            format!(
                "{ignored} supplied certificates were not considered for path building (limit {} certificates)",
                options.max_candidates
            ),
        ));
    }
    result
}

fn rank(s: PathStatus) -> u8 {
    match s {
        PathStatus::Valid => 0,
        PathStatus::Indeterminate => 1,
        PathStatus::Invalid => 2,
    }
}

fn no_chain(path: Vec<Certificate>, missing_issuer: &str, options: &PathOptions) -> PathValidation {
    let _ = options;
    let detail_vi = if missing_issuer.is_empty() {
        String::new()
    } else {
        format!(" (không có chứng thư số của đơn vị cấp: {missing_issuer})")
    };
    let detail_en = if missing_issuer.is_empty() {
        String::new()
    } else {
        format!(" (missing issuer certificate: {missing_issuer})")
    };
    PathValidation {
        status: PathStatus::Indeterminate,
        sub_indication: Some(si::NO_CERTIFICATE_CHAIN_FOUND),
        path,
        reasons: vec![Reason::error(
            si::NO_CERTIFICATE_CHAIN_FOUND,
            format!("Không tìm thấy chuỗi chứng thư số đến gốc tin cậy{detail_vi}"),
            format!("No certificate chain to a trusted root was found{detail_en}"),
        )],
        algorithms: Vec::new(),
    }
}

struct Builder<'p, 'a> {
    pool: &'p [Node<'a>],
    options: &'p PathOptions,
    work: usize,
    /// Whether `max_work` stopped the search.
    exhausted: bool,
    /// Complete chains as pool indices (issuer of the leaf first, anchor last).
    complete: Vec<Vec<usize>>,
    longest_partial: Vec<usize>,
}

impl Builder<'_, '_> {
    fn extend(&mut self, current: &Node<'_>, stack: &mut Vec<usize>) {
        if stack.len() > self.longest_partial.len() {
            self.longest_partial = stack.clone();
        }
        // stack.len() + 1 certificates so far (leaf included).
        if stack.len() + 1 >= self.options.max_depth {
            return;
        }
        for (i, cand) in self.pool.iter().enumerate() {
            if self.complete.len() >= self.options.max_paths {
                return;
            }
            if self.work >= self.options.max_work {
                self.exhausted = true;
                return;
            }
            self.work += 1;
            if cand.subject != current.issuer {
                continue;
            }
            if let (Some(aki), Some(ski)) = (&current.aki, &cand.ski)
                && aki != ski
            {
                continue;
            }
            if stack.contains(&i) || cand.stored.der == current.stored.der {
                continue;
            }
            stack.push(i);
            if cand.anchor {
                self.complete.push(stack.clone());
            } else {
                self.extend(cand, stack);
            }
            stack.pop();
        }
    }
}

fn is_self_issued(n: &Node<'_>) -> bool {
    n.subject == n.issuer
}

/// Check one complete candidate path; `nodes[0]` is the leaf, the last is the anchor.
fn evaluate(nodes: &[&Node<'_>], options: &PathOptions) -> PathValidation {
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

fn constraint(
    subs: &mut Vec<&'static str>,
    reasons: &mut Vec<Reason>,
    code: &str,
    vi: String,
    en: String,
) {
    subs.push(si::CHAIN_CONSTRAINTS_FAILURE);
    reasons.push(Reason::error(code, vi, en));
}

/// Whether `a` and `b` are the same certificate or the same entity (subject and key).
pub fn same_certificate_entity(a: &Certificate, b: &Certificate) -> bool {
    same_entity(a, b)
}

/// Name constraints along the path and the structural rules of RFC 5280 §4.2 that a
/// relying party can check without weakening the Government CA quirks (DOMAIN.md §2): each
/// extension at most once; a readable subjectAltName, critical when the subject is empty;
/// nameConstraints only in CA certificates; a non-empty extendedKeyUsage; a non-critical
/// authorityInfoAccess; keyCertSign only with cA; a CA subject that is not empty.
fn structure_checks(nodes: &[&Node<'_>], subs: &mut Vec<&'static str>, reasons: &mut Vec<Reason>) {
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
