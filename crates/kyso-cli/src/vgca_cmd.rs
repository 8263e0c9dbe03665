//! `kyso vgca OPERATION --request REQ.json [-o OUT.pdf] [signer flags]`: the VGCA Sign Service's
//! operations with its own request and reply JSON (see `kyso::vgca`), so an e-office
//! integration written for VGCA can call kyso unchanged.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use kyso::vgca::{Operation, Reply, Request};
use kyso::{Error, PadesOptions};

use crate::ltv_cmd;
use crate::sign_cmd::{LevelPlan, SignerArgs, open_signer, sign_and_write};

/// `kyso vgca`.
#[derive(Args)]
pub struct VgcaArgs {
    /// SignApproved, SignIssued, SignIncome, SignCopy, SignAppendix, Comment or VerifyPDF
    /// (also their JavaScript names, e.g. vgca_sign_issued).
    pub operation: String,
    /// The request JSON file VGCA callers send (FileName as a local path, DocNumber,
    /// IssuedDate, MetaData [{Key, Value}]); `-` reads it from stdin.
    #[arg(long)]
    pub request: PathBuf,
    /// Where to write the signed PDF (default: the request's OutputFileName, else
    /// NAME_signed.pdf beside the input).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub signer: SignerArgs,
    /// PAdES level: B-B, B-T, B-LT or B-LTA (B-T and above need --tsa).
    #[arg(long, default_value = "B-B")]
    pub level: kyso::ltv::Level,
    #[command(flatten)]
    pub ltv: ltv_cmd::LtvArgs,
    /// VerifyPDF: a trust anchor (file or directory) replacing the built-in Government CA
    /// roots (revocation from the document's own data and --crl; nothing fetched).
    #[arg(long)]
    pub trust: Vec<PathBuf>,
    /// VerifyPDF: known intermediate CA certificates.
    #[arg(long)]
    pub intermediate: Vec<PathBuf>,
}

/// Run the operation; the reply is printed as one JSON line (also on failure); the exit code
/// is 0 when its Status is 0, 1 when VerifyPDF finds the document not valid, else 2.
pub fn run(args: VgcaArgs) -> ExitCode {
    let request = read_request(&args);
    let file = request.as_ref().ok().map(|r| r.file_name.clone());
    let reply = request
        .and_then(|r| execute(&args, &r))
        .unwrap_or_else(|e| {
            eprintln!("lỗi / error: {e}");
            Reply::failure(file, &e)
        });
    crate::print_line(&reply.to_json());
    match reply.status {
        0 => ExitCode::SUCCESS,
        2 => ExitCode::from(1),
        _ => ExitCode::from(2),
    }
}

fn read_request(args: &VgcaArgs) -> Result<Request, Error> {
    let text = if args.request.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Error::Options(format!("reading the request from stdin: {e}")))?;
        s
    } else {
        let bytes = kyso::files::read(&args.request)?;
        String::from_utf8(bytes)
            .map_err(|_| Error::Options("the request is not UTF-8 text".into()))?
    };
    Request::from_json(&text)
}

fn execute(args: &VgcaArgs, request: &Request) -> Result<Reply, Error> {
    let op = Operation::from_name(&args.operation).ok_or_else(|| {
        Error::Options(format!(
            "unknown VGCA operation {:?}: one of SignApproved, SignIssued, SignIncome, SignCopy, \
             SignAppendix, Comment, VerifyPDF",
            args.operation
        ))
    })?;
    if op == Operation::VerifyPdf {
        let paths = |v: &[PathBuf]| v.iter().map(|p| p.display().to_string()).collect();
        // The CRLs given with --crl decide revocation too (nothing is fetched).
        let config = kyso::VerifyConfig {
            trust: paths(&args.trust),
            intermediates: paths(&args.intermediate),
            crls: paths(&args.ltv.crl),
            ..Default::default()
        };
        return request.verify(&config.build()?);
    }
    // Everything that can fail without the key first: a mistake must not cost a PIN try.
    let plan = LevelPlan::new(args.level, &args.ltv)?;
    let workflow = request.profile(op)?.map(|p| p.workflow()).transpose()?;
    let input = std::path::Path::new(&request.file_name);
    if let Err(e) = std::fs::metadata(input) {
        return Err(kyso::Error::Io {
            path: input.to_path_buf(),
            source: e,
        });
    }
    let output = request.output_path(args.output.as_deref());
    let mut options = PadesOptions::new(kyso::signing_time_now());
    options.reason = request.meta(&["Reason"]);
    options.location = request.meta(&["Location"]);
    let signer = open_signer(&args.signer)?;
    sign_and_write(
        input,
        signer.as_ref(),
        &options,
        workflow.as_ref(),
        &plan,
        &output,
        false,
    )?;
    Ok(request.signed_reply(op, &output, kyso::vgca::signing_date(options.signing_time)))
}
