//! A CSC credential as `credentials/info` describes it: the certificate chain, the signature
//! scheme its key gives, and how it is authorized.

use base64ct::{Base64, Encoding};
use der::Decode;
use kyso_policy::algorithms::KeyKind;
use kyso_token::SignatureScheme;
use x509_cert::Certificate;

use super::error::CscError;
use super::wire::CredentialInfoResponse;

/// How `credentials/authorize` is satisfied (`authMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMode {
    /// The service authorizes by itself (e.g. the user confirms in a phone app).
    Implicit,
    /// The client sends the PIN and/or OTP.
    Explicit,
    /// An OAuth2 authorization-code flow in a browser (not supported by this client).
    OAuth2Code,
}

/// One credential of the service.
#[derive(Debug, Clone)]
pub struct Credential {
    /// `credentialID`.
    pub id: String,
    /// The signer's certificate.
    pub certificate: Certificate,
    /// The issuing CAs the service returned, nearest first.
    pub chain: Vec<Certificate>,
    /// The scheme the key signs with (from the certificate's key).
    pub scheme: SignatureScheme,
    /// The key's size in bits.
    pub key_bits: u32,
    /// `authMode`.
    pub auth_mode: AuthMode,
    /// Sole Control Assurance Level: 1, or 2 (the hashes are bound to the authorization).
    pub scal: u8,
    /// How many signatures one authorization allows (`multisign`; 1 when absent).
    pub multisign: usize,
    /// Whether a PIN is required (`PIN.presence` true).
    pub pin_required: bool,
    /// Whether an OTP is required (`OTP.presence` true).
    pub otp_required: bool,
    /// The certificate's status as the service reports it (`valid`, `expired`, `revoked`,
    /// `suspended`; empty when not reported). Informative: the verifier decides.
    pub certificate_status: String,
}

impl Credential {
    /// Read a `credentials/info` answer.
    pub(crate) fn from_info(id: &str, info: CredentialInfoResponse) -> Result<Self, CscError> {
        if info.key.status.eq_ignore_ascii_case("disabled") {
            return Err(CscError::protocol(format!("the key of {id} is disabled")));
        }
        let mut certs = Vec::new();
        for (i, b64) in info.cert.certificates.iter().enumerate() {
            let der = Base64::decode_vec(b64.trim()).map_err(|e| {
                CscError::protocol(format!("certificate {i} of {id} is not base64: {e}"))
            })?;
            certs.push(Certificate::from_der(&der).map_err(|e| {
                CscError::protocol(format!("certificate {i} of {id} does not decode: {e}"))
            })?);
        }
        if certs.is_empty() {
            return Err(CscError::protocol(format!(
                "credentials/info of {id} returned no certificate"
            )));
        }
        let certificate = certs.remove(0);
        let spki = certificate.tbs_certificate().subject_public_key_info();
        let (kind, key_bits) = kyso_policy::algorithms::key_info(spki)
            .map_err(|e| CscError::protocol(format!("the key of {id} is not supported: {e}")))?;
        let scheme = match kind {
            KeyKind::Rsa => SignatureScheme::RsaPkcs1Sha256,
            KeyKind::EcP256 => SignatureScheme::EcdsaP256Sha256,
            KeyKind::EcP384 => SignatureScheme::EcdsaP384Sha384,
            other => {
                return Err(CscError::protocol(format!(
                    "the key of {id} ({other:?}) is not supported"
                )));
            }
        };
        let auth_mode = match info.authMode.to_ascii_lowercase().as_str() {
            "implicit" => AuthMode::Implicit,
            "oauth2code" => AuthMode::OAuth2Code,
            // v1.0.4 default, and what services that omit it expect.
            _ => AuthMode::Explicit,
        };
        let number = |v: &Option<serde_json::Value>| -> Option<u64> {
            match v {
                Some(serde_json::Value::Number(n)) => n.as_u64(),
                Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
                _ => None,
            }
        };
        let required = |p: &Option<super::wire::Presence>| {
            p.as_ref().is_some_and(|p| match &p.presence {
                serde_json::Value::Bool(b) => *b,
                serde_json::Value::String(s) => s.eq_ignore_ascii_case("true"),
                _ => false,
            })
        };
        Ok(Self {
            id: id.to_owned(),
            chain: certs,
            scheme,
            key_bits,
            auth_mode,
            scal: if number(&info.SCAL) == Some(2) { 2 } else { 1 },
            multisign: number(&info.multisign)
                .and_then(|n| usize::try_from(n).ok())
                .filter(|&n| n > 0)
                .unwrap_or(1),
            pin_required: required(&info.PIN),
            otp_required: required(&info.OTP),
            certificate_status: info.cert.status,
            certificate,
        })
    }

    /// An upper bound of a signature's length in bytes.
    pub fn max_signature_len(&self) -> usize {
        match self.scheme {
            SignatureScheme::EcdsaP256Sha256 => 72,
            SignatureScheme::EcdsaP384Sha384 => 104,
            _ => usize::try_from(self.key_bits.div_ceil(8)).unwrap_or(1024),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The variant field forms parse (`multiSign` as a string, `SCAL` as a number, `presence`
    /// as a boolean or a string); a disabled key, a missing or undecodable certificate are
    /// protocol errors, never a panic.
    #[test]
    fn malformed_credential_info_is_a_protocol_error() {
        let parse = |json: &str| {
            let info: CredentialInfoResponse = serde_json::from_str(json).unwrap();
            Credential::from_info("c", info)
        };
        let bad_cert = r#"{"cert": {"certificates": ["MAA="]}, "multiSign": "3", "SCAL": 2,
                            "PIN": {"presence": true}, "OTP": {"presence": "false"}}"#;
        assert!(matches!(parse(bad_cert), Err(CscError::Protocol { .. })));
        let none = r#"{"cert": {"certificates": []}}"#;
        assert!(matches!(parse(none), Err(CscError::Protocol { .. })));
        let disabled = r#"{"key": {"status": "disabled"}, "cert": {"certificates": []}}"#;
        let err = parse(disabled).unwrap_err().to_string();
        assert!(err.contains("disabled"), "{err}");
        let not_base64 = r#"{"cert": {"certificates": ["***"]}}"#;
        assert!(matches!(parse(not_base64), Err(CscError::Protocol { .. })));
    }

    #[test]
    fn list_answers_accept_the_id_spellings() {
        for json in [
            r#"{"credentialIDs": ["a", "b"]}"#,
            r#"{"credentialIds": ["a", "b"]}"#,
        ] {
            let list: super::super::wire::ListResponse = serde_json::from_str(json).unwrap();
            assert_eq!(list.credentialIDs, ["a", "b"]);
        }
    }
}
