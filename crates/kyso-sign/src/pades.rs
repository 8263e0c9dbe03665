//! PAdES signatures in PDF (ETSI EN 319 142-1), and the `adbe.pkcs7.detached` form VGCA tools
//! produce.

use kyso_pdf::{Appearance, SignatureDictionary, SignatureRequest, prepare_signature};
use kyso_token::Signer;

use crate::SignError;
use std::sync::Arc;

use crate::cms::{CmsOptions, add_signature_timestamp, estimated_size, sign_detached_digest};
use crate::timestamp::TimeStamper;

/// The `/SubFilter` of the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubFilter {
    /// `ETSI.CAdES.detached`: PAdES baseline (the default).
    #[default]
    CadesDetached,
    /// `adbe.pkcs7.detached`: what the Government CA's own tools write.
    Pkcs7Detached,
}

impl SubFilter {
    /// The PDF name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CadesDetached => "ETSI.CAdES.detached",
            Self::Pkcs7Detached => "adbe.pkcs7.detached",
        }
    }
}

/// A signing time with the UTC offset to show it in (Vietnam: +07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningTime {
    /// Seconds since the Unix epoch.
    pub unix_seconds: u64,
    /// Offset from UTC in minutes, used for the PDF `/M` string.
    pub offset_minutes: i32,
}

impl SigningTime {
    /// The instant as a DER time.
    pub fn to_der_time(self) -> Result<der::DateTime, SignError> {
        kyso_policy::time::from_unix(self.unix_seconds).map_err(SignError::from)
    }

    /// The local date and time fields at the configured offset.
    pub fn local(self) -> Result<der::DateTime, SignError> {
        Ok(kyso_policy::time::at_offset(
            self.unix_seconds,
            self.offset_minutes,
        )?)
    }

    /// PDF date string, e.g. `D:20250107160232+07'00'` (ISO 32000-1 §7.9.4).
    pub fn pdf_date(self) -> Result<String, SignError> {
        Ok(kyso_policy::time::pdf_date(
            self.unix_seconds,
            self.offset_minutes,
        )?)
    }
}

/// How to sign a PDF.
#[derive(Debug, Clone)]
pub struct PadesOptions {
    /// `/SubFilter`.
    pub sub_filter: SubFilter,
    /// Field name; default `SignatureN`.
    pub field_name: Option<String>,
    /// 1-based page of the widget.
    pub page: u32,
    /// Widget rectangle (all zeros: invisible).
    pub rect: [f32; 4],
    /// Visible appearance.
    pub appearance: Option<Appearance>,
    /// The claimed signing time (`/M`, and signingTime for `adbe.pkcs7.detached`).
    pub signing_time: SigningTime,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// `/ContactInfo`.
    pub contact_info: Option<String>,
    /// `/Name`; by default the signer certificate's common name is left to the certificate.
    pub name: Option<String>,
    /// Extra bytes reserved in `/Contents` (e.g. for a time-stamp token added later).
    pub extra_reserve: usize,
    /// Further signature dictionary entries (the workflows record their role here: see
    /// [`crate::workflow`]).
    pub extra_entries: kyso_pdf::lopdf::Dictionary,
    /// Time-stamp the signature value (PAdES B-T) with this time-stamp authority.
    pub timestamper: Option<SharedTimeStamper>,
    /// Certify the document (DocMDP permission level 1, 2 or 3): only as its first signature.
    pub certification: Option<u8>,
    /// Set when the PDF given to [`sign_pdf`] is a sparse copy of a file (its large image data
    /// left out, `kyso_pdf::sparse`): the bytes it stands for are hashed from the file.
    pub prefix: Option<SignedPrefix>,
}

/// The file a sparse copy stands for: its first `len` bytes are hashed from `source`, so that
/// signing a 100 MB scan holds kilobytes of it in memory. The caller writes the output as the
/// file, then what the signed copy holds after `len`.
#[derive(Clone)]
pub struct SignedPrefix {
    /// The file's length.
    pub len: usize,
    /// The file.
    pub source: Arc<dyn kyso_pdf::ByteSource + Send>,
}

impl std::fmt::Debug for SignedPrefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignedPrefix({} bytes)", self.len)
    }
}

/// A [`TimeStamper`] shared by the options that use it.
#[derive(Clone)]
pub struct SharedTimeStamper(pub Arc<dyn TimeStamper>);

impl std::fmt::Debug for SharedTimeStamper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedTimeStamper(..)")
    }
}

impl SharedTimeStamper {
    /// Share `stamper`.
    pub fn new(stamper: impl TimeStamper + 'static) -> Self {
        Self(Arc::new(stamper))
    }
}

impl PadesOptions {
    /// Invisible PAdES B-B signature on page 1 at `signing_time`.
    pub fn new(signing_time: SigningTime) -> Self {
        Self {
            sub_filter: SubFilter::default(),
            field_name: None,
            page: 1,
            rect: [0.0; 4],
            appearance: None,
            signing_time,
            reason: None,
            location: None,
            contact_info: None,
            name: None,
            extra_reserve: 0,
            extra_entries: kyso_pdf::lopdf::Dictionary::new(),
            timestamper: None,
            certification: None,
            prefix: None,
        }
    }
}

/// The signed document and what was done.
#[derive(Debug, Clone)]
pub struct SignedPdf {
    /// The whole output file: the input bytes, then the incremental update.
    pub bytes: Vec<u8>,
    /// The field that was signed.
    pub field_name: String,
    /// The `/ByteRange` written.
    pub byte_range: [usize; 4],
    /// What the caller should know although signing succeeded (in Vietnamese and English),
    /// e.g. `SEAL_SIZE_ASSUMED` from [`crate::workflow`]; empty when there is nothing to say.
    pub warnings: Vec<kyso_policy::reason::Reason>,
}

/// Sign `pdf` with `signer`: append a signature field as an incremental update, hash the
/// covered bytes, build the CMS and embed it. The input stays an exact prefix of the output.
pub fn sign_pdf(
    pdf: &[u8],
    signer: &dyn Signer,
    options: &PadesOptions,
) -> Result<SignedPdf, SignError> {
    // A certificate that may not sign, is outside its validity at the signing time or fails
    // the algorithm policy would only make a signature every verifier refuses: say so now.
    let refusals = kyso_policy::usage::signing_refusals(
        signer.certificate(),
        &kyso_policy::algorithms::AlgorithmPolicy::default(),
        options.signing_time.to_der_time()?,
    );
    if !refusals.is_empty() {
        return Err(SignError::CertificateRefused(refusals));
    }
    // The token is added after the signature exists, so its room is reserved up front.
    let token_room = options
        .timestamper
        .as_ref()
        .map_or(0, |t| t.0.max_token_len() + 64);
    let capacity = estimated_size(signer, options.extra_reserve + token_room);
    let request = SignatureRequest {
        field_name: options.field_name.clone(),
        page: options.page,
        rect: options.rect,
        dictionary: SignatureDictionary {
            filter: "Adobe.PPKLite".into(),
            sub_filter: options.sub_filter.as_str().into(),
            kind: "Sig".into(),
            signing_time: Some(options.signing_time.pdf_date()?),
            name: options.name.clone(),
            reason: options.reason.clone(),
            location: options.location.clone(),
            contact_info: options.contact_info.clone(),
            extra: options.extra_entries.clone(),
        },
        contents_capacity: capacity,
        appearance: options.appearance.clone(),
        certification: options.certification,
    };
    let prepared = prepare_signature(pdf, &request)?;
    let digest_alg = signer.scheme().digest();
    let [head, tail] = prepared.signed_parts();
    let digest = match &options.prefix {
        None => digest_parts(digest_alg, head, tail),
        Some(prefix) => digest_with_prefix(digest_alg, prefix, head, tail)?,
    };
    // ETSI EN 319 142-1 §6.3: a PAdES signature must not carry signingTime (the time is /M);
    // the adbe.pkcs7.detached form carries it as Adobe and VGCA tools do.
    let cms_options = CmsOptions {
        signing_time: match options.sub_filter {
            SubFilter::Pkcs7Detached => Some(options.signing_time.to_der_time()?),
            SubFilter::CadesDetached => None,
        },
    };
    let mut cms = sign_detached_digest(signer, &digest, &cms_options)?;
    if let Some(stamper) = &options.timestamper {
        cms = add_signature_timestamp(&cms, stamper.0.as_ref())?;
    }
    let byte_range = prepared.byte_range();
    let field_name = prepared.field_name.clone();
    let bytes = prepared.finish(&cms)?;
    Ok(SignedPdf {
        bytes,
        field_name,
        byte_range,
        warnings: Vec::new(),
    })
}

/// The digest of `head` and `tail` where `head` begins with a sparse copy of `prefix`'s file:
/// its first `prefix.len` bytes are read from the file instead.
fn digest_with_prefix(
    alg: kyso_token::DigestAlgorithm,
    prefix: &SignedPrefix,
    head: &[u8],
    tail: &[u8],
) -> Result<Vec<u8>, SignError> {
    if head.len() < prefix.len {
        return Err(SignError::Options(
            "the signed prefix is longer than the signed bytes".into(),
        ));
    }
    digest(alg, Some(prefix), head, tail).map_err(SignError::Read)
}

pub(crate) fn digest_parts(alg: kyso_token::DigestAlgorithm, a: &[u8], b: &[u8]) -> Vec<u8> {
    // Nothing is read without a prefix, so there is no error to lose.
    digest(alg, None, a, b).unwrap_or_default()
}

/// `a` then `b` hashed with `alg`; with a prefix, `a`'s first bytes come from its file.
fn digest(
    alg: kyso_token::DigestAlgorithm,
    prefix: Option<&SignedPrefix>,
    a: &[u8],
    b: &[u8],
) -> std::io::Result<Vec<u8>> {
    use kyso_token::DigestAlgorithm as D;
    use sha2::Digest;
    fn run<H: Digest>(
        prefix: Option<&SignedPrefix>,
        a: &[u8],
        b: &[u8],
    ) -> std::io::Result<Vec<u8>> {
        let mut h = H::new();
        let a = match prefix {
            Some(p) => {
                p.source
                    .read_range(0, p.len as u64, &mut |piece| h.update(piece))?;
                a.get(p.len..).unwrap_or_default()
            }
            None => a,
        };
        h.update(a);
        h.update(b);
        Ok(h.finalize().to_vec())
    }
    match alg {
        D::Sha384 => run::<sha2::Sha384>(prefix, a, b),
        D::Sha512 => run::<sha2::Sha512>(prefix, a, b),
        _ => run::<sha2::Sha256>(prefix, a, b),
    }
}
