//! Long-term validation options in one JSON shape, for augmenting signed documents through the
//! C ABI's `kyso_ltv_add` (and through it Java and .NET), like the CLI's `kyso ltv add`:
//! ```json
//! {"tsa": "http://…", "tsa_digest": "sha256" | "sha384" | "sha512", "offline": false,
//!  "partial": false,
//!  "crls": ["-----BEGIN X509 CRL-----…" or "/path/to/ca.crl"],
//!  "ocsp_responses": ["/path/to/response.der"],
//!  "ca_certs": ["-----BEGIN CERTIFICATE-----…" or "/path/to/ca.pem" or "/path/to/dir"]}
//! ```
//! Every field is optional; unknown fields are refused. The validation data a level needs is
//! fetched from the URLs in the certificates (issuers only from the Government CA's location,
//! revocation data only for chains that validate to an anchor: the Government CA's roots, the
//! self-signed certificates in `ca_certs`, the signer's own root) unless `"offline": true`,
//! which uses only `crls`, `ocsp_responses` and `ca_certs`. A requested level is a promise:
//! when some certificate's status is still missing, nothing is returned but
//! [`Error::LevelNotReached`] naming each one — unless `"partial": true` accepts what could be
//! embedded (the summary's `uncovered` then lists the rest). Without `tsa` the result is PAdES B-LT (a `/DSS` update); with it, B-LTA (then
//! also a document time-stamp and its own validation data). CRLs may be DER or PEM (files or
//! text) and are embedded as DER.
//!
//! The same fields sit, flattened, in [`crate::SignConfig`] (its `ltv`), with the same meaning;
//! the CLI's `--tsa/--online/--crl/--ocsp/--ca-cert` flags build one too.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::ltv::{Level, LtvOptions, LtvSummary};
use kyso_sign::TimeStamper;

/// The JSON long-term validation options object.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LtvConfig {
    /// RFC 3161 time-stamp authority URL (`http://…`): with it, a document time-stamp is added
    /// (B-LTA).
    #[serde(default)]
    pub tsa: Option<String>,
    /// Hash of the time-stamp imprint: `sha256` (the default), `sha384` or `sha512`; needs
    /// `tsa`.
    #[serde(default)]
    pub tsa_digest: Option<String>,
    /// Use only the given data (`crls`, `ocsp_responses`, `ca_certs`): fetch nothing.
    #[serde(default)]
    pub offline: bool,
    /// The former switch: `false` means offline, `true` is the default (fetching).
    #[serde(default)]
    pub online: Option<bool>,
    /// Accept an augmentation that leaves some certificate's status uncovered (listed in the
    /// summary) instead of refusing it.
    #[serde(default)]
    pub partial: bool,
    /// CRLs to embed (DER or PEM files, or PEM text).
    #[serde(default)]
    pub crls: Vec<String>,
    /// DER OCSP responses to embed (paths).
    #[serde(default)]
    pub ocsp_responses: Vec<String>,
    /// CA certificates that complete the chains (PEM text, or files or directories).
    #[serde(default)]
    pub ca_certs: Vec<String>,
}

/// Whether an entry is PEM text rather than a path.
fn is_pem(entry: &str) -> bool {
    entry.contains("-----BEGIN")
}

impl LtvConfig {
    /// Parse the JSON options object; malformed JSON, a wrong type or an unknown field is
    /// [`Error::Options`] (code 7001).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        crate::options::from_json_object(json, "long-term validation options JSON")
    }

    /// Take this object's fields out of a larger JSON object (where they are flattened, as in
    /// [`crate::SignConfig`]) and parse them; the other fields stay.
    pub fn take_from(
        object: &mut serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, serde_json::Error> {
        // The field names are those the default value serialises: no list to keep in step.
        let names = match serde_json::to_value(Self::default()) {
            Ok(serde_json::Value::Object(fields)) => fields.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let own = names
            .into_iter()
            .filter_map(|name| object.remove(&name).map(|value| (name, value)))
            .collect();
        Self::deserialize(serde_json::Value::Object(own))
    }

    /// B-LTA with a time-stamp authority, else B-LT.
    pub fn level(&self) -> Level {
        if self.tsa.is_some() {
            Level::BLTA
        } else {
            Level::BLT
        }
    }

    /// The time-stamp client for the document time-stamp, when `tsa` is given. Checks
    /// `tsa_digest` (a bad name, or a digest without `tsa`, is [`Error::Options`]); does not
    /// contact the TSA.
    pub fn stamper(&self) -> Result<Option<Arc<dyn TimeStamper>>, Error> {
        match (&self.tsa, &self.tsa_digest) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(Error::Options(
                "\"tsa_digest\" needs \"tsa\" (the time-stamp authority's URL)".into(),
            )),
            (Some(url), _) if url.trim().is_empty() => Err(Error::Options(
                "\"tsa\" must be the time-stamp authority's URL (http://…)".into(),
            )),
            #[cfg(feature = "net")]
            (Some(url), digest) => {
                crate::ltv::tsa_client_with_digest(url, digest.as_deref().unwrap_or("sha256"))
                    .map(Some)
            }
            #[cfg(not(feature = "net"))]
            (Some(_), _) => Err(Error::Options(
                "\"tsa\" needs the network, which this build has not".into(),
            )),
        }
    }

    /// Where the validation data comes from: files are read (and CRLs decoded) here, so a
    /// missing or unreadable file fails before the document is touched.
    pub fn options(&self) -> Result<LtvOptions, Error> {
        let mut options = LtvOptions::default();
        // The Government CA's issuing CAs complete chains whose documents carry only the leaf.
        crate::trust::add_known_intermediates(&mut options.certificates)?;
        crate::trust::add_builtin_anchors(&mut options.certificates)?;
        options.partial = self.partial;
        for entry in &self.ca_certs {
            if is_pem(entry) {
                add_ca_certs(&mut options.certificates, entry.as_bytes())
                    .map_err(|e| Error::Options(format!("certificate in ca_certs: {e}")))?;
            } else {
                for file in crate::files::certificate_files(Path::new(entry))? {
                    add_ca_certs(&mut options.certificates, &crate::files::read(&file)?)
                        .map_err(|e| Error::Options(format!("{}: {e}", file.display())))?;
                }
            }
        }
        for entry in &self.crls {
            let (bytes, what) = if is_pem(entry) {
                (entry.as_bytes().to_vec(), "CRL in crls".to_string())
            } else {
                (crate::files::read(Path::new(entry))?, entry.clone())
            };
            // A DSS holds DER CRLs (ETSI EN 319 142-1 §5.4.2): PEM is decoded, and anything
            // that is not a CRL is refused rather than embedded.
            let start = bytes
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0);
            let (_, der) = kyso_policy::revocation::parse_crl(&bytes[start..])
                .map_err(|e| Error::Options(format!("{what}: not a CRL: {e}")))?;
            options.revocation_data.crls.push(der);
        }
        for entry in &self.ocsp_responses {
            options
                .revocation_data
                .ocsp_responses
                .push(crate::files::read(Path::new(entry))?);
        }
        if !self.is_offline() {
            #[cfg(feature = "net")]
            {
                options.fetcher = Some(crate::network_fetcher());
            }
            #[cfg(not(feature = "net"))]
            return Err(Error::Options(
                "fetching validation data needs the network, which this build has not: give \"offline\": true with \"crls\" and \"ocsp_responses\"".into(),
            ));
        }
        Ok(options)
    }

    /// Whether nothing may be fetched (`offline`, or the former `"online": false`).
    pub fn is_offline(&self) -> bool {
        self.offline || self.online == Some(false)
    }
}

/// Certificates from `bytes`: self-signed ones are anchors (the caller vouches for them by
/// giving them: a chain to one may have its revocation data fetched), the others intermediates.
fn add_ca_certs(
    store: &mut kyso_policy::trust::TrustStore,
    bytes: &[u8],
) -> Result<(), kyso_policy::PolicyError> {
    for stored in kyso_policy::trust::parse_certificates(bytes)? {
        if kyso_token::is_self_issued(&stored.certificate) {
            store.add_anchor(stored.certificate)?;
        } else {
            store.add_intermediate(stored.certificate)?;
        }
    }
    Ok(())
}

/// Add long-term validation data to the signed PDF `pdf` as the JSON options say: the C ABI's
/// `kyso_ltv_add`. B-LT (a `/DSS` incremental update) without `"tsa"`, B-LTA (and a document
/// time-stamp) with it. The input is a prefix of the output; the summary tells what was
/// embedded and which certificates' status is still not covered.
pub fn ltv_add_json(pdf: &[u8], options_json: &str) -> Result<(Vec<u8>, LtvSummary), Error> {
    let config = LtvConfig::from_json(options_json)?;
    // Options first, then files, then the document (and only then the network).
    let stamper = config.stamper()?;
    let options = config.options()?;
    crate::ltv::add_ltv(pdf, &options, stamper.as_deref())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn parses_all_fields() {
        let c = LtvConfig::from_json(
            r#"{"tsa":"http://127.0.0.1:9/tsa","tsa_digest":"SHA-384","online":false,
                "crls":[],"ocsp_responses":[],"ca_certs":[]}"#,
        )
        .unwrap();
        assert_eq!(c.level(), Level::BLTA);
        let stamper = c.stamper().unwrap().unwrap();
        assert_eq!(
            stamper.digest_algorithm(),
            kyso_token::DigestAlgorithm::Sha384
        );
        let c = LtvConfig::from_json("{}").unwrap();
        assert_eq!(c.level(), Level::BLT);
        assert!(c.stamper().unwrap().is_none());
        // Fetching is the default (a level needs its data); offline takes only what is given.
        let o = c.options().unwrap();
        assert_eq!(o.fetcher.is_some(), cfg!(feature = "net"));
        assert!(o.revocation_data.is_empty() && !o.partial);
        for offline in [r#"{"offline": true}"#, r#"{"online": false}"#] {
            let o = LtvConfig::from_json(offline).unwrap().options().unwrap();
            assert!(o.fetcher.is_none(), "{offline}");
        }
        assert!(
            LtvConfig::from_json(r#"{"partial": true}"#)
                .unwrap()
                .options()
                .unwrap()
                .partial
        );
    }

    #[test]
    fn json_errors_are_invalid_options() {
        for bad in [
            "",
            "{",
            "[]",
            r#"{"online":"yes"}"#,
            r#"{"crls":"/a.crl"}"#,
            r#"{"signer":{"p12":{"path":"a.p12"}}}"#,
        ] {
            let e = LtvConfig::from_json(bad).unwrap_err();
            assert!(matches!(e, Error::Options(_)), "{bad}: {e}");
            assert_eq!(e.code(), 7001, "{bad}");
        }
        let e = LtvConfig::from_json(r#"{"crl":["/a.crl"]}"#).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("unknown field `crl`"), "{m}");
        assert!(
            m.contains("crls"),
            "the message lists the known fields: {m}"
        );
        // The same through the entry point.
        let e = ltv_add_json(b"%PDF-1.7", r#"{"level":"B-LTA"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `level`"), "{e}");
    }

    #[test]
    fn tsa_settings_are_checked_before_anything_else() {
        for (json, needle) in [
            (r#"{"tsa":"http://127.0.0.1:9/","tsa_digest":"md5"}"#, "md5"),
            (r#"{"tsa_digest":"sha256"}"#, "needs \"tsa\""),
            (r#"{"tsa":" "}"#, "URL"),
        ] {
            let c = LtvConfig::from_json(json).unwrap();
            let e = c.stamper().err().unwrap();
            assert!(matches!(e, Error::Options(_)), "{json}: {e}");
            assert!(e.to_string().contains(needle), "{json}: {e}");
            // Refused before the (missing) files or the (non-)PDF are looked at.
            let json = json.replace('}', r#","crls":["/nonexistent/x.crl"]}"#);
            let e = ltv_add_json(b"not a PDF", &json).unwrap_err();
            assert!(matches!(e, Error::Options(_)), "{json}: {e}");
        }
    }

    #[test]
    fn bad_sources_are_reported() {
        let e = LtvConfig::from_json(r#"{"crls":["/nonexistent/x.crl"]}"#)
            .unwrap()
            .options()
            .unwrap_err();
        assert_eq!(e.code(), 6001, "{e}");
        assert!(e.to_string().contains("/nonexistent/x.crl"), "{e}");
        let e = LtvConfig::from_json(r#"{"ocsp_responses":["/nonexistent/r.der"]}"#)
            .unwrap()
            .options()
            .unwrap_err();
        assert_eq!(e.code(), 6001, "{e}");
        let e = LtvConfig::from_json(
            r#"{"crls":["-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"]}"#,
        )
        .unwrap()
        .options()
        .unwrap_err();
        assert!(matches!(e, Error::Options(_)), "{e}");
        assert!(e.to_string().contains("not a CRL"), "{e}");
        let e = LtvConfig::from_json(
            r#"{"ca_certs":["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]}"#,
        )
        .unwrap()
        .options()
        .unwrap_err();
        assert!(matches!(e, Error::Options(_)), "{e}");
    }

    #[test]
    fn adds_the_chain_of_a_signature() {
        let pki = crate::demo::DemoPki::generate(crate::now().unix_duration().as_secs()).unwrap();
        let signer = pki.software_signer().unwrap();
        let signed = crate::sign_pdf(
            &crate::demo::sample_pdf(),
            &signer,
            &crate::PadesOptions::new(crate::signing_time_now()),
        )
        .unwrap()
        .bytes;
        let root = der::EncodePem::to_pem(&pki.root, der::pem::LineEnding::LF).unwrap();
        // Offline with no CRL: B-LT is not reached; refused, naming the signer, unless partial.
        let json = serde_json::json!({ "ca_certs": [root], "offline": true }).to_string();
        let e = ltv_add_json(&signed, &json).unwrap_err();
        assert_eq!(e.code(), 7003);
        assert!(e.to_string().contains("Nguyễn Văn An"), "{e}");
        let json = serde_json::json!({ "ca_certs": [root], "offline": true, "partial": true });
        let (out, summary) = ltv_add_json(&signed, &json.to_string()).unwrap();
        assert!(out.len() > signed.len() && out.starts_with(&signed));
        assert_eq!(summary.signatures, 1);
        assert_eq!(summary.certificates, 3, "signer, CA and root: {summary:?}");
        assert_eq!(summary.crls + summary.ocsp_responses, 0);
        assert!(summary.document_timestamp.is_none());
        // Nothing to embed for an unsigned document: unchanged.
        let plain = crate::demo::sample_pdf();
        let (out, summary) = ltv_add_json(&plain, r#"{"offline": true}"#).unwrap();
        assert_eq!(out, plain);
        assert_eq!(summary.signatures, 0);
    }
}
