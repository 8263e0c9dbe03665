//! What verification parses: a file's whole bytes, or its sparse copy ([`crate::sparse`]).

use std::io;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use lopdf::Document;

use crate::PdfError;
use crate::source::ByteSource;
use crate::sparse::SparseCopy;

/// The bytes a verification parses, and whether every load so far matched the file.
pub struct PdfView<'a> {
    inner: Inner<'a>,
    mismatch: AtomicBool,
    revision_ends: OnceLock<Vec<usize>>,
    /// A sparse copy's checks before parsing, made once for every load.
    checked: OnceLock<Result<(), PdfError>>,
}

enum Inner<'a> {
    Whole(&'a [u8]),
    Sparse(SparseCopy),
}

impl<'a> PdfView<'a> {
    fn new(inner: Inner<'a>) -> Self {
        Self {
            inner,
            mismatch: AtomicBool::new(false),
            revision_ends: OnceLock::new(),
            checked: OnceLock::new(),
        }
    }

    /// The whole file, in memory.
    pub fn whole(bytes: &'a [u8]) -> Self {
        Self::new(Inner::Whole(bytes))
    }

    /// A sparse copy of `source`, without the data of its large images.
    pub fn sparse(source: &dyn ByteSource) -> io::Result<PdfView<'static>> {
        Ok(PdfView::new(Inner::Sparse(SparseCopy::read(source)?)))
    }

    /// The bytes, at the file's offsets (image data left out in a sparse copy).
    pub fn bytes(&self) -> &[u8] {
        match &self.inner {
            Inner::Whole(b) => b,
            Inner::Sparse(s) => s.bytes(),
        }
    }

    /// Whether this is a sparse copy that left something out.
    pub fn is_sparse(&self) -> bool {
        matches!(&self.inner, Inner::Sparse(s) if s.skipped() > 0)
    }

    /// The document as it was at byte `end`, loaded for verification
    /// ([`crate::load_structure`]). From a sparse copy, a load that does not
    /// match the whole file's is an error, and [`PdfView::matched`] turns false for good.
    pub fn load(&self, end: usize) -> Result<Document, PdfError> {
        let prefix = self.bytes().get(..end).unwrap_or(self.bytes());
        let sparse = match &self.inner {
            Inner::Sparse(s) if s.skipped() > 0 => s,
            _ => return crate::load::load_structure(prefix),
        };
        // The header and the object count, for the whole copy once (a prefix has no more).
        let checked = self.checked.get_or_init(|| {
            let count = sparse
                .segments()
                .map(|r| crate::load::object_count_bound(&sparse.bytes()[r]))
                .fold(0usize, usize::saturating_add);
            crate::load::check_before_parsing(sparse.bytes(), count)
        });
        if let Err(e) = checked {
            return Err(e.clone());
        }
        match crate::load::load_structure_checked(prefix) {
            Ok(doc) if sparse.matches(&doc, end) => Ok(doc),
            // An error, too, may come from what was left out.
            _ => {
                self.mismatch.store(true, Ordering::Relaxed);
                Err(PdfError::malformed(
                    "the sparse copy does not read as this file does",
                ))
            }
        }
    }

    /// The parts of [`PdfView::bytes`] that hold the file's bytes (a sparse copy's skipped data
    /// left out), in order: where scans of the whole text look.
    pub fn segments(&self) -> Vec<std::ops::Range<usize>> {
        match &self.inner {
            Inner::Whole(b) => std::iter::once(0..b.len()).collect(),
            Inner::Sparse(s) => s.segments().collect(),
        }
    }

    /// The offsets just past each `%%EOF` ([`crate::load::revision_ends`]); in a sparse copy,
    /// outside the skipped image data.
    pub fn revision_ends(&self) -> &[usize] {
        self.revision_ends.get_or_init(|| match &self.inner {
            Inner::Whole(b) => crate::load::revision_ends(b),
            Inner::Sparse(s) => s
                .segments()
                .flat_map(|r| {
                    crate::load::revision_ends(&s.bytes()[r.clone()])
                        .into_iter()
                        .map(move |e| e + r.start)
                })
                .collect(),
        })
    }

    /// False once a load from a sparse copy differed from the whole file's: the verification
    /// must then be made again from the whole file.
    pub fn matched(&self) -> bool {
        !self.mismatch.load(Ordering::Relaxed)
    }
}
