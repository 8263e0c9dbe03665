//! `kyso cert inventory`: the certificates an office holds (on its tokens and as files), each
//! with its holder, place and end of validity, as text, JSON (`kyso.inventory/1`) or CSV for the
//! report to the provincial Department of Science and Technology. Exit 1 when a certificate
//! needs attention (expired, expiring within the warning period, not yet valid), so that a
//! scheduled run can raise the alarm.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kyso::Error;
use kyso::inventory::{DEFAULT_WARN_DAYS, InventoryConfig};

/// Output formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text, Vietnamese then English.
    Text,
    /// One line of JSON (`kyso.inventory/1`).
    Json,
    /// CSV (UTF-8 with BOM, RFC 4180) for a spreadsheet.
    Csv,
    /// One self-contained HTML page (the form of the inbox report), to read or print.
    Html,
}

/// Arguments of `kyso cert inventory`.
#[derive(Args)]
pub struct InventoryArgs {
    /// Certificate files (PEM or DER; every certificate in a file is listed).
    certificates: Vec<PathBuf>,
    /// Also list the certificates on every token of this PKCS#11 module.
    #[arg(long)]
    pkcs11_module: Option<PathBuf>,
    /// Log in to the tokens with the PIN in this environment variable (shows which keys have
    /// their private key).
    #[arg(long, requires = "pkcs11_module")]
    pin_env: Option<String>,
    /// The reporting unit (cơ quan, đơn vị), written on the report.
    #[arg(long)]
    unit: Option<String>,
    /// Warn this many days before a certificate ends.
    #[arg(long, default_value_t = DEFAULT_WARN_DAYS)]
    warn_days: u32,
    /// The time the report refers to (RFC 3339); now by default.
    #[arg(long)]
    at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Write to this file (replaced atomically) instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Run `kyso cert inventory`.
pub fn run(args: InventoryArgs) -> Result<ExitCode, Error> {
    if args.certificates.is_empty() && args.pkcs11_module.is_none() {
        return Err(Error::Options(
            "give certificate files, --pkcs11-module, or both".into(),
        ));
    }
    // The same options object as the C ABI's kyso_certificate_inventory.
    let config = InventoryConfig {
        certificates: args
            .certificates
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        pkcs11_module: args.pkcs11_module.as_ref().map(|p| p.display().to_string()),
        pin: None,
        pin_env: args.pin_env.clone(),
        unit: args.unit.clone(),
        warn_days: Some(args.warn_days),
        at: args.at.clone(),
        format: match args.format {
            Format::Csv => Some("csv".into()),
            Format::Html => Some("html".into()),
            _ => None,
        },
    };
    let inventory = config.build()?;
    let text = match args.format {
        Format::Text => crate::human::inventory_text(&inventory),
        Format::Json | Format::Csv | Format::Html => {
            // The findings go to standard error too, where a scheduled run's mail shows them.
            for r in &inventory.reasons {
                eprintln!("! {}\n  {}", r.vi, r.en);
            }
            config.render(&inventory)?
        }
    };
    match &args.output {
        Some(path) => {
            kyso::files::write_atomic(path, text.as_bytes())?;
            eprintln!(
                "Đã ghi danh mục {} chứng thư số vào {} — inventory of {} certificates written",
                inventory.summary.total,
                path.display(),
                inventory.summary.total
            );
        }
        None => crate::print_line(text.trim_end_matches(['\r', '\n'])),
    }
    Ok(if inventory.needs_attention() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
