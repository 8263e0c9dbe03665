//! Verify every PDF in a directory and print one JSON report per line (for an inbox job).
//!
//! ```text
//! cargo run -p kyso --example batch_verify -- inbox/ trust-dir/
//! ```
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, trust] = args.as_slice() else {
        eprintln!("usage: batch_verify DIR TRUST_DIR");
        return ExitCode::from(2);
    };
    let config = kyso::VerifyConfig {
        trust: vec![trust.clone()],
        revocation: Some("off".into()),
        ..Default::default()
    };
    let options = match config.build() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("error: cannot read {dir}");
        return ExitCode::from(2);
    };
    let mut all_valid = true;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("pdf") {
            continue;
        }
        match kyso::verify_pdf_file(&path, &options) {
            Ok(r) => {
                all_valid &= r.verdict == kyso::Verdict::Valid;
                println!("{}", r.to_json());
            }
            Err(e) => {
                all_valid = false;
                eprintln!("{}: {e}", path.display());
            }
        }
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
