//! A scheduled check of an office's certificates: list every token certificate and given file
//! with its state, write the CSV for the provincial department, and exit 1 when one is due for
//! renewal, so that cron (or a Windows task) can raise the alarm.
//!
//! ```text
//! KYSO_PIN=… cargo run -p kyso --example expiry_report -- /usr/lib/libeToken.so report.csv [CERT.pem ...]
//! ```
use std::process::ExitCode;

use kyso::inventory::InventoryConfig;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [module, csv, files @ ..] = args.as_slice() else {
        eprintln!(
            "usage: expiry_report PKCS11_MODULE OUT.csv [CERT.pem ...]  (PIN in KYSO_PIN, optional)"
        );
        return ExitCode::from(2);
    };
    let config = InventoryConfig {
        certificates: files.to_vec(),
        pkcs11_module: Some(module.clone()),
        pin: None,
        // Without a PIN the tokens' public objects are read: certificates are public.
        pin_env: std::env::var_os("KYSO_PIN").map(|_| "KYSO_PIN".into()),
        unit: Some("Văn phòng UBND tỉnh (ví dụ)".into()),
        warn_days: Some(60),
        at: None,
        format: Some("csv".into()),
    };
    let result = config.build().and_then(|inventory| {
        let rendered = config.render(&inventory)?;
        kyso::files::write_atomic(csv.as_ref(), rendered.as_bytes())?;
        Ok(inventory)
    });
    match result {
        Ok(inventory) => {
            for r in &inventory.reasons {
                println!("! {}\n  {}", r.vi, r.en);
            }
            println!(
                "{} chứng thư / certificates → {csv}",
                inventory.summary.total
            );
            if inventory.needs_attention() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("lỗi / error [{}]: {e}", e.code());
            ExitCode::from(2)
        }
    }
}
