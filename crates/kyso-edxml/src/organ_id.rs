//! Agency identifiers (*mã định danh*) of the national document exchange: up to 35 characters
//! of `A–Z`, `0–9` and `.`, such as `H21` (Gia Lai) or `G11.07.05`.

/// The longest identifier the standard allows.
pub const MAX_LEN: usize = 35;

/// Whether `id` is a well-formed agency identifier: 1 to 35 of `A–Z 0–9 .` (nothing more is
/// asked: a stricter reading would refuse identifiers the registry issues).
pub fn is_valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::is_valid;

    #[test]
    fn identifiers_of_the_standard_pass_and_others_do_not() {
        for ok in ["H21", "G11.07.05", "000.00.00.H21", &"A".repeat(35)] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in ["", "h21", "H 21", "H21-01", &"A".repeat(36), "Đ21"] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
