//! A menu description as a list of courses in the reader's language.
//!
//! Bessa puts a whole menu into one description: course after course, each German " / "
//! English and closed by its allergen letters in brackets, e.g.
//! `Gemüsebouillon / Vegetable broth(ACLM) Faschierter Braten / Minced meat roast(ACGLM)`.
//! The kitchen types these by hand, and the canteen's real descriptions (kantine-overview's
//! test data, a few weeks of them; see `tests/fixtures/menu_text/`) come in more shapes:
//! a course without letters, a course in one language only, a dessert glued to the English
//! of the main course, the English of all courses as one summary at the end, letters typed
//! as `/ACLM)` or `(A/F/O)`, a note after them (`(ACGLM)(Pork)`, `(AFN, Koriander)`).
//!
//! How a description is read:
//! 1. Allergen brackets end courses ([`segments`]); what follows the last one is a course
//!    without letters. A segment that starts with "mit"/"und"/… continues the course before,
//!    one that starts with "/" is that course's English, an empty one adds its letters to it.
//! 2. If some course is clearly bilingual (German before a slash, English after it), slashes
//!    separate the languages everywhere; otherwise the description is German courses with an
//!    English summary, and nothing is split at slashes.
//! 3. Two courses without letters between them ("… soup Farfalle mit …") are parted where the
//!    English words end and the German ones begin, judged by small word lists (umlauts,
//!    "mit"/"with", "-suppe"/"soup", …) and capital letters ([`Evidence`]).
//!
//! Nothing is ever lost: a part that cannot be told apart stays one course, in both languages,
//! and should a reading still drop a word, the whole description comes back as one course.

mod language;

use super::menu::ALLERGENS;
use language::{Evidence, word_evidence};
use std::collections::HashSet;

/// One course of a menu: its text in German and in English, where given, and its allergen
/// letters (sorted, each once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub de: Option<String>,
    pub en: Option<String>,
    pub allergens: String,
}

/// One line to show: a course in the reader's language (or in the only one it has).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuLine {
    pub text: String,
    pub allergens: String,
}

impl Course {
    /// The text for a reader of `lang` (a language code: "de", "en", "pt-BR"): German for
    /// "de", English for every other (the kiosk's other languages are closer to it), and the
    /// other language where the course has only one.
    pub fn text_for(&self, lang: &str) -> &str {
        let (first, second) = if lang.starts_with("de") {
            (&self.de, &self.en)
        } else {
            (&self.en, &self.de)
        };
        first.as_deref().or(second.as_deref()).unwrap_or("")
    }
}

/// The courses of a description as lines in `lang` (see [`Course::text_for`]).
pub fn lines_for(description: &str, lang: &str) -> Vec<MenuLine> {
    courses(description)
        .into_iter()
        .map(|c| MenuLine {
            text: c.text_for(lang).to_string(),
            allergens: c.allergens,
        })
        .collect()
}

/// The courses of a description, in order. Empty for an empty description.
pub fn courses(description: &str) -> Vec<Course> {
    let text = collapse_spaces(description);
    if text.is_empty() {
        return Vec::new();
    }
    let segs = merge(segments(&text));
    let bilingual = segs.iter().any(|s| clearly_bilingual(&s.text));
    let read: Vec<Course> = segs
        .iter()
        .flat_map(|s| segment_courses(s, bilingual))
        .collect();
    if keeps_every_word(&text, &read) {
        read
    } else {
        vec![mono(&text, letters_of(&text))]
    }
}

/// Every allergen letter of a description (sorted, each once): those of all its courses.
pub fn allergens_of(description: &str) -> String {
    letters_of(&collapse_spaces(description))
}

fn letters_of(text: &str) -> String {
    sorted_letters(
        segments(text)
            .iter()
            .flat_map(|s| s.allergens.chars())
            .collect(),
    )
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sorted_letters(mut letters: Vec<char>) -> String {
    letters.sort_unstable();
    letters.dedup();
    letters.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// Step 1: segments, each ended by an allergen bracket
// ---------------------------------------------------------------------------------------------

/// A stretch of text and the allergen bracket that ends it (none for the tail).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Segment {
    text: String,
    allergens: String,
    /// Words that stood in or right after the bracket ("(Pork)", "(Koriander)"): they belong
    /// to the course in both languages.
    notes: Vec<String>,
}

/// An allergen bracket found in the text: its byte range, letters and note.
struct Bracket {
    start: usize,
    end: usize,
    letters: String,
    note: Option<String>,
}

fn segments(text: &str) -> Vec<Segment> {
    let pairs = matched_parens(text);
    let mut out = Vec::new();
    let mut from = 0;
    for b in allergen_brackets(text, &pairs) {
        if b.start < from {
            continue;
        }
        let mut seg = Segment {
            text: text[from..b.start].trim().to_string(),
            allergens: b.letters,
            notes: b.note.into_iter().collect(),
        };
        from = b.end;
        // A bracket of words right after the letters is a note on the same course.
        while let Some((open, close)) = note_after(text, from, &pairs) {
            seg.notes.push(text[open..=close].to_string());
            from = close + 1;
        }
        out.push(seg);
    }
    let tail = text[from..].trim();
    if !tail.is_empty() {
        out.push(Segment {
            text: tail.to_string(),
            ..Segment::default()
        });
    }
    out
}

/// The byte positions of each '(' and its ')', outermost pairs only; a bracket left open or
/// a ')' without its '(' is plain text (or a mistyped allergen bracket, see below).
fn matched_parens(text: &str) -> Vec<(usize, usize)> {
    let mut open = Vec::new();
    let mut all = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '(' => open.push(i),
            ')' => all.extend(open.pop().map(|o| (o, i))),
            _ => {}
        }
    }
    let outer = |&(o, c): &(usize, usize)| !all.iter().any(|&(o2, c2)| o2 < o && c < c2);
    let mut pairs: Vec<(usize, usize)> = all.iter().copied().filter(outer).collect();
    pairs.sort_unstable();
    pairs
}

fn inside_pair(pairs: &[(usize, usize)], i: usize) -> bool {
    pairs.iter().any(|&(o, c)| o < i && i < c)
}

/// The allergen brackets in order: `(ACGLM)`, `(A/F/O)`, `(HLOF Koriander)`, and the
/// mistyped `/ACLM)` (a slash for the opening bracket).
fn allergen_brackets(text: &str, pairs: &[(usize, usize)]) -> Vec<Bracket> {
    let mut found: Vec<Bracket> = pairs
        .iter()
        .filter_map(|&(o, c)| {
            let (letters, note) = allergen_content(&text[o + 1..c])?;
            Some(Bracket {
                start: o,
                end: c + 1,
                letters,
                note,
            })
        })
        .collect();
    for (i, c) in text.char_indices() {
        if c == ')' && !pairs.iter().any(|&(_, close)| close == i) && !inside_pair(pairs, i) {
            found.extend(slash_bracket(text, i));
        }
    }
    found.sort_by_key(|b| b.start);
    found
}

/// `…garnish/ACGL)`: a ')' without its '(' after a slash and allergen letters.
fn slash_bracket(text: &str, close: usize) -> Option<Bracket> {
    let before = &text[..close];
    let slash = before.rfind('/')?;
    let inner = &before[slash + 1..];
    if !inner.chars().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let (letters, note) = allergen_content(inner)?;
    note.is_none().then_some(Bracket {
        start: slash,
        end: close + 1,
        letters,
        note: None,
    })
}

/// The letters of a bracket's content if it is an allergen bracket: groups of allergen
/// letters separated by spaces, commas or slashes, then perhaps words (a note, kept).
fn allergen_content(inner: &str) -> Option<(String, Option<String>)> {
    let mut letters = Vec::new();
    let mut rest = inner.trim_start_matches([' ', ',', '/']);
    while let Some(group) = rest
        .split([' ', ',', '/'])
        .next()
        .filter(|g| letter_group(g))
    {
        letters.extend(group.chars());
        rest = rest[group.len()..].trim_start_matches([' ', ',', '/']);
    }
    if letters.is_empty() {
        return None;
    }
    let note = (!rest.trim().is_empty()).then(|| format!("({})", rest.trim()));
    Some((sorted_letters(letters), note))
}

/// "ACGLM": allergen letters only; a group of four or more may hold one letter that is none
/// (a typo such as "ACGKM"), which is kept as typed.
fn letter_group(group: &str) -> bool {
    let known = |c: char| ALLERGENS.iter().any(|(l, _)| *l == c);
    let n = group.chars().count();
    let unknown = group.chars().filter(|c| !known(*c)).count();
    n > 0
        && group.chars().all(|c| c.is_ascii_uppercase())
        && (unknown == 0 || (n >= 4 && unknown == 1))
}

/// A bracket of words that follows at `from` (after spaces): `(Pork)` in `(AGLM)(Pork)`.
fn note_after(text: &str, from: usize, pairs: &[(usize, usize)]) -> Option<(usize, usize)> {
    let rest = &text[from..];
    let open = from + (rest.len() - rest.trim_start().len());
    pairs
        .iter()
        .copied()
        .find(|&(o, c)| o == open && allergen_content(&text[o + 1..c]).is_none())
}

/// Joins what belongs together: a segment with no text gives its letters to the one before;
/// one that starts with a joining word ("mit Sesamreis (FN)") continues it; one that starts
/// with a slash is the English of a course given in German only.
fn merge(segs: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for mut seg in segs {
        let Some(prev) = out.last_mut() else {
            out.push(seg);
            continue;
        };
        // Only a course in one language goes on: one with a slash is complete.
        let open = top_level_slashes(&prev.text) == 0;
        let goes_on = open && (seg.text.starts_with('/') || continues(&seg.text));
        if seg.text.is_empty() || goes_on {
            if !seg.text.is_empty() {
                prev.text = format!("{} {}", prev.text, seg.text);
            }
            prev.allergens = sorted_letters(
                prev.allergens
                    .chars()
                    .chain(seg.allergens.chars())
                    .collect(),
            );
            prev.notes.append(&mut seg.notes);
            continue;
        }
        if let Some(rest) = seg.text.strip_prefix('/') {
            seg.text = rest.trim().to_string();
        }
        out.push(seg);
    }
    out
}

/// German words that go on with the dish before them.
const JOINING: [&str; 5] = ["mit", "auf", "und", "dazu", "sowie"];

fn continues(text: &str) -> bool {
    text.split(' ').next().is_some_and(|w| JOINING.contains(&w))
}

// ---------------------------------------------------------------------------------------------
// Step 2 and 3: courses of a segment
// ---------------------------------------------------------------------------------------------

/// The segment's text split at its slashes outside brackets.
fn slash_parts(text: &str) -> Vec<&str> {
    let pairs = matched_parens(text);
    let mut parts = Vec::new();
    let mut from = 0;
    for (i, c) in text.char_indices() {
        if c == '/' && !inside_pair(&pairs, i) {
            parts.push(text[from..i].trim());
            from = i + 1;
        }
    }
    parts.push(text[from..].trim());
    parts
}

fn top_level_slashes(text: &str) -> usize {
    slash_parts(text).len() - 1
}

/// German, then a slash, then English: the sign that slashes part the languages.
fn clearly_bilingual(text: &str) -> bool {
    let parts = slash_parts(text);
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    if parts.len() < 2 {
        return false;
    }
    let (f, l) = (Evidence::of_words(first), Evidence::of_words(last));
    l.en > l.de && f.de >= f.en
}

fn segment_courses(seg: &Segment, bilingual: bool) -> Vec<Course> {
    let parts = slash_parts(&seg.text);
    let mut courses = if bilingual && parts.len() >= 2 {
        chain(&parts).unwrap_or_else(|| vec![mono(&seg.text, String::new())])
    } else {
        vec![mono(&seg.text, String::new())]
    };
    if let Some(last) = courses.last_mut() {
        last.allergens = seg.allergens.clone();
        for note in &seg.notes {
            for side in [&mut last.de, &mut last.en].into_iter().flatten() {
                side.push(' ');
                side.push_str(note);
            }
        }
    }
    courses
}

/// A course in one language: English if its words say so, else German (the canteen's first
/// language).
fn mono(text: &str, allergens: String) -> Course {
    let e = Evidence::of_words(text);
    let text = Some(text.to_string());
    let (de, en) = if e.en > e.de {
        (None, text)
    } else {
        (text, None)
    };
    Course { de, en, allergens }
}

/// `DE1 / EN1 DE2 / EN2 …`: each part between two slashes is cut where its English ends;
/// then a course glued to the last English (`… / … vegetables Balisto`) is peeled off.
/// `None` when a part has no place to cut.
fn chain(parts: &[&str]) -> Option<Vec<Course>> {
    let mut courses = Vec::new();
    let mut german = parts[0].to_string();
    for middle in &parts[1..parts.len() - 1] {
        let words: Vec<&str> = middle.split(' ').collect();
        let k = middle_cut(&words)?;
        courses.push(pair(german, words[..k].join(" ")));
        german = words[k..].join(" ");
    }
    let last: Vec<&str> = parts[parts.len() - 1].split(' ').collect();
    match peel_cut(&last) {
        Some(k) => {
            courses.push(pair(german, last[..k].join(" ")));
            courses.push(mono(&last[k..].join(" "), String::new()));
        }
        None => courses.push(pair(german, last.join(" "))),
    }
    Some(courses)
}

/// A German and an English text as one course, if the English reads English or repeats a
/// word of the German ("Minestrone / Minestrone"); else (a slash inside a name, a dessert
/// without translation) the whole stays one course, as does a side left empty.
fn pair(de: String, en: String) -> Course {
    let e = Evidence::of_words(&en);
    let shared = words(&en).any(|w| words(&de).any(|d| d.eq_ignore_ascii_case(w)));
    if en.is_empty() || de.is_empty() || !((e.en > 0 && e.en >= e.de) || shared) {
        let sides: Vec<String> = [de, en].into_iter().filter(|s| !s.is_empty()).collect();
        return mono(&sides.join(" / "), String::new());
    }
    Course {
        de: Some(de),
        en: Some(en),
        allergens: String::new(),
    }
}

/// Where `EN_i DE_i+1` changes language: before a capitalised word, with the least German on
/// the left and the least English on the right (the first such place on a tie).
fn middle_cut(words: &[&str]) -> Option<usize> {
    (1..words.len())
        .filter(|&k| starts_upper(words[k]) && !joins(words[k - 1]))
        .min_by_key(|&k| german_after_first(&words[..k]) + english(&words[k..]))
}

/// Where a course without English ends the English of the one before it: a capitalised
/// stretch with no English word after English words, if that explains the capitals better
/// than leaving it (a name such as "Penne Bolognese" is left whole).
fn peel_cut(words: &[&str]) -> Option<usize> {
    let whole = german_after_first(words);
    (1..words.len())
        .filter(|&k| starts_upper(words[k]) && !joins(words[k - 1]) && english(&words[k..]) == 0)
        .filter(|&k| english(&words[..k]) > 0)
        .map(|k| (k, german_after_first(&words[..k]) + PEEL_COST))
        .filter(|&(_, cost)| cost < whole)
        .min_by_key(|&(k, cost)| (cost, k))
        .map(|(k, _)| k)
}

/// What peeling off a course costs: less than one capitalised word, so a lone "Balisto"
/// after the English is its own course.
const PEEL_COST: i32 = 2;
/// A capitalised word (not the first): German nouns are, Bessa's English mostly is not.
const CAPITAL: i32 = 3;

fn german_after_first(words: &[&str]) -> i32 {
    words
        .iter()
        .skip(1)
        .map(|w| word_evidence(w).de + if starts_upper(w) { CAPITAL } else { 0 })
        .sum()
}

fn english(words: &[&str]) -> i32 {
    words.iter().map(|w| word_evidence(w).en).sum()
}

/// A word that never ends a course ("… with | Limerice" is one dish).
fn joins(word: &str) -> bool {
    const WORDS: [&str; 14] = [
        "a", "al", "and", "auf", "from", "in", "la", "mit", "of", "on", "or", "the", "und", "with",
    ];
    WORDS.contains(&word.to_lowercase().as_str()) || word.ends_with(['-', ',', ':'])
}

fn starts_upper(word: &str) -> bool {
    word.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_uppercase)
}

// ---------------------------------------------------------------------------------------------
// The promise: no word lost
// ---------------------------------------------------------------------------------------------

/// Whether every word of `text` is in the courses: in a text, or (a word of capitals only)
/// among the allergen letters.
fn keeps_every_word(text: &str, courses: &[Course]) -> bool {
    let mut kept: HashSet<&str> = HashSet::new();
    let mut letters: HashSet<char> = HashSet::new();
    for c in courses {
        for side in [&c.de, &c.en].into_iter().flatten() {
            kept.extend(words(side));
        }
        letters.extend(c.allergens.chars());
    }
    words(text).all(|w| {
        kept.contains(w)
            || (w
                .chars()
                .all(|c| c.is_ascii_uppercase() && letters.contains(&c)))
    })
}

/// The words of a text: its runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests;
