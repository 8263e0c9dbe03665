//! URL extraction: what to fetch for each certificate of a path (CRL distribution points,
//! OCSP responders with a ready request, AIA caIssuers), read from its extensions.

use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};

use crate::extensions;
use crate::ocsp;
use crate::subject::{display_name, serial_hex};

const OID_CRLDP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.31");
const OID_AUTHORITY_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
const AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
const AD_CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");

/// What the caller should fetch for one certificate of the path.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertificateNeed {
    /// Index in the path (0 = leaf).
    pub index: usize,
    /// Display name of the certificate.
    pub subject: String,
    /// Serial number, upper-case hex.
    pub serial: String,
    /// CRL distribution point URLs (http/https/ldap as written; the caller chooses).
    pub crl_urls: Vec<String>,
    /// OCSP responder URLs from AIA.
    pub ocsp_urls: Vec<String>,
    /// A DER `OCSPRequest` for this certificate (POST it to an OCSP URL).
    #[serde(skip)]
    pub ocsp_request: Option<Vec<u8>>,
    /// AIA caIssuers URLs (to find a missing issuer certificate).
    pub ca_issuers_urls: Vec<String>,
}

/// URLs in a certificate's CRL distribution points.
pub fn crl_urls(cert: &Certificate) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = extensions::value(cert, &OID_CRLDP)
        && let Ok(dps) = CrlDistributionPoints::from_der(v)
    {
        for dp in dps.0 {
            if let Some(DistributionPointName::FullName(names)) = dp.distribution_point {
                for n in names {
                    if let GeneralName::UniformResourceIdentifier(u) = n {
                        out.push(u.as_str().to_owned());
                    }
                }
            }
        }
    }
    out
}

/// AIA URLs of a certificate: (OCSP, caIssuers).
pub fn aia_urls(cert: &Certificate) -> (Vec<String>, Vec<String>) {
    let (mut ocsp_urls, mut issuers) = (Vec::new(), Vec::new());
    if let Some(v) = extensions::value(cert, &OID_AUTHORITY_INFO)
        && let Ok(aia) = AuthorityInfoAccessSyntax::from_der(v)
    {
        for ad in aia.0 {
            if let GeneralName::UniformResourceIdentifier(u) = ad.access_location {
                if ad.access_method == AD_OCSP {
                    ocsp_urls.push(u.as_str().to_owned());
                } else if ad.access_method == AD_CA_ISSUERS {
                    issuers.push(u.as_str().to_owned());
                }
            }
        }
    }
    (ocsp_urls, issuers)
}

/// What to fetch for the certificates of `path` (leaf first, anchor last; the anchor is not
/// checked). `nonce`, when given, goes into every OCSP request (the caller makes it random and
/// passes the same value in [`RevocationOptions::nonce`](super::RevocationOptions::nonce)).
pub fn revocation_needs(path: &[Certificate], nonce: Option<&[u8]>) -> Vec<CertificateNeed> {
    let mut out = Vec::new();
    for (i, pair) in path.windows(2).enumerate() {
        let (cert, issuer) = (&pair[0], &pair[1]);
        if extensions::find(cert, &ocsp::OCSP_NOCHECK).is_some() {
            continue;
        }
        let (ocsp_urls, ca_issuers_urls) = aia_urls(cert);
        out.push(CertificateNeed {
            index: i,
            subject: display_name(cert),
            serial: serial_hex(cert),
            crl_urls: crl_urls(cert),
            ocsp_request: if ocsp_urls.is_empty() {
                None
            } else {
                ocsp::build_request(cert, issuer, nonce).ok()
            },
            ocsp_urls,
            ca_issuers_urls,
        });
    }
    out
}
