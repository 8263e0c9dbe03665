//! `kyso sign`: the key ([`SignerArgs`], shared with `kyso vgca`), the visible Decree 30
//! profile and the PAdES level, then one shared sequence ([`sign_and_write`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use kyso::ltv::{Level, LtvOptions, TimeStamper};
use kyso::token::SoftwareSigner;
use kyso::token::pkcs11::{Module, SignerOptions, TokenSession};
use kyso::token::{PinSource, Signer};
use kyso::workflows::{ProfileRequest, Role, Workflow};
use kyso::{Error, PadesOptions, SubFilter};

use crate::ltv_cmd;

/// Which key signs: a PKCS#12 file, a PKCS#8 key with its certificate, or a PKCS#11 token.
#[derive(Args)]
pub struct SignerArgs {
    /// PKCS#12 file with the key and certificates.
    #[arg(long, conflicts_with_all = ["pkcs11_module", "csc"])]
    p12: Option<PathBuf>,
    /// Environment variable holding the PKCS#12 password.
    #[arg(long, requires = "p12")]
    password_env: Option<String>,
    /// PKCS#8 private key file (with --cert).
    #[arg(long, conflicts_with_all = ["p12", "pkcs11_module", "csc"])]
    key: Option<PathBuf>,
    /// PKCS#11 module of the token.
    #[arg(long, conflicts_with = "csc")]
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
    #[command(flatten)]
    pub csc: crate::csc_cmd::CscArgs,
}

impl SignerArgs {
    /// The certificate and chain of a key that signs elsewhere (two-step signing): `--cert`
    /// and `--chain`, no key flags.
    pub fn external_certificate(
        &self,
    ) -> Result<(x509_cert::Certificate, Vec<x509_cert::Certificate>), Error> {
        if self.p12.is_some()
            || self.key.is_some()
            || self.pkcs11_module.is_some()
            || self.csc.csc.is_some()
        {
            return Err(Error::Options(
                "prepare takes the signer's certificate (--cert) alone: the key signs elsewhere"
                    .into(),
            ));
        }
        let cert = self.cert.as_deref().ok_or_else(|| {
            Error::Options("prepare needs the signer's certificate: --cert FILE".into())
        })?;
        let certificate = kyso::token::load_certificates(cert)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Options(format!("{}: no certificate", cert.display())))?;
        Ok((certificate, read_certs(&self.chain)?))
    }
}

/// `kyso sign`, or one of its two steps.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SignCommand {
    #[command(subcommand)]
    pub step: Option<crate::two_step_cmd::Step>,
    #[command(flatten)]
    pub args: SignArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SubFilterArg {
    #[value(name = "ETSI.CAdES.detached")]
    Cades,
    #[value(name = "adbe.pkcs7.detached")]
    Pkcs7,
}

#[derive(Args)]
pub struct SignArgs {
    /// The PDF to sign; with --csc, several PDFs signed with one authorization (one PIN/OTP,
    /// one confirmation), written into --out-dir.
    #[arg(required = true, num_args = 1..)]
    inputs: Vec<PathBuf>,
    /// Where to write the signed PDF (may be the input: it is replaced atomically).
    #[arg(
        short,
        long,
        required_unless_present = "out_dir",
        conflicts_with = "out_dir"
    )]
    output: Option<PathBuf>,
    /// Directory for the signed PDFs (each keeps its file name).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub signer: SignerArgs,
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
    /// --rect). Without --rect, text blocks and the stamp go in blank space off the page's text
    /// (warning PLACEMENT_OVERLAPS_TEXT when there is none). Without --profile the signature is
    /// invisible.
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

impl SignArgs {
    /// The PAdES options the flags describe, signing time now.
    pub(crate) fn pades_options(&self) -> PadesOptions {
        let mut options = PadesOptions::new(kyso::signing_time_now());
        options.sub_filter = match self.sub_filter {
            SubFilterArg::Cades => SubFilter::CadesDetached,
            SubFilterArg::Pkcs7 => SubFilter::Pkcs7Detached,
        };
        options.field_name = self.field.clone();
        options.reason = self.reason.clone();
        options.location = self.location.clone();
        options.certification = self.certify;
        options
    }

    /// The one input, and the output, of a single-document command.
    pub(crate) fn single_file(&self) -> Result<(&Path, &Path), Error> {
        match (self.inputs.as_slice(), self.output.as_deref()) {
            ([input], Some(output)) => Ok((input, output)),
            _ => Err(Error::Options("give one PDF and -o OUTPUT.pdf".into())),
        }
    }

    /// The PAdES level asked for.
    pub(crate) fn level(&self) -> Level {
        self.level
    }

    /// Whether `--json` was given.
    pub(crate) fn json(&self) -> bool {
        self.json
    }

    /// The visible profile the flags describe, if any.
    pub(crate) fn profile_request(&self) -> Result<Option<ProfileRequest>, Error> {
        let Some(profile) = self.profile.as_deref() else {
            return Ok(None);
        };
        let role = Role::from_name(profile)
            .ok_or_else(|| Error::Options(format!("unknown profile {profile:?}")))?;
        Ok(Some(ProfileRequest {
            image: self.image.clone(),
            page: self.page,
            rect: self
                .rect
                .as_deref()
                .map(kyso::workflows::parse_rect)
                .transpose()?,
            doc_number: self.doc_number.clone(),
            copy_type: self.copy_type.clone(),
            organization: self.organization.clone(),
            issued_date: self.issued_date.clone(),
            income_number: self.income_number.clone(),
            received: self.received.clone(),
            text: self.text.clone(),
            name: self.name.clone(),
            title: self.title.clone(),
            font: self.font.clone(),
            seal_width_mm: self.seal_width_mm,
            allow_overlap: self.allow_overlap,
            ..ProfileRequest::new(role)
        }))
    }
}

fn read_certs(paths: &[PathBuf]) -> Result<Vec<x509_cert::Certificate>, Error> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(kyso::token::load_certificates(p)?);
    }
    Ok(out)
}

/// Open the key the flags name (a token asks for its PIN once, here).
pub fn open_signer(args: &SignerArgs) -> Result<Box<dyn Signer>, Error> {
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
        } else if args.csc.csc.is_some() {
            Box::new(args.csc.open()?)
        } else {
            return Err(Error::Options(
                "choose a key: --p12, --key, --pkcs11-module or --csc".into(),
            ));
        };
    Ok(signer)
}

/// The level asked for and what reaching it needs, prepared before the key is opened (a
/// mistake here must not cost a PIN try).
pub struct LevelPlan {
    level: Level,
    stamper: Option<Arc<dyn TimeStamper>>,
    ltv: LtvOptions,
}

impl LevelPlan {
    /// Check the level against the flags and read the files they name.
    pub fn new(level: Level, args: &ltv_cmd::LtvArgs) -> Result<Self, Error> {
        let stamper = args.stamper()?;
        kyso::ltv::options_for_level(
            &PadesOptions::new(kyso::signing_time_now()),
            level,
            stamper.as_ref(),
        )?;
        Ok(Self {
            level,
            stamper,
            ltv: args.options()?,
        })
    }
}

/// Sign `input` (in `workflow`, or invisibly) at the planned level and write `output`
/// atomically; tell what was done on stderr, and with `json` as one JSON object on stdout.
pub fn sign_and_write(
    input: &Path,
    signer: &dyn Signer,
    options: &PadesOptions,
    workflow: Option<&Workflow>,
    plan: &LevelPlan,
    output: &Path,
    json: bool,
) -> Result<kyso::sign_file::SignedFile, Error> {
    let (signed, summary) = kyso::sign_file::sign_document_file(
        input,
        output,
        signer,
        options,
        workflow,
        plan.level,
        &plan.ltv,
        plan.stamper.as_ref(),
    )?;
    report_signed(&signed, summary.as_ref(), plan, output, json);
    Ok(signed)
}

/// Tell what signing `output` did on stderr, and with `json` as one JSON object on stdout.
fn report_signed(
    signed: &kyso::sign_file::SignedFile,
    summary: Option<&kyso::ltv::LtvSummary>,
    plan: &LevelPlan,
    output: &Path,
    json: bool,
) {
    if let Some(summary) = summary {
        ltv_cmd::report(summary, plan.level, output);
    }
    for w in &signed.warnings {
        eprintln!("cảnh báo / warning [{}]: {} — {}", w.code, w.vi, w.en);
    }
    eprintln!(
        "Đã ký trường {} vào {} — signed field {} into {}",
        signed.field_name,
        output.display(),
        signed.field_name,
        output.display()
    );
    if json {
        // The facade's SignResult, with the output and what long-term validation added.
        crate::print_line(
            &serde_json::json!({
                "output": output.display().to_string(),
                "field": signed.field_name,
                "size": signed.size,
                "level": plan.level.as_str(),
                "ltv": summary,
                "warnings": signed.warnings,
            })
            .to_string(),
        );
    }
}

/// `kyso sign`.
pub fn sign(args: SignArgs) -> Result<(), Error> {
    // What can fail without the key is read before the token asks for a PIN.
    let plan = LevelPlan::new(args.level, &args.ltv)?;
    let workflow = args.profile_request()?.map(|r| r.workflow()).transpose()?;
    // The inputs are opened only once the key is: a missing file is still reported first.
    for input in &args.inputs {
        if let Err(e) = std::fs::metadata(input) {
            return Err(kyso::Error::Io {
                path: input.clone(),
                source: e,
            });
        }
    }
    let outputs = outputs(&args)?;
    let options = args.pades_options();
    if args.inputs.len() > 1 {
        return sign_batch(&args, &outputs, &options, workflow.as_ref(), &plan);
    }
    let (Some(input), Some(output)) = (args.inputs.first(), outputs.first()) else {
        return Err(Error::Options("no PDF to sign".into()));
    };
    let signer = open_signer(&args.signer)?;
    sign_and_write(
        input,
        signer.as_ref(),
        &options,
        workflow.as_ref(),
        &plan,
        output,
        args.json,
    )?;
    Ok(())
}

/// Where each input's signed copy goes: `-o`, or the input's name in `--out-dir`.
fn outputs(args: &SignArgs) -> Result<Vec<PathBuf>, Error> {
    if let Some(output) = &args.output {
        if args.inputs.len() > 1 {
            return Err(Error::Options(
                "several inputs are written into --out-dir DIR, not -o".into(),
            ));
        }
        return Ok(vec![output.clone()]);
    }
    let dir = args
        .out_dir
        .as_deref()
        .ok_or_else(|| Error::Options("-o OUT or --out-dir DIR is required".into()))?;
    let mut out: Vec<PathBuf> = Vec::new();
    for input in &args.inputs {
        let name = input
            .file_name()
            .ok_or_else(|| Error::Options(format!("{} is not a file", input.display())))?;
        let path = dir.join(name);
        if out.contains(&path) {
            return Err(Error::Options(format!(
                "two inputs would both be written to {}",
                path.display()
            )));
        }
        out.push(path);
    }
    Ok(out)
}

/// Several documents, one remote authorization (`--csc` only: a token or key file signs each
/// document without asking again anyway).
fn sign_batch(
    args: &SignArgs,
    outputs: &[PathBuf],
    options: &PadesOptions,
    workflow: Option<&Workflow>,
    plan: &LevelPlan,
) -> Result<(), Error> {
    if args.signer.csc.csc.is_none() {
        return Err(Error::Options(
            "several inputs are signed with one authorization of a remote service: use --csc"
                .into(),
        ));
    }
    let signer = args.signer.csc.open()?;
    let documents: Vec<kyso::remote::BatchDocument> = args
        .inputs
        .iter()
        .zip(outputs)
        .map(|(input, output)| kyso::remote::BatchDocument {
            input: input.clone(),
            output: output.clone(),
        })
        .collect();
    let done = kyso::remote::sign_files_one_authorization(
        &signer,
        &documents,
        options,
        workflow,
        plan.level,
        &plan.ltv,
        plan.stamper.as_ref(),
    )?;
    for ((signed, summary), output) in done.iter().zip(outputs) {
        report_signed(signed, summary.as_ref(), plan, output, args.json);
    }
    Ok(())
}
