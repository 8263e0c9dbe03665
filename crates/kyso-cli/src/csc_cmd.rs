//! Remote signing flags (`--csc …`, shared by `kyso sign` and `kyso vgca` through
//! [`crate::sign_cmd::SignerArgs`]) and `kyso csc list`. Secrets are only ever named by the
//! environment variable that holds them.

use std::time::Duration;

use clap::{Args, ValueEnum};
use kyso::Error;
use kyso::remote::{CscApi, CscAuth, CscConfig, CscSigner};
use kyso::token::PinSource;

#[derive(Clone, Copy, ValueEnum)]
pub enum CscApiArg {
    V1,
    V2,
}

/// A remote signing service speaking the CSC API.
#[derive(Args)]
pub struct CscArgs {
    /// Ký từ xa — base URI of a Cloud Signature Consortium API service (VNPT SmartCA, Viettel
    /// MySign, …), e.g. https://…/csc/v2 (builds with the csc-tls feature) or
    /// http://127.0.0.1:8443/csc/v2 (plain http:// only to 127.0.0.1).
    #[arg(long, value_name = "URL")]
    pub csc: Option<String>,
    /// The credential (key and certificate) to sign with; `kyso csc list` shows them.
    #[arg(long, value_name = "ID", requires = "csc")]
    pub csc_credential: Option<String>,
    /// CSC API version.
    #[arg(long, value_enum, default_value = "v2")]
    pub csc_api: CscApiArg,
    /// Environment variable holding the access token (Bearer).
    #[arg(long, value_name = "VAR", conflicts_with = "csc_client_id")]
    pub csc_token_env: Option<String>,
    /// OAuth2 client ID (client credentials, exchanged at oauth2/token).
    #[arg(long, value_name = "ID", requires = "csc_client_secret_env")]
    pub csc_client_id: Option<String>,
    /// Environment variable holding the OAuth2 client secret.
    #[arg(long, value_name = "VAR", requires = "csc_client_id")]
    pub csc_client_secret_env: Option<String>,
    /// Environment variable holding the PIN for credentials/authorize.
    #[arg(long, value_name = "VAR")]
    pub csc_pin_env: Option<String>,
    /// Environment variable holding the one-time password for credentials/authorize.
    #[arg(long, value_name = "VAR")]
    pub csc_otp_env: Option<String>,
    /// Asynchronous signing (CSC v2): the user confirms on their phone while kyso polls.
    #[arg(long)]
    pub csc_async: bool,
    /// How long to wait for the user's confirmation, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub csc_timeout: u64,
    /// Pause between two polls in asynchronous mode, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub csc_poll_ms: u64,
    /// Check the https:// service's certificate against these CA certificates (PEM or DER)
    /// instead of the built-in Mozilla roots.
    #[arg(long, value_name = "FILE")]
    pub csc_ca: Vec<std::path::PathBuf>,
}

fn secret(var: &str) -> Result<kyso::token::Zeroizing<String>, Error> {
    Ok(PinSource::Env(var.into()).resolve()?)
}

impl CscArgs {
    /// The client configuration the flags describe (secrets read from their variables).
    pub fn config(&self) -> Result<CscConfig, Error> {
        let url = self
            .csc
            .as_deref()
            .ok_or_else(|| Error::Options("--csc URL is required".into()))?;
        let mut config = CscConfig::new(url);
        config.api = match self.csc_api {
            CscApiArg::V1 => CscApi::V1,
            CscApiArg::V2 => CscApi::V2,
        };
        if self.csc_async && config.api == CscApi::V1 {
            return Err(Error::Options(
                "--csc-async needs --csc-api v2 (v1.0.4 has no asynchronous mode)".into(),
            ));
        }
        config.auth = match (&self.csc_token_env, &self.csc_client_id) {
            (Some(var), _) => CscAuth::Bearer(secret(var)?),
            (None, Some(id)) => CscAuth::ClientCredentials {
                client_id: id.clone(),
                client_secret: secret(self.csc_client_secret_env.as_deref().unwrap_or_default())?,
            },
            (None, None) => CscAuth::None,
        };
        config.pin = self.csc_pin_env.as_deref().map(secret).transpose()?;
        config.otp = self.csc_otp_env.as_deref().map(secret).transpose()?;
        config.asynchronous = self.csc_async;
        config.confirm_timeout = Duration::from_secs(self.csc_timeout);
        config.poll_interval = Duration::from_millis(self.csc_poll_ms);
        for file in &self.csc_ca {
            for cert in kyso::token::load_certificates(file)? {
                use der::Encode;
                config
                    .tls_roots
                    .push(cert.to_der().map_err(|e| Error::Options(e.to_string()))?);
            }
        }
        Ok(config)
    }

    /// Connect and open the credential `--csc-credential` names.
    pub fn open(&self) -> Result<CscSigner, Error> {
        let id = self
            .csc_credential
            .as_deref()
            .ok_or_else(|| Error::Options("--csc needs --csc-credential ID".into()))?;
        Ok(CscSigner::open(self.config()?, id)?)
    }
}

/// `kyso csc list`.
#[derive(Args)]
pub struct CscListArgs {
    #[command(flatten)]
    pub csc: CscArgs,
    /// Print one JSON object per credential.
    #[arg(long)]
    pub json: bool,
}

/// List the service's credentials with their certificate's subject, issuer and validity.
pub fn list(args: CscListArgs) -> Result<(), Error> {
    let credentials = kyso::remote::list_credentials(args.csc.config()?)?;
    for c in &credentials {
        use der::Encode;
        let der = c
            .certificate
            .to_der()
            .map_err(|e| Error::Options(e.to_string()))?;
        let info = kyso::certificates::inspect_certificate(&der)?;
        let auth = match c.auth_mode {
            kyso::remote::AuthMode::Implicit => "implicit",
            kyso::remote::AuthMode::Explicit => "explicit",
            _ => "oauth2code",
        };
        if args.json {
            crate::print_line(
                &serde_json::json!({
                    "credential": c.id,
                    "subject": info.subject,
                    "issuer": info.issuer,
                    "serial": info.serial,
                    "not_before": info.not_before,
                    "not_after": info.not_after,
                    "key": info.key,
                    "auth_mode": auth,
                    "scal": c.scal,
                    "multisign": c.multisign,
                    "pin_required": c.pin_required,
                    "otp_required": c.otp_required,
                    "chain": c.chain.len(),
                })
                .to_string(),
            );
        } else {
            crate::print_line(&format!(
                "{}\n  chủ thể / subject: {}\n  tổ chức cấp / issuer: {}\n  hiệu lực / valid: {} – {}\n  khóa / key: {}; xác thực / auth: {auth}, SCAL{}, tối đa {} chữ ký mỗi lần / up to {} signatures per authorization",
                c.id,
                info.subject,
                info.issuer,
                info.not_before,
                info.not_after,
                info.key,
                c.scal,
                c.multisign,
                c.multisign,
            ));
        }
    }
    if credentials.is_empty() {
        eprintln!("Không có chứng thư số nào — no credentials");
    }
    Ok(())
}
