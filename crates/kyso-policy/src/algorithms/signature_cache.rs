//! Signature checks remembered across documents.
//!
//! An inbox holds many documents from the same few signers, issued by the same CAs: verifying
//! each one re-checks the same certificate signatures (leaf by CA, CA by root), and with the
//! pure-Rust RSA those checks are most of a small document's cost. A check is a pure function
//! of its inputs, so its result is kept, keyed by a SHA-256 over all of them (key, algorithm,
//! digest algorithm, message, signature, each length-prefixed): a different input is a
//! different key, short of a SHA-256 collision. Bounded; emptied when full.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use sha2::Digest;

use super::signatures::SignatureCheck;

/// Results kept at most; then the cache starts again (a batch of documents refills it).
const CAPACITY: usize = 8192;

/// Messages longer than this (CRLs) are not remembered: keying them would hash them twice.
pub(super) const MAX_MESSAGE: usize = 64 * 1024;

pub(super) type Key = [u8; 32];

fn cache() -> &'static Mutex<HashMap<Key, SignatureCheck>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, SignatureCheck>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The key of a check over these inputs.
pub(super) fn key(parts: &[&[u8]]) -> Key {
    let mut h = sha2::Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

pub(super) fn get(key: &Key) -> Option<SignatureCheck> {
    cache()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(key)
        .cloned()
}

pub(super) fn put(key: Key, check: &SignatureCheck) {
    let mut map = cache().lock().unwrap_or_else(PoisonError::into_inner);
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key, check.clone());
}
