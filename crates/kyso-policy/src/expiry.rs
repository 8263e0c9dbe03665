//! How close a certificate is to the end of its validity, for the warnings of `kyso token list`
//! and the certificate inventory.
//!
//! A renewal goes through the managing agency to the CA (Decree 68/2024/NĐ-CP: new subscriber
//! certificates last at most five years, a renewal at most three more), which takes weeks: the
//! warning has to come well before the last day. [`DEFAULT_WARN_DAYS`] is that lead time.

use der::DateTime;
use serde::Serialize;
use x509_cert::Certificate;

use crate::reason::{Msg, Reason};
use crate::subject::display_name;
use crate::time::vn_date;

/// Days before the end of validity from which a certificate is reported as expiring soon.
pub const DEFAULT_WARN_DAYS: u32 = 30;

/// Where a certificate stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExpiryState {
    /// Before notBefore.
    NotYetValid,
    /// Valid, and for longer than the warning period.
    Valid,
    /// Valid, but ends within the warning period.
    ExpiringSoon,
    /// After notAfter.
    Expired,
}

impl ExpiryState {
    /// `"not_yet_valid"`, `"valid"`, `"expiring_soon"` or `"expired"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotYetValid => "not_yet_valid",
            Self::Valid => "valid",
            Self::ExpiringSoon => "expiring_soon",
            Self::Expired => "expired",
        }
    }

    /// Short Vietnamese and English labels.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Self::NotYetValid => ("chưa có hiệu lực", "not yet valid"),
            Self::Valid => ("còn hiệu lực", "valid"),
            Self::ExpiringSoon => ("sắp hết hạn", "expiring soon"),
            Self::Expired => ("đã hết hạn", "expired"),
        }
    }
}

/// A certificate's validity at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiry {
    /// The state.
    pub state: ExpiryState,
    /// Whole days from the time asked to notAfter, rounded down; negative once expired.
    pub days_left: i64,
    /// notBefore.
    pub not_before: DateTime,
    /// notAfter.
    pub not_after: DateTime,
}

/// The validity of `cert` at `at`, `warn_days` being the warning period.
pub fn expiry(cert: &Certificate, at: DateTime, warn_days: u32) -> Expiry {
    let validity = cert.tbs_certificate().validity();
    let not_before = validity.not_before.to_date_time();
    let not_after = validity.not_after.to_date_time();
    let secs = |t: &DateTime| i64::try_from(t.unix_duration().as_secs()).unwrap_or(i64::MAX);
    let left = secs(&not_after) - secs(&at);
    let state = if at < not_before {
        ExpiryState::NotYetValid
    } else if at > not_after {
        ExpiryState::Expired
    } else if left <= i64::from(warn_days) * 86_400 {
        ExpiryState::ExpiringSoon
    } else {
        ExpiryState::Valid
    };
    Expiry {
        state,
        days_left: left.div_euclid(86_400),
        not_before,
        not_after,
    }
}

impl Expiry {
    /// A finding for a certificate that is not simply valid: expiring soon (warning, with the
    /// advice to request renewal), expired (error) or not yet valid (warning). `None` when valid.
    pub fn reason(&self, cert: &Certificate) -> Option<Reason> {
        let name = display_name(cert);
        let end = vn_date(self.not_after);
        match self.state {
            ExpiryState::Valid => None,
            ExpiryState::ExpiringSoon => Some(
                Msg::CertExpiringSoon {
                    name: &name,
                    days: &self.days_left,
                    end: &end,
                }
                .reason(),
            ),
            ExpiryState::Expired => Some(
                Msg::CertExpired {
                    name: &name,
                    end: &end,
                }
                .reason(),
            ),
            ExpiryState::NotYetValid => Some(
                Msg::CertNotYetValid {
                    name: &name,
                    start: &vn_date(self.not_before),
                }
                .reason(),
            ),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The real G2 organisation certificate of the Government Portal (2023 → 2028).
    fn portal() -> Certificate {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpora/vn-gov/certs/extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem"
        );
        let mut certs = crate::trust::parse_certificates(&std::fs::read(path).unwrap()).unwrap();
        certs.remove(0).certificate
    }

    #[test]
    fn states_around_the_validity_period() {
        let cert = portal();
        let v = cert.tbs_certificate().validity();
        let (nb, na) = (v.not_before.to_date_time(), v.not_after.to_date_time());
        let shift = |t: &DateTime, secs: i64| {
            let base = t.unix_duration().as_secs() as i64;
            DateTime::from_unix_duration(std::time::Duration::from_secs((base + secs) as u64))
                .unwrap()
        };
        let day = 86_400;
        let e = expiry(&cert, shift(&nb, -1), 30);
        assert_eq!(e.state, ExpiryState::NotYetValid);
        assert_eq!(e.reason(&cert).unwrap().code, "CERT_NOT_YET_VALID");
        let e = expiry(&cert, nb, 30);
        assert_eq!(e.state, ExpiryState::Valid);
        assert!(e.reason(&cert).is_none());
        let e = expiry(&cert, shift(&na, -31 * day), 30);
        assert_eq!((e.state, e.days_left), (ExpiryState::Valid, 31));
        let e = expiry(&cert, shift(&na, -30 * day), 30);
        assert_eq!((e.state, e.days_left), (ExpiryState::ExpiringSoon, 30));
        let r = e.reason(&cert).unwrap();
        assert_eq!(r.code, "CERT_EXPIRING_SOON");
        assert!(r.en.contains("expires in 30 days"), "{}", r.en);
        assert!(r.vi.contains("hết hạn sau 30 ngày"), "{}", r.vi);
        let e = expiry(&cert, shift(&na, -1), 30);
        assert_eq!((e.state, e.days_left), (ExpiryState::ExpiringSoon, 0));
        let e = expiry(&cert, na, 30);
        assert_eq!(e.state, ExpiryState::ExpiringSoon);
        let e = expiry(&cert, shift(&na, 1), 30);
        assert_eq!((e.state, e.days_left), (ExpiryState::Expired, -1));
        assert_eq!(e.reason(&cert).unwrap().code, "CERT_EXPIRED");
        // A longer warning period moves the boundary.
        let e = expiry(&cert, shift(&na, -31 * day), 60);
        assert_eq!(e.state, ExpiryState::ExpiringSoon);
    }
}
