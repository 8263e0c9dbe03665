//! The one wrapper every export goes through: arguments checked (NULL, UTF-8), the body run
//! under `catch_unwind` (no panic crosses the C ABI), outputs handed over as `kyso_buffer`s and
//! failures as `kyso_error`s with a stable code.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use crate::{
    KYSO_ERR_INVALID_UTF8, KYSO_ERR_NULL_ARGUMENT, KYSO_ERR_PANIC, KYSO_OK, KysoBuffer, KysoError,
};

/// A failure on the Rust side of the boundary, before it becomes a `kyso_error`.
pub(crate) struct Failure {
    code: i32,
    message: String,
}

impl Failure {
    pub(crate) fn new(code: i32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

fn code_of(code: u32) -> i32 {
    // Library codes are small positive numbers; anything that does not fit is an internal error.
    i32::try_from(code).unwrap_or(KYSO_ERR_PANIC)
}

impl From<kyso::Error> for Failure {
    fn from(e: kyso::Error) -> Self {
        Self::new(code_of(e.code()), e.to_string())
    }
}

impl From<kyso::SignConfigError> for Failure {
    fn from(e: kyso::SignConfigError) -> Self {
        Self::new(code_of(e.code()), e.to_string())
    }
}

/// The body of every fallible function with one output: see [`run_outputs`].
///
/// # Safety
/// `out` must be NULL or writable; `error_out` must be NULL or writable.
pub(crate) unsafe fn run(
    error_out: *mut *mut KysoError,
    out: *mut *mut KysoBuffer,
    body: impl FnOnce() -> Result<Vec<u8>, Failure>,
) -> i32 {
    // SAFETY: as the caller guarantees.
    unsafe { run_outputs(error_out, [(out, true)], || body().map(|b| [b])) }
}

/// The body of every fallible function: clears the out-parameters, runs `body` under
/// `catch_unwind`, and stores its outputs (in the non-NULL `outs`, in order) or its failure.
/// An output marked required (`true`) must not be NULL; an optional one that is NULL drops its
/// value. On failure every output is NULL.
///
/// # Safety
/// Every pointer in `outs` must be NULL or writable; `error_out` must be NULL or writable.
pub(crate) unsafe fn run_outputs<const N: usize>(
    error_out: *mut *mut KysoError,
    outs: [(*mut *mut KysoBuffer, bool); N],
    body: impl FnOnce() -> Result<[Vec<u8>; N], Failure>,
) -> i32 {
    if !error_out.is_null() {
        // SAFETY: writable, as the caller guarantees.
        unsafe { error_out.write(ptr::null_mut()) };
    }
    for (out, _) in outs {
        if !out.is_null() {
            // SAFETY: writable, as the caller guarantees.
            unsafe { out.write(ptr::null_mut()) };
        }
    }
    let result = if outs
        .iter()
        .any(|(out, required)| *required && out.is_null())
    {
        Err(Failure::new(
            KYSO_ERR_NULL_ARGUMENT,
            "the output pointer argument is NULL",
        ))
    } else {
        catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Failure::new(
                KYSO_ERR_PANIC,
                format!("internal error in kyso (please report it): {what}"),
            ))
        })
    };
    match result {
        Ok(values) => {
            for ((out, _), bytes) in outs.into_iter().zip(values) {
                if !out.is_null() {
                    // SAFETY: not NULL (checked) and writable, as the caller guarantees.
                    unsafe { out.write(Box::into_raw(KysoBuffer::new(bytes))) };
                }
            }
            KYSO_OK
        }
        Err(f) => {
            if !error_out.is_null() {
                let message = CString::new(f.message.replace('\0', " "))
                    .unwrap_or_else(|_| c"(unprintable error message)".to_owned());
                let error = Box::new(KysoError {
                    code: f.code,
                    message,
                });
                // SAFETY: writable, as the caller guarantees.
                unsafe { error_out.write(Box::into_raw(error)) };
            }
            f.code
        }
    }
}

/// Borrow `(ptr, len)` as bytes.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that outlive the call.
pub(crate) unsafe fn bytes_arg<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return Err(Failure::new(
            KYSO_ERR_NULL_ARGUMENT,
            format!("argument {name} is NULL"),
        ));
    }
    // SAFETY: not NULL, and `len` bytes readable as the caller guarantees.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrow a NUL-terminated UTF-8 string.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::new(
            KYSO_ERR_NULL_ARGUMENT,
            format!("argument {name} is NULL"),
        ));
    }
    // SAFETY: not NULL, and NUL-terminated as the caller guarantees.
    unsafe { CStr::from_ptr(ptr) }.to_str().map_err(|_| {
        Failure::new(
            KYSO_ERR_INVALID_UTF8,
            format!("argument {name} is not valid UTF-8"),
        )
    })
}
