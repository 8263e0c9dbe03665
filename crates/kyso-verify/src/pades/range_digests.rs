//! The digests of signatures' byte ranges, sharing the work of their common prefix.
//!
//! A signature covers `[0, b)` and `[c, c + d)`: the file up to its `/Contents` and from there to
//! the end of its revision. A later signature covers the earlier one's whole revision, so every
//! signature's first range is a prefix of the later ones'. The file is hashed once from the start,
//! with the hash state saved at each signature's `b` ("cut"); a signature's digest is the state at
//! its cut, continued over its short second range. Ten approval signatures on a 10 MB file then
//! cost one pass over it instead of ten, whatever order the signatures are checked in.
//!
//! For a large file that pass starts before the document is parsed, on another thread
//! ([`Ahead`]): at the cuts its `/ByteRange` arrays announce in the text, it saves SHA-256 states
//! that the signatures then continue from. Verifying a 100 MB scan then takes about as long as
//! hashing it, where parsing and hashing one after the other took half as long again.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use kyso_pdf::{ByteSource, PdfSignature, PdfView};
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
    /// The SHA-256 pass started before parsing, joined when a SHA-256 prefix is first needed.
    ahead: RefCell<Option<Ahead<'a>>>,
}

/// Files below this are hashed after parsing, on the calling thread (a thread costs more than
/// it saves there).
const AHEAD_ABOVE: u64 = 4 << 20;

/// SHA-256 of the file's prefixes up to the cuts its text announces, computed on another thread
/// while the document is parsed.
pub(super) struct Ahead<'scope> {
    handle: std::thread::ScopedJoinHandle<'scope, std::io::Result<Vec<(usize, Hasher)>>>,
}

impl<'scope> Ahead<'scope> {
    /// Start hashing `source` on a thread of `scope`, if it is large and announces signatures.
    /// `None` where threads cannot be had (WASM, a restricted process).
    pub(super) fn start(
        scope: &'scope std::thread::Scope<'scope, '_>,
        source: &'scope dyn ByteSource,
        view: &PdfView<'_>,
    ) -> Option<Self> {
        if cfg!(target_arch = "wasm32") || source.size() < AHEAD_ABOVE {
            return None;
        }
        let cuts = announced_cuts(view, source.size());
        if cuts.is_empty() {
            return None;
        }
        let hash = move || {
            let mut h = Hasher::for_algorithm(DigestAlgorithm::Sha256);
            let mut pos = 0;
            let mut states = Vec::with_capacity(cuts.len());
            for cut in cuts {
                source.read_range(pos as u64, (cut - pos) as u64, &mut |p| h.update(p))?;
                pos = cut;
                states.push((cut, h.clone()));
            }
            Ok(states)
        };
        let handle = std::thread::Builder::new()
            .name("kyso-hash".into())
            .spawn_scoped(scope, hash)
            .ok()?;
        Some(Self { handle })
    }

    /// The states, or nothing if the pass failed (the digests are then computed on demand,
    /// and a read error surfaces there).
    fn join(self) -> Vec<(usize, Hasher)> {
        match self.handle.join() {
            Ok(Ok(states)) => states,
            _ => Vec::new(),
        }
    }
}

/// The `b` of each `/ByteRange [0 b c d]` in the text, within the file, ascending: where
/// signatures will most likely cut the file. (Only a guess before parsing: a cut not announced
/// is hashed on demand, an announced one never used costs nothing more than the pass.)
fn announced_cuts(view: &PdfView<'_>, size: u64) -> Vec<usize> {
    let bytes = view.bytes();
    let mut cuts = Vec::new();
    for segment in view.segments() {
        let text = &bytes[segment.clone()];
        for at in memchr::memmem::find_iter(text, b"/ByteRange") {
            let mut numbers = text[at + 10..]
                .iter()
                .take(64)
                .skip_while(|c| c.is_ascii_whitespace() || **c == b'[')
                .copied()
                .collect::<Vec<u8>>()
                .split(|c| c.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .take(2)
                .map(|w| std::str::from_utf8(w).ok()?.parse::<usize>().ok())
                .collect::<Vec<_>>()
                .into_iter();
            if let (Some(Some(0)), Some(Some(b))) = (numbers.next(), numbers.next())
                && b as u64 <= size
            {
                cuts.push(b);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// What a signature's check asks of [`RangeDigests`] (a trait object, so that the checks need
/// not name the lifetime of the file and the hashing thread).
pub(super) trait Digests {
    /// The digest of `sig`'s byte ranges with `alg`.
    fn digest(&self, sig: &PdfSignature, alg: DigestAlgorithm) -> Vec<u8>;
}

impl Digests for RangeDigests<'_> {
    fn digest(&self, sig: &PdfSignature, alg: DigestAlgorithm) -> Vec<u8> {
        RangeDigests::digest(self, sig, alg)
    }
}

impl<'a> RangeDigests<'a> {
    pub(super) fn new(
        source: &'a dyn ByteSource,
        signatures: &[PdfSignature],
        ahead: Option<Ahead<'a>>,
    ) -> Self {
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
            ahead: RefCell::new(ahead),
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
        if alg == DigestAlgorithm::Sha256
            && let Some(ahead) = self.ahead.borrow_mut().take()
        {
            saved.extend(ahead.join());
        }
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
                let shared = RangeDigests::new(&bytes, &sigs, None);
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
    fn the_pass_ahead_gives_the_same_digests() {
        let mut bytes: Vec<u8> = (0..(5u32 << 20)).map(|i| (i * 7 % 251) as u8).collect();
        // Cuts announced in the text (one not at 0, one past the end: ignored), and one
        // signature whose cut is not announced.
        for (at, text) in [
            (100, "/ByteRange [0 1000000 1000100 200]"),
            (200, "/ByteRange[ 0 3000000 3000100 5000 ]"),
            (300, "/ByteRange [5 10 20 30]"),
            (400, "/ByteRange [0 99999999 1 1]"),
        ] {
            bytes[at..at + text.len()].copy_from_slice(text.as_bytes());
        }
        let view = PdfView::whole(&bytes);
        assert_eq!(
            announced_cuts(&view, bytes.len() as u64),
            vec![1_000_000, 3_000_000]
        );
        let sigs = [
            sig([0, 1_000_000, 1_000_100, 200]),
            sig([0, 3_000_000, 3_000_100, 5000]),
            sig([0, 2_000_000, 2_000_100, 10]),
        ];
        let source: &dyn ByteSource = &bytes;
        std::thread::scope(|scope| {
            let ahead = Ahead::start(scope, source, &view);
            assert!(ahead.is_some());
            let shared = RangeDigests::new(source, &sigs, ahead);
            for (i, s) in sigs.iter().enumerate().rev() {
                let alg = DigestAlgorithm::Sha256;
                assert_eq!(
                    shared.digest(s, alg),
                    direct(&bytes, s, alg),
                    "signature {i}"
                );
            }
        });
    }

    #[test]
    fn ranges_past_the_end_add_nothing_and_do_not_panic() {
        let bytes = vec![1u8; 100];
        let sigs = [sig([0, 50, 60, 1000]), sig([0, 500, 600, 10])];
        let shared = RangeDigests::new(&bytes, &sigs, None);
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
