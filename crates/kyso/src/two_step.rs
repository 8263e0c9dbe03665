//! Two-step signing: [`prepare`] the document with the signer's certificate alone — any
//! profile and field, the CMS signed attributes made and the file written with a signature
//! value of zeros — hand what must be signed to the key wherever it is (a remote signing
//! service, a phone, another system's HSM), then [`finish`] with the value it returns: checked
//! against the certificate and the prepared bytes, time-stamped for B-T and above, validation
//! data added for B-LT and B-LTA.
//!
//! The prepared file is self-contained: nothing else needs keeping between the two steps.

use std::sync::Arc;

use kyso_sign::external::ExternalSigner;
use kyso_token::Signer;
use serde::Serialize;
use x509_cert::Certificate;

use crate::ltv::{Level, LtvOptions, LtvSummary, TimeStamper};
use crate::{Error, PadesOptions};

/// Room reserved in `/Contents` for the signature time-stamp `finish` adds at B-T and above
/// (tokens with their TSA's chain are 3–8 KB).
pub const TIMESTAMP_ROOM: usize = 16 * 1024;

/// A prepared document and what its signer must sign.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The prepared file (the input, then an update whose signature awaits its value).
    pub pdf: Vec<u8>,
    /// The signature field.
    pub field: String,
    /// What the key signs: the DER of the CMS signed attributes.
    pub to_be_signed: Vec<u8>,
    /// The digest of [`Prepared::to_be_signed`] with [`Prepared::digest_algorithm`]: what a
    /// service that signs hashes (CSC `signatures/signHash`) receives.
    pub to_be_signed_digest: Vec<u8>,
    /// `sha256`, `sha384` or `sha512`.
    pub digest_algorithm: &'static str,
    /// `rsa-pkcs1-sha256`, `ecdsa-p256-sha256` or `ecdsa-p384-sha384`.
    pub signature_algorithm: &'static str,
    /// The level it was prepared for (room for a time-stamp from B-T up).
    pub level: Level,
    /// What was assumed on the caller's behalf (e.g. `SEAL_SIZE_ASSUMED`).
    pub warnings: Vec<kyso_policy::Reason>,
}

#[derive(Serialize)]
struct PreparedJson<'a> {
    field: &'a str,
    size: usize,
    level: &'static str,
    digest_algorithm: &'static str,
    signature_algorithm: &'static str,
    /// Base64 (standard) of the DER signed attributes.
    to_be_signed: String,
    /// Base64 of their digest, and the same in hex.
    to_be_signed_digest: String,
    to_be_signed_digest_hex: String,
    warnings: &'a [kyso_policy::Reason],
}

impl Prepared {
    /// What the caller needs as one JSON object: `field`, `size`, `level`,
    /// `digest_algorithm`, `signature_algorithm`, `to_be_signed` (base64 DER),
    /// `to_be_signed_digest` (base64) and `to_be_signed_digest_hex`, `warnings`.
    pub fn to_json(&self) -> String {
        use base64::Engine;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        serde_json::to_string(&PreparedJson {
            field: &self.field,
            size: self.pdf.len(),
            level: self.level.as_str(),
            digest_algorithm: self.digest_algorithm,
            signature_algorithm: self.signature_algorithm,
            to_be_signed: b64(&self.to_be_signed),
            to_be_signed_digest: b64(&self.to_be_signed_digest),
            to_be_signed_digest_hex: hex_lower(&self.to_be_signed_digest),
            warnings: &self.warnings,
        })
        .unwrap_or_default()
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Prepare `pdf` for `certificate`'s key (its issuing CAs in `chain`, nearest first), invisibly
/// or in `workflow`, for `level` (B-T and above get room for the time-stamp `finish` adds).
pub fn prepare(
    pdf: &[u8],
    certificate: Certificate,
    chain: Vec<Certificate>,
    options: &PadesOptions,
    workflow: Option<&crate::workflows::Workflow>,
    level: Level,
) -> Result<Prepared, Error> {
    let signer = ExternalSigner::new(certificate, chain)?;
    let mut options = options.clone();
    options.timestamper = None;
    if level >= Level::BT {
        options.extra_reserve += TIMESTAMP_ROOM;
    }
    let signed = match workflow {
        None => crate::sign_pdf(pdf, &signer, &options)?,
        Some(w) => crate::workflows::sign(pdf, &signer, w, &options)?,
    };
    let to_be_signed = signer.to_be_signed().ok_or_else(|| {
        Error::Options("the document was prepared but nothing was given to sign".into())
    })?;
    let digest = signer.scheme().digest();
    let (digest_algorithm, signature_algorithm) = match signer.scheme() {
        kyso_token::SignatureScheme::EcdsaP256Sha256 => ("sha256", "ecdsa-p256-sha256"),
        kyso_token::SignatureScheme::EcdsaP384Sha384 => ("sha384", "ecdsa-p384-sha384"),
        _ => ("sha256", "rsa-pkcs1-sha256"),
    };
    Ok(Prepared {
        to_be_signed_digest: digest.digest(&to_be_signed),
        to_be_signed,
        pdf: signed.bytes,
        field: signed.field_name,
        digest_algorithm,
        signature_algorithm,
        level,
        warnings: signed.warnings,
    })
}

/// The finished document.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The signed file.
    pub pdf: Vec<u8>,
    /// The signature field.
    pub field: String,
    /// What long-term validation added (B-LT, B-LTA).
    pub ltv: Option<LtvSummary>,
}

/// Finish `prepared` with `signature`, the key's value over its signed attributes (RSA:
/// PKCS#1 v1.5; ECDSA: DER or `r || s`). Refused, nothing made, when the prepared file was
/// changed or the value does not verify with the certificate over what was prepared. At B-T and
/// above the signature is time-stamped with `stamper`; B-LT and B-LTA then add validation data
/// (and the document time-stamp) as `kyso sign` does.
pub fn finish(
    prepared: &[u8],
    signature: &[u8],
    level: Level,
    ltv: &LtvOptions,
    stamper: Option<&Arc<dyn TimeStamper>>,
) -> Result<Finished, Error> {
    let stamp = match (level >= Level::BT, stamper) {
        (false, _) => None,
        (true, Some(s)) => Some(s.as_ref()),
        (true, None) => {
            return Err(Error::Options(format!(
                "level {} needs a time-stamp authority (--tsa URL)",
                level.as_str()
            )));
        }
    };
    let done = kyso_sign::external::finish_external(prepared, signature, stamp)?;
    let (pdf, summary) =
        crate::ltv::complete_level(done.bytes, &done.certificates, level, ltv, stamper)?;
    Ok(Finished {
        pdf,
        field: done.field_name,
        ltv: summary,
    })
}

/// The signature value in `bytes`: binary DER or raw bytes as given, or base64 text (what
/// signing services return), whitespace ignored.
pub fn read_signature_value(bytes: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let text: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let looks_base64 = !text.is_empty()
        && text
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    match looks_base64.then(|| base64::engine::general_purpose::STANDARD.decode(&text)) {
        Some(Ok(decoded)) => decoded,
        _ => bytes.to_vec(),
    }
}

/// [`prepare`] with the JSON signing options of [`crate::SignConfig`] whose signer is
/// `{"external": {"certificate": "PEM text or path"}}` (its CAs in `chain`): the C ABI's
/// `kyso_sign_prepare`. `level` may be above B-B without `tsa` (the time-stamp is `finish`'s).
pub fn prepare_json(pdf: &[u8], options_json: &str) -> Result<Prepared, crate::SignConfigError> {
    crate::SignConfig::from_json(options_json)?.prepare(pdf)
}

/// [`finish`] with JSON options `{"level": "B-B" | "B-T" | "B-LT" | "B-LTA", "tsa": "http://…",
/// …}` (the long-term validation fields of [`crate::LtvConfig`]; `{}` for B-B): the C ABI's
/// `kyso_sign_finish`.
pub fn finish_json(
    prepared: &[u8],
    signature: &[u8],
    options_json: &str,
) -> Result<Finished, Error> {
    let mut object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(options_json)
        .map_err(|e| Error::Options(format!("finish options: {e}")))?;
    let level = match object.remove("level") {
        None => Level::BB,
        Some(v) => {
            let name = v.as_str().unwrap_or_default();
            name.parse()
                .map_err(|_| Error::Options(format!("finish options: unknown level {v}")))?
        }
    };
    let ltv = crate::LtvConfig::from_json(&serde_json::Value::Object(object).to_string())?;
    let stamper = ltv.stamper()?;
    finish(
        prepared,
        signature,
        level,
        &ltv.options()?,
        stamper.as_ref(),
    )
}
