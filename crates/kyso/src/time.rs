//! Times as kyso writes and reads them: RFC 3339 (reports, options), the Vietnamese forms shown
//! to clerks (`dd/mm/yyyy`, Vietnam time +07:00) and PDF dates (`D:YYYYMMDDHHmmSS+07'00'`).

pub use kyso_policy::time::*;
