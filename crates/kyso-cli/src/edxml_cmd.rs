//! `kyso edxml verify|extract`: edXML packages (QCVN 102:2016) verified or opened.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use kyso::{Error, Verdict};

use crate::{human, print_line, validation_args};

#[derive(Subcommand)]
pub enum EdxmlCommand {
    /// Kiểm tra gói tin: tiêu đề, chữ ký số XML, từng văn bản PDF đính kèm — verify a package:
    /// its header, its XML signature and every attached PDF.
    Verify(VerifyArgs),
    /// Lấy các tệp đính kèm ra thư mục — write the attached documents into a directory.
    Extract(ExtractArgs),
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The packages (.edxml).
    #[arg(required = true)]
    packages: Vec<PathBuf>,
    #[command(flatten)]
    validation: validation_args::ValidationArgs,
    /// One JSON report (kyso.edxml/1) per package, one per line.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ExtractArgs {
    /// The package (.edxml).
    package: PathBuf,
    /// The directory to write the documents into (created if needed).
    #[arg(short = 'd', long)]
    dir: PathBuf,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(command: EdxmlCommand) -> Result<ExitCode, Error> {
    match command {
        EdxmlCommand::Verify(args) => verify(args),
        EdxmlCommand::Extract(args) => extract(args),
    }
}

fn verify(args: VerifyArgs) -> Result<ExitCode, Error> {
    let options = args.validation.config().build()?;
    let mut all_valid = true;
    for path in &args.packages {
        match kyso::edxml::verify_edxml_file(path, &options) {
            Ok(report) => {
                all_valid &= report.verdict == Verdict::Valid;
                print_line(&if args.json {
                    report.to_json()
                } else {
                    human::package_text(&report)
                });
            }
            Err(e @ Error::Io { .. }) => return Err(e),
            Err(e) => {
                all_valid = false;
                print_line(&if args.json {
                    human::error_json(path, &e)
                } else {
                    human::error_text(path, &e)
                });
            }
        }
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn extract(args: ExtractArgs) -> Result<ExitCode, Error> {
    let written = kyso::edxml::extract_edxml_file(&args.package, &args.dir)?;
    let failed = written.iter().any(|w| w.error.is_some());
    if args.json {
        print_line(&serde_json::to_string(&written).unwrap_or_default());
    } else {
        for w in &written {
            match (&w.path, &w.error) {
                (Some(p), _) => print_line(&format!("{} ({} bytes)", p.display(), w.size)),
                (None, Some(e)) => print_line(&format!(
                    "[lỗi] Không giải mã được tệp đính kèm / attachment not decoded: {}: {e}",
                    w.content_id
                )),
                (None, None) => {}
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
