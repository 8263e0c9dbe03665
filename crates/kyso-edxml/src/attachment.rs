//! An attachment's bytes: the base64 text of `ContentTransferEncoded` decoded, and the zip
//! archive some gateways wrap documents in opened, every size bounded before it is allocated.

use std::io::Read;

use base64::Engine;

/// Most entries read from one zipped attachment.
pub const MAX_ZIP_ENTRIES: usize = 64;

/// One decoded document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Its name: the attachment's, or the zip entry's for zipped attachments.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Why an attachment could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttachmentError {
    /// Not base64.
    #[error("not base64: {0}")]
    Base64(String),
    /// A zip archive that cannot be read.
    #[error("unreadable zip archive: {0}")]
    Zip(String),
    /// Over a bound (a zip bomb, too many entries).
    #[error("over the bound of {limit} bytes or {MAX_ZIP_ENTRIES} entries")]
    TooLarge {
        /// The byte bound.
        limit: u64,
    },
}

/// Decode the base64 text `raw` (as written in the package: whitespace, character references
/// to whitespace and CDATA markers are skipped) into one or more documents, at most `limit`
/// bytes in all.
pub fn decode(raw: &[u8], name: &str, limit: u64) -> Result<Vec<Decoded>, AttachmentError> {
    let text = base64_text(raw)?;
    // Decoded size is known before decoding: refuse first, allocate after.
    if (text.len() as u64 / 4) * 3 > limit {
        return Err(AttachmentError::TooLarge { limit });
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&text)
        .map_err(|e| AttachmentError::Base64(e.to_string()))?;
    if bytes.starts_with(b"PK\x03\x04") {
        unzip(&bytes, limit)
    } else {
        Ok(vec![Decoded {
            name: name.to_owned(),
            bytes,
        }])
    }
}

/// The base64 characters of `raw`, without what XML may put between them.
fn base64_text(raw: &[u8]) -> Result<Vec<u8>, AttachmentError> {
    const CDATA_OPEN: &[u8] = b"<![CDATA[";
    const CDATA_CLOSE: &[u8] = b"]]>";
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') {
            out.push(b);
            i += 1;
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else if raw[i..].starts_with(CDATA_OPEN) {
            i += CDATA_OPEN.len();
        } else if raw[i..].starts_with(CDATA_CLOSE) {
            i += CDATA_CLOSE.len();
        } else if b == b'&' {
            // Serializers write line breaks as character references (`&#13;`, `&#xA;`).
            let end = raw[i..]
                .iter()
                .take(8)
                .position(|&c| c == b';')
                .ok_or_else(|| AttachmentError::Base64(format!("stray '&' at byte {i}")))?;
            let reference = &raw[i..i + end + 1];
            if !matches!(
                reference,
                b"&#13;"
                    | b"&#10;"
                    | b"&#9;"
                    | b"&#32;"
                    | b"&#xD;"
                    | b"&#xA;"
                    | b"&#x9;"
                    | b"&#x20;"
                    | b"&#xd;"
                    | b"&#xa;"
            ) {
                return Err(AttachmentError::Base64(format!(
                    "unexpected reference {} at byte {i}",
                    String::from_utf8_lossy(reference)
                )));
            }
            i += end + 1;
        } else {
            return Err(AttachmentError::Base64(format!(
                "unexpected character 0x{b:02X} at byte {i}"
            )));
        }
    }
    Ok(out)
}

/// The files of a zip archive, bounded in number and in total inflated size (sizes written in
/// the archive are not trusted: every entry is read through a limit).
fn unzip(bytes: &[u8], limit: u64) -> Result<Vec<Decoded>, AttachmentError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| AttachmentError::Zip(e.to_string()))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(AttachmentError::TooLarge { limit });
    }
    let mut left = limit;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| AttachmentError::Zip(e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .map_err(|e| AttachmentError::Zip(e.to_string()))?;
        let mut data = Vec::new();
        (&mut entry)
            .take(left.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| AttachmentError::Zip(e.to_string()))?;
        if data.len() as u64 > left {
            return Err(AttachmentError::TooLarge { limit });
        }
        left -= data.len() as u64;
        out.push(Decoded { name, bytes: data });
    }
    Ok(out)
}

/// A file name safe to create in an extraction directory: the last path component, without
/// control characters, never empty, `.` or `..`.
pub fn safe_file_name(name: &str, fallback: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_end_matches('.').to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        fallback.to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn base64_with_line_breaks_and_references_decodes() {
        let got = decode(b"\n  SGVs&#13;&#10;bG8=\r\n", "a.txt", 100).unwrap();
        assert_eq!(got[0].bytes, b"Hello");
        let got = decode(b"<![CDATA[SGVsbG8=]]>", "a.txt", 100).unwrap();
        assert_eq!(got[0].bytes, b"Hello");
    }

    #[test]
    fn foreign_characters_and_references_are_refused() {
        assert!(matches!(
            decode(b"SGVs*bG8=", "a", 100),
            Err(AttachmentError::Base64(_))
        ));
        assert!(matches!(
            decode(b"SGVs&amp;bG8=", "a", 100),
            Err(AttachmentError::Base64(_))
        ));
        assert!(matches!(
            decode(b"SGVsbG8=&", "a", 100),
            Err(AttachmentError::Base64(_))
        ));
    }

    #[test]
    fn over_the_bound_is_refused_before_decoding() {
        assert_eq!(
            decode(b"SGVsbG8gd29ybGQ=", "a", 4),
            Err(AttachmentError::TooLarge { limit: 4 })
        );
    }

    #[test]
    fn a_zip_bomb_stops_at_the_bound() {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("big.pdf", opts).unwrap();
        w.write_all(&vec![0u8; 4 << 20]).unwrap();
        w.finish().unwrap();
        let zipped = buf.into_inner();
        assert!(zipped.len() < 64 << 10);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&zipped);
        assert_eq!(
            decode(b64.as_bytes(), "x.zip", 1 << 20),
            Err(AttachmentError::TooLarge { limit: 1 << 20 })
        );
        let got = decode(b64.as_bytes(), "x.zip", 8 << 20).unwrap();
        assert_eq!(
            (got[0].name.as_str(), got[0].bytes.len()),
            ("big.pdf", 4 << 20)
        );
    }

    #[test]
    fn extraction_names_cannot_leave_the_directory() {
        assert_eq!(safe_file_name("../../etc/passwd", "f"), "passwd");
        assert_eq!(safe_file_name("C:\\x\\..", "f"), "f");
        assert_eq!(safe_file_name("..", "f"), "f");
        assert_eq!(safe_file_name("", "f"), "f");
        assert_eq!(safe_file_name("Công văn 12.pdf", "f"), "Công văn 12.pdf");
    }
}
