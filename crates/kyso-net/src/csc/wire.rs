//! The JSON of the CSC API (v1.0.4.0 and v2.0.0.2): requests borrow their secrets (serialised
//! straight into a zeroized buffer), answers accept the field-name variants met in practice
//! (`credentialIds`, `hashes`/`hash`, `responseId`) through serde aliases.
#![allow(non_snake_case)] // the field names are the API's

use serde::{Deserialize, Serialize};

/// `info` answer (only what the client uses).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct InfoResponse {
    #[serde(default)]
    pub(crate) specs: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) methods: Vec<String>,
    /// Base URI of the OAuth2 authorization server, if not the service's own.
    #[serde(default)]
    pub(crate) oauth2: Option<String>,
}

/// `credentials/list` request.
#[derive(Debug, Serialize)]
pub(crate) struct ListRequest {
    pub(crate) maxResults: u32,
}

/// `credentials/list` answer.
#[derive(Debug, Deserialize)]
pub(crate) struct ListResponse {
    #[serde(alias = "credentialIds", alias = "credentialIdList")]
    pub(crate) credentialIDs: Vec<String>,
}

/// `credentials/info` request: certificates as the whole chain, with their details.
#[derive(Debug, Serialize)]
pub(crate) struct InfoRequest<'a> {
    pub(crate) credentialID: &'a str,
    pub(crate) certificates: &'static str,
    pub(crate) certInfo: bool,
    pub(crate) authInfo: bool,
}

/// `credentials/info` answer.
#[derive(Debug, Deserialize)]
pub(crate) struct CredentialInfoResponse {
    #[serde(default)]
    pub(crate) key: KeyInfo,
    pub(crate) cert: CertInfo,
    /// `implicit`, `explicit` or `oauth2code`.
    #[serde(default, alias = "auth_mode")]
    pub(crate) authMode: String,
    /// `1` or `2` (v1.0.4 sends a string, some services a number).
    #[serde(default, alias = "scal")]
    pub(crate) SCAL: Option<serde_json::Value>,
    /// How many signatures one authorization allows (v1.0.4 and v2: a number).
    #[serde(default, alias = "multiSign", alias = "numSignatures")]
    pub(crate) multisign: Option<serde_json::Value>,
    /// PIN requirements (`presence`: `true`, `false` or `optional`).
    #[serde(default)]
    pub(crate) PIN: Option<Presence>,
    /// OTP requirements.
    #[serde(default)]
    pub(crate) OTP: Option<Presence>,
}

/// `key` of `credentials/info`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct KeyInfo {
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub(crate) status: String,
}

/// `cert` of `credentials/info`.
#[derive(Debug, Deserialize)]
pub(crate) struct CertInfo {
    /// `valid`, `expired`, `revoked` or `suspended`.
    #[serde(default)]
    pub(crate) status: String,
    /// Base64 DER, the signer's certificate first.
    #[serde(default)]
    pub(crate) certificates: Vec<String>,
}

/// `PIN` / `OTP` of `credentials/info`.
#[derive(Debug, Deserialize)]
pub(crate) struct Presence {
    #[serde(default)]
    pub(crate) presence: serde_json::Value,
}

/// `credentials/authorize` request. v1.0.4 names the hashes `hash`, v2 `hashes` (with
/// `hashAlgorithmOID`); only the version's own names are sent.
#[derive(Serialize)]
pub(crate) struct AuthorizeRequest<'a> {
    pub(crate) credentialID: &'a str,
    pub(crate) numSignatures: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hash: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hashes: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hashAlgorithmOID: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) PIN: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) OTP: Option<&'a str>,
    pub(crate) description: &'a str,
}

/// `credentials/authorize` answer.
#[derive(Deserialize)]
pub(crate) struct AuthorizeResponse {
    #[serde(alias = "sad")]
    pub(crate) SAD: String,
}

/// `signatures/signHash` request (v1.0.4: `hash`, `hashAlgo`; v2: `hashes`,
/// `hashAlgorithmOID`, `operationMode`).
#[derive(Serialize)]
pub(crate) struct SignHashRequest<'a> {
    pub(crate) credentialID: &'a str,
    pub(crate) SAD: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hash: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hashes: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hashAlgo: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hashAlgorithmOID: Option<&'a str>,
    pub(crate) signAlgo: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) operationMode: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) validity_period: Option<u64>,
}

/// `signatures/signHash` (and `signatures/signPolling`) answer: the signatures, or in
/// asynchronous mode the `responseID` to poll with.
#[derive(Debug, Deserialize)]
pub(crate) struct SignHashResponse {
    #[serde(default, alias = "signature")]
    pub(crate) signatures: Option<Vec<String>>,
    #[serde(default, alias = "responseId", alias = "transactionId")]
    pub(crate) responseID: Option<String>,
}

/// `signatures/signPolling` request (CSC v2 §11.15).
#[derive(Serialize)]
pub(crate) struct PollingRequest<'a> {
    pub(crate) responseID: &'a str,
}

/// `oauth2/token` answer.
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) access_token: String,
}
