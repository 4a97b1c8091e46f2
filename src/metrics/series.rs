//! Counters and histograms with labels, counted with atomics: the label set is looked up
//! under a read lock (a write lock only the first time a label set is seen), and the count
//! itself is one atomic add, so the sync worker and the webhook receiver never wait on a
//! scrape for longer than a map look-up.

use super::format::{Exposition, HistogramSnapshot};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

/// One series per label set, in label order (so a scrape's output is stable).
struct Series<T> {
    by_labels: RwLock<BTreeMap<Vec<String>, Arc<T>>>,
}

impl<T: Default> Series<T> {
    fn new() -> Series<T> {
        Series {
            by_labels: RwLock::new(BTreeMap::new()),
        }
    }

    fn get(&self, labels: &[&str]) -> Arc<T> {
        let key: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
        if let Some(s) = self
            .by_labels
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return s.clone();
        }
        let mut map = self
            .by_labels
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        map.entry(key).or_default().clone()
    }

    fn each(&self) -> Vec<(Vec<String>, Arc<T>)> {
        let map = self
            .by_labels
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

/// Pairs label names with one series' values for the writer.
fn pairs<'a>(names: &'a [&'a str], values: &'a [String]) -> Vec<(&'a str, &'a str)> {
    names
        .iter()
        .copied()
        .zip(values.iter().map(String::as_str))
        .collect()
}

/// A counter family: `name` with the label names `labels`.
pub struct CounterVec {
    labels: &'static [&'static str],
    series: Series<AtomicU64>,
}

impl CounterVec {
    pub fn new(labels: &'static [&'static str]) -> CounterVec {
        CounterVec {
            labels,
            series: Series::new(),
        }
    }

    /// Adds one to the series of these label values (in the order of the label names).
    pub fn inc(&self, values: &[&str]) {
        self.add(values, 1);
    }

    /// Adds `n` to the series of these label values.
    pub fn add(&self, values: &[&str], n: u64) {
        debug_assert_eq!(values.len(), self.labels.len());
        self.series.get(values).fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(&self, values: &[&str]) -> u64 {
        self.series.get(values).load(Ordering::Relaxed)
    }

    /// Writes every series (the family's HELP and TYPE come first, from the caller).
    pub fn write(&self, out: &mut Exposition, name: &str) {
        for (values, n) in self.series.each() {
            out.sample(
                name,
                &pairs(self.labels, &values),
                n.load(Ordering::Relaxed) as f64,
            );
        }
    }
}

/// One histogram series: a count per bucket, the count above the last bound, and the sum in
/// microseconds (an integer, so it adds atomically; durations need no finer grain).
#[derive(Default)]
pub struct Buckets {
    per_bucket: [AtomicU64; MAX_BOUNDS],
    above: AtomicU64,
    sum_micros: AtomicU64,
}

/// The most bounds a histogram may have.
const MAX_BOUNDS: usize = 16;

/// A histogram family of durations in seconds.
pub struct HistogramVec {
    labels: &'static [&'static str],
    bounds: &'static [f64],
    series: Series<Buckets>,
}

impl HistogramVec {
    /// `bounds`: the buckets' upper bounds in seconds, ascending, at most 16.
    pub fn new(labels: &'static [&'static str], bounds: &'static [f64]) -> HistogramVec {
        assert!(bounds.len() <= MAX_BOUNDS && bounds.is_sorted());
        HistogramVec {
            labels,
            bounds,
            series: Series::new(),
        }
    }

    pub fn observe(&self, values: &[&str], d: std::time::Duration) {
        debug_assert_eq!(values.len(), self.labels.len());
        let b = self.series.get(values);
        let secs = d.as_secs_f64();
        match self.bounds.iter().position(|bound| secs <= *bound) {
            Some(i) => b.per_bucket[i].fetch_add(1, Ordering::Relaxed),
            None => b.above.fetch_add(1, Ordering::Relaxed),
        };
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        b.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn write(&self, out: &mut Exposition, name: &str) {
        for (values, b) in self.series.each() {
            let snapshot = HistogramSnapshot {
                bounds: self.bounds,
                per_bucket: b.per_bucket[..self.bounds.len()]
                    .iter()
                    .map(|n| n.load(Ordering::Relaxed))
                    .collect(),
                above: b.above.load(Ordering::Relaxed),
                sum: b.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
            };
            out.histogram(name, &pairs(self.labels, &values), &snapshot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn counters_count_per_label_set_in_label_order() {
        let c = CounterVec::new(&["venue", "outcome"]);
        c.inc(&["b", "sent"]);
        c.inc(&["a", "failed"]);
        c.inc(&["b", "sent"]);
        assert_eq!(c.get(&["b", "sent"]), 2);
        let mut e = Exposition::new();
        c.write(&mut e, "canteen_t_total");
        assert_eq!(
            e.into_text(),
            "canteen_t_total{venue=\"a\",outcome=\"failed\"} 1\n\
             canteen_t_total{venue=\"b\",outcome=\"sent\"} 2\n"
        );
    }

    #[test]
    fn observations_land_in_the_first_bucket_that_holds_them() {
        let h = HistogramVec::new(&["venue"], &[0.1, 1.0]);
        h.observe(&["v"], Duration::from_millis(100)); // on the bound: le="0.1"
        h.observe(&["v"], Duration::from_millis(500));
        h.observe(&["v"], Duration::from_secs(3));
        let mut e = Exposition::new();
        h.write(&mut e, "canteen_h_seconds");
        let text = e.into_text();
        assert!(
            text.contains("canteen_h_seconds_bucket{venue=\"v\",le=\"0.1\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("le=\"1\"} 2\n"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 3\n"), "{text}");
        assert!(
            text.contains("canteen_h_seconds_sum{venue=\"v\"} 3.6\n"),
            "{text}"
        );
        assert!(
            text.contains("canteen_h_seconds_count{venue=\"v\"} 3\n"),
            "{text}"
        );
    }
}
