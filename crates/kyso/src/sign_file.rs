//! Signing from file to file without holding the file: the signature is made on a sparse copy
//! of the input (its large image data never read, `kyso_pdf::sparse`), the covered bytes are
//! hashed from the file itself, and the output is the input file copied in pieces followed by
//! the update. Signing a 100 MB scan then holds kilobytes of it, as verifying it does.

use std::path::Path;
use std::sync::Arc;

use kyso_pdf::PdfView;
use kyso_sign::SignedPrefix;

use crate::ltv::{Level, LtvOptions, LtvSummary, TimeStamper};
use crate::token::Signer;
use crate::{Error, PadesOptions, SignedPdf, files};

/// What signing a file did (the file itself is the output).
#[derive(Debug, Clone)]
pub struct SignedFile {
    /// The output's size in bytes.
    pub size: u64,
    /// The field that was signed.
    pub field_name: String,
    /// The `/ByteRange` written.
    pub byte_range: [usize; 4],
    /// What the caller should know although signing succeeded (Vietnamese and English).
    pub warnings: Vec<kyso_policy::reason::Reason>,
}

impl SignedFile {
    fn of(signed: &SignedPdf) -> Self {
        Self {
            size: signed.bytes.len() as u64,
            field_name: signed.field_name.clone(),
            byte_range: signed.byte_range,
            warnings: signed.warnings.clone(),
        }
    }
}

/// [`crate::ltv::sign_document`] from file to file: `output` is written atomically and may be
/// `input`. At B-B and B-T the input is read as a sparse copy and never held whole; at B-LT and
/// B-LTA (validation data and a document time-stamp over the whole file), and for a file whose
/// sparse copy does not read as the file does, the file is read whole.
#[allow(clippy::too_many_arguments)]
pub fn sign_document_file(
    input: &Path,
    output: &Path,
    signer: &dyn Signer,
    options: &PadesOptions,
    workflow: Option<&crate::workflows::Workflow>,
    level: Level,
    ltv: &LtvOptions,
    stamper: Option<&Arc<dyn TimeStamper>>,
) -> Result<(SignedFile, Option<LtvSummary>), Error> {
    let sign = |pdf: &[u8], options: &PadesOptions| {
        crate::ltv::sign_document(pdf, signer, options, workflow, level, ltv, stamper)
    };
    let file = std::fs::File::open(input).map_err(|e| Error::io(input, e))?;
    if matches!(level, Level::BB | Level::BT) {
        let view = PdfView::sparse(&file).map_err(|e| Error::io(input, e))?;
        let len = view.bytes().len();
        if !view.is_sparse() {
            // Nothing was left out: the copy is the whole file.
            let (signed, summary) = sign(view.bytes(), options)?;
            files::write_atomic(output, &signed.bytes)?;
            return Ok((SignedFile::of(&signed), summary));
        }
        // The copy must read as the file does (kyso_pdf::sparse), or the update would be
        // written against another document than the one readers see.
        if view.load(len).is_ok() && view.matched() {
            let file = Arc::new(file);
            let mut options = options.clone();
            options.prefix = Some(SignedPrefix {
                len,
                source: file.clone(),
            });
            let (signed, summary) = sign(view.bytes(), &options)?;
            let update = signed.bytes.get(len..).unwrap_or_default();
            files::write_atomic_after(output, file.as_ref(), len as u64, update)?;
            return Ok((SignedFile::of(&signed), summary));
        }
    }
    let bytes = files::read(input)?;
    let (signed, summary) = sign(&bytes, options)?;
    files::write_atomic(output, &signed.bytes)?;
    Ok((SignedFile::of(&signed), summary))
}

/// [`crate::sign_pdf_file`] and [`crate::workflows::sign_file`]: B-T when the options carry a
/// time-stamp authority, B-B otherwise.
pub(crate) fn sign_pdf_file_in(
    input: &Path,
    output: &Path,
    signer: &dyn Signer,
    options: &PadesOptions,
    workflow: Option<&crate::workflows::Workflow>,
) -> Result<SignedFile, Error> {
    let stamper = options.timestamper.as_ref().map(|s| s.0.clone());
    let level = if stamper.is_some() {
        Level::BT
    } else {
        Level::BB
    };
    let ltv = LtvOptions::default();
    Ok(sign_document_file(
        input,
        output,
        signer,
        options,
        workflow,
        level,
        &ltv,
        stamper.as_ref(),
    )?
    .0)
}
