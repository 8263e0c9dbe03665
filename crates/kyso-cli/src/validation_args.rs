//! The flags `kyso verify` and `kyso cert verify` share: trust, time and revocation.

use std::path::PathBuf;

use clap::Args;
use kyso::VerifyConfig;

/// Trust anchors, intermediates, validation time and revocation source.
#[derive(Args)]
pub struct ValidationArgs {
    /// Trust anchor: a PEM/DER certificate file or a directory of them, or `builtin` (the
    /// Government CA's G1 and G2 roots, the default when no --trust is given). Replaces the
    /// built-in roots unless `builtin` is also given.
    #[arg(long)]
    pub trust: Vec<PathBuf>,
    /// Trust no built-in root (then only --trust anchors, and none without it).
    #[arg(long, conflicts_with = "trust")]
    pub no_builtin_trust: bool,
    /// Known intermediate CA certificates (file or directory).
    #[arg(long)]
    pub intermediate: Vec<PathBuf>,
    /// Validation time (RFC 3339); now by default.
    #[arg(long)]
    pub at: Option<String>,
    /// Do not check revocation (reported as a warning).
    #[arg(long)]
    pub no_revocation: bool,
    /// Fetch missing revocation data (OCSP, CRL) over HTTP for chains that verified, and
    /// missing issuers (AIA) from the --fetch-allow prefixes; every URL is listed in the report.
    #[arg(long, conflicts_with = "no_revocation")]
    pub online: bool,
    /// With --online: a URL prefix issuer certificates may be fetched from (repeatable; replaces
    /// the default, the Government CA's http://ca.gov.vn/pki/pub/crt/).
    #[arg(long, requires = "online")]
    pub fetch_allow: Vec<String>,
    /// With --online: at most this many requests per document (default 16).
    #[arg(long, requires = "online")]
    pub max_fetches: Option<usize>,
    /// With --online: at most this many seconds of network time per document (default 30).
    #[arg(long, requires = "online")]
    pub max_fetch_seconds: Option<u64>,
    /// Refuse documents larger than this many MiB (an incoming-mail gateway's bound).
    #[arg(long)]
    pub max_input_mb: Option<usize>,
    /// A CRL file (DER or PEM) to use for revocation.
    #[arg(long)]
    pub crl: Vec<PathBuf>,
}

impl ValidationArgs {
    /// The options object these flags describe (the same JSON shape the C ABI and WASM take).
    pub fn config(&self) -> VerifyConfig {
        let paths = |v: &[PathBuf]| {
            v.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
        };
        let revocation = if self.no_revocation {
            "off"
        } else if self.online {
            "online"
        } else {
            "embedded"
        };
        VerifyConfig {
            trust: paths(&self.trust),
            builtin_trust: self.no_builtin_trust.then_some(false),
            intermediates: paths(&self.intermediate),
            at: self.at.clone(),
            revocation: Some(revocation.into()),
            crls: paths(&self.crl),
            fetch_allow: (!self.fetch_allow.is_empty()).then(|| self.fetch_allow.clone()),
            max_fetches: self.max_fetches,
            max_fetch_seconds: self.max_fetch_seconds,
            max_input_mb: self.max_input_mb,
            ..Default::default()
        }
    }
}
