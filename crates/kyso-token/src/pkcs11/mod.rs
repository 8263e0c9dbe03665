//! PKCS#11 tokens through cryptoki: modules, token listing, login, keys and [`Pkcs11Signer`].
//!
//! Tokens are found by label, never by slot id (slot ids are random in SoftHSM and change
//! with USB ports on real tokens). A PIN is tried exactly once per [`TokenSession::login`]
//! call: three wrong PINs lock a Government CA token.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use const_oid::ObjectIdentifier;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::MechanismType;
use cryptoki::object::{AttributeType, KeyType as CkKeyType};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::{Slot, TokenInfo};
use cryptoki::types::AuthPin;
use der::Decode;
use x509_cert::Certificate;

use crate::keys::PublicKey;
use crate::{PinSource, PinState, SignatureScheme, TokenError};

mod module_path;
mod objects;
mod signer;

use signer::choose_mechanism;
pub use signer::{Pkcs11Signer, SignerOptions, TokenKey};

use objects::{
    Attrs, all_certificates, certificate_by_id, find_private_key, list_keys, public_key_of,
};

/// Environment variable naming the PKCS#11 module to use by default.
pub const MODULE_ENV: &str = "KYSO_PKCS11_MODULE";

/// Where Debian installs SoftHSM2's module.
pub const SOFTHSM_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// A loaded and initialised PKCS#11 module.
///
/// A module can be initialised once per process, so contexts are cached by path and shared:
/// opening the same path twice returns the same context.
#[derive(Clone)]
pub struct Module {
    path: PathBuf,
    ctx: Pkcs11,
}

impl fmt::Debug for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Module").field("path", &self.path).finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves nothing half-written that matters here.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Module {
    /// Load the module at `path` and call `C_Initialize` (once per process and path).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, TokenError> {
        static CACHE: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
        let path = module_path::resolve(path.as_ref());
        // The cache key only: the module is loaded by the path given (canonical Windows paths are
        // `\\?\` verbatim paths, which read badly in messages).
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let mut cache = lock(CACHE.get_or_init(Default::default));
        if let Some(ctx) = cache.get(&key) {
            return Ok(Self {
                path,
                ctx: ctx.clone(),
            });
        }
        module_path::check(&path)?;
        let load_err = |source| TokenError::ModuleLoad {
            path: path.clone(),
            source,
        };
        let ctx = Pkcs11::new(&path).map_err(load_err)?;
        match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            // Someone else in the process (another library) initialised it: usable as is.
            Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(e) => return Err(load_err(e)),
        }
        cache.insert(key, ctx.clone());
        Ok(Self { path, ctx })
    }

    /// The module named by `KYSO_PKCS11_MODULE`, else SoftHSM2's.
    pub fn from_env() -> Result<Self, TokenError> {
        let path =
            std::env::var_os(MODULE_ENV).map_or_else(|| SOFTHSM_MODULE.into(), PathBuf::from);
        Self::open(path)
    }

    /// The module's path, as given (a bare file name on Windows: the one in System32).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every token present in the module's slots.
    pub fn list_tokens(&self) -> Result<Vec<TokenDescription>, TokenError> {
        let slots = self
            .ctx
            .get_slots_with_token()
            .map_err(|e| TokenError::from_cryptoki("listing slots", e))?;
        slots
            .into_iter()
            .map(|slot| {
                let info = self
                    .ctx
                    .get_token_info(slot)
                    .map_err(|e| TokenError::from_cryptoki("reading token info", e))?;
                Ok(TokenDescription::new(slot, &info))
            })
            .collect()
    }

    /// The token labelled `label`.
    pub fn find_token(&self, label: &str) -> Result<TokenDescription, TokenError> {
        let tokens = self.list_tokens()?;
        if let Some(t) = tokens.iter().find(|t| t.label == label) {
            return Ok(t.clone());
        }
        Err(TokenError::TokenNotFound {
            label: label.to_string(),
            present: tokens.into_iter().map(|t| t.label).collect(),
        })
    }

    fn slot(&self, token: &TokenDescription) -> Result<Slot, TokenError> {
        self.ctx
            .get_slots_with_token()
            .map_err(|e| TokenError::from_cryptoki("listing slots", e))?
            .into_iter()
            .find(|s| s.id() == token.slot_id)
            .ok_or_else(|| TokenError::TokenNotFound {
                label: token.label.clone(),
                present: Vec::new(),
            })
    }

    fn pin_state(&self, slot: Slot) -> Result<PinState, TokenError> {
        let info = self
            .ctx
            .get_token_info(slot)
            .map_err(|e| TokenError::from_cryptoki("reading token info", e))?;
        Ok(TokenFlags::from_info(&info).user_pin_state())
    }
}

/// Every token present in `module`'s slots.
pub fn list_tokens(module: &Module) -> Result<Vec<TokenDescription>, TokenError> {
    module.list_tokens()
}

/// A token's `CKF_*` flags that matter to a signing application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenFlags {
    /// `CKF_LOGIN_REQUIRED`.
    pub login_required: bool,
    /// `CKF_TOKEN_INITIALIZED`.
    pub token_initialized: bool,
    /// `CKF_USER_PIN_INITIALIZED`.
    pub user_pin_initialized: bool,
    /// `CKF_PROTECTED_AUTHENTICATION_PATH` (PIN pad on the reader).
    pub protected_authentication_path: bool,
    /// `CKF_WRITE_PROTECTED`.
    pub write_protected: bool,
    /// `CKF_USER_PIN_COUNT_LOW`: a wrong user PIN was entered since the last good one.
    pub user_pin_count_low: bool,
    /// `CKF_USER_PIN_FINAL_TRY`: one more wrong user PIN locks the token.
    pub user_pin_final_try: bool,
    /// `CKF_USER_PIN_LOCKED`.
    pub user_pin_locked: bool,
    /// `CKF_USER_PIN_TO_BE_CHANGED`.
    pub user_pin_to_be_changed: bool,
    /// `CKF_SO_PIN_COUNT_LOW`.
    pub so_pin_count_low: bool,
    /// `CKF_SO_PIN_FINAL_TRY`.
    pub so_pin_final_try: bool,
    /// `CKF_SO_PIN_LOCKED`.
    pub so_pin_locked: bool,
    /// `CKF_SO_PIN_TO_BE_CHANGED`.
    pub so_pin_to_be_changed: bool,
}

impl TokenFlags {
    fn from_info(i: &TokenInfo) -> Self {
        Self {
            login_required: i.login_required(),
            token_initialized: i.token_initialized(),
            user_pin_initialized: i.user_pin_initialized(),
            protected_authentication_path: i.protected_authentication_path(),
            write_protected: i.write_protected(),
            user_pin_count_low: i.user_pin_count_low(),
            user_pin_final_try: i.user_pin_final_try(),
            user_pin_locked: i.user_pin_locked(),
            user_pin_to_be_changed: i.user_pin_to_be_changed(),
            so_pin_count_low: i.so_pin_count_low(),
            so_pin_final_try: i.so_pin_final_try(),
            so_pin_locked: i.so_pin_locked(),
            so_pin_to_be_changed: i.so_pin_to_be_changed(),
        }
    }

    /// The user PIN's state.
    pub fn user_pin_state(&self) -> PinState {
        PinState {
            count_low: self.user_pin_count_low,
            final_try: self.user_pin_final_try,
            locked: self.user_pin_locked,
        }
    }
}

/// A token as `C_GetTokenInfo` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenDescription {
    /// The slot id (changes between runs; find tokens by label).
    pub slot_id: u64,
    /// The token label.
    pub label: String,
    /// The serial number.
    pub serial: String,
    /// The manufacturer id.
    pub manufacturer: String,
    /// The model.
    pub model: String,
    /// The flags.
    pub flags: TokenFlags,
}

impl TokenDescription {
    fn new(slot: Slot, i: &TokenInfo) -> Self {
        Self {
            slot_id: slot.id(),
            label: i.label().trim_end().to_string(),
            serial: i.serial_number().trim_end().to_string(),
            manufacturer: i.manufacturer_id().trim_end().to_string(),
            model: i.model().trim_end().to_string(),
            flags: TokenFlags::from_info(i),
        }
    }
}

pub use crate::KeyType;

/// A key on a token with its certificate, paired by `CKA_ID`.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    /// `CKA_LABEL` of the private key (or of the public key / certificate when the private
    /// key is not visible).
    pub label: String,
    /// `CKA_ID`, lowercase hex.
    pub id: String,
    /// The key type.
    pub key_type: KeyType,
    /// Key size in bits (RSA modulus or EC field), when known.
    pub key_bits: Option<usize>,
    /// The X.509 certificate object with the same `CKA_ID`, if any.
    pub certificate: Option<Certificate>,
    /// Whether the private key is visible (private keys usually appear only after login).
    pub has_private_key: bool,
}

/// How to pick a private key on a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySelector {
    /// By `CKA_LABEL`.
    Label(String),
    /// By `CKA_ID` (raw bytes).
    Id(Vec<u8>),
}

impl KeySelector {
    /// By `CKA_ID` given as hex.
    pub fn id_hex(hex_id: &str) -> Result<Self, TokenError> {
        hex::decode(hex_id)
            .map(Self::Id)
            .map_err(|e| TokenError::InvalidArgument {
                detail: format!("key id {hex_id:?} is not hex: {e}"),
            })
    }
}

impl fmt::Display for KeySelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Label(l) => write!(f, "label {l:?}"),
            Self::Id(id) => write!(f, "id {}", hex::encode(id)),
        }
    }
}

/// Which RSA mechanisms to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RsaMechanism {
    /// Let the token hash (`CKM_SHA256_RSA_PKCS`, `CKM_SHA256_RSA_PKCS_PSS`...) when it offers
    /// the mechanism, else hash here and use the raw mechanism.
    #[default]
    Auto,
    /// Always hash here: `CKM_RSA_PKCS` over a DigestInfo, `CKM_RSA_PKCS_PSS` over the hash.
    /// For tokens that list hash-and-sign mechanisms but implement them badly.
    Raw,
}

/// Options for using a token key.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyOptions {
    /// The scheme; `None` means RSA PKCS#1 v1.5 SHA-256 for RSA, ECDSA for EC keys.
    pub scheme: Option<SignatureScheme>,
    /// RSA mechanism choice.
    pub rsa_mechanism: RsaMechanism,
}

/// Options for logging in.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoginOptions {
    /// Refuse to try a PIN when the token reports it is at its final try. Interactive
    /// applications should warn the user and ask again with this off.
    pub refuse_final_try: bool,
}

/// An open session on a token, possibly logged in.
pub struct TokenSession {
    module: Module,
    slot: Slot,
    token: TokenDescription,
    session: Arc<Mutex<Session>>,
    mechanisms: Vec<MechanismType>,
}

impl fmt::Debug for TokenSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSession")
            .field("module", &self.module)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl TokenSession {
    /// Open a session on the token labelled `label` (read-write when the token allows it).
    pub fn open(module: &Module, label: &str) -> Result<Self, TokenError> {
        let token = module.find_token(label)?;
        let slot = module.slot(&token)?;
        // Read-write is needed for key generation and certificate import; a write-protected
        // token still signs in a read-only session.
        let session = match module.ctx.open_rw_session(slot) {
            Ok(s) => s,
            Err(CkError::Pkcs11(RvError::TokenWriteProtected, _)) => module
                .ctx
                .open_ro_session(slot)
                .map_err(|e| TokenError::from_cryptoki("opening a session", e))?,
            Err(e) => return Err(TokenError::from_cryptoki("opening a session", e)),
        };
        let mechanisms = module
            .ctx
            .get_mechanism_list(slot)
            .map_err(|e| TokenError::from_cryptoki("listing mechanisms", e))?;
        Ok(Self {
            module: module.clone(),
            slot,
            token,
            session: Arc::new(Mutex::new(session)),
            mechanisms,
        })
    }

    /// The token, as described when the session was opened.
    pub fn token(&self) -> &TokenDescription {
        &self.token
    }

    /// The module.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The mechanisms the token offers.
    pub fn mechanisms(&self) -> &[MechanismType] {
        &self.mechanisms
    }

    /// The user PIN state now.
    pub fn pin_state(&self) -> Result<PinState, TokenError> {
        self.module.pin_state(self.slot)
    }

    /// Log in as the normal user. The PIN is obtained from `pin` and tried once.
    ///
    /// A wrong PIN gives [`TokenError::WrongPin`] with the PIN state read right after;
    /// a locked token gives [`TokenError::PinLocked`] without trying.
    pub fn login(&self, pin: PinSource, options: LoginOptions) -> Result<(), TokenError> {
        let before = self.pin_state()?;
        if before.locked {
            return Err(TokenError::PinLocked);
        }
        if before.final_try && options.refuse_final_try {
            return Err(TokenError::PinFinalTryRefused);
        }
        let pin = pin.resolve()?;
        // AuthPin (secrecy) zeroizes its copy on drop, as Zeroizing does for `pin`.
        let auth = AuthPin::new(pin.as_str().into());
        let result = self.with_session(|s| s.login(UserType::User, Some(&auth)));
        drop(auth);
        drop(pin);
        match result {
            Ok(()) => Ok(()),
            // Login state is per token and process: another session already logged in.
            Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
            // Read the flags right away so the user learns how many tries remain.
            Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => Err(TokenError::WrongPin {
                state: self.pin_state()?,
            }),
            Err(CkError::Pkcs11(RvError::PinLocked, _)) => Err(TokenError::PinLocked),
            Err(e) => Err(TokenError::from_cryptoki("logging in", e)),
        }
    }

    /// Log out (all sessions of this application on the token lose the login).
    pub fn logout(&self) -> Result<(), TokenError> {
        match self.with_session(|s| s.logout()) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserNotLoggedIn, _)) => Ok(()),
            Err(e) => Err(TokenError::from_cryptoki("logging out", e)),
        }
    }

    pub(crate) fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(&lock(&self.session))
    }

    pub(crate) fn has_mechanism(&self, m: MechanismType) -> bool {
        self.mechanisms.contains(&m)
    }

    /// Keys and certificates on the token, paired by `CKA_ID`. Before login, only public
    /// objects show (public keys and certificates).
    pub fn keys(&self) -> Result<Vec<KeyEntry>, TokenError> {
        self.with_session(list_keys)
    }

    /// The private key chosen by `selector`, ready to sign with `options`.
    pub fn key(&self, selector: &KeySelector, options: KeyOptions) -> Result<TokenKey, TokenError> {
        self.key_inner(selector, options, None)
    }

    /// Like [`TokenSession::key`]; when the token exposes no public key for the private key
    /// (an EC private key alone: PKCS#11 gives it no point), take it from `supplied`, checking
    /// what can be checked (key type and curve).
    fn key_inner(
        &self,
        selector: &KeySelector,
        options: KeyOptions,
        supplied: Option<&Certificate>,
    ) -> Result<TokenKey, TokenError> {
        let (handle, id, label) = self.with_session(|s| find_private_key(s, selector))?;
        let public_key = match self.with_session(|s| public_key_of(s, handle, &id))? {
            Some(pk) => pk,
            None => {
                let cert = supplied.ok_or_else(|| TokenError::CertificateNotFound {
                    selector: format!(
                        "{selector} (its public key is not on the token either; supply the certificate)"
                    ),
                })?;
                let pk = PublicKey::from_certificate(cert)?;
                let params = self.with_session(|s| {
                    Attrs::read(
                        s,
                        handle,
                        &[AttributeType::KeyType, AttributeType::EcParams],
                    )
                })?;
                let same_kind = match (&pk, params.key_type()) {
                    (PublicKey::Rsa { .. }, Some(k)) => k == CkKeyType::RSA,
                    (PublicKey::Ec { curve, .. }, Some(k)) => {
                        k == CkKeyType::EC
                            && params
                                .bytes(AttributeType::EcParams)
                                .and_then(|p| ObjectIdentifier::from_der(p).ok())
                                .is_none_or(|c| c == *curve)
                    }
                    (_, None) => true,
                };
                if !same_kind {
                    return Err(TokenError::CertificateMismatch {
                        subject: cert.tbs_certificate().subject().to_string(),
                        detail: "the key type or curve differs from the token key's".into(),
                    });
                }
                pk
            }
        };
        let scheme = match options.scheme {
            Some(s) => {
                public_key.check_scheme(s)?;
                s
            }
            None => public_key.default_scheme()?,
        };
        let mechanism = choose_mechanism(self, scheme, options.rsa_mechanism)?;
        Ok(TokenKey {
            session: Arc::clone(&self.session),
            handle,
            id,
            label,
            public_key,
            scheme,
            mechanism,
            _module: self.module.clone(),
        })
    }

    /// The X.509 certificate object with this `CKA_ID`, if any.
    pub fn certificate_for_id(&self, id: &[u8]) -> Result<Option<Certificate>, TokenError> {
        self.with_session(|s| certificate_by_id(s, id))
    }

    /// Every X.509 certificate on the token (public objects; after login also private ones).
    pub fn certificates(&self) -> Result<Vec<Certificate>, TokenError> {
        self.with_session(all_certificates)
    }

    /// A signer for the key in `options`. Its chain is the signer certificate's issuing chain
    /// found among `options.chain` and the CA certificates the token holds (VGCA tokens carry
    /// them), nearest issuer first, followed by any `options.chain` certificate not on it.
    pub fn signer(&self, options: SignerOptions) -> Result<Pkcs11Signer, TokenError> {
        let key = self.key_inner(
            &options.key,
            options.key_options,
            options.certificate.as_ref(),
        )?;
        let certificate = match options.certificate {
            Some(c) => c,
            None => self.certificate_for_id(&key.id)?.ok_or_else(|| {
                TokenError::CertificateNotFound {
                    selector: options.key.to_string(),
                }
            })?,
        };
        // Also checks a certificate found on the token: a token may pair objects wrongly.
        key.check_certificate(&certificate)?;
        let mut candidates = options.chain.clone();
        candidates.extend(self.certificates()?);
        let mut chain = crate::issuing_chain(&certificate, &candidates);
        for extra in options.chain {
            if !chain.contains(&extra) {
                chain.push(extra);
            }
        }
        Ok(Pkcs11Signer {
            key,
            certificate,
            chain,
        })
    }
}
