//! Long-term validation flags (`kyso sign --level`, `kyso ltv add`).

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use kyso::ltv::TimeStamper;
use kyso::ltv::{Level, LtvOptions, LtvSummary};
use kyso::{Error, LtvConfig};

/// Where time-stamps and validation data come from.
#[derive(Args)]
pub struct LtvArgs {
    /// RFC 3161 time-stamp authority URL (http://…), for B-T, B-LT and B-LTA.
    #[arg(long)]
    pub tsa: Option<String>,
    /// Hash of the time-stamp imprint: sha256, sha384 or sha512.
    #[arg(long, requires = "tsa", default_value = "sha256")]
    pub tsa_digest: String,
    /// Fetch the validation data (OCSP, CRL, missing issuers) over HTTP: the default for
    /// B-LT and B-LTA (kept for older scripts).
    #[arg(long, conflicts_with = "offline")]
    pub online: bool,
    /// Fetch nothing: use only --crl, --ocsp and --ca-cert.
    #[arg(long)]
    pub offline: bool,
    /// Accept a result that leaves some certificate's revocation status uncovered (listed on
    /// stderr) instead of refusing it and writing nothing.
    #[arg(long)]
    pub partial: bool,
    /// A CRL file (DER or PEM) to embed.
    #[arg(long)]
    pub crl: Vec<PathBuf>,
    /// A DER OCSP response file to embed.
    #[arg(long)]
    pub ocsp: Vec<PathBuf>,
    /// CA certificates (file or directory) that complete the chains to embed; self-signed ones
    /// are also anchors whose chains may have their revocation data fetched.
    #[arg(long)]
    pub ca_cert: Vec<PathBuf>,
}

#[derive(Args)]
pub struct LtvAddArgs {
    /// The signed PDF.
    pub input: PathBuf,
    /// Where to write the augmented PDF (may be the input: it is replaced atomically).
    #[arg(short, long)]
    pub output: PathBuf,
    #[command(flatten)]
    pub ltv: LtvArgs,
}

impl LtvArgs {
    /// The same options object the C ABI takes (`kyso::LtvConfig`).
    fn config(&self) -> LtvConfig {
        let paths = |v: &[PathBuf]| {
            v.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
        };
        LtvConfig {
            tsa: self.tsa.clone(),
            tsa_digest: self.tsa.as_ref().map(|_| self.tsa_digest.clone()),
            offline: self.offline,
            online: None,
            partial: self.partial,
            crls: paths(&self.crl),
            ocsp_responses: paths(&self.ocsp),
            ca_certs: paths(&self.ca_cert),
        }
    }

    /// The time-stamp client, when a TSA was given.
    pub fn stamper(&self) -> Result<Option<Arc<dyn TimeStamper>>, Error> {
        self.config().stamper()
    }

    /// Validation-data sources (files are read here).
    pub fn options(&self) -> Result<LtvOptions, Error> {
        self.config().options()
    }
}

/// `kyso ltv add`: B-LT (DSS), and B-LTA with `--tsa`.
pub fn add(args: LtvAddArgs) -> Result<(), Error> {
    let bytes = kyso::files::read(&args.input)?;
    let options = args.ltv.options()?;
    let stamper = args.ltv.stamper()?;
    let (out, summary) = kyso::ltv::add_ltv(&bytes, &options, stamper.as_deref())?;
    kyso::files::write_atomic(&args.output, &out)?;
    let level = if stamper.is_some() {
        Level::BLTA
    } else {
        Level::BLT
    };
    report(&summary, level, &args.output);
    Ok(())
}

/// Tell what was embedded and what is still missing (stderr).
pub fn report(summary: &LtvSummary, level: Level, output: &std::path::Path) {
    eprintln!(
        "Đã bổ sung dữ liệu xác thực dài hạn ({}) vào {}: {} chữ ký/dấu thời gian, {} chứng thư, {} CRL, {} OCSP — added long-term validation data ({}) to {}: {} signatures/time-stamps, {} certificates, {} CRLs, {} OCSP responses",
        level.as_str(),
        output.display(),
        summary.signatures,
        summary.certificates,
        summary.crls,
        summary.ocsp_responses,
        level.as_str(),
        output.display(),
        summary.signatures,
        summary.certificates,
        summary.crls,
        summary.ocsp_responses,
    );
    if let Some(field) = &summary.document_timestamp {
        eprintln!("Dấu thời gian tài liệu: {field} — document time-stamp: {field}");
    }
    for subject in &summary.uncovered {
        eprintln!(
            "cảnh báo / warning: chưa có dữ liệu thu hồi cho {subject} (bỏ --offline, hoặc dùng --crl, --ocsp) — no revocation data embedded for {subject} (drop --offline, or give --crl, --ocsp)"
        );
    }
    for e in &summary.fetch_errors {
        eprintln!("cảnh báo / warning: không tải được — fetch failed: {e}");
    }
}
