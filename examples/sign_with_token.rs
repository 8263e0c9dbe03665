//! Sign a PDF with the key on a USB token (PKCS#11), the PIN taken from an environment variable.
//!
//! ```text
//! KYSO_PIN=1234 cargo run -p kyso --example sign_with_token -- \
//!     /usr/lib/softhsm/libsofthsm2.so kyso-test ca-nhan in.pdf out.pdf
//! ```
use std::process::ExitCode;

use kyso::token::PinSource;
use kyso::token::pkcs11::{Module, SignerOptions, TokenSession};

fn run(module: &str, token: &str, key: &str, input: &str, output: &str) -> Result<(), kyso::Error> {
    let module = Module::open(module)?;
    let session = TokenSession::open(&module, token)?;
    // One try only: a wrong PIN comes back as an error saying how many tries are left.
    session.login(PinSource::Env("KYSO_PIN".into()), Default::default())?;
    let signer = session.signer(SignerOptions::by_label(key))?;
    let options = kyso::PadesOptions::new(kyso::signing_time_now());
    let signed = kyso::sign_pdf_file(input.as_ref(), output.as_ref(), &signer, &options)?;
    println!("signed field {} into {output}", signed.field_name);
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [module, token, key, input, output] = args.as_slice() else {
        eprintln!("usage: sign_with_token MODULE TOKEN KEY_LABEL IN.pdf OUT.pdf");
        return ExitCode::from(2);
    };
    match run(module, token, key, input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            ExitCode::from(2)
        }
    }
}
