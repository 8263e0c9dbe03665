//! Long-term validation: signing at PAdES B-T, B-LT and B-LTA, and augmenting signed documents
//! (`kyso ltv add`).
//!
//! - B-T: the signature value is time-stamped (unsigned attribute, by [`kyso_sign::cms`]).
//! - B-LT: a `/DSS` incremental update holds, for every signature and time-stamp in the
//!   document, the certificate chain and the CRLs/OCSP responses that show it unrevoked
//!   (ETSI EN 319 142-1 §5.4), plus a VRI entry per signature.
//! - B-LTA: a document time-stamp over all of that, then a second DSS update with the
//!   document time-stamp's own chain and revocation data, so a verifier can validate it later
//!   without the network.
//!
//! Chains are assembled by issuer name from the signature's certificates, the caller's
//! certificates and, online, AIA caIssuers from the allowed prefixes only
//! ([`LtvOptions::network`]). The URLs written in a document's certificates are the sender's
//! choice, so revocation data is fetched only for a chain that validates to one of the
//! [`LtvOptions::certificates`] anchors (the Government CA's roots, roots the caller gives, the
//! signer's own); every request is listed in [`LtvSummary::fetched`]. Whether each
//! certificate's status is covered is reported in [`LtvSummary::uncovered`]; a requested level
//! is a promise, so callers refuse the result when it is not empty ([`require_covered`]).

use std::sync::Arc;

use der::Encode;
use kyso_pdf::load::load_for_update;
use kyso_pdf::{SignatureKind, find_signatures};
use kyso_policy::path::{PathOptions, PathStatus, validate_path};
use kyso_policy::revocation::{
    CertStatus, RevocationData, RevocationFetcher, RevocationOptions, aia_urls, check_path,
    fetch_revocation_data,
};
use kyso_policy::trust::{TrustStore, parse_certificates};
/// The RFC 3161 time-stamp client interface B-T and B-LTA use ([`crate::LtvConfig::stamper`] makes the HTTP one).
pub use kyso_sign::TimeStamper;
use kyso_sign::ltv::{DssUpdate, VriEntry, add_dss, timestamp_pdf};
use kyso_sign::{PadesOptions, SharedTimeStamper, SignedPdf};
use kyso_token::{Signer, is_self_issued};
use kyso_verify::FetchRecord;
use kyso_verify::network::{NetworkPolicy, guard};
use kyso_verify::revocation::Fetcher;
use sha1::Digest;
use x509_cert::Certificate;

use crate::Error;

/// PAdES baseline level (ETSI EN 319 142-1 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Level {
    /// Basic signature.
    #[default]
    BB,
    /// With a signature time-stamp.
    BT,
    /// With validation data in the DSS.
    BLT,
    /// With a document time-stamp over the validation data.
    BLTA,
}

impl Level {
    /// `B-B`, `B-T`, `B-LT` or `B-LTA`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BB => "B-B",
            Self::BT => "B-T",
            Self::BLT => "B-LT",
            Self::BLTA => "B-LTA",
        }
    }
}

impl std::str::FromStr for Level {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_uppercase().as_str() {
            "B-B" | "BB" => Ok(Self::BB),
            "B-T" | "BT" => Ok(Self::BT),
            "B-LT" | "BLT" => Ok(Self::BLT),
            "B-LTA" | "BLTA" => Ok(Self::BLTA),
            _ => Err(Error::Options(format!(
                "level must be B-B, B-T, B-LT or B-LTA, not {s:?}"
            ))),
        }
    }
}

/// Where validation data comes from.
#[derive(Clone)]
pub struct LtvOptions {
    /// Certificates to complete chains with: anchors (a chain must validate to one before its
    /// revocation data is fetched) and intermediates.
    pub certificates: TrustStore,
    /// CRLs and OCSP responses given by the caller (CRLs in PEM are embedded as DER).
    pub revocation_data: RevocationData,
    /// Fetch missing issuers (AIA) and revocation data (OCSP, CRL DP) through this (`None`:
    /// offline, only the given data).
    pub fetcher: Option<Fetcher>,
    /// What the fetcher may do: issuer allow-list, request and time budgets (see
    /// [`ltv_network_policy`]).
    pub network: NetworkPolicy,
    /// The time the revocation data must show the status at (now).
    pub time: Option<der::DateTime>,
    /// Accept a result that leaves some certificate's status uncovered (listed in
    /// [`LtvSummary::uncovered`]); by default it is refused: a requested level is a promise.
    pub partial: bool,
}

/// The network limits of one augmentation: the Government CA's certificate location for
/// issuers, and more requests than a verification (every signature and time-stamp, each with a
/// chain of CRLs and OCSP responses, twice for B-LTA).
pub fn ltv_network_policy() -> NetworkPolicy {
    NetworkPolicy {
        max_fetches: 64,
        max_millis: 60_000,
        ..NetworkPolicy::default()
    }
}

impl Default for LtvOptions {
    fn default() -> Self {
        Self {
            certificates: TrustStore::default(),
            revocation_data: RevocationData::default(),
            fetcher: None,
            network: ltv_network_policy(),
            time: None,
            partial: false,
        }
    }
}

impl std::fmt::Debug for LtvOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LtvOptions")
            .field("certificates", &self.certificates.anchors().len())
            .field("online", &self.fetcher.is_some())
            .field("time", &self.time)
            .finish()
    }
}

/// What an augmentation added.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LtvSummary {
    /// Signatures and time-stamps whose validation data was collected.
    pub signatures: usize,
    /// Distinct certificates embedded for them (some may have been in the DSS already).
    pub certificates: usize,
    /// CRLs added.
    pub crls: usize,
    /// OCSP responses added.
    pub ocsp_responses: usize,
    /// Certificates whose revocation status the embedded data does not establish (subject
    /// names): a verifier will need the network or other data for them.
    pub uncovered: Vec<String>,
    /// Fetches that failed (`URL: error`).
    pub fetch_errors: Vec<String>,
    /// The document time-stamp field added (B-LTA).
    pub document_timestamp: Option<String>,
    /// Every request made or refused (issuers off the allow-list, over the budget).
    pub fetched: Vec<FetchRecord>,
}

/// One certificate to cover and the certificates that came with it.
struct Subject {
    cert: Certificate,
    extra: Vec<Certificate>,
    /// `/Contents` of the signature, for the VRI key (signatures only).
    contents: Option<Vec<u8>>,
}

/// The certificates that need validation data in `doc`: each signer, each signature
/// time-stamp's TSA, each document time-stamp's TSA.
fn subjects(doc: &kyso_pdf::lopdf::Document) -> Vec<Subject> {
    let mut out = Vec::new();
    for sig in find_signatures(doc) {
        // CMS parsing tolerates the zero padding after the DER object.
        let cms_bytes = sig.contents.as_slice();
        match sig.kind {
            SignatureKind::Signature => {
                // Only the certificates matter here; the digest is checked by the verifier.
                let Ok(cms) = kyso_verify::cms::verify_detached(cms_bytes, &mut |_| Ok(Vec::new()))
                else {
                    continue;
                };
                if let Some(cert) = cms.signer_certificate.clone() {
                    out.push(Subject {
                        cert,
                        extra: cms.certificates.clone(),
                        contents: Some(sig.contents.clone()),
                    });
                }
                if let Some(token) = &cms.timestamp_token {
                    push_tsa(&mut out, token);
                }
            }
            SignatureKind::DocTimeStamp => push_tsa(&mut out, cms_bytes),
        }
    }
    out
}

fn push_tsa(out: &mut Vec<Subject>, token: &[u8]) {
    if let Ok(ts) = kyso_verify::timestamp::read_timestamp(token, None)
        && let Some(cert) = ts.tsa_certificate
    {
        out.push(Subject {
            cert,
            extra: ts.certificates,
            contents: None,
        });
    }
}

/// Leaf first, by issuer name, from `pool`; online, missing issuers come from AIA.
fn chain_for(
    leaf: &Certificate,
    pool: &mut Vec<Certificate>,
    fetcher: Option<&dyn RevocationFetcher>,
    errors: &mut Vec<String>,
) -> Vec<Certificate> {
    let mut chain = vec![leaf.clone()];
    while chain.len() < 8 {
        let Some(last) = chain.last() else { break };
        let tbs = last.tbs_certificate();
        if tbs.issuer() == tbs.subject() {
            break;
        }
        let find = |pool: &[Certificate]| {
            pool.iter()
                .find(|c| {
                    c.tbs_certificate().subject() == tbs.issuer() && !chain.iter().any(|x| x == *c)
                })
                .cloned()
        };
        let mut issuer = find(pool);
        if issuer.is_none()
            && let Some(f) = fetcher
        {
            for url in aia_urls(last).1 {
                match f.fetch_ca_issuers(&url) {
                    Ok(bytes) => pool.extend(
                        parse_certificates(&bytes)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|s| s.certificate),
                    ),
                    Err(e) => errors.push(format!("{url}: {e}")),
                }
            }
            issuer = find(pool);
        }
        match issuer {
            Some(i) => chain.push(i),
            None => break,
        }
    }
    chain
}

/// The validation data for every signature and time-stamp in `pdf` (see the module docs),
/// with what is already in its DSS counted as known.
pub fn validation_data(pdf: &[u8], options: &LtvOptions) -> Result<(DssUpdate, LtvSummary), Error> {
    // One parse: the DSS already there, and what needs validation data.
    let doc = load_for_update(pdf)?;
    let mut known = kyso_verify::revocation::dss_data(&doc).unwrap_or_default();
    let subjects = subjects(&doc);
    drop(doc);
    let time = options.time.unwrap_or_else(crate::now);
    let ropts = RevocationOptions::at(time);
    let guarded = options
        .fetcher
        .as_ref()
        .map(|f| guard(f, options.network.clone()));
    let fetcher: Option<&dyn RevocationFetcher> = guarded.as_ref().map(|(f, _)| f.0.as_ref());

    let mut pool: Vec<Certificate> = options
        .certificates
        .anchors()
        .iter()
        .chain(options.certificates.intermediates())
        .map(|s| s.certificate.clone())
        .collect();
    let mut summary = LtvSummary::default();
    let mut update = DssUpdate::default();
    known.extend(options.revocation_data.clone());

    for subject in subjects {
        summary.signatures += 1;
        pool.extend(subject.extra.iter().cloned());
        let chain = chain_for(&subject.cert, &mut pool, fetcher, &mut summary.fetch_errors);
        let mut own = RevocationData::default();
        if let Some(f) = fetcher {
            if validates_to_anchor(&chain, &options.certificates, time) {
                let fetched = fetch_revocation_data(&chain, &known, f, &ropts);
                summary.fetch_errors.extend(fetched.errors);
                own = fetched.data;
                known.extend(own.clone());
            } else {
                summary.fetch_errors.push(format!(
                    "{}: revocation data not fetched: its chain does not validate to a trust anchor",
                    kyso_policy::subject::display_name(&subject.cert)
                ));
            }
        }
        // Which of the known data decides this chain (for the VRI and the coverage report).
        let check = check_path(&chain, &known, &ropts);
        for c in &check.certificates {
            // A root needs no status; the last certificate of a chain that stops short of one
            // does (its issuer, and so its status, is missing).
            let root = c.index + 1 == chain.len() && chain.last().is_some_and(is_self_issued);
            if c.status == CertStatus::Unknown && !root {
                summary.uncovered.push(c.subject.clone());
            }
        }
        if !chain.last().is_some_and(is_self_issued)
            && let Some(last) = chain.last()
        {
            summary.uncovered.push(format!(
                "{} (issuer not found)",
                kyso_policy::subject::display_name(last)
            ));
        }
        let certs: Vec<Vec<u8>> = chain.iter().filter_map(|c| c.to_der().ok()).collect();
        let mut crls = own.crls.clone();
        let mut ocsps = own.ocsp_responses.clone();
        // Given data is embedded too: the caller gave it for these signatures (a DSS holds
        // DER, so PEM CRLs are decoded; what does not decode is left to the verifier to refuse).
        crls.extend(options.revocation_data.crls.iter().map(|c| {
            kyso_policy::revocation::parse_crl(c)
                .map(|(_, der)| der)
                .unwrap_or_else(|_| c.clone())
        }));
        ocsps.extend(options.revocation_data.ocsp_responses.iter().cloned());
        if let Some(contents) = &subject.contents {
            update.vri.push(VriEntry {
                key: hex_upper(&sha1::Sha1::digest(contents)),
                certs: certs.clone(),
                crls: crls.clone(),
                ocsps: ocsps.clone(),
            });
        }
        update.certs.extend(certs);
        update.crls.extend(crls);
        update.ocsps.extend(ocsps);
    }
    summary.uncovered.sort();
    summary.uncovered.dedup();
    if let Some((_, log)) = guarded {
        summary.fetched = log.records();
    }
    Ok((update, summary))
}

/// Whether `chain` (leaf first) validates at `time` to an anchor of `store`: only then do the
/// URLs in its certificates come from a CA the caller trusts.
fn validates_to_anchor(chain: &[Certificate], store: &TrustStore, time: der::DateTime) -> bool {
    let Some((leaf, rest)) = chain.split_first() else {
        return false;
    };
    validate_path(leaf, rest, store, &PathOptions::at(time)).status == PathStatus::Valid
}

/// A requested level is a promise: when validation data is missing for some certificate, the
/// augmented document is refused (`Error::LevelNotReached`, naming each certificate).
pub fn require_covered(level: Level, summary: &LtvSummary) -> Result<(), Error> {
    if summary.uncovered.is_empty() {
        return Ok(());
    }
    Err(Error::LevelNotReached {
        level: level.as_str(),
        missing: summary.uncovered.clone(),
        fetch_errors: summary.fetch_errors.clone(),
    })
}

/// Add validation data (B-LT) and, with a time-stamp authority, a document time-stamp and its
/// own validation data (B-LTA) to a signed `pdf`. Existing signatures stay intact: everything
/// is appended as incremental updates.
pub fn add_ltv(
    pdf: &[u8],
    options: &LtvOptions,
    stamper: Option<&dyn TimeStamper>,
) -> Result<(Vec<u8>, LtvSummary), Error> {
    let (update, mut summary) = validation_data(pdf, options)?;
    let mut bytes = add_dss(pdf, &update)?;
    let mut all = update;
    if let Some(stamper) = stamper {
        let stamped = timestamp_pdf(&bytes, stamper, None)?;
        // The document time-stamp's TSA: its chain and status, in a DSS update after it
        // (validators read the DSS of the latest revision). Collected for every signature
        // again; the DSS writer adds only what is new.
        let (mut after, more) = validation_data(&stamped.bytes, options)?;
        after.vri.clear();
        bytes = add_dss(&stamped.bytes, &after)?;
        all.certs.extend(after.certs);
        all.crls.extend(after.crls);
        all.ocsps.extend(after.ocsps);
        summary = LtvSummary {
            document_timestamp: Some(stamped.field_name),
            ..more
        };
    }
    count(&mut summary, &all);
    if !options.partial {
        let level = if stamper.is_some() {
            Level::BLTA
        } else {
            Level::BLT
        };
        require_covered(level, &summary)?;
    }
    Ok((bytes, summary))
}

fn count(summary: &mut LtvSummary, update: &DssUpdate) {
    let distinct = |v: &[Vec<u8>]| {
        let mut v: Vec<&Vec<u8>> = v.iter().collect();
        v.sort();
        v.dedup();
        v.len()
    };
    summary.certificates = distinct(&update.certs);
    summary.crls = distinct(&update.crls);
    summary.ocsp_responses = distinct(&update.ocsps);
}

/// Options for signing at `level`: B-T and above time-stamp the signature with `stamper`.
pub fn options_for_level(
    options: &PadesOptions,
    level: Level,
    stamper: Option<&Arc<dyn TimeStamper>>,
) -> Result<PadesOptions, Error> {
    let mut options = options.clone();
    if level >= Level::BT {
        let Some(stamper) = stamper else {
            return Err(Error::Options(format!(
                "level {} needs a time-stamp authority (--tsa URL)",
                level.as_str()
            )));
        };
        options.timestamper = Some(SharedTimeStamper(stamper.clone()));
    }
    Ok(options)
}

/// After signing with [`options_for_level`]: for B-LT and B-LTA, add the validation data
/// (and for B-LTA the document time-stamp) to the freshly signed `bytes`. `signer_chain`
/// (the token's or the caller's CA certificates) completes chains offline.
pub fn complete_level(
    bytes: Vec<u8>,
    signer_chain: &[Certificate],
    level: Level,
    ltv: &LtvOptions,
    stamper: Option<&Arc<dyn TimeStamper>>,
) -> Result<(Vec<u8>, Option<LtvSummary>), Error> {
    if level < Level::BLT {
        return Ok((bytes, None));
    }
    let mut ltv = ltv.clone();
    crate::trust::add_known_intermediates(&mut ltv.certificates)?;
    for c in signer_chain {
        // The signer's own chain: its root is an anchor for fetching the signer's validation
        // data (the URLs are its CA's). A certificate the store rejects (not a CA) simply does
        // not help build chains.
        let _ = if is_self_issued(c) {
            ltv.certificates.add_anchor(c.clone())
        } else {
            ltv.certificates.add_intermediate(c.clone())
        };
    }
    let doc_stamper = match (level, stamper) {
        (Level::BLTA, Some(s)) => Some(s.as_ref()),
        (Level::BLTA, None) => {
            return Err(Error::Options(
                "level B-LTA needs a time-stamp authority (--tsa URL)".into(),
            ));
        }
        _ => None,
    };
    let (bytes, summary) = add_ltv(&bytes, &ltv, doc_stamper)?;
    Ok((bytes, Some(summary)))
}

/// Sign `pdf` at `level` (invisible or as `options` describe): [`options_for_level`], sign,
/// then [`complete_level`].
pub fn sign_pdf_level(
    pdf: &[u8],
    signer: &dyn Signer,
    options: &PadesOptions,
    level: Level,
    ltv: &LtvOptions,
    stamper: Option<&Arc<dyn TimeStamper>>,
) -> Result<(SignedPdf, Option<LtvSummary>), Error> {
    sign_document(pdf, signer, options, None, level, ltv, stamper)
}

/// Sign `pdf` in a Decree 30 `workflow` (or invisibly) at `level`: the one sequence the CLI,
/// the JSON options, the VGCA operations and the C ABI share — [`options_for_level`], sign,
/// then [`complete_level`] (which refuses a level it cannot reach). The result's bytes are the
/// whole file; its warnings say what was assumed.
pub fn sign_document(
    pdf: &[u8],
    signer: &dyn Signer,
    options: &PadesOptions,
    workflow: Option<&crate::workflows::Workflow>,
    level: Level,
    ltv: &LtvOptions,
    stamper: Option<&Arc<dyn TimeStamper>>,
) -> Result<(SignedPdf, Option<LtvSummary>), Error> {
    let options = options_for_level(options, level, stamper)?;
    let mut signed = match workflow {
        None => crate::sign_pdf(pdf, signer, &options)?,
        Some(w) => crate::workflows::sign(pdf, signer, w, &options)?,
    };
    let (bytes, summary) = complete_level(signed.bytes, signer.chain(), level, ltv, stamper)?;
    signed.bytes = bytes;
    Ok((signed, summary))
}

/// An RFC 3161 client for the time-stamp authority at `url` (plain `http://`, as TSAs are
/// normally reached; the token is signed), with SHA-256 imprints.
#[cfg(feature = "net")]
pub fn tsa_client(url: &str) -> Arc<dyn TimeStamper> {
    Arc::new(kyso_net::TsaClient::new(kyso_net::TsaConfig::new(url)))
}

/// Like [`tsa_client`] with the imprint hash named `sha256`, `sha384` or `sha512`.
#[cfg(feature = "net")]
pub fn tsa_client_with_digest(url: &str, digest: &str) -> Result<Arc<dyn TimeStamper>, Error> {
    use kyso_token::DigestAlgorithm as D;
    let digest = match digest.to_ascii_lowercase().replace('-', "").as_str() {
        "sha256" => D::Sha256,
        "sha384" => D::Sha384,
        "sha512" => D::Sha512,
        other => {
            return Err(Error::Options(format!(
                "time-stamp hash must be sha256, sha384 or sha512, not {other:?}"
            )));
        }
    };
    let mut config = kyso_net::TsaConfig::new(url);
    config.digest = digest;
    Ok(Arc::new(kyso_net::TsaClient::new(config)))
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}
