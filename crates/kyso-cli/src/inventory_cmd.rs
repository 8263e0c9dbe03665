//! `kyso cert inventory`: the certificates an office holds (on its tokens and as files), each
//! with its holder, place and end of validity, as text, JSON (`kyso.inventory/1`) or CSV for the
//! report to the provincial Department of Science and Technology. Exit 1 when a certificate
//! needs attention (expired, expiring within the warning period, not yet valid), so that a
//! scheduled run can raise the alarm.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kyso::Error;
use kyso::inventory::{DEFAULT_WARN_DAYS, Inventory, Location};
use kyso::policy::trust::parse_certificates;
use kyso::token::PinSource;
use kyso::token::pkcs11::Module;

/// Output formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text, Vietnamese then English.
    Text,
    /// One line of JSON (`kyso.inventory/1`).
    Json,
    /// CSV (UTF-8 with BOM, RFC 4180) for a spreadsheet.
    Csv,
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
    let at = match &args.at {
        Some(s) => kyso::verify::report::parse_rfc3339(s)
            .ok_or_else(|| Error::Options(format!("--at {s:?} is not an RFC 3339 time")))?,
        None => kyso::now(),
    };
    let mut inventory = Inventory::new(args.unit.clone(), at, args.warn_days);
    for path in &args.certificates {
        let certs = parse_certificates(&kyso::files::read(path)?)
            .map_err(|e| Error::Options(format!("{}: {e}", path.display())))?;
        let name = path.display().to_string();
        for c in certs {
            inventory.add_certificate(&c.certificate, Location::File(&name));
        }
    }
    if let Some(module_path) = &args.pkcs11_module {
        let module = Module::open(module_path)?;
        let listing = kyso::inventory::list_tokens(&module, &mut |_| {
            args.pin_env.as_ref().map(|v| PinSource::Env(v.clone()))
        })?;
        for l in &listing {
            if let Some(e) = &l.error {
                eprintln!(
                    "! Không đọc được thiết bị / cannot read token {:?}: {e}",
                    l.token.label
                );
            }
            inventory.add_token(&l.token, &l.keys);
        }
    }
    let text = match args.format {
        Format::Text => crate::human::inventory_text(&inventory),
        Format::Json => inventory.to_json() + "\n",
        Format::Csv => inventory.to_csv(),
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
