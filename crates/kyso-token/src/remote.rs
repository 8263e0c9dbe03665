//! Why a remote signing service failed: the kinds a clerk must tell apart, each with the
//! Vietnamese sentence shown to them (the service's own words travel beside it).

/// The kind of a remote signing failure ([`crate::TokenError::Remote`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RemoteFailure {
    /// The PIN was refused.
    WrongPin,
    /// The one-time password was refused.
    WrongOtp,
    /// The access token is missing, expired or invalid.
    InvalidToken,
    /// The service has no credential with this identifier (or not for this user).
    CredentialNotFound,
    /// The user declined the request (on the phone app).
    Declined,
    /// The user did not confirm in time, or the service did not answer in time.
    Timeout,
    /// The service could not be reached (refused connection, name not found, TLS missing).
    Unreachable,
    /// The service returned a signature that does not verify over the hash that was sent.
    WrongSignature,
    /// More signatures were asked for than the authorization allows.
    TooManySignatures,
    /// The service answered something this client does not understand, or another error.
    Service,
}

impl RemoteFailure {
    /// The sentence for the clerk, in Vietnamese.
    pub fn vi(self) -> &'static str {
        match self {
            Self::WrongPin => "Mã PIN không đúng",
            Self::WrongOtp => "Mã OTP không đúng hoặc đã hết hạn",
            Self::InvalidToken => {
                "Phiên đăng nhập dịch vụ ký số từ xa không hợp lệ hoặc đã hết hạn"
            }
            Self::CredentialNotFound => "Không tìm thấy chứng thư số trên dịch vụ ký số từ xa",
            Self::Declined => "Người ký đã từ chối yêu cầu ký",
            Self::Timeout => "Hết thời gian chờ xác nhận ký",
            Self::Unreachable => "Không kết nối được dịch vụ ký số từ xa",
            Self::WrongSignature => {
                "Chữ ký dịch vụ trả về không khớp với chứng thư số hoặc dữ liệu cần ký; đã từ chối"
            }
            Self::TooManySignatures => "Số chữ ký vượt quá số lượng được cấp phép",
            Self::Service => "Dịch vụ ký số từ xa báo lỗi",
        }
    }

    /// The stable number of [`crate::TokenError::code`] (4100–4119).
    pub fn code(self) -> u16 {
        match self {
            Self::WrongPin => 4100,
            Self::WrongOtp => 4101,
            Self::InvalidToken => 4102,
            Self::CredentialNotFound => 4103,
            Self::Declined => 4104,
            Self::Timeout => 4105,
            Self::Unreachable => 4106,
            Self::WrongSignature => 4107,
            Self::TooManySignatures => 4108,
            Self::Service => 4119,
        }
    }
}
