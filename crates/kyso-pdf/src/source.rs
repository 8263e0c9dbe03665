//! Where a document's bytes come from: memory, or a file read by positioned reads (so that
//! verifying a 100 MB scan does not first copy it into memory).

use std::io;

/// Bytes read at any offset. Implemented for `[u8]` (no copy) and for files (positioned
/// reads in pieces of [`READ_PIECE`] bytes).
pub trait ByteSource: Sync {
    /// The number of bytes.
    fn size(&self) -> u64;

    /// Call `each` with the bytes `[offset, offset + len)`, in order, in one or more pieces.
    /// A range reaching past the end is an `UnexpectedEof` error, with nothing passed on.
    fn read_range(&self, offset: u64, len: u64, each: &mut dyn FnMut(&[u8])) -> io::Result<()>;

    /// `buf.len()` bytes from `offset`.
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let mut filled = 0;
        self.read_range(offset, buf.len() as u64, &mut |piece| {
            buf[filled..filled + piece.len()].copy_from_slice(piece);
            filled += piece.len();
        })
    }
}

/// The piece size of file reads: large enough for the kernel's read-ahead and SHA-256 at full
/// speed, small enough to stay in the cache.
pub const READ_PIECE: usize = 1 << 20;

fn past_the_end() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "range past the end of the document",
    )
}

impl ByteSource for [u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_range(&self, offset: u64, len: u64, each: &mut dyn FnMut(&[u8])) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| past_the_end())?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| start.checked_add(l))
            .ok_or_else(past_the_end)?;
        // In pieces, as from a file: in WASM a hash function called once over 100 MB would run
        // all of it in V8's baseline code (a running call is not moved to the optimised code;
        // measured: 5.1 s instead of 0.5 s); called per piece, it is optimised after a few.
        for piece in self
            .get(start..end)
            .ok_or_else(past_the_end)?
            .chunks(READ_PIECE)
        {
            each(piece);
        }
        Ok(())
    }
}

impl ByteSource for Vec<u8> {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_range(&self, offset: u64, len: u64, each: &mut dyn FnMut(&[u8])) -> io::Result<()> {
        self.as_slice().read_range(offset, len, each)
    }
}

/// So that a slice (`&&[u8]`) can be passed where a `&dyn ByteSource` is wanted.
impl<T: ByteSource + ?Sized> ByteSource for &T {
    fn size(&self) -> u64 {
        (**self).size()
    }

    fn read_range(&self, offset: u64, len: u64, each: &mut dyn FnMut(&[u8])) -> io::Result<()> {
        (**self).read_range(offset, len, each)
    }
}

impl ByteSource for std::fs::File {
    fn size(&self) -> u64 {
        self.metadata().map(|m| m.len()).unwrap_or(0)
    }

    fn read_range(&self, offset: u64, len: u64, each: &mut dyn FnMut(&[u8])) -> io::Result<()> {
        if offset.checked_add(len).is_none_or(|end| end > self.size()) {
            return Err(past_the_end());
        }
        let mut buf = vec![0u8; READ_PIECE.min(usize::try_from(len).unwrap_or(READ_PIECE))];
        let mut done = 0u64;
        while done < len {
            let n = buf
                .len()
                .min(usize::try_from(len - done).unwrap_or(usize::MAX));
            read_exact_at(self, &mut buf[..n], offset + done)?;
            each(&buf[..n]);
            done += n as u64;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    // `seek_read` moves the file position, which no one else here relies on.
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
            Ok(0) => return Err(past_the_end()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn collect(source: &dyn ByteSource, offset: u64, len: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        source.read_range(offset, len, &mut |p| out.extend_from_slice(p))?;
        Ok(out)
    }

    #[test]
    fn memory_and_file_read_the_same_ranges() {
        let bytes: Vec<u8> = (0..(3 * READ_PIECE + 17))
            .map(|i| (i % 251) as u8)
            .collect();
        let path = std::env::temp_dir().join(format!("kyso-source-{}", std::process::id()));
        std::fs::write(&path, &bytes).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        for (offset, len) in [
            (0, 0),
            (0, 10),
            (5, READ_PIECE as u64 * 2 + 3),
            (0, bytes.len() as u64),
        ] {
            assert_eq!(
                collect(&file, offset, len).unwrap(),
                collect(&bytes.as_slice(), offset, len).unwrap()
            );
        }
        for (offset, len) in [
            (bytes.len() as u64, 1),
            (u64::MAX, 2),
            (1, bytes.len() as u64),
        ] {
            assert!(collect(&file, offset, len).is_err());
            assert!(collect(&bytes.as_slice(), offset, len).is_err());
        }
        let mut four = [0u8; 4];
        file.read_exact_at(&mut four, 251).unwrap();
        assert_eq!(four, [0, 1, 2, 3]);
        std::fs::remove_file(&path).unwrap();
    }
}
