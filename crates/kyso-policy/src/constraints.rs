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
//! Other forms (otherName, x400, ediParty, registeredID) in a constraint do not restrict
//! names (no name of that form is compared).

use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{NameConstraints, SubjectAltName};
use x509_cert::name::Name;

use crate::names::NameKey;

const OID_NC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.30");
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_EMAIL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

/// A name-constraints violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Index of the constrained certificate in the path (0 = leaf).
    pub index: usize,
    /// Index of the CA whose constraint was violated.
    pub ca_index: usize,
    /// The offending name, for the reason text.
    pub name: String,
    /// `true` when the name is excluded, `false` when it is outside the permitted subtrees.
    pub excluded: bool,
}

/// The `nameConstraints` of `cert`, `Err` when present but unreadable.
pub fn name_constraints(cert: &Certificate) -> Result<Option<NameConstraints>, der::Error> {
    let Some(ext) = cert
        .tbs_certificate()
        .extensions()
        .and_then(|e| e.iter().find(|e| e.extn_id == OID_NC))
    else {
        return Ok(None);
    };
    NameConstraints::from_der(ext.extn_value.as_bytes()).map(Some)
}

/// The subjectAltName entries of `cert`, `Err` when present but unreadable.
pub fn subject_alt_names(cert: &Certificate) -> Result<Vec<GeneralName>, der::Error> {
    let Some(ext) = cert
        .tbs_certificate()
        .extensions()
        .and_then(|e| e.iter().find(|e| e.extn_id == OID_SAN))
    else {
        return Ok(Vec::new());
    };
    SubjectAltName::from_der(ext.extn_value.as_bytes()).map(|s| s.0)
}

/// Check `path` (leaf first, anchor last; the anchor's constraints apply too).
pub fn check_path(path: &[&Certificate]) -> Vec<Violation> {
    let mut out = Vec::new();
    let n = path.len();
    for (ca_index, ca) in path.iter().enumerate().skip(1) {
        let Ok(Some(nc)) = name_constraints(ca) else {
            continue;
        };
        for (index, cert) in path.iter().enumerate().take(ca_index) {
            let self_issued_intermediate = index > 0
                && crate::names::names_match(
                    cert.tbs_certificate().subject(),
                    cert.tbs_certificate().issuer(),
                );
            // A self-issued intermediate is not subject to the constraints (§6.1.4 (b)); the
            // leaf always is.
            if self_issued_intermediate && index + 1 < n {
                continue;
            }
            for name in names_of(cert) {
                if let Some(excluded) = violates(&nc, &name) {
                    out.push(Violation {
                        index,
                        ca_index,
                        name: show(&name),
                        excluded,
                    });
                }
            }
        }
    }
    out
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

/// `Some(true)` if `name` is excluded, `Some(false)` if outside the permitted subtrees of its
/// form, `None` if allowed.
fn violates(nc: &NameConstraints, name: &GeneralName) -> Option<bool> {
    if let Some(excluded) = &nc.excluded_subtrees
        && excluded
            .iter()
            .any(|s| same_form(&s.base, name) && matches(&s.base, name))
    {
        return Some(true);
    }
    if let Some(permitted) = &nc.permitted_subtrees {
        let of_form: Vec<_> = permitted
            .iter()
            .filter(|s| same_form(&s.base, name))
            .collect();
        if !of_form.is_empty() && !of_form.iter().any(|s| matches(&s.base, name)) {
            return Some(false);
        }
    }
    None
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
}
