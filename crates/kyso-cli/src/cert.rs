//! `kyso cert verify` and `kyso cert inspect`: certificate path validation at a time, with
//! revocation (supplied CRLs, or fetched with `--online`), and a readable certificate dump.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use der::Decode;
use kyso::Error;
use kyso::policy::path::{PathOptions, PathStatus, validate_path_stored};
use kyso::policy::reason::{Reason, Severity};
use kyso::policy::revocation::{
    RevocationData, RevocationOptions, RevocationStatus, aia_urls, check_path, crl_urls,
    fetch_revocation_data,
};
use kyso::policy::subject::{format_name, serial_hex, subject_info};
use kyso::policy::trust::{StoredCertificate, TrustStore, parse_certificates};
use serde_json::json;
use x509_cert::Certificate;

/// Certificate subcommands.
#[derive(Subcommand)]
pub enum CertCommand {
    /// Kiểm tra chứng thư số đến gốc tin cậy — validate a certificate's chain and revocation.
    Verify(CertVerifyArgs),
    /// Xem nội dung chứng thư số — show a certificate.
    Inspect {
        /// Certificate file (PEM or DER).
        cert: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `kyso cert verify`.
#[derive(Args)]
pub struct CertVerifyArgs {
    /// The certificate to validate (PEM or DER; further certificates in the file help build the
    /// chain).
    leaf: PathBuf,
    /// Trust anchor: a certificate file or a directory of them.
    #[arg(long, required = true)]
    trust: Vec<PathBuf>,
    /// Known intermediate CA certificates (file or directory).
    #[arg(long)]
    intermediate: Vec<PathBuf>,
    /// Validation time (RFC 3339); now by default.
    #[arg(long)]
    at: Option<String>,
    /// A CRL file (DER or PEM).
    #[arg(long)]
    crl: Vec<PathBuf>,
    /// Do not check revocation (reported as a warning).
    #[arg(long, conflicts_with = "online")]
    no_revocation: bool,
    /// Fetch missing revocation data (OCSP, CRL) and issuers (AIA) over HTTP.
    #[arg(long)]
    online: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Run a certificate subcommand.
pub fn run(cmd: CertCommand) -> Result<ExitCode, Error> {
    match cmd {
        CertCommand::Verify(args) => verify(args),
        CertCommand::Inspect { cert, json } => inspect(&cert, json).map(|()| ExitCode::SUCCESS),
    }
}

fn read_certs(path: &Path) -> Result<Vec<StoredCertificate>, Error> {
    let bytes = kyso::files::read(path)?;
    parse_certificates(&bytes).map_err(|e| Error::Options(format!("{}: {e}", path.display())))
}

/// The outcome of `cert verify`, as printed.
struct Outcome {
    status: &'static str,
    sub_indication: Option<&'static str>,
    path: Vec<String>,
    reasons: Vec<Reason>,
    revocation: Option<serde_json::Value>,
    time: der::DateTime,
}

fn verify(args: CertVerifyArgs) -> Result<ExitCode, Error> {
    let mut store = TrustStore::new();
    kyso::files::load_into(&mut store, &args.trust, true)?;
    kyso::files::load_into(&mut store, &args.intermediate, false)?;
    let mut certs = read_certs(&args.leaf)?;
    if certs.is_empty() {
        return Err(Error::Options(format!(
            "{}: no certificate",
            args.leaf.display()
        )));
    }
    let leaf = certs.remove(0);
    let mut extra = certs;
    let time = match &args.at {
        Some(s) => kyso::options::parse_time(s)?,
        None => kyso::now(),
    };
    let fetcher = args
        .online
        .then(|| kyso::net::HttpFetcher::new(kyso::net::FetchConfig::default()));

    let options = PathOptions::at(time);
    let mut path = validate_path_stored(&leaf, &extra, &store, &options);
    // Online: complete a missing chain from AIA caIssuers.
    if let Some(f) = &fetcher {
        for _ in 0..3 {
            if path.sub_indication != Some("NO_CERTIFICATE_CHAIN_FOUND") {
                break;
            }
            let Some(last) = path.path.last() else { break };
            let mut found = Vec::new();
            for url in aia_urls(last).1 {
                if let Ok(bytes) = kyso::net::HttpFetcher::get(f, &url)
                    && let Ok(c) = parse_certificates(&bytes)
                {
                    found.extend(c);
                }
            }
            if found.is_empty() {
                break;
            }
            extra.extend(found);
            path = validate_path_stored(&leaf, &extra, &store, &options);
        }
    }

    let mut out = Outcome {
        status: "VALID",
        sub_indication: None,
        path: path
            .path
            .iter()
            .map(|c| format_name(c.tbs_certificate().subject()))
            .collect(),
        reasons: path.reasons.clone(),
        revocation: None,
        time,
    };
    match path.status {
        PathStatus::Valid => {}
        PathStatus::Invalid => out.status = "INVALID",
        PathStatus::Indeterminate => out.status = "INDETERMINATE",
    }
    out.sub_indication = path.sub_indication;

    if path.status == PathStatus::Valid {
        if args.no_revocation {
            out.reasons.push(Reason::warning(
                "REVOCATION_SKIPPED",
                "Không kiểm tra tình trạng thu hồi của chứng thư số (theo yêu cầu)",
                "Certificate revocation was not checked (as requested)",
            ));
        } else {
            let mut data = RevocationData::default();
            for f in &args.crl {
                data.crls.push(kyso::files::read(f)?);
            }
            let mut ropts = RevocationOptions::at(time);
            if let Some(f) = &fetcher {
                let fetched = fetch_revocation_data(&path.path, &data, f, &ropts);
                ropts.nonce = fetched.nonce;
                data.extend(fetched.data);
                for e in fetched.errors {
                    out.reasons.push(Reason::info(
                        "REVOCATION_FETCH_FAILED",
                        format!("Không tải được dữ liệu thu hồi: {e}"),
                        format!("Revocation data could not be fetched: {e}"),
                    ));
                }
            }
            let check = check_path(&path.path, &data, &ropts);
            match check.status {
                RevocationStatus::Passed => {}
                RevocationStatus::Failed => out.status = "INVALID",
                RevocationStatus::Indeterminate => out.status = "INDETERMINATE",
            }
            if check.sub_indication.is_some() {
                out.sub_indication = check.sub_indication;
            }
            out.reasons.extend(check.reasons.iter().cloned());
            out.revocation = serde_json::to_value(&check.certificates).ok();
        }
    }
    // The Decree 68 profile (policy OID, validity length) as further findings.
    out.reasons
        .extend(kyso::policy::profile::certificate_findings(
            &path.path,
            &kyso::policy::profile::Profile::default(),
        ));
    if out.status == "VALID"
        && out
            .reasons
            .iter()
            .any(|r| r.severity == Severity::Error && r.code.starts_with("PROFILE_"))
    {
        out.status = "INVALID";
        out.sub_indication = Some("CHAIN_CONSTRAINTS_FAILURE");
    }

    if args.json {
        println!(
            "{}",
            json!({
                "status": out.status,
                "sub_indication": out.sub_indication,
                "validation_time": kyso::policy::revocation::rfc3339(out.time),
                "path": out.path,
                "revocation": out.revocation,
                "reasons": out.reasons,
            })
        );
    } else {
        let (vi, en) = match out.status {
            "VALID" => ("HỢP LỆ", "VALID"),
            "INVALID" => ("KHÔNG HỢP LỆ", "INVALID"),
            _ => ("CHƯA XÁC ĐỊNH ĐƯỢC", "INDETERMINATE"),
        };
        println!(
            "Chứng thư số: {vi} — certificate: {en}{}",
            out.sub_indication
                .map(|s| format!(" ({s})"))
                .unwrap_or_default()
        );
        println!(
            "Thời điểm kiểm tra — validation time: {}",
            kyso::policy::revocation::rfc3339(out.time)
        );
        for (i, p) in out.path.iter().enumerate() {
            println!("  {}{p}", "  ".repeat(i));
        }
        for r in &out.reasons {
            let mark = match r.severity {
                Severity::Error => "✗",
                Severity::Warning => "!",
                Severity::Info => "·",
            };
            println!("{mark} {}\n  {}", r.vi, r.en);
        }
    }
    Ok(if out.status == "VALID" {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn ext<'a>(cert: &'a Certificate, oid: &str) -> Option<(&'a [u8], bool)> {
    let oid = const_oid::ObjectIdentifier::new(oid).ok()?;
    cert.tbs_certificate()
        .extensions()?
        .iter()
        .find(|e| e.extn_id == oid)
        .map(|e| (e.extn_value.as_bytes(), e.critical))
}

fn inspect(path: &Path, json_out: bool) -> Result<(), Error> {
    let certs = read_certs(path)?;
    let Some(stored) = certs.first() else {
        return Err(Error::Options(format!(
            "{}: no certificate",
            path.display()
        )));
    };
    let cert = &stored.certificate;
    let tbs = cert.tbs_certificate();
    let info = subject_info(cert);
    let rfc = kyso::policy::revocation::rfc3339;
    let key = kyso::policy::algorithms::key_info(tbs.subject_public_key_info())
        .map(|(k, bits)| format!("{k:?} {bits}"))
        .unwrap_or_else(|_| tbs.subject_public_key_info().algorithm.oid.to_string());
    let key_usage: Vec<String> = ext(cert, "2.5.29.15")
        .and_then(|(v, _)| x509_cert::ext::pkix::KeyUsage::from_der(v).ok())
        .map(|k| k.0.into_iter().map(|u| format!("{u:?}")).collect())
        .unwrap_or_default();
    let eku: Vec<String> = ext(cert, "2.5.29.37")
        .and_then(|(v, _)| x509_cert::ext::pkix::ExtendedKeyUsage::from_der(v).ok())
        .map(|e| e.0.iter().map(|o| o.to_string()).collect())
        .unwrap_or_default();
    let policies: Vec<String> = ext(cert, "2.5.29.32")
        .and_then(|(v, _)| x509_cert::ext::pkix::CertificatePolicies::from_der(v).ok())
        .map(|p| {
            p.0.iter()
                .map(|i| i.policy_identifier.to_string())
                .collect()
        })
        .unwrap_or_default();
    let basic = ext(cert, "2.5.29.19")
        .and_then(|(v, _)| x509_cert::ext::pkix::BasicConstraints::from_der(v).ok());
    let (ocsp, ca_issuers) = aia_urls(cert);
    let fingerprint = kyso::policy::algorithms::DigestAlgorithm::Sha256
        .hash(&stored.der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<String>();
    let profile = kyso::policy::profile::certificate_findings(
        std::slice::from_ref(cert),
        &kyso::policy::profile::Profile::default(),
    );
    let value = json!({
        "subject": format_name(tbs.subject()),
        "issuer": format_name(tbs.issuer()),
        "serial": serial_hex(cert),
        "not_before": rfc(tbs.validity().not_before.to_date_time()),
        "not_after": rfc(tbs.validity().not_after.to_date_time()),
        "key": key,
        "signature_algorithm": cert.signature_algorithm().oid.to_string(),
        "ca": basic.as_ref().is_some_and(|b| b.ca),
        "path_len": basic.and_then(|b| b.path_len_constraint),
        "key_usage": key_usage,
        "extended_key_usage": eku,
        "policies": policies,
        "crl_distribution_points": crl_urls(cert),
        "ocsp": ocsp,
        "ca_issuers": ca_issuers,
        "common_name": info.common_name,
        "organization": info.organization,
        "title": info.title,
        "tax_code": info.tax_code,
        "budget_code": info.budget_code,
        "personal_id": info.personal_id,
        "subscriber_type": info.subscriber_type.as_str(),
        "sha256_fingerprint": fingerprint,
        "der_length": stored.der.len(),
        "reasons": profile,
    });
    if json_out {
        println!("{value}");
    } else {
        let labels = [
            ("subject", "Chủ thể — subject"),
            ("issuer", "Tổ chức cấp — issuer"),
            ("serial", "Số hiệu — serial"),
            ("not_before", "Hiệu lực từ — not before"),
            ("not_after", "Hiệu lực đến — not after"),
            ("key", "Khóa — key"),
            ("subscriber_type", "Loại thuê bao — subscriber type"),
            ("title", "Chức danh — title"),
            ("tax_code", "Mã số thuế — tax code"),
            ("budget_code", "Mã ngân sách — budget code"),
            ("ca", "Là CA — is a CA"),
            ("key_usage", "Mục đích khóa — key usage"),
            (
                "extended_key_usage",
                "Mục đích mở rộng — extended key usage",
            ),
            ("policies", "Chính sách — policies"),
            ("crl_distribution_points", "CRL"),
            ("ocsp", "OCSP"),
            ("ca_issuers", "CA issuers"),
            ("sha256_fingerprint", "SHA-256"),
        ];
        for (k, label) in labels {
            match &value[k] {
                serde_json::Value::Null => {}
                serde_json::Value::Array(a) if a.is_empty() => {}
                serde_json::Value::String(s) => println!("{label}: {s}"),
                v => println!("{label}: {v}"),
            }
        }
        for r in &profile {
            println!("! {}\n  {}", r.vi, r.en);
        }
    }
    Ok(())
}
