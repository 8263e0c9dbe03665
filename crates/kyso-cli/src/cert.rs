//! `kyso cert verify` and `kyso cert inspect`: certificate path validation at a time, with
//! revocation (supplied CRLs, or fetched with `--online`), and a readable certificate dump.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use der::Decode;
use kyso::Error;
use kyso::policy::reason::Severity;
use kyso::policy::revocation::{aia_urls, crl_urls};
use kyso::policy::subject::{format_name, serial_hex, subject_info};
use kyso::policy::trust::{StoredCertificate, parse_certificates};
use serde_json::json;
use x509_cert::Certificate;

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

fn read_certs(path: &Path) -> Result<Vec<StoredCertificate>, Error> {
    let bytes = kyso::files::read(path)?;
    parse_certificates(&bytes).map_err(|e| Error::Options(format!("{}: {e}", path.display())))
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

fn ext<'a>(cert: &'a Certificate, oid: &str) -> Option<(&'a [u8], bool)> {
    let oid = const_oid::ObjectIdentifier::new(oid).ok()?;
    cert.tbs_certificate()
        .extensions()?
        .iter()
        .find(|e| e.extn_id == oid)
        .map(|e| (e.extn_value.as_bytes(), e.critical))
}

fn inspect(path: &Path, json_out: bool) -> Result<(), Error> {
    let certs = read_certs(path)?;
    let Some(stored) = certs.first() else {
        return Err(Error::Options(format!(
            "{}: no certificate",
            path.display()
        )));
    };
    let cert = &stored.certificate;
    let tbs = cert.tbs_certificate();
    let info = subject_info(cert);
    let rfc = kyso::policy::revocation::rfc3339;
    let key = kyso::policy::algorithms::key_info(tbs.subject_public_key_info())
        .map(|(k, bits)| format!("{k:?} {bits}"))
        .unwrap_or_else(|_| tbs.subject_public_key_info().algorithm.oid.to_string());
    let key_usage: Vec<String> = ext(cert, "2.5.29.15")
        .and_then(|(v, _)| x509_cert::ext::pkix::KeyUsage::from_der(v).ok())
        .map(|k| k.0.into_iter().map(|u| format!("{u:?}")).collect())
        .unwrap_or_default();
    let eku: Vec<String> = ext(cert, "2.5.29.37")
        .and_then(|(v, _)| x509_cert::ext::pkix::ExtendedKeyUsage::from_der(v).ok())
        .map(|e| e.0.iter().map(|o| o.to_string()).collect())
        .unwrap_or_default();
    let policies: Vec<String> = ext(cert, "2.5.29.32")
        .and_then(|(v, _)| x509_cert::ext::pkix::CertificatePolicies::from_der(v).ok())
        .map(|p| {
            p.0.iter()
                .map(|i| i.policy_identifier.to_string())
                .collect()
        })
        .unwrap_or_default();
    let basic = ext(cert, "2.5.29.19")
        .and_then(|(v, _)| x509_cert::ext::pkix::BasicConstraints::from_der(v).ok());
    let (ocsp, ca_issuers) = aia_urls(cert);
    let fingerprint = kyso::policy::algorithms::DigestAlgorithm::Sha256
        .hash(&stored.der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<String>();
    let profile = kyso::policy::profile::certificate_findings(
        std::slice::from_ref(cert),
        &kyso::policy::profile::Profile::default(),
    );
    let value = json!({
        "subject": format_name(tbs.subject()),
        "issuer": format_name(tbs.issuer()),
        "serial": serial_hex(cert),
        "not_before": rfc(tbs.validity().not_before.to_date_time()),
        "not_after": rfc(tbs.validity().not_after.to_date_time()),
        "key": key,
        "signature_algorithm": cert.signature_algorithm().oid.to_string(),
        "ca": basic.as_ref().is_some_and(|b| b.ca),
        "path_len": basic.and_then(|b| b.path_len_constraint),
        "key_usage": key_usage,
        "extended_key_usage": eku,
        "policies": policies,
        "crl_distribution_points": crl_urls(cert),
        "ocsp": ocsp,
        "ca_issuers": ca_issuers,
        "common_name": info.common_name,
        "organization": info.organization,
        "title": info.title,
        "tax_code": info.tax_code,
        "budget_code": info.budget_code,
        "personal_id": info.personal_id,
        "subscriber_type": info.subscriber_type.as_str(),
        "sha256_fingerprint": fingerprint,
        "der_length": stored.der.len(),
        "reasons": profile,
    });
    if json_out {
        println!("{value}");
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
        ];
        for (k, label) in labels {
            match &value[k] {
                serde_json::Value::Null => {}
                serde_json::Value::Array(a) if a.is_empty() => {}
                serde_json::Value::String(s) => println!("{label}: {s}"),
                v => println!("{label}: {v}"),
            }
        }
        for r in &profile {
            println!("! {}\n  {}", r.vi, r.en);
        }
    }
    Ok(())
}
