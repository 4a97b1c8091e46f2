//! The secrets file and credential references. The config never holds a credential itself:
//! it says `secret:<key>` (a key of the secrets file) or `env:<VARIABLE>`. Messages name keys
//! and variables, never values, and TOML errors are reported without the source line.

use super::model::{Secret, Secrets};
use super::reader::Section;
use super::report::{Problem, Problems};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// The loaded secrets and whether their file could be read, so a broken file is reported
/// once and not again for every reference into it.
pub(crate) struct SecretSource {
    pub secrets: Secrets,
    broken: bool,
}

/// Reads the secrets file named by `secrets_file` (relative to the config's dir). A file that
/// does not exist yet is fine until a `secret:` reference needs it (`bessa-login` creates it).
pub(crate) fn read(
    root: &mut Section,
    p: &mut Problems,
    base: &Path,
    out: &mut Vec<Problem>,
) -> SecretSource {
    let mut source = SecretSource {
        secrets: Secrets::default(),
        broken: false,
    };
    let Some(name) = root.string(p, "secrets_file") else {
        return source;
    };
    let path = base.join(name.get_ref());
    source.secrets.path = Some(path.clone());
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return source,
        Err(e) => {
            let msg = format!("\"{}\" cannot be read: {e}", path.display());
            p.at(Some(name.span()), "secrets_file", msg);
            source.broken = true;
            return source;
        }
    };
    let mut fp = Problems::new(&path, "");
    check_mode(&mut fp, &path);
    out.extend(fp.into_vec());
    let Ok(text) = String::from_utf8(bytes) else {
        let msg = "is not a UTF-8 text file of `key = \"value\"` lines";
        out.push(Problems::new(&path, "").problem(None, "", msg));
        source.broken = true;
        return source;
    };
    let before = out.len();
    source.secrets.values = parse(&path, &text, out);
    source.broken = out[before..].iter().any(|p| p.key.is_empty());
    source
}

/// A secrets file must be private to the kiosk's user: no bits for group or others.
fn check_mode(p: &mut Problems, path: &Path) {
    let Ok(meta) = fs::metadata(path) else { return };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        let msg = format!(
            "is readable by group or others (mode {mode:04o}); make it private: chmod 600 {}",
            path.display()
        );
        p.at(None, "", msg);
    }
}

/// The `key = "value"` pairs of a secrets file; nested tables become dotted keys.
fn parse(path: &Path, text: &str, out: &mut Vec<Problem>) -> BTreeMap<String, Secret> {
    let mut p = Problems::new(path, text);
    let mut values = BTreeMap::new();
    match DeTable::parse(text) {
        // The message only: toml's full error display quotes the line, which holds a secret.
        Err(e) => p.at(
            e.span(),
            "",
            format!("invalid TOML: {}", one_line(e.message())),
        ),
        Ok(doc) => flatten(&mut p, doc.get_ref(), "", &mut values),
    }
    out.extend(p.into_vec());
    values
}

fn flatten(p: &mut Problems, table: &DeTable, prefix: &str, out: &mut BTreeMap<String, Secret>) {
    for (key, value) in table.iter() {
        let full = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        match value.get_ref() {
            DeValue::String(s) => {
                out.insert(full, Secret::new(s.as_ref()));
            }
            DeValue::Table(t) => flatten(p, t, &full, out),
            other => {
                let msg = format!("must be a string, not a {}", other.type_str());
                p.at(Some(key.span()), &full, msg);
            }
        }
    }
}

pub(crate) fn one_line(message: &str) -> String {
    message
        .trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads a credential reference. `example_key` is a suggested secrets-file key for the
/// message that tells the admin how to move an inline value.
pub(crate) fn credential(
    sec: &mut Section,
    p: &mut Problems,
    source: &SecretSource,
    key: &'static str,
    required: bool,
) -> Option<Secret> {
    if !sec.has(key) {
        sec.mark(key);
        if required {
            let example = format!("\"secret:{}\"", suggested_key(sec, key));
            sec.missing(p, key, &example);
        }
        return None;
    }
    let reference = sec.string(p, key)?;
    let full = sec.key(key);
    let span = Some(reference.span());
    match resolve(reference.get_ref(), source) {
        Ok(secret) => Some(secret),
        Err(Unresolved::Inline) => {
            let k = suggested_key(sec, key);
            let msg = format!(
                "must not hold the credential itself: move it into the secrets file as \
                 `{k} = \"…\"` and write `{key} = \"secret:{k}\"`, or write `{key} = \"env:VARIABLE\"`"
            );
            p.at(span, &full, msg);
            None
        }
        Err(Unresolved::Message(msg)) => {
            p.at(span, &full, msg);
            None
        }
        Err(Unresolved::Quiet) => None,
    }
}

enum Unresolved {
    /// Not a reference at all: a literal credential in the config.
    Inline,
    Message(String),
    /// The secrets file itself has a problem, reported already.
    Quiet,
}

fn resolve(reference: &str, source: &SecretSource) -> Result<Secret, Unresolved> {
    let secrets = &source.secrets;
    if let Some(var) = reference.strip_prefix("env:") {
        return match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
            _ => Err(Unresolved::Message(format!(
                "refers to the environment variable {var}, which is not set"
            ))),
        };
    }
    let Some(name) = reference.strip_prefix("secret:") else {
        return Err(Unresolved::Inline);
    };
    let Some(path) = &secrets.path else {
        return Err(Unresolved::Message(format!(
            "refers to secret \"{name}\" but no `secrets_file = \"…\"` is set at the top of the config"
        )));
    };
    if let Some(s) = secrets.get(name) {
        return Ok(s.clone());
    }
    if !path.exists() {
        return Err(Unresolved::Message(format!(
            "refers to secret \"{name}\" but the secrets file {} does not exist",
            path.display()
        )));
    }
    if source.broken {
        return Err(Unresolved::Quiet);
    }
    Err(Unresolved::Message(format!(
        "refers to secret \"{name}\", which is not in {}; add `{name} = \"…\"` there",
        path.display()
    )))
}

/// `venues.canteen.token` → `canteen.token`: a secrets-file key that says what it is for.
fn suggested_key(sec: &Section, key: &str) -> String {
    let full = sec.key(key);
    full.strip_prefix("venues.")
        .map(str::to_string)
        .unwrap_or(full)
}

/// Sets `key` to `value` in a secrets file, creating it if needed. The new file is written to
/// a temporary file in the same directory with mode 0600, flushed to disk and renamed over
/// the old one, so a power cut leaves either the old or the new file, never half of one.
/// The file is rewritten as flat `"dotted.key" = "value"` lines; comments are not kept.
pub fn write_secret(path: &Path, key: &str, value: &str) -> io::Result<()> {
    if key.trim().is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "empty secret key",
        ));
    }
    let mut values = match fs::read_to_string(path) {
        Ok(text) => existing_values(path, &text)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(e),
    };
    values.insert(key.to_string(), Secret::new(value));
    atomic_write(path, render(&values).as_bytes())
}

fn existing_values(path: &Path, text: &str) -> io::Result<BTreeMap<String, Secret>> {
    let mut problems = Vec::new();
    let values = parse(path, text, &mut problems);
    match problems.first() {
        None => Ok(values),
        Some(problem) => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            problem.to_string(),
        )),
    }
}

fn render(values: &BTreeMap<String, Secret>) -> String {
    let mut out = String::from(
        "# canteen-kiosk secrets: keep this file mode 0600. Written by canteen-kiosk.\n",
    );
    for (k, v) in values {
        let key = toml::Value::String(k.clone()).to_string();
        let value = toml::Value::String(v.expose().to_string()).to_string();
        out.push_str(&format!("{key} = {value}\n"));
    }
    out
}

fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = fs::remove_file(&tmp);
    let result = write_synced(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    // The rename itself is only durable once the directory entry is on disk.
    fs::File::open(&dir)?.sync_all()
}

fn write_synced(tmp: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)?;
    // The umask can only remove bits; set 0600 explicitly in case it was unusual.
    file.set_permissions(fs::Permissions::from_mode(0o600))?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_tables_become_dotted_keys() {
        let text = "a = \"1\"\n[bessa.canteen]\n\"1001\" = \"tok\"\nn = 5\n";
        let mut out = Vec::new();
        let v = parse(Path::new("s.toml"), text, &mut out);
        assert_eq!(v.get("bessa.canteen.1001").map(Secret::expose), Some("tok"));
        assert_eq!(v.get("a").map(Secret::expose), Some("1"));
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].line, out[0].key.as_str()),
            (Some(4), "bessa.canteen.n")
        );
    }

    #[test]
    fn syntax_errors_do_not_quote_the_secret() {
        let text = "token = \"hunter2-very-secret\nother = 1\n";
        let mut out = Vec::new();
        parse(Path::new("s.toml"), text, &mut out);
        assert_eq!(out[0].line, Some(1));
        assert!(!out[0].to_string().contains("hunter2"), "{}", out[0]);
    }

    #[test]
    fn rendering_escapes_keys_and_values() {
        let mut v = BTreeMap::new();
        v.insert("bessa.x.1".to_string(), Secret::new("a\"b\\c"));
        let text = render(&v);
        let mut out = Vec::new();
        let back = parse(Path::new("s.toml"), &text, &mut out);
        assert!(out.is_empty());
        assert_eq!(back.get("bessa.x.1").map(Secret::expose), Some("a\"b\\c"));
    }
}
