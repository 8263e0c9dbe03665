//! CRL evaluation for one certificate (RFC 5280 §5, §6.3.3), without I/O.
//!
//! [`crate::revocation`] decides a certificate's status from every piece of data; this module
//! says what the supplied CRLs state about it:
//!
//! - **Scope** (§6.3.3 (b)): each distribution point of the certificate (or, without the
//!   extension, one implicit point naming the certificate's issuer) is matched against the CRL.
//!   Without `cRLIssuer` the CRL issuer must match the certificate's issuer; with it, the CRL
//!   must be issued by that entity and be an **indirect CRL** (issuingDistributionPoint
//!   `indirectCRL`). A distributionPoint name in the CRL's issuingDistributionPoint must match a
//!   name of the certificate's distribution point (or its `cRLIssuer`); names relative to the
//!   CRL issuer are completed with the `cRLIssuer` when given, else the certificate's issuer.
//!   onlyContainsUserCerts / onlyContainsCACerts / onlyContainsAttributeCerts are honoured.
//! - **Reasons** (§6.3.3 (c)–(d)): a CRL covers the reasons of its `onlySomeReasons` and of the
//!   matching distribution points' `reasons`; [`crate::revocation`] combines CRLs until every
//!   reason is covered, otherwise the status stays unknown.
//! - **Signer** (§6.3.3 (f)): a certificate named like the CRL issuer whose key verifies the CRL
//!   and whose keyUsage (when present) has cRLSign. A certificate of the validated path is
//!   accepted as is; another one (a separate CRL key, the issuer of an indirect CRL) needs a
//!   path of its own to the **same trust anchor** through the path and the supplied
//!   certificates, every certificate of it valid when the CRL was issued, and is itself checked
//!   for revocation (at most [`MAX_SIGNER_DEPTH`] levels). A CRL signer whose status is only
//!   given by its own CRL is taken at its word (it could not be checked otherwise; RFC 5280
//!   allows such a CRL issuer, PKITS 4.14.30).
//! - **Entries**: in an indirect CRL an entry belongs to the issuer named by the latest
//!   `certificateIssuer` entry extension (the CRL issuer before the first one). Reason codes,
//!   invalidity dates and removeFromCRL are read; an unknown critical entry extension on the
//!   matching entry makes the CRL unusable.
//! - **Delta CRLs** (§5.2.4, §6.3.3 (g)–(i)): a delta CRL (deltaCRLIndicator) is **never** used
//!   alone. It updates a complete CRL of the same issuer and the same issuingDistributionPoint,
//!   signed with the same key, whose cRLNumber is at least the delta's BaseCRLNumber and below
//!   the delta's own cRLNumber. Entries of the delta override the complete CRL's, and a
//!   removeFromCRL entry lifts a hold. The pair is current when the delta is.
//! - **Profile**: a CRL must carry a non-critical cRLNumber (RFC 5280 §5.2.3: "conforming CRL
//!   issuers MUST include this extension in all CRLs and MUST mark this extension as
//!   non-critical"); one without it, or with it critical, is not used. The Government CA's CRLs
//!   and the CRLs of our test PKI carry it. No other unknown critical extension is accepted.

use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::crl::dp::{DistributionPoint, IssuingDistributionPoint};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{BasicConstraints, CrlDistributionPoints, KeyUsages};
use x509_cert::name::Name;

use super::signers::{issued_by, key_usage, signed_by, within};
use super::{CertStatus, CrlReason, Ctx, status_of};
use crate::extensions;
use crate::names::{NameKey, names_match};
use crate::time::rfc3339;

const OID_BC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_CRLDP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.31");
const OID_CRL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.20");
const OID_DELTA_CRL: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.27");
const OID_IDP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.28");
const OID_AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const OID_FRESHEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.46");
const OID_REASON_CODE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.21");
const OID_INVALIDITY_DATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.24");
const OID_CERT_ISSUER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.29");

/// Every revocation reason of ReasonFlags (bits 1–8; bit 0 is `unused`).
pub(crate) const ALL_REASONS: u16 = 0x01fe;

/// How many CRL signers deep the check of a CRL signer's own status may go.
pub const MAX_SIGNER_DEPTH: usize = 3;

/// How many certificates a CRL signer's path may have above the signer.
const MAX_SIGNER_PATH: usize = 6;

/// A decoded CRL with the fields the evaluation needs.
pub(crate) struct Crl {
    list: CertificateList,
    der: Vec<u8>,
    issuer: NameKey,
    /// cRLNumber, big-endian without leading zeros; `Err` when absent or critical.
    number: Result<Vec<u8>, &'static str>,
    /// BaseCRLNumber of a delta CRL.
    base: Option<Vec<u8>>,
    idp: Option<IssuingDistributionPoint>,
    /// The issuingDistributionPoint as encoded (a delta's must equal its base's).
    idp_der: Option<Vec<u8>>,
    /// Why the CRL cannot be used at all (unreadable or unknown critical extension).
    problem: Option<String>,
    this_update: der::DateTime,
    next_update: Option<der::DateTime>,
}

/// The value of a non-negative INTEGER without leading zero bytes.
fn uint_bytes(v: &der::asn1::Uint) -> Vec<u8> {
    let b = v.as_bytes();
    let start = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    b[start..].to_vec()
}

fn uint_le(a: &[u8], b: &[u8]) -> bool {
    (a.len(), a) <= (b.len(), b)
}

impl Crl {
    /// Decode a CRL (DER or PEM).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, String> {
        let (list, der) = parse_crl(bytes).map_err(|e| e.to_string())?;
        let tbs = &list.tbs_cert_list;
        let mut number = Err("CRL has no cRLNumber (RFC 5280 §5.2.3 requires one)");
        let mut base = None;
        let mut idp = None;
        let mut idp_der = None;
        let mut problem = None;
        for e in tbs.crl_extensions.iter().flatten() {
            let v = e.extn_value.as_bytes();
            if e.extn_id == OID_CRL_NUMBER {
                number = match x509_cert::ext::pkix::CrlNumber::from_der(v) {
                    Ok(_) if e.critical => {
                        Err("CRL marks cRLNumber critical (RFC 5280 §5.2.3: non-critical)")
                    }
                    Ok(n) => Ok(uint_bytes(&n.0)),
                    Err(_) => Err("CRL has an unreadable cRLNumber"),
                };
            } else if e.extn_id == OID_DELTA_CRL {
                match x509_cert::ext::pkix::BaseCrlNumber::from_der(v) {
                    Ok(b) => base = Some(uint_bytes(&b.0)),
                    Err(_) => problem = Some("CRL: unreadable deltaCRLIndicator".to_owned()),
                }
            } else if e.extn_id == OID_IDP {
                match IssuingDistributionPoint::from_der(v) {
                    Ok(i) => {
                        idp = Some(i);
                        idp_der = Some(v.to_vec());
                    }
                    Err(_) => problem = Some("CRL: unreadable issuingDistributionPoint".to_owned()),
                }
            } else if e.critical && e.extn_id != OID_AKI && e.extn_id != OID_FRESHEST {
                problem = Some(format!(
                    "CRL has an unknown critical extension {}",
                    e.extn_id
                ));
            }
        }
        Ok(Self {
            issuer: NameKey::of(&tbs.issuer),
            this_update: tbs.this_update.to_date_time(),
            next_update: tbs.next_update.map(|n| n.to_date_time()),
            list,
            der,
            number,
            base,
            idp,
            idp_der,
            problem,
        })
    }

    /// Whether this is a delta CRL.
    pub(crate) fn is_delta(&self) -> bool {
        self.base.is_some()
    }

    fn indirect(&self) -> bool {
        self.idp.as_ref().is_some_and(|i| i.indirect_crl)
    }

    /// Usable at `t`: issued at or after `t`, or current at `t`.
    fn usable_at(&self, t: der::DateTime) -> bool {
        self.this_update >= t || self.next_update.is_some_and(|n| t <= n)
    }

    fn stale(&self, what: &str) -> String {
        format!(
            "{what} is not current at the validation time (thisUpdate {}, nextUpdate {})",
            rfc3339(self.this_update),
            self.next_update
                .map(rfc3339)
                .unwrap_or_else(|| "absent".into())
        )
    }

    /// The signed part, as received.
    fn tbs(&self) -> Option<&[u8]> {
        first_inner_tlv(&self.der)
    }

    fn verify_with(&self, signer: &Certificate, ctx: &Ctx<'_>) -> Result<(), String> {
        let tbs = self.tbs().ok_or("CRL: malformed")?;
        let sig = self
            .list
            .signature
            .as_bytes()
            .ok_or("CRL: malformed signature")?;
        signed_by(
            signer,
            &self.list.signature_algorithm,
            tbs,
            sig,
            &ctx.options.algorithm_policy,
            self.this_update,
        )
    }
}

/// The first TLV inside a SEQUENCE (the signed part of a CRL, certificate, …), as received.
fn first_inner_tlv(der_bytes: &[u8]) -> Option<&[u8]> {
    let l = *der_bytes.get(1)?;
    let hdr = if l < 0x80 {
        2
    } else {
        2 + usize::from(l & 0x7f)
    };
    let rest = der_bytes.get(hdr..)?;
    let len = crate::trust::tlv_len(rest).ok()?;
    rest.get(..len)
}

/// Decode a CRL from DER or PEM.
pub fn parse_crl(bytes: &[u8]) -> Result<(CertificateList, Vec<u8>), crate::PolicyError> {
    let der_bytes = if bytes.starts_with(b"-----BEGIN") {
        let (_, doc) = der::Document::from_pem(std::str::from_utf8(bytes).map_err(|_| {
            crate::PolicyError::Pem {
                offset: 0,
                message: "not UTF-8".into(),
            }
        })?)
        .map_err(|e| crate::PolicyError::Pem {
            offset: 0,
            message: e.to_string(),
        })?;
        doc.as_bytes().to_vec()
    } else {
        bytes.to_vec()
    };
    let crl =
        CertificateList::from_der(&der_bytes).map_err(|e| crate::PolicyError::der("CRL", 0, e))?;
    Ok((crl, der_bytes))
}

/// The names of a distribution point name; a name relative to the CRL issuer is appended to
/// `base` and given as a directoryName.
pub(crate) fn full_names(dp: &DistributionPointName, base: &Name) -> Vec<GeneralName> {
    match dp {
        DistributionPointName::FullName(names) => names.clone(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            let mut rdns: Vec<x509_cert::name::RelativeDistinguishedName> =
                base.iter_rdn().cloned().collect();
            rdns.push(rdn.clone());
            rdns.to_der()
                .ok()
                .and_then(|d| Name::from_der(&d).ok())
                .map(|n| vec![GeneralName::DirectoryName(n)])
                .unwrap_or_default()
        }
    }
}

/// General names compared: directory names as RFC 5280 §7.1 requires, others as DER.
fn general_names_match(a: &GeneralName, b: &GeneralName) -> bool {
    match (a, b) {
        (GeneralName::DirectoryName(x), GeneralName::DirectoryName(y)) => names_match(x, y),
        _ => a.to_der().ok().is_some_and(|d| b.to_der().ok() == Some(d)),
    }
}

fn directory_names(names: &[GeneralName]) -> impl Iterator<Item = &Name> {
    names.iter().filter_map(|n| match n {
        GeneralName::DirectoryName(d) => Some(d),
        _ => None,
    })
}

/// The certificate's distribution points; one implicit point (no name, all reasons, the
/// certificate's issuer) when it has none.
fn distribution_points(cert: &Certificate) -> Vec<DistributionPoint> {
    match extensions::decode::<CrlDistributionPoints>(cert, &OID_CRLDP) {
        Ok(Some(dps)) if !dps.0.is_empty() => dps.0,
        _ => vec![DistributionPoint {
            distribution_point: None,
            reasons: None,
            crl_issuer: None,
        }],
    }
}

/// The reasons `crl` covers for `cert` (0: the CRL is not about this certificate).
fn scope(crl: &Crl, cert: &Certificate, is_ca: bool) -> u16 {
    let cert_issuer = cert.tbs_certificate().issuer();
    if let Some(idp) = &crl.idp
        && (idp.only_contains_attribute_certs
            || (idp.only_contains_ca_certs && !is_ca)
            || (idp.only_contains_user_certs && is_ca))
    {
        return 0;
    }
    let crl_issuer = &crl.list.tbs_cert_list.issuer;
    let idp_reasons = crl
        .idp
        .as_ref()
        .and_then(|i| i.only_some_reasons)
        .map_or(ALL_REASONS, |r| r.bits() & ALL_REASONS);
    let idp_names = crl
        .idp
        .as_ref()
        .and_then(|i| i.distribution_point.as_ref())
        .map(|dp| full_names(dp, crl_issuer));
    let mut mask = 0;
    for dp in distribution_points(cert) {
        let dp_crl_issuers: Vec<GeneralName> = dp.crl_issuer.clone().unwrap_or_default();
        // (b)(1): who must have issued the CRL.
        let issuer_ok = if dp.crl_issuer.is_some() {
            crl.indirect() && directory_names(&dp_crl_issuers).any(|n| NameKey::of(n) == crl.issuer)
        } else {
            NameKey::of(cert_issuer) == crl.issuer
        };
        if !issuer_ok {
            continue;
        }
        // (b)(2)(i): the CRL's distribution point must be one of the certificate's.
        if let Some(idp_names) = &idp_names {
            let base = directory_names(&dp_crl_issuers)
                .next()
                .unwrap_or(cert_issuer);
            let dp_names = match &dp.distribution_point {
                Some(name) => full_names(name, base),
                None => dp_crl_issuers.clone(),
            };
            let matched = idp_names
                .iter()
                .any(|a| dp_names.iter().any(|b| general_names_match(a, b)));
            if !matched {
                continue;
            }
        }
        let dp_reasons = dp.reasons.map_or(ALL_REASONS, |r| r.bits() & ALL_REASONS);
        mask |= dp_reasons & idp_reasons;
    }
    mask
}

/// The status the entries of `crl` give `cert` (issued by `cert_issuer`): `None` when it is not
/// listed.
fn entry_status(
    crl: &Crl,
    cert: &Certificate,
    cert_issuer: &NameKey,
) -> Result<Option<CertStatus>, String> {
    let serial = cert.tbs_certificate().serial_number().as_bytes();
    let indirect = crl.indirect();
    let mut entry_issuer = crl.issuer.clone();
    for entry in crl.list.tbs_cert_list.revoked_certificates.iter().flatten() {
        let exts: Vec<_> = entry.crl_entry_extensions.iter().flatten().collect();
        let mut issuer_unreadable = false;
        if let Some(e) = entry
            .crl_entry_extensions
            .as_deref()
            .and_then(|x| extensions::find_in(x, &OID_CERT_ISSUER))
        {
            match x509_cert::ext::pkix::name::GeneralNames::from_der(e.extn_value.as_bytes()) {
                Ok(names) if indirect => match directory_names(&names).next() {
                    Some(n) => entry_issuer = NameKey::of(n),
                    None => issuer_unreadable = true,
                },
                // certificateIssuer outside an indirect CRL is not meaningful.
                _ => issuer_unreadable = true,
            }
        }
        if entry.serial_number.as_bytes() != serial {
            continue;
        }
        if issuer_unreadable {
            return Err("CRL entry has a certificateIssuer that cannot be honoured".into());
        }
        if entry_issuer != *cert_issuer {
            continue;
        }
        let mut reason = None;
        let mut time = entry.revocation_date.to_date_time();
        for e in exts {
            if e.extn_id == OID_REASON_CODE {
                reason = CrlReason::from_der_enumerated(e.extn_value.as_bytes());
            } else if e.extn_id == OID_INVALIDITY_DATE {
                if let Ok(g) = der::asn1::GeneralizedTime::from_der(e.extn_value.as_bytes()) {
                    time = time.min(g.to_date_time());
                }
            } else if e.critical && e.extn_id != OID_CERT_ISSUER {
                return Err(format!(
                    "CRL entry has an unknown critical extension {}",
                    e.extn_id
                ));
            }
        }
        return Ok(Some(match reason {
            Some(CrlReason::RemoveFromCrl) => CertStatus::Good,
            Some(CrlReason::CertificateHold) => CertStatus::Suspended { time },
            _ => CertStatus::Revoked { time, reason },
        }));
    }
    Ok(None)
}

fn can_sign_crl(c: &Certificate) -> bool {
    key_usage(c).is_none_or(|k| k.0.contains(KeyUsages::CRLSign))
}

fn is_ca_cert(c: &Certificate) -> bool {
    extensions::decode::<BasicConstraints>(c, &OID_BC)
        .ok()
        .flatten()
        .is_some_and(|b| b.ca)
}

/// A path from `cert` up to `anchor` through `pool`: the certificates above `cert`, its issuer
/// first and the anchor last; each valid at `at`, each issuer a CA allowed to sign
/// certificates.
fn path_to_anchor(
    cert: &Certificate,
    pool: &[&Certificate],
    anchor: &Certificate,
    at: der::DateTime,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Option<Vec<Certificate>> {
    let policy = &ctx.options.algorithm_policy;
    if issued_by(cert, anchor, policy) {
        return Some(vec![anchor.clone()]);
    }
    if depth >= MAX_SIGNER_PATH {
        return None;
    }
    for cand in pool {
        if *cand == cert
            || !is_ca_cert(cand)
            || key_usage(cand).is_some_and(|k| !k.0.contains(KeyUsages::KeyCertSign))
            || !within(cand, at)
            || !issued_by(cert, cand, policy)
        {
            continue;
        }
        if let Some(mut rest) = path_to_anchor(cand, pool, anchor, at, ctx, depth + 1) {
            rest.insert(0, (*cand).clone());
            return Some(rest);
        }
    }
    None
}

/// Find who signed `crl` and make sure it may: see the module documentation.
fn crl_signer(
    crl: &Crl,
    above: &[Certificate],
    ctx: &Ctx<'_>,
    visiting: &mut Vec<Certificate>,
) -> Result<Certificate, String> {
    let mut why = String::from("CRL signature does not verify with the key of its issuer");
    let named = |c: &&Certificate| NameKey::of(c.tbs_certificate().subject()) == crl.issuer;
    // A certificate of the validated path (the issuer, a rolled-over key, the anchor).
    for c in above.iter().filter(named) {
        if !can_sign_crl(c) {
            why = "CRL: the issuer's keyUsage lacks cRLSign".into();
            continue;
        }
        match crl.verify_with(c, ctx) {
            Ok(()) => return Ok(c.clone()),
            Err(e) => why = format!("CRL: {e}"),
        }
    }
    // A certificate whose status is being decided further up (its own CRL).
    for c in visiting.iter().filter(named) {
        if can_sign_crl(c) && crl.verify_with(c, ctx).is_ok() {
            return Ok(c.clone());
        }
    }
    // Another certificate: its own path to the same anchor, and its own status.
    let Some(anchor) = above.last() else {
        return Err(why);
    };
    let pool: Vec<&Certificate> = above.iter().chain(&ctx.data.certificates).collect();
    for d in ctx.data.certificates.iter().filter(named) {
        if !key_usage(d).is_some_and(|k| k.0.contains(KeyUsages::CRLSign)) {
            continue;
        }
        if crl.verify_with(d, ctx).is_err() {
            continue;
        }
        if !within(d, crl.this_update) {
            why = "CRL signer certificate not valid when the CRL was issued".into();
            continue;
        }
        if visiting.len() >= MAX_SIGNER_DEPTH {
            why = "CRL signer certificates nest too deep".into();
            continue;
        }
        let Some(path) = path_to_anchor(d, &pool, anchor, crl.this_update, ctx, 0) else {
            why = "no path from the CRL signer certificate to the trust anchor".into();
            continue;
        };
        // The signer and the certificates of its path not on the validated path.
        let mut chain = vec![d.clone()];
        chain.extend(path);
        let mut good = true;
        for k in 0..chain.len() - 1 {
            if above.contains(&chain[k]) {
                continue;
            }
            visiting.push(chain[k].clone());
            let (st, _, _) = status_of(&chain[k], &chain[k + 1..], true, ctx, visiting);
            visiting.pop();
            if st != CertStatus::Good {
                good = false;
                break;
            }
        }
        if good {
            return Ok(d.clone());
        }
        why = "CRL signer certificate is revoked or its status is unknown".into();
    }
    Err(why)
}

/// What one complete CRL (with its best delta, if any) says about `cert`.
pub(crate) struct CrlFinding {
    /// The status.
    pub status: CertStatus,
    /// The reasons the CRL covers (ReasonFlags bits).
    pub reasons: u16,
}

/// Evaluate every complete CRL of `ctx` for `cert` (`above`: its issuer first, the anchor
/// last). Returns the findings and why some CRLs were not used.
pub(crate) fn crl_findings(
    cert: &Certificate,
    above: &[Certificate],
    is_ca: bool,
    ctx: &Ctx<'_>,
    visiting: &mut Vec<Certificate>,
) -> (Vec<CrlFinding>, Vec<String>) {
    // The scope of onlyContainsCACerts/UserCerts follows the certificate's own cA flag.
    let is_ca = extensions::decode::<BasicConstraints>(cert, &OID_BC)
        .ok()
        .flatten()
        .map_or(is_ca, |b| b.ca);
    let cert_issuer = NameKey::of(cert.tbs_certificate().issuer());
    let mut found = Vec::new();
    let mut rejected = Vec::new();
    let mut deltas_seen = false;
    for parsed in &ctx.crls {
        let crl = match parsed {
            Ok(c) => c,
            Err(e) => {
                rejected.push(e.clone());
                continue;
            }
        };
        if crl.is_delta() {
            deltas_seen |= scope(crl, cert, is_ca) != 0;
            continue;
        }
        match complete_crl(crl, cert, &cert_issuer, above, is_ca, ctx, visiting) {
            Ok(Some(f)) => found.push(f),
            Ok(None) => {}
            Err(e) => rejected.push(e),
        }
    }
    if found.is_empty() && deltas_seen {
        rejected.push(
            "delta CRL without a usable complete CRL (a delta CRL is never used alone)".into(),
        );
    }
    (found, rejected)
}

fn complete_crl(
    crl: &Crl,
    cert: &Certificate,
    cert_issuer: &NameKey,
    above: &[Certificate],
    is_ca: bool,
    ctx: &Ctx<'_>,
    visiting: &mut Vec<Certificate>,
) -> Result<Option<CrlFinding>, String> {
    let reasons = scope(crl, cert, is_ca);
    if reasons == 0 {
        return Ok(None); // Another CA's CRL, or another partition: not an error.
    }
    if let Some(p) = &crl.problem {
        return Err(p.clone());
    }
    let number = crl.number.clone()?;
    let signer = crl_signer(crl, above, ctx, visiting)?;
    // The newest usable delta CRL that updates this one.
    let t = ctx.options.time;
    let delta = ctx
        .crls
        .iter()
        .flatten()
        .filter(|d| {
            d.is_delta()
                && d.problem.is_none()
                && d.issuer == crl.issuer
                && d.idp_der == crl.idp_der
                && d.base.as_ref().is_some_and(|b| uint_le(b, &number))
                && d.number
                    .as_ref()
                    .is_ok_and(|n| uint_le(&number, n) && number != *n)
                && d.usable_at(t)
                && d.verify_with(&signer, ctx).is_ok()
        })
        .max_by(|a, b| {
            let key = |c: &Crl| c.number.clone().unwrap_or_default();
            let (x, y) = (key(a), key(b));
            (x.len(), x).cmp(&(y.len(), y))
        });
    if delta.is_none() && !crl.usable_at(t) {
        return Err(crl.stale("CRL"));
    }
    let from_base = entry_status(crl, cert, cert_issuer)?.unwrap_or(CertStatus::Good);
    let from_delta = match delta {
        Some(d) => entry_status(d, cert, cert_issuer)?,
        None => None,
    };
    // The delta's entry overrides; its removeFromCRL (Good) lifts a hold, never a revocation.
    let status = match (from_delta, from_base) {
        (Some(CertStatus::Good), CertStatus::Revoked { .. }) | (None, _) => from_base,
        (Some(s), _) => s,
    };
    Ok(Some(CrlFinding { status, reasons }))
}
