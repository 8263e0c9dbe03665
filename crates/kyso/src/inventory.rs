//! The certificate inventory: every certificate an office holds, on its tokens or as files, with
//! whose it is, where it is and when it ends. It feeds the expiry warnings of `kyso token list`
//! and the report the provincial Department of Science and Technology (Sở KH&CN) collects on the
//! use of public-service certificates (Gia Lai Decision 29/2026/QĐ-UBND Art. 10.4), as JSON
//! (`kyso.inventory/1`) or CSV for a spreadsheet.

use kyso_policy::expiry::{ExpiryState, expiry};
use kyso_policy::reason::{Msg, Reason};
use kyso_policy::subject::{format_name, subject_info};
use kyso_policy::time::rfc3339;
use kyso_policy::time::vn_date;
use kyso_token::PinSource;
use kyso_token::pkcs11::{KeyEntry, Module, TokenDescription, TokenSession};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use zeroize::Zeroize;

use crate::Error;

pub use kyso_policy::expiry::DEFAULT_WARN_DAYS;

/// The JSON schema name.
pub const INVENTORY_SCHEMA: &str = "kyso.inventory/1";

/// Where a certificate was found.
#[derive(Debug, Clone, Copy)]
pub enum Location<'a> {
    /// A file (its path as given).
    File(&'a str),
    /// A token, next to a key.
    Token {
        /// The token.
        token: &'a TokenDescription,
        /// The key the certificate belongs to.
        key: &'a KeyEntry,
    },
}

/// One certificate of the inventory.
#[derive(Debug, Clone, Serialize)]
pub struct InventoryEntry {
    /// `token` or `file`.
    pub location: &'static str,
    /// The token label, or the file path.
    pub source: String,
    /// The token's serial number.
    pub token_serial: Option<String>,
    /// `CKA_LABEL` of the key on the token.
    pub key_label: Option<String>,
    /// Whether the token shows the private key (private keys are listed after login only).
    pub has_private_key: Option<bool>,
    /// Subject (RFC 4514 form).
    pub subject: String,
    /// Subject CN.
    pub common_name: Option<String>,
    /// Subject title (2.5.4.12).
    pub title: Option<String>,
    /// Subject O.
    pub organization: Option<String>,
    /// `individual`, `organization` or `unknown` (Decree 68 subscriber types).
    pub subscriber_type: &'static str,
    /// Tax code (`UID=MST:`).
    pub tax_code: Option<String>,
    /// Budget-unit code (`UID=MNS:`).
    pub budget_code: Option<String>,
    /// Serial number, upper-case hex.
    pub serial: String,
    /// Issuer (RFC 4514 form).
    pub issuer: String,
    /// notBefore, RFC 3339.
    pub not_before: String,
    /// notAfter, RFC 3339.
    pub not_after: String,
    /// Whole days left at the inventory time; negative once expired.
    pub days_left: i64,
    /// `valid`, `expiring_soon`, `expired` or `not_yet_valid`.
    pub state: ExpiryState,
    /// SHA-256 of the certificate's DER, upper-case hex (tells renewed certificates apart).
    pub sha256: String,
    /// notBefore and notAfter as times, for the CSV dates.
    #[serde(skip)]
    validity: (der::DateTime, der::DateTime),
}

impl InventoryEntry {
    /// The subscriber type in Vietnamese and English, as the reports show it.
    pub fn subscriber_label(&self) -> &'static str {
        match self.subscriber_type {
            "individual" => "cá nhân / individual",
            "organization" => "cơ quan, tổ chức / organization",
            _ => "chưa xác định / unknown",
        }
    }
}

/// Counts by state.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InventorySummary {
    /// All certificates.
    pub total: usize,
    /// Valid beyond the warning period.
    pub valid: usize,
    /// Ending within the warning period.
    pub expiring_soon: usize,
    /// Expired.
    pub expired: usize,
    /// Not valid yet.
    pub not_yet_valid: usize,
}

/// The inventory.
#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    /// [`INVENTORY_SCHEMA`].
    pub schema: &'static str,
    /// The reporting unit (cơ quan, đơn vị), as the caller names it.
    pub unit: Option<String>,
    /// The time the states refer to, RFC 3339.
    pub generated_at: String,
    /// The warning period in days.
    pub warn_days: u32,
    /// Counts by state.
    pub summary: InventorySummary,
    /// The certificates, in the order they were added.
    pub entries: Vec<InventoryEntry>,
    /// A finding for each certificate that is not simply valid (expiring soon, expired, not yet
    /// valid) and for each token that could not be read, in Vietnamese and English.
    pub reasons: Vec<Reason>,
    #[serde(skip)]
    at: der::DateTime,
}

impl Inventory {
    /// An empty inventory at `at` with a warning period of `warn_days`.
    pub fn new(unit: Option<String>, at: der::DateTime, warn_days: u32) -> Self {
        Self {
            schema: INVENTORY_SCHEMA,
            unit,
            generated_at: rfc3339(at),
            warn_days,
            summary: InventorySummary::default(),
            entries: Vec::new(),
            reasons: Vec::new(),
            at,
        }
    }

    /// Add a certificate found at `location`. The same certificate at the same place is listed
    /// once (a file given twice, a certificate object duplicated on a token).
    pub fn add_certificate(&mut self, cert: &Certificate, location: Location<'_>) {
        let der = der::Encode::to_der(cert).unwrap_or_default();
        let sha256 = kyso_policy::subject::hex_upper(&Sha256::digest(&der));
        let (kind, source, token_serial, key_label, has_private_key) = match location {
            Location::File(path) => ("file", path.to_string(), None, None, None),
            Location::Token { token, key } => (
                "token",
                token.label.clone(),
                Some(token.serial.clone()),
                Some(key.label.clone()),
                Some(key.has_private_key),
            ),
        };
        if self.entries.iter().any(|e| {
            e.sha256 == sha256
                && e.location == kind
                && e.source == source
                && e.key_label == key_label
        }) {
            return;
        }
        let info = subject_info(cert);
        let status = expiry(cert, self.at, self.warn_days);
        self.reasons.extend(status.reason(cert));
        let s = &mut self.summary;
        s.total += 1;
        match status.state {
            ExpiryState::Valid => s.valid += 1,
            ExpiryState::ExpiringSoon => s.expiring_soon += 1,
            ExpiryState::Expired => s.expired += 1,
            _ => s.not_yet_valid += 1,
        }
        self.entries.push(InventoryEntry {
            location: kind,
            source,
            token_serial,
            key_label,
            has_private_key,
            subject: info.subject,
            common_name: info.common_name,
            title: info.title,
            organization: info.organization,
            subscriber_type: info.subscriber_type.as_str(),
            tax_code: info.tax_code,
            budget_code: info.budget_code,
            serial: info.serial_hex,
            issuer: format_name(cert.tbs_certificate().issuer()),
            not_before: rfc3339(status.not_before),
            not_after: rfc3339(status.not_after),
            days_left: status.days_left,
            state: status.state,
            sha256,
            validity: (status.not_before, status.not_after),
        });
    }

    /// Add the certificates of a token's keys (keys without a certificate are skipped: there is
    /// nothing to expire; `kyso token list` shows them).
    pub fn add_token(&mut self, token: &TokenDescription, keys: &[KeyEntry]) {
        for key in keys {
            let Some(cert) = &key.certificate else {
                continue;
            };
            // The CA certificates a VGCA token carries for the chain are not the unit's
            // certificates: they have no key there and are the CA's to renew.
            if !key.has_private_key && kyso_token::is_ca(cert) {
                continue;
            }
            self.add_certificate(cert, Location::Token { token, key });
        }
    }

    /// Whether any certificate is expired, expiring within the warning period or not yet valid.
    pub fn needs_attention(&self) -> bool {
        self.summary.total != self.summary.valid
    }

    /// The inventory as one line of JSON (`kyso.inventory/1`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The inventory as CSV (RFC 4180: comma-separated, CRLF, fields quoted where needed),
    /// UTF-8 with a byte-order mark so spreadsheet programs show the Vietnamese text. One row per
    /// certificate, dates as Vietnamese documents write them (Vietnam time), the unit repeated on
    /// each row so that reports from several units can be put together.
    pub fn to_csv(&self) -> String {
        const HEADER: [&str; 19] = [
            "STT / No.",
            "Đơn vị / Unit",
            "Nơi lưu / Location",
            "Thiết bị hoặc tệp / Token or file",
            "Số sê-ri thiết bị / Token serial",
            "Nhãn khóa / Key label",
            "Chủ thể / Subject (CN)",
            "Chức danh / Title",
            "Cơ quan, tổ chức / Organization",
            "Loại thuê bao / Subscriber type",
            "MST / Tax code",
            "Mã QHNS / Budget code",
            "Số hiệu chứng thư / Serial",
            "Đơn vị cấp / Issuer",
            "Hiệu lực từ / Valid from",
            "Hiệu lực đến / Valid until",
            "Còn lại (ngày) / Days left",
            "Tình trạng / State",
            "SHA-256",
        ];
        let mut out = String::from("\u{feff}");
        push_row(&mut out, HEADER.iter().map(|h| h.to_string()));
        for (i, e) in self.entries.iter().enumerate() {
            let (vi, en) = e.state.labels();
            let location = if e.location == "token" {
                "thiết bị / token"
            } else {
                "tệp / file"
            };
            push_row(
                &mut out,
                [
                    (i + 1).to_string(),
                    self.unit.clone().unwrap_or_default(),
                    location.to_string(),
                    e.source.clone(),
                    e.token_serial.clone().unwrap_or_default(),
                    e.key_label.clone().unwrap_or_default(),
                    e.common_name.clone().unwrap_or_else(|| e.subject.clone()),
                    e.title.clone().unwrap_or_default(),
                    e.organization.clone().unwrap_or_default(),
                    e.subscriber_label().to_string(),
                    e.tax_code.clone().unwrap_or_default(),
                    e.budget_code.clone().unwrap_or_default(),
                    e.serial.clone(),
                    e.issuer.clone(),
                    vn_date(e.validity.0),
                    vn_date(e.validity.1),
                    e.days_left.to_string(),
                    format!("{vi} / {en}"),
                    e.sha256.clone(),
                ]
                .into_iter(),
            );
        }
        out
    }
}

/// A token and what it shows.
#[derive(Debug, Clone)]
pub struct TokenListing {
    /// The token.
    pub token: TokenDescription,
    /// Its keys with their certificates (private keys only after login).
    pub keys: Vec<KeyEntry>,
    /// Why the token could not be read (not recognised…), when it could not.
    pub error: Option<String>,
}

/// The tokens of `module` with their keys and certificates. `pin_for` gives the PIN to log in
/// to a token with, or `None` to list without logging in (then tokens that keep keys private
/// show only their public objects). A failed login is an error (a wrong PIN is never retried:
/// three lock a Government CA token); a token that cannot be opened is listed with its error;
/// an empty slot is listed with no keys.
pub fn list_tokens(
    module: &Module,
    pin_for: &mut dyn FnMut(&TokenDescription) -> Option<PinSource>,
) -> Result<Vec<TokenListing>, Error> {
    let mut out = Vec::new();
    for token in module.list_tokens()? {
        if !token.flags.token_initialized {
            out.push(TokenListing {
                token,
                keys: Vec::new(),
                error: None,
            });
            continue;
        }
        let session = match TokenSession::open(module, &token.label) {
            Ok(s) => s,
            Err(e) => {
                out.push(TokenListing {
                    token,
                    keys: Vec::new(),
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        if let Some(pin) = pin_for(&token) {
            session.login(pin, Default::default())?;
        }
        let (keys, error) = match session.keys() {
            Ok(keys) => (keys, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        out.push(TokenListing { token, keys, error });
    }
    Ok(out)
}

/// Tokens as JSON, the shape of `kyso token list --json` and `kyso_token_list`:
/// `{"tokens": [{"label", "serial", "manufacturer", "model", "slot", "flags": {…}, "keys":
/// [{"label", "id", "key_type", "key_bits", "has_private_key", "certificate_subject",
/// "certificate_not_after", "certificate_state", "certificate_days_left"}], "error"}],
/// "warn_days", "reasons": [expiry findings]}`; states at `at`.
pub fn tokens_json(listing: &[TokenListing], at: der::DateTime, warn_days: u32) -> String {
    let mut findings = Vec::new();
    let tokens: Vec<serde_json::Value> = listing
        .iter()
        .map(|l| {
            let t = &l.token;
            let keys: Vec<serde_json::Value> = l
                .keys
                .iter()
                .map(|k| {
                    let e = k.certificate.as_ref().map(|c| {
                        let e = expiry(c, at, warn_days);
                        findings.extend(e.reason(c));
                        e
                    });
                    serde_json::json!({
                        "label": k.label, "id": k.id, "key_type": format!("{:?}", k.key_type),
                        "key_bits": k.key_bits, "has_private_key": k.has_private_key,
                        "certificate_subject": k.certificate.as_ref().map(|c| c.tbs_certificate().subject().to_string()),
                        "certificate_not_after": e.as_ref().map(|e| rfc3339(e.not_after)),
                        "certificate_state": e.as_ref().map(|e| e.state),
                        "certificate_days_left": e.as_ref().map(|e| e.days_left),
                    })
                })
                .collect();
            serde_json::json!({
                "label": t.label, "serial": t.serial, "manufacturer": t.manufacturer,
                "model": t.model, "slot": t.slot_id,
                "flags": {
                    "login_required": t.flags.login_required,
                    "user_pin_count_low": t.flags.user_pin_count_low,
                    "user_pin_final_try": t.flags.user_pin_final_try,
                    "user_pin_locked": t.flags.user_pin_locked,
                    "token_initialized": t.flags.token_initialized,
                },
                "keys": keys,
                "error": l.error,
            })
        })
        .collect();
    serde_json::json!({ "tokens": tokens, "warn_days": warn_days, "reasons": findings }).to_string()
}

/// The tokens of the PKCS#11 module at `module_path` as [`tokens_json`], without logging in,
/// with states now and the default warning period (the C ABI's `kyso_token_list`).
pub fn token_list_json(module_path: &str) -> Result<String, Error> {
    let module = Module::open(module_path)?;
    let listing = list_tokens(&module, &mut |_| None)?;
    Ok(tokens_json(&listing, crate::now(), DEFAULT_WARN_DAYS))
}

/// The inventory options object, the C ABI's `kyso_certificate_inventory`:
/// `{"certificates": ["PEM text or file path", …], "pkcs11_module": "/path/to/module.so",
///   "pin": "…" | "pin_env": "VAR", "unit": "…", "warn_days": 30, "at": "RFC 3339",
///   "format": "json" | "csv" | "html"}`; all optional, the `kyso cert inventory` flags.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryConfig {
    /// Certificates: PEM text, or files (PEM or DER, every certificate in them).
    #[serde(default)]
    pub certificates: Vec<String>,
    /// List the certificates on every token of this PKCS#11 module too.
    pub pkcs11_module: Option<String>,
    /// The user PIN to log in to the tokens with (zeroized on drop; never logged).
    pub pin: Option<String>,
    /// An environment variable holding the PIN.
    pub pin_env: Option<String>,
    /// The reporting unit.
    pub unit: Option<String>,
    /// The warning period in days ([`DEFAULT_WARN_DAYS`] when absent).
    pub warn_days: Option<u32>,
    /// The time the states refer to (RFC 3339); now when absent.
    pub at: Option<String>,
    /// `json` (default), `csv` or `html`.
    pub format: Option<String>,
}

impl std::fmt::Debug for InventoryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InventoryConfig")
            .field("certificates", &self.certificates.len())
            .field("pkcs11_module", &self.pkcs11_module)
            .field("pin", &self.pin.as_ref().map(|_| "<hidden>"))
            .field("pin_env", &self.pin_env)
            .field("unit", &self.unit)
            .field("warn_days", &self.warn_days)
            .field("at", &self.at)
            .field("format", &self.format)
            .finish()
    }
}

impl Drop for InventoryConfig {
    fn drop(&mut self) {
        self.pin.zeroize();
    }
}

impl InventoryConfig {
    /// Parse the JSON options object (errors: [`Error::Options`], code 7001).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        crate::options::from_json_object(json, "inventory options JSON")
    }

    /// Make the inventory: the options are checked, then the files read, then the tokens.
    pub fn build(&self) -> Result<Inventory, Error> {
        if self.pin.is_some() && self.pin_env.is_some() {
            return Err(Error::Options(
                "give \"pin\" or \"pin_env\", not both".into(),
            ));
        }
        if (self.pin.is_some() || self.pin_env.is_some()) && self.pkcs11_module.is_none() {
            return Err(Error::Options(
                "\"pin\" and \"pin_env\" need \"pkcs11_module\"".into(),
            ));
        }
        self.output_format()?;
        let at = match &self.at {
            Some(s) => kyso_policy::time::parse_rfc3339(s)
                .ok_or_else(|| Error::Options(format!("\"at\": {s:?} is not an RFC 3339 time")))?,
            None => crate::now(),
        };
        let mut inventory = Inventory::new(
            self.unit.clone(),
            at,
            self.warn_days.unwrap_or(DEFAULT_WARN_DAYS),
        );
        for (i, entry) in self.certificates.iter().enumerate() {
            let (bytes, name) = if entry.contains("-----BEGIN") {
                (entry.as_bytes().to_vec(), format!("certificates[{i}]"))
            } else {
                (
                    crate::files::read(std::path::Path::new(entry))?,
                    entry.clone(),
                )
            };
            let certs = kyso_policy::trust::parse_certificates(&bytes)
                .map_err(|e| Error::Options(format!("{name}: {e}")))?;
            for c in certs {
                inventory.add_certificate(&c.certificate, Location::File(&name));
            }
        }
        if let Some(path) = &self.pkcs11_module {
            let module = Module::open(path)?;
            let listing = list_tokens(&module, &mut |_| match (&self.pin, &self.pin_env) {
                (Some(pin), _) => Some(PinSource::value(pin.as_str())),
                (None, Some(var)) => Some(PinSource::Env(var.clone())),
                (None, None) => None,
            })?;
            for l in &listing {
                if let Some(e) = &l.error {
                    inventory.reasons.push(
                        Msg::TokenUnreadable {
                            label: &l.token.label,
                            error: &e,
                        }
                        .reason(),
                    );
                }
                inventory.add_token(&l.token, &l.keys);
            }
        }
        Ok(inventory)
    }

    /// The format asked for: `json`, `csv` or `html`.
    fn output_format(&self) -> Result<&'static str, Error> {
        match self.format.as_deref() {
            None | Some("json") => Ok("json"),
            Some("csv") => Ok("csv"),
            Some("html") => Ok("html"),
            Some(other) => Err(Error::Options(format!(
                "\"format\": {other:?} is not \"json\", \"csv\" or \"html\""
            ))),
        }
    }

    /// The inventory in the format asked for.
    pub fn render(&self, inventory: &Inventory) -> Result<String, Error> {
        Ok(match self.output_format()? {
            "csv" => inventory.to_csv(),
            "html" => crate::inventory_html::inventory_html(inventory),
            _ => inventory.to_json(),
        })
    }
}

/// The certificate inventory as the JSON options say, rendered (JSON or CSV): the C ABI's
/// `kyso_certificate_inventory`.
pub fn inventory_json(options_json: &str) -> Result<String, Error> {
    let config = InventoryConfig::from_json(options_json)?;
    let inventory = config.build()?;
    config.render(&inventory)
}

/// One CSV record: fields with a comma, quote, CR or LF are quoted, quotes doubled (RFC 4180).
/// A field starting with `=`, `+`, `-` or `@` gets a leading apostrophe, so that a subject
/// written to look like a formula stays text in a spreadsheet.
fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut field = field;
        if field.starts_with(['=', '+', '@'])
            || (field.starts_with('-') && field.len() > 1 && field.parse::<i64>().is_err())
        {
            field.insert(0, '\'');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked_before_anything_is_read() {
        let code = |json: &str| inventory_json(json).unwrap_err().code();
        assert_eq!(code("[]"), 7001);
        assert_eq!(code(r#"{"unknown": 1}"#), 7001);
        assert_eq!(code(r#"{"format": "xlsx"}"#), 7001);
        assert_eq!(code(r#"{"at": "yesterday"}"#), 7001);
        assert_eq!(code(r#"{"pin": "1234"}"#), 7001);
        assert_eq!(
            code(r#"{"pkcs11_module": "/x.so", "pin": "1", "pin_env": "P"}"#),
            7001
        );
        // A missing file is an I/O error (6001), not an empty inventory.
        assert_eq!(code(r#"{"certificates": ["/no/such/file.pem"]}"#), 6001);
        // Nothing to list is an empty inventory, not an error.
        let empty: serde_json::Value =
            serde_json::from_str(&inventory_json("{}").unwrap()).unwrap();
        assert_eq!(empty["summary"]["total"], 0);
        let debug = format!(
            "{:?}",
            InventoryConfig::from_json(r#"{"pin": "1234"}"#).unwrap()
        );
        assert!(!debug.contains("1234"), "{debug}");
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        push_row(
            &mut out,
            [
                "a,b".to_string(),
                "say \"hi\"".into(),
                "=HYPERLINK(\"x\")".into(),
                "-12".into(),
                "-x".into(),
                "plain".into(),
            ]
            .into_iter(),
        );
        assert_eq!(
            out,
            "\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",-12,'-x,plain\r\n"
        );
    }
}
