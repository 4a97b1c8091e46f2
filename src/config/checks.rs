//! Value checks shared by the config sections. Each returns the cleaned value or a message
//! that says what would be right; the caller adds file, line and key.

use jiff::civil::Time;
use jiff::tz::TimeZone;

/// A vendor base URL: https, or plain http only to this machine (test doubles, a local proxy).
/// A trailing slash is dropped so paths can be appended with `/`.
pub(crate) fn base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
        ("https://", rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        if !is_local(host_of(rest)) {
            return Err(HTTPS_ONLY.to_string());
        }
        ("http://", rest)
    } else {
        return Err(HTTPS_ONLY.to_string());
    };
    let rest = rest.trim_end_matches('/');
    if host_of(rest).is_empty() || rest.contains(char::is_whitespace) {
        return Err(format!(
            "\"{url}\" has no host; e.g. \"https://api.bessa.app/v1\""
        ));
    }
    Ok(format!("{scheme}{rest}"))
}

const HTTPS_ONLY: &str =
    "must start with https:// (http:// is allowed only for 127.0.0.1 or localhost)";

fn host_of(after_scheme: &str) -> &str {
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

fn is_local(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// The public webhook URL Liefersoft calls: `^https://.*`, 12 to 255 characters.
pub(crate) fn webhook_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if !url.starts_with("https://") || host_of(&url[8..]).is_empty() {
        return Err("must be a public https:// URL (Liefersoft calls only https)".to_string());
    }
    if !(12..=255).contains(&url.len()) {
        return Err("must be 12 to 255 characters long (a Liefersoft rule)".to_string());
    }
    Ok(url.to_string())
}

/// The zone's TZif file read directly: jiff's database lookup first indexes every directory of
/// /usr/share/zoneinfo, which costs the start-up more than the one file it needs. Names are
/// checked first, so nothing outside the database can be read.
fn zoneinfo_file(name: &str) -> Option<TimeZone> {
    let plain = |part: &str| {
        !part.is_empty()
            && !part.starts_with('.')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    if !name.split('/').all(plain) {
        return None;
    }
    let dir = std::env::var_os("TZDIR").unwrap_or_else(|| "/usr/share/zoneinfo".into());
    let data = std::fs::read(std::path::Path::new(&dir).join(name)).ok()?;
    TimeZone::tzif(name, &data).ok()
}

/// An IANA time zone name, with the nearest known name when it looks like a typo.
pub(crate) fn time_zone(name: &str) -> Result<TimeZone, String> {
    if let Some(tz) = zoneinfo_file(name) {
        return Ok(tz);
    }
    if let Ok(tz) = TimeZone::get(name) {
        return Ok(tz);
    }
    if jiff::tz::db().is_definitively_empty() {
        return Err(format!(
            "\"{name}\" cannot be looked up: this system has no time zone database \
             (install the tzdata package: sudo apt-get install tzdata)"
        ));
    }
    let names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let hint = match super::reader::nearest(name, &refs) {
        Some(near) => format!("did you mean \"{near}\"?"),
        None => "use an IANA name such as \"Europe/Vienna\" or \"America/Sao_Paulo\"".to_string(),
    };
    Err(format!("\"{name}\" is not a known time zone; {hint}"))
}

/// A wall-clock serving time written "HH:MM" (24 h).
pub(crate) fn serving_time(text: &str) -> Result<Time, String> {
    let bad = || format!("must be a time of day \"HH:MM\" such as \"12:00\", not \"{text}\"");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return Err(bad());
    }
    let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

/// An ISO 4217 code: three capital letters.
pub(crate) fn currency(code: &str) -> Result<String, String> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code.to_string())
    } else {
        Err(format!(
            "must be an ISO 4217 code like \"EUR\" or \"BRL\", not \"{code}\""
        ))
    }
}

/// A name used in file names, the database and the CLI: letters, digits, `-` and `_`.
pub(crate) fn ident(name: &str) -> Result<String, String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(name.to_string())
    } else {
        Err(format!(
            "\"{name}\" must be 1 to 64 letters, digits, '-' or '_' (it is used in file names and the CLI)"
        ))
    }
}

/// A GUID such as `3fea8768-bbd9-454b-9e7b-40841e9a6812`.
pub(crate) fn guid(text: &str) -> Result<String, String> {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let hex = groups
        .iter()
        .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()));
    if lengths == [8, 4, 4, 4, 12] && hex {
        Ok(text.to_string())
    } else {
        Err(format!(
            "must be a GUID like \"3fea8768-bbd9-454b-9e7b-40841e9a6812\", not \"{text}\""
        ))
    }
}

/// A plausible e-mail address (the vendor checks it properly).
pub(crate) fn email(text: &str) -> Result<String, String> {
    match text.split_once('@') {
        Some((user, domain))
            if !user.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace) =>
        {
            Ok(text.to_string())
        }
        _ => Err(format!("\"{text}\" is not an e-mail address")),
    }
}

/// A URL path such as `/order/newOrder`.
pub(crate) fn url_path(text: &str) -> Result<String, String> {
    if text.starts_with('/') && !text.contains(char::is_whitespace) {
        Ok(text.to_string())
    } else {
        Err(format!(
            "must be a path starting with '/', like \"/order/newOrder\", not \"{text}\""
        ))
    }
}

/// A badge number as the reader types it.
pub(crate) fn badge_number(text: &str) -> Result<String, String> {
    let t = text.trim();
    if !t.is_empty() && t.len() <= 32 && t.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(t.to_string())
    } else {
        Err(format!(
            "\"{text}\" must be the 1 to 32 letters or digits the badge reader types"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https_unless_local() {
        assert_eq!(
            base_url("https://api.bessa.app/v1/").unwrap(),
            "https://api.bessa.app/v1"
        );
        assert!(base_url("http://127.0.0.1:8080").is_ok());
        assert!(base_url("http://localhost/x").is_ok());
        assert_eq!(base_url("http://api.bessa.app").unwrap_err(), HTTPS_ONLY);
        assert_eq!(base_url("ftp://x").unwrap_err(), HTTPS_ONLY);
        assert!(base_url("https://").unwrap_err().contains("no host"));
        assert!(base_url("http://localhost.evil.com").is_err());
    }

    #[test]
    fn serving_times_are_hh_mm() {
        assert_eq!(serving_time("11:30").unwrap(), Time::constant(11, 30, 0, 0));
        for bad in ["25:00", "12:60", "9:00", "12.00", "noon", "12:00:00", ""] {
            assert!(serving_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zones_suggest_the_nearest_name() {
        assert!(time_zone("Europe/Vienna").is_ok());
        let e = time_zone("Europe/Viena").unwrap_err();
        assert!(e.contains("did you mean \"Europe/Vienna\"?"), "{e}");
    }

    #[test]
    fn small_formats() {
        assert!(guid("3fea8768-bbd9-454b-9e7b-40841e9a6812").is_ok());
        assert!(guid("3fea8768").is_err());
        assert!(currency("EUR").is_ok() && currency("eur").is_err());
        assert!(ident("canteen-1").is_ok() && ident("a b").is_err());
        assert!(email("a@b.at").is_ok() && email("a@b").is_err());
        assert!(badge_number("0042").is_ok() && badge_number("4 2").is_err());
        assert!(webhook_url("https://k.example.com/hook").is_ok());
        assert!(webhook_url("http://k.example.com/hook").is_err());
    }
}
