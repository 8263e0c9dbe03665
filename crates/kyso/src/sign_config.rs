//! Signing options in one JSON shape, shared by the C ABI (and through it Java and .NET):
//! ```json
//! {"signer": {"pkcs11": {"module": "/usr/lib/softhsm/libsofthsm2.so", "token": "…",
//!                        "key_label": "…", "pin": "…"}}
//!          | {"p12": {"path": "/path/to/key.p12", "password": "…"}}
//!          | {"csc": {"url": "http://127.0.0.1:8443/csc/v2", "credential": "…", "api": "v2",
//!                     "token_env": "…", "pin_env": "…", "otp_env": "…", "async": true,
//!                     "timeout_seconds": 120}},
//!  "level": "B-B" | "B-T" | "B-LT" | "B-LTA", "tsa": "http://…", "online": false,
//!  "profile": "invisible" | "approval" | "issuance" | "attachment" | "copy" | "appendix"
//!             | "income" | "comment",
//!  "image": "/path/to/signature-or-seal.png", "page": 1, "rect": "X,Y,W,H",
//!  "doc_number": "…", "copy_type": "SAO Y", "organization": "…", "font": "/path/to.ttf",
//!  "issued_date": "07/01/2025", "income_number": "…", "received": "RFC 3339", "text": "…",
//!  "name": "…", "title": "…",
//!  "seal_width_mm": 36,
//!  "sub_filter": "ETSI.CAdES.detached" | "adbe.pkcs7.detached",
//!  "field": "Signature1", "reason": "…", "location": "…", "contact_info": "…",
//!  "chain": ["-----BEGIN CERTIFICATE-----…" or "/path/to/chain.pem"]}
//! ```
//! Only `signer` is required. The names follow the CLI's `kyso sign` flags. Instead of `pin`
//! (or `password`), `pin_env` (or `password_env`) names an environment variable holding it; a
//! PKCS#11 `module` defaults to `KYSO_PKCS11_MODULE`, else SoftHSM2's.
//!
//! `level` above `B-B` needs `"tsa": "http://…"` (and for B-LT/B-LTA validation data:
//! `"online": true`, `"crls"`, `"ocsp_responses"`, `"ca_certs"`); without a TSA it is rejected
//! with [`SignConfigError::Unsupported`] rather than silently signing something else. A workflow
//! profile is built (images and font loaded) before the key is opened, so a mistake there does not
//! cost a PIN try.
//!
//! Text blocks use the built-in Liberation Serif unless `font` names a file. What signing
//! assumed on the caller's behalf comes back as warnings ([`SignResult`], e.g.
//! `SEAL_SIZE_ASSUMED` for a seal PNG without `pHYs` and no `seal_width_mm`), never as an error.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::token::SoftwareSigner;
#[cfg(feature = "pkcs11")]
use crate::token::pkcs11::{Module, SignerOptions, TokenSession};
use crate::token::{PinSource, Signer};
use crate::{Error, PadesOptions, SignedPdf, SubFilter};

/// The JSON signing options object.
#[derive(Debug, Deserialize)]
// The derived deserializer (`remote = "Self"`) reads this object's own fields, unknown ones
// refused; the `Deserialize` impl below first takes out the flattened LTV fields (serde's
// `flatten` would silently accept unknown fields).
#[serde(remote = "Self", deny_unknown_fields)]
pub struct SignConfig {
    /// Where the key is.
    pub signer: SignerConfig,
    /// PAdES level: `B-B` (the default), `B-T`, `B-LT` or `B-LTA`; above B-B needs `tsa`.
    #[serde(default)]
    pub level: Option<String>,
    /// Time-stamp authority and validation data (`tsa`, `tsa_digest`, `online`, `crls`,
    /// `ocsp_responses`, `ca_certs`): the fields of [`crate::LtvConfig`], flattened into this
    /// object (in JSON they sit beside `level`).
    #[serde(skip)]
    pub ltv: crate::LtvConfig,
    /// Signature profile: `invisible` (the default), `approval`, `issuance`, `attachment` or
    /// `copy` (the Decree 30 workflows; see [`crate::workflows`]).
    #[serde(default)]
    pub profile: Option<String>,
    /// PNG file: the signature image (approval) or the seal (issuance).
    #[serde(default)]
    pub image: Option<String>,
    /// 1-based page of the appearance.
    #[serde(default)]
    pub page: Option<u32>,
    /// Appearance rectangle `"X,Y,W,H"` in points, origin bottom-left.
    #[serde(default)]
    pub rect: Option<String>,
    /// Document number and symbol (attachment).
    #[serde(default)]
    pub doc_number: Option<String>,
    /// `SAO Y`, `SAO LỤC` or `TRÍCH SAO` (copy).
    #[serde(default)]
    pub copy_type: Option<String>,
    /// Organisation name (copy, income: the receiving organisation; optional text next to the
    /// seal for issuance).
    #[serde(default)]
    pub organization: Option<String>,
    /// The issuing date shown with the seal (issuance), e.g. `07/01/2025`.
    #[serde(default)]
    pub issued_date: Option<String>,
    /// The incoming number (income).
    #[serde(default)]
    pub income_number: Option<String>,
    /// When the document was received, RFC 3339 (income); the signing time by default.
    #[serde(default)]
    pub received: Option<String>,
    /// The comment's text (comment).
    #[serde(default)]
    pub text: Option<String>,
    /// The commenter's name and title (comment); the certificate's by default.
    #[serde(default)]
    pub name: Option<String>,
    /// See `name`.
    #[serde(default)]
    pub title: Option<String>,
    /// TrueType font file for text blocks (it must have every Vietnamese letter); the built-in
    /// Liberation Serif 2.1.5 by default.
    #[serde(default)]
    pub font: Option<String>,
    /// The seal's real width in millimetres when the PNG does not say (issuance); without
    /// either, 36 mm with the warning `SEAL_SIZE_ASSUMED`.
    #[serde(default)]
    pub seal_width_mm: Option<f32>,
    /// Allow the appearance to cover other signatures.
    #[serde(default)]
    pub allow_overlap: bool,
    /// `ETSI.CAdES.detached` (the default) or `adbe.pkcs7.detached`.
    #[serde(default)]
    pub sub_filter: Option<String>,
    /// Signature field name; `SignatureN` by default.
    #[serde(default)]
    pub field: Option<String>,
    /// `/Reason`.
    #[serde(default)]
    pub reason: Option<String>,
    /// `/Location`.
    #[serde(default)]
    pub location: Option<String>,
    /// `/ContactInfo`.
    #[serde(default)]
    pub contact_info: Option<String>,
    /// Certify the document (only as its first signature): the DocMDP permission level, 1 (no
    /// change), 2 (form filling and signing) or 3 (also annotations).
    #[serde(default)]
    pub certify: Option<u8>,
    /// Issuing CA certificates to embed (PEM text or paths, nearest first), like the CLI's
    /// `--chain`: needed when the token holds only the signer's certificate.
    #[serde(default)]
    pub chain: Vec<String>,
}

impl<'de> Deserialize<'de> for SignConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut object = serde_json::Map::deserialize(deserializer)?;
        let ltv = crate::LtvConfig::take_from(&mut object).map_err(D::Error::custom)?;
        let mut config =
            SignConfig::deserialize(serde_json::Value::Object(object)).map_err(D::Error::custom)?;
        config.ltv = ltv;
        Ok(config)
    }
}

/// Which key signs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum SignerConfig {
    /// A key on a PKCS#11 token (USB token, smart card, HSM).
    Pkcs11(Pkcs11Config),
    /// A PKCS#12 file.
    P12(P12Config),
    /// A remote signing service (Cloud Signature Consortium API; feature `net`): see
    /// `kyso::remote`.
    Csc(Box<CscSignerConfig>),
    /// A key elsewhere (two-step signing, [`crate::two_step`]): only its certificate is here.
    External(ExternalConfig),
}

/// The certificate of a key that signs elsewhere.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalConfig {
    /// The signer's certificate: PEM text, or a file (PEM or DER).
    pub certificate: String,
}

/// A credential of a remote signing service (CSC API v1.0.4 or v2). Each secret is given
/// directly or as the name of an environment variable (`…_env`), not both.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CscSignerConfig {
    /// Base URI of the API, e.g. `http://127.0.0.1:8443/csc/v2`.
    pub url: String,
    /// `credentialID`.
    pub credential: String,
    /// `v1` or `v2` (the default).
    #[serde(default)]
    pub api: Option<String>,
    /// Bearer access token.
    #[serde(default)]
    pub token: Option<String>,
    /// Environment variable holding the access token.
    #[serde(default)]
    pub token_env: Option<String>,
    /// OAuth2 client ID (client credentials, instead of a token).
    #[serde(default)]
    pub client_id: Option<String>,
    /// OAuth2 client secret.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Environment variable holding the OAuth2 client secret.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// PIN for `credentials/authorize`.
    #[serde(default)]
    pub pin: Option<String>,
    /// Environment variable holding the PIN.
    #[serde(default)]
    pub pin_env: Option<String>,
    /// One-time password for `credentials/authorize`.
    #[serde(default)]
    pub otp: Option<String>,
    /// Environment variable holding the OTP.
    #[serde(default)]
    pub otp_env: Option<String>,
    /// Asynchronous signing (v2): the user confirms on their phone while kyso polls.
    #[serde(default, rename = "async")]
    pub asynchronous: bool,
    /// Seconds to wait for the confirmation (120 by default).
    #[serde(default)]
    pub timeout_seconds: Option<u64>,
    /// Milliseconds between polls (2000 by default).
    #[serde(default)]
    pub poll_ms: Option<u64>,
}

impl fmt::Debug for CscSignerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "<hidden>");
        f.debug_struct("CscSignerConfig")
            .field("url", &self.url)
            .field("credential", &self.credential)
            .field("api", &self.api)
            .field("token", &hidden(&self.token))
            .field("token_env", &self.token_env)
            .field("client_id", &self.client_id)
            .field("client_secret", &hidden(&self.client_secret))
            .field("client_secret_env", &self.client_secret_env)
            .field("pin", &hidden(&self.pin))
            .field("pin_env", &self.pin_env)
            .field("otp", &hidden(&self.otp))
            .field("otp_env", &self.otp_env)
            .field("async", &self.asynchronous)
            .finish_non_exhaustive()
    }
}

impl Drop for CscSignerConfig {
    fn drop(&mut self) {
        self.token.zeroize();
        self.client_secret.zeroize();
        self.pin.zeroize();
        self.otp.zeroize();
    }
}

#[cfg(feature = "net")]
impl CscSignerConfig {
    /// The client configuration (secrets read now).
    pub fn config(&self) -> Result<crate::remote::CscConfig, SignConfigError> {
        use crate::remote::{CscApi, CscAuth, CscConfig};
        let mut config = CscConfig::new(self.url.clone());
        config.api = match self.api.as_deref() {
            None | Some("v2") => CscApi::V2,
            Some("v1") => CscApi::V1,
            Some(other) => {
                return Err(SignConfigError::Unsupported {
                    option: "signer.csc.api",
                    value: other.into(),
                    supported: "\"v1\" or \"v2\"",
                });
            }
        };
        let token = secret(&self.token, &self.token_env, "token")?;
        config.auth = match (token, &self.client_id) {
            (Some(_), Some(_)) => {
                return Err(SignConfigError::Invalid(
                    "signer.csc: give a token or client credentials, not both".into(),
                ));
            }
            (Some(t), None) => CscAuth::Bearer(t),
            (None, Some(id)) => CscAuth::ClientCredentials {
                client_id: id.clone(),
                client_secret: secret(
                    &self.client_secret,
                    &self.client_secret_env,
                    "client_secret",
                )?
                .ok_or_else(|| {
                    SignConfigError::Invalid(
                        "signer.csc.client_id needs \"client_secret\" or \"client_secret_env\""
                            .into(),
                    )
                })?,
            },
            (None, None) => CscAuth::None,
        };
        config.pin = secret(&self.pin, &self.pin_env, "pin")?;
        config.otp = secret(&self.otp, &self.otp_env, "otp")?;
        if self.asynchronous && config.api == CscApi::V1 {
            return Err(SignConfigError::Invalid(
                "signer.csc: \"async\" needs \"api\": \"v2\"".into(),
            ));
        }
        config.asynchronous = self.asynchronous;
        if let Some(s) = self.timeout_seconds {
            config.confirm_timeout = std::time::Duration::from_secs(s);
        }
        if let Some(ms) = self.poll_ms {
            config.poll_interval = std::time::Duration::from_millis(ms);
        }
        Ok(config)
    }
}

/// A key on a PKCS#11 token.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pkcs11Config {
    /// Path of the PKCS#11 module; `KYSO_PKCS11_MODULE`, else SoftHSM2's, when absent.
    #[serde(default)]
    pub module: Option<String>,
    /// Token label.
    pub token: String,
    /// Label of the private key on the token.
    pub key_label: String,
    /// The user PIN.
    #[serde(default)]
    pub pin: Option<String>,
    /// Name of an environment variable holding the user PIN.
    #[serde(default)]
    pub pin_env: Option<String>,
}

/// A PKCS#12 file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct P12Config {
    /// Path of the file.
    pub path: String,
    /// Its password (empty when absent).
    #[serde(default)]
    pub password: Option<String>,
    /// Name of an environment variable holding the password.
    #[serde(default)]
    pub password_env: Option<String>,
}

impl fmt::Debug for Pkcs11Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Config")
            .field("module", &self.module)
            .field("token", &self.token)
            .field("key_label", &self.key_label)
            .field("pin", &self.pin.as_ref().map(|_| "<hidden>"))
            .field("pin_env", &self.pin_env)
            .finish()
    }
}

impl fmt::Debug for P12Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("P12Config")
            .field("path", &self.path)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("password_env", &self.password_env)
            .finish()
    }
}

impl Drop for Pkcs11Config {
    fn drop(&mut self) {
        self.pin.zeroize();
    }
}

impl Drop for P12Config {
    fn drop(&mut self) {
        self.password.zeroize();
    }
}

/// Why signing options were refused, or signing failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignConfigError {
    /// The JSON is malformed or a value is invalid (code 7001).
    #[error("invalid signing options: {0}")]
    Invalid(String),
    /// A well-formed value this version does not support yet (code 7002).
    #[error("unsupported {option} {value:?}: this version supports {supported}")]
    Unsupported {
        /// The option's name (`level`, `profile`, `sub_filter`).
        option: &'static str,
        /// The value given.
        value: String,
        /// What is supported, for the message.
        supported: &'static str,
    },
    /// Opening the key or signing failed.
    #[error(transparent)]
    Kyso(#[from] Error),
}

impl SignConfigError {
    /// A stable numeric code: 7001 invalid options, 7002 unsupported option value, else the
    /// code of the underlying [`Error`].
    pub fn code(&self) -> u32 {
        match self {
            Self::Invalid(_) => 7001,
            Self::Unsupported { .. } => 7002,
            Self::Kyso(e) => e.code(),
        }
    }
}

impl From<crate::token::TokenError> for SignConfigError {
    fn from(e: crate::token::TokenError) -> Self {
        Self::Kyso(e.into())
    }
}

impl SignConfig {
    /// Parse the JSON signing options object.
    pub fn from_json(json: &str) -> Result<Self, SignConfigError> {
        let invalid =
            |e: serde_json::Error| SignConfigError::Invalid(format!("signing options JSON: {e}"));
        let value: serde_json::Value = serde_json::from_str(json).map_err(invalid)?;
        // serde would also read the struct from an array of its fields in order.
        if !value.is_object() {
            return Err(SignConfigError::Invalid(
                "signing options JSON: expected an object ({…})".into(),
            ));
        }
        serde_json::from_value(value).map_err(invalid)
    }

    /// The PAdES options these settings describe, signing time now. Checks `level` and
    /// `profile` without touching the key.
    pub fn pades_options(&self) -> Result<PadesOptions, SignConfigError> {
        self.level()?;
        self.options_without_level()
    }

    /// [`SignConfig::pades_options`] without the level's check (two-step signing time-stamps
    /// when finishing).
    fn options_without_level(&self) -> Result<PadesOptions, SignConfigError> {
        self.workflow_role()?;
        let mut options = PadesOptions::new(crate::signing_time_now());
        options.sub_filter = match self.sub_filter.as_deref() {
            None | Some("ETSI.CAdES.detached") => SubFilter::CadesDetached,
            Some("adbe.pkcs7.detached") => SubFilter::Pkcs7Detached,
            Some(other) => {
                return Err(SignConfigError::Unsupported {
                    option: "sub_filter",
                    value: other.into(),
                    supported: "\"ETSI.CAdES.detached\" or \"adbe.pkcs7.detached\"",
                });
            }
        };
        options.field_name.clone_from(&self.field);
        options.reason.clone_from(&self.reason);
        options.location.clone_from(&self.location);
        options.contact_info.clone_from(&self.contact_info);
        options.certification = match self.certify {
            None => None,
            Some(p @ 1..=3) => Some(p),
            Some(other) => {
                return Err(SignConfigError::Unsupported {
                    option: "certify",
                    value: other.to_string(),
                    supported: "1, 2 or 3",
                });
            }
        };
        Ok(options)
    }

    /// The PAdES level; levels above B-B without a `tsa` are refused.
    pub fn level(&self) -> Result<crate::ltv::Level, SignConfigError> {
        use crate::ltv::Level;
        let unsupported = |value: &str| SignConfigError::Unsupported {
            option: "level",
            value: value.into(),
            supported: "\"B-B\", or with \"tsa\": \"B-T\", \"B-LT\", \"B-LTA\"",
        };
        let Some(name) = self.level.as_deref() else {
            return Ok(Level::BB);
        };
        let level: Level = name.parse().map_err(|_| unsupported(name))?;
        if level > Level::BB && self.ltv.tsa.is_none() {
            return Err(unsupported(name));
        }
        Ok(level)
    }

    /// The workflow role the `profile` names, `None` for an invisible signature.
    fn workflow_role(&self) -> Result<Option<crate::workflows::Role>, SignConfigError> {
        match self.profile.as_deref() {
            None | Some("invisible") => Ok(None),
            Some(name) => crate::workflows::Role::from_name(name).map(Some).ok_or_else(|| {
                SignConfigError::Unsupported {
                    option: "profile",
                    value: name.into(),
                    supported: "\"invisible\", \"approval\", \"issuance\", \"attachment\", \"copy\", \"appendix\", \"income\" or \"comment\"",
                }
            }),
        }
    }

    /// The Decree 30 workflow these options describe (images and fonts loaded), if any.
    pub fn workflow(&self) -> Result<Option<crate::workflows::Workflow>, Error> {
        let Some(role) = self
            .workflow_role()
            .map_err(|e| Error::Options(e.to_string()))?
        else {
            return Ok(None);
        };
        let request = crate::workflows::ProfileRequest {
            image: self.image.as_ref().map(Into::into),
            page: self.page,
            rect: self
                .rect
                .as_deref()
                .map(crate::workflows::parse_rect)
                .transpose()?,
            doc_number: self.doc_number.clone(),
            copy_type: self.copy_type.clone(),
            organization: self.organization.clone(),
            issued_date: self.issued_date.clone(),
            income_number: self.income_number.clone(),
            received: self.received.clone(),
            text: self.text.clone(),
            name: self.name.clone(),
            title: self.title.clone(),
            font: self.font.as_ref().map(Into::into),
            seal_width_mm: self.seal_width_mm,
            allow_overlap: self.allow_overlap,
            ..crate::workflows::ProfileRequest::new(role)
        };
        Ok(Some(request.workflow()?))
    }

    /// Prepare `bytes` for two-step signing ([`crate::two_step::prepare`]) as these options
    /// say, for the external signer's certificate; `level` may be above B-B without `tsa`
    /// (the time-stamp is added when finishing).
    pub fn prepare(&self, bytes: &[u8]) -> Result<crate::two_step::Prepared, SignConfigError> {
        let SignerConfig::External(external) = &self.signer else {
            return Err(SignConfigError::Invalid(
                "two-step signing needs \"signer\": {\"external\": {\"certificate\": …}}".into(),
            ));
        };
        let level = match self.level.as_deref() {
            None => crate::ltv::Level::BB,
            Some(name) => name.parse().map_err(|_| SignConfigError::Unsupported {
                option: "level",
                value: name.into(),
                supported: "\"B-B\", \"B-T\", \"B-LT\", \"B-LTA\"",
            })?,
        };
        let options = self.options_without_level()?;
        let workflow = self.workflow()?;
        let certificate = certificates_of(&external.certificate)?
            .into_iter()
            .next()
            .ok_or_else(|| SignConfigError::Invalid("signer.external.certificate: none".into()))?;
        let chain = self.chain_certificates()?;
        Ok(crate::two_step::prepare(
            bytes,
            certificate,
            chain,
            &options,
            workflow.as_ref(),
            level,
        )?)
    }

    /// The `chain` certificates (PEM text or files).
    fn chain_certificates(&self) -> Result<Vec<x509_cert::Certificate>, SignConfigError> {
        let mut chain = Vec::new();
        for entry in &self.chain {
            chain.extend(certificates_of(entry)?);
        }
        Ok(chain)
    }

    /// Open the key: load the PKCS#12 file, or open the token and log in once.
    pub fn open_signer(&self) -> Result<Box<dyn Signer>, SignConfigError> {
        let chain = self.chain_certificates()?;
        match &self.signer {
            SignerConfig::External(_) => Err(SignConfigError::Invalid(
                "signer.external: a key that signs elsewhere is used in two steps (kyso_sign_prepare, then kyso_sign_finish)".into(),
            )),
            SignerConfig::P12(p12) => {
                let password = secret(&p12.password, &p12.password_env, "password")?
                    .unwrap_or_else(|| Zeroizing::new(String::new()));
                let signer = SoftwareSigner::from_pkcs12_file(&p12.path, &password)?;
                Ok(Box::new(if chain.is_empty() {
                    signer
                } else {
                    signer.with_chain(chain)
                }))
            }
            #[cfg(not(feature = "pkcs11"))]
            SignerConfig::Pkcs11(_) => Err(SignConfigError::Invalid(
                "signer.pkcs11: this build has no PKCS#11 support".into(),
            )),
            #[cfg(feature = "pkcs11")]
            SignerConfig::Pkcs11(p11) => {
                let pin = secret(&p11.pin, &p11.pin_env, "pin")?.ok_or_else(|| {
                    SignConfigError::Invalid("signer.pkcs11 needs \"pin\" or \"pin_env\"".into())
                })?;
                let module = match &p11.module {
                    Some(path) => Module::open(path)?,
                    None => Module::from_env()?,
                };
                let session = TokenSession::open(&module, &p11.token)?;
                session.login(PinSource::Value(pin), Default::default())?;
                let mut options = SignerOptions::by_label(p11.key_label.clone());
                options.chain = chain;
                Ok(Box::new(session.signer(options)?))
            }
            #[cfg(not(feature = "net"))]
            SignerConfig::Csc(_) => Err(SignConfigError::Invalid(
                "signer.csc: this build has no network support".into(),
            )),
            #[cfg(feature = "net")]
            SignerConfig::Csc(csc) => {
                if !chain.is_empty() {
                    return Err(SignConfigError::Invalid(
                        "\"chain\" is not used with signer.csc: the service gives the chain".into(),
                    ));
                }
                let signer = crate::remote::CscSigner::open(csc.config()?, &csc.credential)
                    .map_err(Error::from)?;
                Ok(Box::new(signer))
            }
        }
    }
}

/// The certificates of `entry`: PEM text, or a file (PEM or DER).
fn certificates_of(entry: &str) -> Result<Vec<x509_cert::Certificate>, SignConfigError> {
    Ok(if entry.contains("-----BEGIN") {
        crate::token::parse_certificates(entry.as_bytes())?
    } else {
        crate::token::load_certificates(entry)?
    })
}

/// A secret given directly or through an environment variable (not both).
fn secret(
    value: &Option<String>,
    env: &Option<String>,
    name: &str,
) -> Result<Option<Zeroizing<String>>, SignConfigError> {
    match (value, env) {
        (Some(_), Some(_)) => Err(SignConfigError::Invalid(format!(
            "give \"{name}\" or \"{name}_env\", not both"
        ))),
        (Some(v), None) => Ok(Some(Zeroizing::new(v.clone()))),
        (None, Some(var)) => Ok(Some(PinSource::Env(var.clone()).resolve()?)),
        (None, None) => Ok(None),
    }
}

/// What signing reports besides the signed file, as JSON (the C ABI's
/// `kyso_sign_pdf_with_result`, and the core of `kyso sign --json`):
/// `{"field": "Signature1", "size": 12345, "warnings": [{"code": "SEAL_SIZE_ASSUMED",
/// "severity": "warning", "vi": "…", "en": "…"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignResult {
    /// The signature field that was signed.
    pub field: String,
    /// Size of the signed file in bytes.
    pub size: usize,
    /// What was assumed on the caller's behalf (empty when nothing was): each with a stable
    /// `code`, `severity` and text in Vietnamese (`vi`) and English (`en`).
    pub warnings: Vec<crate::report::Reason>,
}

impl SignResult {
    /// The result of `signed`.
    pub fn of(signed: &SignedPdf) -> Self {
        Self {
            field: signed.field_name.clone(),
            size: signed.bytes.len(),
            warnings: signed.warnings.clone(),
        }
    }

    /// As a JSON object.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

/// Sign a PDF held in memory as the JSON signing options say: the C ABI's `kyso_sign_pdf`
/// (and with [`SignResult::of`] its `kyso_sign_pdf_with_result`). The warnings are in
/// [`SignedPdf::warnings`].
pub fn sign_pdf_json(bytes: &[u8], options_json: &str) -> Result<SignedPdf, SignConfigError> {
    let config = SignConfig::from_json(options_json)?;
    Ok(config.sign(bytes)?.0)
}

impl SignConfig {
    /// Sign `bytes` as these options say, with the long-term validation summary for B-LT and
    /// above. The options are checked, and images and fonts loaded, before the key is opened:
    /// a refused option must not cost a PIN try.
    pub fn sign(
        &self,
        bytes: &[u8],
    ) -> Result<(SignedPdf, Option<crate::ltv::LtvSummary>), SignConfigError> {
        // Unsupported values keep their own code (7002): checked before the profile is built.
        self.pades_options()?;
        let workflow = self.workflow()?;
        self.sign_in(bytes, workflow.as_ref())
    }

    /// Like [`SignConfig::sign`], in `workflow` (already built, e.g. from a VGCA request)
    /// instead of the profile these options describe.
    pub fn sign_in(
        &self,
        bytes: &[u8],
        workflow: Option<&crate::workflows::Workflow>,
    ) -> Result<(SignedPdf, Option<crate::ltv::LtvSummary>), SignConfigError> {
        let options = self.pades_options()?;
        let level = self.level()?;
        let stamper = self.ltv.stamper()?;
        let ltv = self.ltv.options()?;
        crate::ltv::options_for_level(&options, level, stamper.as_ref())?;
        let signer = self.open_signer()?;
        Ok(crate::ltv::sign_document(
            bytes,
            signer.as_ref(),
            &options,
            workflow,
            level,
            &ltv,
            stamper.as_ref(),
        )?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn parses_both_signer_kinds() {
        let c = SignConfig::from_json(
            r#"{"signer":{"pkcs11":{"token":"t","key_label":"k","pin":"1234"}},"level":"B-B"}"#,
        )
        .unwrap();
        assert!(matches!(c.signer, SignerConfig::Pkcs11(_)));
        assert!(!format!("{c:?}").contains("1234"));
        let c =
            SignConfig::from_json(r#"{"signer":{"p12":{"path":"a.p12"}},"reason":"r"}"#).unwrap();
        assert!(matches!(c.signer, SignerConfig::P12(_)));
        assert_eq!(c.pades_options().unwrap().reason.as_deref(), Some("r"));
    }

    #[test]
    fn ltv_fields_sit_flattened_beside_the_signing_fields() {
        let c = SignConfig::from_json(
            r#"{"signer":{"p12":{"path":"a"}},"level":"B-LT","tsa":"http://127.0.0.1:9/",
                "tsa_digest":"sha384","online":true,"crls":["x.crl"],"ocsp_responses":["o.der"],
                "ca_certs":["ca.pem"],"reason":"r"}"#,
        )
        .unwrap();
        assert_eq!(c.ltv.tsa.as_deref(), Some("http://127.0.0.1:9/"));
        assert_eq!(c.ltv.tsa_digest.as_deref(), Some("sha384"));
        assert_eq!(c.ltv.online, Some(true));
        assert_eq!(c.ltv.crls, ["x.crl"]);
        assert_eq!(c.ltv.ocsp_responses, ["o.der"]);
        assert_eq!(c.ltv.ca_certs, ["ca.pem"]);
        assert_eq!(c.reason.as_deref(), Some("r"));
        // Unknown fields are refused with the LTV fields flattened in, and an LTV field of the
        // wrong type is refused too.
        for bad in [
            r#"{"signer":{"p12":{"path":"a"}},"tsa":"http://x/","tsa_url":"http://x/"}"#,
            r#"{"signer":{"p12":{"path":"a"}},"online":"yes"}"#,
            r#"{"signer":{"p12":{"path":"a"}},"ltv":{}}"#,
        ] {
            assert_eq!(
                SignConfig::from_json(bad).unwrap_err().code(),
                7001,
                "{bad}"
            );
        }
    }

    #[test]
    fn an_unsupported_profile_keeps_its_code_through_sign() {
        let e = sign_pdf_json(
            b"%PDF-1.7",
            r#"{"signer":{"p12":{"path":"x.p12"}},"profile":"stamp"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), 7002, "{e}");
    }

    #[test]
    fn refuses_unsupported_and_malformed() {
        let e = SignConfig::from_json(r#"{"signer":{"p12":{"path":"a"}},"level":"B-LTA"}"#)
            .unwrap()
            .pades_options()
            .unwrap_err();
        assert_eq!(e.code(), 7002);
        assert!(e.to_string().contains("B-LTA"));
        let e = SignConfig::from_json(r#"{"signer":{"p12":{"path":"a"}},"profile":"stamp"}"#)
            .unwrap()
            .pades_options()
            .unwrap_err();
        assert_eq!(e.code(), 7002);
        // A workflow profile is checked (and its files loaded) before the key is opened.
        let approval = SignConfig::from_json(
            r#"{"signer":{"p12":{"path":"/nonexistent.p12"}},"profile":"approval","rect":"10,10,100,40"}"#,
        )
        .unwrap();
        assert!(approval.pades_options().is_ok());
        let e = sign_pdf_json(
            b"%PDF-1.7",
            r#"{"signer":{"p12":{"path":"/nonexistent.p12"}},"profile":"approval"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("image"), "{e}");
        for bad in [
            "{",
            "{}",
            r#"{"signer":{"p12":{"path":"a"}},"colour":"red"}"#,
            r#"{"signer":{"x":{}}}"#,
        ] {
            assert_eq!(
                SignConfig::from_json(bad).unwrap_err().code(),
                7001,
                "{bad}"
            );
        }
        let e = sign_pdf_json(
            b"%PDF-1.7",
            r#"{"signer":{"p12":{"path":"/nonexistent.p12"}}}"#,
        )
        .unwrap_err();
        assert_ne!(e.code(), 0);
    }
}
