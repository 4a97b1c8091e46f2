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
}
