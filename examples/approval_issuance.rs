//! An outgoing document as Decree 30 wants it: the competent person signs first (approval: the
//! blue signature image between the title and the name), then the clerk applies the
//! organisation's signature (issuance: the red seal at its real size over the left third of that
//! image). Both signatures stay valid; `kyso verify --json` names their roles.
//!
//! With keys on a USB token (PKCS#11; here the project's SoftHSM test token):
//!
//! ```text
//! KYSO_PIN=1234 cargo run -p kyso --example approval_issuance -- \
//!     token /usr/lib/softhsm/libsofthsm2.so kyso-test ca-nhan to-chuc \
//!     in.pdf chu-ky.png con-dau.png 350,150,150,60 out.pdf
//! ```
//!
//! With software keys (PKCS#12 files, password in `KYSO_P12_PASSWORD`):
//!
//! ```text
//! KYSO_P12_PASSWORD=kyso-test cargo run -p kyso --example approval_issuance -- \
//!     p12 tests/work/pki/ca-nhan.p12 tests/work/pki/to-chuc.p12 \
//!     in.pdf chu-ky.png con-dau.png 350,150,150,60 out.pdf
//! ```
//!
//! The rectangle is `X,Y,W,H` in points from the bottom left of page 1. The seal's size comes from
//! the PNG's physical size (`pHYs`); tests/render/make-images.py writes sample images.
use std::process::ExitCode;

use kyso::token::PinSource;
use kyso::token::SoftwareSigner;
use kyso::token::pkcs11::{Module, SignerOptions, TokenSession};
use kyso::workflows::{self, ApprovalOptions, IssuanceOptions, Placement};
use kyso::{Error, PadesOptions, Signer};

/// The two steps, whatever holds the keys.
fn approve_and_issue(
    person: &dyn Signer,
    organisation: &dyn Signer,
    files: &[String],
) -> Result<(), Error> {
    let [input, signature_png, seal_png, rect, output] = files else {
        return Err(Error::Options(
            "expected IN.pdf SIGNATURE.png SEAL.png X,Y,W,H OUT.pdf".into(),
        ));
    };
    let pdf = kyso::files::read(input.as_ref())?;
    let options = PadesOptions::new(kyso::signing_time_now());

    // 1. The competent person (individual certificate).
    let approval = ApprovalOptions {
        image: workflows::load_png(signature_png.as_ref())?,
        placement: Placement {
            page: Some(1),
            rect: Some(workflows::parse_rect(rect)?),
            ..Default::default()
        },
        stretch: false,
    };
    let approved = workflows::sign_approval(&pdf, person, &approval, &options)?;
    println!("approval: field {}", approved.field_name);

    // 2. The clerk, with the organisation's certificate: the seal goes over the approval image.
    let issuance = IssuanceOptions {
        seal: workflows::load_png(seal_png.as_ref())?,
        seal_width_mm: None,
        placement: Placement::default(),
        organization: None,
        doc_number: None,
        issued_date: None,
        font: None,
    };
    let issued = workflows::sign_issuance(&approved.bytes, organisation, &issuance, &options)?;
    kyso::files::write_atomic(output.as_ref(), &issued.bytes)?;
    println!("issuance: field {} -> {output}", issued.field_name);
    Ok(())
}

fn run(args: &[String]) -> Result<(), Error> {
    match args {
        [kind, module, token, person_label, org_label, files @ ..] if kind == "token" => {
            let module = Module::open(module)?;
            let session = TokenSession::open(&module, token)?;
            session.login(PinSource::Env("KYSO_PIN".into()), Default::default())?;
            let person = session.signer(SignerOptions::by_label(person_label))?;
            let organisation = session.signer(SignerOptions::by_label(org_label))?;
            approve_and_issue(&person, &organisation, files)
        }
        [kind, person_p12, org_p12, files @ ..] if kind == "p12" => {
            let password = PinSource::Env("KYSO_P12_PASSWORD".into()).resolve()?;
            let person =
                SoftwareSigner::from_pkcs12_file(std::path::Path::new(person_p12), &password)?;
            let organisation =
                SoftwareSigner::from_pkcs12_file(std::path::Path::new(org_p12), &password)?;
            approve_and_issue(&person, &organisation, files)
        }
        _ => Err(Error::Options(
            "usage: approval_issuance (token MODULE TOKEN PERSON_KEY ORG_KEY | p12 PERSON.p12 \
             ORG.p12) IN.pdf SIGNATURE.png SEAL.png X,Y,W,H OUT.pdf"
                .into(),
        )),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            ExitCode::from(2)
        }
    }
}
