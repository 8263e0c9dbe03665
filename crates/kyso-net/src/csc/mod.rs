//! Remote signing through the Cloud Signature Consortium API (CSC v1.0.4.0 and v2.0.0.2).
//!
//! A remote service keeps the key; the client sends the hash of what it signs. For a PAdES
//! signature that is the digest of the CMS signed attributes, so the document never leaves
//! the machine. The flow: `info` → (`oauth2/token` with client credentials, or a bearer token
//! given) → `credentials/info` (`"certificates": "chain"`) → `credentials/authorize` (PIN
//! and/or OTP, `numSignatures` and the hashes → SAD) → `signatures/signHash` (v2 with
//! `operationMode: "A"`: a `responseID`, then `signatures/signPolling` until the user
//! confirms on their phone or the time runs out).
//!
//! - [`CscSigner`] is a [`kyso_token::Signer`]; [`CscSigner::sign_messages`] signs many
//!   documents under one authorization.
//! - Every returned signature is verified with the certificate's public key over the hash that
//!   was sent; a signature over anything else is refused ([`CscError::WrongSignature`]).
//! - Secrets (access token, client secret, PIN, OTP, SAD) live in zeroized buffers, are
//!   redacted from `Debug`, and never appear in errors.
//! - Answers are capped ([`CscConfig::max_bytes`]), every request has a timeout, the whole
//!   asynchronous wait has [`CscConfig::confirm_timeout`].
//! - Transport ([`check_service_url`]): `https://` with this crate's `tls` feature (ureq's
//!   rustls; the server checked against Mozilla's roots or [`CscConfig::tls_roots`]); plain
//!   `http://` to the loopback interface only. Without the feature `https://` URLs are
//!   refused with a typed error rather than sent in the clear.
//!
//! # Vietnamese services
//!
//! Both public CAs that sign remotely offer a CSC-style API besides their own:
//!
//! - **VNPT SmartCA**: its native API (`credentials/get_certificate` with `sp_id`,
//!   `sp_password`, `user_id` = citizen ID, `transaction_id`; `signatures/sign` with
//!   `sign_files[{doc_id, file_type, sign_type: "hash", data_to_be_signed}]` answered by
//!   `sig_wait_for_user_confirm` and a `tran_code` to poll or a webhook) is **not**
//!   implemented; its CSC-style endpoints are used like any CSC v2 service (asynchronous: the
//!   user confirms in the SmartCA app, use [`CscConfig::asynchronous`]).
//! - **Viettel MySign**: its native `login` gives the bearer token ([`CscAuth::Bearer`]); its
//!   native `signHash` (`async` 0–3, base64 document name) and `requests/status` are **not**
//!   implemented; its CSC v1 API is ([`CscApi::V1`]).
//!
//! Field-name variants met in these services are accepted in answers (`credentialIds`,
//! `responseId`, `signature`, `multiSign`, a numeric or string `SCAL`/`multisign`, an ECDSA
//! signature as raw `r || s`).
//!
//! Not implemented: `credentials/sendOTP` (the OTP must reach the user by other means),
//! the OAuth2 authorization-code flow (`authMode: "oauth2code"`), `signatures/signDoc`,
//! `signatures/timestamp` (time-stamps come from an RFC 3161 TSA, [`crate::TsaClient`]).

mod check;
mod client;
mod config;
mod credential;
mod error;
mod signer;
mod transport;
mod wire;

pub use client::{CscClient, Sad, ServiceInfo};
pub use config::{CscApi, CscAuth, CscConfig};
pub use credential::{AuthMode, Credential};
pub use error::CscError;
pub use signer::{CscSigner, list_credentials};
pub use transport::check_service_url;
