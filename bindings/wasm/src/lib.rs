//! kyso-wasm: PDF signature verification in the browser and in Node, with wasm-bindgen.
//!
//! ```js
//! import init, { verifyPdf, inspectPdf, version } from "./pkg/kyso_wasm.js";
//! await init();
//! const report = verifyPdf(new Uint8Array(buffer), { trust: [rootPem] });
//! console.log(report.verdict, report.signatures.map(s => s.indication));
//! ```
//!
//! The options object and the report are those of the C ABI and the CLI (`kyso.report/1`),
//! with these differences that follow from the platform: `trust` and `intermediates` entries
//! must be PEM text (there is no file system; a path is rejected), `at` defaults to the
//! JavaScript clock (`Date.now()`), and `revocation` defaults to `embedded` (no network).
//!
//! A thin mapping of JavaScript values onto the `kyso` facade, built without its `pkcs11` and
//! `net` features: the same options parser ([`kyso::VerifyConfig`], in memory), the same
//! defaults and the same report as the CLI and the C ABI. No token or network code is in the
//! module. Errors are thrown as JavaScript `Error` objects with a numeric `code`
//! ([`kyso::Error::code`]).
#![forbid(unsafe_code)]

use kyso::VerifyConfig;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Verification options: the same object as the C ABI's `options_json`. */
export interface VerifyOptions {
  /** Trust anchors as PEM text (one or several certificates per entry). Paths are not supported here. */
  trust?: string[];
  /** Known intermediate CA certificates as PEM text. */
  intermediates?: string[];
  /** Validation time, RFC 3339; now (Date.now()) by default. */
  at?: string;
  /** Revocation checking; "embedded" by default (data in the document and `crls` only). There is
   *  no "online" here: fetch what you need with fetch() and pass it in `crls`. */
  revocation?: "off" | "embedded";
  /** CRLs as PEM text (`-----BEGIN X509 CRL-----`), e.g. fetched by the page. */
  crls?: string[];
  /** A file name to show in the report. */
  file_name?: string;
}

/** A check's outcome in a signature report. */
export type CheckResult = string;

/** A reason for an indication, in Vietnamese and English. */
export interface Reason {
  code: string;
  severity: "error" | "warning" | "info";
  vi: string;
  en: string;
}

/** One signature in a report (kyso.report/1). */
/** How one certificate's revocation status was established. */
export interface RevocationSource {
  subject: string;
  status: "good" | "revoked" | "suspended" | "unknown";
  source: "crl" | "ocsp" | null;
  origin: "embedded" | "given" | "fetched" | null;
}

export interface SignatureReport {
  field: string;
  role: "approval" | "issuance" | "attachment" | "copy" | "certification" | "unknown" | string;
  indication: "TOTAL_PASSED" | "TOTAL_FAILED" | "INDETERMINATE";
  sub_indication: string | null;
  signer: { common_name?: string | null; organization?: string | null; title?: string | null;
            subscriber_type?: string | null; serial?: string | null; issuer?: string | null;
            [key: string]: unknown } | null;
  signing_time: { value: string; source: "timestamp" | "signed_attribute" | "pdf" } | null;
  timestamp: { time: string; tsa: string | null; policy: string | null; valid: boolean;
               revocation: RevocationSource[] } | null;
  level: "B-B" | "B-T" | "B-LT" | "B-LTA" | "unknown";
  modified_after_signing: boolean;
  /** How each certificate's revocation status was established, leaf first. */
  revocation: RevocationSource[];
  checks: Record<string, CheckResult>;
  reasons: Reason[];
  [key: string]: unknown;
}

/** The verification report (kyso.report/1), identical to the CLI's `--json` output. */
export interface Report {
  schema: "kyso.report/1";
  verdict: "VALID" | "INVALID" | "INDETERMINATE" | "NO_SIGNATURES";
  signatures: SignatureReport[];
  [key: string]: unknown;
}

/** A signature field as found in the PDF, without any cryptographic check. */
export interface InspectedSignature {
  field: string;
  kind: "signature" | "doc_timestamp";
  filter: string | null;
  sub_filter: string | null;
  byte_range: number[];
  coverage: "entire_file" | "entire_revision" | "invalid";
  signed_length: number | null;
  pdf_signing_time: string | null;
  name: string | null;
  reason: string | null;
  location: string | null;
  docmdp_permissions: number | null;
  page: number | null;
  contents_length: number;
}

/** What `inspectPdf` returns. */
export interface Inspection {
  revisions: number;
  signatures: InspectedSignature[];
}

/**
 * Verify every signature of the PDF in `bytes`; returns the report whatever the verdict.
 * `options` is a VerifyOptions object or its JSON text; omitted: defaults.
 * Throws a KysoError (an Error with a `code`) when the PDF is unreadable or the options are invalid.
 */
export function verifyPdf(bytes: Uint8Array, options?: VerifyOptions | string): Report;

/**
 * Verify an edXML package (QCVN 102:2016): its header (agency identifiers checked), its XML
 * signature and every attached PDF; returns the `kyso.edxml/1` report whatever the verdict
 * (`verdict`, `header`, `number`, `signature` {status, covers, signer, reasons}, `attachments`
 * [{name, sha256, report, reasons}], `reasons`). Throws a KysoError (code 8001–8005) when the
 * bytes are not an edXML package.
 */
export function verifyEdxml(bytes: Uint8Array, options?: VerifyOptions | string): any;

/** Errors thrown by this module: a JavaScript Error with a stable numeric code. */
export interface KysoError extends Error {
  code: number;
}
"#;

/// A failure, thrown to JavaScript as an `Error` with a `code`.
#[derive(Debug)]
struct Failure {
    code: u32,
    message: String,
}

impl From<kyso::Error> for Failure {
    fn from(e: kyso::Error) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl Failure {
    fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &"code".into(), &JsValue::from(self.code));
        error.into()
    }
}

/// The options from `undefined`/`null` (defaults), a JSON string, or a plain object.
fn options_from_js(value: &JsValue) -> Result<VerifyConfig, Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok(VerifyConfig::default());
    }
    let text = match value.as_string() {
        Some(s) => s,
        None => js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| {
                Failure::from(kyso::Error::Options(
                    "options must be an object or a JSON string".into(),
                ))
            })?,
    };
    Ok(VerifyConfig::from_json(&text)?)
}

/// The JavaScript clock, as a DER time.
fn js_now() -> der::DateTime {
    let millis = js_sys::Date::now();
    let secs = if millis.is_finite() && millis > 0.0 {
        // Whole seconds since the epoch fit easily in u64 for any real clock.
        (millis / 1000.0) as u64
    } else {
        0
    };
    der::DateTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .unwrap_or(der::DateTime::INFINITY)
}

/// Verify a PDF's signatures and return the report (`kyso.report/1`) as JSON text.
/// The platform-independent core of [`verify_pdf`], for Rust callers and tests.
fn verify_to_json(
    bytes: &[u8],
    options: &VerifyConfig,
    now: impl FnOnce() -> der::DateTime,
) -> Result<String, Failure> {
    let options = options.build_in_memory(now)?;
    Ok(kyso::verify_pdf(bytes, &options)?.to_json())
}

fn parse_json(text: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(text)
}

/// Verify every signature of the PDF in `bytes`.
///
/// `options` is a `VerifyOptions` object (or its JSON text, or `undefined` for the defaults).
/// Returns the report as a plain object. Throws an `Error` with a `code` when the PDF cannot
/// be read or the options are invalid; an invalid signature is *not* an error.
// Typed in TYPES above (the optional `options` parameter).
#[wasm_bindgen(js_name = verifyPdf, skip_typescript)]
pub fn verify_pdf(bytes: &[u8], options: Option<JsValue>) -> Result<JsValue, JsValue> {
    let options =
        options_from_js(&options.unwrap_or(JsValue::UNDEFINED)).map_err(Failure::into_js)?;
    let json = verify_to_json(bytes, &options, js_now).map_err(Failure::into_js)?;
    parse_json(&json)
}

/// Verify an edXML package: header, XML signature and every attached PDF (`kyso.edxml/1`).
/// Throws an `Error` with a `code` when the bytes are not an edXML package or the options are
/// invalid.
// Typed in TYPES above.
#[wasm_bindgen(js_name = verifyEdxml, skip_typescript)]
pub fn verify_edxml(bytes: &[u8], options: Option<JsValue>) -> Result<JsValue, JsValue> {
    let options =
        options_from_js(&options.unwrap_or(JsValue::UNDEFINED)).map_err(Failure::into_js)?;
    let json = edxml_to_json(bytes, &options, js_now).map_err(Failure::into_js)?;
    parse_json(&json)
}

/// The platform-independent core of [`verify_edxml`].
fn edxml_to_json(
    bytes: &[u8],
    options: &VerifyConfig,
    now: impl FnOnce() -> der::DateTime,
) -> Result<String, Failure> {
    let options = options.build_in_memory(now)?;
    Ok(kyso::edxml::verify_edxml(bytes, &options)?.to_json())
}

/// List the signature fields of a PDF (names, `/SubFilter`, byte-range coverage, `/M`,
/// reason, location…) without any cryptographic check. Throws an `Error` with a `code` when
/// the PDF cannot be read.
#[wasm_bindgen(js_name = inspectPdf, unchecked_return_type = "Inspection")]
pub fn inspect_pdf(bytes: &[u8]) -> Result<JsValue, JsValue> {
    let json = kyso::inspect::inspect_pdf_json(bytes).map_err(|e| Failure::from(e).into_js())?;
    parse_json(&json)
}

/// The version of kyso compiled into this module.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn fixed() -> der::DateTime {
        der::DateTime::new(2026, 1, 31, 0, 0, 0).unwrap()
    }

    /// The platform's options path: PEM only, the given clock.
    fn build(json: &str) -> Result<kyso::VerifyOptions, Failure> {
        Ok(VerifyConfig::from_json(json)?.build_in_memory(fixed)?)
    }

    #[test]
    fn options_shape_and_defaults() {
        let built = build(r#"{"at":"2026-01-31T00:00:00Z"}"#).unwrap();
        assert_eq!(built.revocation, kyso::RevocationMode::Embedded);
        assert_eq!(built.validation_time, fixed());
        assert_eq!(build("{}").unwrap().validation_time, fixed());
        let e = build(r#"{"trust":["/etc/root.pem"]}"#).unwrap_err();
        assert_eq!(e.code, 7001);
        assert!(e.message.contains("PEM"));
        assert!(build(r#"{"trusts":[]}"#).is_err());
        let e = build(r#"{"revocation":"maybe"}"#).unwrap_err();
        assert!(e.message.contains("maybe"));
        // No silent downgrade: online is refused (no network in this build), not read as
        // embedded.
        let e = build(r#"{"revocation":"online"}"#).unwrap_err();
        assert_eq!(e.code, 7001);
        assert!(e.message.contains("online"));
    }

    #[test]
    fn unreadable_pdf_is_an_error_with_a_code() {
        let e = verify_to_json(b"not a pdf", &VerifyConfig::default(), fixed).unwrap_err();
        assert_ne!(e.code, 0);
        assert!(kyso::inspect::inspect_pdf_json(b"not a pdf").is_err());
    }
}
