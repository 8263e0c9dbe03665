//! kyso-ffi: the C ABI of kyso, for C, Java (JNA) and .NET (P/Invoke).
//!
//! The header `include/kyso.h` is generated from this file by cbindgen (`cbindgen.toml`) and
//! committed; `tests/run.d/40-bindings.sh` fails when it drifts.
//!
//! Conventions (the same for every function):
//! - functions that can fail return an `int32_t`: `KYSO_OK` (0) on success, else a stable code
//!   (the `kyso::Error::code()` ranges: PDF, CMS, PKI, PKCS#11, I/O 6000–6999, misuse
//!   7000–7999); a verification that finds an invalid signature *succeeds* and returns a report
//!   whose verdict says so;
//! - bytes come in as `(const uint8_t *, size_t)`; strings as NUL-terminated UTF-8;
//! - library output comes back as a `kyso_buffer` that the caller frees with `kyso_buffer_free`;
//!   text buffers (JSON) are also NUL-terminated just past their length;
//! - on failure, if `error_out` is not NULL, `*error_out` receives a `kyso_error` (code and
//!   message) that the caller frees with `kyso_error_free`; on success it is set to NULL;
//! - every `_free` accepts NULL; NULL where a value is required gives `KYSO_ERR_NULL_ARGUMENT`;
//! - no `bool` crosses the boundary; no panic crosses it either (`catch_unwind` around every
//!   body, reported as `KYSO_ERR_PANIC`);
//! - every function may be called from any thread; handles are not shared between calls.
//!
//! `unsafe` is allowed in this crate only (raw pointers from C), and only in the small helpers
//! at the bottom of this file and the accessors.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

mod boundary;
use boundary::{Failure, bytes_arg, run, run_outputs, str_arg};

/// Version of this C ABI: raised when a function's signature or meaning changes.
pub const KYSO_ABI_VERSION: u32 = 1;

/// Success.
pub const KYSO_OK: i32 = 0;
/// Invalid options (malformed JSON, unknown key, bad value).
pub const KYSO_ERR_INVALID_OPTIONS: i32 = 7001;
/// A well-formed option value this version does not support yet (e.g. a signing level).
pub const KYSO_ERR_UNSUPPORTED: i32 = 7002;
/// A requested PAdES level (B-LT, B-LTA) could not be reached: the validation data of some
/// certificate is missing (the message names each); nothing was written.
pub const KYSO_ERR_LEVEL_NOT_REACHED: i32 = 7003;
/// A required pointer argument was NULL.
pub const KYSO_ERR_NULL_ARGUMENT: i32 = 7101;
/// A string argument was not valid UTF-8.
pub const KYSO_ERR_INVALID_UTF8: i32 = 7102;
/// An internal error (a panic inside the library, caught at the boundary).
pub const KYSO_ERR_PANIC: i32 = 7999;

/// Bytes produced by the library (a report's JSON, a signed PDF). Opaque: read it with
/// `kyso_buffer_data` and `kyso_buffer_len`, release it with `kyso_buffer_free`.
pub struct KysoBuffer {
    /// The bytes, followed by one NUL byte that `len` does not count.
    bytes: Box<[u8]>,
}

/// Why a call failed: a stable code and a message (English, or Vietnamese and English).
/// Opaque: read it with `kyso_error_code` and `kyso_error_message`, release it with
/// `kyso_error_free`.
pub struct KysoError {
    code: i32,
    message: CString,
}

impl KysoBuffer {
    fn new(mut bytes: Vec<u8>) -> Box<Self> {
        bytes.push(0);
        Box::new(Self {
            bytes: bytes.into_boxed_slice(),
        })
    }
}

/// The library version, e.g. `"0.1.0"`: a static NUL-terminated string (do not free it).
#[unsafe(no_mangle)]
pub extern "C" fn kyso_version() -> *const c_char {
    static VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}

/// The ABI version this library implements (`KYSO_ABI_VERSION` of its header).
#[unsafe(no_mangle)]
pub extern "C" fn kyso_abi_version() -> u32 {
    KYSO_ABI_VERSION
}

/// Verify the signatures of the PDF `pdf[0..pdf_len]`.
///
/// `options_json` is the verification options object, e.g.
/// `{"trust": ["-----BEGIN CERTIFICATE-----…" or "/path/root.pem" or "builtin"] | "builtin",
///   "builtin_trust": false, "intermediates": […],
///   "at": "2026-01-31T00:00:00Z", "revocation": "off" | "embedded" | "online",
///   "crls": […], "fetch_allow": ["http://…/"], "max_fetches": 16, "max_fetch_seconds": 30}`
/// (`"{}"` for the defaults: the Government CA's G1 and G2 roots built in as the trust anchors
/// (a `trust` list replaces them; `"builtin_trust": false` with no `trust` leaves none), its
/// issuing CAs as known intermediates, now, embedded — nothing is fetched unless
/// `"online"` is asked for; then only for chains that verified, issuers only from
/// `fetch_allow`, and the report's `fetched` lists every URL).
///
/// On success returns `KYSO_OK` and stores the `kyso.report/1` JSON report (whatever the
/// verdict) in `*report_json_out`. `error_out` may be NULL.
///
/// # Safety
/// `pdf` must point to `pdf_len` readable bytes; `options_json` to a NUL-terminated string;
/// `report_json_out` (and `error_out` unless NULL) to writable pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_verify_pdf(
    pdf: *const u8,
    pdf_len: usize,
    options_json: *const c_char,
    report_json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run(error_out, report_json_out, || {
            let pdf = bytes_arg(pdf, pdf_len, "pdf")?;
            let options = str_arg(options_json, "options_json")?;
            let options = kyso::VerifyConfig::from_json(options)?.build()?;
            let report = kyso::verify_pdf(pdf, &options)?;
            Ok(report.to_json().into_bytes())
        })
    }
}

/// Verify an edXML package (QCVN 102:2016, the envelope documents travel in between agencies):
/// `package[0..package_len]`, with the same `options_json` as [`kyso_verify_pdf`]. Its header,
/// its XML signature and every attached PDF are checked; on success `*report_json_out` holds
/// the `kyso.edxml/1` report (whatever the verdict). A file that is not an edXML package fails
/// with its error code (8001–8005).
///
/// Adding this function did not raise `KYSO_ABI_VERSION`.
///
/// # Safety
/// As for `kyso_verify_pdf`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_verify_edxml(
    package: *const u8,
    package_len: usize,
    options_json: *const c_char,
    report_json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run(error_out, report_json_out, || {
            let package = bytes_arg(package, package_len, "package")?;
            let options = str_arg(options_json, "options_json")?;
            let options = kyso::VerifyConfig::from_json(options)?.build()?;
            let report = kyso::edxml::verify_edxml(package, &options)?;
            Ok(report.to_json().into_bytes())
        })
    }
}

/// The refusal notice of an incoming document that fails verification (Decree 30 Art. 21(2),
/// quy chế Art. 12.3): `pdf[0..pdf_len]` is verified with `options_json` (as for
/// [`kyso_verify_pdf`]); `notice_json` is `{"file_name": "…", "sender": "…", "receiver": "…",
/// "number": "…", "place": "…"}` (each optional, `{}` for none). A `file_name` ending in
/// `.edxml` makes the bytes an edXML package (its sender and number come from its header). On success `*notice_pdf_out` receives the
/// one-page PDF notice (Vietnamese, built-in font embedded, signable with [`kyso_sign_pdf`]) and,
/// unless `notice_json_out` is NULL, `*notice_json_out` the notice as `kyso.refusal/1` JSON. A
/// VALID document is not refused: `KYSO_ERR_INVALID_OPTIONS`.
///
/// Adding this function did not raise `KYSO_ABI_VERSION`.
///
/// # Safety
/// As for `kyso_verify_pdf`; `notice_json` must be a NUL-terminated string; `notice_json_out`
/// may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_refusal_notice(
    pdf: *const u8,
    pdf_len: usize,
    options_json: *const c_char,
    notice_json: *const c_char,
    notice_pdf_out: *mut *mut KysoBuffer,
    notice_json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run_outputs(
            error_out,
            [(notice_pdf_out, true), (notice_json_out, false)],
            || {
                let pdf = bytes_arg(pdf, pdf_len, "pdf")?;
                let options = str_arg(options_json, "options_json")?;
                let request = str_arg(notice_json, "notice_json")?;
                let notice = kyso::refusal::refuse_json(pdf, options, request)?;
                Ok([notice.to_pdf()?, notice.to_json().into_bytes()])
            },
        )
    }
}

/// Verify a certificate on its own: its chain to the trust anchors, revocation and the
/// Decree 68 profile; by default also whether it may sign documents (key usage, key size at the
/// validation time; `"purpose": "any"` in the options checks the path alone).
/// `cert[0..cert_len]` is PEM or DER; further certificates there help build the
/// path. `options_json` is the same object as for [`kyso_verify_pdf`]. The JSON report
/// (`status`, `sub_indication`, `validation_time`, `path`, `revocation`, `reasons`) goes to
/// `*report_json_out`, whatever the status.
///
/// # Safety
/// `cert` must point to `cert_len` readable bytes; `options_json` to a NUL-terminated string;
/// `report_json_out` (and `error_out` unless NULL) to writable pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_verify_certificate(
    cert: *const u8,
    cert_len: usize,
    options_json: *const c_char,
    report_json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run(error_out, report_json_out, || {
            let cert = bytes_arg(cert, cert_len, "cert")?;
            let options = str_arg(options_json, "options_json")?;
            let config = kyso::VerifyConfig::from_json(options)?;
            let report =
                kyso::certificates::verify_certificate(cert, &config.build()?, config.purpose()?)?;
            Ok(report.to_json().into_bytes())
        })
    }
}

/// Describe the first certificate in `cert[0..cert_len]` (PEM or DER) without validating it:
/// subject, issuer, validity, key, key usages, policies, URLs, the Decree 68 subscriber
/// information (title, tax and budget codes), whether it may sign documents, and findings.
/// The JSON goes to `*info_json_out` (the same object as `kyso cert inspect --json`).
///
/// # Safety
/// `cert` must point to `cert_len` readable bytes; `info_json_out` (and `error_out` unless NULL)
/// to writable pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_inspect_certificate(
    cert: *const u8,
    cert_len: usize,
    info_json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run(error_out, info_json_out, || {
            let cert = bytes_arg(cert, cert_len, "cert")?;
            Ok(kyso::certificates::inspect_certificate(cert)?
                .to_json()
                .into_bytes())
        })
    }
}

/// Sign the PDF `pdf[0..pdf_len]`; the signed file (the input followed by an incremental
/// update) goes to `*signed_pdf_out`.
///
/// `options_json` is the signing options object, e.g.
/// `{"signer": {"pkcs11": {"module": "…", "token": "…", "key_label": "…", "pin": "…"}}
///            | {"p12": {"path": "…", "password": "…"}},
///   "level": "B-B", "profile": "invisible", "sub_filter": "ETSI.CAdES.detached",
///   "field": "…", "reason": "…", "location": "…", "chain": ["PEM text or path", …]}`
/// (`pin_env`/`password_env` may name an environment variable instead; `chain` embeds issuing
/// CA certificates when the token holds only the signer's; `profile` may be `approval`,
/// `issuance`, `attachment` or `copy` with `image`, `page`, `rect`, `doc_number`, `copy_type`,
/// `organization`, `font` (default: the built-in Liberation Serif), `seal_width_mm` as on the
/// CLI; [`kyso_sign_pdf_with_result`] also returns the warnings). Levels above B-B need `"tsa": "http://…"` (and for
/// B-LT/B-LTA `"offline"`, `"partial"`, `"crls"`, `"ocsp_responses"`, `"ca_certs"` as for [`kyso_ltv_add`]);
/// without it they give `KYSO_ERR_UNSUPPORTED`, before the key is touched.
///
/// # Safety
/// As for `kyso_verify_pdf`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_sign_pdf(
    pdf: *const u8,
    pdf_len: usize,
    options_json: *const c_char,
    signed_pdf_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run(error_out, signed_pdf_out, || {
            let pdf = bytes_arg(pdf, pdf_len, "pdf")?;
            let options = str_arg(options_json, "options_json")?;
            Ok(kyso::sign_pdf_json(pdf, options)?.bytes)
        })
    }
}

/// [`kyso_sign_pdf`], also returning what the signing reports besides the file: on success
/// `*result_json_out`, unless `result_json_out` is NULL, receives
/// `{"field": "Signature2", "size": 23456, "warnings": [{"code": "SEAL_SIZE_ASSUMED",
/// "severity": "warning", "vi": "…", "en": "…"}]}` (`warnings` is empty when nothing was
/// assumed on the caller's behalf; e.g. a seal PNG without `pHYs` and no `seal_width_mm` is
/// drawn 36 mm wide with the warning `SEAL_SIZE_ASSUMED`, never an error). On failure both
/// outputs are set to NULL.
///
/// Adding this function did not raise `KYSO_ABI_VERSION`.
///
/// # Safety
/// As for `kyso_verify_pdf`; `result_json_out` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_sign_pdf_with_result(
    pdf: *const u8,
    pdf_len: usize,
    options_json: *const c_char,
    signed_pdf_out: *mut *mut KysoBuffer,
    result_json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run_outputs(
            error_out,
            [(signed_pdf_out, true), (result_json_out, false)],
            || {
                let pdf = bytes_arg(pdf, pdf_len, "pdf")?;
                let options = str_arg(options_json, "options_json")?;
                let signed = kyso::sign_pdf_json(pdf, options)?;
                let result = kyso::SignResult::of(&signed).to_json().into_bytes();
                Ok([signed.bytes, result])
            },
        )
    }
}

/// Two-step signing, first step: prepare `pdf[0..pdf_len]` for a key that signs elsewhere (a
/// remote signing service, a phone, another system's HSM). `options_json` is the object of
/// [`kyso_sign_pdf`] with `"signer": {"external": {"certificate": "PEM text or path"}}` (its CAs
/// in `"chain"`), any profile and field; `"level"` may be above `B-B` without `"tsa"`: room is
/// reserved and the time-stamp is added by [`kyso_sign_finish`]. On success
/// `*prepared_pdf_out` receives the prepared file (self-contained: keep it, nothing else) and,
/// unless NULL, `*info_json_out` receives `{"field", "size", "level", "digest_algorithm",
/// "signature_algorithm", "to_be_signed", "to_be_signed_digest", "to_be_signed_digest_hex",
/// "warnings"}`: sign `to_be_signed` (base64 DER of the CMS signed attributes) — or, for a
/// service that signs hashes, `to_be_signed_digest` — with the certificate's key.
///
/// Adding this function did not raise `KYSO_ABI_VERSION`.
///
/// # Safety
/// As for `kyso_verify_pdf`; `info_json_out` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_sign_prepare(
    pdf: *const u8,
    pdf_len: usize,
    options_json: *const c_char,
    prepared_pdf_out: *mut *mut KysoBuffer,
    info_json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run_outputs(
            error_out,
            [(prepared_pdf_out, true), (info_json_out, false)],
            || {
                let pdf = bytes_arg(pdf, pdf_len, "pdf")?;
                let options = str_arg(options_json, "options_json")?;
                let prepared = kyso::two_step::prepare_json(pdf, options)?;
                let info = prepared.to_json().into_bytes();
                Ok([prepared.pdf, info])
            },
        )
    }
}

/// Two-step signing, second step: put `signature[0..signature_len]` — the key's value over the
/// prepared `to_be_signed` (RSA PKCS#1 v1.5; ECDSA as DER or `r || s`; binary or base64 text)
/// — into `prepared[0..prepared_len]`. `options_json` is `{"level": "B-B" | "B-T" | "B-LT" |
/// "B-LTA", "tsa": "http://…", …}` (the long-term validation fields of [`kyso_ltv_add`];
/// `"{}"` for B-B). A value that does not verify with the certificate over what was prepared
/// fails with 5012, a prepared file changed since with 5011, a file that is not a prepared one
/// with 5010; nothing is returned then. On success `*signed_pdf_out` holds the signed file.
///
/// Adding this function did not raise `KYSO_ABI_VERSION`.
///
/// # Safety
/// As for `kyso_verify_pdf`; `signature` must point to `signature_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_sign_finish(
    prepared: *const u8,
    prepared_len: usize,
    signature: *const u8,
    signature_len: usize,
    options_json: *const c_char,
    signed_pdf_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run(error_out, signed_pdf_out, || {
            let prepared = bytes_arg(prepared, prepared_len, "prepared")?;
            let signature = bytes_arg(signature, signature_len, "signature")?;
            let options = str_arg(options_json, "options_json")?;
            let value = kyso::two_step::read_signature_value(signature);
            Ok(kyso::two_step::finish_json(prepared, &value, options)?.pdf)
        })
    }
}

/// List the tokens of the PKCS#11 module at `module_path` and their public objects, as JSON
/// (`{"tokens": [{"label", "serial", "manufacturer", "model", "slot", "flags", "keys": […],
/// "error"}], "warn_days", "reasons"}`, the shape of `kyso token list --json`), without logging
/// in. Each key with a certificate has `certificate_not_after`, `certificate_state` (`valid`,
/// `expiring_soon` within 30 days, `expired`, `not_yet_valid`) and `certificate_days_left`;
/// `reasons` holds the expiry warnings in Vietnamese and English.
///
/// # Safety
/// `module_path` must be a NUL-terminated string; `json_out` (and `error_out` unless NULL)
/// writable pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_token_list(
    module_path: *const c_char,
    json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run(error_out, json_out, || {
            let module = str_arg(module_path, "module_path")?;
            Ok(kyso::inventory::token_list_json(module)?.into_bytes())
        })
    }
}

/// The certificate inventory, like `kyso cert inventory`: every certificate on the tokens of a
/// PKCS#11 module and in the given files, with holder, serial, issuer, validity, days left and
/// state (`valid`, `expiring_soon`, `expired`, `not_yet_valid`), for expiry warnings and the
/// report to the provincial Department of Science and Technology.
///
/// `options_json` is the inventory options object, e.g.
/// `{"certificates": ["PEM text or file path", …], "pkcs11_module": "…", "pin": "…",
///   "unit": "…", "warn_days": 30, "at": "RFC 3339", "format": "json" | "csv"}`
/// (all optional; `pin_env` may name an environment variable instead of `pin`; without a PIN the
/// tokens are read without logging in). The output goes to `*out`: the JSON report
/// `kyso.inventory/1` (`summary` counts the states; `reasons` holds the warnings in Vietnamese
/// and English), or with `"format": "csv"` a CSV file (UTF-8 with BOM) for a spreadsheet.
///
/// Adding this function did not raise `KYSO_ABI_VERSION`.
///
/// # Safety
/// `options_json` must be a NUL-terminated string; `out` (and `error_out` unless NULL) writable
/// pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_certificate_inventory(
    options_json: *const c_char,
    out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run(error_out, out, || {
            let options = str_arg(options_json, "options_json")?;
            Ok(kyso::inventory::inventory_json(options)?.into_bytes())
        })
    }
}

/// Add long-term validation data to the signed PDF `pdf[0..pdf_len]`, like `kyso ltv add`:
/// PAdES B-LT (a `/DSS` incremental update with the certificate chains and the CRLs/OCSP
/// responses of every signature and time-stamp), and with `"tsa"` B-LTA (then a document
/// time-stamp and its own validation data). The augmented file (the input followed by the
/// incremental updates) goes to `*pdf_out`.
///
/// `options_json` is the long-term validation options object, e.g.
/// `{"tsa": "http://…", "tsa_digest": "sha256" | "sha384" | "sha512", "offline": false,
///   "partial": false, "crls": ["PEM text or path (DER or PEM)", …],
///   "ocsp_responses": ["path (DER)", …], "ca_certs": ["PEM text or path", …]}`
/// (unknown keys give `KYSO_ERR_INVALID_OPTIONS`). The validation data is fetched over HTTP
/// (issuers from the Government CA's location; revocation data for chains that validate to the
/// built-in roots or a self-signed `ca_certs` entry) unless `"offline": true`. When some
/// certificate's status is still missing the call fails with `KYSO_ERR_LEVEL_NOT_REACHED`
/// (naming each) unless `"partial": true`; an unreachable TSA gives its own code (5201).
///
/// On success `*summary_json_out`, unless `summary_json_out` is NULL, receives what was added,
/// as JSON: `{"signatures", "certificates", "crls", "ocsp_responses", "uncovered": [subject, …],
/// "fetch_errors": […], "document_timestamp": field name or null}` (`uncovered` lists the
/// certificates whose revocation status the embedded data does not establish). On failure both
/// outputs are set to NULL.
///
/// Adding this function did not raise `KYSO_ABI_VERSION` (no existing function changed): a
/// program that must run with older libraries looks the symbol up.
///
/// # Safety
/// As for `kyso_verify_pdf`; `summary_json_out` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_ltv_add(
    pdf: *const u8,
    pdf_len: usize,
    options_json: *const c_char,
    pdf_out: *mut *mut KysoBuffer,
    summary_json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run_outputs(
            error_out,
            [(pdf_out, true), (summary_json_out, false)],
            || {
                let pdf = bytes_arg(pdf, pdf_len, "pdf")?;
                let options = str_arg(options_json, "options_json")?;
                let (bytes, summary) = kyso::ltv_add_json(pdf, options)?;
                let summary = serde_json::to_vec(&summary)
                    .map_err(|e| Failure::new(KYSO_ERR_PANIC, format!("summary to JSON: {e}")))?;
                Ok([bytes, summary])
            },
        )
    }
}

/// Run one operation of the Government CA's VGCA Sign Service with VGCA's own JSON, as
/// `kyso vgca` does: `operation` is `SignApproved`, `SignIssued`, `SignIncome`, `SignCopy`,
/// `SignAppendix`, `Comment` or `VerifyPDF` (or its JavaScript name, e.g. `vgca_sign_issued`);
/// `request_json` is VGCA's request (`{"FileName": "local path", "DocNumber", "IssuedDate",
/// "MetaData": [{"Key", "Value"}], "OutputFileName"}`); `options_json` is the signing options
/// object of [`kyso_sign_pdf`] (key, level, time-stamp and validation data; the profile comes
/// from the request), or for `VerifyPDF` the verification options of [`kyso_verify_pdf`]. The
/// signed file is written to `OutputFileName` (default: `NAME_signed.pdf` beside the input).
///
/// The reply is VGCA's JSON, in `*reply_json_out`, for failures too:
/// `{"Status": 0, "Message", "FileName", "DocumentNumber", "DocumentDate"}` on success; a
/// non-zero `Status` (2: `VerifyPDF` found the document not valid, with its `Report`), a
/// Vietnamese and English `Message` and kyso's `ErrorCode` otherwise. The function returns
/// `KYSO_OK` whenever a reply was made (read `Status`); an error code only for a NULL or
/// non-UTF-8 argument or an internal error.
///
/// Adding this function did not raise `KYSO_ABI_VERSION`.
///
/// # Safety
/// `operation`, `request_json` and `options_json` must be NUL-terminated strings;
/// `reply_json_out` (and `error_out` unless NULL) writable pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_vgca(
    operation: *const c_char,
    request_json: *const c_char,
    options_json: *const c_char,
    reply_json_out: *mut *mut KysoBuffer,
    error_out: *mut *mut KysoError,
) -> i32 {
    // SAFETY: the caller guarantees the pointers as documented.
    unsafe {
        run(error_out, reply_json_out, || {
            let operation = str_arg(operation, "operation")?;
            let request = str_arg(request_json, "request_json")?;
            let options = str_arg(options_json, "options_json")?;
            Ok(kyso::vgca::run_json(operation, request, options)
                .to_json()
                .into_bytes())
        })
    }
}

/// The buffer's bytes (NULL when `buffer` is NULL). Valid until `kyso_buffer_free`.
///
/// # Safety
/// `buffer` must be NULL or a live buffer returned by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_buffer_data(buffer: *const KysoBuffer) -> *const u8 {
    // SAFETY: NULL or a live buffer, as the caller guarantees.
    match unsafe { buffer.as_ref() } {
        Some(b) => b.bytes.as_ptr(),
        None => ptr::null(),
    }
}

/// The buffer's length in bytes, not counting the trailing NUL (0 when `buffer` is NULL).
///
/// # Safety
/// `buffer` must be NULL or a live buffer returned by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_buffer_len(buffer: *const KysoBuffer) -> usize {
    // SAFETY: NULL or a live buffer, as the caller guarantees.
    match unsafe { buffer.as_ref() } {
        Some(b) => b.bytes.len().saturating_sub(1),
        None => 0,
    }
}

/// Release a buffer. NULL is accepted and ignored.
///
/// # Safety
/// `buffer` must be NULL or a buffer returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_buffer_free(buffer: *mut KysoBuffer) {
    if !buffer.is_null() {
        // SAFETY: the pointer came from Box::into_raw in `run` and is freed once.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(buffer) })));
    }
}

/// The error's code (`KYSO_ERR_NULL_ARGUMENT` when `error` is NULL).
///
/// # Safety
/// `error` must be NULL or a live error returned by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_error_code(error: *const KysoError) -> i32 {
    // SAFETY: NULL or a live error, as the caller guarantees.
    match unsafe { error.as_ref() } {
        Some(e) => e.code,
        None => KYSO_ERR_NULL_ARGUMENT,
    }
}

/// The error's message, NUL-terminated UTF-8, valid until `kyso_error_free` (NULL when
/// `error` is NULL).
///
/// # Safety
/// `error` must be NULL or a live error returned by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_error_message(error: *const KysoError) -> *const c_char {
    // SAFETY: NULL or a live error, as the caller guarantees.
    match unsafe { error.as_ref() } {
        Some(e) => e.message.as_ptr(),
        None => ptr::null(),
    }
}

/// Release an error. NULL is accepted and ignored.
///
/// # Safety
/// `error` must be NULL or an error returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kyso_error_free(error: *mut KysoError) {
    if !error.is_null() {
        // SAFETY: the pointer came from Box::into_raw in `run` and is freed once.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(error) })));
    }
}

#[cfg(test)]
mod tests;
