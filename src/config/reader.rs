//! Reading a spanned TOML table key by key. Every getter records the key as known, so what is
//! left at the end are unknown keys (typos), reported with the nearest known key. Each getter
//! reports its own problem and returns `None`, so validation carries on and finds them all.

use super::report::Problems;
use std::ops::{Range, RangeInclusive};
use std::time::Duration;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

/// The keys of the file's top level that are not tables.
pub(crate) const TOP_LEVEL_FILE_KEYS: [&str; 2] = ["secrets_file", "badges_file"];

/// One TOML table being read, with its key path (`venues.canteen`) for messages.
pub(crate) struct Section<'a, 'i> {
    table: &'a DeTable<'i>,
    path: String,
    /// Where a missing key is reported: the table's header or key.
    span: Option<Range<usize>>,
    known: Vec<&'static str>,
}

impl<'a, 'i> Section<'a, 'i> {
    pub fn new(table: &'a DeTable<'i>, path: String, span: Option<Range<usize>>) -> Self {
        Section {
            table,
            path,
            span,
            known: Vec::new(),
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// The full key path of a key of this table.
    pub fn key(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Marks a key as known without reading it (it is checked elsewhere).
    pub fn mark(&mut self, key: &'static str) {
        self.known.push(key);
    }

    pub fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// The span of a key as written (for its line number).
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.table.get_key_value(key).map(|(k, _)| k.span())
    }

    /// The raw value of a key.
    pub fn raw(&mut self, key: &'static str) -> Option<&'a Value<'i>> {
        self.known.push(key);
        self.table.get(key)
    }

    /// The entries of the table in key order, for tables whose keys are names (venues).
    pub fn entries(
        &self,
    ) -> impl Iterator<Item = (&'a Spanned<std::borrow::Cow<'i, str>>, &'a Value<'i>)> {
        self.table.iter()
    }

    pub fn missing(&self, p: &mut Problems, key: &str, example: &str) {
        p.at(
            self.span(),
            &self.key(key),
            format!("is missing; add e.g. `{key} = {example}`"),
        );
    }

    fn wrong_type(&self, p: &mut Problems, key: &str, expected: &str, found: &DeValue) {
        let found = article(found.type_str());
        p.at(
            self.key_span(key),
            &self.key(key),
            format!("must be {expected}, not {found}"),
        );
    }

    pub fn string(&mut self, p: &mut Problems, key: &'static str) -> Option<Spanned<String>> {
        let value = self.raw(key)?;
        match value.get_ref().as_str() {
            Some(s) => Some(Spanned::new(self.key_span(key)?, s.to_string())),
            None => {
                self.wrong_type(p, key, "a string", value.get_ref());
                None
            }
        }
    }

    /// A required string; reports it missing with an example of a right value.
    pub fn req_string(
        &mut self,
        p: &mut Problems,
        key: &'static str,
        example: &str,
    ) -> Option<Spanned<String>> {
        if !self.has(key) {
            self.known.push(key);
            self.missing(p, key, example);
            return None;
        }
        let s = self.string(p, key)?;
        if s.get_ref().trim().is_empty() {
            p.at(
                Some(s.span()),
                &self.key(key),
                format!("must not be empty; e.g. `{key} = {example}`"),
            );
            return None;
        }
        Some(s)
    }

    /// An optional string that must not be empty when given.
    pub fn req_string_opt(
        &mut self,
        p: &mut Problems,
        key: &'static str,
    ) -> Option<Spanned<String>> {
        if self.has(key) {
            self.req_string(p, key, "\"…\"")
        } else {
            self.mark(key);
            None
        }
    }

    /// Keys that belong at the top of the file but ended up in this table: in TOML, every
    /// key after a `[table]` header belongs to that table, an easy mistake to make.
    pub fn misplaced_top_level(&mut self, p: &mut Problems) {
        for key in TOP_LEVEL_FILE_KEYS {
            if self.has(key) {
                self.mark(key);
                let msg = format!(
                    "belongs at the top of the file, before the first [table]: a key after a \
                     [{}] header is part of that table",
                    self.path
                );
                p.at(self.key_span(key), &self.key(key), msg);
            }
        }
    }

    /// An optional string with a default.
    pub fn text(&mut self, p: &mut Problems, key: &'static str, default: &str) -> String {
        self.string(p, key)
            .map(Spanned::into_inner)
            .unwrap_or_else(|| default.to_string())
    }

    pub fn int(
        &mut self,
        p: &mut Problems,
        key: &'static str,
        range: RangeInclusive<i64>,
    ) -> Option<i64> {
        let value = self.raw(key)?;
        let Some(n) = integer(value.get_ref()) else {
            self.wrong_type(p, key, "a whole number", value.get_ref());
            return None;
        };
        if !range.contains(&n) {
            p.at(
                self.key_span(key),
                &self.key(key),
                format!(
                    "must be between {} and {}, not {n}",
                    range.start(),
                    range.end()
                ),
            );
            return None;
        }
        Some(n)
    }

    pub fn bool(&mut self, p: &mut Problems, key: &'static str) -> Option<bool> {
        let value = self.raw(key)?;
        let b = value.get_ref().as_bool();
        if b.is_none() {
            self.wrong_type(p, key, "true or false", value.get_ref());
        }
        b
    }

    /// One of a fixed set of words.
    pub fn choice(
        &mut self,
        p: &mut Problems,
        key: &'static str,
        options: &[&str],
    ) -> Option<Spanned<String>> {
        let s = self.string(p, key)?;
        if options.contains(&s.get_ref().as_str()) {
            return Some(s);
        }
        p.at(
            Some(s.span()),
            &self.key(key),
            format!("must be {}, not \"{}\"", one_of(options), s.get_ref()),
        );
        None
    }

    /// A duration: whole seconds, or a string like "90s", "15m", "1h30m" (jiff's friendly
    /// format; ISO 8601 "PT1H" works too). Negative and out-of-range values are refused.
    pub fn duration(
        &mut self,
        p: &mut Problems,
        key: &'static str,
        bounds: RangeInclusive<Duration>,
    ) -> Option<Duration> {
        let value = self.raw(key)?;
        let secs = match value.get_ref() {
            DeValue::Integer(_) => integer(value.get_ref()),
            DeValue::String(s) => parse_duration(s),
            other => {
                let expected = "a number of seconds or a duration string like \"15m\"";
                self.wrong_type(p, key, expected, other);
                return None;
            }
        };
        let span = self.key_span(key);
        let Some(secs) = secs else {
            let msg =
                "must be a number of seconds or a duration like \"90s\", \"15m\" or \"1h30m\"";
            p.at(span, &self.key(key), msg);
            return None;
        };
        let Ok(secs) = u64::try_from(secs) else {
            p.at(span, &self.key(key), "must not be negative");
            return None;
        };
        let d = Duration::from_secs(secs);
        if !bounds.contains(&d) {
            let (lo, hi) = (fmt_duration(*bounds.start()), fmt_duration(*bounds.end()));
            let msg = format!("must be between {lo} and {hi}, not {}", fmt_duration(d));
            p.at(span, &self.key(key), msg);
            return None;
        }
        Some(d)
    }

    /// A sub-table, read as its own section.
    pub fn table(&mut self, p: &mut Problems, key: &'static str) -> Option<Section<'a, 'i>> {
        let value = self.raw(key)?;
        match value.get_ref().as_table() {
            Some(t) => Some(Section::new(t, self.key(key), self.key_span(key))),
            None => {
                self.wrong_type(p, key, "a table", value.get_ref());
                None
            }
        }
    }

    pub fn array(&mut self, p: &mut Problems, key: &'static str) -> Option<&'a [Value<'i>]> {
        let value = self.raw(key)?;
        match value.get_ref().as_array() {
            Some(a) => Some(a),
            None => {
                self.wrong_type(p, key, "a list [..]", value.get_ref());
                None
            }
        }
    }

    /// Reports every key that no getter asked for, with the nearest known key.
    pub fn finish(self, p: &mut Problems) {
        for (key, _) in self.table.iter() {
            let name: &str = key.get_ref();
            if self.known.contains(&name) {
                continue;
            }
            let msg = unknown_key_message(name, &self.known);
            p.at(Some(key.span()), &self.key(name), msg);
        }
    }
}

fn unknown_key_message(name: &str, known: &[&str]) -> String {
    match nearest(name, known) {
        Some(near) => format!("is not a known setting; did you mean `{near}`?"),
        None => {
            let mut all: Vec<&str> = known.to_vec();
            all.sort_unstable();
            all.dedup();
            format!("is not a known setting; known here: {}", all.join(", "))
        }
    }
}

/// The known key closest to a typo, if it is close enough to be a plausible typo.
pub(crate) fn nearest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let word: Vec<char> = word.chars().collect();
    let limit = (word.len() / 3).clamp(1, 3);
    known
        .iter()
        .filter_map(|k| Some((edit_distance_within(&word, k, limit)?, *k)))
        .min()
        .map(|(_, k)| k)
}

/// The Levenshtein distance of `a` and `b` if it is at most `max`, else `None`. Bounded, so
/// that a 200 KB value held against the known names costs a length comparison each, not
/// 200 KB × their length (`check-config` took 25 s on such a file):
/// * strings whose lengths differ by more than `max` are further apart than that;
/// * a cell further than `max` from the diagonal is above `max`, so only the band is computed
///   (cells outside it hold `max + 1`, "too far");
/// * once a whole row of the band is above `max`, so is the end.
fn edit_distance_within(a: &[char], b: &str, max: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let too_far = max + 1;
    // row[j]: the distance of a[..i] and b[..j], for the row i being computed.
    let mut row: Vec<usize> = (0..=b.len()).map(|j| j.min(too_far)).collect();
    for (i, ca) in a.iter().enumerate() {
        let i = i + 1;
        let first = i.saturating_sub(max).max(1);
        let last = (i + max).min(b.len());
        // The cell left of the band: the first column, or outside the band (too far).
        let mut diagonal = row[first - 1];
        row[first - 1] = if first == 1 { i.min(too_far) } else { too_far };
        let mut row_min = row[first - 1];
        for j in first..=last {
            let cost = usize::from(*ca != b[j - 1]);
            let above = row[j];
            let cell = (diagonal + cost)
                .min(above + 1)
                .min(row[j - 1] + 1)
                .min(too_far);
            diagonal = above;
            row[j] = cell;
            row_min = row_min.min(cell);
        }
        if row_min > max {
            return None;
        }
    }
    let distance = row[b.len()];
    (distance <= max).then_some(distance)
}

/// The value of a TOML integer (any radix); `None` for other types or beyond i64.
pub(crate) fn integer(value: &DeValue) -> Option<i64> {
    let i = value.as_integer()?;
    i64::from_str_radix(i.as_str(), i.radix()).ok()
}

/// "a string", "an integer": TOML type names with an article for messages.
pub(crate) fn article(type_name: &str) -> String {
    let vowel = type_name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {type_name}", if vowel { "an" } else { "a" })
}

/// `"a", "b" or "c"` for messages.
pub(crate) fn one_of(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

/// Seconds of a duration string; `None` if it is not one. Plain digits are seconds too.
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    if let Ok(d) = text.parse::<jiff::SignedDuration>() {
        return Some(d.as_secs());
    }
    // "2 days" is a calendar span to jiff; for cutoffs a day is simply 24 hours.
    let span: jiff::Span = text.parse().ok()?;
    let d = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .ok()?;
    Some(d.as_secs())
}

/// 5400 s → "1h30m", for messages and the summary.
pub(crate) fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs();
    let (days, h, m, s) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let mut out = String::new();
    if days > 0 {
        out.push_str(&format!("{days}d"));
    }
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_close_keys() {
        let known = ["idle_logout", "language", "data_dir"];
        assert_eq!(nearest("idle_logut", &known), Some("idle_logout"));
        assert_eq!(nearest("langauge", &known), Some("language"));
        assert_eq!(nearest("colour", &known), None);
    }

    /// The plain Levenshtein distance, to hold the bounded one against.
    fn full_distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let next = (prev + usize::from(ca != *cb))
                    .min(row[j] + 1)
                    .min(row[j + 1] + 1);
                prev = row[j + 1];
                row[j + 1] = next;
            }
        }
        row[b.len()]
    }

    fn within(a: &str, b: &str, max: usize) -> Option<usize> {
        edit_distance_within(&a.chars().collect::<Vec<_>>(), b, max)
    }

    #[test]
    fn the_bounded_distance_is_the_distance_up_to_its_bound() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "kitten",
            "sitting",
            "idle_logout",
            "idle_logut",
            "language",
            "langauge",
            "data_dir",
            "secrets_file",
            "secret_file",
            "Europe/Vienna",
            "Europe/Viena",
            "Europa/Wien",
            "ÄÖÜ",
            "AOU",
            "aaaa",
            "aaab",
            "baaa",
        ];
        for a in words {
            for b in words {
                let d = full_distance(a, b);
                for max in 0..=4 {
                    let want = (d <= max).then_some(d);
                    assert_eq!(within(a, b, max), want, "{a:?} {b:?} max {max}");
                }
            }
        }
        // Random strings over a small alphabet, so that near misses are common.
        let mut rng = fastrand::Rng::with_seed(13);
        let word = |rng: &mut fastrand::Rng| -> String {
            let n = rng.usize(0..12);
            (0..n)
                .map(|_| rng.choice(['a', 'b', 'c']).unwrap())
                .collect()
        };
        for _ in 0..2000 {
            let (a, b) = (word(&mut rng), word(&mut rng));
            let d = full_distance(&a, &b);
            let max = rng.usize(0..=4);
            assert_eq!(
                within(&a, &b, max),
                (d <= max).then_some(d),
                "{a:?} {b:?} {max}"
            );
        }
    }

    #[test]
    fn a_long_word_is_far_from_every_short_one_at_once() {
        let long = "x".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(within(&long, "idle_logout", 3), None);
        assert_eq!(nearest(&long, &["idle_logout", "language"]), None);
        // Within the bound by length, the band keeps it linear: 200 000 × 7 cells.
        let near = format!("{long}ab");
        assert_eq!(within(&long, &near, 3), Some(2));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("15m"), Some(900));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("1h 30m"), Some(5400));
        assert_eq!(parse_duration("2 hours"), Some(7200));
        assert_eq!(parse_duration("PT1H"), Some(3600));
        assert_eq!(parse_duration("2 days"), Some(172_800));
        assert_eq!(parse_duration("1d 2h"), Some(93_600));
        assert_eq!(parse_duration("-1h"), Some(-3600));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(fmt_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(fmt_duration(Duration::from_secs(0)), "0s");
        assert_eq!(fmt_duration(Duration::from_secs(61)), "1m1s");
        assert_eq!(fmt_duration(Duration::from_secs(86_400 + 3600)), "1d1h");
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(one_of(&["a"]), "\"a\"");
        assert_eq!(one_of(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
        assert_eq!(article("integer"), "an integer");
        assert_eq!(article("string"), "a string");
    }
}
