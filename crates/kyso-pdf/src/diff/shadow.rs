//! Object definitions in an update that its cross-reference table does not name.
//!
//! A reader that follows the cross-reference table and one that rebuilds it by scanning the
//! text for `N G obj` (as readers do when a file looks damaged) see the same document only if
//! every definition an update writes is the one the table names. An update that writes
//! `4 0 obj` while its table still points object 4 at the signed revision's copy (or frees it,
//! or puts it in an object stream) shows the signed content to the first reader and the new
//! content to the second: a shadow definition, refused like any other unexplained change.

use lopdf::Document;
use lopdf::xref::XrefEntry;

/// Each `N G obj` in `bytes`: the object number and the offset of its first digit.
pub(super) fn object_definitions(bytes: &[u8]) -> Vec<(u32, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = crate::load::find(&bytes[from..], b"obj") {
        let at = from + pos;
        from = at + 3;
        // "obj" must end a token: "object" or "objx" is not a definition.
        if bytes.get(at + 3).is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        // Back over "G" and "N": digits, whitespace, digits, preceded by a delimiter.
        let trimmed = bytes[..at].trim_ascii_end();
        let gen_len = trimmed
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let rest = trimmed[..trimmed.len() - gen_len].trim_ascii_end();
        let num_len = rest.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        if gen_len == 0 || num_len == 0 || rest.len() == trimmed.len() - gen_len {
            continue;
        }
        let start = rest.len() - num_len;
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        if let Some(num) = std::str::from_utf8(&rest[start..])
            .ok()
            .and_then(|s| s.parse().ok())
        {
            out.push((num, start));
        }
    }
    out
}

/// The object numbers defined in `file[segment]` (an update after the signature) whose
/// definition is not the one `doc`, the document as of that update's end, has in its table.
/// The update's own cross-reference stream may go unlisted (writers differ); it is the object
/// its `startxref` names, or its trailer's `/XRefStm` in a hybrid file.
///
/// Stream data is scanned too: skipping it would need a tokenizer as exact as every reader's,
/// or a string holding `>>stream` would hide a definition after it; a false alarm needs an
/// uncompressed stream in the update holding the text `N G obj`.
pub(super) fn shadowed_definitions(
    file: &[u8],
    segment: std::ops::Range<usize>,
    doc: &Document,
) -> Vec<u32> {
    let bytes = &file[segment.clone()];
    // Offsets count from the header, as lopdf reads them: readers accept junk before it (the
    // load refuses a file without a header in its first 64 KiB).
    let header = crate::load::find(&file[..file.len().min(1 << 16)], b"%PDF-").unwrap_or(0);
    let tables = [
        number_after(bytes, b"startxref"),
        number_after(bytes, b"/XRefStm"),
    ]
    .map(|x| x.map(|x| x.saturating_add(header)));
    let mut out: Vec<u32> = object_definitions(bytes)
        .into_iter()
        .filter(|&(num, at)| {
            let start = segment.start + at;
            if tables.iter().flatten().any(|&x| names(file, x, start)) {
                return false;
            }
            match doc.reference_table.get(num) {
                Some(XrefEntry::Normal { offset, .. }) => {
                    !names(file, header.saturating_add(*offset as usize), start)
                }
                Some(_) => true,
                // Numbers the table does not have are unreachable: nothing shows them.
                None => false,
            }
        })
        .map(|(num, _)| num)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a table offset names the definition starting at `start`: the same byte, or
/// whitespace before it (writers differ by a line end).
fn names(file: &[u8], offset: usize, start: usize) -> bool {
    offset <= start
        && file
            .get(offset..start)
            .is_some_and(|gap| gap.len() <= 8 && gap.iter().all(u8::is_ascii_whitespace))
}

/// The number after the last `keyword` in `bytes`, if any (`startxref`, `/XRefStm`).
fn number_after(bytes: &[u8], keyword: &[u8]) -> Option<usize> {
    let at = crate::load::rfind(bytes, keyword)?;
    let digits: &[u8] = bytes[at + keyword.len()..].trim_ascii_start();
    let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&digits[..len]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_found_with_their_numbers() {
        let text = b"1 0 obj\n<<>>\nendobj\n%x12 0 obj\n 23  0\nobj (object 5 0 objx) 7 0 obj";
        let defs = object_definitions(text);
        assert_eq!(defs.iter().map(|d| d.0).collect::<Vec<_>>(), vec![1, 23, 7]);
        assert_eq!(defs[0].1, 0);
        assert_eq!(&text[defs[1].1..defs[1].1 + 2], b"23");
    }

    #[test]
    fn offsets_name_a_definition_at_its_byte_or_just_before() {
        let file = b"xx\n4 0 obj";
        assert!(names(file, 3, 3));
        assert!(names(file, 2, 3));
        assert!(!names(file, 0, 3));
        assert!(!names(file, 4, 3));
    }

    #[test]
    fn the_last_startxref_and_xrefstm_are_read() {
        let text = b"startxref\n10\n%%EOF\n<< /XRefStm 77 >>\nstartxref\r\n 1234\n%%EOF";
        assert_eq!(number_after(text, b"startxref"), Some(1234));
        assert_eq!(number_after(text, b"/XRefStm"), Some(77));
        assert_eq!(number_after(b"no table", b"startxref"), None);
    }
}
