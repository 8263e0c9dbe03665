//! The values a catalogued message is filled with ([`Param`]): anything displayable (the same in
//! both languages), a catalogued [`Term`](super::Term) or [`At`] (a time, written the
//! Vietnamese way in Vietnamese and as RFC 3339 in English).

use std::fmt;

/// A value for a message's named parameter, written once per language. Anything
/// [`Display`](fmt::Display) is written the same in both; format specs of the template (such as
/// `{mm:.0}`) apply.
pub trait Param {
    /// Write the value in a Vietnamese text.
    fn fmt_vi(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    /// Write the value in an English text.
    fn fmt_en(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: fmt::Display + ?Sized> Param for T {
    fn fmt_vi(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }

    fn fmt_en(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A time as the revocation findings write it: `07/01/2025 09:02:32 UTC` in Vietnamese,
/// RFC 3339 in English.
#[derive(Debug, Clone, Copy)]
pub struct At(pub der::DateTime);

impl Param for At {
    fn fmt_vi(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::time::vn_utc_text(self.0))
    }

    fn fmt_en(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::time::rfc3339(self.0))
    }
}

/// A parameter as written in Vietnamese (what the catalog's templates format).
pub(super) struct Vi<'a>(pub(super) &'a dyn Param);

impl fmt::Display for Vi<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_vi(f)
    }
}

/// A parameter as written in English.
pub(super) struct En<'a>(pub(super) &'a dyn Param);

impl fmt::Display for En<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_en(f)
    }
}
