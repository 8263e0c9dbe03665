//! The digests of signatures' byte ranges, sharing the work of their common prefix.
//!
//! A signature covers `[0, b)` and `[c, c + d)`: the file up to its `/Contents` and from there to
//! the end of its revision. A later signature covers the earlier one's whole revision, so every
//! signature's first range is a prefix of the later ones'. The file is hashed once from the start,
//! with the hash state saved at each signature's `b` ("cut"); a signature's digest is the state at
//! its cut, continued over its short second range. Ten approval signatures on a 10 MB file then
//! cost one pass over it instead of ten, whatever order the signatures are checked in.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use kyso_pdf::{ByteSource, PdfSignature};
use kyso_policy::algorithms::{DigestAlgorithm, Hasher};

pub(super) struct RangeDigests<'a> {
    /// The file itself (a sparse copy lacks image data): read in pieces, by positioned reads.
    source: &'a dyn ByteSource,
    size: u64,
    /// Where the signatures' first ranges end, ascending.
    cuts: Vec<usize>,
    /// Per algorithm, the hash state after `bytes[..cut]` for the cuts reached so far.
    states: RefCell<HashMap<DigestAlgorithm, BTreeMap<usize, Hasher>>>,
    /// The first read error: the digests are then meaningless, and verification fails.
    failed: RefCell<Option<std::io::Error>>,
}

impl<'a> RangeDigests<'a> {
    pub(super) fn new(source: &'a dyn ByteSource, signatures: &[PdfSignature]) -> Self {
        let size = source.size();
        let mut cuts: Vec<usize> = signatures
            .iter()
            .filter_map(|s| match s.ranges()? {
                [(0, b), _] if b as u64 <= size => Some(b),
                _ => None,
            })
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        Self {
            source,
            size,
            cuts,
            states: RefCell::default(),
            failed: RefCell::default(),
        }
    }

    /// The first error met reading the file, if any.
    pub(super) fn read_error(&self) -> Option<std::io::Error> {
        self.failed.borrow_mut().take()
    }

    /// The digest of the signature's byte ranges with `alg`. Ranges outside the file add
    /// nothing (coverage, checked before, has already failed such a signature).
    pub(super) fn digest(&self, sig: &PdfSignature, alg: DigestAlgorithm) -> Vec<u8> {
        let Some(ranges) = sig.ranges() else {
            return Hasher::for_algorithm(alg).finalize();
        };
        let mut h = match ranges[0] {
            (0, b) if self.cuts.binary_search(&b).is_ok() => self.prefix_state(alg, b),
            first => {
                let mut h = Hasher::for_algorithm(alg);
                self.update(&mut h, first);
                h
            }
        };
        self.update(&mut h, ranges[1]);
        h.finalize()
    }

    /// Hash `len` bytes from `start`, if the file has them.
    fn update(&self, h: &mut Hasher, (start, len): (usize, usize)) {
        let (start, len) = (start as u64, len as u64);
        if start.checked_add(len).is_none_or(|end| end > self.size) {
            return;
        }
        if let Err(e) = self
            .source
            .read_range(start, len, &mut |piece| h.update(piece))
        {
            self.failed.borrow_mut().get_or_insert(e);
        }
    }

    /// The hash state after `bytes[..cut]`, continued from the nearest saved state before it;
    /// the states at the cuts passed on the way are saved too.
    fn prefix_state(&self, alg: DigestAlgorithm, cut: usize) -> Hasher {
        let mut states = self.states.borrow_mut();
        let saved = states.entry(alg).or_default();
        if let Some(h) = saved.get(&cut) {
            return h.clone();
        }
        let (mut pos, mut h) = match saved.range(..cut).next_back() {
            Some((&p, h)) => (p, h.clone()),
            None => (0, Hasher::for_algorithm(alg)),
        };
        let from = pos;
        for &next in self.cuts.iter().filter(|&&c| c > from && c <= cut) {
            // Cuts lie inside the file (`new`), in ascending order.
            self.update(&mut h, (pos, next - pos));
            pos = next;
            saved.insert(next, h.clone());
        }
        h
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sig(byte_range: [i64; 4]) -> PdfSignature {
        PdfSignature {
            field_name: "Signature1".into(),
            kind: kyso_pdf::SignatureKind::Signature,
            filter: None,
            sub_filter: None,
            byte_range: byte_range.to_vec(),
            contents: Vec::new(),
            signing_time: None,
            name: None,
            reason: None,
            location: None,
            docmdp_permissions: None,
            lock_permissions: None,
            field_locks: Vec::new(),
            object: None,
            page: None,
            rect: None,
        }
    }

    fn direct(bytes: &[u8], s: &PdfSignature, alg: DigestAlgorithm) -> Vec<u8> {
        let mut h = Hasher::for_algorithm(alg);
        for (start, len) in s.ranges().unwrap() {
            h.update(&bytes[start..start + len]);
        }
        h.finalize()
    }

    #[test]
    fn shared_prefixes_give_each_signature_its_own_digest_in_any_order() {
        let bytes: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
        // Three signatures in three revisions, each gap inside the next one's first range, and
        // one with ranges that do not start at 0.
        let sigs = [
            sig([0, 1000, 3000, 7000]),
            sig([0, 15000, 17000, 13000]),
            sig([0, 40000, 42000, 8000]),
            sig([100, 900, 3000, 7000]),
        ];
        for alg in [
            DigestAlgorithm::Sha256,
            DigestAlgorithm::Sha1,
            DigestAlgorithm::Sha384,
        ] {
            for order in [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 2, 1]] {
                let shared = RangeDigests::new(&bytes, &sigs);
                for i in order {
                    assert_eq!(
                        shared.digest(&sigs[i], alg),
                        direct(&bytes, &sigs[i], alg),
                        "{alg:?}, signature {i}, order {order:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn ranges_past_the_end_add_nothing_and_do_not_panic() {
        let bytes = vec![1u8; 100];
        let sigs = [sig([0, 50, 60, 1000]), sig([0, 500, 600, 10])];
        let shared = RangeDigests::new(&bytes, &sigs);
        let mut only_prefix = Hasher::for_algorithm(DigestAlgorithm::Sha256);
        only_prefix.update(&bytes[..50]);
        assert_eq!(
            shared.digest(&sigs[0], DigestAlgorithm::Sha256),
            only_prefix.finalize()
        );
        assert_eq!(
            shared.digest(&sigs[1], DigestAlgorithm::Sha256),
            Hasher::for_algorithm(DigestAlgorithm::Sha256).finalize()
        );
    }
}
