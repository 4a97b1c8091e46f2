//! The badge roster and menu files as sheets: the `csv` crate reads them (RFC 4180 quoting,
//! `#` comment lines, `,` or `;` as separator: a spreadsheet in a German locale writes `;`),
//! and this module adds our own rules: a header row, blank lines skipped, a cell never spans
//! lines (an unclosed quote is a problem on its line and the next line is read afresh), and
//! problems carry the file's line numbers.

use super::reader::nearest;
use super::report::Problems;
use std::collections::HashMap;

/// One data row with its 1-based line in the file.
pub(crate) struct Row {
    pub line: usize,
    cells: Vec<String>,
}

/// A CSV file with its header mapped to column positions.
pub(crate) struct Sheet {
    columns: HashMap<String, usize>,
    pub rows: Vec<Row>,
}

impl Sheet {
    /// Parses the text; checks the header against the known and required column names.
    pub fn parse(p: &mut Problems, text: &str, known: &[&str], required: &[&str]) -> Option<Sheet> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let Some((header_line, header)) = lines.next() else {
            p.at_line(
                None,
                "",
                format!(
                    "is empty; the first line must name the columns: {}",
                    known.join(",")
                ),
            );
            return None;
        };
        let sep = if header.contains(';') && !header.contains(',') {
            b';'
        } else {
            b','
        };
        let mut records = records(text, sep, header_line).into_iter();
        let (_, header) = records.next()?;
        let columns = header_columns(p, header_line, &header.ok()?, known, required)?;
        let mut rows = Vec::new();
        for (line, cells) in records {
            match cells {
                Ok(cells) => rows.push(Row { line, cells }),
                Err(msg) => p.at_line(Some(line), "", msg),
            }
        }
        Some(Sheet { columns, rows })
    }

    /// A cell by column name, trimmed; empty and absent cells are `None`.
    pub fn get<'r>(&self, row: &'r Row, column: &str) -> Option<&'r str> {
        let i = *self.columns.get(column)?;
        row.cells.get(i).map(|c| c.trim()).filter(|c| !c.is_empty())
    }

    /// Rows with more cells than the header has columns (a stray separator).
    pub fn check_widths(&self, p: &mut Problems) {
        for row in &self.rows {
            if row.cells.len() > self.columns.len() {
                let msg = format!(
                    "has {} cells but the header names {} columns (quote cells that contain the separator)",
                    row.cells.len(),
                    self.columns.len()
                );
                p.at_line(Some(row.line), "", msg);
            }
        }
    }
}

fn header_columns(
    p: &mut Problems,
    line: usize,
    names: &[String],
    known: &[&str],
    required: &[&str],
) -> Option<HashMap<String, usize>> {
    let mut columns = HashMap::new();
    let mut ok = true;
    for (i, name) in names.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        if !known.contains(&name.as_str()) {
            let hint = match nearest(&name, known) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the columns are: {}", known.join(",")),
            };
            p.at_line(Some(line), &name, format!("is not a known column; {hint}"));
            ok = false;
        } else if columns.insert(name.clone(), i).is_some() {
            p.at_line(Some(line), &name, "is named twice in the header");
            ok = false;
        }
    }
    for name in required {
        if !columns.contains_key(*name) {
            p.at_line(Some(line), name, "column is missing from the header");
            ok = false;
        }
    }
    ok.then_some(columns)
}

/// The file's line of a record in `rest`, which starts on line `from`. The crate places a
/// record where the previous one ended, before the empty and comment lines it skipped, so
/// those are stepped over here as the crate does.
fn line_of(rest: &str, from: usize, at: Option<&csv::Position>) -> usize {
    let bytes = rest.as_bytes();
    let mut byte = at.map_or(0, |p| p.byte() as usize).min(bytes.len());
    loop {
        match bytes.get(byte) {
            Some(b'\r' | b'\n') => byte += 1,
            Some(b'#') => match bytes[byte..].iter().position(|b| *b == b'\n') {
                Some(end) => byte += end + 1,
                None => byte = bytes.len(),
            },
            _ => break,
        }
    }
    from + bytes[..byte].iter().filter(|b| **b == b'\n').count()
}

/// One line's cells, or why it has none.
type Cells = Result<Vec<String>, String>;

/// The records of `text` from line `first` on, each with its line: blank and comment lines
/// left out. The crate would let a quoted cell run on over line breaks; a roster never means
/// that, so such a record is refused on its first line and reading starts again on the next.
fn records(text: &str, sep: u8, first: usize) -> Vec<(usize, Cells)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    let mut from = first;
    'restart: while from <= lines.len() {
        let rest = lines[from - 1..].join("\n");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep)
            .comment(Some(b'#'))
            .has_headers(false)
            .flexible(true)
            .from_reader(rest.as_bytes());
        let mut record = csv::StringRecord::new();
        loop {
            let line = match reader.read_record(&mut record) {
                Ok(false) => break 'restart,
                Ok(true) => line_of(&rest, from, record.position()),
                // Not UTF-8 cannot happen in a &str; any other error ends the sheet there.
                Err(e) => {
                    out.push((line_of(&rest, from, e.position()), Err(e.to_string())));
                    break 'restart;
                }
            };
            let text = lines[line - 1].trim();
            let skipped = text.is_empty() || text.starts_with('#');
            if record.iter().any(|c| c.contains(['\n', '\r'])) {
                if !skipped {
                    let msg = "has a quote that is not closed (a cell cannot span lines)";
                    out.push((line, Err(msg.to_string())));
                }
                from = line + 1;
                continue 'restart;
            }
            if !skipped {
                out.push((line, Ok(record.iter().map(str::to_string).collect())));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn cells(text: &str, sep: u8) -> Vec<(usize, Cells)> {
        records(text, sep, 1)
    }

    #[test]
    fn splits_quoted_cells() {
        let row = |v: &[&str]| Ok(v.iter().map(|c| c.to_string()).collect());
        assert_eq!(
            cells("a,\"b,c\",\"d \"\"e\"\"\"", b','),
            [(1, row(&["a", "b,c", "d \"e\""]))]
        );
        assert_eq!(cells("a;b", b';'), [(1, row(&["a", "b"]))]);
        assert_eq!(
            cells("a\r\n  \n  # x\nb", b','),
            [(1, row(&["a"])), (4, row(&["b"]))]
        );
        let open = cells("\"open\nnext,1\n", b',');
        assert!(open[0].0 == 1 && open[0].1.is_err(), "{open:?}");
        assert_eq!(open[1], (2, row(&["next", "1"])));
    }

    #[test]
    fn reads_a_sheet_with_comments_and_semicolons() {
        let text = "\u{feff}# roster\nNumber;Name\n\n1001;Anna\n# gone\n1002;\"Bo; Jr\"\n";
        let mut p = Problems::new(Path::new("b.csv"), text);
        let s = Sheet::parse(&mut p, text, &["number", "name"], &["number"]).unwrap();
        assert!(p.is_empty());
        let got: Vec<(usize, Option<&str>)> =
            s.rows.iter().map(|r| (r.line, s.get(r, "name"))).collect();
        assert_eq!(got, [(4, Some("Anna")), (6, Some("Bo; Jr"))]);
    }

    #[test]
    fn header_problems_name_the_column() {
        let text = "numbr,name\n";
        let mut p = Problems::new(Path::new("b.csv"), text);
        assert!(Sheet::parse(&mut p, text, &["number", "name"], &["number"]).is_none());
        let v = p.into_vec();
        assert_eq!(v[0].key, "numbr");
        assert!(v[0].message.contains("did you mean `number`?"));
        assert_eq!(v[1].key, "number");
        assert!(v[1].message.contains("missing"));
    }
}
