//! The trust store: configured trust anchors and known intermediates, from bytes.
//!
//! Input may be PEM (one or many `CERTIFICATE`, `X509 CERTIFICATE`, `TRUSTED CERTIFICATE` or
//! `PKCS7` blocks), a single DER certificate, or a PKCS#7 / CMS certs-only bundle (`.p7b`,
//! `.p7c`: a `SignedData` whose `certificates` field carries the certificates).
//!
//! Anchors and intermediates are kept apart: an intermediate never becomes trusted by being
//! present — it only helps to build a path to an anchor. Loading files or directories is done by
//! the facade crate; this crate only sees bytes (it also builds for `wasm32-unknown-unknown`).

use der::{Decode, Encode};
use x509_cert::Certificate;

use crate::error::PolicyError;

/// A certificate together with the DER it was read from (used to check signatures over the
/// exact bytes that were signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCertificate {
    /// The parsed certificate.
    pub certificate: Certificate,
    /// Its DER encoding as received.
    pub der: Vec<u8>,
}

impl StoredCertificate {
    /// Parse one DER certificate, keeping its bytes.
    ///
    /// A `notBefore` before 1970 (e.g. UTCTime `50…`, 1950, which RFC 5280 allows) cannot be
    /// represented by `der::DateTime`; such a certificate is read with its `notBefore` taken as
    /// 1970-01-01T00:00:00Z (the value is patched in a copy used only for decoding). Every validation time is a
    /// `der::DateTime`, hence at or after 1970, so "not yet valid" is decided exactly as with
    /// the real date; signatures are checked over [`StoredCertificate::der`], the bytes as
    /// received, never over a re-encoding. A `notAfter` before 1970 is not read (such a
    /// certificate has expired at every representable time).
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, PolicyError> {
        let certificate = match Certificate::from_der(der_bytes) {
            Ok(c) => c,
            Err(e) => clamp_early_not_before(der_bytes)
                .and_then(|patched| Certificate::from_der(&patched).ok())
                .ok_or_else(|| PolicyError::der("certificate", 0, e))?,
        };
        Ok(Self {
            certificate,
            der: der_bytes.to_vec(),
        })
    }

    /// Wrap an already parsed certificate (its DER is re-encoded).
    pub fn from_certificate(certificate: Certificate) -> Result<Self, PolicyError> {
        let der = certificate
            .to_der()
            .map_err(|e| PolicyError::der("certificate", 0, e))?;
        Ok(Self { certificate, der })
    }
}

/// Trust anchors (trusted by configuration) and known intermediates (untrusted helpers).
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<StoredCertificate>,
    intermediates: Vec<StoredCertificate>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add trust anchors from bytes (PEM, DER or PKCS#7). Returns how many were new.
    pub fn add_anchors(&mut self, bytes: &[u8]) -> Result<usize, PolicyError> {
        let certs = parse_certificates(bytes)?;
        Ok(certs
            .into_iter()
            .filter(|c| push_unique(&mut self.anchors, c.clone()))
            .count())
    }

    /// Add known intermediates from bytes (PEM, DER or PKCS#7). Returns how many were new.
    pub fn add_intermediates(&mut self, bytes: &[u8]) -> Result<usize, PolicyError> {
        let certs = parse_certificates(bytes)?;
        Ok(certs
            .into_iter()
            .filter(|c| push_unique(&mut self.intermediates, c.clone()))
            .count())
    }

    /// Add one parsed certificate as a trust anchor.
    pub fn add_anchor(&mut self, cert: Certificate) -> Result<bool, PolicyError> {
        Ok(push_unique(
            &mut self.anchors,
            StoredCertificate::from_certificate(cert)?,
        ))
    }

    /// Add one parsed certificate as a known intermediate.
    pub fn add_intermediate(&mut self, cert: Certificate) -> Result<bool, PolicyError> {
        Ok(push_unique(
            &mut self.intermediates,
            StoredCertificate::from_certificate(cert)?,
        ))
    }

    /// The trust anchors.
    pub fn anchors(&self) -> &[StoredCertificate] {
        &self.anchors
    }

    /// The known intermediates.
    pub fn intermediates(&self) -> &[StoredCertificate] {
        &self.intermediates
    }

    /// Whether `cert` is a configured anchor: same DER, or same subject and public key.
    pub fn is_anchor(&self, cert: &Certificate) -> bool {
        self.anchors
            .iter()
            .any(|a| same_entity(&a.certificate, cert))
    }
}

fn push_unique(list: &mut Vec<StoredCertificate>, c: StoredCertificate) -> bool {
    if list.iter().any(|x| x.der == c.der) {
        false
    } else {
        list.push(c);
        true
    }
}

/// Same subject name and same public key (a re-issued self-signed root counts as the anchor).
pub(crate) fn same_entity(a: &Certificate, b: &Certificate) -> bool {
    let (ta, tb) = (a.tbs_certificate(), b.tbs_certificate());
    ta.subject_public_key_info() == tb.subject_public_key_info()
        && crate::names::names_match(ta.subject(), tb.subject())
}

/// Parse certificates from PEM (one or many blocks), a DER certificate, or a PKCS#7 certs-only
/// bundle (DER or inside PEM `PKCS7` blocks).
pub fn parse_certificates(bytes: &[u8]) -> Result<Vec<StoredCertificate>, PolicyError> {
    if contains(bytes, b"-----BEGIN ") {
        return parse_pem(bytes);
    }
    let body = strip_trailing_zeros(bytes);
    match StoredCertificate::from_der(body) {
        Ok(c) => Ok(vec![c]),
        Err(cert_err) => match parse_pkcs7(body) {
            Ok(v) => Ok(v),
            Err(_) => Err(cert_err),
        },
    }
}

fn strip_trailing_zeros(bytes: &[u8]) -> &[u8] {
    // A DER object's own length tells where it ends; use it to drop zero padding.
    if let Ok(len) = tlv_len(bytes)
        && len <= bytes.len()
        && bytes[len..].iter().all(|b| *b == 0)
    {
        return &bytes[..len];
    }
    bytes
}

/// A copy of a certificate's DER whose `notBefore`, when it lies before 1970, reads
/// 1970-01-01T00:00:00Z instead (`None` when it does not or the DER is not understood). The
/// replacement has the same length (UTCTime `700101000000Z`, GeneralizedTime
/// `19700101000000Z`), so no length changes; the copy is only decoded, never verified.
pub(crate) fn clamp_early_not_before(der_bytes: &[u8]) -> Option<Vec<u8>> {
    // Certificate SEQUENCE → TBSCertificate SEQUENCE → fields.
    let (cert_hdr, _) = header(der_bytes, 0x30)?;
    let tbs_start = cert_hdr;
    let (tbs_hdr, _) = header(der_bytes.get(tbs_start..)?, 0x30)?;
    let mut pos = tbs_start + tbs_hdr;
    // [0] version (optional), serialNumber, signature, issuer.
    if der_bytes.get(pos) == Some(&0xa0) {
        pos += tlv_len(der_bytes.get(pos..)?).ok()?;
    }
    for tag in [0x02, 0x30, 0x30] {
        if *der_bytes.get(pos)? != tag {
            return None;
        }
        pos += tlv_len(der_bytes.get(pos..)?).ok()?;
    }
    // validity SEQUENCE { notBefore, notAfter }.
    let (validity_hdr, _) = header(der_bytes.get(pos..)?, 0x30)?;
    let nb = pos + validity_hdr;
    let tag = *der_bytes.get(nb)?;
    let len = usize::from(*der_bytes.get(nb + 1)?);
    let value = der_bytes.get(nb + 2..nb + 2 + len)?;
    let replacement: &[u8] = match (tag, len) {
        // UTCTime YYMMDDHHMMSSZ: YY 50–69 is 1950–1969.
        (0x17, 13) if matches!(value.get(..2)?, [b'5' | b'6', b'0'..=b'9']) => b"700101000000Z",
        // GeneralizedTime YYYYMMDDHHMMSSZ before 1970.
        (0x18, 15) if value.get(..4)? < b"1970".as_slice() => b"19700101000000Z",
        _ => return None,
    };
    let mut out = der_bytes.to_vec();
    out.get_mut(nb + 2..nb + 2 + len)?
        .copy_from_slice(replacement);
    Some(out)
}

/// The header length and content length of the TLV at `bytes[0]` when its tag is `tag`.
fn header(bytes: &[u8], tag: u8) -> Option<(usize, usize)> {
    if *bytes.first()? != tag {
        return None;
    }
    let total = tlv_len(bytes).ok()?;
    let first = *bytes.get(1)?;
    let hdr = if first < 0x80 {
        2
    } else {
        2 + usize::from(first & 0x7f)
    };
    Some((hdr, total - hdr))
}

/// Total length (header + content) of the definite-length TLV starting at `bytes[0]`.
pub(crate) fn tlv_len(bytes: &[u8]) -> Result<usize, ()> {
    let first = *bytes.get(1).ok_or(())?;
    if first < 0x80 {
        return Ok(2 + first as usize);
    }
    let n = (first & 0x7f) as usize;
    if n == 0 || n > 4 {
        return Err(());
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | *bytes.get(2 + i).ok_or(())? as usize;
    }
    Ok(2 + n + len)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle, 0).is_some()
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn parse_pem(bytes: &[u8]) -> Result<Vec<StoredCertificate>, PolicyError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(start) = find(bytes, b"-----BEGIN ", pos) {
        let label_end = find(bytes, b"-----", start + 11).ok_or_else(|| PolicyError::Pem {
            offset: start,
            message: "unterminated BEGIN line".into(),
        })?;
        let label = String::from_utf8_lossy(&bytes[start + 11..label_end]).into_owned();
        let end_marker = format!("-----END {label}-----");
        // The END line is looked for after the BEGIN line's closing dashes: found within them
        // (`-----BEGIN X-----END X-----`), it would end the block before its body starts.
        let body_start = label_end + 5;
        let end =
            find(bytes, end_marker.as_bytes(), body_start).ok_or_else(|| PolicyError::Pem {
                offset: start,
                message: format!("no END line for {label}"),
            })?;
        let block_end = end + end_marker.len();
        pos = block_end;
        let body = bytes.get(body_start..end).unwrap_or_default();
        let der = pem_body(body).map_err(|message| PolicyError::Pem {
            offset: start,
            message,
        })?;
        match label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" => {
                out.push(StoredCertificate::from_der(&der).map_err(|e| shift(e, start))?);
            }
            "TRUSTED CERTIFICATE" => {
                // OpenSSL's form: a certificate followed by trust settings.
                let len = tlv_len(&der).map_err(|()| PolicyError::Pem {
                    offset: start,
                    message: "bad TRUSTED CERTIFICATE".into(),
                })?;
                let cert = der.get(..len).ok_or_else(|| PolicyError::Pem {
                    offset: start,
                    message: "truncated TRUSTED CERTIFICATE".into(),
                })?;
                out.push(StoredCertificate::from_der(cert).map_err(|e| shift(e, start))?);
            }
            "PKCS7" | "CMS" => out.extend(parse_pkcs7(&der).map_err(|e| shift(e, start))?),
            _ => {} // keys, CRLs, … are not certificates: skip.
        }
    }
    if out.is_empty() {
        return Err(PolicyError::NoCertificates { what: "PEM" });
    }
    Ok(out)
}

fn shift(e: PolicyError, pem_offset: usize) -> PolicyError {
    match e {
        PolicyError::Der {
            context, source, ..
        } => PolicyError::Der {
            context,
            offset: Some(pem_offset),
            source,
        },
        other => other,
    }
}

/// Decode the base64 body of a PEM block (headers such as `Proc-Type:` are skipped).
fn pem_body(body: &[u8]) -> Result<Vec<u8>, String> {
    let text = core::str::from_utf8(body).map_err(|_| "PEM body is not ASCII".to_string())?;
    let mut b64 = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.contains(':') {
            continue;
        }
        b64.push_str(line);
    }
    base64_decode(&b64)
}

fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    fn val(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in s.bytes() {
        if c == b'=' {
            break;
        }
        if c.is_ascii_whitespace() {
            continue;
        }
        let v = val(c).ok_or_else(|| format!("invalid base64 character {:?}", c as char))?;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Ok(out)
}

/// Certificates of a PKCS#7 / CMS SignedData (certs-only bundles and signatures alike).
pub fn parse_pkcs7(der_bytes: &[u8]) -> Result<Vec<StoredCertificate>, PolicyError> {
    use cms::cert::CertificateChoices;
    use cms::content_info::ContentInfo;
    use cms::signed_data::SignedData;
    let body = strip_trailing_zeros(der_bytes);
    let ci =
        ContentInfo::from_der(body).map_err(|e| PolicyError::der("PKCS#7 ContentInfo", 0, e))?;
    let sd: SignedData = ci
        .content
        .decode_as()
        .map_err(|e| PolicyError::der("PKCS#7 SignedData", 0, e))?;
    let mut out = Vec::new();
    if let Some(set) = sd.certificates {
        for choice in set.0.iter() {
            if let CertificateChoices::Certificate(c) = choice {
                out.push(StoredCertificate::from_certificate(c.clone())?);
            }
        }
    }
    if out.is_empty() {
        return Err(PolicyError::NoCertificates { what: "PKCS#7" });
    }
    Ok(out)
}
