//! Shared helpers of the facade's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

/// `../shared/corpora/...` from the repository root.
pub fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora")
        .join(rel)
}

/// The directory made by `tests/run.sh` (test PKI, tokens, fixtures).
pub fn work_dir() -> PathBuf {
    match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    }
}

/// Parse an RFC 3339 time or panic.
pub fn at(s: &str) -> der::DateTime {
    kyso::options::parse_time(s).unwrap()
}
