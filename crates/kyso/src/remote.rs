//! Remote signing through a Cloud Signature Consortium (CSC) service (feature `net`): the key
//! stays with the service (VNPT SmartCA, Viettel MySign, any CSC v1.0.4/v2 service), kyso sends
//! the hash of the CMS signed attributes and checks the signature that comes back. See
//! `kyso_net::csc` for the protocol, the secrets' handling and what of the Vietnamese services is
//! implemented.
//!
//! ```no_run
//! # fn main() -> Result<(), kyso::Error> {
//! use kyso::remote::{CscAuth, CscConfig, CscSigner};
//! let mut config = CscConfig::new("http://127.0.0.1:8443/csc/v2");
//! config.auth = CscAuth::Bearer(kyso::token::PinSource::Env("CSC_TOKEN".into()).resolve()?);
//! config.pin = Some(kyso::token::PinSource::Env("CSC_PIN".into()).resolve()?);
//! let signer = CscSigner::open(config, "my-credential")?;
//! let options = kyso::PadesOptions::new(kyso::signing_time_now());
//! kyso::sign_pdf_file("in.pdf".as_ref(), "out.pdf".as_ref(), &signer, &options)?;
//! # Ok(()) }
//! ```
//!
//! [`sign_files_one_authorization`] signs many documents with one `credentials/authorize`
//! (one PIN/OTP entry, one confirmation on the phone) and one `signatures/signHash`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use kyso_net::csc::{
    AuthMode, Credential, CscApi, CscAuth, CscConfig, CscError, CscSigner, check_service_url,
    list_credentials,
};
pub use kyso_token::RemoteFailure;

use crate::ltv::{Level, LtvOptions, LtvSummary, TimeStamper};
use crate::sign_file::{SignedFile, sign_document_file};
use crate::token::{SignatureScheme, Signer, TokenError};
use crate::workflows::Workflow;
use crate::{Error, PadesOptions};

impl From<CscError> for Error {
    fn from(e: CscError) -> Self {
        Error::Token(e.into())
    }
}

impl Error {
    /// The kind of remote-signing failure behind this error, if it is one.
    pub fn remote_failure(&self) -> Option<RemoteFailure> {
        let token = match self {
            Error::Token(t) => t,
            Error::Sign(kyso_sign::SignError::Token(t)) => t,
            _ => return None,
        };
        match token {
            TokenError::Remote { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

/// One document of a batch: where it is read, where its signed copy goes.
#[derive(Debug, Clone)]
pub struct BatchDocument {
    /// The PDF to sign.
    pub input: PathBuf,
    /// Where to write the signed PDF (written atomically; may be `input`).
    pub output: PathBuf,
}

/// Stands in for the remote key while a document is prepared: keeps the message (the DER
/// signed attributes) and stops there, so nothing is written and nothing is time-stamped.
struct Recorder<'a> {
    inner: &'a CscSigner,
    message: Mutex<Option<Vec<u8>>>,
}

/// Gives the signature obtained for the recorded message, and nothing else.
struct Replayer<'a> {
    inner: &'a CscSigner,
    message: Vec<u8>,
    signature: Vec<u8>,
}

const RECORDED: &str = "kyso: message recorded for a batch";

impl Signer for Recorder<'_> {
    fn certificate(&self) -> &x509_cert::Certificate {
        self.inner.certificate()
    }
    fn chain(&self) -> &[x509_cert::Certificate] {
        self.inner.chain()
    }
    fn scheme(&self) -> SignatureScheme {
        self.inner.scheme()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        if let Ok(mut slot) = self.message.lock() {
            *slot = Some(message.to_vec());
        }
        Err(TokenError::SignFailed(RECORDED.into()))
    }
    fn max_signature_len(&self) -> usize {
        self.inner.max_signature_len()
    }
}

impl Signer for Replayer<'_> {
    fn certificate(&self) -> &x509_cert::Certificate {
        self.inner.certificate()
    }
    fn chain(&self) -> &[x509_cert::Certificate] {
        self.inner.chain()
    }
    fn scheme(&self) -> SignatureScheme {
        self.inner.scheme()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        if message == self.message {
            Ok(self.signature.clone())
        } else {
            // The signature was made for what the first pass prepared; anything else (the
            // file changed meanwhile) must not receive it.
            Err(TokenError::Remote {
                kind: RemoteFailure::Service,
                detail: "the document changed between preparing and signing; nothing written"
                    .into(),
            })
        }
    }
    fn max_signature_len(&self) -> usize {
        self.inner.max_signature_len()
    }
}

/// Sign every document with one authorization: each is prepared (its signature field, byte
/// range and signed attributes, with the same options and signing time) without being written,
/// the service signs all their hashes under one `credentials/authorize` (`numSignatures` = the
/// number of documents) and one `signatures/signHash`, every signature is checked, then each
/// document is prepared again, identically, and written with its signature (and, at B-T and
/// above, its time-stamp and validation data).
///
/// A document that cannot be prepared stops the batch before the service is asked anything;
/// a signature that does not verify stops it before anything is written.
#[allow(clippy::too_many_arguments)]
pub fn sign_files_one_authorization(
    signer: &CscSigner,
    documents: &[BatchDocument],
    options: &PadesOptions,
    workflow: Option<&Workflow>,
    level: Level,
    ltv: &LtvOptions,
    stamper: Option<&Arc<dyn TimeStamper>>,
) -> Result<Vec<(SignedFile, Option<LtvSummary>)>, Error> {
    let mut messages = Vec::with_capacity(documents.len());
    for doc in documents {
        let recorder = Recorder {
            inner: signer,
            message: Mutex::new(None),
        };
        let result = sign_document_file(
            &doc.input,
            &doc.output,
            &recorder,
            options,
            workflow,
            level,
            ltv,
            stamper,
        );
        let recorded = recorder.message.lock().ok().and_then(|mut m| m.take());
        match (recorded, result) {
            (Some(message), Err(_)) => messages.push(message),
            (None, Err(e)) => return Err(e),
            (_, Ok(_)) => {
                return Err(Error::Options(format!(
                    "{}: prepared without a signature",
                    doc.input.display()
                )));
            }
        }
    }
    let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let signatures = signer.sign_messages(&refs)?;
    let mut done = Vec::with_capacity(documents.len());
    for ((doc, message), signature) in documents.iter().zip(messages).zip(signatures) {
        let replayer = Replayer {
            inner: signer,
            message,
            signature,
        };
        done.push(sign_document_file(
            &doc.input,
            &doc.output,
            &replayer,
            options,
            workflow,
            level,
            ltv,
            stamper,
        )?);
    }
    Ok(done)
}
