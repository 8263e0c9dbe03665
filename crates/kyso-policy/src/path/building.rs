//! Building candidate paths: the certificates as graph nodes (names, key identifiers) and the
//! depth-first search from the leaf to a trust anchor, bounded by [`super::PathOptions`].

use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};

use super::{OID_AKI, OID_SKI, PathOptions};
use crate::extensions;
use crate::names::NameKey;
use crate::trust::StoredCertificate;

pub(super) struct Node<'a> {
    pub(super) stored: &'a StoredCertificate,
    pub(super) subject: NameKey,
    pub(super) issuer: NameKey,
    pub(super) ski: Option<Vec<u8>>,
    pub(super) aki: Option<Vec<u8>>,
    pub(super) anchor: bool,
}

pub(super) fn make_node<'a>(stored: &'a StoredCertificate, anchor: bool) -> Node<'a> {
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
pub(super) fn tbs_bytes(der_bytes: &[u8]) -> Option<&[u8]> {
    let hdr = header_len(der_bytes)?;
    let rest = der_bytes.get(hdr..)?;
    let len = crate::trust::tlv_len(rest).ok()?;
    rest.get(..len)
}

pub(super) fn header_len(bytes: &[u8]) -> Option<usize> {
    let l = *bytes.get(1)?;
    if l < 0x80 {
        Some(2)
    } else {
        Some(2 + (l & 0x7f) as usize)
    }
}

pub(super) struct Builder<'p, 'a> {
    pub(super) pool: &'p [Node<'a>],
    pub(super) options: &'p PathOptions,
    pub(super) work: usize,
    /// Whether `max_work` stopped the search.
    pub(super) exhausted: bool,
    /// Complete chains as pool indices (issuer of the leaf first, anchor last).
    pub(super) complete: Vec<Vec<usize>>,
    pub(super) longest_partial: Vec<usize>,
}

impl Builder<'_, '_> {
    pub(super) fn extend(&mut self, current: &Node<'_>, stack: &mut Vec<usize>) {
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

pub(super) fn is_self_issued(n: &Node<'_>) -> bool {
    n.subject == n.issuer
}
