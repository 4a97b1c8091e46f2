//! Loading a config: read the file, parse it with spans, read every section (each reports its
//! own problems and carries on), then cross-check. A config with any problem is refused.

use super::badges;
use super::kiosk;
use super::metrics;
use super::model::{Config, Role, VendorSettings};
use super::peers;
use super::reader::Section;
use super::report::{ConfigReport, Problem, Problems};
use super::screen;
use super::secrets;
use super::venue::{self, Context};
use std::path::Path;
use toml::de::DeTable;

pub fn load(path: &Path) -> Result<Config, ConfigReport> {
    let bytes =
        std::fs::read(path).map_err(|e| whole_file(path, format!("cannot be read: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| whole_file(path, "is not a text file (TOML must be UTF-8)".to_string()))?;
    let base = path.parent().unwrap_or(Path::new(""));
    let mut config = parse(&text, path, base)?;
    config.path = Some(path.to_path_buf());
    Ok(config)
}

fn whole_file(path: &Path, message: String) -> ConfigReport {
    ConfigReport {
        problems: vec![Problems::new(path, "").problem(None, "", message)],
    }
}

/// Parses config text; `file` names it in problems, `base` is where relative paths start.
pub(crate) fn parse(text: &str, file: &Path, base: &Path) -> Result<Config, ConfigReport> {
    let mut p = Problems::new(file, text);
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let msg = format!("invalid TOML: {}", secrets::one_line(e.message()));
            p.at(e.span(), "", msg);
            return Err(ConfigReport {
                problems: p.into_vec(),
            });
        }
    };
    let mut others = Vec::new();
    let mut root = Section::new(doc.get_ref(), String::new(), None);
    let source = secrets::read(&mut root, &mut p, base, &mut others);
    let kiosk = kiosk::read_kiosk(&mut root, &mut p, base);
    let http = kiosk::read_http(&mut root, &mut p);
    let placed = badges::read(&mut root, &mut p, base, &mut others);
    let cx = Context {
        base,
        secrets: &source,
    };
    let venues = venue::read_all(&mut root, &mut p, &cx, &mut others);
    let peers = peers::read(&mut root, &mut p, &source);
    let metrics = metrics::read(&mut root, &mut p, &source);
    let screen = screen::read(&mut root, &mut p);
    root.finish(&mut p);
    let config = Config {
        path: None,
        kiosk,
        http,
        venues,
        badges: placed.iter().map(|b| b.badge.clone()).collect(),
        secrets: source.secrets,
        peers,
        metrics,
        screen,
    };
    others.extend(bessa_badge_problems(&config, &placed));
    let mut report = ConfigReport {
        problems: p.into_vec(),
    };
    report.problems.extend(others);
    if report.problems.is_empty() {
        Ok(config)
    } else {
        report.sort();
        Err(report)
    }
}

/// Bessa orders go out under the employee's e-mail, so with a Bessa venue every employee
/// badge needs an e-mail or an employee number for the venue's `email_pattern`.
fn bessa_badge_problems(config: &Config, placed: &[badges::Placed]) -> Vec<Problem> {
    let has_bessa = config
        .venues
        .iter()
        .any(|v| matches!(v.vendor, VendorSettings::Bessa(_)));
    if !has_bessa {
        return Vec::new();
    }
    placed
        .iter()
        .filter(|b| b.badge.role == Role::Employee)
        .filter(|b| b.badge.email.is_none() && b.badge.employee_number.is_none())
        .map(|b| {
            let msg = "is missing: a Bessa venue orders under the employee's e-mail, so give an \
                       email or an employee_number (used in the venue's email_pattern)";
            b.problem("email", msg.to_string())
        })
        .collect()
}
