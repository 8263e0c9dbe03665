//! Which Decree 30 workflow a signature belongs to: `approval`, `issuance`, `attachment`,
//! `copy`, `appendix`, `income` (the incoming-document stamp), `comment` (recorded by kyso as the private signature dictionary entry `/KysoRole`, see
//! `kyso_sign::workflow`), `certification` (a DocMDP signature) or `unknown`.
//!
//! The entry is read from the file bytes of the signature dictionary itself (which the
//! signature covers, except `/Contents`), with a small tokenizer that skips strings, so text
//! inside `/Reason` cannot pose as the entry.

use kyso_pdf::PdfSignature;

/// The private key kyso writes.
pub const ROLE_KEY: &[u8] = b"KysoRole";

/// Role names a signature can report.
pub const ROLES: [&str; 9] = [
    "approval",
    "issuance",
    "attachment",
    "copy",
    "appendix",
    "income",
    "comment",
    "certification",
    "unknown",
];

/// The role of `sig` in the file `bytes`.
pub fn signature_role(bytes: &[u8], sig: &PdfSignature) -> &'static str {
    if let Some(name) = recorded_role(bytes, sig)
        && let Some(role) = ROLES[..ROLES.len() - 2]
            .iter()
            .find(|r| r.as_bytes() == name.as_slice())
    {
        return role;
    }
    if sig.docmdp_permissions.is_some() {
        "certification"
    } else {
        "unknown"
    }
}

/// The raw `/KysoRole` name of the signature dictionary, if it has one.
pub fn recorded_role(bytes: &[u8], sig: &PdfSignature) -> Option<Vec<u8>> {
    let [(_, contents_start), _] = sig.ranges()?;
    if contents_start > bytes.len() {
        return None;
    }
    // The dictionary opens after the nearest "obj" keyword before /Contents.
    const WINDOW: usize = 1 << 16;
    let from = contents_start.saturating_sub(WINDOW);
    let head = &bytes[from..contents_start];
    let obj = head.windows(3).rposition(|w| w == b"obj")? + from + 3;
    let open = bytes[obj..contents_start]
        .windows(2)
        .position(|w| w == b"<<")?
        + obj;
    find_key(&bytes[open..], ROLE_KEY)
}

/// Scan the dictionary starting at `data[0..2] == "<<"` for `/key /Name` at its top level.
fn find_key(data: &[u8], key: &[u8]) -> Option<Vec<u8>> {
    let mut depth = 0usize;
    let mut i = 0;
    let mut want_value = false;
    while i < data.len() {
        let c = data[i];
        match c {
            b'<' if data.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 2;
                want_value = false;
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return None;
                }
                i += 2;
                want_value = false;
            }
            b'<' => {
                i += data[i..].iter().position(|&b| b == b'>')? + 1;
                want_value = false;
            }
            b'(' => {
                let mut nest = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => nest += 1,
                        b')' => {
                            nest -= 1;
                            if nest == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                want_value = false;
            }
            b'%' => {
                while i < data.len() && !matches!(data[i], b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'/' => {
                let start = i + 1;
                i = start;
                while i < data.len() && !is_delimiter(data[i]) {
                    i += 1;
                }
                let name = &data[start..i];
                if want_value {
                    return Some(name.to_vec());
                }
                want_value = depth == 1 && name == key;
            }
            _ if c.is_ascii_whitespace() => i += 1,
            _ => {
                // Numbers, keywords, array brackets: a value that is not a name.
                want_value = false;
                i += 1;
            }
        }
    }
    None
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_key_only() {
        let d = b"<</Type/Sig/Reason(/KysoRole /copy)/Prop_Build<</KysoRole/issuance>>/KysoRole /approval/Contents <00>>>";
        assert_eq!(find_key(d, ROLE_KEY), Some(b"approval".to_vec()));
        let d = b"<</Type/Sig/Reason(/KysoRole /copy \\) x)/Contents <00>>>";
        assert_eq!(find_key(d, ROLE_KEY), None);
        let d = b"<</KysoRole 5/Contents <00>>>";
        assert_eq!(find_key(d, ROLE_KEY), None);
    }
}
