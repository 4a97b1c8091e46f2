//! How a badge number is shown where it must not be read: a badge number is the employee's
//! credential at the kiosk (whoever types it orders on their account), so log lines and error
//! messages show only its end.

/// The badge number as log lines and error messages show it: `••` and its last two characters
/// (`73915284` → `••84`), fewer for a short number, so that at most a third of it shows
/// (`1001` → `••1`, `42` → `••`). Enough to tell badges apart in a log, not to type one.
pub fn masked_badge(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let shown = (chars.len() / 3).min(2);
    let tail: String = chars[chars.len() - shown..].iter().collect();
    format!("••{tail}")
}

#[cfg(test)]
mod tests {
    use super::masked_badge;

    #[test]
    fn shows_the_last_two_characters_of_a_long_number() {
        assert_eq!(masked_badge("73915284"), "••84");
        assert_eq!(masked_badge("0004711"), "••11");
        assert_eq!(masked_badge("AB12CD"), "••CD");
    }

    #[test]
    fn shows_at_most_a_third_of_a_short_number() {
        assert_eq!(masked_badge("1001"), "••1");
        assert_eq!(masked_badge("12345"), "••5");
        assert_eq!(masked_badge("42"), "••");
        assert_eq!(masked_badge(""), "••");
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(masked_badge("ÄÖÜäöü"), "••öü");
    }
}
