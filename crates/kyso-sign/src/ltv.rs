//! Long-term validation material as incremental updates (ETSI EN 319 142-1 §5.4–5.5): the
//! document security store (PAdES B-LT) and the document time-stamp (B-LTA).
//!
//! Which certificates, CRLs and OCSP responses go in the DSS is decided by the caller (the
//! `kyso` facade builds the chains and fetches revocation data); this module only writes them.

use kyso_pdf::{SignatureRequest, prepare_signature};

use crate::SignError;
use crate::pades::digest_parts;
use crate::timestamp::{TimeStamper, TimestampRequest};

pub use kyso_pdf::{DssUpdate, VriEntry};

/// A document time-stamp that was added.
#[derive(Debug, Clone)]
pub struct TimestampedPdf {
    /// The whole output file: the input bytes, then the incremental update.
    pub bytes: Vec<u8>,
    /// The field holding the time-stamp.
    pub field_name: String,
    /// The time-stamp token (DER), e.g. to collect its TSA's validation data.
    pub token: Vec<u8>,
}

/// Add a document time-stamp (`/Type /DocTimeStamp`, `/SubFilter /ETSI.RFC3161`) over the whole
/// of `pdf` as an incremental update. The input stays an exact prefix of the output.
pub fn timestamp_pdf(
    pdf: &[u8],
    stamper: &dyn TimeStamper,
    field_name: Option<String>,
) -> Result<TimestampedPdf, SignError> {
    // ISO 32000-2 §12.8.5: the time is the token's genTime; no /M.
    let mut request =
        SignatureRequest::invisible("DocTimeStamp", "ETSI.RFC3161", stamper.max_token_len() + 64);
    request.field_name = field_name;
    let prepared = prepare_signature(pdf, &request)?;
    let algorithm = stamper.digest_algorithm();
    let [head, tail] = prepared.signed_parts();
    let token = stamper.timestamp(&TimestampRequest {
        algorithm,
        imprint: digest_parts(algorithm, head, tail),
    })?;
    let field_name = prepared.field_name.clone();
    let bytes = prepared.finish(&token)?;
    Ok(TimestampedPdf {
        bytes,
        field_name,
        token,
    })
}

/// Add (or merge into) the document security store. Returns `pdf` unchanged when `update`
/// holds nothing the DSS does not already have.
pub fn add_dss(pdf: &[u8], update: &DssUpdate) -> Result<Vec<u8>, SignError> {
    Ok(kyso_pdf::append_dss(pdf, update)?)
}
