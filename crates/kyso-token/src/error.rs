//! [`TokenError`]: everything that can go wrong while reaching or using a key.

use std::fmt;
use std::path::PathBuf;

/// A PKCS#11 return value: its `CKR_*` name and number, and the function that returned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pkcs11Failure {
    /// The PKCS#11 function, e.g. `C_Sign`.
    pub function: &'static str,
    /// The return value's name, e.g. `CKR_KEY_TYPE_INCONSISTENT`.
    pub rv_name: &'static str,
    /// The return value's number, e.g. `0x63`.
    pub rv: u64,
}

impl fmt::Display for Pkcs11Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} returned {} ({:#x})",
            self.function, self.rv_name, self.rv
        )
    }
}

/// The user-PIN state flags a token reports (`CKF_USER_PIN_*` of `C_GetTokenInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PinState {
    /// At least one wrong PIN has been entered since the last successful login.
    pub count_low: bool,
    /// One more wrong PIN locks the token.
    pub final_try: bool,
    /// The user PIN is locked.
    pub locked: bool,
}

impl PinState {
    /// A short sentence for the user: how close the token is to locking.
    pub fn describe(&self) -> &'static str {
        if self.locked {
            "the token is now locked; unlocking needs the administrative procedure"
        } else if self.final_try {
            "one try left before the token locks"
        } else if self.count_low {
            "the token has counted wrong PINs; few tries are left before it locks"
        } else {
            "the token reports no lock risk"
        }
    }
}

/// Errors of key access: PKCS#11 tokens, software key files, key generation.
///
/// Every variant has a stable number, [`TokenError::code`], in 4000–4999.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The PKCS#11 module could not be loaded or initialised.
    #[cfg(feature = "pkcs11")]
    #[error("cannot load PKCS#11 module {path}: {source}")]
    ModuleLoad {
        /// The module path.
        path: PathBuf,
        /// The loader's error.
        #[source]
        source: cryptoki::error::Error,
    },
    /// No file at the PKCS#11 module's path.
    #[cfg(feature = "pkcs11")]
    #[error(
        "PKCS#11 module not found: {path} (the token vendor's middleware installs it, on Windows in \
         System32: eTPKCS11.dll for SafeNet eToken, bit4xpki.dll for bit4id)"
    )]
    ModuleNotFound {
        /// The path looked at.
        path: PathBuf,
    },
    /// The module was built for another architecture than this process (a 32-bit DLL in a 64-bit
    /// process: Windows keeps the vendors' 32-bit modules in SysWOW64, the 64-bit ones in System32).
    #[cfg(feature = "pkcs11")]
    #[error(
        "PKCS#11 module {path} is {module}, this program is {process}: use the vendor's {process} module"
    )]
    ModuleArchitecture {
        /// The module path.
        path: PathBuf,
        /// The module's architecture.
        module: &'static str,
        /// This process's architecture.
        process: &'static str,
    },
    /// A PKCS#11 function failed.
    #[error("PKCS#11 error: {failure}")]
    Pkcs11 {
        /// Function, `CKR_*` name and number.
        failure: Pkcs11Failure,
    },
    /// cryptoki failed outside a PKCS#11 call (conversion, missing symbol...).
    #[cfg(feature = "pkcs11")]
    #[error("PKCS#11 binding error in {context}: {source}")]
    Cryptoki {
        /// What was being done.
        context: &'static str,
        /// cryptoki's error.
        #[source]
        source: cryptoki::error::Error,
    },
    /// No token with this label is present.
    #[error("no token labelled {label:?} (present: {present:?})")]
    TokenNotFound {
        /// The label looked for.
        label: String,
        /// Labels of the tokens that are present.
        present: Vec<String>,
    },
    /// The PIN was wrong; `state` is the token's PIN state read right after the failure.
    #[error("wrong PIN; {}", state.describe())]
    WrongPin {
        /// PIN flags read after the failed login.
        state: PinState,
    },
    /// The user PIN is locked (too many wrong PINs); nothing was tried.
    #[error("the token's user PIN is locked; unlocking needs the administrative procedure")]
    PinLocked,
    /// The token is at its final PIN try and the caller asked not to use it.
    #[error("the token is at its final PIN try; refusing to log in (one more wrong PIN locks it)")]
    PinFinalTryRefused,
    /// The PIN could not be obtained (missing environment variable, callback failure).
    #[error("cannot obtain the PIN: {reason}")]
    PinUnavailable {
        /// Why (never contains the PIN).
        reason: String,
    },
    /// No private key matches the selector.
    #[error("no private key with {selector} on the token")]
    KeyNotFound {
        /// The selector, e.g. `label "sig"` or `id 01ab`.
        selector: String,
    },
    /// Several private keys match the selector.
    #[error("{count} private keys match {selector}; select by id")]
    AmbiguousKey {
        /// The selector.
        selector: String,
        /// How many keys matched.
        count: usize,
    },
    /// The key has no certificate on the token and none was supplied.
    #[error("no certificate for the key with {selector}; supply one from a file")]
    CertificateNotFound {
        /// The key's selector.
        selector: String,
    },
    /// A certificate does not belong to the private key (public keys differ).
    #[error("certificate {subject:?} does not match the private key: {detail}")]
    CertificateMismatch {
        /// The certificate's subject.
        subject: String,
        /// What differs.
        detail: String,
    },
    /// The token does not offer a mechanism the operation needs.
    #[error("unsupported mechanism: {detail}")]
    UnsupportedMechanism {
        /// What was needed.
        detail: String,
    },
    /// The key's type, size or curve is not supported.
    #[error("unsupported key: {detail}")]
    UnsupportedKey {
        /// What was found.
        detail: String,
    },
    /// The requested signature scheme does not fit the key.
    #[error("scheme {scheme:?} cannot be used with {key}")]
    SchemeMismatch {
        /// The requested scheme.
        scheme: crate::SignatureScheme,
        /// The key's description.
        key: String,
    },
    /// The PKCS#12 password is wrong (integrity check or decryption failed).
    #[error("wrong PKCS#12 password")]
    BadPkcs12Password,
    /// The encrypted PKCS#8 key's password is wrong.
    #[error("wrong password for the encrypted private key")]
    BadKeyPassword,
    /// A PKCS#12 file could not be parsed.
    #[error("malformed PKCS#12 file: {detail}")]
    MalformedPkcs12 {
        /// The parser's complaint.
        detail: String,
    },
    /// A private key file could not be parsed.
    #[error("malformed private key: {detail}")]
    MalformedKey {
        /// The parser's complaint.
        detail: String,
    },
    /// A certificate could not be parsed.
    #[error("malformed certificate: {detail}")]
    MalformedCertificate {
        /// The parser's complaint.
        detail: String,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A subject name could not be parsed or encoded.
    #[error("invalid subject name: {detail}")]
    InvalidSubject {
        /// What is wrong.
        detail: String,
    },
    /// An argument is out of range (key size, label...).
    #[error("invalid argument: {detail}")]
    InvalidArgument {
        /// What is wrong.
        detail: String,
    },
    /// DER encoding or decoding failed.
    #[error("DER encoding error: {0}")]
    Der(#[from] der::Error),
    /// The key refused to sign.
    #[error("signing failed: {0}")]
    SignFailed(String),
    /// A remote signing service (Cloud Signature Consortium API) failed or refused; the
    /// message starts with the Vietnamese text for the clerk.
    #[error("{} ({detail})", kind.vi())]
    Remote {
        /// What kind of failure.
        kind: crate::RemoteFailure,
        /// The technical detail: the service's own `error` and `error_description`, or what
        /// went wrong (never a PIN, OTP, SAD or token).
        detail: String,
    },
}

impl TokenError {
    /// A stable number for this kind of error (4000–4999), for logs and foreign callers.
    pub fn code(&self) -> u16 {
        match self {
            #[cfg(feature = "pkcs11")]
            Self::ModuleLoad { .. } => 4001,
            #[cfg(feature = "pkcs11")]
            Self::ModuleNotFound { .. } => 4004,
            #[cfg(feature = "pkcs11")]
            Self::ModuleArchitecture { .. } => 4005,
            Self::Pkcs11 { .. } => 4002,
            #[cfg(feature = "pkcs11")]
            Self::Cryptoki { .. } => 4003,
            Self::TokenNotFound { .. } => 4010,
            Self::WrongPin { .. } => 4020,
            Self::PinLocked => 4021,
            Self::PinFinalTryRefused => 4022,
            Self::PinUnavailable { .. } => 4023,
            Self::KeyNotFound { .. } => 4030,
            Self::AmbiguousKey { .. } => 4031,
            Self::CertificateNotFound { .. } => 4032,
            Self::CertificateMismatch { .. } => 4033,
            Self::UnsupportedMechanism { .. } => 4040,
            Self::UnsupportedKey { .. } => 4041,
            Self::SchemeMismatch { .. } => 4042,
            Self::BadPkcs12Password => 4050,
            Self::BadKeyPassword => 4051,
            Self::MalformedPkcs12 { .. } => 4052,
            Self::MalformedKey { .. } => 4053,
            Self::MalformedCertificate { .. } => 4054,
            Self::Io { .. } => 4060,
            Self::InvalidSubject { .. } => 4070,
            Self::InvalidArgument { .. } => 4071,
            Self::Der(_) => 4090,
            Self::SignFailed(_) => 4099,
            Self::Remote { kind, .. } => kind.code(),
        }
    }

    /// The PKCS#11 return value behind this error, if any.
    pub fn pkcs11_failure(&self) -> Option<&Pkcs11Failure> {
        match self {
            Self::Pkcs11 { failure } => Some(failure),
            _ => None,
        }
    }

    /// Convert a cryptoki error; PKCS#11 return values keep their name, number and function.
    #[cfg(feature = "pkcs11")]
    pub(crate) fn from_cryptoki(context: &'static str, e: cryptoki::error::Error) -> Self {
        match e {
            cryptoki::error::Error::Pkcs11(rv, function) => {
                let (rv_name, rv) = crate::rv::ckr(rv);
                Self::Pkcs11 {
                    failure: Pkcs11Failure {
                        function: function_name(function),
                        rv_name,
                        rv,
                    },
                }
            }
            other => Self::Cryptoki {
                context,
                source: other,
            },
        }
    }
}

/// `Function::Login` → `C_Login` (cryptoki's Display gives `Function::Login`).
#[cfg(feature = "pkcs11")]
fn function_name(function: cryptoki::context::Function) -> &'static str {
    use cryptoki::context::Function as F;
    match function {
        F::Initialize => "C_Initialize",
        F::Finalize => "C_Finalize",
        F::GetInfo => "C_GetInfo",
        F::GetFunctionList => "C_GetFunctionList",
        F::GetSlotList => "C_GetSlotList",
        F::GetSlotInfo => "C_GetSlotInfo",
        F::GetTokenInfo => "C_GetTokenInfo",
        F::GetMechanismList => "C_GetMechanismList",
        F::GetMechanismInfo => "C_GetMechanismInfo",
        F::InitToken => "C_InitToken",
        F::InitPIN => "C_InitPIN",
        F::SetPIN => "C_SetPIN",
        F::OpenSession => "C_OpenSession",
        F::CloseSession => "C_CloseSession",
        F::CloseAllSessions => "C_CloseAllSessions",
        F::GetSessionInfo => "C_GetSessionInfo",
        F::GetOperationState => "C_GetOperationState",
        F::SetOperationState => "C_SetOperationState",
        F::Login => "C_Login",
        F::Logout => "C_Logout",
        F::CreateObject => "C_CreateObject",
        F::CopyObject => "C_CopyObject",
        F::DestroyObject => "C_DestroyObject",
        F::GetObjectSize => "C_GetObjectSize",
        F::GetAttributeValue => "C_GetAttributeValue",
        F::SetAttributeValue => "C_SetAttributeValue",
        F::FindObjectsInit => "C_FindObjectsInit",
        F::FindObjects => "C_FindObjects",
        F::FindObjectsFinal => "C_FindObjectsFinal",
        F::EncryptInit => "C_EncryptInit",
        F::Encrypt => "C_Encrypt",
        F::EncryptUpdate => "C_EncryptUpdate",
        F::EncryptFinal => "C_EncryptFinal",
        F::DecryptInit => "C_DecryptInit",
        F::Decrypt => "C_Decrypt",
        F::DecryptUpdate => "C_DecryptUpdate",
        F::DecryptFinal => "C_DecryptFinal",
        F::DigestInit => "C_DigestInit",
        F::Digest => "C_Digest",
        F::DigestUpdate => "C_DigestUpdate",
        F::DigestKey => "C_DigestKey",
        F::DigestFinal => "C_DigestFinal",
        F::SignInit => "C_SignInit",
        F::Sign => "C_Sign",
        F::SignUpdate => "C_SignUpdate",
        F::SignFinal => "C_SignFinal",
        F::SignRecoverInit => "C_SignRecoverInit",
        F::SignRecover => "C_SignRecover",
        F::VerifyInit => "C_VerifyInit",
        F::Verify => "C_Verify",
        F::VerifyUpdate => "C_VerifyUpdate",
        F::VerifyFinal => "C_VerifyFinal",
        F::VerifyRecoverInit => "C_VerifyRecoverInit",
        F::VerifyRecover => "C_VerifyRecover",
        F::DigestEncryptUpdate => "C_DigestEncryptUpdate",
        F::DecryptDigestUpdate => "C_DecryptDigestUpdate",
        F::SignEncryptUpdate => "C_SignEncryptUpdate",
        F::DecryptVerifyUpdate => "C_DecryptVerifyUpdate",
        F::GenerateKey => "C_GenerateKey",
        F::GenerateKeyPair => "C_GenerateKeyPair",
        F::WrapKey => "C_WrapKey",
        F::UnwrapKey => "C_UnwrapKey",
        F::DeriveKey => "C_DeriveKey",
        F::SeedRandom => "C_SeedRandom",
        F::GenerateRandom => "C_GenerateRandom",
        F::GetFunctionStatus => "C_GetFunctionStatus",
        F::CancelFunction => "C_CancelFunction",
        F::WaitForSlotEvent => "C_WaitForSlotEvent",
        F::GetInterfaceList => "C_GetInterfaceList",
        F::GetInterface => "C_GetInterface",
        F::LoginUser => "C_LoginUser",
        F::SessionCancel => "C_SessionCancel",
        F::MessageEncryptInit => "C_MessageEncryptInit",
        F::EncryptMessage => "C_EncryptMessage",
        F::EncryptMessageBegin => "C_EncryptMessageBegin",
        F::EncryptMessageNext => "C_EncryptMessageNext",
        F::MessageEncryptFinal => "C_MessageEncryptFinal",
        F::MessageDecryptInit => "C_MessageDecryptInit",
        F::DecryptMessage => "C_DecryptMessage",
        F::DecryptMessageBegin => "C_DecryptMessageBegin",
        F::DecryptMessageNext => "C_DecryptMessageNext",
        F::MessageDecryptFinal => "C_MessageDecryptFinal",
        F::MessageSignInit => "C_MessageSignInit",
        F::SignMessage => "C_SignMessage",
        F::SignMessageBegin => "C_SignMessageBegin",
        F::SignMessageNext => "C_SignMessageNext",
        F::MessageSignFinal => "C_MessageSignFinal",
        F::MessageVerifyInit => "C_MessageVerifyInit",
        F::VerifyMessage => "C_VerifyMessage",
        F::VerifyMessageBegin => "C_VerifyMessageBegin",
        F::VerifyMessageNext => "C_VerifyMessageNext",
        F::MessageVerifyFinal => "C_MessageVerifyFinal",
        F::EncapsulateKey => "C_EncapsulateKey",
        F::DecapsulateKey => "C_DecapsulateKey",
        F::VerifySignatureInit => "C_VerifySignatureInit",
        F::VerifySignature => "C_VerifySignature",
        F::VerifySignatureUpdate => "C_VerifySignatureUpdate",
        F::VerifySignatureFinal => "C_VerifySignatureFinal",
        F::GetSessionValidationFlags => "C_GetSessionValidationFlags",
        F::AsyncComplete => "C_AsyncComplete",
        F::AsyncGetID => "C_AsyncGetID",
        F::AsyncJoin => "C_AsyncJoin",
        F::WrapKeyAuthenticated => "C_WrapKeyAuthenticated",
        F::UnwrapKeyAuthenticated => "C_UnwrapKeyAuthenticated",
    }
}

#[cfg(feature = "pkcs11")]
impl From<cryptoki::error::Error> for TokenError {
    fn from(e: cryptoki::error::Error) -> Self {
        Self::from_cryptoki("PKCS#11 call", e)
    }
}
