//! kyso
