//! File access: certificate files and directories, and atomic output.

use std::io::Write;
use std::path::Path;

use kyso_policy::trust::TrustStore;

use crate::Error;

/// Read a whole file.
pub fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// Certificate files to read from `path`: the file itself, or the certificate-like files of a
/// directory (`.pem .crt .cer .der .p7b .p7c`), sorted by name.
pub fn certificate_files(path: &Path) -> Result<Vec<std::path::PathBuf>, Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let p = entry.map_err(|e| Error::io(path, e))?.path();
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if p.is_file()
            && matches!(
                ext.as_deref(),
                Some("pem" | "crt" | "cer" | "der" | "p7b" | "p7c")
            )
        {
            files.push(p);
        }
    }
    files.sort();
    Ok(files)
}

/// Add the certificates found at each path to `store`, as anchors or as intermediates.
pub fn load_into(
    store: &mut TrustStore,
    paths: &[impl AsRef<Path>],
    anchors: bool,
) -> Result<usize, Error> {
    let mut added = 0;
    for path in paths {
        for file in certificate_files(path.as_ref())? {
            let bytes = read(&file)?;
            let n = if anchors {
                store.add_anchors(&bytes)
            } else {
                store.add_intermediates(&bytes)
            };
            added += n.map_err(|e| Error::Options(format!("{}: {e}", file.display())))?;
        }
    }
    Ok(added)
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, flushed to disk,
/// then renamed over the target. A reader never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_atomic_after(path, &[].as_slice(), 0, bytes)
}

/// Write the first `prefix_len` bytes of `prefix` then `rest` to `path` atomically, as
/// [`write_atomic`] does; the prefix is copied in pieces (a signed 100 MB file is its input
/// file, copied, then the update). `prefix` may be the file at `path` itself.
pub fn write_atomic_after(
    path: &Path,
    prefix: &dyn kyso_pdf::ByteSource,
    prefix_len: u64,
    rest: &[u8],
) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    let mut failed = None;
    let read = prefix.read_range(0, prefix_len, &mut |piece| {
        if failed.is_none() {
            failed = tmp.write_all(piece).err();
        }
    });
    read.and_then(|()| failed.map_or(Ok(()), Err))
        .and_then(|()| tmp.write_all(rest))
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
