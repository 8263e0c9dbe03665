//! RFC 3161 time-stamp protocol over HTTP: [`TsaClient`] implements
//! [`kyso_policy::timestamp::TimeStamper`].
//!
//! A request is a DER `TimeStampReq` POSTed as `application/timestamp-query` (RFC 3161 §3.4)
//! with a fresh random nonce and `certReq` set; the answer is a DER `TimeStampResp`:
//!
//! ```text
//! TimeStampReq ::= SEQUENCE  {
//!    version                  INTEGER  { v1(1) },
//!    messageImprint           MessageImprint,
//!    reqPolicy                TSAPolicyId              OPTIONAL,
//!    nonce                    INTEGER                  OPTIONAL,
//!    certReq                  BOOLEAN                  DEFAULT FALSE,
//!    extensions               [0] IMPLICIT Extensions  OPTIONAL  }
//! TimeStampResp ::= SEQUENCE  {
//!    status                   PKIStatusInfo,
//!    timeStampToken           TimeStampToken           OPTIONAL  }
//! PKIStatusInfo ::= SEQUENCE {
//!    status        PKIStatus,
//!    statusString  PKIFreeText     OPTIONAL,
//!    failInfo      PKIFailureInfo  OPTIONAL  }
//! ```
//!
//! A token is returned only after [`check_response`] accepted it: status granted (or granted
//! with modifications), a token present whose `eContentType` is id-ct-TSTInfo, exactly one
//! SignerInfo whose signature verifies, the request's imprint (algorithm and hash), nonce and
//! policy (when one was asked for), and the TSA certificate in the token with a critical
//! extendedKeyUsage holding only id-kp-timeStamping (RFC 3161 §2.3). The TSA certificate's
//! chain, validity and revocation are not checked here: that is the verifier's job, at the
//! time-stamp's time. Neither is genTime compared with the local clock.
//!
//! ```no_run
//! use kyso_policy::timestamp::{TimeStamper, TimestampRequest};
//! let tsa = kyso_net::TsaClient::new(kyso_net::TsaConfig::new("http://127.0.0.1:18080/tsa"));
//! let request = TimestampRequest {
//!     algorithm: tsa.digest_algorithm(),
//!     imprint: tsa.digest_algorithm().digest(b"signature value"),
//! };
//! let token = tsa.timestamp(&request);
//! ```

use std::time::Duration;

use const_oid::ObjectIdentifier;
use der::asn1::{Any, BitString, Int, OctetString, Uint};
use der::{Decode, Encode, Sequence, Tagged};
use kyso_policy::algorithms::SigningDigest;
use kyso_policy::timestamp::{TimeStamper, TimestampError, TimestampRequest};
use kyso_verify::timestamp::{
    MessageImprint, OID_TST_INFO, TstInfo, check_tsa_certificate, read_timestamp,
};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extensions;

use crate::NetError;

pub use kyso_verify::timestamp::OID_KP_TIME_STAMPING;

/// id-signedData.
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

/// Length in bytes of the random nonce of each request.
const NONCE_LEN: usize = 8;

/// `DEFAULT FALSE` of `certReq`.
fn default_false() -> bool {
    false
}

/// TimeStampReq (RFC 3161 §2.4.1).
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct TimeStampReq {
    /// Version (1).
    pub version: u8,
    /// The hash to time-stamp.
    pub message_imprint: MessageImprint,
    /// The TSA policy asked for.
    #[asn1(optional = "true")]
    pub req_policy: Option<ObjectIdentifier>,
    /// Nonce (a positive INTEGER).
    #[asn1(optional = "true")]
    pub nonce: Option<Uint>,
    /// Whether the TSA certificate is to be included in the token (DEFAULT FALSE).
    #[asn1(default = "default_false")]
    pub cert_req: bool,
    /// Extensions.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// PKIStatusInfo (RFC 3161 §2.4.2, from RFC 4210).
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct PkiStatusInfo {
    /// PKIStatus: granted (0), grantedWithMods (1), rejection (2), waiting (3),
    /// revocationWarning (4), revocationNotification (5).
    pub status: Int,
    /// PKIFreeText: human-readable reasons.
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<String>>,
    /// PKIFailureInfo.
    #[asn1(optional = "true")]
    pub fail_info: Option<BitString>,
}

/// TimeStampResp (RFC 3161 §2.4.2). The token is kept as received (a `ContentInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct TimeStampResp {
    /// The TSA's status.
    pub status: PkiStatusInfo,
    /// The time-stamp token (a CMS `ContentInfo` holding `SignedData` over a `TSTInfo`).
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<Any>,
}

/// Settings of a [`TsaClient`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsaConfig {
    /// The TSA's URL (`http://` only).
    pub url: String,
    /// The imprint hash algorithm signers should use (what
    /// [`TimeStamper::digest_algorithm`] returns).
    pub digest: SigningDigest,
    /// The TSA policy to ask for (`reqPolicy`); `None` lets the TSA choose.
    pub policy: Option<ObjectIdentifier>,
    /// Timeout of the connection and of the whole request.
    pub timeout: Duration,
    /// Maximum size of a response in bytes.
    pub max_response: usize,
}

impl TsaConfig {
    /// Settings for `url`: SHA-256, no policy, 30 s timeout, 1 MiB response cap.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            ..Self::default()
        }
    }
}

impl Default for TsaConfig {
    /// No URL (set `url`: an empty one fails every request as unavailable), SHA-256, no policy,
    /// 30 s timeout, 1 MiB response cap.
    fn default() -> Self {
        Self {
            url: String::new(),
            digest: SigningDigest::Sha256,
            policy: None,
            timeout: Duration::from_secs(30),
            max_response: 1024 * 1024,
        }
    }
}

/// An RFC 3161 client over HTTP.
#[derive(Debug)]
pub struct TsaClient {
    agent: ureq::Agent,
    config: TsaConfig,
}

impl TsaClient {
    /// A client for the TSA in `config`.
    pub fn new(config: TsaConfig) -> Self {
        let agent = crate::agent(config.timeout, config.timeout);
        Self { agent, config }
    }

    /// The client's settings.
    pub fn config(&self) -> &TsaConfig {
        &self.config
    }
}

impl TimeStamper for TsaClient {
    fn digest_algorithm(&self) -> SigningDigest {
        self.config.digest
    }

    fn timestamp(&self, request: &TimestampRequest) -> Result<Vec<u8>, TimestampError> {
        let nonce = new_nonce()?;
        let policy = self.config.policy.as_ref();
        let query = build_request(request, &nonce, policy)?;
        let max = u64::try_from(self.config.max_response).unwrap_or(u64::MAX);
        let fetched = crate::post(
            &self.agent,
            &self.config.url,
            "application/timestamp-query",
            "application/timestamp-reply",
            &query,
            max,
        )
        .map_err(|e| match e {
            NetError::TooLarge { .. } => TimestampError::BadResponse(e.to_string()),
            e => TimestampError::Unavailable(e.to_string()),
        })?;
        // The Content-Type is read leniently (some TSAs send application/octet-stream or
        // application/timestamp-response): the body decides, the type only explains a failure.
        check_response(&fetched.body, request, &nonce, policy).map_err(|e| match e {
            TimestampError::BadResponse(m) if is_decoding_failure(&fetched.body) => {
                let ctype = fetched.content_type.as_deref().unwrap_or("none");
                TimestampError::BadResponse(format!(
                    "{m} (from {}, Content-Type {ctype}, {} bytes)",
                    self.config.url,
                    fetched.body.len()
                ))
            }
            e => e,
        })
    }
}

/// Whether `body` is not even a `TimeStampResp`.
fn is_decoding_failure(body: &[u8]) -> bool {
    TimeStampResp::from_der(body).is_err()
}

/// A fresh random nonce: 8 bytes, top bit clear, so that it is a positive 64-bit INTEGER that
/// every TSA can store.
fn new_nonce() -> Result<Vec<u8>, TimestampError> {
    let mut n = vec![0u8; NONCE_LEN];
    getrandom::fill(&mut n).map_err(|e| {
        TimestampError::Unavailable(format!("no randomness for the request nonce: {e}"))
    })?;
    if let Some(first) = n.first_mut() {
        *first &= 0x7f;
        if *first == 0 {
            *first = 1;
        }
    }
    Ok(n)
}

/// The length in bytes of a digest.
fn digest_len(alg: SigningDigest) -> usize {
    alg.digest(&[]).len()
}

/// A nonce's magnitude without leading zero bytes.
fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// The DER `TimeStampReq` for `req`: version 1, `nonce` as a positive INTEGER (big-endian
/// magnitude; empty means no nonce), `policy` as `reqPolicy`, `certReq` TRUE.
///
/// An imprint whose length does not fit its algorithm is not sent:
/// [`TimestampError::BadResponse`] ("request not built: …").
pub fn build_request(
    req: &TimestampRequest,
    nonce: &[u8],
    policy: Option<&ObjectIdentifier>,
) -> Result<Vec<u8>, TimestampError> {
    let bad = |m: String| TimestampError::BadResponse(format!("request not built: {m}"));
    let want = digest_len(req.algorithm);
    if req.imprint.len() != want {
        return Err(bad(format!(
            "the imprint is {} bytes, {:?} gives {want}",
            req.imprint.len(),
            req.algorithm
        )));
    }
    let hashed_message =
        OctetString::new(req.imprint.clone()).map_err(|e| bad(format!("imprint: {e}")))?;
    let nonce = if nonce.is_empty() {
        None
    } else {
        Some(Uint::new(nonce).map_err(|e| bad(format!("nonce: {e}")))?)
    };
    let tsq = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: req.algorithm.oid(),
                parameters: None,
            },
            hashed_message,
        },
        req_policy: policy.copied(),
        nonce,
        cert_req: true,
        extensions: None,
    };
    tsq.to_der().map_err(|e| bad(format!("encoding: {e}")))
}

/// Names of the PKIFailureInfo bits (RFC 3161 §2.4.2).
fn fail_info_names(bits: &BitString) -> Vec<String> {
    const NAMES: [(usize, &str); 8] = [
        (0, "badAlg"),
        (2, "badRequest"),
        (5, "badDataFormat"),
        (14, "timeNotAvailable"),
        (15, "unacceptedPolicy"),
        (16, "unacceptedExtension"),
        (17, "addInfoNotAvailable"),
        (25, "systemFailure"),
    ];
    bits.bits()
        .enumerate()
        .filter(|(_, set)| *set)
        .map(|(i, _)| {
            NAMES
                .iter()
                .find(|(n, _)| *n == i)
                .map_or_else(|| format!("bit {i}"), |(_, name)| (*name).to_owned())
        })
        .collect()
}

/// The PKIStatus value as a small number, when it is one.
fn status_value(status: &Int) -> Option<u8> {
    match status.as_bytes() {
        [v] => Some(*v),
        _ => None,
    }
}

/// "rejection: "text"; failInfo unacceptedPolicy".
fn describe_status(info: &PkiStatusInfo) -> String {
    let value = status_value(&info.status);
    let name = match value {
        Some(0) => "granted",
        Some(1) => "grantedWithMods",
        Some(2) => "rejection",
        Some(3) => "waiting",
        Some(4) => "revocationWarning",
        Some(5) => "revocationNotification",
        _ => "unknown status",
    };
    let mut out = match value {
        Some(v) => format!("PKIStatus {v} ({name})"),
        None => format!("PKIStatus {name}"),
    };
    if let Some(texts) = &info.status_string {
        let texts: Vec<String> = texts.iter().map(|t| format!("{t:?}")).collect();
        if !texts.is_empty() {
            out.push_str(": ");
            out.push_str(&texts.join(", "));
        }
    }
    if let Some(bits) = &info.fail_info {
        let names = fail_info_names(bits);
        if !names.is_empty() {
            out.push_str("; failInfo ");
            out.push_str(&names.join(", "));
        }
    }
    out
}

/// The TSTInfo of a token (DER `ContentInfo`) and its number of SignerInfos.
fn tst_info(token: &[u8]) -> Result<(TstInfo, usize), String> {
    let ci = cms::content_info::ContentInfo::from_der(token)
        .map_err(|e| format!("the token is not a DER ContentInfo: {e}"))?;
    if ci.content_type != OID_SIGNED_DATA {
        return Err(format!(
            "the token's content type {} is not id-signedData",
            ci.content_type
        ));
    }
    let sd: cms::signed_data::SignedData = ci
        .content
        .decode_as()
        .map_err(|e| format!("the token's SignedData does not decode: {e}"))?;
    let eci = &sd.encap_content_info;
    if eci.econtent_type != OID_TST_INFO {
        return Err(format!(
            "the token's eContentType {} is not id-ct-TSTInfo",
            eci.econtent_type
        ));
    }
    let econtent = eci
        .econtent
        .as_ref()
        .ok_or_else(|| "the token has no encapsulated TSTInfo".to_owned())?;
    let octets: OctetString = econtent
        .decode_as()
        .map_err(|e| format!("the token's eContent is not an OCTET STRING: {e}"))?;
    let tst = TstInfo::from_der(octets.as_bytes())
        .map_err(|e| format!("the token's TSTInfo does not decode: {e}"))?;
    Ok((tst, sd.signer_infos.0.len()))
}

/// Whether an imprint AlgorithmIdentifier's parameters are absent or NULL.
fn params_absent_or_null(alg: &AlgorithmIdentifierOwned) -> bool {
    alg.parameters
        .as_ref()
        .is_none_or(|p| p.tag() == der::Tag::Null && p.value().is_empty())
}

/// Check a DER `TimeStampResp` against the request it answers and return the token (the
/// `ContentInfo` bytes as received).
///
/// `nonce` is the request's nonce magnitude (empty: none was sent, none is checked); `policy`
/// the requested policy, if any. A status other than granted / grantedWithMods gives
/// [`TimestampError::Refused`] with the status text and failure bits; anything else wrong gives
/// [`TimestampError::BadResponse`] saying what.
pub fn check_response(
    resp_der: &[u8],
    req: &TimestampRequest,
    nonce: &[u8],
    policy: Option<&ObjectIdentifier>,
) -> Result<Vec<u8>, TimestampError> {
    let bad = TimestampError::BadResponse;
    let resp = TimeStampResp::from_der(resp_der)
        .map_err(|e| bad(format!("not a DER TimeStampResp: {e}")))?;
    match status_value(&resp.status.status) {
        Some(0 | 1) => {}
        _ => return Err(TimestampError::Refused(describe_status(&resp.status))),
    }
    let token_any = resp.time_stamp_token.as_ref().ok_or_else(|| {
        bad(format!(
            "{} but no timeStampToken",
            describe_status(&resp.status)
        ))
    })?;
    let token = token_any
        .to_der()
        .map_err(|e| bad(format!("the token does not re-encode: {e}")))?;

    let (tst, signers) = tst_info(&token).map_err(bad)?;
    if signers != 1 {
        return Err(bad(format!(
            "the token has {signers} SignerInfos, not exactly one (RFC 3161 §2.4.2)"
        )));
    }
    if tst.version != 1 {
        return Err(bad(format!("TSTInfo version {} is not 1", tst.version)));
    }

    let info = read_timestamp(&token, None)
        .map_err(|e| bad(format!("the token is not a valid time-stamp token: {e}")))?;
    // Without the certificate the signature cannot be checked: say which is missing.
    let cert = info.tsa_certificate.as_ref().ok_or_else(|| {
        bad("the token does not carry the TSA certificate (certReq was set)".into())
    })?;
    // RFC 3161 §2.4.1 (RFC 5816): the token names its TSA certificate in signingCertificate(V2);
    // a token that does not, or names another certificate, is not embedded.
    match info.signing_certificate_bound {
        Some(true) => {}
        Some(false) => {
            return Err(bad(
                "the token's signingCertificate attribute names another certificate than the TSA \
                 certificate it carries"
                    .into(),
            ));
        }
        None => {
            return Err(bad(
                "the token has no signingCertificate attribute binding it to the TSA certificate \
                 (RFC 3161 §2.4.1)"
                    .into(),
            ));
        }
    }
    if !info.signature_ok {
        return Err(bad("the token's signature does not verify".into()));
    }

    let mi = &tst.message_imprint;
    if mi.hash_algorithm.oid != req.algorithm.oid() || !params_absent_or_null(&mi.hash_algorithm) {
        return Err(bad(format!(
            "the token's imprint algorithm {} is not the requested {} ({:?})",
            mi.hash_algorithm.oid,
            req.algorithm.oid(),
            req.algorithm
        )));
    }
    if mi.hashed_message.as_bytes() != req.imprint.as_slice() {
        return Err(bad(
            "the token's message imprint is not the requested hash".into()
        ));
    }

    let want_nonce = strip_zeros(nonce);
    if !want_nonce.is_empty() {
        match &tst.nonce {
            None => return Err(bad("the token has no nonce, one was sent".into())),
            Some(got) => {
                let got = got.as_bytes();
                let negative = got.first().is_some_and(|b| b & 0x80 != 0);
                if negative || strip_zeros(got) != want_nonce {
                    return Err(bad(
                        "the token's nonce is not the request's (a reply to another request?)"
                            .into(),
                    ));
                }
            }
        }
    }

    if let Some(p) = policy
        && tst.policy != *p
    {
        return Err(bad(format!(
            "the token's policy {} is not the requested {p}",
            tst.policy
        )));
    }

    check_tsa_certificate(cert).map_err(bad)?;

    Ok(token)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn request() -> TimestampRequest {
        TimestampRequest {
            algorithm: SigningDigest::Sha256,
            imprint: SigningDigest::Sha256.digest(b"kyso"),
        }
    }

    #[test]
    fn request_round_trips() {
        let policy = ObjectIdentifier::new_unwrap("2.16.704.1.1.1.2");
        let der = build_request(&request(), &[0x00, 0x80, 0x01], Some(&policy)).unwrap();
        let tsq = TimeStampReq::from_der(&der).unwrap();
        assert_eq!(tsq.version, 1);
        assert!(tsq.cert_req);
        assert_eq!(tsq.req_policy, Some(policy));
        // Leading zeros stripped; a zero added back for the sign bit.
        assert_eq!(tsq.nonce.unwrap().as_bytes(), &[0x80, 0x01]);
        assert!(der.windows(4).any(|w| w == [0x02, 0x03, 0x00, 0x80]));
        assert_eq!(
            tsq.message_imprint.hashed_message.as_bytes(),
            request().imprint.as_slice()
        );
    }

    #[test]
    fn request_without_nonce_or_policy() {
        let der = build_request(&request(), &[], None).unwrap();
        let tsq = TimeStampReq::from_der(&der).unwrap();
        assert!(tsq.nonce.is_none() && tsq.req_policy.is_none());
    }

    #[test]
    fn wrong_imprint_length_is_not_sent() {
        let mut r = request();
        r.imprint.pop();
        let err = build_request(&r, &[1], None).unwrap_err();
        assert!(err.to_string().contains("31 bytes"), "{err}");
    }

    #[test]
    fn nonces_are_positive_and_random() {
        let (a, b) = (new_nonce().unwrap(), new_nonce().unwrap());
        assert_eq!(a.len(), NONCE_LEN);
        assert_ne!(a, b);
        assert!(a[0] & 0x80 == 0 && a[0] != 0);
    }

    fn rejection(status: u8, text: Option<&str>, bits: Option<BitString>) -> Vec<u8> {
        TimeStampResp {
            status: PkiStatusInfo {
                status: Int::new(&[status]).unwrap(),
                status_string: text.map(|t| vec![t.to_owned()]),
                fail_info: bits,
            },
            time_stamp_token: None,
        }
        .to_der()
        .unwrap()
    }

    #[test]
    fn rejections_are_refused_with_their_reason() {
        // unacceptedPolicy is bit 15.
        let bits = BitString::new(0, vec![0x00, 0x01]).unwrap();
        let der = rejection(2, Some("Requested policy is not supported."), Some(bits));
        let err = check_response(&der, &request(), &[1], None).unwrap_err();
        assert!(matches!(err, TimestampError::Refused(_)), "{err}");
        let msg = err.to_string();
        assert!(msg.contains("rejection"), "{msg}");
        assert!(msg.contains("Requested policy is not supported."), "{msg}");
        assert!(msg.contains("unacceptedPolicy"), "{msg}");
        for status in [3, 4, 5, 9] {
            let err =
                check_response(&rejection(status, None, None), &request(), &[1], None).unwrap_err();
            assert!(matches!(err, TimestampError::Refused(_)), "{err}");
        }
    }

    #[test]
    fn granted_without_token_is_bad() {
        let err = check_response(&rejection(0, None, None), &request(), &[1], None).unwrap_err();
        assert!(matches!(err, TimestampError::BadResponse(_)), "{err}");
        assert!(err.to_string().contains("no timeStampToken"), "{err}");
    }

    #[test]
    fn garbage_never_panics() {
        let good = rejection(2, Some("x"), None);
        let mut inputs: Vec<Vec<u8>> = vec![
            vec![],
            vec![0x30],
            vec![0x30, 0x80, 0, 0],
            b"<html>nope</html>".to_vec(),
            vec![0xff; 64],
        ];
        for n in 0..good.len() {
            inputs.push(good[..n].to_vec());
        }
        for input in inputs {
            let err = check_response(&input, &request(), &[1], None).unwrap_err();
            assert!(
                matches!(err, TimestampError::BadResponse(_)),
                "{input:?}: {err}"
            );
        }
    }

    // ---- over HTTP, against a one-shot loopback server ----

    use crate::test_http::{serve_once, typed};

    fn client(url: String) -> TsaClient {
        TsaClient::new(TsaConfig {
            timeout: Duration::from_secs(5),
            ..TsaConfig::new(url)
        })
    }

    #[test]
    fn query_is_posted_and_a_rejection_refused() {
        let bits = BitString::new(7, vec![0x80]).unwrap(); // badAlg
        let body = rejection(2, Some("no"), Some(bits));
        let (base, h) = serve_once(typed("200 OK", "application/timestamp-reply", &body));
        let err = client(format!("{base}/tsa"))
            .timestamp(&request())
            .unwrap_err();
        assert!(matches!(err, TimestampError::Refused(_)), "{err}");
        assert!(err.to_string().contains("badAlg"), "{err}");
        let raw = h.join().unwrap();
        let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
        assert!(text.starts_with("post /tsa http/1.1"), "{text}");
        assert!(text.contains("content-type: application/timestamp-query"));
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let tsq = TimeStampReq::from_der(&raw[end..]).unwrap();
        assert!(tsq.cert_req);
        assert_eq!(tsq.nonce.unwrap().as_bytes().len(), NONCE_LEN);
        assert_eq!(
            tsq.message_imprint.hashed_message.as_bytes(),
            request().imprint.as_slice()
        );
    }

    #[test]
    fn html_is_a_bad_response_naming_its_type() {
        let (base, h) = serve_once(typed("200 OK", "text/html", b"<html>proxy</html>"));
        let err = client(format!("{base}/tsa"))
            .timestamp(&request())
            .unwrap_err();
        assert!(matches!(err, TimestampError::BadResponse(_)), "{err}");
        assert!(err.to_string().contains("Content-Type text/html"), "{err}");
        h.join().unwrap();
    }

    #[test]
    fn http_errors_are_unavailable() {
        let (base, h) = serve_once(typed("500 Internal Server Error", "text/plain", b"x"));
        let err = client(format!("{base}/tsa"))
            .timestamp(&request())
            .unwrap_err();
        assert!(matches!(err, TimestampError::Unavailable(_)), "{err}");
        assert!(err.to_string().contains("HTTP 500"), "{err}");
        h.join().unwrap();

        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = client(format!("http://127.0.0.1:{port}/tsa"))
            .timestamp(&request())
            .unwrap_err();
        assert!(matches!(err, TimestampError::Unavailable(_)), "{err}");

        let err = client("https://127.0.0.1:1/tsa".into())
            .timestamp(&request())
            .unwrap_err();
        assert!(matches!(err, TimestampError::Unavailable(_)), "{err}");
        assert!(err.to_string().contains("only http://"), "{err}");
    }

    #[test]
    fn oversized_response_is_bad() {
        let (base, h) = serve_once(typed(
            "200 OK",
            "application/timestamp-reply",
            &[0x30; 4096],
        ));
        let err = TsaClient::new(TsaConfig {
            max_response: 1024,
            ..TsaConfig::new(format!("{base}/tsa"))
        })
        .timestamp(&request())
        .unwrap_err();
        assert!(matches!(err, TimestampError::BadResponse(_)), "{err}");
        assert!(err.to_string().contains("larger than 1024"), "{err}");
        h.join().unwrap();
    }

    #[test]
    fn default_config_without_url_is_unavailable() {
        let c = TsaClient::new(TsaConfig::default());
        let err = c.timestamp(&request()).unwrap_err();
        assert!(matches!(err, TimestampError::Unavailable(_)), "{err}");
    }

    #[test]
    fn digest_algorithm_is_the_configured_one() {
        let c = TsaClient::new(TsaConfig {
            digest: SigningDigest::Sha384,
            ..TsaConfig::new("http://127.0.0.1:1/tsa")
        });
        assert_eq!(c.digest_algorithm(), SigningDigest::Sha384);
        assert_eq!(
            TsaClient::new(TsaConfig::new("http://127.0.0.1:1/")).digest_algorithm(),
            SigningDigest::Sha256
        );
    }
}
