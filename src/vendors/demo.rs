//! The built-in simulated vendor of the demo: a week of realistic canteen menus, orders that
//! are accepted at once and confirmed by the "kitchen" at the next status poll. It never
//! touches the network, so the demo works offline and without credentials.

use super::{Claimed, RemoteOrder, RemoteState, Vendor, VendorError};
use crate::config::{Badge, Venue};
use crate::domain::{Article, MenuDay, Money, Order, Percent};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use std::collections::HashMap;
use std::time::Duration;

/// (name, description, price in cents). Descriptions are "German / English", as Bessa's are
/// (the kiosk shows the reader's language); [`demo_article`] adds the allergen letters.
const DISHES: [(&str, &str, i64); 18] = [
    (
        "Wiener Schnitzel",
        "Paniertes Schweinsschnitzel, Petersilkartoffeln, Zitrone / Breaded pork escalope, parsley potatoes, lemon",
        650,
    ),
    (
        "Spinach Lasagne",
        "Ricotta, Spinat, Tomatensauce, Beilagensalat / Ricotta, spinach, tomato sauce, side salad",
        520,
    ),
    (
        "Beef Goulash",
        "Paprika-Rindsgulasch mit Semmelknödel / Paprika beef stew with bread dumpling",
        590,
    ),
    (
        "Thai Green Curry",
        "Gemüse, Tofu, Jasminreis, Koriander (vegan) / Vegetables, tofu, jasmine rice, coriander (vegan)",
        540,
    ),
    (
        "Grilled Salmon",
        "Zitronenbutter, Kräuterreis, gedämpfter Brokkoli / Lemon butter, herb rice, steamed broccoli",
        720,
    ),
    (
        "Käsespätzle",
        "Eierspätzle mit Bergkäse und Röstzwiebeln / Egg noodles with mountain cheese and fried onions",
        490,
    ),
    (
        "Chicken Tikka Masala",
        "Huhn in Joghurtmarinade, Basmatireis, Naan / Yoghurt-marinated chicken, basmati rice, naan",
        610,
    ),
    (
        "Lentil Dal",
        "Rote Linsen, Spinat, Fladenbrot (vegan) / Red lentils, spinach, flatbread (vegan)",
        450,
    ),
    (
        "Caesar Salad",
        "Römersalat, Croûtons, Parmesan, Hühnerstreifen / Romaine, croutons, parmesan, chicken strips",
        560,
    ),
    (
        "Pumpkin Risotto",
        "Arborioreis, gerösteter Kürbis, Salbei / Arborio rice, roasted pumpkin, sage",
        530,
    ),
    (
        "Cevapcici",
        "Gegrillte Hackfleischröllchen, Ajvar, Djuvecreis / Grilled minced meat rolls, ajvar, djuvec rice",
        580,
    ),
    (
        "Falafel Bowl",
        "Hummus, Bulgur, eingelegtes Gemüse, Tahini / Hummus, bulgur, pickled vegetables, tahini",
        510,
    ),
    (
        "Tafelspitz",
        "Gekochtes Rindfleisch, Apfelkren, Röstkartoffeln / Boiled beef, apple horseradish, roast potatoes",
        690,
    ),
    (
        "Mushroom Goulash",
        "Waldpilze, Paprika, Semmelknödel / Forest mushrooms, paprika, bread dumpling",
        480,
    ),
    (
        "Fish and Chips",
        "Gebackener Kabeljau, Pommes frites, Sauce Tartare / Battered cod, fries, tartar sauce",
        620,
    ),
    (
        "Vegetable Stir-Fry",
        "Eiernudeln, Saisongemüse, Soja-Ingwer / Egg noodles, seasonal vegetables, soy-ginger",
        470,
    ),
    (
        "Pasta Bolognese",
        "Spaghetti, geschmortes Rinderragout, Parmesan / Spaghetti, slow-cooked beef ragù, parmesan",
        500,
    ),
    (
        "Stuffed Peppers",
        "Reis und Rinderhack, Tomatensauce, Kartoffelpüree / Rice and minced beef, tomato sauce, mashed potatoes",
        560,
    ),
];

const ALLERGENS: [&str; 18] = [
    "ACG", "ACG", "A", "F", "DG", "ACG", "AG", "A", "ACDGM", "G", "", "AN", "LM", "AG", "ACDM",
    "ACFN", "ACGL", "GL",
];

const SOUPS: [(&str, &str, i64); 5] = [
    (
        "Soup of the day: Tomato",
        "Tomatencremesuppe mit Basilikum / Tomato cream soup with basil",
        250,
    ),
    (
        "Soup of the day: Goulash",
        "Kräftige Rindsgulaschsuppe / Hearty beef goulash soup",
        290,
    ),
    (
        "Soup of the day: Pumpkin",
        "Kürbissuppe mit Kernöl / Pumpkin soup with seed oil",
        250,
    ),
    (
        "Soup of the day: Minestrone",
        "Italienische Gemüsesuppe / Italian vegetable soup",
        250,
    ),
    (
        "Soup of the day: Frittaten",
        "Klare Rindsuppe mit Frittaten / Clear beef broth with pancake strips",
        260,
    ),
];

/// The demo's second venue (`[venues.bistro]` in data/demo-kiosk.toml): a smaller menu of its
/// own, so a person picking a venue sees that the menu follows. (name, description, cents,
/// allergen letters)
const BISTRO: [(&str, &str, i64, &str); 8] = [
    (
        "Pizza Margherita",
        "Tomate, Mozzarella, Basilikum / Tomato, mozzarella, basil",
        790,
        "AG",
    ),
    (
        "Poke Bowl",
        "Lachs, Sushireis, Edamame, Mango / Salmon, sushi rice, edamame, mango",
        950,
        "DFN",
    ),
    (
        "Buddha Bowl",
        "Quinoa, geröstete Kichererbsen, Avocado, Tahini (vegan) / Quinoa, roasted chickpeas, avocado, tahini (vegan)",
        850,
        "N",
    ),
    (
        "Club Sandwich",
        "Huhn, Speck, Ei, Tomate, Pommes frites / Chicken, bacon, egg, tomato, fries",
        880,
        "ACGM",
    ),
    (
        "Cheeseburger",
        "Rindfleisch-Patty, Cheddar, Essiggurken, Pommes frites / Beef patty, cheddar, pickles, fries",
        990,
        "ACGKM",
    ),
    (
        "Greek Salad",
        "Feta, Oliven, Gurke, Tomate, Brot / Feta, olives, cucumber, tomato, bread",
        720,
        "AG",
    ),
    (
        "Penne all'Arrabbiata",
        "Scharfe Tomatensauce, Petersilie (vegan) / Spicy tomato sauce, parsley (vegan)",
        690,
        "A",
    ),
    (
        "Pizza Diavola",
        "Scharfe Salami, Chili, Mozzarella / Spicy salami, chilli, mozzarella",
        890,
        "AG",
    ),
];

/// The demo venue whose menu is [`BISTRO`]; every other demo venue serves the canteen's.
pub const BISTRO_VENUE: &str = "bistro";

/// The demo menu for one day of `venue`: empty at weekends (the venues are closed).
pub fn demo_menu_day(venue: &str, day: Date) -> MenuDay {
    let weekday = day.weekday();
    let weekend = matches!(weekday, Weekday::Saturday | Weekday::Sunday);
    let n = day
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second() / 86_400)
        .unwrap_or(0);
    let articles = match (weekend, venue == BISTRO_VENUE) {
        (true, _) => Vec::new(),
        (false, true) => bistro_articles(n),
        (false, false) => canteen_articles(n),
    };
    MenuDay {
        venue: venue.to_string(),
        day,
        vendor_day_id: None,
        articles,
    }
}

/// The canteen's day `n` (days since 1970): four mains and the soup of the day.
fn canteen_articles(n: i64) -> Vec<Article> {
    let mut articles = Vec::new();
    let base = (n.rem_euclid(DISHES.len() as i64)) as usize;
    for i in 0..4 {
        let k = (base + i * 5) % DISHES.len();
        let (name, desc, cents) = DISHES[k];
        // Deterministic "portions left": some dishes run low, one in five days sells out.
        let left = ((n as usize * 7 + i * 13) % 40) as u32;
        let sold_out = i == 3 && n % 5 == 0;
        articles.push(demo_article(
            format!("D{}", 100 + k),
            format!("M{} {}", i + 1, name),
            desc,
            cents,
            ALLERGENS[k],
            if sold_out { Some(0) } else { Some(left + 3) },
        ));
    }
    let (name, desc, cents) = SOUPS[(n.rem_euclid(5)) as usize];
    let soup = demo_article(
        format!("S{}", n.rem_euclid(5)),
        name.into(),
        desc,
        cents,
        "GL",
        None,
    );
    articles.push(soup);
    articles
}

/// The bistro's day `n`: three dishes of [`BISTRO`], with few portions (it cooks less).
fn bistro_articles(n: i64) -> Vec<Article> {
    let base = (n.rem_euclid(BISTRO.len() as i64)) as usize;
    (0..3)
        .map(|i| {
            let k = (base + i * 3) % BISTRO.len();
            let (name, desc, cents, allergens) = BISTRO[k];
            let left = ((n as usize * 5 + i * 7) % 12) as u32 + 2;
            demo_article(
                format!("B{}", 200 + k),
                format!("B{} {}", i + 1, name),
                desc,
                cents,
                allergens,
                Some(left),
            )
        })
        .collect()
}

/// A demo dish; its description gets its allergen letters in brackets as Bessa writes them
/// ("Kürbissuppe mit Kernöl / Pumpkin soup with seed oil(GL)").
fn demo_article(
    vendor_id: String,
    name: String,
    description: &str,
    cents: i64,
    allergens: &str,
    portions_left: Option<u32>,
) -> Article {
    let description = match allergens {
        "" => description.to_string(),
        letters => format!("{description}({letters})"),
    };
    Article {
        vendor_id,
        name,
        description,
        price: Money::from_cents(cents),
        vat: Some(Percent::from_hundredths(1000)),
        allergens: allergens.to_string(),
        sold_out: portions_left == Some(0),
        portions_left,
    }
}

/// The simulated vendor.
pub struct DemoVendor {
    venue: String,
    /// Orders it has received: kiosk order id → (vendor ref, state).
    orders: HashMap<String, (String, RemoteState)>,
}

impl DemoVendor {
    pub fn new(venue: &Venue) -> DemoVendor {
        DemoVendor {
            venue: venue.key.clone(),
            orders: HashMap::new(),
        }
    }

    /// The simulated kitchen lives in memory, but each process (window, CLI) has its own: an
    /// order that carries a demo reference was placed with one of them, so it is known here.
    fn remember(&mut self, order: &Order) {
        if let Some(r) = order.vendor_ref.as_ref().filter(|r| r.starts_with("DEMO-")) {
            self.orders
                .entry(order.id.clone())
                .or_insert_with(|| (r.clone(), RemoteState::Sent));
        }
    }

    fn remote(&self, order_id: &str) -> Option<RemoteOrder> {
        self.orders.get(order_id).map(|(r, s)| RemoteOrder {
            vendor_ref: Some(r.clone()),
            vendor_hash: None,
            state: s.clone(),
            raw_status: format!("{s:?}"),
            reason: None,
        })
    }
}

impl Vendor for DemoVendor {
    fn kind(&self) -> &'static str {
        "demo"
    }

    fn fetch_menu(&mut self, from: Date, days: u32) -> Result<Vec<MenuDay>, VendorError> {
        Ok((0..days as i64)
            .filter_map(|i| from.checked_add(i.days()).ok())
            .map(|d| demo_menu_day(&self.venue, d))
            .filter(|m| !m.articles.is_empty())
            .collect())
    }

    fn place_order(&mut self, order: &Order, _who: &Badge) -> Result<RemoteOrder, VendorError> {
        if order.lines.is_empty() {
            return Err(VendorError::Rejected(vec![
                "an order needs at least one dish".into(),
            ]));
        }
        if !self.orders.contains_key(&order.id) {
            // Derived from the kiosk's id, so every process names an order the same way.
            let r = format!(
                "DEMO-{}",
                order.id.get(..8).unwrap_or(&order.id).to_uppercase()
            );
            self.orders.insert(order.id.clone(), (r, RemoteState::Sent));
        }
        Ok(self.remote(&order.id).expect("just inserted"))
    }

    fn cancel_order(&mut self, order: &Order, _who: &Badge) -> Result<RemoteOrder, VendorError> {
        self.remember(order);
        match self.orders.get_mut(&order.id) {
            Some(entry) => {
                entry.1 = RemoteState::Cancelled;
                Ok(self.remote(&order.id).expect("present"))
            }
            None => Err(VendorError::Rejected(vec![
                "the demo kitchen does not know this order".into(),
            ])),
        }
    }

    fn find_order(
        &mut self,
        order: &Order,
        _who: &Badge,
        _claimed: &Claimed,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        self.remember(order);
        Ok(self.remote(&order.id))
    }

    fn order_status(
        &mut self,
        order: &Order,
        _who: &Badge,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        self.remember(order);
        // The demo kitchen confirms every order at the first look.
        if let Some(entry) = self.orders.get_mut(&order.id)
            && entry.1 == RemoteState::Sent
        {
            entry.1 = RemoteState::Confirmed;
        }
        Ok(self.remote(&order.id))
    }

    fn min_status_interval(&self) -> Duration {
        Duration::from_secs(30)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_have_dishes_and_weekends_are_closed() {
        let mon: Date = "2026-11-23".parse().unwrap();
        let m = demo_menu_day("demo", mon);
        assert_eq!(m.articles.len(), 5);
        assert!(m.articles.iter().all(|a| a.price.cents() > 0));
        let sat: Date = "2026-11-28".parse().unwrap();
        assert!(demo_menu_day("demo", sat).articles.is_empty());
        // Same day, same menu: screenshots and tests are stable.
        assert_eq!(demo_menu_day("demo", mon), m);
    }

    #[test]
    fn descriptions_are_bilingual_as_bessas_are() {
        let mon: Date = "2026-11-23".parse().unwrap();
        let days = (0..14).map(|i| mon.checked_add(i.days()).unwrap());
        let venues = days.flat_map(|d| [demo_menu_day("demo", d), demo_menu_day(BISTRO_VENUE, d)]);
        for a in venues.flat_map(|m| m.articles) {
            let en = crate::domain::menu_text::lines_for(&a.description, "en");
            let de = crate::domain::menu_text::lines_for(&a.description, "de");
            assert_eq!((en.len(), de.len()), (1, 1), "{}", a.description);
            assert_ne!(en[0].text, de[0].text, "{}", a.description);
            assert_eq!(en[0].allergens, a.allergens, "{}", a.description);
        }
    }

    #[test]
    fn the_bistro_has_a_menu_of_its_own() {
        let mon: Date = "2026-11-23".parse().unwrap();
        let b = demo_menu_day(BISTRO_VENUE, mon);
        assert_eq!(b.articles.len(), 3);
        assert!(
            b.articles
                .iter()
                .all(|a| a.vendor_id.starts_with('B') && a.is_available())
        );
        let canteen = demo_menu_day("demo", mon);
        assert!(
            canteen
                .articles
                .iter()
                .all(|a| !a.vendor_id.starts_with('B'))
        );
    }

    #[test]
    fn some_day_of_a_fortnight_has_a_sold_out_dish() {
        let start: Date = "2026-11-23".parse().unwrap();
        let any_sold_out = (0..14)
            .map(|i| demo_menu_day("demo", start.checked_add(i.days()).unwrap()))
            .any(|m| m.articles.iter().any(|a| !a.is_available()));
        assert!(any_sold_out);
    }
}
