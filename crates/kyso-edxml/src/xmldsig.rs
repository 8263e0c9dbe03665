//! The package's XML signature (W3C XMLDSig, as QCVN 102 uses it): an enveloped signature
//! whose references designate the whole package (`URI=""`) or an element of it by its `Id`,
//! with the enveloped-signature transform and exclusive (or inclusive) canonicalization, signed
//! with RSA PKCS#1 v1.5 or ECDSA over SHA-2.
//!
//! Canonicalization is `xml-sec`'s (the W3C algorithms, the hard part to get right); the
//! references' digests and the signature value are checked here, with kyso-policy's signature
//! primitives, so that the key, the algorithms and the signer's certificate pass the same
//! policy as every other signature kyso verifies. Anything outside this profile (XPath or
//! XSLT transforms, external or `#xpointer` references, HMAC, a `Manifest`) is reported as
//! not checked, never as valid.

use base64::Engine;
use const_oid::ObjectIdentifier;
use der::Decode;
use kyso_policy::algorithms::{DigestAlgorithm, verify_signature};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use xml_sec::c14n::{C14nAlgorithm, C14nMode, canonicalize};
use xml_sec::{XmlDomDocument as Document, XmlDomNode as Node};

use crate::envelope::Anchors;

/// The XMLDSig namespace.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const EXC_C14N_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// Canonicalization is done on a tree of the whole package: above this size the signature is
/// reported as not checked (the canonicalizer's own bound).
pub const MAX_SIGNED_PACKAGE: usize = 16 << 20;
/// More references than this in one signature is not a header signature.
const MAX_REFERENCES: usize = 16;

/// What the signature covers of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// The whole package, attachments included (`URI=""`).
    Package,
    /// The envelope or the header (a reference to its `Id`): not the encoded attachments.
    Header,
    /// Only other parts: the header is not signed.
    Other,
}

/// The checked signature: who signed and what it covers.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The certificate whose key verified the signature value.
    pub signer: Certificate,
    /// The other certificates of `KeyInfo` (to build the path).
    pub others: Vec<Certificate>,
    /// What the references cover.
    pub coverage: Coverage,
    /// The signature algorithm, as kyso-policy names it, for the algorithm policy.
    pub algorithm: kyso_policy::algorithms::AlgorithmUse,
}

/// Why a signature is not VALID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Outside the profile checked here: not checked, with why.
    NotChecked(String),
    /// Malformed (missing elements, bad base64, duplicate ids).
    Malformed(String),
    /// A reference's digest differs: the signed part was changed (its URI).
    Digest(String),
    /// The signature value does not verify with any certificate of `KeyInfo`.
    Value,
    /// `KeyInfo` holds no certificate.
    NoCertificate,
}

fn is_dsig(node: Node, local: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == local
        && node.tag_name().namespace() == Some(DSIG_NS)
}

fn dsig_child<'a, 'i>(node: Node<'a, 'i>, local: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is_dsig(*c, local))
}

fn text(node: Node) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

fn malformed(what: &str) -> Failure {
    Failure::Malformed(what.to_owned())
}

fn base64_value(node: Node, what: &str) -> Result<Vec<u8>, Failure> {
    let t: String = text(node).chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(t)
        .map_err(|_| Failure::Malformed(format!("{what} is not base64")))
}

/// Check every `ds:Signature` of the package `xml` (at least one is expected). Returns one
/// result per signature, in document order.
pub fn check_all(xml: &str, anchors: &Anchors) -> Vec<Result<Checked, Failure>> {
    if xml.len() > MAX_SIGNED_PACKAGE {
        return vec![Err(Failure::NotChecked(format!(
            "the package is {} bytes; XML signatures are checked up to {MAX_SIGNED_PACKAGE}",
            xml.len()
        )))];
    }
    let doc = match Document::parse(xml) {
        Ok(d) => d,
        Err(e) => return vec![Err(Failure::Malformed(e.to_string()))],
    };
    doc.descendants()
        .filter(|n| is_dsig(*n, "Signature"))
        // A signature inside another signature (in its Object) is not the package's.
        .filter(|n| !n.ancestors().skip(1).any(|a| is_dsig(a, "Signature")))
        .map(|sig| check_one(&doc, sig, anchors))
        .collect()
}

fn check_one(doc: &Document, sig: Node, anchors: &Anchors) -> Result<Checked, Failure> {
    let signed_info = dsig_child(sig, "SignedInfo").ok_or_else(|| malformed("no SignedInfo"))?;
    let c14n_el = dsig_child(signed_info, "CanonicalizationMethod")
        .ok_or_else(|| malformed("no CanonicalizationMethod"))?;
    let c14n = c14n_algorithm(c14n_el)?;
    let method = dsig_child(signed_info, "SignatureMethod")
        .and_then(|m| m.attribute("Algorithm"))
        .ok_or_else(|| malformed("no SignatureMethod"))?;
    let (sig_oid, digest, ecdsa) = signature_method(method)?;

    // Every reference must verify; what they designate gives the coverage.
    let references: Vec<Node> = signed_info
        .children()
        .filter(|c| is_dsig(*c, "Reference"))
        .collect();
    if references.is_empty() {
        return Err(malformed("no Reference"));
    }
    if references.len() > MAX_REFERENCES {
        return Err(malformed("too many references"));
    }
    let mut coverage = Coverage::Other;
    for reference in &references {
        let covered = check_reference(doc, sig, *reference, anchors)?;
        coverage = match (coverage, covered) {
            (Coverage::Package, _) | (_, Coverage::Package) => Coverage::Package,
            (Coverage::Header, _) | (_, Coverage::Header) => Coverage::Header,
            _ => Coverage::Other,
        };
    }

    // SignedInfo, canonicalized as a subtree, is what the key signed.
    let mut message = Vec::new();
    let within = |n: Node| n.ancestors().any(|a| a.id() == signed_info.id());
    let pred: &dyn Fn(Node) -> bool = &within;
    canonicalize(doc, Some(pred), &c14n, &mut message)
        .map_err(|e| Failure::Malformed(format!("SignedInfo cannot be canonicalized: {e}")))?;
    let value_el =
        dsig_child(sig, "SignatureValue").ok_or_else(|| malformed("no SignatureValue"))?;
    let mut value = base64_value(value_el, "SignatureValue")?;
    if ecdsa {
        value = kyso_policy::algorithms::ecdsa_raw_to_der(&value)
            .ok_or_else(|| malformed("ECDSA SignatureValue is not r||s"))?;
    }

    let certificates = key_info_certificates(sig)?;
    if certificates.is_empty() {
        return Err(Failure::NoCertificate);
    }
    let alg = AlgorithmIdentifierOwned {
        oid: sig_oid,
        parameters: None,
    };
    let digest_oid = digest.oid();
    for (i, cert) in certificates.iter().enumerate() {
        let spki = cert.tbs_certificate().subject_public_key_info();
        match verify_signature(spki, &alg, Some(&digest_oid), &message, &value) {
            Ok(check) if check.valid => {
                let mut others = certificates.clone();
                let signer = others.remove(i);
                return Ok(Checked {
                    signer,
                    others,
                    coverage,
                    algorithm: check.algorithm,
                });
            }
            Ok(_) => {}
            Err(e) => return Err(Failure::NotChecked(e.to_string())),
        }
    }
    Err(Failure::Value)
}

fn c14n_algorithm(method: Node) -> Result<C14nAlgorithm, Failure> {
    let uri = method
        .attribute("Algorithm")
        .ok_or_else(|| malformed("a canonicalization method without Algorithm"))?;
    let mut algo = C14nAlgorithm::from_uri(uri)
        .ok_or_else(|| Failure::NotChecked(format!("canonicalization {uri}")))?;
    if algo.mode() == C14nMode::Exclusive1_0
        && let Some(list) = method
            .children()
            .find(|c| {
                c.is_element()
                    && c.tag_name().name() == "InclusiveNamespaces"
                    && c.tag_name().namespace() == Some(EXC_C14N_NS)
            })
            .and_then(|c| c.attribute("PrefixList"))
    {
        algo = algo.with_prefix_list(list);
    }
    Ok(algo)
}

/// The signature algorithm's OID (as CMS names it), its digest, and whether it is ECDSA (whose
/// XML value is `r || s`, not DER).
fn signature_method(uri: &str) -> Result<(ObjectIdentifier, DigestAlgorithm, bool), Failure> {
    const MORE: &str = "http://www.w3.org/2001/04/xmldsig-more#";
    let name = uri
        .strip_prefix(MORE)
        .or_else(|| uri.strip_prefix(DSIG_NS))
        .unwrap_or(uri);
    let (oid, digest, ecdsa) = match name {
        "rsa-sha1" => ("1.2.840.113549.1.1.5", DigestAlgorithm::Sha1, false),
        "rsa-sha256" => ("1.2.840.113549.1.1.11", DigestAlgorithm::Sha256, false),
        "rsa-sha384" => ("1.2.840.113549.1.1.12", DigestAlgorithm::Sha384, false),
        "rsa-sha512" => ("1.2.840.113549.1.1.13", DigestAlgorithm::Sha512, false),
        "ecdsa-sha256" => ("1.2.840.10045.4.3.2", DigestAlgorithm::Sha256, true),
        "ecdsa-sha384" => ("1.2.840.10045.4.3.3", DigestAlgorithm::Sha384, true),
        _ => return Err(Failure::NotChecked(format!("signature method {uri}"))),
    };
    let oid = ObjectIdentifier::new(oid).map_err(|_| Failure::NotChecked(uri.to_owned()))?;
    Ok((oid, digest, ecdsa))
}

fn digest_method(uri: &str) -> Result<DigestAlgorithm, Failure> {
    Ok(match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" => DigestAlgorithm::Sha1,
        "http://www.w3.org/2001/04/xmlenc#sha256" => DigestAlgorithm::Sha256,
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => DigestAlgorithm::Sha384,
        "http://www.w3.org/2001/04/xmlenc#sha512" => DigestAlgorithm::Sha512,
        _ => return Err(Failure::NotChecked(format!("digest method {uri}"))),
    })
}

/// Check one reference's digest; return what it designates.
fn check_reference(
    doc: &Document,
    sig: Node,
    reference: Node,
    anchors: &Anchors,
) -> Result<Coverage, Failure> {
    let uri = reference
        .attribute("URI")
        .ok_or_else(|| Failure::NotChecked("a reference without URI".into()))?;
    if reference
        .attribute("Type")
        .is_some_and(|t| t.ends_with("#Manifest"))
    {
        return Err(Failure::NotChecked("a reference to a Manifest".into()));
    }
    // The designated element (None: the whole document, comments excluded).
    let target = match uri {
        "" => None,
        _ => {
            let id = uri
                .strip_prefix('#')
                .filter(|id| !id.is_empty() && !id.starts_with("xpointer("))
                .ok_or_else(|| Failure::NotChecked(format!("reference URI \"{uri}\"")))?;
            Some(element_by_id(doc, id)?)
        }
    };

    let mut enveloped = false;
    let mut c14n = C14nAlgorithm::new(C14nMode::Inclusive1_0, false);
    if let Some(transforms) = dsig_child(reference, "Transforms") {
        for t in transforms.children().filter(|c| is_dsig(*c, "Transform")) {
            let alg = t
                .attribute("Algorithm")
                .ok_or_else(|| malformed("a transform without Algorithm"))?;
            if alg == ENVELOPED {
                enveloped = true;
            } else {
                c14n = c14n_algorithm(t)?;
            }
        }
    }
    let method = dsig_child(reference, "DigestMethod")
        .and_then(|m| m.attribute("Algorithm"))
        .ok_or_else(|| malformed("a reference without DigestMethod"))?;
    let digest = digest_method(method)?;
    let expected = base64_value(
        dsig_child(reference, "DigestValue").ok_or_else(|| malformed("no DigestValue"))?,
        "DigestValue",
    )?;

    let target_id = target.map(|t| t.id());
    let sig_id = sig.id();
    let select = |n: Node| {
        // Same-document references leave comments out (XMLDSig §4.4.3.3).
        if n.is_comment() {
            return false;
        }
        let mut in_target = target_id.is_none();
        for a in n.ancestors() {
            if enveloped && a.id() == sig_id {
                return false;
            }
            if Some(a.id()) == target_id {
                in_target = true;
            }
        }
        in_target
    };
    let pred: &dyn Fn(Node) -> bool = &select;
    let mut octets = Vec::new();
    canonicalize(doc, Some(pred), &c14n, &mut octets).map_err(|e| {
        Failure::Malformed(format!("reference \"{uri}\" cannot be canonicalized: {e}"))
    })?;
    if digest.hash(&octets) != expected {
        return Err(Failure::Digest(uri.to_owned()));
    }
    Ok(match target {
        None => Coverage::Package,
        Some(t) => {
            let start = t.range().start;
            if start == anchors.root || start == anchors.envelope || start == anchors.header {
                Coverage::Header
            } else {
                Coverage::Other
            }
        }
    })
}

/// The one element whose `Id`, `ID` or `id` attribute is `id`. Two such elements make the
/// reference ambiguous (the signature-wrapping attack): malformed.
fn element_by_id<'a, 'i>(doc: &'a Document<'i>, id: &str) -> Result<Node<'a, 'i>, Failure> {
    let mut found = doc.descendants().filter(|n| {
        n.is_element()
            && n.attributes().any(|a| {
                a.namespace().is_none() && matches!(a.name(), "Id" | "ID" | "id") && a.value() == id
            })
    });
    let first = found
        .next()
        .ok_or_else(|| Failure::Malformed(format!("no element has the Id \"{id}\"")))?;
    if found.next().is_some() {
        return Err(Failure::Malformed(format!(
            "several elements have the Id \"{id}\""
        )));
    }
    Ok(first)
}

/// The certificates of `KeyInfo/X509Data/X509Certificate`.
fn key_info_certificates(sig: Node) -> Result<Vec<Certificate>, Failure> {
    let Some(key_info) = dsig_child(sig, "KeyInfo") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for data in key_info.children().filter(|c| is_dsig(*c, "X509Data")) {
        for c in data
            .children()
            .filter(|c| is_dsig(*c, "X509Certificate"))
            .take(16)
        {
            let der = base64_value(c, "X509Certificate")?;
            let cert = Certificate::from_der(&der)
                .map_err(|e| Failure::Malformed(format!("X509Certificate: {e}")))?;
            out.push(cert);
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_package_over_the_canonicalizer_bound_is_not_checked() {
        let big = format!("<e>{}</e>", "A".repeat(MAX_SIGNED_PACKAGE));
        let got = check_all(&big, &Anchors::default());
        assert!(matches!(got.as_slice(), [Err(Failure::NotChecked(_))]));
    }

    #[test]
    fn algorithms_outside_the_profile_are_not_checked() {
        assert!(matches!(
            signature_method("http://www.w3.org/2000/09/xmldsig#hmac-sha1"),
            Err(Failure::NotChecked(_))
        ));
        assert!(matches!(
            digest_method("http://www.w3.org/2001/04/xmldsig-more#md5"),
            Err(Failure::NotChecked(_))
        ));
        let (oid, digest, ecdsa) =
            signature_method("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256").unwrap();
        assert_eq!(oid.to_string(), "1.2.840.113549.1.1.11");
        assert_eq!((digest, ecdsa), (DigestAlgorithm::Sha256, false));
    }
}
