//! OCSP status (RFC 6960): what one OCSP response says about a certificate, once its signer,
//! nonce and freshness are accepted. The structures are in [`crate::ocsp`].

use der::Decode;
use x509_cert::Certificate;

use super::signers::{has_eku, issued_by, signed_by, within};
use super::{CertStatus, CrlReason, RevocationOptions, Source};
use crate::algorithms::DigestAlgorithm;
use crate::names::names_match;
use crate::ocsp::{self, BasicOcspResponse, OcspCertStatus, OcspResponse, OcspResponseStatus};
use crate::time::rfc3339;

/// A status found in one piece of data.
pub(super) struct Found {
    pub(super) status: CertStatus,
    pub(super) source: Source,
}

/// Evaluate one OCSP response for `cert` issued by `issuer`.
pub(super) fn ocsp_status(
    bytes: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    options: &RevocationOptions,
) -> Result<Option<Found>, String> {
    let resp = OcspResponse::from_der(bytes).map_err(|e| format!("OCSP response: {e}"))?;
    if resp.response_status != OcspResponseStatus::Successful {
        return Err(format!(
            "OCSP responder answered {:?}",
            resp.response_status
        ));
    }
    let rb = resp
        .response_bytes
        .ok_or("OCSP response without responseBytes")?;
    if rb.response_type != ocsp::OCSP_BASIC {
        return Err(format!(
            "OCSP response type {} not supported",
            rb.response_type
        ));
    }
    let basic = BasicOcspResponse::from_der(rb.response.as_bytes())
        .map_err(|e| format!("BasicOCSPResponse: {e}"))?;
    let data = basic.response_data().map_err(|e| e.to_string())?;
    // Does this response talk about our certificate at all?
    let Some(single) = data
        .responses
        .iter()
        .find(|s| s.cert_id.matches(cert, issuer))
    else {
        return Ok(None);
    };
    let produced = data.produced_at.to_date_time();
    // Who signed: the issuer itself, or a delegated responder certified by it.
    let by_issuer = match &data.responder_id {
        ocsp::ResponderId::ByName(n) => names_match(n, issuer.tbs_certificate().subject()),
        ocsp::ResponderId::ByKey(k) => {
            k.as_bytes()
                == DigestAlgorithm::Sha1
                    .hash(ocsp::issuer_key_bytes(issuer))
                    .as_slice()
        }
    };
    let tbs = basic.tbs_bytes().map_err(|e| e.to_string())?;
    let sig = basic
        .signature
        .as_bytes()
        .ok_or("OCSP: malformed signature")?;
    let policy = &options.algorithm_policy;
    let signer_ok = if by_issuer {
        signed_by(
            issuer,
            &basic.signature_algorithm,
            &tbs,
            sig,
            policy,
            produced,
        )
    } else {
        let responder = basic
            .certs
            .iter()
            .flatten()
            .find(|c| match &data.responder_id {
                ocsp::ResponderId::ByName(n) => names_match(n, c.tbs_certificate().subject()),
                ocsp::ResponderId::ByKey(k) => {
                    k.as_bytes()
                        == DigestAlgorithm::Sha1
                            .hash(ocsp::issuer_key_bytes(c))
                            .as_slice()
                }
            });
        match responder {
            None => Err("OCSP responder certificate not found in the response".into()),
            Some(r) if !has_eku(r, &ocsp::KP_OCSP_SIGNING) => {
                Err("OCSP responder certificate lacks id-kp-OCSPSigning".into())
            }
            Some(r) if !issued_by(r, issuer, policy) => {
                Err("OCSP responder certificate is not issued by the certificate's CA".into())
            }
            Some(r) if !within(r, produced) => {
                Err("OCSP responder certificate not valid when the response was produced".into())
            }
            Some(r) => signed_by(r, &basic.signature_algorithm, &tbs, sig, policy, produced),
        }
    };
    signer_ok.map_err(|e| format!("OCSP: {e}"))?;
    // Nonce.
    if let (Some(sent), Some(got)) = (
        &options.nonce,
        ocsp::nonce_of(data.response_extensions.as_ref()),
    ) && *sent != got
    {
        return Err("OCSP nonce does not match the request".into());
    }
    // Freshness.
    let t = options.time;
    let this_update = single.this_update.to_date_time();
    if this_update < t {
        let fresh = match single.next_update {
            Some(n) => t <= n.to_date_time(),
            None => {
                t.unix_duration().as_secs() - this_update.unix_duration().as_secs()
                    <= options.max_ocsp_age_secs
            }
        };
        if !fresh {
            return Err(format!(
                "OCSP response is not current at the validation time (thisUpdate {})",
                rfc3339(this_update)
            ));
        }
    }
    let status = match &single.cert_status {
        OcspCertStatus::Good(_) => CertStatus::Good,
        OcspCertStatus::Unknown(_) => CertStatus::Unknown,
        OcspCertStatus::Revoked(info) => {
            let time = info.revocation_time.to_date_time();
            let reason = info
                .revocation_reason
                .as_ref()
                .and_then(CrlReason::from_any);
            match reason {
                Some(CrlReason::CertificateHold) => CertStatus::Suspended { time },
                _ => CertStatus::Revoked { time, reason },
            }
        }
    };
    Ok(Some(Found {
        status,
        source: Source::Ocsp,
    }))
}
