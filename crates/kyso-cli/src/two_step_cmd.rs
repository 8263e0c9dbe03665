//! `kyso sign prepare|finish`: two-step signing for a key that signs elsewhere (a remote
//! signing service, a phone, another system's HSM). `prepare` writes the prepared PDF and says
//! what must be signed; `finish` puts the returned value in and writes the signed PDF.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use kyso::Error;
use kyso::ltv::Level;

use crate::{ltv_cmd, sign_cmd};

#[derive(Subcommand)]
pub enum Step {
    /// Chuẩn bị ký hai bước — prepare IN.pdf for a key that signs elsewhere: -o PREPARED.pdf
    /// --cert CERT [--chain CA …] and the profile flags of `kyso sign`; prints what to sign
    /// (the DER signed attributes and their digest, in base64 and hex).
    Prepare(Box<sign_cmd::SignArgs>),
    /// Hoàn tất ký hai bước — put the signature value into PREPARED.pdf and write OUT.pdf.
    Finish(FinishArgs),
}

#[derive(Args)]
pub struct FinishArgs {
    /// The prepared PDF (from `kyso sign prepare`).
    prepared: PathBuf,
    /// The signature value over the prepared signed attributes: binary (.der, .bin; ECDSA as
    /// DER or r||s) or base64 text (.b64).
    #[arg(long, value_name = "SIG")]
    signature: PathBuf,
    /// Where to write the signed PDF (replaced atomically; nothing is written on refusal).
    #[arg(short, long)]
    output: PathBuf,
    /// PAdES level: B-B, or B-T, B-LT, B-LTA with --tsa (prepare with the same level, so that
    /// room was kept for the time-stamp).
    #[arg(long, default_value = "B-B")]
    level: Level,
    #[command(flatten)]
    ltv: ltv_cmd::LtvArgs,
    /// Print the result as one JSON object on stdout.
    #[arg(long)]
    json: bool,
}

pub fn run(step: Step) -> Result<ExitCode, Error> {
    match step {
        Step::Prepare(args) => prepare(&args),
        Step::Finish(args) => finish(&args),
    }
}

fn prepare(args: &sign_cmd::SignArgs) -> Result<ExitCode, Error> {
    let (certificate, chain) = args.signer.external_certificate()?;
    let (input, output) = args.single_file()?;
    let workflow = args.profile_request()?.map(|r| r.workflow()).transpose()?;
    let bytes = kyso::files::read(input)?;
    let prepared = kyso::two_step::prepare(
        &bytes,
        certificate,
        chain,
        &args.pades_options(),
        workflow.as_ref(),
        args.level(),
    )?;
    kyso::files::write_atomic(output, &prepared.pdf)?;
    for w in &prepared.warnings {
        eprintln!("cảnh báo / warning [{}]: {} — {}", w.code, w.vi, w.en);
    }
    eprintln!(
        "Đã chuẩn bị trường {} vào {}; ký dữ liệu cần ký rồi chạy `kyso sign finish` — prepared field {} into {}; sign the data to be signed, then run `kyso sign finish`",
        prepared.field,
        output.display(),
        prepared.field,
        output.display()
    );
    if args.json() {
        crate::print_line(&prepared.to_json());
    } else {
        let info: serde_json::Value = serde_json::from_str(&prepared.to_json()).unwrap_or_default();
        crate::print_line(&format!(
            "Thuật toán / Algorithm: {}\nCần ký (base64, DER) / To be signed: {}\nBăm {} / Digest: {}",
            prepared.signature_algorithm,
            info["to_be_signed"].as_str().unwrap_or_default(),
            prepared.digest_algorithm,
            info["to_be_signed_digest_hex"].as_str().unwrap_or_default(),
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn finish(args: &FinishArgs) -> Result<ExitCode, Error> {
    let stamper = args.ltv.stamper()?;
    let ltv = args.ltv.options()?;
    let prepared = kyso::files::read(&args.prepared)?;
    let value = kyso::two_step::read_signature_value(&kyso::files::read(&args.signature)?);
    let done = kyso::two_step::finish(&prepared, &value, args.level, &ltv, stamper.as_ref())?;
    kyso::files::write_atomic(&args.output, &done.pdf)?;
    if let Some(summary) = &done.ltv {
        ltv_cmd::report(summary, args.level, &args.output);
    }
    eprintln!(
        "Đã ký trường {} vào {} — signed field {} into {}",
        done.field,
        args.output.display(),
        done.field,
        args.output.display()
    );
    if args.json {
        crate::print_line(
            &serde_json::json!({
                "output": args.output.display().to_string(),
                "field": done.field,
                "size": done.pdf.len(),
                "level": args.level.as_str(),
                "ltv": done.ltv,
            })
            .to_string(),
        );
    }
    Ok(ExitCode::SUCCESS)
}
