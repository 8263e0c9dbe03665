//! A sparse copy of a PDF file for verification: every byte of the file at its own offset,
//! except the data of large image XObjects, which is never read.
//!
//! Verification parses the document's structure, not its images, and a scanned 100 MB file is
//! almost all image data. The copy is a zeroed buffer of the file's length (the allocator takes
//! it from fresh pages, and pages never written cost no memory); one pass of positioned reads
//! fills in everything but the image data, whose first bytes instead hold a marker naming the
//! image (its object's offset, or for an object written more than once its SHA-256). The parser
//! then sees every offset where the file has it; the modification analysis compares markers where
//! it would have compared image data. The byte ranges are hashed from the file itself.
//!
//! The images are found by a scan of the file for `stream` keywords, before any parsing; it is
//! deliberately strict (a dictionary it does not fully understand is copied, not skipped), and
//! every load is checked against it afterwards ([`SparseCopy::matches`]): the parser must have
//! read each skipped range as exactly one image's data, and found no object, cross-reference
//! section or recovered structure inside one. A file that fails the check is verified again from
//! its whole bytes, so the copy changes what verification costs, never what it finds.

use std::collections::{HashMap, HashSet};
use std::io;
use std::ops::Range;
use std::sync::OnceLock;

use lopdf::xref::XrefEntry;
use lopdf::{Document, Object, ObjectId};

use crate::source::ByteSource;

/// Image data shorter than this is copied (skipping it would save little).
pub const MIN_SKIPPED: usize = 64 * 1024;

/// The piece read at a time by the scan: small, because the piece that finds an image's
/// dictionary also reads the start of its data, which is then not needed.
const SCAN_PIECE: usize = 64 * 1024;

/// How far before a `stream` keyword its object's header and dictionary are looked for.
const LOOKBACK: usize = 8 * 1024;

/// One skipped range: an image XObject's data.
#[derive(Debug, Clone)]
struct Skipped {
    /// The object written there.
    id: ObjectId,
    /// Where its `N G obj` header starts.
    object_at: usize,
    /// Its data, as its direct `/Length` gives it.
    data: Range<usize>,
}

/// The file's bytes with large image data left out; see the module documentation.
pub struct SparseCopy {
    bytes: Vec<u8>,
    /// Sorted by offset, not overlapping.
    skipped: Vec<Skipped>,
    /// Where the copied text says cross-reference sections are (`startxref`, `/Prev`,
    /// `/XRefStm`): a reader follows these, so none may lead into skipped data.
    xref_offsets: Vec<usize>,
}

/// The marker's first bytes: random for each process, so that no file can contain a marker
/// (a forged one would only make the check fail and the file be read whole). `None` when the
/// system has no randomness to give (then nothing is skipped: the copy is the whole file).
/// From `getrandom` (on wasm32 the JS host's `crypto.getRandomValues`): std's `RandomState`
/// aborts the WASM module there.
fn nonce() -> Option<&'static [u8; 16]> {
    static NONCE: OnceLock<Option<[u8; 16]>> = OnceLock::new();
    NONCE
        .get_or_init(|| {
            let mut n = [0u8; 16];
            getrandom::fill(&mut n).ok().map(|()| n)
        })
        .as_ref()
}

/// Set when the first marker is written: until then no stream can hold one, and the load
/// filter skips the comparison.
static NONCE_USED: OnceLock<&'static [u8; 16]> = OnceLock::new();

/// The nonce, if a sparse copy was ever made in this process.
fn nonce_in_use() -> Option<&'static [u8; 16]> {
    NONCE_USED.get().copied()
}

/// Marker layout: nonce, kind (`o`: object offset, `s`: SHA-256), data length, payload.
const MARKER_HEAD: usize = 16 + 1 + 8;

fn marker(nonce: &[u8; 16], kind: u8, len: usize, payload: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(MARKER_HEAD + payload.len() + 1);
    m.extend_from_slice(nonce);
    m.push(kind);
    m.extend_from_slice(&(len as u64).to_le_bytes());
    m.extend_from_slice(payload);
    m
}

/// What the load filter leaves of a stream whose data begins with a marker: the marker, then
/// 1 if the parser read exactly the marked length as an image's data, 0 otherwise. `None`: the
/// data has no marker.
pub(crate) fn settle_marker(content: &[u8], is_image: bool) -> Option<Vec<u8>> {
    let nonce = nonce_in_use()?;
    if !content.starts_with(nonce) || content.len() < MARKER_HEAD {
        return None;
    }
    let declared = u64::from_le_bytes(content[17..25].try_into().ok()?);
    let payload_len = match content[16] {
        b'o' => 8,
        b's' => 32,
        _ => 0,
    };
    let whole = MARKER_HEAD + payload_len;
    let ok =
        payload_len > 0 && content.len() >= whole && declared == content.len() as u64 && is_image;
    let mut settled = content[..whole.min(content.len())].to_vec();
    settled.push(u8::from(ok));
    Some(settled)
}

impl SparseCopy {
    /// Read `source` into a sparse copy: one pass of positioned reads over everything but the
    /// skipped image data, then the SHA-256 of the image objects written more than once.
    pub fn read(source: &dyn ByteSource) -> io::Result<SparseCopy> {
        let size = usize::try_from(source.size())
            .map_err(|_| io::Error::new(io::ErrorKind::FileTooLarge, "file too large"))?;
        // Image data is skipped only before the final cross-reference section: what follows it
        // (the trailer, `startxref`, anything appended) is always read.
        let tail_len = size.min(2048);
        let mut tail = vec![0u8; tail_len];
        source.read_exact_at(&mut tail, (size - tail_len) as u64)?;
        // Without a nonce nothing is skipped (limit 0).
        let nonce = nonce().map(|n| *NONCE_USED.get_or_init(|| n));
        let limit = match nonce {
            Some(_) => crate::load::last_startxref(&tail).unwrap_or(0).min(size),
            None => 0,
        };

        let mut bytes = vec![0u8; size];
        let mut skipped: Vec<Skipped> = Vec::new();
        let mut buf = vec![0u8; SCAN_PIECE.min(size)];
        let mut pos = 0;
        while pos < size {
            let n = buf.len().min(size - pos);
            source.read_exact_at(&mut buf[..n], pos as u64)?;
            let chunk = &buf[..n];
            // The last bytes of a piece are read again with the next one: a keyword and its
            // end-of-line may be cut there.
            let mut handled = if pos + n == size { n } else { n - 16 };
            let mut next = pos + handled;
            for i in memchr::memmem::find_iter(chunk, b"stream") {
                if i >= handled {
                    break;
                }
                if let Some(s) = image_data_after(source, &bytes, chunk, pos, i, limit)? {
                    handled = s.data.start - pos;
                    next = s.data.end;
                    skipped.push(s);
                    break;
                }
            }
            bytes[pos..pos + handled].copy_from_slice(&chunk[..handled]);
            pos = next;
        }

        // An object written more than once (rewritten by an update) is named by its data's
        // digest, so that an identical rewrite compares equal; the others by their offset.
        let mut writes: HashMap<ObjectId, usize> = HashMap::new();
        for s in &skipped {
            *writes.entry(s.id).or_default() += 1;
        }
        // Something was skipped only with a nonce (limit 0 otherwise).
        let Some(nonce) = nonce else {
            return Ok(SparseCopy {
                bytes,
                skipped: Vec::new(),
                xref_offsets: Vec::new(),
            });
        };
        for s in &skipped {
            let len = s.data.len();
            let m = if writes[&s.id] > 1 {
                use sha2::Digest;
                let mut h = sha2::Sha256::new();
                source.read_range(s.data.start as u64, len as u64, &mut |p| h.update(p))?;
                marker(nonce, b's', len, &h.finalize())
            } else {
                marker(nonce, b'o', len, &(s.object_at as u64).to_le_bytes())
            };
            bytes[s.data.start..s.data.start + m.len()].copy_from_slice(&m);
        }
        let mut copy = SparseCopy {
            bytes,
            skipped,
            xref_offsets: Vec::new(),
        };
        let xref_offsets = copy
            .segments()
            .flat_map(|r| numbers_after_keys(&copy.bytes[r]))
            .collect();
        copy.xref_offsets = xref_offsets;
        Ok(copy)
    }

    /// The copy: the file's length, its bytes at their offsets.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The parts of the copy that hold the file's bytes (everything but the skipped data), in
    /// order: whole-file scans look there only.
    pub fn segments(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let starts = std::iter::once(0).chain(self.skipped.iter().map(|s| s.data.end));
        let ends = self
            .skipped
            .iter()
            .map(|s| s.data.start)
            .chain(std::iter::once(self.bytes.len()));
        starts.zip(ends).map(|(a, b)| a..b)
    }

    /// How many image data ranges were left out.
    pub fn skipped(&self) -> usize {
        self.skipped.len()
    }

    /// Whether `doc`, loaded (with the verification filter) from the copy's first `end` bytes,
    /// is the document the whole file's first `end` bytes give.
    pub fn matches(&self, doc: &Document, end: usize) -> bool {
        let here: Vec<&Skipped> = self.skipped.iter().filter(|s| s.data.end <= end).collect();
        // Settled markers must all say "read exactly as an image's data".
        let settled_ok = doc.objects.values().all(|o| match o {
            Object::Stream(s) if nonce_in_use().is_some_and(|n| s.content.starts_with(n)) => {
                s.content.last() == Some(&1) && s.content.len() > MARKER_HEAD
            }
            _ => true,
        });
        if here.is_empty() {
            // This prefix holds all its bytes.
            return settled_ok;
        }
        if !settled_ok || doc.xref_recovery.is_some() || doc.trailer.has(b"Encrypt") {
            return false;
        }
        let inside = |offset: usize| {
            let i = here.partition_point(|s| s.data.end <= offset);
            here.get(i).is_some_and(|s| s.data.contains(&offset))
        };
        // A cross-reference section in skipped data is one the parser could not have read as
        // the file has it (lopdf may drop a broken /Prev link without saying so).
        if self.xref_offsets.iter().any(|&o| inside(o)) {
            return false;
        }
        let mut containers = HashSet::new();
        for entry in doc.reference_table.entries.values() {
            match *entry {
                XrefEntry::Normal { offset, .. } if inside(offset as usize) => return false,
                XrefEntry::Compressed { container, .. } => {
                    containers.insert(container);
                }
                _ => {}
            }
        }
        here.iter().all(|s| {
            if containers.contains(&s.id.0) {
                return false;
            }
            match doc.reference_table.get(s.id.0) {
                Some(XrefEntry::Normal { offset, generation })
                    if *offset as usize == s.object_at && *generation == s.id.1 =>
                {
                    // The parser read this object: its data must be this range's settled marker.
                    matches!(doc.objects.get(&s.id), Some(Object::Stream(st))
                        if nonce_in_use().is_some_and(|n| st.content.starts_with(n))
                            && st.content.get(17..25) == Some(&(s.data.len() as u64).to_le_bytes()[..]))
                }
                // An older version of the object, not part of this revision.
                _ => true,
            }
        })
    }
}

/// A copy of `bytes` that writes only its pages (4 KiB) holding something other than zeros: a
/// sparse copy's skipped data stays unwritten, and costs no memory, in the copy too (the update
/// appended to a sparse copy of a 100 MB scan). For any other file it is `to_vec`.
pub fn copy_leaving_zero_pages(bytes: &[u8]) -> Vec<u8> {
    // Compared with a page of zeros: memcmp, vectorised, where a byte loop would not be.
    const ZEROS: [u8; 4096] = [0; 4096];
    let mut out = vec![0u8; bytes.len()];
    for (to, from) in out.chunks_mut(4096).zip(bytes.chunks(4096)) {
        if from != &ZEROS[..from.len()] {
            to.copy_from_slice(from);
        }
    }
    out
}

/// The offsets written after `startxref`, `/Prev` and `/XRefStm` in `text`.
fn numbers_after_keys(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    [b"startxref".as_slice(), b"/Prev", b"/XRefStm"]
        .into_iter()
        .flat_map(move |key| {
            memchr::memmem::find_iter(text, key).filter_map(move |at| {
                let digits: Vec<u8> = text[at + key.len()..]
                    .iter()
                    .skip_while(|c| c.is_ascii_whitespace())
                    .take_while(|c| c.is_ascii_digit())
                    .take(20)
                    .copied()
                    .collect();
                std::str::from_utf8(&digits).ok()?.parse().ok()
            })
        })
}

/// The image data that a `stream` keyword at `chunk[i]` (file offset `pos + i`) begins, if the
/// object before it is plainly an image XObject with a direct `/Length` of at least
/// [`MIN_SKIPPED`] bytes followed by `endstream`, all before `limit`.
fn image_data_after(
    source: &dyn ByteSource,
    copied: &[u8],
    chunk: &[u8],
    pos: usize,
    i: usize,
    limit: usize,
) -> io::Result<Option<Skipped>> {
    let data_start = pos
        + i
        + 6
        + match chunk.get(i + 6..i + 8) {
            Some([b'\r', b'\n']) => 2,
            Some([b'\n', _]) => 1,
            _ => return Ok(None),
        };
    let head: std::borrow::Cow<[u8]> = if i >= LOOKBACK {
        chunk[i - LOOKBACK..i].into()
    } else {
        let from = (pos + i).saturating_sub(LOOKBACK);
        let mut v = copied[from..pos].to_vec();
        v.extend_from_slice(&chunk[..i]);
        v.into()
    };
    let Some((id, header_len, dict)) = object_head(&head) else {
        return Ok(None);
    };
    let Some(len) = image_length(dict) else {
        return Ok(None);
    };
    let data_end = match data_start.checked_add(len) {
        Some(e) if len >= MIN_SKIPPED && e <= limit => e,
        _ => return Ok(None),
    };
    // The parser trusts /Length only when `endstream` follows it.
    let mut after = [0u8; 32];
    let n = after.len().min(limit - data_end);
    source.read_exact_at(&mut after[..n], data_end as u64)?;
    let rest: Vec<u8> = after[..n]
        .iter()
        .copied()
        .skip_while(u8::is_ascii_whitespace)
        .collect();
    if !rest.starts_with(b"endstream") {
        return Ok(None);
    }
    Ok(Some(Skipped {
        id,
        object_at: pos + i - header_len,
        data: data_start..data_end,
    }))
}

/// In the text before a `stream` keyword: the object id, the distance from its `N G obj`
/// header to the keyword, and the dictionary (`<<…>>`, trimmed).
fn object_head(head: &[u8]) -> Option<(ObjectId, usize, &[u8])> {
    let trimmed_len = head.len()
        - head
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let obj = memchr::memmem::rfind(&head[..trimmed_len], b"obj")?;
    let dict = trim(&head[obj + 3..trimmed_len]);
    if !dict.starts_with(b"<<") || !dict.ends_with(b">>") {
        return None;
    }
    // `N G obj`, preceded by white space.
    let before = &head[..obj];
    let mut end = before.len()
        - before
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let (generation, start) = digits_before(before, end)?;
    end = start
        - before[..start]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    if end == start {
        return None;
    }
    let (number, start) = digits_before(before, end)?;
    if start == 0 || !before[start - 1].is_ascii_whitespace() {
        return None;
    }
    let id = (u32::try_from(number).ok()?, u16::try_from(generation).ok()?);
    Some((id, head.len() - start, dict))
}

/// The decimal number ending at `before[..end]`, and where it starts.
fn digits_before(before: &[u8], end: usize) -> Option<(u64, usize)> {
    let n = before[..end]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if n == 0 || n > 10 {
        return None;
    }
    let text = std::str::from_utf8(&before[end - n..end]).ok()?;
    Some((text.parse().ok()?, end - n))
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    let end = b.len()
        - b[start..]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
    &b[start..end]
}

/// The direct `/Length` of a dictionary that is plainly an image XObject's: `/Subtype /Image`,
/// `/Type` absent or `/XObject`, no external data (`/F`), every key once.
fn image_length(dict: &[u8]) -> Option<usize> {
    let entries = top_level_entries(dict)?;
    let get = |key: &[u8]| entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let mut keys: Vec<&[u8]> = entries.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) || get(b"F").is_some() {
        return None;
    }
    if get(b"Subtype")? != b"/Image" || get(b"Type").is_some_and(|t| t != b"/XObject") {
        return None;
    }
    let length = get(b"Length")?;
    if length.is_empty() || length.len() > 12 || !length.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(length).ok()?.parse().ok()
}

/// The top-level entries of a dictionary `<< … >>`: each key (without `/`) and its value's
/// text. `None` for anything this reading does not fully understand.
fn top_level_entries(dict: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let inner = dict.strip_prefix(b"<<")?.strip_suffix(b">>")?;
    let mut entries = Vec::new();
    let mut i = skip_space(inner, 0)?;
    while i < inner.len() {
        if inner[i] != b'/' {
            return None;
        }
        let key_end = name_end(inner, i + 1);
        let key = &inner[i + 1..key_end];
        let v = skip_space(inner, key_end)?;
        let v_end = value_end(inner, v, 0)?;
        entries.push((key, &inner[v..v_end]));
        i = skip_space(inner, v_end)?;
    }
    Some(entries)
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

/// Past white space; a comment is not understood here.
fn skip_space(s: &[u8], mut i: usize) -> Option<usize> {
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    (s.get(i) != Some(&b'%')).then_some(i)
}

fn name_end(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && !is_space(s[i]) && !is_delimiter(s[i]) {
        i += 1;
    }
    i
}

/// The end of the value starting at `s[i]`: a name, number, keyword, string, array, dictionary,
/// or a reference `N G R` (which a `/Length` must not be: its digits alone are taken only when
/// nothing but a key or the end follows).
fn value_end(s: &[u8], i: usize, depth: usize) -> Option<usize> {
    if depth > 32 {
        return None;
    }
    match *s.get(i)? {
        b'/' => Some(name_end(s, i + 1)),
        b'(' => literal_string_end(s, i),
        b'<' if s.get(i + 1) == Some(&b'<') => {
            let mut j = skip_space(s, i + 2)?;
            while !s[j..].starts_with(b">>") {
                if s.get(j) != Some(&b'/') {
                    return None;
                }
                j = skip_space(s, name_end(s, j + 1))?;
                j = skip_space(s, value_end(s, j, depth + 1)?)?;
            }
            Some(j + 2)
        }
        b'<' => Some(i + 1 + memchr::memchr(b'>', &s[i + 1..])? + 1),
        b'[' => {
            let mut j = skip_space(s, i + 1)?;
            while s.get(j)? != &b']' {
                j = skip_space(s, value_end(s, j, depth + 1)?)?;
            }
            Some(j + 1)
        }
        c if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.') => {
            let end = name_end(s, i);
            // A reference: two integers and R.
            let j = skip_space(s, end)?;
            if s[i..end].iter().all(u8::is_ascii_digit) && s.get(j).is_some_and(u8::is_ascii_digit)
            {
                let g_end = name_end(s, j);
                let r = skip_space(s, g_end)?;
                if s[j..g_end].iter().all(u8::is_ascii_digit)
                    && s.get(r) == Some(&b'R')
                    && s.get(r + 1).is_none_or(|&c| is_space(c) || is_delimiter(c))
                {
                    return Some(r + 1);
                }
            }
            Some(end)
        }
        _ => None,
    }
}

fn literal_string_end(s: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while j < s.len() {
        match s[j] {
            b'\\' => j += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn image_dictionaries_are_read_strictly() {
        let img = |d: &str| image_length(d.as_bytes());
        assert_eq!(
            img(
                "<< /Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace [/ICCBased 5 0 R] /BitsPerComponent 8 /Filter /DCTDecode /DecodeParms << /K -1 /Columns (a\\)b) >> /Length 70000 >>"
            ),
            Some(70000)
        );
        assert_eq!(img("<</Subtype/Image/Length 70000>>"), Some(70000));
        // An indirect length, a form, an object stream dressed as an image, a duplicate key,
        // external data, a comment: not skipped.
        assert_eq!(img("<< /Subtype /Image /Length 7 0 R >>"), None);
        assert_eq!(img("<< /Subtype /Form /Length 70000 >>"), None);
        assert_eq!(
            img("<< /Type /ObjStm /Subtype /Image /N 3 /First 9 /Length 70000 >>"),
            None
        );
        assert_eq!(img("<< /Subtype /Image /Length 70000 /Length 5 >>"), None);
        assert_eq!(img("<< /Subtype /Image /F (x.jpg) /Length 70000 >>"), None);
        assert_eq!(img("<< /Subtype /Image % c\n /Length 70000 >>"), None);
        assert_eq!(img("<< /Sub#74ype /Image /Length 70000 >>"), None);
    }

    #[test]
    fn copies_leave_zero_pages_unwritten_and_equal_the_original() {
        let mut bytes = vec![0u8; 5 * 4096 + 100];
        bytes[3] = 1;
        bytes[3 * 4096 + 7] = 2;
        bytes[5 * 4096 + 99] = 3;
        assert_eq!(copy_leaving_zero_pages(&bytes), bytes);
        assert!(copy_leaving_zero_pages(&[]).is_empty());
    }

    #[test]
    fn object_headers_are_found_before_the_dictionary() {
        let head = b"endobj\n12 0 obj\n<< /Subtype /Image /Length 9 >>\n";
        let (id, back, dict) = object_head(head).unwrap();
        assert_eq!(id, (12, 0));
        assert_eq!(back, head.len() - 7);
        assert_eq!(dict, b"<< /Subtype /Image /Length 9 >>");
        assert!(object_head(b"x12 0 obj << >>").is_none());
        assert!(object_head(b"\n12 0 obj << /S (obj) >>").is_none());
    }
}
