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

mod building;
mod evaluate;
mod structure;

use const_oid::ObjectIdentifier;
use x509_cert::Certificate;

use crate::algorithms::{AlgorithmPolicy, AlgorithmUse};
use crate::reason::{Msg, Reason};
use crate::subject::format_name;
use crate::trust::{StoredCertificate, TrustStore, same_entity};
use building::{Builder, Node, make_node};
use evaluate::evaluate;

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
        result.reasons.push(
            Msg::PathBuildingBudget {
                max: &options.max_work,
            }
            .reason(),
        );
    }
    if ignored > 0 {
        result.reasons.push(
            Msg::PathCandidatesLimit {
                ignored: &ignored,
                max: &options.max_candidates,
            }
            .reason(),
        );
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
    let reason = if missing_issuer.is_empty() {
        Msg::NoCertificateChainFound {}.reason()
    } else {
        Msg::NoCertificateChainFoundIssuer {
            issuer: &missing_issuer,
        }
        .reason()
    };
    PathValidation {
        status: PathStatus::Indeterminate,
        sub_indication: Some(si::NO_CERTIFICATE_CHAIN_FOUND),
        path,
        reasons: vec![reason],
        algorithms: Vec::new(),
    }
}

/// Whether `a` and `b` are the same certificate or the same entity (subject and key).
pub fn same_certificate_entity(a: &Certificate, b: &Certificate) -> bool {
    same_entity(a, b)
}
