//! `kyso`: sign and verify PDF documents with Vietnamese public-service digital signatures.
#![forbid(unsafe_code)]

mod cert;
mod csc_cmd;
mod edxml_cmd;
mod human;
mod inbox;
mod inventory_cmd;
mod ltv_cmd;
mod refuse_cmd;
mod sign_cmd;
mod token_cmd;
mod two_step_cmd;
mod validation_args;
mod vgca_cmd;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use kyso::token::PinSource;
use kyso::token::pkcs11::Module;
use kyso::{Error, PadesOptions, Verdict, VerifyConfig};

#[derive(Parser)]
#[command(
    name = "kyso",
    version,
    about = "Ký số và xác thực văn bản PDF (chữ ký số chuyên dùng công vụ) — sign and verify PDF documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ký một tệp PDF — sign a PDF.
    Sign(Box<sign_cmd::SignCommand>),
    /// Các thao tác của VGCA Sign Service (SignApproved, SignIssued, SignIncome, SignCopy,
    /// SignAppendix, Comment, VerifyPDF) với JSON của nó — the VGCA operations, VGCA's JSON in
    /// and out.
    Vgca(Box<vgca_cmd::VgcaArgs>),
    /// Xác thực chữ ký trong tệp PDF — verify the signatures of PDF files.
    Verify(VerifyArgs),
    /// Gói tin edXML (QCVN 102:2016): kiểm tra, lấy tệp đính kèm — edXML packages: verify,
    /// extract the attachments.
    Edxml {
        #[command(subcommand)]
        command: edxml_cmd::EdxmlCommand,
    },
    /// Lập thông báo trả lại văn bản không hợp lệ — the refusal notice of an incoming document
    /// that fails verification (Decree 30 Art. 21(2)).
    Refuse(Box<refuse_cmd::RefuseArgs>),
    /// Chứng thư số: kiểm tra, xem — certificate commands (verify a chain, inspect).
    Cert {
        #[command(subcommand)]
        command: cert::CertCommand,
    },
    /// Dữ liệu xác thực dài hạn — long-term validation (PAdES B-LT, B-LTA).
    Ltv {
        #[command(subcommand)]
        command: LtvCommand,
    },
    /// Thiết bị lưu khóa (PKCS#11) — token commands.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Ký số từ xa (Cloud Signature Consortium API) — remote signing services.
    Csc {
        #[command(subcommand)]
        command: CscCommand,
    },
    /// Chạy thử trên PKI mẫu dựng sẵn — run on a built-in demo PKI and software key.
    Demo {
        /// Where to write the demo files.
        #[arg(long, default_value = "kyso-demo")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Liệt kê thiết bị và khóa — list tokens and their certificate/key pairs.
    List {
        /// PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so).
        #[arg(long)]
        pkcs11_module: PathBuf,
        /// Log in with the PIN in this environment variable to list private keys too.
        #[arg(long)]
        pin_env: Option<String>,
        /// Warn about certificates ending within this many days.
        #[arg(long, default_value_t = kyso::inventory::DEFAULT_WARN_DAYS)]
        warn_days: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Tạo cặp khóa trên thiết bị và yêu cầu chứng thư (PKCS#10) — generate a key pair on the
    /// token and write a certificate request for the CA.
    Keygen(token_cmd::KeygenArgs),
    /// Nạp chứng thư do CA cấp vào thiết bị, cạnh khóa của nó — store the certificate the CA
    /// issued on the token next to its key.
    ImportCert(token_cmd::ImportArgs),
    /// Chuẩn bị gia hạn: cặp khóa mới và yêu cầu chứng thư cùng chủ thể — prepare a renewal: a
    /// new key pair on the token and a request with the current certificate's subject.
    RenewRequest(token_cmd::RenewArgs),
}

#[derive(Subcommand)]
enum CscCommand {
    /// Liệt kê chứng thư số trên dịch vụ ký từ xa — list the credentials of a CSC service with
    /// their certificate's subject, issuer and validity.
    List(csc_cmd::CscListArgs),
}

#[derive(Subcommand)]
enum LtvCommand {
    /// Bổ sung dữ liệu xác thực (DSS) và dấu thời gian tài liệu vào tệp đã ký — add validation
    /// data (B-LT) and, with --tsa, a document time-stamp (B-LTA) to a signed PDF.
    Add(ltv_cmd::LtvAddArgs),
}

#[derive(Args)]
struct VerifyArgs {
    /// PDF files and edXML packages to verify; a directory stands for the .pdf and .edxml files
    /// in it and its subdirectories.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Documents verified at once (default: one per core). Reports keep the order of the files.
    #[arg(long, short = 'j', default_value_t = 0)]
    jobs: usize,
    #[command(flatten)]
    validation: validation_args::ValidationArgs,
    /// One JSON report per file, one per line.
    #[arg(long)]
    json: bool,
    /// Also write every document's result as one self-contained HTML page (Vietnamese and
    /// English), for the clerk.
    #[arg(long, value_name = "REPORT.html")]
    html: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(command) => match command.step {
            None => sign_cmd::sign(command.args).map(|()| ExitCode::SUCCESS),
            Some(step) => two_step_cmd::run(step),
        },
        Command::Vgca(args) => Ok(vgca_cmd::run(*args)),
        Command::Verify(args) => verify(args),
        Command::Refuse(args) => refuse_cmd::run(*args),
        Command::Edxml { command } => edxml_cmd::run(command),
        Command::Cert { command } => cert::run(command),
        Command::Ltv {
            command: LtvCommand::Add(args),
        } => ltv_cmd::add(args).map(|()| ExitCode::SUCCESS),
        Command::Token {
            command:
                TokenCommand::List {
                    pkcs11_module,
                    pin_env,
                    warn_days,
                    json,
                },
        } => token_list(&pkcs11_module, pin_env, warn_days, json).map(|()| ExitCode::SUCCESS),
        Command::Token {
            command: TokenCommand::Keygen(args),
        } => token_cmd::keygen(args).map(|()| ExitCode::SUCCESS),
        Command::Token {
            command: TokenCommand::ImportCert(args),
        } => token_cmd::import_cert(args).map(|()| ExitCode::SUCCESS),
        Command::Token {
            command: TokenCommand::RenewRequest(args),
        } => token_cmd::renew_request(args).map(|()| ExitCode::SUCCESS),
        Command::Csc {
            command: CscCommand::List(args),
        } => csc_cmd::list(args).map(|()| ExitCode::SUCCESS),
        Command::Demo { out } => demo(&out),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lỗi / error [{}]: {e}", e.code());
            ExitCode::from(2)
        }
    }
}

fn verify(args: VerifyArgs) -> Result<ExitCode, Error> {
    let config = args.validation.config();
    let options = config.build()?;
    let files = inbox::files_of(&args.files)?;
    let progress = inbox::Progress::start(files.len());
    let mut tally = inbox::Tally::default();
    let mut page = Vec::new();
    let run = kyso::verify_document_files(&files, &options, args.jobs, |file, result| {
        let line = match result {
            Ok(outcome) => {
                let line = match &outcome {
                    kyso::inbox_report::Outcome::Pdf(report) => {
                        tally.count(report.verdict);
                        if args.json {
                            report.to_json()
                        } else {
                            human::report_text(report)
                        }
                    }
                    kyso::inbox_report::Outcome::Package(package) => {
                        tally.count(package.verdict);
                        if args.json {
                            package.to_json()
                        } else {
                            human::package_text(package)
                        }
                    }
                    kyso::inbox_report::Outcome::Unreadable(..) => String::new(),
                };
                if args.html.is_some() {
                    page.push(kyso::inbox_report::InboxEntry {
                        file: file.to_path_buf(),
                        outcome,
                    });
                }
                line
            }
            Err(e @ Error::Io { .. }) => return Err(e),
            Err(e) => {
                // An unreadable document is refused, with the reason, like an invalid one.
                tally.count_unreadable();
                if args.html.is_some() {
                    page.push(kyso::inbox_report::InboxEntry {
                        file: file.to_path_buf(),
                        outcome: kyso::inbox_report::Outcome::Unreadable(e.code(), e.to_string()),
                    });
                }
                if args.json {
                    human::error_json(file, &e)
                } else {
                    human::error_text(file, &e)
                }
            }
        };
        progress.println_and_advance(|| print_line(&line));
        Ok(())
    });
    progress.finish();
    run?;
    if let Some(path) = &args.html {
        let dir = path.parent().unwrap_or(Path::new("."));
        let generated = kyso::time::rfc3339_vietnam(kyso::now());
        let html = kyso::inbox_report::inbox_html(&page, dir, &generated);
        kyso::files::write_atomic(path, html.as_bytes())?;
    }
    if files.len() > 1 {
        // Beside JSON lines the summary goes to standard error, so that each line stays a report.
        if args.json {
            eprintln!("{}", tally.table());
        } else {
            print_line(&tally.table());
        }
    }
    Ok(if tally.all_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Print a line of the report; a reader that went away (`kyso verify … | head`) ends the
/// output quietly (exit 2, an I/O error) instead of panicking.
pub(crate) fn print_line(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}")
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(2);
    }
}

fn token_list(
    module: &Path,
    pin_env: Option<String>,
    warn_days: u32,
    json: bool,
) -> Result<(), Error> {
    let module = Module::open(module)?;
    let listing = kyso::inventory::list_tokens(&module, &mut |_| {
        pin_env.as_ref().map(|v| PinSource::Env(v.clone()))
    })?;
    let now = kyso::now();
    if json {
        print_line(&kyso::inventory::tokens_json(&listing, now, warn_days));
    } else {
        print_line(human::tokens_text(&listing, now, warn_days).trim_end());
    }
    Ok(())
}

fn demo(out: &Path) -> Result<ExitCode, Error> {
    use kyso::ltv::Level;
    std::fs::create_dir_all(out).map_err(|e| Error::Io {
        path: out.into(),
        source: e,
    })?;
    eprintln!(
        "Tạo PKI mẫu (RSA-2048: gốc, CA, người ký, máy chủ dấu thời gian, CRL)… — making a demo PKI (root, CA, signer, TSA, CRLs)…"
    );
    let now = kyso::now();
    let pki = kyso::demo::DemoPki::generate(now.unix_duration().as_secs())?;
    let sample = out.join("cong-van-mau.pdf");
    let signed_path = out.join("cong-van-mau-da-ky.pdf");
    let sample_bytes = kyso::demo::sample_pdf();
    kyso::files::write_atomic(&sample, &sample_bytes)?;
    let root_pem = pem(&pki.root)?;
    kyso::files::write_atomic(&out.join("demo-root.pem"), root_pem.as_bytes())?;
    kyso::files::write_atomic(&out.join("demo-ca.pem"), pem(&pki.ca)?.as_bytes())?;
    kyso::files::write_atomic(&out.join("demo-tsa.pem"), pem(&pki.tsa)?.as_bytes())?;
    for (name, crl) in ["demo-ca.crl", "demo-root.crl"].iter().zip(pki.crls()) {
        kyso::files::write_atomic(&out.join(name), &crl)?;
    }
    let mut options = PadesOptions::new(kyso::signing_time_now());
    options.reason = Some("Phê duyệt văn bản (demo)".into());
    options.location = Some("Gia Lai".into());
    // B-LTA, all offline: the signature time-stamped by the in-process demo TSA, the chains and
    // the demo CRLs in the DSS, then a document time-stamp and its own validation data.
    let level = Level::BLTA;
    let (signed, summary) = pki.sign_level(&sample_bytes, &options, level)?;
    kyso::files::write_atomic(&signed_path, &signed.bytes)?;
    eprintln!("Đã ký {} — signed", signed_path.display());
    if let Some(summary) = &summary {
        ltv_cmd::report(summary, level, &signed_path);
    }
    // Revocation from the document alone: the CRLs embedded in its DSS.
    let config = VerifyConfig {
        trust: vec![root_pem],
        revocation: Some("embedded".into()),
        file_name: Some(signed_path.display().to_string()),
        ..Default::default()
    };
    let report = kyso::verify_pdf_file(&signed_path, &config.build()?)?;
    println!("{}", human::report_text(&report));
    println!("{}", report.to_json());
    let levels: Vec<&str> = report
        .signatures
        .iter()
        .filter(|s| s.kind == "signature")
        .map(|s| s.level.as_str())
        .collect();
    println!(
        "Mức chữ ký PAdES: {} (dấu thời gian, dữ liệu xác thực dài hạn trong DSS, dấu thời gian tài liệu; kiểm tra thu hồi từ dữ liệu nhúng) — PAdES level: {} (signature time-stamp, validation data in the DSS, document time-stamp; revocation checked from the embedded data)",
        levels.join(", "),
        levels.join(", "),
    );
    Ok(if report.verdict == Verdict::Valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn pem(cert: &x509_cert::Certificate) -> Result<String, Error> {
    use der::EncodePem;
    cert.to_pem(der::pem::LineEnding::LF)
        .map_err(|e| Error::Options(e.to_string()))
}

#[cfg(test)]
mod tests {
    /// Flag names must not clash between flattened argument groups (clap checks it only in
    /// debug builds, at run time: here it is checked by a test).
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
