//! edXML packages (QCVN 102:2016), the envelope documents travel in between agencies:
//! verified (header, XML signature, every attached PDF) and opened (attachments extracted).

use std::path::{Path, PathBuf};

pub use kyso_edxml::PackageReport;
pub use kyso_edxml::attachment::safe_file_name;
pub use kyso_edxml::extract as extract_attachments;
pub use kyso_edxml::report::{AttachmentReport, HeaderSignature, SignatureStatus};

use crate::{Error, VerifyOptions};

/// Whether a file name is an edXML package's (`.edxml`, any case).
pub fn is_package_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("edxml"))
}

/// Verify the package `bytes` with the same options as a PDF.
pub fn verify_edxml(bytes: &[u8], options: &VerifyOptions) -> Result<PackageReport, Error> {
    Ok(kyso_edxml::verify_package(bytes, options)?)
}

/// Verify the package in the file `path`.
pub fn verify_edxml_file(path: &Path, options: &VerifyOptions) -> Result<PackageReport, Error> {
    let bytes = read_bounded(path, options.max_input_bytes)?;
    let mut report = verify_edxml(&bytes, options)?;
    report
        .file
        .get_or_insert_with(|| path.display().to_string());
    Ok(report)
}

/// A document taken out of a package.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Extracted {
    /// The attachment's content id.
    pub content_id: String,
    /// Where it was written (None when it could not be decoded).
    pub path: Option<PathBuf>,
    /// Its size in bytes.
    pub size: usize,
    /// Why it was not written.
    pub error: Option<String>,
}

/// Write every attached document of the package `path` into `dir` (created if needed). Names
/// are reduced to their last component (nothing is written outside `dir`), and made unique;
/// each file is written whole or not at all.
pub fn extract_edxml_file(path: &Path, dir: &Path) -> Result<Vec<Extracted>, Error> {
    let limit = kyso_edxml::verify::DEFAULT_MAX_PACKAGE;
    let bytes = read_bounded(path, Some(limit))?;
    let parts = kyso_edxml::extract(&bytes, limit)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut used = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, (content_id, decoded)) in parts.into_iter().enumerate() {
        let docs = match decoded {
            Ok(docs) => docs,
            Err(e) => {
                out.push(Extracted {
                    content_id,
                    path: None,
                    size: 0,
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        for doc in docs {
            let name =
                kyso_edxml::attachment::safe_file_name(&doc.name, &format!("attachment-{}", i + 1));
            let name = unique(&name, &mut used);
            let target = dir.join(&name);
            crate::files::write_atomic(&target, &doc.bytes)?;
            out.push(Extracted {
                content_id: content_id.clone(),
                path: Some(target),
                size: doc.bytes.len(),
                error: None,
            });
        }
    }
    Ok(out)
}

/// `name`, or `stem (2).ext`, `stem (3).ext`… when taken.
fn unique(name: &str, used: &mut std::collections::HashSet<String>) -> String {
    if used.insert(name.to_lowercase()) {
        return name.to_owned();
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (2..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|candidate| used.insert(candidate.to_lowercase()))
        .unwrap_or_else(|| name.to_owned())
}

fn read_bounded(path: &Path, limit: Option<usize>) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let limit = limit.unwrap_or(kyso_edxml::verify::DEFAULT_MAX_PACKAGE);
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() > limit {
        return Err(kyso_edxml::EdxmlError::TooLarge {
            size: bytes.len(),
            limit,
        }
        .into());
    }
    Ok(bytes)
}
