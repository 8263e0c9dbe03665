//! Revocation in signature verification: which data is used, and how the policy's decision
//! ([`kyso_policy::revocation::check_path`]) becomes the report's `checks.revocation`, indication
//! and reasons.
//!
//! Data, in order: what the caller supplied in [`crate::VerifyOptions::revocation_data`]
//! (CRLs/OCSP responses it fetched or read from the document's DSS); then, in
//! [`crate::RevocationMode::Online`] with a [`Fetcher`], what the fetcher obtains for the
//! certificates still undecided. The fetcher (kyso-net natively) does the I/O; this crate only
//! calls it.
//!
//! Outcomes (the signing time `T` is the time-stamp's time when there is one, else the
//! validation time):
//! - every certificate not revoked at `T` → `passed`;
//! - revoked at or before `T` → `failed`, TOTAL_FAILED/`REVOKED`; when `T` is only claimed
//!   (no time-stamp) and the claimed signing time precedes the revocation →
//!   INDETERMINATE/`REVOKED_NO_POE` (ETSI EN 319 102-1: the signature may predate the
//!   revocation, but nothing proves it);
//! - revoked after `T` → `passed`, with an informational note;
//! - on hold at `T`, or no usable data → `indeterminate`, INDETERMINATE/`TRY_LATER`, with a
//!   warning in Vietnamese and English.

use std::sync::Arc;

use der::Decode;
use kyso_policy::reason::{Msg, Reason, Severity};
use kyso_policy::revocation::{
    CertStatus, RevocationCheck, RevocationData, RevocationFetcher, RevocationOptions,
    RevocationStatus, aia_urls, check_path, fetch_revocation_data,
};
use x509_cert::Certificate;

use crate::pades::{RevocationMode, VerifyOptions};
use crate::report::CheckStatus;

/// A shared revocation fetcher (e.g. `kyso_net::HttpFetcher`), used only in
/// [`RevocationMode::Online`] and always through the limits of
/// [`crate::network::NetworkPolicy`], with the clock that measures its time budget.
#[derive(Clone)]
pub struct Fetcher(pub Arc<dyn RevocationFetcher>, pub(crate) Option<Clock>);

/// Milliseconds on a monotonic clock (any origin): the time budget of online verification.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fetcher(..)")
    }
}

// Verification may run under `catch_unwind` (the C ABI does): a fetcher only moves bytes and
// the verifier keeps nothing from it across a panic, so no broken invariant can be observed.
impl std::panic::UnwindSafe for Fetcher {}
impl std::panic::RefUnwindSafe for Fetcher {}

impl Fetcher {
    /// Wrap a fetcher (without a clock, only the request count is limited).
    pub fn new(fetcher: impl RevocationFetcher + 'static) -> Self {
        Self(Arc::new(fetcher), None)
    }

    /// Measure the time budget with `clock` (milliseconds, monotonic).
    pub fn with_clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.1 = Some(Arc::new(clock));
        self
    }
}

/// The decision for one signature, ready to be put in its report.
#[derive(Debug, Clone)]
pub struct RevocationDecision {
    /// `checks.revocation`.
    pub check: CheckStatus,
    /// `REVOKED`, `REVOKED_NO_POE` or `TRY_LATER` when not passed.
    pub sub_indication: Option<&'static str>,
    /// Whether the signature fails (TOTAL_FAILED) rather than being indeterminate.
    pub failed: bool,
    /// Reasons that carry the sub-indication.
    pub decisive: Vec<Reason>,
    /// Other reasons (notes).
    pub notes: Vec<Reason>,
    /// The policy's per-certificate result, when a chain was checked.
    pub details: Option<RevocationCheck>,
    /// Per certificate: its status, the kind of data that decided it and where that data
    /// came from.
    pub sources: Vec<RevocationSource>,
}

/// How one certificate's revocation status was established.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RevocationSource {
    /// Display name of the certificate.
    pub subject: String,
    /// `good`, `revoked`, `suspended` or `unknown`.
    pub status: &'static str,
    /// `crl` or `ocsp`, when some data decided the status.
    pub source: Option<kyso_policy::revocation::Source>,
    /// `embedded` (the document's DSS), `given` (supplied by the caller) or `fetched`.
    pub origin: Option<&'static str>,
}

/// Decide revocation for a signature whose chain is `chain` (leaf first, anchor last; `None`
/// when no valid chain was found), at `time`, with the caller's data
/// ([`VerifyOptions::revocation_data`]) and the document's `embedded` data (its DSS).
/// `proven` says whether `time` comes from a time-stamp; `claimed` is the signer's claimed
/// signing time, if any.
pub fn decide(
    options: &VerifyOptions,
    embedded: &RevocationData,
    chain: Option<&[Certificate]>,
    time: der::DateTime,
    proven: bool,
    claimed: Option<der::DateTime>,
) -> RevocationDecision {
    if options.revocation == RevocationMode::Off {
        return RevocationDecision {
            check: CheckStatus::Skipped,
            sub_indication: None,
            failed: false,
            decisive: Vec::new(),
            notes: vec![Msg::RevocationSkipped {}.reason()],
            details: None,
            sources: Vec::new(),
        };
    }
    let Some(chain) = chain else {
        return RevocationDecision {
            check: CheckStatus::Indeterminate,
            sub_indication: Some("TRY_LATER"),
            failed: false,
            decisive: vec![Msg::RevocationUnavailableNoChain {}.reason()],
            notes: Vec::new(),
            details: None,
            sources: Vec::new(),
        };
    };
    let mut ropts = RevocationOptions::at(time);
    ropts.algorithm_policy = options.algorithms.clone();
    let mut data = options.revocation_data.clone();
    data.extend(embedded.clone());
    let mut notes = Vec::new();
    if options.revocation == RevocationMode::Online
        && let Some(fetcher) = &options.fetcher
    {
        let fetched = fetch_revocation_data(chain, &data, fetcher.0.as_ref(), &ropts);
        ropts.nonce = fetched.nonce.clone();
        data.extend(fetched.data);
        if !fetched.errors.is_empty() {
            notes.push(
                Msg::RevocationFetchFailed {
                    errors: &fetched.errors.join("; "),
                }
                .reason(),
            );
        }
    }
    let check = check_path(chain, &data, &ropts);
    let mut decision = RevocationDecision {
        check: match check.status {
            RevocationStatus::Passed => CheckStatus::Passed,
            RevocationStatus::Failed => CheckStatus::Failed,
            RevocationStatus::Indeterminate => CheckStatus::Indeterminate,
        },
        sub_indication: check.sub_indication,
        failed: check.status == RevocationStatus::Failed,
        decisive: Vec::new(),
        notes,
        details: None,
        sources: Vec::new(),
    };
    // Without proof of the signing time, a revocation after the claimed time is not proof of
    // a revoked signature: REVOKED_NO_POE.
    if decision.failed && !proven {
        let revoked_at = check.certificates.iter().find_map(|c| match c.status {
            CertStatus::Revoked { time: t, .. } if t <= time => Some(t),
            _ => None,
        });
        if let (Some(r), Some(c)) = (revoked_at, claimed)
            && c < r
        {
            decision.failed = false;
            decision.check = CheckStatus::Indeterminate;
            decision.sub_indication = Some("REVOKED_NO_POE");
            decision.notes.push(Msg::RevokedNoPoe {}.reason());
        }
    }
    for r in &check.reasons {
        let decisive = match check.status {
            RevocationStatus::Passed => false,
            RevocationStatus::Failed => r.severity == Severity::Error,
            RevocationStatus::Indeterminate => {
                r.severity == Severity::Error || r.code == "REVOCATION_UNAVAILABLE"
            }
        };
        if decisive {
            decision.decisive.push(r.clone());
        } else {
            decision.notes.push(r.clone());
        }
    }
    decision.sources = sources(chain, &check, embedded, &options.revocation_data, time);
    decision.details = Some(check);
    decision
}

/// Where each decided status came from: the first of embedded, given and fetched data that
/// decides it alone (without the fetch nonce: stored responses carry their own).
fn sources(
    chain: &[Certificate],
    check: &RevocationCheck,
    embedded: &RevocationData,
    given: &RevocationData,
    time: der::DateTime,
) -> Vec<RevocationSource> {
    let ropts = RevocationOptions::at(time);
    let decided_by = |data: &RevocationData| {
        (!data.is_empty()).then(|| check_path(chain, data, &ropts).certificates)
    };
    let (from_embedded, from_given) = (decided_by(embedded), decided_by(given));
    let known = |list: &Option<Vec<kyso_policy::revocation::CertRevocation>>, i: usize| {
        list.as_ref()
            .and_then(|l| l.get(i))
            .is_some_and(|c| c.status != CertStatus::Unknown)
    };
    check
        .certificates
        .iter()
        .map(|c| RevocationSource {
            subject: c.subject.clone(),
            status: match c.status {
                CertStatus::Good => "good",
                CertStatus::Revoked { .. } => "revoked",
                CertStatus::Suspended { .. } => "suspended",
                CertStatus::Unknown => "unknown",
            },
            source: c.source,
            origin: match c.status {
                CertStatus::Unknown => None,
                _ if known(&from_embedded, c.index) => Some("embedded"),
                _ if known(&from_given, c.index) => Some("given"),
                _ => Some("fetched"),
            },
        })
        .collect()
}

/// In [`RevocationMode::Online`], certificates from the AIA caIssuers URLs of `cert` (to
/// complete a chain the document and the trust store could not).
pub fn fetch_issuers(options: &VerifyOptions, cert: &Certificate) -> Vec<Certificate> {
    let Some(fetcher) = options.fetcher.as_ref() else {
        return Vec::new();
    };
    // Without anchors no fetched issuer could complete a chain: do not touch the network.
    if options.revocation != RevocationMode::Online || options.trust.anchors().is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for url in aia_urls(cert).1.iter().filter(|u| u.starts_with("http://")) {
        if let Ok(bytes) = fetcher.0.fetch_ca_issuers(url)
            && let Ok(certs) = kyso_policy::trust::parse_certificates(&bytes)
        {
            out.extend(certs.into_iter().map(|s| s.certificate));
        }
    }
    out
}

/// Revocation data supplied as bytes (e.g. from the CLI's `--crl` files or a document's DSS).
pub fn data_from(crls: Vec<Vec<u8>>, ocsp_responses: Vec<Vec<u8>>) -> RevocationData {
    RevocationData {
        crls,
        ocsp_responses,
        certificates: Vec::new(),
    }
}

/// Entries read from each of the DSS's `/Certs`, `/CRLs` and `/OCSPs` arrays.
pub const MAX_DSS_ENTRIES: usize = 4096;
/// Decoded size of one DSS entry (a large CA's CRL stays well below it).
pub const MAX_DSS_ENTRY: usize = 16 * 1024 * 1024;

/// Revocation data in a document's Document Security Store (ISO 32000-2 §12.8.4.3, PAdES
/// B-LT): the streams of `/DSS /CRLs`, `/DSS /OCSPs` and `/DSS /Certs`. `None` when the
/// document has no DSS or nothing readable in it.
pub fn dss_data(doc: &kyso_pdf::lopdf::Document) -> Option<RevocationData> {
    let read = read_dss(doc);
    (!read.data.is_empty()).then_some(read.data)
}

/// What [`read_dss`] found in a document's DSS.
#[derive(Debug, Clone, Default)]
pub struct DssRead {
    /// The entries that were read.
    pub data: RevocationData,
    /// Entries not read: over [`MAX_DSS_ENTRY`] once decoded (the bound is checked while
    /// inflating), undecodable, not streams, or beyond [`MAX_DSS_ENTRIES`] per array.
    pub skipped: usize,
}

/// Read a document's DSS within the bounds, counting what was left out.
pub fn read_dss(doc: &kyso_pdf::lopdf::Document) -> DssRead {
    use kyso_pdf::load::{catalog, resolve, resolve_dict};
    use kyso_pdf::lopdf::Object;
    let mut skipped = 0;
    let Some(dss) = catalog(doc)
        .ok()
        .and_then(|(_, cat)| resolve_dict(doc, cat.get(b"DSS").ok()?))
    else {
        return DssRead::default();
    };
    let mut streams = |key: &[u8]| -> Vec<Vec<u8>> {
        let Some(Object::Array(items)) = dss.get(key).ok().and_then(|o| resolve(doc, o)) else {
            return Vec::new();
        };
        // Real stores hold a few entries per signature; a longer list is not read further.
        skipped += items.len().saturating_sub(MAX_DSS_ENTRIES);
        let mut out = Vec::new();
        for item in items.iter().take(MAX_DSS_ENTRIES) {
            let bytes = match resolve(doc, item) {
                // Inflated with the bound checked while inflating: a flate bomb stops at the
                // limit instead of costing what it asks for.
                Some(Object::Stream(s)) if s.dict.has(b"Filter") => {
                    s.decompressed_content_with_limit(MAX_DSS_ENTRY).ok()
                }
                Some(Object::Stream(s)) => Some(s.content.clone()),
                _ => None,
            };
            match bytes {
                Some(b) if !b.is_empty() && b.len() <= MAX_DSS_ENTRY => out.push(b),
                _ => skipped += 1,
            }
        }
        out
    };
    let crls = streams(b"CRLs");
    let ocsp_responses = streams(b"OCSPs");
    let certificates = streams(b"Certs")
        .iter()
        .filter_map(|c| Certificate::from_der(c).ok())
        .collect();
    DssRead {
        data: RevocationData {
            crls,
            ocsp_responses,
            certificates,
        },
        skipped,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use kyso_pdf::lopdf::{Dictionary, Document, Object, Stream};

    fn pki_cert(name: &str) -> Certificate {
        let dir = std::path::PathBuf::from(
            std::env::var_os("KYSO_TEST_WORK")
                .expect("KYSO_TEST_WORK is not set: bash tests/run.sh"),
        )
        .join("pki");
        let bytes = std::fs::read(dir.join(format!("{name}.pem"))).unwrap();
        kyso_policy::trust::parse_certificates(&bytes)
            .unwrap()
            .remove(0)
            .certificate
    }

    fn t(y: u16, m: u8, d: u8) -> der::DateTime {
        der::DateTime::new(y, m, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn decisions_at_the_signing_time() {
        let dir = std::path::PathBuf::from(std::env::var_os("KYSO_TEST_WORK").unwrap()).join("pki");
        let mut options = VerifyOptions::new(Default::default(), t(2026, 1, 1));
        options.revocation_data = data_from(
            vec![
                std::fs::read(dir.join("ca-g2.crl.der")).unwrap(),
                std::fs::read(dir.join("root-g2.crl.der")).unwrap(),
            ],
            Vec::new(),
        );
        let chain = [pki_cert("revoked"), pki_cert("ca-g2"), pki_cert("root-g2")];
        // Proven signing time after the revocation: TOTAL_FAILED/REVOKED.
        let d = decide(
            &options,
            &RevocationData::default(),
            Some(&chain),
            t(2026, 1, 1),
            true,
            None,
        );
        assert!(d.failed);
        assert_eq!(
            (d.check, d.sub_indication),
            (CheckStatus::Failed, Some("REVOKED"))
        );
        assert!(d.decisive.iter().any(|r| r.code == "CERT_REVOKED"));
        // Proven signing time before it: passed, with a note.
        let d = decide(
            &options,
            &RevocationData::default(),
            Some(&chain),
            t(2025, 3, 1),
            true,
            None,
        );
        assert_eq!((d.check, d.sub_indication), (CheckStatus::Passed, None));
        assert!(
            d.notes
                .iter()
                .any(|r| r.code == "CERT_REVOKED_AFTER_SIGNING")
        );
        // Only claimed before it (no time-stamp): REVOKED_NO_POE, indeterminate.
        let d = decide(
            &options,
            &RevocationData::default(),
            Some(&chain),
            t(2026, 1, 1),
            false,
            Some(t(2025, 3, 1)),
        );
        assert!(!d.failed);
        assert_eq!(
            (d.check, d.sub_indication),
            (CheckStatus::Indeterminate, Some("REVOKED_NO_POE"))
        );
        // No chain, or no data: TRY_LATER with a warning; Off: skipped with a warning.
        let d = decide(
            &options,
            &RevocationData::default(),
            None,
            t(2026, 1, 1),
            true,
            None,
        );
        assert_eq!(d.sub_indication, Some("TRY_LATER"));
        let mut empty = options.clone();
        empty.revocation_data = RevocationData::default();
        let d = decide(
            &empty,
            &RevocationData::default(),
            Some(&chain),
            t(2026, 1, 1),
            true,
            None,
        );
        assert_eq!(
            (d.check, d.sub_indication),
            (CheckStatus::Indeterminate, Some("TRY_LATER"))
        );
        assert!(
            d.decisive
                .iter()
                .any(|r| r.code == "REVOCATION_UNAVAILABLE")
        );
        empty.revocation = RevocationMode::Off;
        let d = decide(
            &empty,
            &RevocationData::default(),
            Some(&chain),
            t(2026, 1, 1),
            true,
            None,
        );
        assert_eq!(d.check, CheckStatus::Skipped);
        assert!(d.notes.iter().any(|r| r.code == "REVOCATION_SKIPPED"));
    }

    #[test]
    fn dss_streams_are_read() {
        let mut doc = Document::with_version("1.7");
        let crl = doc.add_object(Stream::new(Dictionary::new(), b"\x30\x03crl".to_vec()));
        let ocsp = doc.add_object(Stream::new(Dictionary::new(), b"\x30\x03rsp".to_vec()));
        let mut dss = Dictionary::new();
        dss.set("CRLs", Object::Array(vec![Object::Reference(crl)]));
        dss.set("OCSPs", Object::Array(vec![Object::Reference(ocsp)]));
        let dss = doc.add_object(dss);
        let mut cat = Dictionary::new();
        cat.set("Type", Object::Name(b"Catalog".to_vec()));
        cat.set("DSS", Object::Reference(dss));
        let root = doc.add_object(cat);
        doc.trailer.set("Root", Object::Reference(root));
        let data = dss_data(&doc).unwrap();
        assert_eq!(data.crls, vec![b"\x30\x03crl".to_vec()]);
        assert_eq!(data.ocsp_responses, vec![b"\x30\x03rsp".to_vec()]);
        // No DSS: nothing.
        let mut plain = Document::with_version("1.7");
        let root = plain.add_object(Dictionary::new());
        plain.trailer.set("Root", Object::Reference(root));
        assert!(dss_data(&plain).is_none());
    }
}
