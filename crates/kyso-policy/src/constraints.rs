//! Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c), §6.1.4 (g)).
//!
//! Instead of intersecting subtrees as the algorithm of §6.1 describes, every CA's
//! `nameConstraints` on the path (the anchor's included) is applied on its own to every
//! certificate below it: a name of a type the CA constrains must lie in one of its permitted
//! subtrees of that type, and in none of its excluded ones. This is equivalent and keeps the
//! reason specific (which CA, which name).
//!
//! Names checked: the subject DN (directoryName) unless empty or the certificate is a
//! self-issued intermediate, the subjectAltName entries, and — when the certificate has no
//! rfc822Name SAN — the `emailAddress` attributes of the subject (as rfc822Name).
//! Forms: directoryName (RDN prefix, RDNs matched as RFC 5280 §7.1 requires), rfc822Name (mailbox, host, `.domain`),
//! dNSName (label suffix), URI (host; `.domain` for subdomains), iPAddress (address/mask).
//! Other forms (otherName, x400, ediParty, registeredID) are not processed: when a CA
//! constrains such a form and a certificate below carries a name of it, the certificate is
//! rejected (RFC 5280 §4.2.1.10). A name of a constrained form must be well formed to be
//! compared (dNSName labels, one `@` in a mailbox, a 4- or 16-byte address), and a wildcard
//! dNSName that might match an excluded name is excluded. The constraints themselves must be
//! well formed ([`check_constraint_syntax`]). The work is bounded by
//! [`MAX_NAME_CONSTRAINT_CHECKS`].

use const_oid::ObjectIdentifier;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{NameConstraints, SubjectAltName};
use x509_cert::name::Name;

use crate::names::NameKey;

const OID_NC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.30");
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_EMAIL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

/// How a name fails a CA's name constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    /// The name lies in an excluded subtree (for a wildcard dNSName: it may match one).
    Excluded,
    /// The name lies outside the permitted subtrees of its form.
    NotPermitted,
    /// The name is malformed (a dNSName, rfc822Name or iPAddress of bad syntax), so it cannot be
    /// shown to lie within the constraints of its form.
    Malformed,
    /// The CA constrains a name form that is not processed (otherName, x400Address,
    /// ediPartyName, registeredID) and the certificate has a name of that form (RFC 5280
    /// §4.2.1.10: process the constraint or reject the certificate).
    Unsupported,
}

/// A name-constraints violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Index of the constrained certificate in the path (0 = leaf).
    pub index: usize,
    /// Index of the CA whose constraint was violated.
    pub ca_index: usize,
    /// The offending name, for the reason text.
    pub name: String,
    /// What is wrong.
    pub kind: ViolationKind,
}

/// At most this many name comparisons (each name of a certificate, a directoryName counting
/// once per RDN, times each subtree of a CA's nameConstraints, summed over the path) are done;
/// a path asking for more is refused before any is done. Bounded work on hostile input: a CA
/// with thousands of subtrees over a certificate with thousands of names (x509-limbo
/// `pathological::nc-dos-*`, OpenSSL's many-names tests) would otherwise cost millions of
/// comparisons. The value is Go `crypto/x509`'s (`maxConstraintComparisons`); real paths use a
/// few hundred at most (the Government CA's certificates have no name constraints).
pub const MAX_NAME_CONSTRAINT_CHECKS: usize = 250_000;

/// A path whose name constraints would need more work than the budget allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetExceeded {
    /// Comparisons the path would need.
    pub needed: usize,
    /// The budget ([`MAX_NAME_CONSTRAINT_CHECKS`]).
    pub budget: usize,
}

/// The `nameConstraints` of `cert`, `Err` when present but unreadable.
pub fn name_constraints(cert: &Certificate) -> Result<Option<NameConstraints>, der::Error> {
    crate::extensions::decode(cert, &OID_NC)
}

/// The subjectAltName entries of `cert`, `Err` when present but unreadable.
pub fn subject_alt_names(cert: &Certificate) -> Result<Vec<GeneralName>, der::Error> {
    crate::extensions::decode::<SubjectAltName>(cert, &OID_SAN)
        .map(|s| s.map(|s| s.0).unwrap_or_default())
}

/// Check `path` (leaf first, anchor last; the anchor's constraints apply too), refusing a
/// path whose checks would exceed [`MAX_NAME_CONSTRAINT_CHECKS`].
pub fn check_path(path: &[&Certificate]) -> Result<Vec<Violation>, BudgetExceeded> {
    check_path_within(path, MAX_NAME_CONSTRAINT_CHECKS)
}

/// [`check_path`] with another budget.
pub fn check_path_within(
    path: &[&Certificate],
    budget: usize,
) -> Result<Vec<Violation>, BudgetExceeded> {
    let n = path.len();
    // The names each certificate is checked with (None: not subject to constraints).
    let names: Vec<Option<Vec<GeneralName>>> = path
        .iter()
        .enumerate()
        .map(|(index, cert)| {
            let self_issued = crate::names::names_match(
                cert.tbs_certificate().subject(),
                cert.tbs_certificate().issuer(),
            );
            // A self-issued intermediate is not subject to the constraints (§6.1.4 (b)); the
            // leaf always is.
            (!(index > 0 && self_issued && index + 1 < n)).then(|| names_of(cert))
        })
        .collect();
    let constraints: Vec<Option<NameConstraints>> = path
        .iter()
        .map(|ca| name_constraints(ca).ok().flatten())
        .collect();
    // The work, counted before any is done.
    let mut needed = 0usize;
    for (ca_index, nc) in constraints.iter().enumerate().skip(1) {
        let Some(nc) = nc else { continue };
        let subtrees = nc.permitted_subtrees.as_ref().map_or(0, Vec::len)
            + nc.excluded_subtrees.as_ref().map_or(0, Vec::len);
        let weight: usize = names[..ca_index]
            .iter()
            .flatten()
            .flatten()
            .map(name_weight)
            .sum();
        needed = needed.saturating_add(subtrees.saturating_mul(weight));
    }
    if needed > budget {
        return Err(BudgetExceeded { needed, budget });
    }
    let mut out = Vec::new();
    for (ca_index, nc) in constraints.iter().enumerate().skip(1) {
        let Some(nc) = nc else { continue };
        for (index, list) in names.iter().enumerate().take(ca_index) {
            for name in list.iter().flatten() {
                if let Some(kind) = violates(nc, name) {
                    out.push(Violation {
                        index,
                        ca_index,
                        name: show(name),
                        kind,
                    });
                }
            }
        }
    }
    Ok(out)
}

fn name_weight(name: &GeneralName) -> usize {
    match name {
        GeneralName::DirectoryName(n) => n.len().max(1),
        _ => 1,
    }
}

/// Whether the constraints themselves are well formed: an iPAddress subtree is an address and
/// a contiguous mask (8 bytes for IPv4, 32 for IPv6, RFC 5280 §4.2.1.10); a dNSName subtree
/// has no leading period (that syntax is the URI and rfc822Name forms'). `Err` says which.
pub fn check_constraint_syntax(nc: &NameConstraints) -> Result<(), String> {
    let all = nc
        .permitted_subtrees
        .iter()
        .flatten()
        .chain(nc.excluded_subtrees.iter().flatten());
    for subtree in all {
        match &subtree.base {
            GeneralName::IpAddress(o) => {
                let b = o.as_bytes();
                if b.len() != 8 && b.len() != 32 {
                    return Err(format!(
                        "iPAddress constraint of {} bytes (an address and a mask: 8 or 32)",
                        b.len()
                    ));
                }
                let mask = &b[b.len() / 2..];
                let bits: Vec<bool> = mask
                    .iter()
                    .flat_map(|m| (0..8).rev().map(move |i| m >> i & 1 == 1))
                    .collect();
                if bits.windows(2).any(|w| !w[0] && w[1]) {
                    return Err("iPAddress constraint with a non-contiguous mask".into());
                }
            }
            GeneralName::DnsName(d) if d.as_str().starts_with('.') => {
                return Err(format!(
                    "dNSName constraint \"{}\" with a leading period",
                    d.as_str()
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn names_of(cert: &Certificate) -> Vec<GeneralName> {
    let mut names = Vec::new();
    let subject = cert.tbs_certificate().subject();
    if !subject.is_empty() {
        names.push(GeneralName::DirectoryName(subject.clone()));
    }
    let sans = subject_alt_names(cert).unwrap_or_default();
    let has_email_san = sans.iter().any(|n| matches!(n, GeneralName::Rfc822Name(_)));
    if !has_email_san {
        for atv in subject.iter().filter(|a| a.oid == OID_EMAIL) {
            if let Ok(s) = der::asn1::Ia5StringRef::try_from(&atv.value)
                && let Ok(owned) = der::asn1::Ia5String::new(s.as_str())
            {
                names.push(GeneralName::Rfc822Name(owned));
            }
        }
    }
    names.extend(sans);
    names
}

fn show(name: &GeneralName) -> String {
    match name {
        GeneralName::DirectoryName(n) => crate::subject::format_name(n),
        GeneralName::Rfc822Name(s) => format!("email:{}", s.as_str()),
        GeneralName::DnsName(s) => format!("DNS:{}", s.as_str()),
        GeneralName::UniformResourceIdentifier(s) => format!("URI:{}", s.as_str()),
        GeneralName::IpAddress(o) => format!("IP:{}", crate::subject::hex_upper(o.as_bytes())),
        _ => "(other name)".into(),
    }
}

/// How `name` fails `nc`, `None` if it is allowed.
fn violates(nc: &NameConstraints, name: &GeneralName) -> Option<ViolationKind> {
    let subtrees = || {
        nc.permitted_subtrees
            .iter()
            .flatten()
            .chain(nc.excluded_subtrees.iter().flatten())
    };
    // A constrained form must be processed: either it is, or the certificate is rejected.
    let constrained = subtrees().any(|s| discriminant(&s.base) == discriminant(name));
    if !constrained {
        return None;
    }
    if !processed_form(name) {
        return Some(ViolationKind::Unsupported);
    }
    if !well_formed(name) {
        return Some(ViolationKind::Malformed);
    }
    if let Some(excluded) = &nc.excluded_subtrees
        && excluded.iter().any(|s| {
            same_form(&s.base, name) && (matches(&s.base, name) || wildcard_reaches(&s.base, name))
        })
    {
        return Some(ViolationKind::Excluded);
    }
    if let Some(permitted) = &nc.permitted_subtrees {
        let of_form: Vec<_> = permitted
            .iter()
            .filter(|s| same_form(&s.base, name))
            .collect();
        if !of_form.is_empty() && !of_form.iter().any(|s| matches(&s.base, name)) {
            return Some(ViolationKind::NotPermitted);
        }
    }
    None
}

fn discriminant(n: &GeneralName) -> std::mem::Discriminant<GeneralName> {
    std::mem::discriminant(n)
}

/// The forms whose constraints are processed.
fn processed_form(n: &GeneralName) -> bool {
    matches!(
        n,
        GeneralName::DirectoryName(_)
            | GeneralName::Rfc822Name(_)
            | GeneralName::DnsName(_)
            | GeneralName::UniformResourceIdentifier(_)
            | GeneralName::IpAddress(_)
    )
}

/// The syntax a constrained name must have to be compared: a dNSName of non-empty labels
/// (a leading `*.` wildcard label allowed), a mailbox with one unquoted `@` and a domain, an
/// IPv4 or IPv6 address (4 or 16 bytes, not an address with a mask).
fn well_formed(n: &GeneralName) -> bool {
    match n {
        GeneralName::DnsName(d) => {
            let d = d.as_str();
            let d = d.strip_prefix("*.").unwrap_or(d);
            let d = d.strip_suffix('.').unwrap_or(d);
            !d.is_empty() && d.split('.').all(|l| !l.is_empty() && !l.contains('*'))
        }
        GeneralName::Rfc822Name(m) => {
            let Some((local, domain)) = m.as_str().rsplit_once('@') else {
                return false;
            };
            let quoted = local.len() >= 2 && local.starts_with('"') && local.ends_with('"');
            !local.is_empty()
                && (quoted || !local.contains('@'))
                && !domain.is_empty()
                && !domain.starts_with('.')
                && domain.split('.').all(|l| !l.is_empty())
        }
        GeneralName::IpAddress(o) => matches!(o.as_bytes().len(), 4 | 16),
        _ => true,
    }
}

/// Whether a wildcard dNSName (`*.example.com`) may stand for a name in the excluded subtree
/// `c` (`bar.example.com`): a wildcard matches one more label, so it reaches every subtree one
/// label below its base. Certificates name constraints were written for literal names; a
/// wildcard that might match an excluded name is treated as excluded (CVE-2025-61727).
fn wildcard_reaches(c: &GeneralName, n: &GeneralName) -> bool {
    let (GeneralName::DnsName(c), GeneralName::DnsName(n)) = (c, n) else {
        return false;
    };
    let Some(base) = n.as_str().strip_prefix("*.") else {
        return false;
    };
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    let c = c
        .as_str()
        .trim_start_matches('.')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    c.strip_suffix(&base)
        .and_then(|head| head.strip_suffix('.'))
        .is_some_and(|label| !label.is_empty() && !label.contains('.'))
}

fn same_form(a: &GeneralName, b: &GeneralName) -> bool {
    match (a, b) {
        (GeneralName::IpAddress(x), GeneralName::IpAddress(y)) => {
            // IPv4 constraints (8 bytes) apply to IPv4 names (4), IPv6 (32) to IPv6 (16).
            x.as_bytes().len() == 2 * y.as_bytes().len()
        }
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

fn matches(constraint: &GeneralName, name: &GeneralName) -> bool {
    match (constraint, name) {
        (GeneralName::DirectoryName(c), GeneralName::DirectoryName(n)) => dn_within(c, n),
        (GeneralName::Rfc822Name(c), GeneralName::Rfc822Name(n)) => {
            email_within(c.as_str(), n.as_str())
        }
        (GeneralName::DnsName(c), GeneralName::DnsName(n)) => dns_within(c.as_str(), n.as_str()),
        (GeneralName::UniformResourceIdentifier(c), GeneralName::UniformResourceIdentifier(n)) => {
            uri_host(n.as_str()).is_some_and(|h| host_within(c.as_str(), &h))
        }
        (GeneralName::IpAddress(c), GeneralName::IpAddress(n)) => {
            let (c, n) = (c.as_bytes(), n.as_bytes());
            let (addr, mask) = c.split_at(n.len());
            n.iter()
                .zip(addr)
                .zip(mask)
                .all(|((x, a), m)| x & m == a & m)
        }
        _ => false,
    }
}

/// The constraint's RDNs are a prefix of the name's (RDNs compared as RFC 5280 §7.1 requires,
/// see [`crate::names`]).
fn dn_within(c: &Name, n: &Name) -> bool {
    NameKey::of(c).is_prefix_of(&NameKey::of(n))
}

fn email_within(c: &str, n: &str) -> bool {
    let Some((local, host)) = n.rsplit_once('@') else {
        return false;
    };
    if let Some((c_local, c_host)) = c.rsplit_once('@') {
        // A whole mailbox.
        return c_local == local && c_host.eq_ignore_ascii_case(host);
    }
    host_within(c, host)
}

/// A host constraint: `.example.com` means any subdomain, `example.com` that host only.
fn host_within(c: &str, host: &str) -> bool {
    let (c, host) = (c.to_ascii_lowercase(), host.to_ascii_lowercase());
    if c.starts_with('.') {
        host.ends_with(&c)
    } else {
        host == c
    }
}

/// A dNSName constraint: the name itself or any name below it (empty: every name).
fn dns_within(c: &str, n: &str) -> bool {
    let (c, n) = (
        c.trim_end_matches('.').to_ascii_lowercase(),
        n.trim_end_matches('.').to_ascii_lowercase(),
    );
    if c.is_empty() {
        return true;
    }
    if let Some(rest) = c.strip_prefix('.') {
        return n.ends_with(&format!(".{rest}"));
    }
    n == c || n.ends_with(&format!(".{c}"))
}

fn uri_host(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn host_forms() {
        assert!(dns_within("example.com", "a.example.com"));
        assert!(dns_within("example.com", "example.com"));
        assert!(!dns_within("example.com", "badexample.com"));
        assert!(email_within("example.com", "x@example.com"));
        assert!(!email_within("example.com", "x@a.example.com"));
        assert!(email_within(".example.com", "x@a.example.com"));
        assert!(email_within("x@example.com", "x@EXAMPLE.com"));
        assert!(!email_within("x@example.com", "y@example.com"));
        assert_eq!(
            uri_host("http://u@a.example.com:80/x").as_deref(),
            Some("a.example.com")
        );
    }

    fn dns(s: &str) -> GeneralName {
        GeneralName::DnsName(der::asn1::Ia5String::new(s).unwrap())
    }

    fn email(s: &str) -> GeneralName {
        GeneralName::Rfc822Name(der::asn1::Ia5String::new(s).unwrap())
    }

    #[test]
    fn wildcards_reach_one_label_below() {
        assert!(wildcard_reaches(
            &dns("bar.example.com"),
            &dns("*.example.com")
        ));
        assert!(wildcard_reaches(
            &dns("BAR.example.com."),
            &dns("*.Example.com")
        ));
        assert!(!wildcard_reaches(
            &dns("x.bar.example.com"),
            &dns("*.example.com")
        ));
        assert!(!wildcard_reaches(
            &dns("bar.example.org"),
            &dns("*.example.com")
        ));
        assert!(!wildcard_reaches(
            &dns("bar.example.com"),
            &dns("foo.example.com")
        ));
    }

    #[test]
    fn constrained_names_must_be_well_formed() {
        assert!(well_formed(&dns("a.example.com")));
        assert!(well_formed(&dns("*.example.com")));
        assert!(!well_formed(&dns(".example.com")));
        assert!(!well_formed(&dns("a..example.com")));
        assert!(well_formed(&email("x@example.com")));
        assert!(well_formed(&email("\"a@b\"@example.com")));
        assert!(!well_formed(&email("invalid@address@example.com")));
        assert!(!well_formed(&email("@example.com")));
        let ip = |b: &[u8]| GeneralName::IpAddress(der::asn1::OctetString::new(b).unwrap());
        assert!(well_formed(&ip(&[192, 0, 2, 1])));
        assert!(!well_formed(&ip(&[192, 0, 2, 0, 255, 255, 255, 0])));
    }
}
