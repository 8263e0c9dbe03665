//! Verify an incoming document before accepting it, and print the reason to return it with.
//!
//! ```text
//! cargo run -p kyso --example verify_incoming -- incoming.pdf rootcag2.crt [cpcag2.crt]
//! ```
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, root, rest @ ..] = args.as_slice() else {
        eprintln!("usage: verify_incoming FILE.pdf ROOT.pem [INTERMEDIATE.pem ...]");
        return ExitCode::from(2);
    };
    let config = kyso::VerifyConfig {
        trust: vec![root.clone()],
        intermediates: rest.to_vec(),
        // No network here: say so in the report rather than pretend.
        revocation: Some("off".into()),
        ..Default::default()
    };
    let result = config
        .build()
        .and_then(|o| kyso::verify_pdf_file(file.as_ref(), &o));
    match result {
        Ok(report) if report.verdict == kyso::Verdict::Valid => {
            println!("Tiếp nhận / accepted: {file}");
            ExitCode::SUCCESS
        }
        Ok(report) => {
            // The reasons a clerk forwards to the sender (Decree 30 Art. 21(2)).
            println!("Trả lại / returned: {file} ({:?})", report.verdict);
            for s in &report.signatures {
                for r in s
                    .reasons
                    .iter()
                    .filter(|r| r.severity != kyso::report::Severity::Info)
                {
                    println!("- {}: {}\n  {}", s.field, r.vi, r.en);
                }
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            ExitCode::from(2)
        }
    }
}
