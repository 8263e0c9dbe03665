//! Where a PIN (or a key-file password) comes from. The secret lives only in [`Zeroizing`]
//! buffers and is never logged: [`PinSource`]'s `Debug` hides it.

use std::fmt;

use zeroize::Zeroizing;

use crate::TokenError;

/// A callback that asks the user for a PIN (a dialog, a terminal prompt...).
///
/// Its error is a message for the user; it must not contain the PIN.
pub type PinCallback = Box<dyn FnOnce() -> Result<Zeroizing<String>, String> + Send>;

/// Where to get a PIN or password from. Used once: a PIN is never retried automatically,
/// because three wrong PINs lock a Government CA token.
pub enum PinSource {
    /// Read the environment variable with this name.
    Env(String),
    /// Ask a callback.
    Callback(PinCallback),
    /// The value itself.
    Value(Zeroizing<String>),
}

impl PinSource {
    /// A PIN given directly.
    pub fn value(pin: impl Into<String>) -> Self {
        Self::Value(Zeroizing::new(pin.into()))
    }

    /// Obtain the secret, consuming the source.
    pub fn resolve(self) -> Result<Zeroizing<String>, TokenError> {
        match self {
            Self::Env(name) => match std::env::var(&name) {
                Ok(v) => Ok(Zeroizing::new(v)),
                Err(std::env::VarError::NotPresent) => Err(TokenError::PinUnavailable {
                    reason: format!("environment variable {name} is not set"),
                }),
                Err(std::env::VarError::NotUnicode(_)) => Err(TokenError::PinUnavailable {
                    reason: format!("environment variable {name} is not valid UTF-8"),
                }),
            },
            Self::Callback(f) => f().map_err(|reason| TokenError::PinUnavailable { reason }),
            Self::Value(v) => Ok(v),
        }
    }
}

impl fmt::Debug for PinSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(name) => f.debug_tuple("Env").field(name).finish(),
            Self::Callback(_) => f.write_str("Callback(..)"),
            Self::Value(_) => f.write_str("Value(<hidden>)"),
        }
    }
}
