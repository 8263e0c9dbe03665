//! [`CscClient`]: the CSC API calls, one method each, in the order a signature needs them:
//! `info`, `oauth2/token`, `credentials/list`, `credentials/info`, `credentials/authorize`,
//! `signatures/signHash` (and `signatures/signPolling` in asynchronous mode).

use std::time::Instant;

use base64ct::{Base64, Encoding};
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::config::{CscApi, CscAuth, CscConfig};
use super::credential::{AuthMode, Credential};
use super::error::CscError;
use super::transport::{Transport, form};
use super::wire;

/// What `info` says about the service.
#[derive(Debug, Clone)]
pub struct ServiceInfo {
    /// `specs`, e.g. `1.0.4.0` or `2.0.0.2`.
    pub specs: String,
    /// `name`.
    pub name: String,
    /// `methods` the service implements.
    pub methods: Vec<String>,
}

/// A connected client: the service's URL and the access token.
pub struct CscClient {
    transport: Transport,
    config: CscConfig,
    token: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for CscClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CscClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The Signature Activation Data `credentials/authorize` returns (zeroized, never shown).
pub struct Sad(Zeroizing<String>);

impl std::fmt::Debug for Sad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sad(<redacted>)")
    }
}

fn parse<T: DeserializeOwned>(method: &str, body: &[u8]) -> Result<T, CscError> {
    serde_json::from_slice(body)
        .map_err(|e| CscError::protocol(format!("the answer of {method} does not parse: {e}")))
}

/// Serialise a request that may hold a secret straight into a zeroized buffer.
fn json(request: &impl serde::Serialize) -> Result<Zeroizing<Vec<u8>>, CscError> {
    // Room for a batch of hashes up front: a reallocation would leave a copy of the secrets behind.
    let mut out = Zeroizing::new(Vec::with_capacity(16 * 1024));
    serde_json::to_writer(&mut *out, request)
        .map_err(|e| CscError::protocol(format!("cannot encode a request: {e}")))?;
    Ok(out)
}

impl CscClient {
    /// Check the URL and get the access token (client credentials are exchanged now).
    pub fn connect(config: CscConfig) -> Result<Self, CscError> {
        let transport = Transport::new(
            &config.url,
            config.request_timeout,
            config.max_bytes,
            &config.tls_roots,
        )?;
        let mut client = Self {
            transport,
            config,
            token: None,
        };
        client.token = match &client.config.auth {
            CscAuth::None => None,
            CscAuth::Bearer(t) => Some(t.clone()),
            CscAuth::ClientCredentials {
                client_id,
                client_secret,
            } => Some(client.client_credentials(client_id, client_secret)?),
        };
        Ok(client)
    }

    /// The configuration in use.
    pub fn config(&self) -> &CscConfig {
        &self.config
    }

    fn call<T: DeserializeOwned>(&self, method: &str, body: &[u8]) -> Result<T, CscError> {
        let answer =
            self.transport
                .post_json(method, body, self.token.as_deref().map(String::as_str))?;
        parse(method, &answer)
    }

    /// `info`.
    pub fn info(&self) -> Result<ServiceInfo, CscError> {
        let info: wire::InfoResponse = self.call("info", b"{\"lang\":\"vi\"}")?;
        Ok(ServiceInfo {
            specs: info.specs,
            name: info.name,
            methods: info.methods,
        })
    }

    /// `oauth2/token` with `grant_type=client_credentials`, at the authorization server `info`
    /// names, or at the service itself.
    fn client_credentials(
        &self,
        client_id: &str,
        client_secret: &str,
    ) -> Result<Zeroizing<String>, CscError> {
        let info: wire::InfoResponse = self
            .transport
            .post_json("info", b"{}", None)
            .and_then(|b| parse("info", &b))
            .unwrap_or_default();
        let url = match info.oauth2.as_deref().filter(|u| !u.is_empty()) {
            Some(base) => format!("{}/oauth2/token", base.trim_end_matches('/')),
            None => self.transport.url("oauth2/token"),
        };
        let body = form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ]);
        let answer = self.transport.post(
            &url,
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            None,
        )?;
        let token: wire::TokenResponse = parse("oauth2/token", &answer)?;
        Ok(Zeroizing::new(token.access_token))
    }

    /// `credentials/list`: the user's credential identifiers.
    pub fn list(&self) -> Result<Vec<String>, CscError> {
        let body = json(&wire::ListRequest { maxResults: 100 })?;
        let list: wire::ListResponse = self.call("credentials/list", &body)?;
        Ok(list.credentialIDs)
    }

    /// `credentials/info` with the whole certificate chain.
    pub fn credential(&self, id: &str) -> Result<Credential, CscError> {
        let body = json(&wire::InfoRequest {
            credentialID: id,
            certificates: "chain",
            certInfo: true,
            authInfo: true,
        })?;
        let info: wire::CredentialInfoResponse = self.call("credentials/info", &body)?;
        Credential::from_info(id, info)
    }

    fn encode_hashes(hashes: &[Vec<u8>]) -> Vec<String> {
        hashes.iter().map(|h| Base64::encode_string(h)).collect()
    }

    /// `credentials/authorize` for `hashes.len()` signatures of exactly these hashes, with
    /// the configured PIN and OTP.
    pub fn authorize(&self, credential: &Credential, hashes: &[Vec<u8>]) -> Result<Sad, CscError> {
        if credential.auth_mode == AuthMode::OAuth2Code {
            return Err(CscError::protocol(format!(
                "credential {} needs the OAuth2 authorization-code flow (a browser), which kyso does not run",
                credential.id
            )));
        }
        if hashes.len() > credential.multisign {
            return Err(CscError::TooManySignatures {
                asked: hashes.len(),
                allowed: credential.multisign,
            });
        }
        let (hash_algo, _) = super::check::algorithm_oids(credential.scheme)
            .ok_or_else(|| CscError::protocol("unsupported signature scheme"))?;
        let encoded = Self::encode_hashes(hashes);
        let v2 = self.config.api == CscApi::V2;
        let body = json(&wire::AuthorizeRequest {
            credentialID: &credential.id,
            numSignatures: hashes.len(),
            hash: (!v2).then_some(&encoded[..]),
            hashes: v2.then_some(&encoded[..]),
            hashAlgorithmOID: v2.then_some(hash_algo),
            PIN: self.config.pin.as_deref().map(String::as_str),
            OTP: self.config.otp.as_deref().map(String::as_str),
            description: &self.config.description,
        })?;
        let answer = self.transport.post_json(
            "credentials/authorize",
            &body,
            self.token.as_deref().map(String::as_str),
        )?;
        let sad: wire::AuthorizeResponse = parse("credentials/authorize", &answer)?;
        Ok(Sad(Zeroizing::new(sad.SAD)))
    }

    /// `signatures/signHash` of `hashes` with `sad`: the raw signatures, in order (not yet
    /// checked: [`super::CscSigner`] checks them). In asynchronous mode, polls
    /// `signatures/signPolling` until the user confirms or `confirm_timeout` passes.
    pub fn sign_hashes(
        &self,
        credential: &Credential,
        sad: &Sad,
        hashes: &[Vec<u8>],
    ) -> Result<Vec<Vec<u8>>, CscError> {
        let (hash_algo, sign_algo) = super::check::algorithm_oids(credential.scheme)
            .ok_or_else(|| CscError::protocol("unsupported signature scheme"))?;
        let encoded = Self::encode_hashes(hashes);
        let v2 = self.config.api == CscApi::V2;
        let asynchronous = v2 && self.config.asynchronous;
        let body = json(&wire::SignHashRequest {
            credentialID: &credential.id,
            SAD: &sad.0,
            hash: (!v2).then_some(&encoded[..]),
            hashes: v2.then_some(&encoded[..]),
            hashAlgo: (!v2).then_some(hash_algo),
            hashAlgorithmOID: v2.then_some(hash_algo),
            signAlgo: sign_algo,
            operationMode: v2.then_some(if asynchronous { "A" } else { "S" }),
            validity_period: asynchronous.then_some(self.config.confirm_timeout.as_secs()),
        })?;
        let answer: wire::SignHashResponse = self.call("signatures/signHash", &body)?;
        let signatures = match (answer.signatures, answer.responseID) {
            (Some(s), _) => s,
            (None, Some(id)) if asynchronous => self.poll(&id)?,
            _ => {
                return Err(CscError::protocol(
                    "signatures/signHash returned neither signatures nor a responseID",
                ));
            }
        };
        if signatures.len() != hashes.len() {
            return Err(CscError::protocol(format!(
                "{} hashes sent, {} signatures returned",
                hashes.len(),
                signatures.len()
            )));
        }
        signatures
            .iter()
            .map(|s| {
                Base64::decode_vec(s.trim())
                    .map_err(|e| CscError::protocol(format!("a signature is not base64: {e}")))
            })
            .collect()
    }

    /// `signatures/signPolling` until the signatures come, an error, or the deadline. A
    /// pending operation answers 200 without signatures, or 202.
    fn poll(&self, response_id: &str) -> Result<Vec<String>, CscError> {
        let start = Instant::now();
        let body = json(&wire::PollingRequest {
            responseID: response_id,
        })?;
        loop {
            let left = self.config.confirm_timeout.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Err(CscError::Timeout {
                    seconds: self.config.confirm_timeout.as_secs(),
                });
            }
            std::thread::sleep(self.config.poll_interval.min(left));
            match self.call::<wire::SignHashResponse>("signatures/signPolling", &body) {
                Ok(wire::SignHashResponse {
                    signatures: Some(s),
                    ..
                }) => return Ok(s),
                Ok(_) | Err(CscError::Service { status: 202, .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }
}
