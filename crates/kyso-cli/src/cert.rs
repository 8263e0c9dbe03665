//! `kyso cert verify` and `kyso cert inspect`: certificate path validation at a time, with
//! revocation (supplied CRLs, or fetched with `--online`), and a readable certificate dump.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use kyso::Error;
use kyso::report::Severity;

/// Certificate subcommands.
#[derive(Subcommand)]
pub enum CertCommand {
    /// Kiểm tra chứng thư số đến gốc tin cậy — validate a certificate's chain and revocation.
    Verify(CertVerifyArgs),
    /// Danh mục chứng thư số (trên thiết bị, trong tệp) và hạn dùng — the certificate inventory
    /// of tokens and files, with expiry warnings, as text, JSON or CSV (exit 1 when any
    /// certificate is expired, expiring soon or not yet valid).
    Inventory(crate::inventory_cmd::InventoryArgs),
    /// Xem nội dung chứng thư số — show a certificate.
    Inspect {
        /// Certificate file (PEM or DER).
        cert: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `kyso cert verify`.
#[derive(Args)]
pub struct CertVerifyArgs {
    /// The certificate to validate (PEM or DER; further certificates in the file help build the
    /// chain).
    leaf: PathBuf,
    #[command(flatten)]
    validation: crate::validation_args::ValidationArgs,
    /// Mục đích kiểm tra — what to validate for: `document-signing` (key usage and key size
    /// too) or `any` (the path alone).
    #[arg(long, default_value = "document-signing", value_parser = ["document-signing", "any"])]
    purpose: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Run a certificate subcommand.
pub fn run(cmd: CertCommand) -> Result<ExitCode, Error> {
    match cmd {
        CertCommand::Verify(args) => verify(args),
        CertCommand::Inspect { cert, json } => inspect(&cert, json).map(|()| ExitCode::SUCCESS),
        CertCommand::Inventory(args) => crate::inventory_cmd::run(args),
    }
}

/// The outcome of `cert verify`, as printed.
fn verify(args: CertVerifyArgs) -> Result<ExitCode, Error> {
    let mut config = args.validation.config();
    config.purpose = Some(args.purpose.clone());
    let options = config.build()?;
    let out = kyso::certificates::verify_certificate(
        &kyso::files::read(&args.leaf)?,
        &options,
        config.purpose()?,
    )?;

    if args.json {
        println!("{}", out.to_json());
    } else {
        let (vi, en) = match out.status {
            "VALID" => ("HỢP LỆ", "VALID"),
            "INVALID" => ("KHÔNG HỢP LỆ", "INVALID"),
            _ => ("CHƯA XÁC ĐỊNH ĐƯỢC", "INDETERMINATE"),
        };
        println!(
            "Chứng thư số: {vi} — certificate: {en}{}",
            out.sub_indication
                .map(|s| format!(" ({s})"))
                .unwrap_or_default()
        );
        println!(
            "Thời điểm kiểm tra — validation time: {}",
            out.validation_time
        );
        for (i, p) in out.path.iter().enumerate() {
            println!("  {}{p}", "  ".repeat(i));
        }
        for r in &out.reasons {
            let mark = match r.severity {
                Severity::Error => "✗",
                Severity::Warning => "!",
                Severity::Info => "·",
            };
            println!("{mark} {}\n  {}", r.vi, r.en);
        }
    }
    Ok(if out.status == "VALID" {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn inspect(path: &Path, json_out: bool) -> Result<(), Error> {
    let info = kyso::certificates::inspect_certificate(&kyso::files::read(path)?)
        .map_err(|e| Error::Options(format!("{}: {e}", path.display())))?;
    let value = serde_json::to_value(&info).map_err(|e| Error::Options(e.to_string()))?;
    if json_out {
        println!("{}", info.to_json());
    } else {
        let labels = [
            ("subject", "Chủ thể — subject"),
            ("issuer", "Tổ chức cấp — issuer"),
            ("serial", "Số hiệu — serial"),
            ("not_before", "Hiệu lực từ — not before"),
            ("not_after", "Hiệu lực đến — not after"),
            ("key", "Khóa — key"),
            ("subscriber_type", "Loại thuê bao — subscriber type"),
            ("title", "Chức danh — title"),
            ("tax_code", "Mã số thuế — tax code"),
            ("budget_code", "Mã ngân sách — budget code"),
            ("ca", "Là CA — is a CA"),
            ("key_usage", "Mục đích khóa — key usage"),
            (
                "extended_key_usage",
                "Mục đích mở rộng — extended key usage",
            ),
            ("policies", "Chính sách — policies"),
            ("crl_distribution_points", "CRL"),
            ("ocsp", "OCSP"),
            ("ca_issuers", "CA issuers"),
            ("sha256_fingerprint", "SHA-256"),
            (
                "may_sign_documents",
                "Được dùng để ký văn bản — may sign documents",
            ),
        ];
        for (k, label) in labels {
            match &value[k] {
                serde_json::Value::Null => {}
                serde_json::Value::Array(a) if a.is_empty() => {}
                serde_json::Value::String(s) => println!("{label}: {s}"),
                v => println!("{label}: {v}"),
            }
        }
        for r in &info.reasons {
            println!("! {}\n  {}", r.vi, r.en);
        }
    }
    Ok(())
}
