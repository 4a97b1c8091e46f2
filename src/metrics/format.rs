//! The Prometheus text exposition format, version 0.0.4: the few lines it needs, written by
//! hand (HELP and TYPE once per family, then its samples; label values escaped; histograms as
//! cumulative `_bucket{le=…}` lines ending with `+Inf`, then `_sum` and `_count`). The tests
//! pin the format; the black-box test runs the output through `promtool check metrics`.

use std::fmt::Write;

/// The content type of the format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The kind of a family, as its TYPE line says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// Label names and values of one sample, in the order written.
pub type Labels<'a> = &'a [(&'a str, &'a str)];

/// A histogram's state at one moment: the upper bounds, how many observations fell at or
/// below each (not cumulative: one count per bucket), their sum, and the count beyond the last
/// bound.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSnapshot<'b> {
    pub bounds: &'b [f64],
    pub per_bucket: Vec<u64>,
    pub above: u64,
    pub sum: f64,
}

/// The text of one scrape, built family by family.
#[derive(Debug, Default)]
pub struct Exposition {
    text: String,
}

impl Exposition {
    pub fn new() -> Exposition {
        Exposition::default()
    }

    /// Starts a family: its HELP and TYPE lines. Every sample of the family follows it.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.text, "# TYPE {name} {}", kind.as_str());
    }

    /// One sample line of a counter or gauge.
    pub fn sample(&mut self, name: &str, labels: Labels, value: f64) {
        self.line(name, labels, None, value);
    }

    /// The lines of one histogram series (its family started with [`Exposition::family`]).
    pub fn histogram(&mut self, name: &str, labels: Labels, h: &HistogramSnapshot) {
        let bucket = format!("{name}_bucket");
        let mut cumulative = 0;
        for (bound, n) in h.bounds.iter().zip(&h.per_bucket) {
            cumulative += n;
            self.line(&bucket, labels, Some(&number(*bound)), cumulative as f64);
        }
        let count = cumulative + h.above;
        self.line(&bucket, labels, Some("+Inf"), count as f64);
        self.line(&format!("{name}_sum"), labels, None, h.sum);
        self.line(&format!("{name}_count"), labels, None, count as f64);
    }

    fn line(&mut self, name: &str, labels: Labels, le: Option<&str>, value: f64) {
        self.text.push_str(name);
        let le = le.map(|le| ("le", le));
        let all: Vec<(&str, &str)> = labels.iter().copied().chain(le).collect();
        if !all.is_empty() {
            self.text.push('{');
            for (i, (k, v)) in all.iter().enumerate() {
                if i > 0 {
                    self.text.push(',');
                }
                let _ = write!(self.text, "{k}=\"{}\"", escape_label(v));
            }
            self.text.push('}');
        }
        let _ = writeln!(self.text, " {}", number(value));
    }

    pub fn into_text(self) -> String {
        self.text
    }
}

/// A label value as the format wants it: backslash, double quote and line feed escaped.
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// HELP text: backslash and line feed escaped (quotes stay as they are there).
fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A value: integers without a fraction, the special values as the format spells them.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape_label("two\nlines"), "two\\nlines");
        assert_eq!(escape_label("Küche 3"), "Küche 3");
        let mut e = Exposition::new();
        e.family("canteen_x", Kind::Gauge, "Help with a \\ and a\nnew line.");
        e.sample("canteen_x", &[("venue", "say \"hi\"")], 1.0);
        assert_eq!(
            e.into_text(),
            "# HELP canteen_x Help with a \\\\ and a\\nnew line.\n\
             # TYPE canteen_x gauge\n\
             canteen_x{venue=\"say \\\"hi\\\"\"} 1\n"
        );
    }

    #[test]
    fn a_sample_without_labels_has_no_braces_and_values_keep_their_fraction() {
        let mut e = Exposition::new();
        e.sample("canteen_a", &[], 3.0);
        e.sample("canteen_b", &[("x", "1"), ("y", "2")], 0.25);
        e.sample("canteen_c", &[], f64::NAN);
        assert_eq!(
            e.into_text(),
            "canteen_a 3\ncanteen_b{x=\"1\",y=\"2\"} 0.25\ncanteen_c NaN\n"
        );
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_end_with_inf_sum_and_count() {
        let bounds = [0.1, 1.0, 2.5];
        let h = HistogramSnapshot {
            bounds: &bounds,
            per_bucket: vec![2, 0, 1],
            above: 4,
            sum: 31.5,
        };
        let mut e = Exposition::new();
        e.histogram("canteen_d_seconds", &[("venue", "v")], &h);
        assert_eq!(
            e.into_text(),
            "canteen_d_seconds_bucket{venue=\"v\",le=\"0.1\"} 2\n\
             canteen_d_seconds_bucket{venue=\"v\",le=\"1\"} 2\n\
             canteen_d_seconds_bucket{venue=\"v\",le=\"2.5\"} 3\n\
             canteen_d_seconds_bucket{venue=\"v\",le=\"+Inf\"} 7\n\
             canteen_d_seconds_sum{venue=\"v\"} 31.5\n\
             canteen_d_seconds_count{venue=\"v\"} 7\n"
        );
    }
}
