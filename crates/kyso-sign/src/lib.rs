//! Document signing for kyso: CMS SignedData ([`cms`]) and PAdES signatures in PDF ([`pades`]).
#![forbid(unsafe_code)]

pub mod cms;
mod error;
pub mod pades;

pub use error::SignError;
pub use pades::{PadesOptions, SignedPdf, SigningTime, SubFilter, sign_pdf};
