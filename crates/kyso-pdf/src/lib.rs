//! PDF syntax for kyso, without cryptography.
//!
//! - [`load`]: tolerant loading (lopdf underneath), revisions, catalog and page helpers;
//! - [`signatures`]: signature fields, `/ByteRange` coverage;
//! - [`incremental`]: appending a signature field as an incremental update;
//! - [`dss`]: appending validation data (the document security store) as an incremental update;
//! - [`diff`]: what later revisions changed after a signature;
//! - [`serialize`]: writing PDF objects;
//! - [`text_boxes`]: where a page already carries text, images and graphics;
//! - [`page_document`]: a new one-page PDF drawn from an appearance (kyso's own notices);
//! - [`source`], [`sparse`], [`view`]: reading a file for verification without its image data.
#![forbid(unsafe_code)]

pub mod diff;
pub mod dss;
mod error;
pub mod incremental;
pub mod load;
pub mod page_document;
pub mod serialize;
pub mod signatures;
pub mod source;
pub mod sparse;
pub mod text_boxes;
pub mod view;

pub use diff::{ModificationLevel, ModificationReport, analyse_modifications};
pub use dss::{DssUpdate, VriEntry, append_dss};
pub use error::PdfError;
pub use incremental::{
    Appearance, PreparedSignature, SignatureDictionary, SignatureRequest, prepare_signature,
};
pub use load::{load_document, load_structure};
pub use lopdf;
pub use signatures::{Coverage, PdfSignature, SignatureKind, find_signatures};
pub use source::ByteSource;
pub use text_boxes::{BoxKind, ContentBox, PageContent, page_content_boxes};
pub use view::PdfView;
