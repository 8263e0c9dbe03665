//! kyso-policy
