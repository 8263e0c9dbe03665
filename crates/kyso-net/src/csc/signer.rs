//! [`CscSigner`]: a CSC credential as a [`kyso_token::Signer`], and batches of signatures
//! under one authorization.

use kyso_token::{SignatureScheme, Signer, TokenError};
use x509_cert::Certificate;

use super::client::CscClient;
use super::config::CscConfig;
use super::credential::Credential;
use super::error::CscError;

/// A remote key: every signature is one `credentials/authorize` and one
/// `signatures/signHash` ([`CscSigner::sign_messages`]: many signatures, one of each), and
/// every returned signature is checked against the certificate and the hash sent before it
/// is used.
#[derive(Debug)]
pub struct CscSigner {
    client: CscClient,
    credential: Credential,
}

impl CscSigner {
    /// Connect to the service and read credential `credential_id` (its certificate chain).
    pub fn open(config: CscConfig, credential_id: &str) -> Result<Self, CscError> {
        let client = CscClient::connect(config)?;
        let credential = client.credential(credential_id)?;
        Ok(Self { client, credential })
    }

    /// The credential.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// Sign every message (hashed here with the scheme's digest) under one authorization
    /// (`numSignatures` = the number of messages, the hashes bound to it) and one
    /// `signatures/signHash`. Each signature is returned only if it verifies over its message
    /// with the certificate's key; otherwise the whole batch fails with
    /// [`CscError::WrongSignature`].
    pub fn sign_messages(&self, messages: &[&[u8]]) -> Result<Vec<Vec<u8>>, CscError> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let digest = self.credential.scheme.digest();
        let hashes: Vec<Vec<u8>> = messages.iter().map(|m| digest.digest(m)).collect();
        let sad = self.client.authorize(&self.credential, &hashes)?;
        let raw = self.client.sign_hashes(&self.credential, &sad, &hashes)?;
        raw.into_iter()
            .zip(messages)
            .enumerate()
            .map(|(index, (sig, message))| {
                super::check::checked_signature(
                    &self.credential.certificate,
                    self.credential.scheme,
                    message,
                    sig,
                )
                .ok_or(CscError::WrongSignature { index })
            })
            .collect()
    }
}

impl Signer for CscSigner {
    fn certificate(&self) -> &Certificate {
        &self.credential.certificate
    }

    fn chain(&self) -> &[Certificate] {
        &self.credential.chain
    }

    fn scheme(&self) -> SignatureScheme {
        self.credential.scheme
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        let mut sigs = self.sign_messages(&[message])?;
        sigs.pop()
            .ok_or_else(|| TokenError::SignFailed("no signature returned".into()))
    }

    fn max_signature_len(&self) -> usize {
        self.credential.max_signature_len()
    }
}

/// Connect to the service and describe every credential `credentials/list` names.
pub fn list_credentials(config: CscConfig) -> Result<Vec<Credential>, CscError> {
    let client = CscClient::connect(config)?;
    client
        .list()?
        .iter()
        .map(|id| client.credential(id))
        .collect()
}
