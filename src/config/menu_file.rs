//! Menu files: the admin's weekly menu for vendors without a menu call (Order Mesa,
//! Liefersoft). TOML with one `[[dishes]]` table per dish, or CSV with one row per dish; both
//! say on which weekdays and/or dates a dish is served. See `data/sample-menu.toml`.

use super::csv::Sheet;
use super::reader::{Section, Value, article};
use super::report::{ConfigReport, Problems};
use crate::domain::menu::ALLERGENS;
use crate::domain::{Article, MenuDay, Money, Percent};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// A loaded menu file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuFile {
    /// The config key of the venue it belongs to.
    pub venue: String,
    pub path: PathBuf,
    pub dishes: Vec<Dish>,
    /// Days without service (holidays), whatever the dishes say.
    pub closed: Vec<Date>,
}

/// One dish and when it is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dish {
    /// The vendor's item code (Order Mesa `externalCode`, Liefersoft `itemCode`).
    pub code: String,
    pub name: String,
    pub description: String,
    pub price: Money,
    pub vat: Option<Percent>,
    /// Sorted EU allergen letters.
    pub allergens: String,
    /// Portions per day, where the kitchen limits them.
    pub portions: Option<u32>,
    pub weekdays: Vec<Weekday>,
    pub dates: Vec<Date>,
}

impl Dish {
    pub fn served_on(&self, day: Date) -> bool {
        self.weekdays.contains(&day.weekday()) || self.dates.contains(&day)
    }

    fn article(&self) -> Article {
        Article {
            vendor_id: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            price: self.price,
            vat: self.vat,
            allergens: self.allergens.clone(),
            portions_left: self.portions,
            sold_out: false,
        }
    }
}

impl MenuFile {
    /// The menu of `days` days from `from` (included); a day without dishes has an empty list.
    pub fn days(&self, from: Date, days: u32) -> Vec<MenuDay> {
        (0..i64::from(days))
            .filter_map(|i| from.checked_add(i.days()).ok())
            .map(|day| MenuDay {
                venue: self.venue.clone(),
                day,
                vendor_day_id: None,
                articles: self.articles_on(day),
            })
            .collect()
    }

    fn articles_on(&self, day: Date) -> Vec<Article> {
        if self.closed.contains(&day) {
            return Vec::new();
        }
        self.dishes
            .iter()
            .filter(|d| d.served_on(day))
            .map(Dish::article)
            .collect()
    }
}

/// The CSV columns, in the order the sample uses.
pub const CSV_COLUMNS: [&str; 9] = [
    "code",
    "name",
    "description",
    "price",
    "vat",
    "allergens",
    "portions",
    "weekdays",
    "dates",
];

/// Loads a menu file as `check-config` does: any problem refuses the whole file (the admin
/// fixes it before the kiosk runs on it). `.csv` files are CSV, anything else TOML.
pub fn load(path: &Path, venue_key: &str) -> Result<MenuFile, ConfigReport> {
    let (file, problems) = read(path, venue_key)?;
    if !problems.is_empty() {
        return Err(report_of(problems));
    }
    Ok(file)
}

/// Loads a menu file for the menu cache (an edited file read by a running kiosk): a dish that
/// cannot be read (a missing or wrongly written field, a code used twice) is left out with one
/// log line naming the field, and the other dishes stay. Only a file without a single
/// readable dish (unreadable, not UTF-8, broken TOML or CSV header) is an error.
pub fn load_readable(path: &Path, venue_key: &str) -> Result<MenuFile, ConfigReport> {
    let (mut file, problems) = read(path, venue_key)?;
    if file.dishes.is_empty() {
        return Err(report_of(problems));
    }
    for problem in &problems {
        log::warn!("menu file: left out: {problem}");
    }
    // A code used twice is a problem of the second dish: the first stays.
    let mut seen = std::collections::HashSet::new();
    file.dishes.retain(|d| seen.insert(d.code.clone()));
    Ok(file)
}

fn report_of(problems: Vec<super::Problem>) -> ConfigReport {
    let mut report = ConfigReport { problems };
    report.sort();
    report
}

/// The file's readable dishes and every problem found; an error only when the file cannot be
/// read at all.
fn read(path: &Path, venue_key: &str) -> Result<(MenuFile, Vec<super::Problem>), ConfigReport> {
    let mut p = Problems::new(path, "");
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => return Err(fail(p, "is not a UTF-8 text file")),
        Err(e) => return Err(fail(p, &format!("cannot be read: {e}"))),
    };
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    p = Problems::new(path, &text);
    let (dishes, closed) = if is_csv {
        (parse_csv(&mut p, &text), Vec::new())
    } else {
        parse_toml(&mut p, &text)
    };
    check_unique_codes(&mut p, &dishes);
    if dishes.is_empty() && p.is_empty() {
        p.at_line(None, "", "has no dishes");
    }
    let file = MenuFile {
        venue: venue_key.to_string(),
        path: path.to_path_buf(),
        dishes: dishes.into_iter().map(|(_, _, d)| d).collect(),
        closed,
    };
    Ok((file, p.into_vec()))
}

fn fail(mut p: Problems, message: &str) -> ConfigReport {
    p.at_line(None, "", message);
    ConfigReport {
        problems: p.into_vec(),
    }
}

/// A dish as written, before checking: each field with its line.
#[derive(Default)]
struct RawDish {
    line: usize,
    /// `dishes[2]` in TOML; empty in CSV, where the key is the column name.
    prefix: String,
    fields: Vec<(&'static str, Vec<String>, usize)>,
    /// Fields present but of the wrong type (reported already, so not "missing" again).
    refused: Vec<&'static str>,
}

impl RawDish {
    fn get(&self, field: &str) -> Option<(&str, usize)> {
        self.fields
            .iter()
            .find(|(f, _, _)| *f == field)
            .and_then(|(_, v, line)| v.first().map(|s| (s.as_str(), *line)))
    }

    fn list(&self, field: &str) -> Option<(&[String], usize)> {
        self.fields
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, v, line)| (v.as_slice(), *line))
    }

    fn key(&self, field: &str) -> String {
        if self.prefix.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.prefix)
        }
    }
}

fn parse_toml(p: &mut Problems, text: &str) -> (Vec<Placed>, Vec<Date>) {
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let msg = format!("invalid TOML: {}", super::secrets::one_line(e.message()));
            p.at(e.span(), "", msg);
            return (Vec::new(), Vec::new());
        }
    };
    let mut root = Section::new(doc.get_ref(), String::new(), None);
    let closed = root
        .array(p, "closed")
        .map(|items| dates_of(p, "closed", items))
        .unwrap_or_default();
    let mut dishes = Vec::new();
    if let Some(items) = root.array(p, "dishes") {
        for (i, item) in items.iter().enumerate() {
            if let Some(raw) = toml_dish(p, i, item) {
                let code_line = raw.get("code").map_or(raw.line, |(_, line)| line);
                dishes.extend(check_dish(p, &raw).map(|d| (code_line, raw.key("code"), d)));
            }
        }
    } else if !root.has("dishes") {
        p.at_line(
            None,
            "dishes",
            "are missing; add one [[dishes]] table per dish",
        );
    }
    root.finish(p);
    (dishes, closed)
}

fn dates_of(p: &mut Problems, key: &str, items: &[Value]) -> Vec<Date> {
    let mut out = Vec::new();
    for item in items {
        let text = scalar_text(item.get_ref()).unwrap_or_default();
        match text.parse::<Date>() {
            Ok(d) => out.push(d),
            Err(_) => p.at(
                Some(item.span()),
                key,
                format!("must be dates like \"2026-11-23\", not {text:?}"),
            ),
        }
    }
    out
}

/// Strings, integers and TOML dates as text; floats are refused (money is never a float).
fn scalar_text(value: &DeValue) -> Option<String> {
    match value {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Integer(_) => super::reader::integer(value).map(|n| n.to_string()),
        DeValue::Datetime(d) => Some(d.to_string()),
        _ => None,
    }
}

const TOML_FIELDS: [&str; 9] = CSV_COLUMNS;

fn toml_dish(p: &mut Problems, index: usize, item: &Value) -> Option<RawDish> {
    let prefix = format!("dishes[{index}]");
    let Some(table) = item.get_ref().as_table() else {
        let found = article(item.get_ref().type_str());
        p.at(
            Some(item.span()),
            &prefix,
            format!("must be a [[dishes]] table, not {found}"),
        );
        return None;
    };
    let line = p.line_of(item.span().start);
    let mut s = Section::new(table, prefix.clone(), Some(item.span()));
    let mut raw = RawDish {
        line,
        prefix,
        ..RawDish::default()
    };
    for field in TOML_FIELDS {
        let Some(value) = s.raw(field) else { continue };
        let line = s.key_span(field).map_or(line, |sp| p.line_of(sp.start));
        match toml_field_values(value.get_ref()) {
            Some(values) => raw.fields.push((field, values, line)),
            None => {
                let found = article(value.get_ref().type_str());
                let msg = format!(
                    "must be a string, not {found}{}",
                    float_hint(field, value.get_ref())
                );
                p.at_line(Some(line), &raw.key(field), msg);
                raw.refused.push(field);
            }
        }
    }
    s.finish(p);
    Some(raw)
}

fn toml_field_values(value: &DeValue) -> Option<Vec<String>> {
    match value {
        DeValue::Array(items) => items.iter().map(|v| scalar_text(v.get_ref())).collect(),
        other => scalar_text(other).map(|s| vec![s]),
    }
}

fn float_hint(field: &str, value: &DeValue) -> &'static str {
    match (field, value) {
        ("price" | "vat", DeValue::Float(_)) => {
            " (write it in quotes, e.g. \"5.50\": a float is not exact)"
        }
        _ => "",
    }
}

fn parse_csv(p: &mut Problems, text: &str) -> Vec<Placed> {
    let Some(sheet) = Sheet::parse(p, text, &CSV_COLUMNS, &["code", "name", "price"]) else {
        return Vec::new();
    };
    sheet.check_widths(p);
    let mut dishes = Vec::new();
    for row in &sheet.rows {
        let mut raw = RawDish {
            line: row.line,
            ..RawDish::default()
        };
        for column in CSV_COLUMNS {
            if let Some(cell) = sheet.get(row, column) {
                let values = match column {
                    "weekdays" | "dates" => split_list(cell),
                    _ => vec![cell.to_string()],
                };
                raw.fields.push((column, values, row.line));
            }
        }
        dishes.extend(check_dish(p, &raw).map(|d| (row.line, raw.key("code"), d)));
    }
    dishes
}

/// "mon tue", "mon;tue", "mon, tue" all list two days.
fn split_list(cell: &str) -> Vec<String> {
    cell.split([' ', ';', ',', '|'])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn check_dish(p: &mut Problems, raw: &RawDish) -> Option<Dish> {
    let required = |p: &mut Problems, field: &str, example: &str| -> Option<String> {
        match raw.get(field) {
            Some((v, _)) if !v.trim().is_empty() => Some(v.trim().to_string()),
            _ if raw.refused.contains(&field) => None,
            _ => {
                p.at_line(
                    Some(raw.line),
                    &raw.key(field),
                    format!("is missing; e.g. {field} = {example}"),
                );
                None
            }
        }
    };
    let code = required(p, "code", "\"M1\"");
    let name = required(p, "name", "\"Wiener Schnitzel\"");
    let price = required(p, "price", "\"5.50\"").and_then(|_| price(p, raw));
    let vat = vat(p, raw);
    let allergens = allergens(p, raw);
    let portions = portions(p, raw);
    let (weekdays, dates) = schedule(p, raw);
    Some(Dish {
        code: code?,
        name: name?,
        description: raw
            .get("description")
            .map(|(d, _)| d.trim().to_string())
            .unwrap_or_default(),
        price: price?,
        vat: vat?,
        allergens: allergens?,
        portions: portions?,
        weekdays: weekdays?,
        dates: dates?,
    })
}

fn price(p: &mut Problems, raw: &RawDish) -> Option<Money> {
    let (text, line) = raw.get("price")?;
    match Money::parse(text) {
        Ok(m) if m.cents() >= 0 => Some(m),
        Ok(_) => {
            p.at_line(Some(line), &raw.key("price"), "must not be negative");
            None
        }
        Err(e) => {
            p.at_line(
                Some(line),
                &raw.key("price"),
                format!("must be an amount like \"5.50\": {e}"),
            );
            None
        }
    }
}

/// `Some(None)`: no VAT given; `None`: a bad one (reported).
fn vat(p: &mut Problems, raw: &RawDish) -> Option<Option<Percent>> {
    let Some((text, line)) = raw.get("vat") else {
        return Some(None);
    };
    match Percent::parse(text.trim_end_matches('%').trim()) {
        Ok(v) if (0..=10_000).contains(&v.hundredths()) => Some(Some(v)),
        _ => {
            p.at_line(
                Some(line),
                &raw.key("vat"),
                format!("must be a percentage like \"10\" or \"10.00\", not {text:?}"),
            );
            None
        }
    }
}

fn allergens(p: &mut Problems, raw: &RawDish) -> Option<String> {
    let Some((text, line)) = raw.get("allergens") else {
        return Some(String::new());
    };
    let known = |c: char| ALLERGENS.iter().any(|(l, _)| *l == c);
    let mut letters: Vec<char> = text.chars().filter(|c| !matches!(c, ' ' | ',')).collect();
    if let Some(bad) = letters.iter().find(|c| !known(**c)) {
        let all: String = ALLERGENS.iter().map(|(l, _)| *l).collect();
        let msg = format!("has '{bad}', which is not an EU allergen letter (known: {all})");
        p.at_line(Some(line), &raw.key("allergens"), msg);
        return None;
    }
    letters.sort_unstable();
    letters.dedup();
    Some(letters.into_iter().collect())
}

fn portions(p: &mut Problems, raw: &RawDish) -> Option<Option<u32>> {
    let Some((text, line)) = raw.get("portions") else {
        return Some(None);
    };
    match text.parse::<u32>() {
        Ok(n) if n <= 100_000 => Some(Some(n)),
        _ => {
            p.at_line(
                Some(line),
                &raw.key("portions"),
                format!("must be a whole number of portions, not {text:?}"),
            );
            None
        }
    }
}

type Schedule = (Option<Vec<Weekday>>, Option<Vec<Date>>);

fn schedule(p: &mut Problems, raw: &RawDish) -> Schedule {
    let mut ok = true;
    let mut weekdays = Vec::new();
    if let Some((names, line)) = raw.list("weekdays") {
        for name in names {
            match weekday(name) {
                Some(w) => weekdays.push(w),
                None => {
                    ok = false;
                    let msg = format!("has {name:?}; use mon, tue, wed, thu, fri, sat, sun");
                    p.at_line(Some(line), &raw.key("weekdays"), msg);
                }
            }
        }
    }
    let mut dates = Vec::new();
    if let Some((texts, line)) = raw.list("dates") {
        for text in texts {
            match text.parse::<Date>() {
                Ok(d) => dates.push(d),
                Err(_) => {
                    ok = false;
                    let msg = format!("has {text:?}; write dates as \"2026-11-23\"");
                    p.at_line(Some(line), &raw.key("dates"), msg);
                }
            }
        }
    }
    if ok && weekdays.is_empty() && dates.is_empty() {
        let msg =
            "say when the dish is served: weekdays = [\"mon\", …] and/or dates = [\"2026-11-23\"]";
        p.at_line(
            Some(raw.line),
            &raw.key("weekdays"),
            format!("or dates are missing; {msg}"),
        );
        ok = false;
    }
    if ok {
        (Some(weekdays), Some(dates))
    } else {
        (None, None)
    }
}

fn weekday(name: &str) -> Option<Weekday> {
    const DAYS: [(&str, Weekday); 7] = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    let name = name.trim().to_ascii_lowercase();
    DAYS.iter()
        .find(|(full, _)| name.len() >= 3 && full.starts_with(name.as_str()))
        .map(|(_, w)| *w)
}

/// A checked dish with its line and the key of its code, for later cross-checks.
type Placed = (usize, String, Dish);

fn check_unique_codes(p: &mut Problems, dishes: &[Placed]) {
    for (i, (line, key, dish)) in dishes.iter().enumerate() {
        if let Some((first, _, _)) = dishes[..i].iter().find(|(_, _, d)| d.code == dish.code) {
            let msg = format!(
                "\"{}\" is used twice (first at line {first}); give each dish its own code and list all its days in one entry",
                dish.code
            );
            p.at_line(Some(*line), key, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_names_can_be_short_or_long() {
        assert_eq!(weekday("Mon"), Some(Weekday::Monday));
        assert_eq!(weekday("thursday"), Some(Weekday::Thursday));
        assert_eq!(weekday("th"), None);
        assert_eq!(weekday("moon"), None);
    }

    #[test]
    fn lists_split_on_any_separator() {
        assert_eq!(
            split_list("mon tue;wed, thu|fri"),
            ["mon", "tue", "wed", "thu", "fri"]
        );
    }
}
