//! Config problems with file, line and key, collected so an admin sees every mistake at once.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One thing wrong with the config or a file it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the admin named it (the config path as given, others joined to its dir).
    pub file: PathBuf,
    /// 1-based line, where the problem has one.
    pub line: Option<usize>,
    /// The key path, e.g. `venues.canteen.base_url`, `badges[2].role`, or a CSV column.
    pub key: String,
    /// What is wrong and what would be right; reads as a sentence after the key.
    pub message: String,
}

/// Everything wrong with a config, in file and line order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigReport {
    pub problems: Vec<Problem>,
}

impl ConfigReport {
    /// The problems that concern one key path (handy in tests and for the admin screen).
    pub fn for_key(&self, key: &str) -> Vec<&Problem> {
        self.problems.iter().filter(|p| p.key == key).collect()
    }

    pub(crate) fn sort(&mut self) {
        self.problems
            .sort_by(|a, b| (&a.file, a.line, &a.key).cmp(&(&b.file, b.line, &b.key)));
        self.problems.dedup();
    }
}

impl std::error::Error for ConfigReport {}

impl fmt::Display for ConfigReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        match describe_key(&self.key) {
            Some(subject) => write!(f, ": {subject} {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

/// The subject of a message: `venues.canteen.base_url` reads as `venue "canteen": base_url`.
fn describe_key(key: &str) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    if let Some(rest) = key.strip_prefix("venues.") {
        return Some(match rest.split_once('.') {
            Some((venue, field)) => format!("venue \"{venue}\": {field}"),
            None => format!("venue \"{rest}\""),
        });
    }
    Some(key.to_string())
}

/// The problems of one file, with its text so byte offsets become line numbers.
pub(crate) struct Problems {
    file: PathBuf,
    line_starts: Vec<usize>,
    list: Vec<Problem>,
}

impl Problems {
    pub fn new(file: &Path, text: &str) -> Problems {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Problems {
            file: file.to_path_buf(),
            line_starts,
            list: Vec::new(),
        }
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .max(1)
    }

    /// A problem at a place in the file (`None`: the file as a whole).
    pub fn at(&mut self, span: Option<Range<usize>>, key: &str, message: impl Into<String>) {
        let line = span.map(|s| self.line_of(s.start));
        self.at_line(line, key, message);
    }

    pub fn at_line(&mut self, line: Option<usize>, key: &str, message: impl Into<String>) {
        let problem = self.problem(line, key, message);
        self.list.push(problem);
    }

    /// A problem in this file, not recorded (for callers that collect elsewhere).
    pub fn problem(&self, line: Option<usize>, key: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: self.file.clone(),
            line,
            key: key.to_string(),
            message: message.into(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn into_vec(self) -> Vec<Problem> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        let p = Problems::new(Path::new("k.toml"), "a\nbb\n\nc");
        assert_eq!(p.line_of(0), 1);
        assert_eq!(p.line_of(1), 1);
        assert_eq!(p.line_of(2), 2);
        assert_eq!(p.line_of(5), 3);
        assert_eq!(p.line_of(6), 4);
        assert_eq!(p.line_of(99), 4);
    }

    #[test]
    fn displays_like_a_compiler() {
        let p = Problem {
            file: "kiosk.toml".into(),
            line: Some(14),
            key: "venues.canteen.base_url".into(),
            message: "must start with https://".into(),
        };
        assert_eq!(
            p.to_string(),
            "kiosk.toml:14: venue \"canteen\": base_url must start with https://"
        );
        let whole = Problem {
            file: "s.toml".into(),
            line: None,
            key: String::new(),
            message: "cannot be read".into(),
        };
        let report = ConfigReport {
            problems: vec![p, whole],
        };
        assert_eq!(
            report.to_string().lines().nth(1),
            Some("s.toml: cannot be read")
        );
    }
}
