//! Document signing for kyso: CMS SignedData ([`cms`]), PAdES signatures in PDF ([`pades`]),
//! visible appearances ([`appearance`]) and the Decree 30 workflows ([`workflow`]).
#![forbid(unsafe_code)]

pub mod appearance;
pub mod cms;
mod error;
pub mod external;
pub mod ltv;
pub mod pades;
pub mod timestamp;
pub mod tsa;
pub mod workflow;

pub use error::SignError;
pub use pades::{
    PadesOptions, SharedTimeStamper, SignedPdf, SignedPrefix, SigningTime, SubFilter, sign_pdf,
};
pub use timestamp::{TimeStamper, TimestampError, TimestampRequest};
pub use workflow::{Role, Workflow, sign_workflow};
