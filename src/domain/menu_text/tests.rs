//! The description shapes of `menu_text`, one test each.

use super::*;

fn both(de: &str, en: &str, allergens: &str) -> Course {
    Course {
        de: Some(de.into()),
        en: Some(en.into()),
        allergens: allergens.into(),
    }
}

fn german(de: &str, allergens: &str) -> Course {
    Course {
        de: Some(de.into()),
        en: None,
        allergens: allergens.into(),
    }
}

fn english_only(en: &str, allergens: &str) -> Course {
    Course {
        de: None,
        en: Some(en.into()),
        allergens: allergens.into(),
    }
}

#[test]
fn three_bilingual_courses_each_with_their_letters() {
    let d = "Gemüsebouillon mit Backerbsen / Vegetable broth with baked peas(ACLM) \
             Faschierter Braten mit Püree / Minced meat roast with mashed potatoes(ACGLM) \
             Milchreis / Rice pudding(G)";
    assert_eq!(
        courses(d),
        [
            both(
                "Gemüsebouillon mit Backerbsen",
                "Vegetable broth with baked peas",
                "ACLM"
            ),
            both(
                "Faschierter Braten mit Püree",
                "Minced meat roast with mashed potatoes",
                "ACGLM"
            ),
            both("Milchreis", "Rice pudding", "G"),
        ]
    );
    let en: Vec<String> = lines_for(d, "en").into_iter().map(|l| l.text).collect();
    assert_eq!(
        en,
        [
            "Vegetable broth with baked peas",
            "Minced meat roast with mashed potatoes",
            "Rice pudding"
        ]
    );
    let de = lines_for(d, "de");
    assert_eq!(
        de[2],
        MenuLine {
            text: "Milchreis".into(),
            allergens: "G".into()
        }
    );
    // The kiosk's third language reads the English.
    assert_eq!(lines_for(d, "pt-BR")[2].text, "Rice pudding");
}

#[test]
fn a_course_in_one_language_shows_in_both() {
    let d = "Rindsuppe mit Einlage / Beef soup with garnish(ACGLM) Käsespätzle mit \
             Jungzwiebel / Cheese spätzle with spring onion(ACGL) Donut(ACGH)";
    let c = courses(d);
    assert_eq!(c[2], german("Donut", "ACGH"));
    assert_eq!(lines_for(d, "en")[2].text, "Donut");
    assert_eq!(lines_for(d, "de")[1].text, "Käsespätzle mit Jungzwiebel");
}

#[test]
fn a_course_without_letters_is_parted_from_the_next_where_the_english_ends() {
    let d = "Brokkolicremesuppe / Broccoli cream soup Farfalle mit Rucolapesto, Melanzani \
             und getrockneten Tomaten / Farfalle with arugula pesto, eggplant and sun-dried \
             tomatoes(A) Heidelbeerjoghurt / Blueberry yogurt(F)";
    let c = courses(d);
    assert_eq!(c.len(), 3);
    assert_eq!(c[0], both("Brokkolicremesuppe", "Broccoli cream soup", ""));
    assert_eq!(
        c[1].de.as_deref(),
        Some("Farfalle mit Rucolapesto, Melanzani und getrockneten Tomaten")
    );
    assert_eq!(c[1].allergens, "A");
    assert_eq!(c[2], both("Heidelbeerjoghurt", "Blueberry yogurt", "F"));
}

#[test]
fn a_dessert_glued_to_the_english_gets_the_letters() {
    let d = "Gemüsebouillon mit Frittaten / Vegetable broth with sliced pancakes(ACGL) \
             Gebratener Leberkäse mit Püree und Gemüse / Fried meatloaf with mashed \
             potatoes and vegetables Balisto(ACGHO)";
    let c = courses(d);
    assert_eq!(
        c[1],
        both(
            "Gebratener Leberkäse mit Püree und Gemüse",
            "Fried meatloaf with mashed potatoes and vegetables",
            ""
        )
    );
    assert_eq!(c[2], german("Balisto", "ACGHO"));
    // A name in the English stays where it is.
    let d = "Karfiolcremesuppe / Cauliflower cream soup Penne Bolognese / Penne \
             Bolognese(AFLO) Bananen Joghurt / Banana yogurt(F)";
    let c = courses(d);
    assert_eq!(c.len(), 3);
    assert_eq!(c[1], both("Penne Bolognese", "Penne Bolognese", "AFLO"));
}

#[test]
fn german_courses_with_an_english_summary_are_not_split_at_slashes() {
    let d = "Gemüsebouillon mit Buchstaben (ACLM) Knacker mit Kartoffelpüree und Gemüse \
             (GLM) Balisto (ACGHO) vegeable soup / sausage with mashed potato and vegetable";
    assert_eq!(
        courses(d),
        [
            german("Gemüsebouillon mit Buchstaben", "ACLM"),
            german("Knacker mit Kartoffelpüree und Gemüse", "GLM"),
            german("Balisto", "ACGHO"),
            english_only(
                "vegeable soup / sausage with mashed potato and vegetable",
                ""
            ),
        ]
    );
}

#[test]
fn mistyped_brackets_are_still_letters() {
    let d = "Gemüsebouillon mit Einlage / Vegetable broth with garnish/ACGL) Gemüsepaella / \
             Vegetable paella(L) Obstgarten(G/O)";
    let c = courses(d);
    assert_eq!(
        c[0],
        both(
            "Gemüsebouillon mit Einlage",
            "Vegetable broth with garnish",
            "ACGL"
        )
    );
    assert_eq!(c[2], german("Obstgarten", "GO"));
    // A typo among the letters is kept as typed, not dropped.
    let c = courses("Salatteller / Salad plate(ACGKM)");
    assert_eq!(c[0].allergens, "ACGKM");
}

#[test]
fn words_after_the_letters_stay_with_the_course_in_both_languages() {
    let d = "Erbsencremesuppe / Pea cream soup(GLM) Salat \"Fresca\" mit Schinken / Salad \
             \"Fresca\" with bacon(AGLM)(Pork) Apfelmus / Applesauce";
    let c = courses(d);
    assert_eq!(
        c[1],
        both(
            "Salat \"Fresca\" mit Schinken (Pork)",
            "Salad \"Fresca\" with bacon (Pork)",
            "AGLM"
        )
    );
    assert_eq!(c[2], both("Apfelmus", "Applesauce", ""));
    let c = courses(
        "Orientalische Gemüsepfanne mit Falafel / Oriental vegetable pan with falafel(HLOF Koriander)",
    );
    assert_eq!(c[0].allergens, "FHLO");
    assert!(c[0].de.as_deref().unwrap().ends_with("(Koriander)"));
}

#[test]
fn a_dish_continued_after_its_letters_is_one_course() {
    let d = "Gemüsecremesuppe (L) Tomaten Kräuterlaibchen (A) mit mediterranem Gemüse (L) \
             mit Basilikumdip (F) Haselnusskuchen (AFH)";
    let c = courses(d);
    assert_eq!(c.len(), 3);
    assert_eq!(
        c[1],
        german(
            "Tomaten Kräuterlaibchen mit mediterranem Gemüse mit Basilikumdip",
            "AFL"
        )
    );
    // The English of a German course after its own letters.
    let d = "Kartoffelstrudel mit Basilikumdip(AF) / Potato strudel with basil dip(AF)";
    assert_eq!(
        courses(d),
        [both(
            "Kartoffelstrudel mit Basilikumdip",
            "Potato strudel with basil dip",
            "AF"
        )]
    );
}

#[test]
fn odd_input_never_loses_text() {
    assert!(courses("").is_empty());
    assert!(courses("  \n ").is_empty());
    assert_eq!(
        courses("Pizza Margherita (AGL)"),
        [german("Pizza Margherita", "AGL")]
    );
    assert_eq!(courses("Curry (vegan)"), [german("Curry (vegan)", "")]);
    assert_eq!(
        courses("Breaded pork escalope, parsley potatoes"),
        [english_only("Breaded pork escalope, parsley potatoes", "")]
    );
    for odd in [
        "((((",
        "))) / ((",
        "/ / /",
        "(A)",
        "(A) (B)",
        "x(ACG",
        "ü/ü/ü/ü",
        "a / b / c",
    ] {
        let c = courses(odd);
        assert!(!c.is_empty() && keeps_every_word(odd, &c), "{odd}: {c:?}");
    }
    // Line breaks are spaces.
    let c = courses("Gnocchi / Gnocchi(A)\nMango Joghurt / Mango yogurt(F)");
    assert_eq!(c.len(), 2);
}

/// Whatever is typed, nothing panics and no word is lost: descriptions made of the pieces
/// that matter (brackets, slashes, letters, joining words, umlauts), 5 000 of them.
#[test]
fn any_mix_of_the_pieces_keeps_every_word() {
    const PIECES: [&str; 18] = [
        "(", ")", "/", " ", "A", "ACG", "ü", "mit", "with", "Soup", "Kuchen", ",", "\n", "(Pork)",
        "é", "Balisto", "/GL)", "soup",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..5_000 {
        let mut d = String::new();
        for _ in 0..(seed % 24) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            d.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
        }
        let c = courses(&d);
        assert!(keeps_every_word(&collapse_spaces(&d), &c), "{d:?}: {c:?}");
        assert_eq!(lines_for(&d, "de").len(), c.len());
    }
}

#[test]
fn the_letters_of_every_course_together() {
    let d = "Suppe / Soup(GLM) Kuchen / Cake(ACGHO) Obst";
    assert_eq!(allergens_of(d), "ACGHLMO");
    assert_eq!(allergens_of("Curry (vegan)"), "");
}
