//! The badge roster: inline `[[badges]]` tables and/or a CSV file (`badges_file`), merged
//! and checked for duplicates across both.

use super::checks;
use super::csv::Sheet;
use super::model::{Badge, Role};
use super::reader::{Section, Value, article, one_of};
use super::report::{Problem, Problems};
use std::path::{Path, PathBuf};
use toml::de::DeValue;

pub(crate) const CSV_COLUMNS: [&str; 5] = ["number", "name", "email", "employee_number", "role"];
const ROLES: [&str; 3] = ["employee", "kitchen", "admin"];

/// A badge with where it was written, for problems found later (duplicates, Bessa needs).
pub(crate) struct Placed {
    pub badge: Badge,
    pub file: PathBuf,
    pub line: usize,
    /// `badges[2]` inline; empty in a CSV file, where keys are column names.
    pub prefix: String,
}

impl Placed {
    pub fn problem(&self, field: &str, message: String) -> Problem {
        let key = if self.prefix.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.prefix)
        };
        Problem {
            file: self.file.clone(),
            line: Some(self.line),
            key,
            message,
        }
    }
}

pub(crate) fn read(
    root: &mut Section,
    p: &mut Problems,
    base: &Path,
    out: &mut Vec<Problem>,
) -> Vec<Placed> {
    let mut placed = Vec::new();
    if let Some(items) = root.array(p, "badges") {
        for (i, item) in items.iter().enumerate() {
            placed.extend(inline_badge(p, i, item));
        }
    }
    if let Some(name) = root.string(p, "badges_file") {
        let path = base.join(name.get_ref());
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => placed.extend(csv_badges(&path, &text, out)),
            Ok(Err(_)) => out.push(Problems::new(&path, "").problem(
                None,
                "",
                "is not a UTF-8 text (CSV) file",
            )),
            Err(e) => {
                let msg = format!(
                    "\"{}\" cannot be read ({e}); it is looked for at {}",
                    name.get_ref(),
                    path.display()
                );
                p.at(Some(name.span()), "badges_file", msg);
            }
        }
    }
    check_duplicates(&placed, out);
    placed
}

fn inline_badge(p: &mut Problems, index: usize, item: &Value) -> Option<Placed> {
    let prefix = format!("badges[{index}]");
    let Some(table) = item.get_ref().as_table() else {
        let found = article(item.get_ref().type_str());
        p.at(
            Some(item.span()),
            &prefix,
            format!("must be a [[badges]] table, not {found}"),
        );
        return None;
    };
    let mut s = Section::new(table, prefix.clone(), Some(item.span()));
    let line = s
        .key_span("number")
        .map_or(p.line_of(item.span().start), |sp| p.line_of(sp.start));
    let number = scalar(&mut s, p, "number", true);
    let name = s
        .req_string(p, "name", "\"Anna Berger\"")
        .map(|n| n.into_inner());
    let email = s.string(p, "email").map(|e| e.into_inner());
    let employee_number = scalar(&mut s, p, "employee_number", false);
    let role = s.choice(p, "role", &ROLES).map(|r| role(r.get_ref()));
    s.finish(p);
    let mut field = |key: &str, r: Result<String, String>| {
        r.map_err(|m| p.at_line(Some(line), &format!("{prefix}.{key}"), m))
            .ok()
    };
    let number = field("number", checks::badge_number(&number?))?;
    let email = match email {
        Some(e) => Some(field("email", checks::email(&e))?),
        None => None,
    };
    Some(Placed {
        badge: Badge {
            number,
            name: name?,
            email,
            employee_number,
            role: role.unwrap_or(Role::Employee),
        },
        file: p.file().to_path_buf(),
        line,
        prefix,
    })
}

/// A string or a whole number, as text (badge and employee numbers are often written bare).
fn scalar(s: &mut Section, p: &mut Problems, key: &'static str, required: bool) -> Option<String> {
    let Some(value) = s.raw(key) else {
        if required {
            s.missing(p, key, "\"1001\"");
        }
        return None;
    };
    match value.get_ref() {
        DeValue::String(v) => Some(v.trim().to_string()),
        DeValue::Integer(_) => super::reader::integer(value.get_ref()).map(|n| n.to_string()),
        other => {
            let found = article(other.type_str());
            p.at(
                s.key_span(key),
                &s.key(key),
                format!("must be a string like \"1001\", not {found}"),
            );
            None
        }
    }
}

fn role(text: &str) -> Role {
    match text {
        "kitchen" => Role::Kitchen,
        "admin" => Role::Admin,
        _ => Role::Employee,
    }
}

fn csv_badges(path: &Path, text: &str, out: &mut Vec<Problem>) -> Vec<Placed> {
    let mut p = Problems::new(path, text);
    let mut placed = Vec::new();
    if let Some(sheet) = Sheet::parse(&mut p, text, &CSV_COLUMNS, &["number", "name"]) {
        sheet.check_widths(&mut p);
        for row in &sheet.rows {
            let cell = |c: &str| sheet.get(row, c).map(str::to_string);
            placed.extend(csv_badge(&mut p, row.line, cell));
        }
    }
    out.extend(p.into_vec());
    placed
}

fn csv_badge(
    p: &mut Problems,
    line: usize,
    cell: impl Fn(&str) -> Option<String>,
) -> Option<Placed> {
    let mut check =
        |key: &str, r: Result<String, String>| r.map_err(|m| p.at_line(Some(line), key, m)).ok();
    let number = check(
        "number",
        cell("number")
            .ok_or_else(|| "is empty; every row needs the badge number".to_string())
            .and_then(|n| checks::badge_number(&n)),
    );
    let name = check(
        "name",
        cell("name").ok_or_else(|| "is empty; every row needs the person's name".to_string()),
    );
    let email = match cell("email") {
        None => Some(None),
        Some(e) => check("email", checks::email(&e)).map(Some),
    };
    let role = match cell("role") {
        None => Some(Role::Employee),
        Some(r) if ROLES.contains(&r.as_str()) => Some(role(&r)),
        Some(r) => check(
            "role",
            Err(format!("must be {}, not \"{r}\"", one_of(&ROLES))),
        )
        .map(|_| Role::Employee),
    };
    Some(Placed {
        badge: Badge {
            number: number?,
            name: name?,
            email: email?,
            employee_number: cell("employee_number"),
            role: role?,
        },
        file: p.file().to_path_buf(),
        line,
        prefix: String::new(),
    })
}

fn check_duplicates(placed: &[Placed], out: &mut Vec<Problem>) {
    for (i, b) in placed.iter().enumerate() {
        let first = placed[..i]
            .iter()
            .find(|f| f.badge.number == b.badge.number);
        if let Some(f) = first {
            let msg = format!(
                "badge number {} is listed twice (first at {}:{}); each badge number must be unique",
                crate::domain::masked_badge(&b.badge.number),
                f.file.display(),
                f.line
            );
            out.push(b.problem("number", msg));
        }
    }
}
