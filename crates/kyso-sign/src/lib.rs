//! kyso-sign
