//! Menu descriptions as the Knapp canteen's Bessa venue served them (the fixture's README says
//! where they come from), read into courses: every word kept, the courses as many as the
//! menu has, each with its own allergen letters, in both languages.

use canteen_kiosk::domain::menu_text::{Course, allergens_of, courses, lines_for};
use serde::Deserialize;
use std::collections::HashSet;

#[derive(Deserialize)]
struct Fixture {
    source: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    shape: String,
    description: String,
    /// The letters of each course, in order: as many entries as courses.
    allergens: Vec<String>,
}

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/menu_text/kantine-overview.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The description's words that are not allergen letters (a word of capitals whose letters
/// are all among the description's letters).
fn text_words<'a>(description: &'a str, letters: &str) -> HashSet<&'a str> {
    words(description)
        .filter(|w| {
            !w.chars()
                .all(|c| c.is_ascii_uppercase() && letters.contains(c))
        })
        .collect()
}

fn course_words(c: &Course) -> HashSet<&str> {
    [&c.de, &c.en]
        .into_iter()
        .flatten()
        .flat_map(|s| words(s))
        .collect()
}

#[test]
fn the_fixture_covers_every_shape_and_says_where_it_comes_from() {
    let f = fixture();
    assert!(f.source.contains("TauNeutrino/kantine-overview") && f.source.contains("MIT"));
    assert!(f.cases.len() >= 40, "a few dozen descriptions");
    let shapes: HashSet<&str> = f.cases.iter().map(|c| c.shape.as_str()).collect();
    assert_eq!(shapes.len(), f.cases.len(), "one name per shape");
}

#[test]
fn every_description_keeps_every_word() {
    for case in fixture().cases {
        let read = courses(&case.description);
        let letters = allergens_of(&case.description);
        let kept: HashSet<&str> = read.iter().flat_map(course_words).collect();
        let lost: Vec<&str> = text_words(&case.description, &letters)
            .difference(&kept)
            .copied()
            .collect();
        assert!(
            lost.is_empty(),
            "{}: lost {lost:?} in {read:#?}",
            case.shape
        );
    }
}

#[test]
fn every_description_has_its_courses_each_with_its_letters() {
    for case in fixture().cases {
        let read = courses(&case.description);
        assert!(
            (1..=5).contains(&read.len()),
            "{}: {} courses",
            case.shape,
            read.len()
        );
        let letters: Vec<&str> = read.iter().map(|c| c.allergens.as_str()).collect();
        assert_eq!(letters, case.allergens, "{}: {read:#?}", case.shape);
        // The dish's letters are those of all its courses.
        let mut all: Vec<char> = case.allergens.concat().chars().collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(
            allergens_of(&case.description),
            all.into_iter().collect::<String>(),
            "{}",
            case.shape
        );
    }
}

/// A reader sees every course in their language, or in the other where it has only one; what
/// one language's lines leave out, the other's show.
#[test]
fn both_languages_show_every_course_and_together_every_word() {
    for case in fixture().cases {
        let read = courses(&case.description);
        let de = lines_for(&case.description, "de");
        let en = lines_for(&case.description, "en");
        assert_eq!(
            (de.len(), en.len()),
            (read.len(), read.len()),
            "{}",
            case.shape
        );
        for ((c, d), e) in read.iter().zip(&de).zip(&en) {
            assert!(!d.text.is_empty() && !e.text.is_empty(), "{}", case.shape);
            assert_eq!(d.text, c.de.clone().or(c.en.clone()).unwrap());
            assert_eq!(e.text, c.en.clone().or(c.de.clone()).unwrap());
            assert_eq!((&d.allergens, &e.allergens), (&c.allergens, &c.allergens));
        }
        let shown: HashSet<&str> = de.iter().chain(&en).flat_map(|l| words(&l.text)).collect();
        let letters = allergens_of(&case.description);
        assert!(
            text_words(&case.description, &letters).is_subset(&shown),
            "{}",
            case.shape
        );
    }
}

/// The shape the issue quotes: three courses, German for a German reader, English for the
/// others.
#[test]
fn the_issues_example_in_both_languages() {
    let d = "Gemüsebouillon mit Backerbsen / Vegetable broth with baked peas(ACLM) Faschierter \
             Braten mit Püree / Minced meat roast with mashed potatoes(ACGLM)";
    let de: Vec<(String, String)> = lines_for(d, "de")
        .into_iter()
        .map(|l| (l.text, l.allergens))
        .collect();
    assert_eq!(
        de,
        [
            ("Gemüsebouillon mit Backerbsen".into(), "ACLM".into()),
            ("Faschierter Braten mit Püree".into(), "ACGLM".into())
        ]
    );
    let en: Vec<String> = lines_for(d, "en").into_iter().map(|l| l.text).collect();
    assert_eq!(
        en,
        [
            "Vegetable broth with baked peas",
            "Minced meat roast with mashed potatoes"
        ]
    );
}
