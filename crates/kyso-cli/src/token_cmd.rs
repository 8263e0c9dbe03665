//! `kyso token keygen`, `renew-request` and `import-cert`: the token side of the certificate lifecycle
//! (Decree 68: the key pair is made on the token, the managing agency sends the request to the CA).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kyso::Error;
use kyso::token::PinSource;
use kyso::token::keygen::{
    KeySpec, SubjectName, certification_request, generate_key_pair, import_certificate,
    renewal_request,
};
use kyso::token::pkcs11::{KeyOptions, KeySelector, Module, TokenSession};

#[derive(Clone, Copy, ValueEnum)]
pub enum KeyKind {
    #[value(name = "rsa2048")]
    Rsa2048,
    #[value(name = "rsa3072")]
    Rsa3072,
    #[value(name = "rsa4096")]
    Rsa4096,
    #[value(name = "ec-p256")]
    EcP256,
}

/// Where the token is and how to log in.
#[derive(Args)]
pub struct TokenArgs {
    /// PKCS#11 module of the token.
    #[arg(long)]
    pkcs11_module: PathBuf,
    /// Token label.
    #[arg(long)]
    token: String,
    /// Environment variable holding the user PIN.
    #[arg(long)]
    pin_env: String,
}

/// `kyso token keygen`.
#[derive(Args)]
pub struct KeygenArgs {
    #[command(flatten)]
    token: TokenArgs,
    /// Label of the new key pair.
    #[arg(long)]
    label: String,
    /// Subject of the request, RFC 4514 (`CN=Nguyễn Văn An,O=Sở KH&CN tỉnh Gia Lai,C=VN`).
    #[arg(long)]
    subject: String,
    /// Key type.
    #[arg(long, value_enum, default_value = "rsa2048")]
    key_type: KeyKind,
    /// Where to write the PKCS#10 request (PEM).
    #[arg(short, long)]
    output: PathBuf,
}

/// `kyso token import-cert`.
#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    token: TokenArgs,
    /// The certificate (PEM or DER) issued for a key on the token.
    certificate: PathBuf,
    /// Label of the key the certificate belongs to.
    #[arg(long)]
    label: String,
}

fn open(args: &TokenArgs) -> Result<TokenSession, Error> {
    let module = Module::open(&args.pkcs11_module)?;
    let session = TokenSession::open(&module, &args.token)?;
    session.login(PinSource::Env(args.pin_env.clone()), Default::default())?;
    Ok(session)
}

/// Generate a key pair on the token and write a PKCS#10 request signed by it.
pub fn keygen(args: KeygenArgs) -> Result<(), Error> {
    let subject = SubjectName::parse(&args.subject)?;
    let session = open(&args.token)?;
    let generated = generate_key_pair(&session, args.key_type.spec(), &args.label, None)?;
    let key = session.key(&generated.selector(), KeyOptions::default())?;
    let request = certification_request(&key, &subject)?;
    kyso::files::write_atomic(&args.output, request.to_pem()?.as_bytes())?;
    eprintln!(
        "Đã tạo khóa {:?} (CKA_ID {}) và yêu cầu chứng thư {} — key generated, request written",
        args.label,
        hex_id(&generated.id),
        args.output.display()
    );
    Ok(())
}

/// Store an issued certificate on the token with the CKA_ID of its key.
pub fn import_cert(args: ImportArgs) -> Result<(), Error> {
    let cert = kyso::token::load_certificates(&args.certificate)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            Error::Options(format!("no certificate in {}", args.certificate.display()))
        })?;
    let session = open(&args.token)?;
    let key = session.key(
        &KeySelector::Label(args.label.clone()),
        KeyOptions::default(),
    )?;
    let id = key.id().to_vec();
    import_certificate(&session, &cert, &id, &args.label)?;
    eprintln!(
        "Đã nạp chứng thư vào thiết bị, cạnh khóa {:?} — certificate stored next to its key",
        args.label
    );
    Ok(())
}

/// `kyso token renew-request`.
#[derive(Args)]
pub struct RenewArgs {
    #[command(flatten)]
    token: TokenArgs,
    /// Label of the key whose certificate is renewed.
    #[arg(long)]
    label: String,
    /// Label of the new key pair.
    #[arg(long)]
    new_label: String,
    /// The current certificate (PEM or DER), when the token does not hold it.
    #[arg(long)]
    cert: Option<PathBuf>,
    /// Key type of the new pair; the current key's by default.
    #[arg(long, value_enum)]
    key_type: Option<KeyKind>,
    /// Where to write the PKCS#10 request (PEM).
    #[arg(short, long)]
    output: PathBuf,
}

impl KeyKind {
    fn spec(self) -> KeySpec {
        match self {
            KeyKind::Rsa2048 => KeySpec::Rsa2048,
            KeyKind::Rsa3072 => KeySpec::Rsa3072,
            KeyKind::Rsa4096 => KeySpec::Rsa4096,
            KeyKind::EcP256 => KeySpec::EcP256,
        }
    }
}

/// Prepare a renewal: a new key pair on the token and a request with the subject of the current
/// certificate (which stays on the token and keeps signing until the new one is imported).
pub fn renew_request(args: RenewArgs) -> Result<(), Error> {
    let current_cert = match &args.cert {
        Some(path) => Some(
            kyso::token::load_certificates(path)?
                .into_iter()
                .next()
                .ok_or_else(|| Error::Options(format!("no certificate in {}", path.display())))?,
        ),
        None => None,
    };
    let session = open(&args.token)?;
    let renewal = renewal_request(
        &session,
        &KeySelector::Label(args.label.clone()),
        current_cert.as_ref(),
        &args.new_label,
        args.key_type.map(KeyKind::spec),
    )?;
    kyso::files::write_atomic(&args.output, renewal.request.to_pem()?.as_bytes())?;
    let e = kyso::certificates::expiry(
        &renewal.current,
        kyso::now(),
        kyso::inventory::DEFAULT_WARN_DAYS,
    );
    eprintln!(
        "Đã tạo khóa mới {:?} (CKA_ID {}) và yêu cầu gia hạn {} cho \"{}\" (chứng thư hiện tại hết hạn {}); \
         gửi yêu cầu qua cơ quan quản lý, rồi nạp chứng thư mới: kyso token import-cert --label {:?} \
         — new key and renewal request written; the current certificate ends {}",
        args.new_label,
        hex_id(&renewal.key.id),
        args.output.display(),
        kyso::certificates::display_name(&renewal.current),
        kyso::time::vn_date(e.not_after),
        args.new_label,
        kyso::time::vn_date(e.not_after),
    );
    Ok(())
}

fn hex_id(id: &[u8]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}
