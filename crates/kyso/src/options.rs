//! Verification options in one JSON shape, shared by the CLI, the C ABI and WASM:
//! ```json
//! {"trust": ["-----BEGIN CERTIFICATE-----…", "/path/to/root.pem", "builtin"] | "builtin",
//!  "intermediates": ["…"],
//!  "at": "2026-01-31T00:00:00Z",
//!  "revocation": "off" | "embedded" | "online",
//!  "crls": ["/path/to/ca.crl"], "ocsp_responses": ["/path/to/resp.der"],
//!  "purpose": "document-signing" | "any"}
//! ```
//! Without `trust` the anchors are the Government CA's G1 and G2 roots that kyso ships
//! ([`crate::trust`]); a `trust` list replaces them (the entry `"builtin"` stands for them), and
//! `"builtin_trust": false` with no `trust` leaves no anchor at all. The Government CA's issuing
//! CAs are always known intermediates (never anchors): signed government PDFs carry only the leaf.
//!
//! `embedded` (the default) uses only the document's DSS and the supplied
//! `crls`/`ocsp_responses`: nothing is fetched. `online` also fetches, through kyso-net,
//! revocation data for paths that verified to an anchor and missing issuers (AIA) from the URL
//! prefixes in `fetch_allow` (default: the Government CA's published certificates), within a
//! request and time budget (`max_fetches`, `max_fetch_seconds`); the report lists every URL.
//! `off` skips revocation with a warning.

use std::path::Path;

use kyso_policy::trust::TrustStore;
use kyso_verify::{RevocationMode, VerifyOptions};
use serde::Deserialize;

use crate::Error;

/// The JSON options object.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyConfig {
    /// Trust anchors: PEM text, paths to files or directories, or `"builtin"` (the Government
    /// CA's roots); a single string is read as a one-entry list. Empty: the built-in roots.
    #[serde(default, deserialize_with = "one_or_many")]
    pub trust: Vec<String>,
    /// `false`: no built-in roots when `trust` is empty (then nothing is trusted).
    #[serde(default)]
    pub builtin_trust: Option<bool>,
    /// Known intermediates: PEM text, or paths.
    #[serde(default)]
    pub intermediates: Vec<String>,
    /// Validation time, RFC 3339; now by default.
    #[serde(default)]
    pub at: Option<String>,
    /// `off`, `embedded` or `online`.
    #[serde(default)]
    pub revocation: Option<String>,
    /// A file name to show in the report.
    #[serde(default)]
    pub file_name: Option<String>,
    /// CRLs to use (DER or PEM): PEM text, or paths to files.
    #[serde(default)]
    pub crls: Vec<String>,
    /// DER OCSP responses to use: paths to files.
    #[serde(default)]
    pub ocsp_responses: Vec<String>,
    /// URL prefixes from which issuer certificates may be fetched in online mode (replaces the
    /// default, the Government CA's `http://ca.gov.vn/pki/pub/crt/`; empty: none).
    #[serde(default)]
    pub fetch_allow: Option<Vec<String>>,
    /// Requests per verification in online mode (default 16).
    #[serde(default)]
    pub max_fetches: Option<usize>,
    /// Seconds of network time per verification in online mode (default 30).
    #[serde(default)]
    pub max_fetch_seconds: Option<u64>,
    /// Refuse documents larger than this many mebibytes (no bound by default).
    #[serde(default)]
    pub max_input_mb: Option<usize>,
    /// What a certificate verified on its own ([`crate::certificates::verify_certificate`]) is
    /// validated for: `document-signing` (the default: key usage and the algorithm policy
    /// too) or `any` (the path alone). Documents are always verified for signing.
    #[serde(default)]
    pub purpose: Option<String>,
}

impl VerifyConfig {
    /// Parse the JSON options object.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        from_json_object(json, "options JSON")
    }

    /// The certificate purpose named by `purpose` (document signing when absent).
    pub fn purpose(&self) -> Result<kyso_policy::usage::Purpose, Error> {
        match self.purpose.as_deref() {
            None => Ok(kyso_policy::usage::Purpose::default()),
            Some(p) => kyso_policy::usage::Purpose::parse(p).ok_or_else(|| {
                Error::Options(format!(
                    "purpose must be document-signing or any, not {p:?}"
                ))
            }),
        }
    }

    /// Build verifier options: read certificates, parse the time (default: now).
    pub fn build(&self) -> Result<VerifyOptions, Error> {
        self.build_with(Files::Read, crate::now)
    }

    /// Build verifier options where there is no file system, network or system clock
    /// (WebAssembly): every certificate and CRL must be given as PEM text (a path is refused,
    /// not tried), revocation `online` is refused rather than silently read as `embedded`, and
    /// `now` is the caller's clock, used when `at` is absent.
    pub fn build_in_memory(
        &self,
        now: impl FnOnce() -> der::DateTime,
    ) -> Result<VerifyOptions, Error> {
        self.build_with(Files::Refuse, now)
    }

    fn build_with(
        &self,
        files: Files,
        now: impl FnOnce() -> der::DateTime,
    ) -> Result<VerifyOptions, Error> {
        let refuse_path = |key: &str, entry: &str| -> Result<(), Error> {
            match files {
                Files::Read => Ok(()),
                Files::Refuse => Err(Error::Options(format!(
                    "{key} entries must be PEM text here (no file system): {:?}",
                    entry.chars().take(60).collect::<String>()
                ))),
            }
        };
        let mut store = TrustStore::new();
        crate::trust::add_known_intermediates(&mut store)?;
        if self.trust.is_empty() && self.builtin_trust != Some(false) {
            crate::trust::add_builtin_anchors(&mut store)?;
        }
        for (entries, anchors, key) in [
            (&self.trust, true, "trust"),
            (&self.intermediates, false, "intermediates"),
        ] {
            for entry in entries {
                if anchors && entry == crate::trust::BUILTIN_TRUST {
                    crate::trust::add_builtin_anchors(&mut store)?;
                    continue;
                }
                if !entry.contains("-----BEGIN") {
                    refuse_path(key, entry)?;
                }
                if entry.contains("-----BEGIN") {
                    let r = if anchors {
                        store.add_anchors(entry.as_bytes())
                    } else {
                        store.add_intermediates(entry.as_bytes())
                    };
                    r.map_err(|e| Error::Options(format!("certificate in options: {e}")))?;
                } else {
                    crate::files::load_into(&mut store, &[Path::new(entry)], anchors)?;
                }
            }
        }
        let at = match &self.at {
            Some(s) => parse_time(s)?,
            None => now(),
        };
        let mut options = VerifyOptions::new(store, at);
        if matches!(files, Files::Refuse) && self.revocation.as_deref() == Some("online") {
            return Err(Error::Options(
                "revocation \"online\" is not available here (no network): fetch the CRLs and pass them as PEM text in \"crls\", with revocation \"embedded\"".into(),
            ));
        }
        options.revocation = match self.revocation.as_deref() {
            Some("online") => RevocationMode::Online,
            None | Some("embedded") => RevocationMode::Embedded,
            Some("off") => RevocationMode::Off,
            Some(other) => {
                return Err(Error::Options(format!(
                    "revocation must be off, embedded or online, not {other:?}"
                )));
            }
        };
        options.file_name = self.file_name.clone();
        for crl in &self.crls {
            let bytes = if crl.contains("-----BEGIN") {
                crl.as_bytes().to_vec()
            } else {
                refuse_path("crls", crl)?;
                crate::files::read(Path::new(crl))?
            };
            options.revocation_data.crls.push(bytes);
        }
        for resp in &self.ocsp_responses {
            refuse_path("ocsp_responses", resp)?;
            let bytes = crate::files::read(Path::new(resp))?;
            options.revocation_data.ocsp_responses.push(bytes);
        }
        if let Some(allow) = &self.fetch_allow {
            for p in allow {
                if !p.to_ascii_lowercase().starts_with("http://") {
                    return Err(Error::Options(format!(
                        "fetch_allow entries are http:// URL prefixes, not {p:?}"
                    )));
                }
            }
            options.network.allow_issuer_prefixes.clone_from(allow);
        }
        if let Some(n) = self.max_fetches {
            options.network.max_fetches = n;
        }
        if let Some(s) = self.max_fetch_seconds {
            options.network.max_millis = s.saturating_mul(1000);
        }
        options.max_input_bytes = self.max_input_mb.map(|m| m.saturating_mul(1024 * 1024));
        if options.revocation == RevocationMode::Online {
            #[cfg(feature = "net")]
            {
                options.fetcher = Some(crate::network_fetcher());
            }
            // Without the network, online would silently be embedded: refuse it instead.
            #[cfg(not(feature = "net"))]
            return Err(Error::Options(
                "revocation \"online\" needs the network, which this build has not: fetch the CRLs and pass them in \"crls\", with revocation \"embedded\"".into(),
            ));
        }
        Ok(options)
    }
}

/// A list of strings, or one string standing for a one-entry list.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// Whether the platform has a file system and a network (native) or neither (WebAssembly).
#[derive(Clone, Copy)]
enum Files {
    Read,
    Refuse,
}

/// Parse an RFC 3339 time.
pub fn parse_time(s: &str) -> Result<der::DateTime, Error> {
    kyso_policy::time::parse_rfc3339(s)
        .ok_or_else(|| Error::Options(format!("not an RFC 3339 time: {s:?}")))
}

/// Parse an options object: malformed JSON, a wrong type, an unknown field or anything but an
/// object (serde would also read a struct from an array of its fields in order) is
/// [`Error::Options`] (code 7001), its message starting with `what`.
pub(crate) fn from_json_object<T: serde::de::DeserializeOwned>(
    json: &str,
    what: &str,
) -> Result<T, Error> {
    let invalid = |e: serde_json::Error| Error::Options(format!("{what}: {e}"));
    let value: serde_json::Value = serde_json::from_str(json).map_err(invalid)?;
    if !value.is_object() {
        return Err(Error::Options(format!(
            "{what}: expected an object ({{…}})"
        )));
    }
    serde_json::from_value(value).map_err(invalid)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn options_must_be_an_object() {
        // An array of fields in order would otherwise fill the struct.
        let e = VerifyConfig::from_json(r#"[["root.pem"]]"#).unwrap_err();
        assert_eq!(e.code(), 7001, "{e}");
        assert!(e.to_string().contains("expected an object"), "{e}");
        let e = crate::LtvConfig::from_json(r#"["http://127.0.0.1:1/tsa"]"#).unwrap_err();
        assert_eq!(e.code(), 7001, "{e}");
        assert!(VerifyConfig::from_json(r#"{"trust": ["root.pem"]}"#).is_ok());
    }
}
