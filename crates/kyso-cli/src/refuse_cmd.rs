//! `kyso refuse`: the refusal notice of an incoming document that fails verification, to return
//! to its sender (Decree 30 Art. 21(2); quy chế Art. 12.3).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kyso::Error;
use kyso::refusal::Parties;

/// `kyso refuse` arguments.
#[derive(Args)]
pub struct RefuseArgs {
    /// The incoming PDF, or edXML package (.edxml).
    file: PathBuf,
    #[command(flatten)]
    validation: crate::validation_args::ValidationArgs,
    /// The sender, to whom the notice is addressed (Kính gửi …).
    #[arg(long)]
    sender: Option<String>,
    /// The receiving organisation (default: "Văn thư cơ quan").
    #[arg(long)]
    receiver: Option<String>,
    /// The document's number and symbol (số, ký hiệu), e.g. "123/UBND-VP" (for a package:
    /// its header's by default).
    #[arg(long)]
    number: Option<String>,
    /// Where the notice is made (địa danh) for its date line (default: "Gia Lai").
    #[arg(long)]
    place: Option<String>,
    /// Write the notice as a one-page PDF (built-in font embedded; sign it with `kyso sign`).
    #[arg(short = 'o', long, value_name = "NOTICE.pdf")]
    output: Option<PathBuf>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = NoticeFormat::Text)]
    format: NoticeFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum NoticeFormat {
    Text,
    Json,
}

/// Verify the file, make its notice, print it and write the PDF. A VALID document has no
/// notice (exit 2, with the reason).
pub fn run(args: RefuseArgs) -> Result<ExitCode, Error> {
    let options = args.validation.config().build()?;
    let bytes = kyso::files::read(&args.file)?;
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parties = Parties {
        sender: args.sender,
        receiver: args.receiver,
        number: args.number,
        place: args.place,
    };
    let notice = kyso::refusal::refuse(&bytes, &file_name, &options, &parties)?;
    match args.format {
        NoticeFormat::Text => crate::print_line(notice.to_text().trim_end()),
        NoticeFormat::Json => crate::print_line(&notice.to_json()),
    }
    if let Some(out) = &args.output {
        kyso::files::write_atomic(out, &notice.to_pdf()?)?;
        eprintln!(
            "Đã lập thông báo {} — notice written to {}",
            out.display(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
