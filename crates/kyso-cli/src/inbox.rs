//! `kyso verify` over an inbox: the files a directory stands for (recursively), a progress bar
//! on a terminal, and a summary by verdict at the end.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use kyso::{Error, Verdict};

/// Subdirectories deeper than this are not walked (a guard against pathological trees; a
/// symbolic link to a directory is never followed, so there are no cycles).
const MAX_DEPTH: usize = 32;

/// The files to verify: a file argument as given; a directory stands for the `.pdf` and
/// `.edxml` files (any case) in it and in its subdirectories, in path order.
pub fn files_of(args: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let mut found = Vec::new();
            walk(arg, 0, &mut found)?;
            found.sort();
            files.extend(found);
        } else {
            files.push(arg.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        // `file_type` does not follow symbolic links: a linked directory is not walked.
        if entry.file_type().map_err(io)?.is_dir() {
            if depth < MAX_DEPTH {
                walk(&path, depth + 1, found)?;
            }
        } else if path.is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf") || e.eq_ignore_ascii_case("edxml"))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// What the run found, for the summary.
#[derive(Default)]
pub struct Tally {
    valid: usize,
    indeterminate: usize,
    invalid: usize,
    unsigned: usize,
    unreadable: usize,
}

impl Tally {
    /// Count one report's verdict.
    pub fn count(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Valid => self.valid += 1,
            Verdict::Indeterminate => self.indeterminate += 1,
            Verdict::Invalid => self.invalid += 1,
            Verdict::NoSignatures => self.unsigned += 1,
        }
    }

    /// Count a file that could not be read as a PDF.
    pub fn count_unreadable(&mut self) {
        self.unreadable += 1;
    }

    /// Whether every file was read and found VALID (the exit status).
    pub fn all_valid(&self) -> bool {
        self.indeterminate + self.invalid + self.unsigned + self.unreadable == 0
    }

    /// The summary table, Vietnamese first, English beside.
    pub fn table(&self) -> String {
        let total =
            self.valid + self.indeterminate + self.invalid + self.unsigned + self.unreadable;
        let rows = [
            ("HỢP LỆ", "VALID", self.valid),
            ("CHƯA XÁC ĐỊNH", "INDETERMINATE", self.indeterminate),
            ("KHÔNG HỢP LỆ", "INVALID", self.invalid),
            ("KHÔNG CÓ CHỮ KÝ", "NO SIGNATURES", self.unsigned),
            ("KHÔNG ĐỌC ĐƯỢC", "UNREADABLE", self.unreadable),
        ];
        let mut out = String::from("Tổng hợp / Summary\n");
        for (vi, en, n) in rows {
            out.push_str(&format!("  {:<17} {:<14} {n:>6}\n", vi, en));
        }
        out.push_str(&format!("  {:<17} {:<14} {total:>6}", "TỔNG SỐ", "TOTAL"));
        out
    }
}

/// A progress bar on standard error while the files are verified, when it is a terminal and
/// there is more than one file; nothing otherwise (a pipe or a log gets only the reports).
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// Start the bar for `total` files.
    pub fn start(total: usize) -> Self {
        if total < 2 || !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} tệp / files  {elapsed_precise}  {msg}",
        ) {
            bar.set_style(style);
        }
        Self(Some(bar))
    }

    /// One more file done: `print` writes its report above the bar (redrawn below it).
    pub fn println_and_advance(&self, print: impl FnOnce()) {
        match &self.0 {
            Some(bar) => {
                bar.suspend(print);
                bar.inc(1);
            }
            None => print(),
        }
    }

    /// Remove the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
