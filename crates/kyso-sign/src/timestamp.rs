//! Time-stamps for signatures (PAdES B-T) and documents (B-LTA), RFC 3161: the request, error
//! and [`TimeStamper`] trait live in [`kyso_policy::timestamp`] (shared with kyso-net's HTTP
//! client) and are re-exported here.

pub use kyso_policy::timestamp::{TimeStamper, TimestampError, TimestampRequest};
