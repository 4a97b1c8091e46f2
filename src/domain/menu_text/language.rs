//! Which language a word of a Bessa menu is in, from word lists and endings alone: the
//! evidence `menu_text` weighs to cut a bilingual description into its German and English.

/// What a word from the lists below counts.
const WORD: i32 = 10;

/// How German and how English some words look, from the word lists alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Evidence {
    pub de: i32,
    pub en: i32,
}

impl Evidence {
    pub(super) fn of_words(text: &str) -> Evidence {
        text.split(' ')
            .map(word_evidence)
            .fold(Evidence::default(), |a, b| Evidence {
                de: a.de + b.de,
                en: a.en + b.en,
            })
    }
}

pub(super) fn word_evidence(token: &str) -> Evidence {
    let core = token.trim_matches(|c: char| !c.is_alphanumeric());
    let lowercase = core.starts_with(char::is_lowercase);
    let lower = core.to_lowercase();
    let parts: Vec<&str> = lower.split('-').filter(|p| !p.is_empty()).collect();
    let listed = |f: fn(&str, bool) -> bool| parts.iter().any(|p| f(p, lowercase));
    // A listed word decides before an ending: "applesauce" is English, "Tomatensauce" German.
    let (de, en) = if listed(listed_german) {
        (true, false)
    } else if listed(listed_english) {
        (false, true)
    } else {
        (listed(german_ending), listed(english_ending))
    };
    Evidence {
        de: if de { WORD } else { 0 },
        en: if en { WORD } else { 0 },
    }
}

fn listed_german(w: &str, _lowercase: bool) -> bool {
    w.contains(['ä', 'ö', 'ü', 'ß']) || DE_WORDS.binary_search(&w).is_ok()
}

fn listed_english(w: &str, lowercase: bool) -> bool {
    let listed = |w: &str| {
        EN_WORDS.binary_search(&w).is_ok()
            || (lowercase && EN_WHEN_LOWERCASE.binary_search(&w).is_ok())
    };
    listed(w) || w.strip_suffix("es").is_some_and(listed) || w.strip_suffix('s').is_some_and(listed)
}

fn german_ending(w: &str, _lowercase: bool) -> bool {
    DE_ENDINGS
        .iter()
        .any(|e| w.len() > e.len() + 2 && w.ends_with(e))
}

/// "baked", "stuffed", "dressing": German has few lowercase words ending so.
fn english_ending(w: &str, lowercase: bool) -> bool {
    lowercase && ((w.len() > 4 && w.ends_with("ed")) || (w.len() > 5 && w.ends_with("ing")))
}

/// German words of the menus that English does not share (sorted: looked up by bisection).
const DE_WORDS: &[&str] = &[
    "am",
    "an",
    "apfel",
    "art",
    "auf",
    "aus",
    "dazu",
    "dem",
    "den",
    "der",
    "des",
    "die",
    "ei",
    "ein",
    "eine",
    "einem",
    "einen",
    "einer",
    "erbsen",
    "frisch",
    "frische",
    "frischem",
    "frischen",
    "gebacken",
    "gebackene",
    "gebackenem",
    "gebackenen",
    "gebackener",
    "gebackenes",
    "gebraten",
    "gebratene",
    "gebratenem",
    "gebratenen",
    "gebratener",
    "gebratenes",
    "gefüllt",
    "gefüllte",
    "gemischt",
    "gemüse",
    "huhn",
    "im",
    "indisch",
    "joghurt",
    "kartoffel",
    "kartoffeln",
    "klare",
    "kleine",
    "kleiner",
    "kleines",
    "linsen",
    "mit",
    "nach",
    "nudeln",
    "obst",
    "oder",
    "pute",
    "reis",
    "rind",
    "rote",
    "roten",
    "sahne",
    "salat",
    "schwein",
    "semmel",
    "sowie",
    "suppe",
    "und",
    "vom",
    "von",
    "zum",
    "zur",
];

/// Endings of German compound nouns ("Tomatensuppe", "Sesamreis").
const DE_ENDINGS: &[&str] = &[
    "auflauf",
    "braten",
    "creme",
    "eintopf",
    "fleisch",
    "gemüse",
    "joghurt",
    "kartoffeln",
    "knödel",
    "kuchen",
    "laibchen",
    "nudeln",
    "pfanne",
    "reis",
    "salat",
    "sauce",
    "schnitte",
    "strudel",
    "suppe",
    "würfel",
];

/// English words of the menus that German does not share (sorted: looked up by bisection).
const EN_WORDS: &[&str] = &[
    "almond",
    "and",
    "apple",
    "applesauce",
    "apricot",
    "bacon",
    "baked",
    "banana",
    "bean",
    "beef",
    "berry",
    "black",
    "blue",
    "blueberry",
    "boiled",
    "braised",
    "bread",
    "breaded",
    "breast",
    "broth",
    "butter",
    "buttermilk",
    "cabbage",
    "cake",
    "caramel",
    "carrot",
    "casserole",
    "cauliflower",
    "celery",
    "cheese",
    "cherry",
    "chive",
    "chocolate",
    "coconut",
    "cold",
    "corn",
    "course",
    "cream",
    "creamy",
    "crispy",
    "cube",
    "cucumber",
    "curd",
    "danish",
    "dumpling",
    "egg",
    "eggplant",
    "fillet",
    "fish",
    "fried",
    "from",
    "fruit",
    "garlic",
    "ginger",
    "grain",
    "green",
    "grilled",
    "ham",
    "hazelnut",
    "herb",
    "herbal",
    "honey",
    "hot",
    "lamb",
    "leaf",
    "leek",
    "leg",
    "lemon",
    "lentil",
    "lettuce",
    "lime",
    "main",
    "mashed",
    "meat",
    "melon",
    "milk",
    "mint",
    "mushroom",
    "mustard",
    "noodle",
    "nut",
    "oat",
    "of",
    "oil",
    "on",
    "onion",
    "pan",
    "pancake",
    "parsley",
    "parsnip",
    "pastry",
    "patties",
    "pea",
    "peanut",
    "pear",
    "pepper",
    "pie",
    "pineapple",
    "plate",
    "poppy",
    "pork",
    "potato",
    "pumpkin",
    "punch",
    "raisin",
    "raspberry",
    "red",
    "rice",
    "roast",
    "roasted",
    "roll",
    "salad",
    "salmon",
    "sausage",
    "seed",
    "shrimp",
    "skewer",
    "slice",
    "sliced",
    "small",
    "smoked",
    "soup",
    "sour",
    "spicy",
    "spinach",
    "spring",
    "steamed",
    "stew",
    "strawberry",
    "strip",
    "stuffed",
    "style",
    "summer",
    "sweet",
    "the",
    "tomato",
    "trout",
    "tuna",
    "turkey",
    "vanilla",
    "vegetable",
    "white",
    "whole",
    "with",
    "yellow",
    "yoghurt",
    "yogurt",
];

/// Words German menus use as well ("Chicken Wings", "Sauce Tartare", "Dessert"): English
/// only when written in lowercase.
const EN_WHEN_LOWERCASE: &[&str] = &["chicken", "dessert", "pudding", "sauce"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_lists_are_sorted_for_bisection() {
        for list in [DE_WORDS, EN_WORDS, EN_WHEN_LOWERCASE] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{:?}", list);
        }
    }
}
