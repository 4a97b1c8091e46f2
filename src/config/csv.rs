//! A small CSV reader for the badge roster and menu files: RFC 4180 quoting within one line,
//! a header row, `#` comment lines and blank lines skipped, `,` or `;` as separator (a
//! spreadsheet in a German locale writes `;`). Problems carry the file's line numbers.

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
            ';'
        } else {
            ','
        };
        let columns = header_columns(p, header_line, &split(header, sep).ok()?, known, required)?;
        let mut rows = Vec::new();
        for (line, text) in lines {
            match split(text, sep) {
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

/// Splits one line into cells; `"a ""b"""` is `a "b"`.
fn split(line: &str, sep: char) -> Result<Vec<String>, String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            (false, c) if c == sep => cells.push(std::mem::take(&mut cell)),
            (false, c) => cell.push(c),
        }
    }
    if quoted {
        return Err("has a quote that is not closed (a cell cannot span lines)".to_string());
    }
    cells.push(cell);
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn splits_quoted_cells() {
        assert_eq!(
            split("a,\"b,c\",\"d \"\"e\"\"\"", ',').unwrap(),
            ["a", "b,c", "d \"e\""]
        );
        assert_eq!(split("a;b", ';').unwrap(), ["a", "b"]);
        assert_eq!(split("", ',').unwrap(), [""]);
        assert!(split("\"open", ',').is_err());
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
