//! The flags `kyso verify` and `kyso cert verify` share: trust, time and revocation.

use std::path::PathBuf;

use clap::Args;
use kyso::VerifyConfig;

/// Trust anchors, intermediates, validation time and revocation source.
#[derive(Args)]
pub struct ValidationArgs {
    /// Trust anchor: a PEM/DER certificate file or a directory of them.
    #[arg(long, required = true)]
    pub trust: Vec<PathBuf>,
    /// Known intermediate CA certificates (file or directory).
    #[arg(long)]
    pub intermediate: Vec<PathBuf>,
    /// Validation time (RFC 3339); now by default.
    #[arg(long)]
    pub at: Option<String>,
    /// Do not check revocation (reported as a warning).
    #[arg(long)]
    pub no_revocation: bool,
    /// Fetch missing revocation data (OCSP, CRL) and issuers (AIA) over HTTP.
    #[arg(long, conflicts_with = "no_revocation")]
    pub online: bool,
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
            intermediates: paths(&self.intermediate),
            at: self.at.clone(),
            revocation: Some(revocation.into()),
            crls: paths(&self.crl),
            ..Default::default()
        }
    }
}
