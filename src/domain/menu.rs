//! Menus: what a venue serves on a day.

use super::money::{Money, Percent};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One dish (article) on a menu day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// What an order line sends: Bessa `article`, Order Mesa `externalCode`, Liefersoft
    /// `itemCode`.
    pub vendor_id: String,
    pub name: String,
    /// As the vendor wrote it. Bessa's holds the whole menu, course by course with each
    /// course's allergen letters (`menu_text` reads the courses from it).
    pub description: String,
    pub price: Money,
    pub vat: Option<Percent>,
    /// EU allergen letters of the whole dish (all its courses), e.g. "ACGLM".
    pub allergens: String,
    /// Portions left where the vendor tracks them; `None` where it does not.
    pub portions_left: Option<u32>,
    /// Sold out (also true when `portions_left` is 0).
    pub sold_out: bool,
}

impl Article {
    pub fn is_available(&self) -> bool {
        !self.sold_out && self.portions_left != Some(0)
    }
}

/// A dish's short code for a badge or a day's header: the code the canteen puts before the
/// name ("M1 Schnitzel" → "M1", Bessa's "M5F Salat mit Gebäck" → "M5F"), else "M" and the
/// dish's place on the day's menu (`position` from 0: the third dish is "M3").
pub fn dish_code(name: &str, position: usize) -> String {
    match leading_code(name) {
        Some((code, _)) => code.to_string(),
        None => format!("M{}", position.saturating_add(1)),
    }
}

/// The name without the code it starts with, for beside the code's badge ("M1 Schnitzel" →
/// "Schnitzel"); a name that is only a code stays as it is.
pub fn name_after_code(name: &str) -> &str {
    match leading_code(name) {
        Some((_, rest)) if !rest.is_empty() => rest,
        _ => name,
    }
}

/// The code a name starts with (2–4 capitals and digits, at least one digit, then a space,
/// ':' '.' or ','), and the rest of the name after it.
fn leading_code(name: &str) -> Option<(&str, &str)> {
    let name = name.trim_start();
    let end = name.find(char::is_whitespace).unwrap_or(name.len());
    let code = name[..end].trim_end_matches([':', '.', ',']);
    let is_code = (2..=4).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && code.chars().any(|c| c.is_ascii_digit());
    is_code.then(|| (code, name[end..].trim_start()))
}

/// A venue's menu on one local day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuDay {
    /// The config key of the venue.
    pub venue: String,
    pub day: Date,
    /// The vendor's id of the menu day where it has one (Bessa `menu/dates` id).
    pub vendor_day_id: Option<String>,
    pub articles: Vec<Article>,
}

/// A cached menu day with where and when it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedMenuDay {
    pub menu: MenuDay,
    pub fetched_at: Timestamp,
    /// "bessa https://…", "file data/menu.toml", "demo".
    pub source: String,
}

/// The EU allergen letters and what they stand for (Regulation 1169/2011, Austrian letters).
pub const ALLERGENS: [(char, &str); 14] = [
    ('A', "gluten"),
    ('B', "crustaceans"),
    ('C', "egg"),
    ('D', "fish"),
    ('E', "peanuts"),
    ('F', "soy"),
    ('G', "milk"),
    ('H', "nuts"),
    ('L', "celery"),
    ('M', "mustard"),
    ('N', "sesame"),
    ('O', "sulphites"),
    ('P', "lupin"),
    ('R', "molluscs"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_portions_is_sold_out() {
        let mut a = Article {
            vendor_id: "1".into(),
            name: "M1".into(),
            description: String::new(),
            price: Money::from_cents(450),
            vat: None,
            allergens: String::new(),
            portions_left: Some(3),
            sold_out: false,
        };
        assert!(a.is_available());
        a.portions_left = Some(0);
        assert!(!a.is_available());
        a.portions_left = None;
        a.sold_out = true;
        assert!(!a.is_available());
    }

    #[test]
    fn a_dish_code_comes_from_the_name_or_the_place() {
        let cases = [
            ("M1 Wiener Schnitzel", 3, "M1"),
            ("M5F Salat mit Gebäck DO 2", 0, "M5F"),
            // A Bessa name that is only codes.
            ("M1 W2", 0, "M1"),
            ("V2: Gemüsecurry", 1, "V2"),
            ("M12", 0, "M12"),
            ("Tagessuppe", 4, "M5"),
            // No digit: a word, not a code.
            ("MENU Pasta", 0, "M1"),
            ("3 Gänge", 1, "M2"),
            // Too long for a code.
            ("M12345 long", 0, "M1"),
            ("m1 lower", 2, "M3"),
            ("", 0, "M1"),
            ("Ü1 Umlaut", 0, "M1"),
        ];
        for (name, position, code) in cases {
            assert_eq!(dish_code(name, position), code, "{name:?}");
        }
    }

    #[test]
    fn the_name_beside_its_code() {
        assert_eq!(name_after_code("M1 Wiener Schnitzel"), "Wiener Schnitzel");
        assert_eq!(name_after_code("V2: Gemüsecurry"), "Gemüsecurry");
        assert_eq!(name_after_code("M1 W2"), "W2");
        assert_eq!(name_after_code("M12"), "M12", "only a code: kept");
        assert_eq!(name_after_code("Tagessuppe"), "Tagessuppe");
    }
}
