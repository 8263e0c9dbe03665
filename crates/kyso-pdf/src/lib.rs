//! kyso-pdf
