//! Reading a CMS SignedData leniently: DER and BER walked by hand where the `cms` crate is too
//! strict, the raw bytes of the signed attributes and certificates kept as received, and limits
//! on the number of certificates, CRLs and SignerInfos.

use cms::{cert::CertificateChoices, content_info::ContentInfo, signed_data::SignedData};
use der::{Decode, Encode, EncodingRules, Reader, SliceReader};
use x509_cert::Certificate;

use super::{CmsError, OID_SIGNED_DATA, octets};

/// A parsed SignedData with the raw pieces needed for exact verification.
pub(crate) struct Parsed {
    pub(crate) signed_data: SignedData,
    pub(crate) certs: Vec<(Certificate, Vec<u8>)>,
    /// Raw `[0]` signed attributes TLV of each SignerInfo (None when absent or not found).
    pub(crate) raw_signed_attrs: Vec<Option<Vec<u8>>>,
    /// The eContent octets as received (segments of a constructed OCTET STRING joined).
    pub(crate) econtent: Option<Vec<u8>>,
}

impl Parsed {
    /// The encapsulated content octets, if the SignedData carries content.
    pub(crate) fn econtent_octets(&self) -> Result<Option<Vec<u8>>, CmsError> {
        if let Some(raw) = &self.econtent {
            return Ok(Some(raw.clone()));
        }
        match &self.signed_data.encap_content_info.econtent {
            Some(any) => Ok(Some(octets(any)?)),
            None => Ok(None),
        }
    }
}

/// One BER/DER element: tag byte, header length, content length, total length (with EOC).
#[derive(Clone, Copy)]
pub(super) struct Elem {
    tag: u8,
    hdr: usize,
    len: usize,
    total: usize,
}

/// The element at `pos` (definite or, for constructed ones, indefinite length).
pub(super) fn elem(bytes: &[u8], pos: usize, depth: usize) -> Option<Elem> {
    if depth > 32 {
        return None;
    }
    let tag = *bytes.get(pos)?;
    if tag & 0x1f == 0x1f {
        return None; // high tag numbers do not occur in CMS
    }
    let l = *bytes.get(pos.checked_add(1)?)?;
    if l == 0x80 {
        if tag & 0x20 == 0 {
            return None; // indefinite length needs a constructed encoding
        }
        let start = pos + 2;
        let mut q = start;
        loop {
            if bytes.get(q..q + 2)? == [0, 0] {
                return Some(Elem {
                    tag,
                    hdr: 2,
                    len: q - start,
                    total: q + 2 - pos,
                });
            }
            q += elem(bytes, q, depth + 1)?.total;
        }
    }
    let (hdr, len) = if l < 0x80 {
        (2, l as usize)
    } else {
        let n = (l & 0x7f) as usize;
        if n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *bytes.get(pos + 2 + i)? as usize;
        }
        (2 + n, len)
    };
    let total = hdr.checked_add(len)?;
    if pos.checked_add(total)? > bytes.len() {
        return None;
    }
    Some(Elem {
        tag,
        hdr,
        len,
        total,
    })
}

/// Children of the constructed element at `pos`.
pub(super) fn children(bytes: &[u8], pos: usize) -> Option<Vec<(usize, Elem)>> {
    let e = elem(bytes, pos, 0)?;
    let mut out = Vec::new();
    let mut q = pos + e.hdr;
    let end = pos + e.hdr + e.len;
    while q < end {
        let c = elem(bytes, q, 0)?;
        out.push((q, c));
        q += c.total;
    }
    Some(out)
}

/// Octets of a (possibly constructed, BER) OCTET STRING element at `pos`.
pub(super) fn octet_string_at(
    bytes: &[u8],
    pos: usize,
    out: &mut Vec<u8>,
    depth: usize,
) -> Option<()> {
    if depth > 16 {
        return None;
    }
    let e = elem(bytes, pos, 0)?;
    match e.tag {
        0x04 => out.extend_from_slice(bytes.get(pos + e.hdr..pos + e.hdr + e.len)?),
        0x24 => {
            for (q, _) in children(bytes, pos)? {
                octet_string_at(bytes, q, out, depth + 1)?;
            }
        }
        _ => return None,
    }
    Some(())
}

/// Raw pieces of a SignedData, taken from the bytes as received.
#[derive(Default)]
pub(super) struct Raw {
    /// `[0]` signed attributes TLV of each SignerInfo.
    signed_attrs: Vec<Option<Vec<u8>>>,
    /// Each certificate's DER.
    certs: Vec<Vec<u8>>,
    /// The eContent octets.
    econtent: Option<Vec<u8>>,
    /// The SignedData re-encoded (definite lengths) without its `crls` field, when it had one.
    without_crls: Option<Vec<u8>>,
}

pub(super) fn der_header(tag: u8, len: usize) -> Vec<u8> {
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out
}

/// Walk ContentInfo → SignedData to collect the raw pieces.
pub(super) fn raw_walk(ci: &[u8]) -> Option<Raw> {
    let top = children(ci, 0)?;
    let (wrap_pos, wrap) = *top.get(1)?;
    if wrap.tag != 0xa0 {
        return None;
    }
    let sd_pos = wrap_pos + wrap.hdr;
    let fields = children(ci, sd_pos)?;
    let mut raw = Raw::default();
    // encapContentInfo
    let (eci_pos, _) = *fields.get(2)?;
    let eci = children(ci, eci_pos)?;
    if let Some((ec_pos, ec)) = eci.get(1).copied()
        && ec.tag == 0xa0
    {
        let mut out = Vec::new();
        let inner = ec_pos + ec.hdr;
        if octet_string_at(ci, inner, &mut out, 0).is_some() {
            raw.econtent = Some(out);
        } else if let Some(e) = elem(ci, inner, 0) {
            // Content written directly (not in an OCTET STRING): sign over its value.
            raw.econtent = ci
                .get(inner + e.hdr..inner + e.hdr + e.len)
                .map(<[u8]>::to_vec);
        }
    }
    let mut has_crls = false;
    for (pos, f) in fields.iter().skip(3) {
        match f.tag {
            0xa1 => has_crls = true,
            0xa0 => {
                for (q, c) in children(ci, *pos)? {
                    if c.tag == 0x30 {
                        raw.certs.push(ci.get(q..q + c.total)?.to_vec());
                    }
                }
            }
            0x31 => {
                for (q, _) in children(ci, *pos)? {
                    let si = children(ci, q)?;
                    let found = si
                        .get(3)
                        .filter(|(_, e)| e.tag == 0xa0)
                        .and_then(|(p, e)| ci.get(*p..*p + e.total))
                        .map(<[u8]>::to_vec);
                    raw.signed_attrs.push(found);
                }
            }
            _ => {}
        }
    }
    if has_crls && wrap.len + wrap.hdr == wrap.total {
        // Definite-length input: rebuild the SignedData without crls.
        let mut body = Vec::new();
        for (pos, f) in &fields {
            if f.tag != 0xa1 {
                body.extend_from_slice(ci.get(*pos..*pos + f.total)?);
            }
        }
        let mut sd = der_header(0x30, body.len());
        sd.extend(body);
        raw.without_crls = Some(sd);
    }
    Some(raw)
}

/// Parse a ContentInfo holding SignedData; tolerate trailing zero padding and BER.
pub(crate) fn parse_signed_data(input: &[u8]) -> Result<Parsed, CmsError> {
    if input.len() < 2 {
        return Err(CmsError::Malformed {
            reason: "input too short",
            offset: Some(0),
        });
    }
    if input[0] != 0x30 {
        return Err(CmsError::Malformed {
            reason: "does not start with a SEQUENCE (0x30)",
            offset: Some(0),
        });
    }
    let outer = elem(input, 0, 0).ok_or(CmsError::Malformed {
        reason: "truncated or invalid length",
        offset: Some(1),
    })?;
    let end = outer.total;
    if let Some(off) = input[end..].iter().position(|b| *b != 0) {
        return Err(CmsError::TrailingData { offset: end + off });
    }
    let body = &input[..end];
    let ber = outer.total != outer.hdr + outer.len || input[1] == 0x80;
    let rules = if ber {
        EncodingRules::Ber
    } else {
        EncodingRules::Der
    };
    let ci = {
        let mut reader = SliceReader::new_with_encoding_rules(body, rules)
            .map_err(|e| CmsError::der("ContentInfo", e))?;
        let ci = ContentInfo::decode(&mut reader).map_err(|e| CmsError::der("ContentInfo", e))?;
        if !ber {
            reader
                .finish()
                .map_err(|e| CmsError::der("ContentInfo", e))?;
        }
        ci
    };
    if ci.content_type != OID_SIGNED_DATA {
        return Err(CmsError::NotSignedData {
            content_type: ci.content_type.to_string(),
        });
    }
    let raw = raw_walk(body).unwrap_or_default();
    let signed_data: SignedData = match ci.content.decode_as_encoding(rules) {
        Ok(sd) => sd,
        Err(first) => {
            // The `cms` crate mis-reads `[1] IMPLICIT OtherRevocationInfoFormat` (OCSP
            // responses in CAdES-LT); revocation data is not used here, so retry without it.
            match raw.without_crls.as_deref().map(SignedData::from_der) {
                Some(Ok(sd)) => sd,
                _ => return Err(CmsError::der("SignedData", first)),
            }
        }
    };

    check_counts(&signed_data)?;
    let mut certs = Vec::new();
    if let Some(set) = &signed_data.certificates {
        for choice in set.0.iter() {
            if let CertificateChoices::Certificate(c) = choice {
                let der = c.to_der().map_err(|e| CmsError::der("certificate", e))?;
                // Prefer the bytes as received when they decode to the same certificate.
                let raw_der = raw
                    .certs
                    .iter()
                    .find(|r| Certificate::from_der(r).is_ok_and(|rc| &rc == c))
                    .cloned()
                    .unwrap_or(der);
                certs.push((c.clone(), raw_der));
            }
        }
    }
    Ok(Parsed {
        signed_data,
        certs,
        raw_signed_attrs: raw.signed_attrs,
        econtent: raw.econtent,
    })
}

/// Certificates a SignedData may carry: a signer's chain, a TSA's, some spare — real ones hold
/// fewer than ten. Each is decoded and may become a path-building candidate.
pub const MAX_CERTIFICATES: usize = 256;
/// CRLs (CAdES-LT values) a SignedData may carry.
pub const MAX_CRLS: usize = 256;
/// SignerInfos a SignedData may carry (kyso reads the first).
pub const MAX_SIGNER_INFOS: usize = 16;

pub(super) fn check_counts(sd: &SignedData) -> Result<(), CmsError> {
    let counts = [
        (
            "certificates",
            sd.certificates.as_ref().map_or(0, |c| c.0.len()),
            MAX_CERTIFICATES,
        ),
        ("CRLs", sd.crls.as_ref().map_or(0, |c| c.0.len()), MAX_CRLS),
        ("SignerInfos", sd.signer_infos.0.len(), MAX_SIGNER_INFOS),
    ];
    for (what, count, limit) in counts {
        if count > limit {
            return Err(CmsError::TooMany { what, count, limit });
        }
    }
    Ok(())
}
