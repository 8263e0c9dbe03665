//! kyso-verify
