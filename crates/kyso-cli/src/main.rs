//! `kyso`: sign and verify PDF documents with Vietnamese public-service digital signatures.
#![forbid(unsafe_code)]

mod cert;
mod human;
mod inventory_cmd;
mod ltv_cmd;
mod token_cmd;
mod validation_args;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kyso::token::SoftwareSigner;
use kyso::token::pkcs11::{Module, SignerOptions, TokenSession};
use kyso::token::{PinSource, Signer};
use kyso::{Error, PadesOptions, SubFilter, Verdict, VerifyConfig};

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
    Sign(Box<SignArgs>),
    /// Xác thực chữ ký trong tệp PDF — verify the signatures of PDF files.
    Verify(VerifyArgs),
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
enum LtvCommand {
    /// Bổ sung dữ liệu xác thực (DSS) và dấu thời gian tài liệu vào tệp đã ký — add validation
    /// data (B-LT) and, with --tsa, a document time-stamp (B-LTA) to a signed PDF.
    Add(ltv_cmd::LtvAddArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum SubFilterArg {
    #[value(name = "ETSI.CAdES.detached")]
    Cades,
    #[value(name = "adbe.pkcs7.detached")]
    Pkcs7,
}

#[derive(Args)]
struct SignArgs {
    /// The PDF to sign.
    input: PathBuf,
    /// Where to write the signed PDF (may be the input: it is replaced atomically).
    #[arg(short, long)]
    output: PathBuf,
    /// PKCS#12 file with the key and certificates.
    #[arg(long, conflicts_with = "pkcs11_module")]
    p12: Option<PathBuf>,
    /// Environment variable holding the PKCS#12 password.
    #[arg(long, requires = "p12")]
    password_env: Option<String>,
    /// PKCS#8 private key file (with --cert).
    #[arg(long, conflicts_with_all = ["p12", "pkcs11_module"])]
    key: Option<PathBuf>,
    /// PKCS#11 module of the token.
    #[arg(long)]
    pkcs11_module: Option<PathBuf>,
    /// Token label.
    #[arg(long, requires = "pkcs11_module")]
    token: Option<String>,
    /// Label of the key on the token.
    #[arg(long, requires = "pkcs11_module")]
    key_label: Option<String>,
    /// Environment variable holding the token PIN.
    #[arg(long, requires = "pkcs11_module")]
    pin_env: Option<String>,
    /// Signer certificate file, when the token does not expose it (or with --key).
    #[arg(long)]
    cert: Option<PathBuf>,
    /// Issuing CA certificates to embed.
    #[arg(long)]
    chain: Vec<PathBuf>,
    /// /SubFilter of the signature.
    #[arg(long, value_enum, default_value = "ETSI.CAdES.detached")]
    sub_filter: SubFilterArg,
    /// Signature field name.
    #[arg(long)]
    field: Option<String>,
    /// /Reason.
    #[arg(long)]
    reason: Option<String>,
    /// /Location.
    #[arg(long)]
    location: Option<String>,
    /// Visible Decree 30 signature: approval (signature image), issuance (seal over the
    /// approval image), attachment, copy or appendix (text block at the top right of page 1),
    /// income (the incoming-document stamp at the top left of page 1), comment (a comment in
    /// --rect). Without it the signature is invisible.
    #[arg(long, value_parser = ["approval", "issuance", "attachment", "copy", "appendix", "income", "comment"])]
    profile: Option<String>,
    /// PNG: the signature image (approval) or the seal (issuance).
    #[arg(long, requires = "profile")]
    image: Option<PathBuf>,
    /// 1-based page of the visible signature.
    #[arg(long, requires = "profile")]
    page: Option<u32>,
    /// Rectangle X,Y,W,H in points, origin at the bottom left of the page.
    #[arg(long, requires = "profile", allow_hyphen_values = true)]
    rect: Option<String>,
    /// Document number and symbol (attachment), e.g. 125/QĐ-UBND.
    #[arg(long, requires = "profile")]
    doc_number: Option<String>,
    /// SAO Y, SAO LỤC or TRÍCH SAO (copy).
    #[arg(long, requires = "profile")]
    copy_type: Option<String>,
    /// Copying organisation (copy), receiving organisation (income), or organisation name
    /// shown next to the seal (issuance).
    #[arg(long, requires = "profile")]
    organization: Option<String>,
    /// Issuing date shown with the seal (issuance), e.g. 07/01/2025.
    #[arg(long, requires = "profile")]
    issued_date: Option<String>,
    /// Incoming number (income).
    #[arg(long, requires = "profile")]
    income_number: Option<String>,
    /// When the document was received, RFC 3339 (income); now by default.
    #[arg(long, requires = "profile")]
    received: Option<String>,
    /// The comment's text (comment).
    #[arg(long, requires = "profile")]
    text: Option<String>,
    /// The commenter's name (comment); the certificate's by default.
    #[arg(long, requires = "profile")]
    name: Option<String>,
    /// The commenter's title (comment); the certificate's by default.
    #[arg(long, requires = "profile")]
    title: Option<String>,
    /// TrueType font for text, with every Vietnamese letter (default: the built-in Liberation
    /// Serif 2.1.5).
    #[arg(long, requires = "profile")]
    font: Option<PathBuf>,
    /// The seal's real width in millimetres (issuance), when the PNG has no pHYs (without
    /// either the seal is drawn 36 mm wide, with a warning).
    #[arg(long, requires = "profile")]
    seal_width_mm: Option<f32>,
    /// Allow the rectangle to cover other signatures' images.
    #[arg(long, requires = "profile")]
    allow_overlap: bool,
    /// Chữ ký chứng thực — make a certification signature (only as the document's first
    /// signature) permitting afterwards 1: no change, 2: form filling and signing, 3: also
    /// annotations (DocMDP).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
    certify: Option<u8>,
    /// PAdES level: B-B, B-T (signature time-stamp), B-LT (plus validation data in the DSS)
    /// or B-LTA (plus a document time-stamp). B-T and above need --tsa.
    #[arg(long, default_value = "B-B")]
    level: kyso::ltv::Level,
    #[command(flatten)]
    ltv: ltv_cmd::LtvArgs,
    /// Print the result as one JSON object on stdout: output, field, size, level, the
    /// long-term validation summary, and warnings (code, severity, vi, en), e.g.
    /// SEAL_SIZE_ASSUMED. Warnings go to stderr as well.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct VerifyArgs {
    /// PDF files to verify.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    validation: validation_args::ValidationArgs,
    /// One JSON report per file, one per line.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(args) => sign(*args).map(|()| ExitCode::SUCCESS),
        Command::Verify(args) => verify(args),
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

fn read_certs(paths: &[PathBuf]) -> Result<Vec<x509_cert::Certificate>, Error> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(kyso::token::load_certificates(p)?);
    }
    Ok(out)
}

fn sign(args: SignArgs) -> Result<(), Error> {
    // What can fail without the key is read before the token asks for a PIN.
    let stamper = args.ltv.stamper()?;
    let ltv = args.ltv.options()?;
    let input = kyso::files::read(&args.input)?;
    let chain = read_certs(&args.chain)?;
    let signer: Box<dyn Signer> =
        if let Some(p12) = &args.p12 {
            let password = match &args.password_env {
                Some(var) => PinSource::Env(var.clone()).resolve()?,
                None => kyso::token::Zeroizing::new(String::new()),
            };
            let s = SoftwareSigner::from_pkcs12_file(p12, &password)?;
            Box::new(if chain.is_empty() {
                s
            } else {
                s.with_chain(chain)
            })
        } else if let Some(key) = &args.key {
            let cert = args
                .cert
                .as_deref()
                .ok_or_else(|| Error::Options("--key needs --cert".into()))?;
            let mut certs = vec![cert];
            certs.extend(args.chain.iter().map(PathBuf::as_path));
            Box::new(SoftwareSigner::from_key_files(key, None, &certs)?)
        } else if let Some(module) = &args.pkcs11_module {
            let token = args
                .token
                .as_deref()
                .ok_or_else(|| Error::Options("--token is required with --pkcs11-module".into()))?;
            let label = args.key_label.as_deref().ok_or_else(|| {
                Error::Options("--key-label is required with --pkcs11-module".into())
            })?;
            let pin_env = args.pin_env.as_deref().ok_or_else(|| {
                Error::Options("--pin-env is required with --pkcs11-module".into())
            })?;
            let module = Module::open(module)?;
            let session = TokenSession::open(&module, token)?;
            session.login(PinSource::Env(pin_env.into()), Default::default())?;
            let mut options = SignerOptions::by_label(label);
            options.chain = chain;
            if let Some(cert) = &args.cert {
                options.certificate = kyso::token::load_certificates(cert)?.into_iter().next();
            }
            Box::new(session.signer(options)?)
        } else {
            return Err(Error::Options(
                "choose a key: --p12, --key or --pkcs11-module".into(),
            ));
        };
    let mut options = PadesOptions::new(kyso::signing_time_now());
    options.sub_filter = match args.sub_filter {
        SubFilterArg::Cades => SubFilter::CadesDetached,
        SubFilterArg::Pkcs7 => SubFilter::Pkcs7Detached,
    };
    options.field_name = args.field;
    options.reason = args.reason;
    options.location = args.location;
    options.certification = args.certify;
    let options = kyso::ltv::options_for_level(&options, args.level, stamper.as_ref())?;
    let signed = match args.profile.as_deref() {
        None => kyso::sign_pdf(&input, signer.as_ref(), &options)?,
        Some(profile) => {
            use kyso::workflows::{ProfileRequest, Role};
            let role = Role::from_name(profile)
                .ok_or_else(|| Error::Options(format!("unknown profile {profile:?}")))?;
            let request = ProfileRequest {
                image: args.image,
                page: args.page,
                rect: args
                    .rect
                    .as_deref()
                    .map(kyso::workflows::parse_rect)
                    .transpose()?,
                doc_number: args.doc_number,
                copy_type: args.copy_type,
                organization: args.organization,
                issued_date: args.issued_date,
                income_number: args.income_number,
                received: args.received,
                text: args.text,
                name: args.name,
                title: args.title,
                font: args.font,
                seal_width_mm: args.seal_width_mm,
                allow_overlap: args.allow_overlap,
                ..ProfileRequest::new(role)
            };
            let workflow = request.workflow()?;
            kyso::workflows::sign(&input, signer.as_ref(), &workflow, &options)?
        }
    };
    let (bytes, summary) = kyso::ltv::complete_level(
        signed.bytes,
        signer.chain(),
        args.level,
        &ltv,
        stamper.as_ref(),
    )?;
    kyso::files::write_atomic(&args.output, &bytes)?;
    if let Some(summary) = &summary {
        ltv_cmd::report(summary, args.level, &args.output);
    }
    for w in &signed.warnings {
        eprintln!("cảnh báo / warning [{}]: {} — {}", w.code, w.vi, w.en);
    }
    eprintln!(
        "Đã ký trường {} vào {} — signed field {} into {}",
        signed.field_name,
        args.output.display(),
        signed.field_name,
        args.output.display()
    );
    if args.json {
        // The facade's SignResult, with the output and what long-term validation added.
        print_line(
            &serde_json::json!({
                "output": args.output.display().to_string(),
                "field": signed.field_name,
                "size": bytes.len(),
                "level": args.level.as_str(),
                "ltv": summary,
                "warnings": signed.warnings,
            })
            .to_string(),
        );
    }
    Ok(())
}

fn verify(args: VerifyArgs) -> Result<ExitCode, Error> {
    let config = args.validation.config();
    let options = config.build()?;
    let mut all_valid = true;
    for file in &args.files {
        let report = match kyso::verify_pdf_file(file, &options) {
            Ok(r) => r,
            Err(e @ Error::Io { .. }) => return Err(e),
            Err(e) => {
                // An unreadable PDF is refused, with the reason, like an invalid one.
                all_valid = false;
                if args.json {
                    print_line(&human::error_json(file, &e));
                } else {
                    print_line(&human::error_text(file, &e));
                }
                continue;
            }
        };
        all_valid &= report.verdict == Verdict::Valid;
        if args.json {
            print_line(&report.to_json());
        } else {
            print_line(&human::report_text(&report));
        }
    }
    Ok(if all_valid {
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
