//! The admin config end to end: real files in a temp dir, every distinct problem message
//! with its file, line and key, the sample and demo configs, secrets and menu files.

mod support;
use support::temp_dir;

use canteen_kiosk::config::{
    self, BacklightSetting, BadgeInput, Config, ConfigReport, KeyboardLayout, MenuSource, Mode,
    Problem, Role, VendorSettings,
};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------- helpers

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

const KIOSK: &str = "[kiosk]\nid = \"k1\"\nname = \"Kiosk\"\n";

const DEMO_VENUE: &str = r#"
[venues.demo]
vendor = "demo"
time_zone = "Europe/Vienna"
serving_time = "12:00"
preorder_delta = "1h"
cancellation_cutoff = "2h"
"#;

/// Loads `text` as `kiosk.toml` in a new temp dir with extra files; returns the dir too.
fn load_in(
    name: &str,
    text: &str,
    files: &[(&str, &str)],
) -> (PathBuf, Result<Config, ConfigReport>) {
    let dir = temp_dir(name);
    for (file, content) in files {
        let p = write(&dir, file, content);
        if file.contains("secret") {
            chmod(&p, 0o600);
        }
    }
    let path = write(&dir, "kiosk.toml", text);
    (dir, config::load(&path))
}

fn errors(name: &str, text: &str) -> ConfigReport {
    errors_with(name, text, &[])
}

fn errors_with(name: &str, text: &str, files: &[(&str, &str)]) -> ConfigReport {
    match load_in(name, text, files).1 {
        Ok(_) => panic!("{name}: expected problems, the config was accepted"),
        Err(report) => report,
    }
}

/// Asserts the report has a problem in `file` (its name) at `line` for `key` whose message
/// holds all `words`; returns it.
#[track_caller]
fn has<'r>(
    report: &'r ConfigReport,
    file: &str,
    line: Option<usize>,
    key: &str,
    words: &[&str],
) -> &'r Problem {
    let found = report.problems.iter().find(|p| {
        p.file.file_name().is_some_and(|f| f == file)
            && p.line == line
            && p.key == key
            && words.iter().all(|w| p.message.contains(w))
    });
    found.unwrap_or_else(|| {
        panic!("no problem {file}:{line:?} {key} {words:?} in:\n{report}\n{report:#?}")
    })
}

fn ok(name: &str, text: &str) -> Config {
    ok_with(name, text, &[])
}

fn ok_with(name: &str, text: &str, files: &[(&str, &str)]) -> Config {
    match load_in(name, text, files).1 {
        Ok(c) => c,
        Err(report) => panic!("{name}: expected a valid config:\n{report}"),
    }
}

fn minimal() -> String {
    format!("{KIOSK}{DEMO_VENUE}")
}

// ---------------------------------------------------------------- the good cases

#[test]
fn the_minimal_config_loads_with_defaults() {
    let c = ok("minimal", &minimal());
    assert_eq!(c.kiosk.id, "k1");
    assert_eq!(c.kiosk.mode, Mode::Employee);
    assert_eq!(c.kiosk.language.code(), "de");
    assert_eq!(c.kiosk.data_dir, PathBuf::from("/var/lib/canteen-kiosk"));
    assert_eq!(c.kiosk.idle_logout.as_secs(), 60);
    assert_eq!(c.kiosk.days_ahead, 14, "this week and next");
    assert_eq!(c.kiosk.menu_refresh.as_secs(), 1800);
    assert_eq!(c.kiosk.retention_days, 90);
    assert_eq!(c.http.connect_timeout.as_secs(), 5);
    let v = c.venue("demo").unwrap();
    assert_eq!(v.name, "demo");
    assert_eq!(v.currency, "EUR");
    assert_eq!(v.menu, MenuSource::Vendor);
    assert_eq!(v.rules.preorder_delta.as_secs(), 3600);
    assert_eq!(v.rules.cancellation_cutoff.as_secs(), 7200);
    assert!(v.rules.allow_cancel);
    assert!(c.path.as_ref().unwrap().ends_with("kiosk.toml"));
}

/// Copies the sample config and its files to a temp dir, with the secrets file made private.
fn sample_copy() -> PathBuf {
    let dir = temp_dir("sample");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for name in [
        "sample-kiosk.toml",
        "sample-secrets.toml",
        "sample-badges.csv",
        "sample-menu.toml",
        "sample-menu.csv",
    ] {
        fs::copy(data.join(name), dir.join(name)).unwrap();
    }
    chmod(&dir.join("sample-secrets.toml"), 0o600);
    dir
}

#[test]
fn the_sample_config_validates_and_covers_every_vendor() {
    let dir = sample_copy();
    let c = config::load(&dir.join("sample-kiosk.toml")).unwrap_or_else(|r| panic!("{r}"));
    let kinds: Vec<&str> = c.venues.iter().map(|v| v.vendor.kind()).collect();
    assert_eq!(kinds, ["bessa", "order_mesa", "liefersoft"]);
    let VendorSettings::Bessa(b) = &c.venue("canteen").unwrap().vendor else {
        panic!()
    };
    assert_eq!((b.venue_id, b.order_type, b.menu_type), (591, 7, 7));
    assert_eq!(
        b.token.as_ref().unwrap().expose(),
        "0123456789abcdef0123456789abcdef01234567"
    );
    let VendorSettings::OrderMesa(m) = &c.venue("bistro").unwrap().vendor else {
        panic!()
    };
    assert_eq!(m.new_order_path, "/order/newOrder");
    assert_eq!(m.credential.expose(), "sample-order-mesa-api-key");
    let VendorSettings::Liefersoft(l) = &c.venue("pizzeria").unwrap().vendor else {
        panic!()
    };
    assert_eq!(l.webhook.as_ref().unwrap().listen, "0.0.0.0:8443");
    assert_eq!(
        c.venue("bistro").unwrap().menu,
        MenuSource::File(dir.join("sample-menu.toml"))
    );
    assert_eq!(
        c.badge("1002").unwrap().employee_number.as_deref(),
        Some("2042")
    );
    assert_eq!(c.badge("9999").unwrap().role, Role::Admin);
    assert_eq!(c.badges.len(), 7);
    let employee_token = config::Secrets::bessa_employee_key("canteen", "1001");
    assert!(c.secrets.get(&employee_token).is_some());
}

#[test]
fn the_sample_secrets_file_with_a_fresh_clone_mode_is_refused_with_the_fix() {
    let dir = sample_copy();
    let secrets = dir.join("sample-secrets.toml");
    chmod(&secrets, 0o644);
    let r = config::load(&dir.join("sample-kiosk.toml")).unwrap_err();
    let p = has(
        &r,
        "sample-secrets.toml",
        None,
        "",
        &["readable by group or others", "0644"],
    );
    assert!(
        p.message
            .ends_with(&format!("chmod 600 {}", secrets.display())),
        "{p}"
    );
    chmod(&secrets, 0o640);
    let r = config::load(&dir.join("sample-kiosk.toml")).unwrap_err();
    has(&r, "sample-secrets.toml", None, "", &["mode 0640"]);
}

#[test]
fn the_demo_config_loads_with_its_badges() {
    let c = config::demo(PathBuf::from("/tmp/demo-data"));
    assert_eq!(c.path, None);
    assert_eq!(c.kiosk.data_dir, PathBuf::from("/tmp/demo-data"));
    let v = c.venue("demo").unwrap();
    assert!(matches!(v.vendor, VendorSettings::Demo));
    assert_eq!(v.rules.time_zone.iana_name(), Some("Europe/Vienna"));
    assert_eq!(v.rules.serving_time.to_string(), "12:00:00");
    assert_eq!(v.rules.preorder_delta.as_secs(), 3600);
    assert_eq!(v.rules.cancellation_cutoff.as_secs(), 7200);
    assert_eq!(v.currency, "EUR");
    let count = |r| c.badges.iter().filter(|b| b.role == r).count();
    assert!(count(Role::Employee) >= 3);
    assert_eq!((count(Role::Kitchen), count(Role::Admin)), (1, 1));
    assert!(c.badge("1001").is_some() && c.badge("9999").is_some());
    // A second venue, so the demo shows the venue picker: the bistro, ordering until 11:30.
    let keys: Vec<&str> = c.venues.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(keys, ["demo", "bistro"]);
    let bistro = c.venue("bistro").unwrap();
    assert!(matches!(bistro.vendor, VendorSettings::Demo));
    assert_eq!(bistro.rules.serving_time.to_string(), "12:30:00");
}

#[test]
fn user_data_dir_follows_xdg() {
    let dir = config::user_data_dir();
    assert!(dir.ends_with("canteen-kiosk") || dir.ends_with("canteen-kiosk-data"));
    assert_eq!(
        config::default_path(),
        PathBuf::from("/etc/canteen-kiosk/kiosk.toml")
    );
}

#[test]
fn no_secret_value_reaches_debug_display_or_the_summary() {
    let dir = sample_copy();
    let c = config::load(&dir.join("sample-kiosk.toml")).unwrap();
    let text = format!("{c:?}\n{}", config::summary(&c));
    for value in [
        "0123456789abcdef0123456789abcdef01234567",
        "fedcba9876543210",
        "sample-order-mesa-api-key",
        "sample-liefersoft-password",
        "sample-webhook-secret-123456",
        "sample-canteen-peer-token-0123",
        "89abcdef0123456789abcdef",
    ] {
        assert!(!text.contains(value), "{value} leaked");
    }
    assert!(text.contains("Secret(***)"));
}

#[test]
fn the_summary_names_what_matters() {
    let dir = sample_copy();
    let c = config::load(&dir.join("sample-kiosk.toml")).unwrap();
    let s = config::summary(&c);
    for words in [
        "Kiosk \"hall-b-1\" (Canteen Hall B): mode employee, language de",
        "data dir: /var/lib/canteen-kiosk",
        "Venue \"canteen\" (Betriebsrestaurant): bessa https://api.bessa.app/v1 venue 591",
        "time zone Europe/Vienna, serving 11:00, order until 1h before, cancel until 1h before",
        "menu from the vendor",
        "sample-menu.toml",
        "time zone America/Sao_Paulo, serving 12:30, order until 30m before, no cancelling",
        "token set",
        "Badges: 7 (4 employee, 2 kitchen, 1 admin)",
    ] {
        assert!(s.contains(words), "{words:?} not in\n{s}");
    }
}

// ---------------------------------------------------------------- whole-file problems

#[test]
fn a_missing_file_is_reported_not_panicked() {
    let dir = temp_dir("missing");
    let r = config::load(&dir.join("nope.toml")).unwrap_err();
    has(&r, "nope.toml", None, "", &["cannot be read"]);
}

#[test]
fn malformed_toml_gives_the_line() {
    let text = format!("{KIOSK}\n[venues.demo\nvendor = \"demo\"\n");
    let r = errors("syntax", &text);
    assert_eq!(r.problems.len(), 1);
    has(&r, "kiosk.toml", Some(5), "", &["invalid TOML"]);
    assert!(
        r.to_string()
            .starts_with(&format!("{}:5: invalid TOML", r.problems[0].file.display()))
    );
}

#[test]
fn an_empty_file_lists_what_is_missing() {
    let r = errors("empty", "");
    has(
        &r,
        "kiosk.toml",
        None,
        "kiosk",
        &["table is missing", "[kiosk]"],
    );
    has(
        &r,
        "kiosk.toml",
        None,
        "venues",
        &["are missing", "[venues.<key>]"],
    );
}

#[test]
fn a_binary_file_is_refused_cleanly() {
    let dir = temp_dir("binary");
    let path = dir.join("kiosk.toml");
    fs::write(&path, [0u8, 159, 146, 150, 255, 0, 1, 2]).unwrap();
    let r = config::load(&path).unwrap_err();
    has(&r, "kiosk.toml", None, "", &["not a text file"]);
    fs::write(&path, "\u{1}\u{2}garbage = = =\n").unwrap();
    let r = config::load(&path).unwrap_err();
    has(&r, "kiosk.toml", Some(1), "", &["invalid TOML"]);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let text = "[kiosk]\nid = \"k 1\"\nname = \"\"\nlanguage = \"fr\"\n\n[venues.demo]\nvendor = \"demo\"\ntime_zone = \"Mars/Olympus\"\nserving_time = \"25:00\"\n";
    let r = errors("many", text);
    has(&r, "kiosk.toml", Some(2), "kiosk.id", &["letters, digits"]);
    has(
        &r,
        "kiosk.toml",
        Some(3),
        "kiosk.name",
        &["must not be empty"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(4),
        "kiosk.language",
        &["\"de\", \"en\" or \"pt-BR\"", "not \"fr\""],
    );
    has(
        &r,
        "kiosk.toml",
        Some(8),
        "venues.demo.time_zone",
        &["not a known time zone"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(9),
        "venues.demo.serving_time",
        &["HH:MM", "25:00"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(6),
        "venues.demo.preorder_delta",
        &["is missing", "preorder_delta = \"1h\""],
    );
    has(
        &r,
        "kiosk.toml",
        Some(6),
        "venues.demo.cancellation_cutoff",
        &["is missing"],
    );
    assert_eq!(r.problems.len(), 7, "{r}");
    // In file and line order.
    let lines: Vec<_> = r.problems.iter().map(|p| p.line).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

// ---------------------------------------------------------------- generic key problems

#[test]
fn unknown_keys_suggest_the_nearest_known_key() {
    let text = format!("{KIOSK}idle_logut = 30\n{DEMO_VENUE}colour = \"red\"\n");
    let r = errors("unknown", &text);
    let p = has(
        &r,
        "kiosk.toml",
        Some(4),
        "kiosk.idle_logut",
        &["not a known setting", "did you mean `idle_logout`?"],
    );
    assert_eq!(
        p.to_string(),
        format!(
            "{}:4: kiosk.idle_logut is not a known setting; did you mean `idle_logout`?",
            p.file.display()
        )
    );
    has(
        &r,
        "kiosk.toml",
        Some(12),
        "venues.demo.colour",
        &["not a known setting", "known here:", "serving_time"],
    );
}

#[test]
fn unknown_keys_at_the_top_and_in_badges_and_webhooks() {
    let text = format!(
        "secret_file = \"s.toml\"\n{}\n[[badges]]\nnumber = \"1\"\nname = \"A\"\nrole = \"admin\"\nrolle = \"x\"\n",
        minimal()
    );
    let r = errors("unknown2", &text);
    has(
        &r,
        "kiosk.toml",
        Some(1),
        "secret_file",
        &["did you mean `secrets_file`?"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(17),
        "badges[0].rolle",
        &["did you mean `role`?"],
    );
}

#[test]
fn wrong_types_say_what_was_expected() {
    let text = format!(
        "{KIOSK}days_ahead = \"5\"\n[http]\nconnect_timeout = true\n{DEMO_VENUE}allow_cancel = \"yes\"\n"
    );
    let r = errors("types", &text);
    has(
        &r,
        "kiosk.toml",
        Some(4),
        "kiosk.days_ahead",
        &["must be a whole number, not a string"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(6),
        "http.connect_timeout",
        &["number of seconds", "not a boolean"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(14),
        "venues.demo.allow_cancel",
        &["true or false", "not a string"],
    );
}

#[test]
fn a_scalar_where_a_table_or_list_belongs() {
    let text = format!("http = 5\nbadges = \"all\"\n{}", minimal());
    let r = errors("shapes", &text);
    has(
        &r,
        "kiosk.toml",
        Some(1),
        "http",
        &["must be a table, not an integer"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(2),
        "badges",
        &["must be a list", "not a string"],
    );
}

#[test]
fn numbers_out_of_range() {
    let text = format!("{KIOSK}days_ahead = 30\n{DEMO_VENUE}");
    let r = errors("range", &text);
    has(
        &r,
        "kiosk.toml",
        Some(4),
        "kiosk.days_ahead",
        &["between 1 and 14, not 30"],
    );
}

#[test]
fn retention_days_is_a_week_to_ten_years() {
    for (value, words) in [
        ("3", "between 7 and 3650, not 3"),
        ("5000", "between 7 and 3650, not 5000"),
        ("\"90d\"", "a whole number"),
    ] {
        let text = format!("{KIOSK}retention_days = {value}\n{DEMO_VENUE}");
        let r = errors("retention", &text);
        has(&r, "kiosk.toml", Some(4), "kiosk.retention_days", &[words]);
    }
    let c = ok(
        "retention",
        &format!("{KIOSK}retention_days = 365\n{DEMO_VENUE}"),
    );
    assert_eq!(c.kiosk.retention_days, 365);
}

#[test]
fn badge_reader_is_a_device_path_resolved_like_data_dir_with_a_layout() {
    let c = ok("reader-none", &minimal());
    assert_eq!(c.kiosk.badge_input, None);
    assert!(config::summary(&c).contains("badge reader: the window's keys"));

    let by_id = "/dev/input/by-id/usb-Reader_RFID-event-kbd";
    let c = ok(
        "reader",
        &format!("{KIOSK}badge_reader = \"{by_id}\"\n{DEMO_VENUE}"),
    );
    let expected = BadgeInput {
        path: by_id.into(),
        layout: KeyboardLayout::Us,
    };
    assert_eq!(c.kiosk.badge_input, Some(expected));
    let summary = config::summary(&c);
    assert!(
        summary.contains(&format!("badge reader: {by_id} (layout us), read directly")),
        "{summary}"
    );

    // A missing device is no problem of the config: a reader may be unplugged for now.
    let text =
        format!("{KIOSK}badge_reader = \"replay.bin\"\nbadge_reader_layout = \"de\"\n{DEMO_VENUE}");
    let (dir, loaded) = load_in("reader-relative", &text, &[]);
    let input = loaded.unwrap().kiosk.badge_input.unwrap();
    assert_eq!(input.path, dir.join("replay.bin"));
    assert_eq!(input.layout, KeyboardLayout::De);

    let text = format!("{KIOSK}badge_reader = \"\"\nbadge_reader_layout = \"fr\"\n{DEMO_VENUE}");
    let r = errors("reader-bad", &text);
    has(
        &r,
        "kiosk.toml",
        Some(4),
        "kiosk.badge_reader",
        &["must not be empty"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(5),
        "kiosk.badge_reader_layout",
        &["must be \"us\" or \"de\", not \"fr\""],
    );
    let r = errors(
        "reader-type",
        &format!("{KIOSK}badge_reader = 7\n{DEMO_VENUE}"),
    );
    has(
        &r,
        "kiosk.toml",
        Some(4),
        "kiosk.badge_reader",
        &["a string"],
    );
}

#[test]
fn durations_bad_negative_and_absurd() {
    let text = format!(
        "{KIOSK}idle_logout = \"soon\"\nmenu_refresh = \"2s\"\n[http]\nread_timeout = -5\n{}",
        DEMO_VENUE.replace("\"2h\"", "\"30 days\"")
    );
    let r = errors("durations", &text);
    has(
        &r,
        "kiosk.toml",
        Some(4),
        "kiosk.idle_logout",
        &["number of seconds or a duration like \"90s\""],
    );
    has(
        &r,
        "kiosk.toml",
        Some(5),
        "kiosk.menu_refresh",
        &["between 1m and 1d, not 2s"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(7),
        "http.read_timeout",
        &["must not be negative"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(14),
        "venues.demo.cancellation_cutoff",
        &["between 0s and 7d"],
    );
}

#[test]
fn top_level_keys_written_after_a_table_header() {
    let text = format!("{KIOSK}badges_file = \"b.csv\"\n{DEMO_VENUE}");
    let r = errors("misplaced", &text);
    has(
        &r,
        "kiosk.toml",
        Some(4),
        "kiosk.badges_file",
        &["belongs at the top of the file", "[kiosk]"],
    );
}

#[test]
fn kiosk_mode_and_language_choices() {
    let text = format!("{KIOSK}mode = \"chef\"\n{DEMO_VENUE}");
    let r = errors("mode", &text);
    has(
        &r,
        "kiosk.toml",
        Some(4),
        "kiosk.mode",
        &["\"employee\" or \"kitchen\"", "not \"chef\""],
    );
    let c = ok(
        "kitchen",
        &format!(
            "{KIOSK}mode = \"kitchen\"\nlanguage = \"pt-BR\"\ndata_dir = \"data\"\n{DEMO_VENUE}"
        ),
    );
    assert_eq!(c.kiosk.mode, Mode::Kitchen);
    assert_eq!(c.kiosk.language.code(), "pt-BR");
    assert!(c.kiosk.data_dir.ends_with("data") && c.kiosk.data_dir.is_absolute());
}

// ---------------------------------------------------------------- venues

#[test]
fn an_empty_venues_table() {
    let r = errors("novenues", &format!("{KIOSK}[venues]\n"));
    has(&r, "kiosk.toml", Some(4), "venues", &["has no venue"]);
}

#[test]
fn a_venue_that_is_not_a_table_or_has_a_bad_key() {
    let text = format!(
        "{KIOSK}[venues]\ncanteen = \"bessa\"\n\"my venue\" = {{ vendor = \"demo\", time_zone = \"UTC\", serving_time = \"12:00\", preorder_delta = 0, cancellation_cutoff = 0 }}\n"
    );
    let r = errors("venuekeys", &text);
    has(
        &r,
        "kiosk.toml",
        Some(5),
        "venues.canteen",
        &["must be a [venues.canteen] table, not a string"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(6),
        "venues.my venue",
        &["has a bad key", "letters, digits"],
    );
}

#[test]
fn vendor_missing_or_unknown() {
    let r = errors(
        "novendor",
        &format!("{KIOSK}{}", DEMO_VENUE.replace("vendor = \"demo\"\n", "")),
    );
    has(
        &r,
        "kiosk.toml",
        Some(5),
        "venues.demo.vendor",
        &["is missing", "\"bessa\""],
    );
    let r = errors(
        "badvendor",
        &format!(
            "{KIOSK}{}",
            DEMO_VENUE.replace("\"demo\"\n", "\"uber\"\nvenue_id = 5\n")
        ),
    );
    has(
        &r,
        "kiosk.toml",
        Some(6),
        "venues.demo.vendor",
        &[
            "\"bessa\", \"order_mesa\", \"liefersoft\" or \"demo\"",
            "not \"uber\"",
        ],
    );
    // Vendor keys are not blamed when the vendor itself is wrong.
    assert_eq!(r.problems.len(), 1, "{r}");
}

#[test]
fn a_vendor_specific_key_on_the_wrong_vendor() {
    let text = format!("{KIOSK}{DEMO_VENUE}venue_id = 591\nmenu_file = \"m.toml\"\n");
    let r = errors("wrongvendor", &text);
    has(
        &r,
        "kiosk.toml",
        Some(11),
        "venues.demo.venue_id",
        &["is a setting of bessa venues, not of a \"demo\" venue"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(12),
        "venues.demo.menu_file",
        &["order_mesa and liefersoft venues"],
    );
}

#[test]
fn currency_and_time_zone_typos() {
    let text = format!(
        "{KIOSK}{}currency = \"euro\"\n",
        DEMO_VENUE.replace("Europe/Vienna", "Europe/Viena")
    );
    let r = errors("currency", &text);
    has(
        &r,
        "kiosk.toml",
        Some(11),
        "venues.demo.currency",
        &["ISO 4217", "\"euro\""],
    );
    let p = has(
        &r,
        "kiosk.toml",
        Some(7),
        "venues.demo.time_zone",
        &["did you mean \"Europe/Vienna\"?"],
    );
    assert!(
        p.to_string()
            .contains(":7: venue \"demo\": time_zone \"Europe/Viena\" is not a known time zone")
    );
}

fn bessa_venue(extra: &str) -> String {
    format!(
        "{KIOSK}\n[venues.canteen]\nvendor = \"bessa\"\ntime_zone = \"Europe/Vienna\"\nserving_time = \"11:00\"\npreorder_delta = 3600\ncancellation_cutoff = 3600\nvenue_id = 591\n{extra}"
    )
}

#[test]
fn bessa_defaults_match_the_capture() {
    let c = ok("bessa", &bessa_venue(""));
    let VendorSettings::Bessa(b) = &c.venues[0].vendor else {
        panic!()
    };
    assert_eq!(b.base_url, "https://api.bessa.app/v1");
    assert_eq!((b.order_type, b.menu_type), (7, 7));
    assert_eq!(b.payment_method, "payroll");
    assert_eq!(b.client_version, "1.7.0_prod/2026-01-26");
    assert_eq!(b.email_pattern, "knapp-{n}@bessa.app");
    assert!(b.token.is_none() && b.guest_token.is_none());
}

#[test]
fn base_urls_must_be_https() {
    let r = errors(
        "http",
        &bessa_venue("base_url = \"http://api.bessa.app/v1\"\n"),
    );
    let p = has(
        &r,
        "kiosk.toml",
        Some(12),
        "venues.canteen.base_url",
        &["must start with https://"],
    );
    assert_eq!(
        p.to_string(),
        format!(
            "{}:12: venue \"canteen\": base_url must start with https:// (http:// is allowed only for 127.0.0.1 or localhost)",
            p.file.display()
        )
    );
    let r = errors("nohost", &bessa_venue("base_url = \"https:///v1\"\n"));
    has(
        &r,
        "kiosk.toml",
        Some(12),
        "venues.canteen.base_url",
        &["has no host"],
    );
    let c = ok(
        "localhost",
        &bessa_venue("base_url = \"http://127.0.0.1:8080/v1/\"\n"),
    );
    let VendorSettings::Bessa(b) = &c.venues[0].vendor else {
        panic!()
    };
    assert_eq!(b.base_url, "http://127.0.0.1:8080/v1");
}

#[test]
fn bessa_missing_venue_id_and_bad_email_pattern() {
    let text = bessa_venue("email_pattern = \"knapp@bessa.app\"\n").replace("venue_id = 591\n", "");
    let r = errors("bessa-missing", &text);
    has(
        &r,
        "kiosk.toml",
        Some(5),
        "venues.canteen.venue_id",
        &["is missing", "venue_id = 591"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(11),
        "venues.canteen.email_pattern",
        &["{n}"],
    );
}

#[test]
fn credentials_must_be_references() {
    let r = errors(
        "inline",
        &bessa_venue("token = \"0123456789abcdef0123456789abcdef01234567\"\n"),
    );
    let p = has(
        &r,
        "kiosk.toml",
        Some(12),
        "venues.canteen.token",
        &[
            "must not hold the credential itself",
            "`canteen.token = \"…\"`",
            "token = \"secret:canteen.token\"",
            "env:VARIABLE",
        ],
    );
    assert!(!p.message.contains("0123456789abcdef"));
}

#[test]
fn env_references_need_the_variable_set() {
    let r = errors(
        "env",
        &bessa_venue("token = \"env:CANTEEN_TEST_SURELY_UNSET_VAR\"\n"),
    );
    has(
        &r,
        "kiosk.toml",
        Some(12),
        "venues.canteen.token",
        &[
            "environment variable CANTEEN_TEST_SURELY_UNSET_VAR",
            "not set",
        ],
    );
    // PATH is always set: a set variable resolves.
    let c = ok("envset", &bessa_venue("token = \"env:PATH\"\n"));
    let VendorSettings::Bessa(b) = &c.venues[0].vendor else {
        panic!()
    };
    assert!(b.token.is_some());
}

#[test]
fn secret_references_need_a_secrets_file_and_the_key() {
    let r = errors(
        "nosecretsfile",
        &bessa_venue("token = \"secret:canteen.token\"\n"),
    );
    has(
        &r,
        "kiosk.toml",
        Some(12),
        "venues.canteen.token",
        &["no `secrets_file", "top of the config"],
    );
    let text = format!(
        "secrets_file = \"secrets.toml\"\n{}",
        bessa_venue("token = \"secret:canteen.tokn\"\n")
    );
    let r = errors_with(
        "missingkey",
        &text,
        &[("secrets.toml", "canteen.token = \"x\"\n")],
    );
    has(
        &r,
        "kiosk.toml",
        Some(13),
        "venues.canteen.token",
        &[
            "secret \"canteen.tokn\"",
            "not in",
            "add `canteen.tokn = \"…\"`",
        ],
    );
    let r = errors("nofile", &text);
    has(
        &r,
        "kiosk.toml",
        Some(13),
        "venues.canteen.token",
        &["does not exist"],
    );
}

#[test]
fn a_broken_secrets_file_is_reported_once_without_values() {
    let text = format!(
        "secrets_file = \"secrets.toml\"\n{}",
        bessa_venue("token = \"secret:canteen.token\"\n")
    );
    let r = errors_with(
        "badsecrets",
        &text,
        &[(
            "secrets.toml",
            "ok = \"1\"\ncanteen.token = \"hunter2-topsecret\n",
        )],
    );
    has(&r, "secrets.toml", Some(2), "", &["invalid TOML"]);
    assert_eq!(r.problems.len(), 1, "{r}");
    assert!(!r.to_string().contains("hunter2"));
    let r = errors_with(
        "typedsecrets",
        &text,
        &[("secrets.toml", "[canteen]\ntoken = 42\n")],
    );
    has(
        &r,
        "secrets.toml",
        Some(2),
        "canteen.token",
        &["must be a string, not a integer"],
    );
}

#[test]
fn a_secrets_file_that_is_not_text() {
    let dir = temp_dir("binsecrets");
    let s = dir.join("secrets.toml");
    fs::write(&s, [0xffu8, 0xfe, 0]).unwrap();
    chmod(&s, 0o600);
    let path = write(
        &dir,
        "kiosk.toml",
        &format!("secrets_file = \"secrets.toml\"\n{}", minimal()),
    );
    let r = config::load(&path).unwrap_err();
    has(&r, "secrets.toml", None, "", &["not a UTF-8 text file"]);
}

fn mesa_venue(extra: &str) -> String {
    format!(
        "secrets_file = \"secrets.toml\"\n{KIOSK}\n[venues.bistro]\nvendor = \"order_mesa\"\ntime_zone = \"America/Sao_Paulo\"\nserving_time = \"12:30\"\npreorder_delta = \"30m\"\ncancellation_cutoff = \"30m\"\nmenu_file = \"menu.toml\"\nbase_url = \"https://api-barramento.meuelevestage.com\"\nintegration_hub_service_id = \"3fea8768-bbd9-454b-9e7b-40841e9a6812\"\nmerchant_id = \"m1\"\nmerchant_name = \"BOTECO\"\ncredential = \"secret:bistro.key\"\ntable_number = \"8\"\npayment_method = \"credit\"\n{extra}"
    )
}

const MENU: &str =
    "[[dishes]]\ncode = \"1\"\nname = \"A Francesa\"\nprice = \"29.90\"\nweekdays = [\"mon\"]\n";
const MESA_FILES: [(&str, &str); 2] = [
    ("secrets.toml", "bistro.key = \"k\"\n"),
    ("menu.toml", MENU),
];

#[test]
fn order_mesa_defaults_and_menu_file() {
    let c = ok_with("mesa", &mesa_venue(""), &MESA_FILES);
    let v = &c.venues[0];
    let VendorSettings::OrderMesa(m) = &v.vendor else {
        panic!()
    };
    assert_eq!(m.new_order_path, "/order/newOrder");
    assert_eq!(m.cancelled_items_path, "/order/cancelledItems");
    assert_eq!(m.auth_header, "x-api-key");
    assert_eq!(m.order_key_type, "ORDER_ID");
    assert_eq!(m.payment_type, "PREPAID");
    assert_eq!(
        (m.cancelled_poll_tries, m.cancelled_poll_delay.as_secs()),
        (10, 3)
    );
    assert!(!v.rules.allow_cancel);
    assert!(matches!(&v.menu, MenuSource::File(p) if p.ends_with("menu.toml")));
}

#[test]
fn order_mesa_field_checks() {
    let text = mesa_venue(
        "new_order_path = \"order/new\"\nauth_header = \"x api key\"\norder_key_type = \"CARD\"\n",
    )
    .replace("3fea8768-bbd9-454b-9e7b-40841e9a6812", "not-a-guid")
    .replace("merchant_name = \"BOTECO\"\n", "");
    let r = errors_with("mesachecks", &text, &MESA_FILES);
    has(
        &r,
        "kiosk.toml",
        Some(14),
        "venues.bistro.integration_hub_service_id",
        &["must be a GUID"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(6),
        "venues.bistro.merchant_name",
        &["is missing"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(19),
        "venues.bistro.new_order_path",
        &["starting with '/'"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(20),
        "venues.bistro.auth_header",
        &["HTTP header name"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(21),
        "venues.bistro.order_key_type",
        &["\"ORDER_ID\" or \"TABLE\""],
    );
    assert_eq!(r.problems.len(), 5, "{r}");
}

#[test]
fn order_mesa_menu_file_missing_or_not_given() {
    let r = errors_with("nomenu", &mesa_venue(""), &MESA_FILES[..1]);
    has(
        &r,
        "kiosk.toml",
        Some(12),
        "venues.bistro.menu_file",
        &[
            "\"menu.toml\" does not exist",
            "relative to the config file",
        ],
    );
    let r = errors_with(
        "menukey",
        &mesa_venue("").replace("menu_file = \"menu.toml\"\n", ""),
        &MESA_FILES,
    );
    has(
        &r,
        "kiosk.toml",
        Some(6),
        "venues.bistro.menu_file",
        &["is missing"],
    );
    let r = errors_with(
        "menubad",
        &mesa_venue(""),
        &[MESA_FILES[0], ("menu.toml", "[[dishes]]\ncode = \"1\"\n")],
    );
    has(&r, "menu.toml", Some(1), "dishes[0].name", &["is missing"]);
}

fn liefersoft_venue(extra: &str) -> String {
    format!(
        "secrets_file = \"secrets.toml\"\n{KIOSK}\n[venues.pizzeria]\nvendor = \"liefersoft\"\ntime_zone = \"Europe/Berlin\"\nserving_time = \"12:00\"\npreorder_delta = \"2h\"\ncancellation_cutoff = \"2h\"\nmenu_file = \"menu.csv\"\ncompany_id = \"4711\"\nrestaurant_id = \"0815\"\nlogin = \"kiosk\"\npassword = \"secret:pizzeria.password\"\n{extra}"
    )
}

const CSV_MENU: &str = "code,name,price,weekdays\nP1,Margherita,8.50,mon tue\n";
const LS_FILES: [(&str, &str); 2] = [
    (
        "secrets.toml",
        "pizzeria.password = \"pw\"\npizzeria.hook = \"0123456789abcdef\"\npizzeria.short = \"short\"\n",
    ),
    ("menu.csv", CSV_MENU),
];

#[test]
fn liefersoft_defaults_and_webhook() {
    let c = ok_with("ls", &liefersoft_venue(""), &LS_FILES);
    let VendorSettings::Liefersoft(l) = &c.venues[0].vendor else {
        panic!()
    };
    assert_eq!(l.base_url, "https://api.liefersoft.de");
    assert_eq!(
        (
            l.order_type.as_str(),
            l.payment_method.as_str(),
            l.item_type.as_str()
        ),
        ("PICKUP", "MEAL_VOUCHER", "MAIN_DISH")
    );
    assert!(l.webhook.is_none());
    let hook = "[venues.pizzeria.webhook]\nlisten = \"0.0.0.0:8443\"\npublic_url = \"https://kiosk.example.com/hook\"\nsecret = \"secret:pizzeria.hook\"\n";
    let c = ok_with("lshook", &liefersoft_venue(hook), &LS_FILES);
    let VendorSettings::Liefersoft(l) = &c.venues[0].vendor else {
        panic!()
    };
    assert_eq!(
        l.webhook.as_ref().unwrap().public_url,
        "https://kiosk.example.com/hook"
    );
}

#[test]
fn liefersoft_webhook_checks() {
    let hook = "payment_method = \"PAYPAL\"\n[venues.pizzeria.webhook]\nlisten = \"everywhere\"\npublic_url = \"http://kiosk.example.com/hook\"\nsecret = \"secret:pizzeria.short\"\nport = 1\n";
    let r = errors_with("lshookbad", &liefersoft_venue(hook), &LS_FILES);
    has(
        &r,
        "kiosk.toml",
        Some(17),
        "venues.pizzeria.payment_method",
        &["\"MEAL_VOUCHER\"", "not \"PAYPAL\""],
    );
    has(
        &r,
        "kiosk.toml",
        Some(19),
        "venues.pizzeria.webhook.listen",
        &["address and port"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(20),
        "venues.pizzeria.webhook.public_url",
        &["public https:// URL"],
    );
    let p = has(
        &r,
        "kiosk.toml",
        Some(21),
        "venues.pizzeria.webhook.secret",
        &["16 to 1024 characters"],
    );
    assert!(!p.message.contains("short\""));
    has(
        &r,
        "kiosk.toml",
        Some(22),
        "venues.pizzeria.webhook.port",
        &["not a known setting"],
    );
    let short_url = hook.replace("http://kiosk.example.com/hook", "https://a.b");
    let r = errors_with("lshookurl", &liefersoft_venue(&short_url), &LS_FILES);
    has(
        &r,
        "kiosk.toml",
        Some(20),
        "venues.pizzeria.webhook.public_url",
        &["12 to 255 characters"],
    );
}

#[test]
fn liefersoft_requires_its_credentials() {
    let text = liefersoft_venue("").replace("password = \"secret:pizzeria.password\"\n", "");
    let r = errors_with("lsnopw", &text, &LS_FILES);
    has(
        &r,
        "kiosk.toml",
        Some(6),
        "venues.pizzeria.password",
        &["is missing", "password = \"secret:pizzeria.password\""],
    );
}

// ---------------------------------------------------------------- badges

#[test]
fn inline_badges_are_checked() {
    let text = format!(
        "{}\n[[badges]]\nnumber = \"12 34\"\nname = \"A\"\n\n[[badges]]\nnumber = 1001\nname = \"B\"\nemail = \"b-at-example\"\nrole = \"chef\"\n\n[[badges]]\nname = \"C\"\n\n[[badges]]\nnumber = 1.5\nname = \"D\"\n",
        minimal()
    );
    let r = errors("inline-badges", &text);
    has(
        &r,
        "kiosk.toml",
        Some(13),
        "badges[0].number",
        &["letters or digits the badge reader types"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(17),
        "badges[1].email",
        &["not an e-mail address"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(20),
        "badges[1].role",
        &["\"employee\", \"kitchen\" or \"admin\"", "not \"chef\""],
    );
    has(
        &r,
        "kiosk.toml",
        Some(22),
        "badges[2].number",
        &["is missing"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(26),
        "badges[3].number",
        &["must be a string like \"1001\", not a float"],
    );
}

#[test]
fn a_badge_entry_that_is_not_a_table() {
    let r = errors("badge-scalar", &format!("badges = [1, 2]\n{}", minimal()));
    has(
        &r,
        "kiosk.toml",
        Some(1),
        "badges[0]",
        &["must be a [[badges]] table, not an integer"],
    );
}

#[test]
fn badges_from_csv_and_inline_merge() {
    let csv = "number;name;role\n1001;Anna;\n9001;Karl;kitchen\n";
    let text = format!(
        "badges_file = \"badges.csv\"\n{}\n[[badges]]\nnumber = \"9999\"\nname = \"Ada\"\nrole = \"admin\"\n",
        minimal()
    );
    let c = ok_with("csv-badges", &text, &[("badges.csv", csv)]);
    let roles: Vec<(&str, Role)> = c
        .badges
        .iter()
        .map(|b| (b.number.as_str(), b.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("9999", Role::Admin),
            ("1001", Role::Employee),
            ("9001", Role::Kitchen)
        ]
    );
}

#[test]
fn csv_badge_problems_point_into_the_csv() {
    let csv = "# roster\nnumber,name,email,role\n1001,Anna,,chef\n,Bo,,\n1003,,,\n1004,Di,di@x,admin,extra\n1005,\"Eve,\n1006,Fay,fay-at-x,\n";
    let text = format!("badges_file = \"badges.csv\"\n{}", minimal());
    let r = errors_with("csv-bad", &text, &[("badges.csv", csv)]);
    let p = has(
        &r,
        "badges.csv",
        Some(3),
        "role",
        &["\"employee\", \"kitchen\" or \"admin\"", "not \"chef\""],
    );
    assert!(
        p.to_string().ends_with(
            "badges.csv:3: role must be \"employee\", \"kitchen\" or \"admin\", not \"chef\""
        ),
        "{p}"
    );
    has(&r, "badges.csv", Some(4), "number", &["is empty"]);
    has(&r, "badges.csv", Some(5), "name", &["is empty"]);
    has(
        &r,
        "badges.csv",
        Some(6),
        "",
        &["has 5 cells but the header names 4 columns"],
    );
    has(&r, "badges.csv", Some(7), "", &["quote that is not closed"]);
    has(
        &r,
        "badges.csv",
        Some(8),
        "email",
        &["not an e-mail address"],
    );
}

#[test]
fn csv_badge_headers_are_checked() {
    let text = format!("badges_file = \"badges.csv\"\n{}", minimal());
    let r = errors_with(
        "csv-header",
        &text,
        &[("badges.csv", "numbr,name,name\n1,A,B\n")],
    );
    has(
        &r,
        "badges.csv",
        Some(1),
        "numbr",
        &["not a known column", "did you mean `number`?"],
    );
    has(&r, "badges.csv", Some(1), "name", &["named twice"]);
    has(&r, "badges.csv", Some(1), "number", &["column is missing"]);
    let r = errors_with("csv-empty", &text, &[("badges.csv", "# nothing\n")]);
    has(&r, "badges.csv", None, "", &["is empty", "number,name"]);
}

#[test]
fn a_missing_badges_file() {
    let r = errors(
        "nobadges",
        &format!("badges_file = \"badges.csv\"\n{}", minimal()),
    );
    has(
        &r,
        "kiosk.toml",
        Some(1),
        "badges_file",
        &["\"badges.csv\" cannot be read", "looked for at"],
    );
}

#[test]
fn duplicate_badge_numbers_across_csv_and_inline() {
    let text = format!(
        "badges_file = \"badges.csv\"\n{}\n[[badges]]\nnumber = \"1001\"\nname = \"Again\"\n",
        minimal()
    );
    let r = errors_with(
        "dupes",
        &text,
        &[("badges.csv", "number,name\n1001,Anna\n")],
    );
    let p = has(
        &r,
        "badges.csv",
        Some(2),
        "number",
        &[
            "badge number ••1 is listed twice",
            "first at",
            "kiosk.toml:14",
        ],
    );
    assert!(p.message.contains("must be unique"));
    assert!(!p.message.contains("1001"), "{}", p.message);
}

#[test]
fn a_bessa_venue_needs_an_email_or_employee_number_per_employee() {
    let text = format!(
        "{}\n[[badges]]\nnumber = \"1001\"\nname = \"Anna\"\n\n[[badges]]\nnumber = \"9001\"\nname = \"Kitchen\"\nrole = \"kitchen\"\n",
        bessa_venue("")
    );
    let r = errors("bessa-badges", &text);
    has(
        &r,
        "kiosk.toml",
        Some(14),
        "badges[0].email",
        &["is missing", "employee_number"],
    );
    assert_eq!(r.problems.len(), 1, "{r}");
}

// ---------------------------------------------------------------- menu files

use canteen_kiosk::config::menu_file;
use jiff::civil::{Weekday, date};

#[test]
fn the_sample_menus_parse_and_give_days() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let toml =
        menu_file::load(&data.join("sample-menu.toml"), "bistro").unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(toml.dishes.len(), 3);
    let first = &toml.dishes[0];
    assert_eq!((first.code.as_str(), first.price.cents()), ("1", 2990));
    assert_eq!(first.vat.unwrap().hundredths(), 1000);
    assert_eq!(
        first.weekdays,
        [Weekday::Monday, Weekday::Wednesday, Weekday::Friday]
    );
    // 2026-11-16 is a Monday; the Friday 20th also has the Feijoada by date.
    let days = toml.days(date(2026, 11, 16), 7);
    assert_eq!(days.len(), 7);
    let names = |i: usize| {
        days[i]
            .articles
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(0), ["A Francesa"]);
    assert_eq!(names(1), ["Moqueca de Legumes"]);
    assert_eq!(names(4), ["A Francesa", "Feijoada"]);
    assert_eq!(names(5), ["Feijoada"]);
    assert!(names(6).is_empty());
    assert!(
        days.iter()
            .all(|d| d.venue == "bistro" && d.vendor_day_id.is_none())
    );
    assert_eq!(days[0].articles[0].portions_left, Some(40));
    assert_eq!(days[0].articles[0].allergens, "ACG");
    // Closed days are empty whatever the weekday.
    assert!(toml.days(date(2026, 12, 24), 1)[0].articles.is_empty());

    let csv = menu_file::load(&data.join("sample-menu.csv"), "pizzeria")
        .unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(csv.dishes.len(), 4);
    assert_eq!(csv.dishes[0].description, "Tomato, mozzarella, basil");
    assert_eq!(csv.dishes[0].price.cents(), 850);
    let dec = csv.days(date(2026, 12, 21), 3);
    let codes: Vec<Vec<&str>> = dec
        .iter()
        .map(|d| d.articles.iter().map(|a| a.vendor_id.as_str()).collect())
        .collect();
    assert_eq!(
        codes,
        [
            vec!["P1", "P2", "S1"],
            vec!["P1", "S1"],
            vec!["P1", "P2", "S1", "X1"]
        ]
    );
}

fn menu_errors(name: &str, file: &str, text: &str) -> ConfigReport {
    let dir = temp_dir(name);
    let path = write(&dir, file, text);
    menu_file::load(&path, "v").unwrap_err()
}

#[test]
fn menu_toml_problems() {
    let text = "closed = [\"24.12.\"]\n\n[[dishes]]\ncode = \"1\"\nname = \"A\"\nprice = 5.5\nvat = \"ten\"\nallergens = \"AXG\"\nportions = -1\nweekdays = [\"mon\", \"funday\"]\ndates = [\"2026-13-01\"]\ncolour = \"red\"\n\n[[dishes]]\ncode = \"1\"\nname = \"B\"\nprice = \"-1\"\n\n[[dishes]]\ncode = \"1\"\nname = \"C\"\nprice = \"1.505\"\nweekdays = [\"mon\"]\n\n[[dishes]]\ncode = \"2\"\nname = \"D\"\nprice = \"1\"\nweekdays = [\"mon\"]\n[[dishes]]\ncode = \"2\"\nname = \"E\"\nprice = \"1\"\ndates = [\"2026-01-01\"]\n";
    let r = menu_errors("menu-toml", "menu.toml", text);
    has(
        &r,
        "menu.toml",
        Some(1),
        "closed",
        &["dates like \"2026-11-23\"", "24.12."],
    );
    has(
        &r,
        "menu.toml",
        Some(6),
        "dishes[0].price",
        &["must be a string", "a float is not exact"],
    );
    has(&r, "menu.toml", Some(7), "dishes[0].vat", &["percentage"]);
    has(
        &r,
        "menu.toml",
        Some(8),
        "dishes[0].allergens",
        &["'X'", "not an EU allergen letter"],
    );
    has(
        &r,
        "menu.toml",
        Some(9),
        "dishes[0].portions",
        &["whole number of portions"],
    );
    has(
        &r,
        "menu.toml",
        Some(10),
        "dishes[0].weekdays",
        &["\"funday\"", "mon, tue"],
    );
    has(
        &r,
        "menu.toml",
        Some(11),
        "dishes[0].dates",
        &["\"2026-13-01\"", "2026-11-23"],
    );
    has(
        &r,
        "menu.toml",
        Some(12),
        "dishes[0].colour",
        &["not a known setting"],
    );
    has(
        &r,
        "menu.toml",
        Some(17),
        "dishes[1].price",
        &["must not be negative"],
    );
    has(
        &r,
        "menu.toml",
        Some(14),
        "dishes[1].weekdays",
        &["or dates are missing"],
    );
    has(
        &r,
        "menu.toml",
        Some(22),
        "dishes[2].price",
        &["amount like \"5.50\"", "too many decimal places"],
    );
    has(
        &r,
        "menu.toml",
        Some(31),
        "dishes[4].code",
        &["\"2\" is used twice (first at line 26)"],
    );
}

#[test]
fn menu_toml_shape_problems() {
    let r = menu_errors("menu-empty", "menu.toml", "");
    has(
        &r,
        "menu.toml",
        None,
        "dishes",
        &["are missing", "[[dishes]]"],
    );
    let r = menu_errors("menu-scalar", "menu.toml", "dishes = [\"soup\"]\n");
    has(
        &r,
        "menu.toml",
        Some(1),
        "dishes[0]",
        &["must be a [[dishes]] table, not a string"],
    );
    let r = menu_errors("menu-syntax", "menu.toml", "[[dishes]\n");
    has(&r, "menu.toml", Some(1), "", &["invalid TOML"]);
    let r = menu_errors("menu-none", "menu.toml", "dishes = []\n");
    has(&r, "menu.toml", None, "", &["has no dishes"]);
    let dir = temp_dir("menu-missing");
    let r = menu_file::load(&dir.join("nope.toml"), "v").unwrap_err();
    has(&r, "nope.toml", None, "", &["cannot be read"]);
    let bin = write(&dir, "bin.csv", "");
    fs::write(&bin, [0xffu8, 0]).unwrap();
    let r = menu_file::load(&bin, "v").unwrap_err();
    has(&r, "bin.csv", None, "", &["not a UTF-8 text file"]);
}

#[test]
fn menu_csv_problems() {
    let text = "code,name,price,weekdays,dates,colour\n";
    let r = menu_errors("menu-csv-header", "menu.csv", text);
    has(&r, "menu.csv", Some(1), "colour", &["not a known column"]);
    let text = "code,name,price,weekdays\nP1,,abc,mon\nP2,B,1.00,\n";
    let r = menu_errors("menu-csv", "menu.csv", text);
    has(&r, "menu.csv", Some(2), "name", &["is missing"]);
    has(&r, "menu.csv", Some(2), "price", &["amount like \"5.50\""]);
    has(
        &r,
        "menu.csv",
        Some(3),
        "weekdays",
        &["or dates are missing"],
    );
}

// ---------------------------------------------------------------- write_secret

#[test]
fn write_secret_round_trips_with_mode_0600() {
    let dir = temp_dir("write-secret");
    let path = dir.join("sub").join("secrets.toml");
    config::write_secret(&path, "bessa.canteen.1001", "tok-1").unwrap();
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    config::write_secret(&path, "bessa.canteen.1002", "tok \"2\"").unwrap();
    config::write_secret(&path, "bessa.canteen.1001", "tok-1b").unwrap();
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // No temp files are left behind.
    assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    // The config sees them.
    let text = format!(
        "secrets_file = \"sub/secrets.toml\"\n{}",
        bessa_venue("token = \"secret:bessa.canteen.1002\"\n")
    );
    let kiosk = write(&dir, "kiosk.toml", &text);
    let c = config::load(&kiosk).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(
        c.secrets.get("bessa.canteen.1001").unwrap().expose(),
        "tok-1b"
    );
    let VendorSettings::Bessa(b) = &c.venues[0].vendor else {
        panic!()
    };
    assert_eq!(b.token.as_ref().unwrap().expose(), "tok \"2\"");
}

#[test]
fn write_secret_keeps_hand_written_keys_and_refuses_a_broken_file() {
    let dir = temp_dir("write-secret-2");
    let path = write(&dir, "s.toml", "[canteen]\ntoken = \"abc\"\n");
    config::write_secret(&path, "x", "y").unwrap();
    let dir2 = dir.join("k");
    fs::create_dir_all(&dir2).unwrap();
    let text = format!(
        "secrets_file = \"../s.toml\"\n{}",
        bessa_venue("token = \"secret:canteen.token\"\n")
    );
    let c = config::load(&write(&dir2, "kiosk.toml", &text)).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(c.secrets.get("canteen.token").unwrap().expose(), "abc");
    let broken = write(&dir, "broken.toml", "token = \"secret-value\n");
    let e = config::write_secret(&broken, "x", "y").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(!e.to_string().contains("secret-value"));
    assert_eq!(
        fs::read_to_string(&broken).unwrap(),
        "token = \"secret-value\n"
    );
}

#[test]
fn rarer_messages() {
    // A top-level key written after the venues header looks like a venue.
    let text = format!("{KIOSK}[venues]\nsecrets_file = \"s.toml\"\n");
    let r = errors("venue-toplevel", &text);
    has(
        &r,
        "kiosk.toml",
        Some(5),
        "venues.secrets_file",
        &["not a string", "belongs at the top of the file"],
    );
    // A zone that is nothing like a known one gets examples instead of a guess.
    let r = errors(
        "zone",
        &format!("{KIOSK}{}", DEMO_VENUE.replace("Europe/Vienna", "Nowhere")),
    );
    has(
        &r,
        "kiosk.toml",
        Some(7),
        "venues.demo.time_zone",
        &["\"Nowhere\" is not a known time zone", "IANA name such as"],
    );
    // A badge roster that is not text.
    let dir = temp_dir("badges-binary");
    fs::write(dir.join("badges.csv"), [0xffu8, 0xfe]).unwrap();
    let path = write(
        &dir,
        "kiosk.toml",
        &format!("badges_file = \"badges.csv\"\n{}", minimal()),
    );
    let r = config::load(&path).unwrap_err();
    has(&r, "badges.csv", None, "", &["not a UTF-8 text (CSV) file"]);
}

// ---------------------------------------------------------------- [peers]

const PEER_SECRETS: [(&str, &str); 1] = [(
    "secrets.toml",
    "peers.token = \"a-canteen-token-of-hall-b\"\npeers.short = \"short\"\n",
)];

fn with_peers(peers: &str) -> String {
    format!("secrets_file = \"secrets.toml\"\n{KIOSK}{DEMO_VENUE}\n[peers]\n{peers}")
}

#[test]
fn peers_serve_and_read_with_a_shared_token() {
    let text = with_peers(
        "listen = \"0.0.0.0:8470\"\nfrom = [\"http://door-kiosk:8470/\", \"https://10.0.0.7\"]\ntoken = \"secret:peers.token\"\n",
    );
    let c = ok_with("peers", &text, &PEER_SECRETS);
    let peers = c.peers.as_ref().unwrap();
    assert_eq!(peers.listen.as_deref(), Some("0.0.0.0:8470"));
    assert_eq!(
        peers.from,
        vec!["http://door-kiosk:8470", "https://10.0.0.7"]
    );
    assert_eq!(peers.token.expose(), "a-canteen-token-of-hall-b");
    let summary = config::summary(&c);
    assert!(
        summary.contains("Peers: serves its orders on 0.0.0.0:8470; reads http://door-kiosk:8470"),
        "{summary}"
    );
    assert!(!summary.contains("a-canteen-token"));
    assert!(ok("no peers", &minimal()).peers.is_none());
}

#[test]
fn peer_settings_are_checked() {
    let text = with_peers(
        "listen = \"everywhere\"\nfrom = [\"door-kiosk:8470\", 7, \"http://a:1\", \"http://a:1/\"]\ntoken = \"secret:peers.short\"\nport = 1\n",
    );
    let r = errors_with("peersbad", &text, &PEER_SECRETS);
    has(
        &r,
        "kiosk.toml",
        Some(14),
        "peers.listen",
        &["address and port", "\"everywhere\""],
    );
    has(
        &r,
        "kiosk.toml",
        Some(15),
        "peers.from",
        &["must start with http://"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(15),
        "peers.from",
        &["must hold strings"],
    );
    has(
        &r,
        "kiosk.toml",
        Some(15),
        "peers.from",
        &["lists http://a:1 twice"],
    );
    let p = has(
        &r,
        "kiosk.toml",
        Some(16),
        "peers.token",
        &["at least 16 characters"],
    );
    assert!(!p.message.contains("short\""));
    has(
        &r,
        "kiosk.toml",
        Some(17),
        "peers.port",
        &["not a known setting"],
    );

    let r = errors_with("peersnone", &with_peers(""), &PEER_SECRETS);
    has(
        &r,
        "kiosk.toml",
        Some(13),
        "peers",
        &["needs `listen`", "`from`"],
    );
    has(&r, "kiosk.toml", Some(13), "peers.token", &["missing"]);
    let r = errors_with(
        "peersinline",
        &with_peers("listen = \"0.0.0.0:8470\"\ntoken = \"a-canteen-token-of-hall-b\"\n"),
        &PEER_SECRETS,
    );
    has(
        &r,
        "kiosk.toml",
        Some(15),
        "peers.token",
        &["must not hold the credential itself"],
    );
}

// ---------------------------------------------------------------- [metrics]

const METRICS_SECRETS: [(&str, &str); 1] = [("secrets.toml", "metrics.token = \"tok-123456\"\n")];

/// The minimal config with a secrets file (line 1) and `metrics` (from line 12: `[metrics]`).
fn with_metrics(metrics: &str) -> String {
    format!("secrets_file = \"secrets.toml\"\n{}{metrics}", minimal())
}

#[test]
fn metrics_are_off_by_default_and_take_listen_path_and_token() {
    assert!(ok("nometrics", &minimal()).metrics.is_none());
    let c = ok_with(
        "metrics",
        &with_metrics("[metrics]\nlisten = \"0.0.0.0:9470\"\n"),
        &METRICS_SECRETS,
    );
    let m = c.metrics.unwrap();
    assert_eq!(
        (m.listen.as_str(), m.path.as_str()),
        ("0.0.0.0:9470", "/metrics")
    );
    assert!(m.token.is_none());
    let c = ok_with(
        "metricstoken",
        &with_metrics(
            "[metrics]\nlisten = \"127.0.0.1:8443\"\npath = \"/kiosk/metrics\"\ntoken = \"secret:metrics.token\"\n",
        ),
        &METRICS_SECRETS,
    );
    let m = c.metrics.unwrap();
    assert_eq!(m.path, "/kiosk/metrics");
    assert_eq!(m.token.unwrap().expose(), "tok-123456");
}

#[test]
fn metrics_problems_name_file_line_and_key() {
    let text = with_metrics(
        "[metrics]\nlisten = \"everywhere\"\npath = \"metrics?x\"\ntoken = \"literal-tok-987\"\nport = 1\n",
    );
    let r = errors_with("metricsbad", &text, &METRICS_SECRETS);
    has(
        &r,
        "kiosk.toml",
        Some(13),
        "metrics.listen",
        &["address and port", "\"0.0.0.0:9470\""],
    );
    has(
        &r,
        "kiosk.toml",
        Some(14),
        "metrics.path",
        &["a path like \"/metrics\""],
    );
    let p = has(
        &r,
        "kiosk.toml",
        Some(15),
        "metrics.token",
        &[
            "must not hold the credential itself",
            "secret:metrics.token",
        ],
    );
    assert!(!p.message.contains("literal-tok-987"), "{}", p.message);
    has(
        &r,
        "kiosk.toml",
        Some(16),
        "metrics.port",
        &["not a known setting"],
    );
    let r = errors_with(
        "metricsnolisten",
        &with_metrics("[metrics]\n"),
        &METRICS_SECRETS,
    );
    has(
        &r,
        "kiosk.toml",
        Some(12),
        "metrics.listen",
        &["is missing", "0.0.0.0:9470"],
    );
    let missing = "[metrics]\nlisten = \"0.0.0.0:9470\"\ntoken = \"secret:metrics.nope\"\n";
    let r = errors_with("metricsnosecret", &with_metrics(missing), &METRICS_SECRETS);
    has(
        &r,
        "kiosk.toml",
        Some(14),
        "metrics.token",
        &["\"metrics.nope\"", "not in"],
    );
}

#[test]
fn screen_blanking_defaults_and_settings() {
    let c = ok("screen-default", &minimal());
    assert!(c.screen.blank);
    let b = c.screen.blanking;
    assert_eq!(b.blank_after.as_secs(), 600);
    assert_eq!(b.blank_after_outside_service.as_secs(), 120);
    assert_eq!(b.dim_for.as_secs(), 30);
    assert_eq!(b.service_hours.to_string(), "07:00-18:00");
    assert_eq!(c.screen.backlight, BacklightSetting::Auto);

    let text = format!(
        "{}[screen]\nblank_after = \"5m\"\nblank_after_outside_service = 90\n\
         service_hours = \"22:00-06:00\"\ndim_for = \"0s\"\nbacklight = \"/sys/class/backlight/10-0045\"\n",
        minimal()
    );
    let c = ok("screen", &text);
    let b = c.screen.blanking;
    assert_eq!(
        (
            b.blank_after.as_secs(),
            b.blank_after_outside_service.as_secs()
        ),
        (300, 90)
    );
    assert_eq!(b.service_hours.to_string(), "22:00-06:00");
    assert_eq!(b.dim_for.as_secs(), 0);
    assert_eq!(
        c.screen.backlight,
        BacklightSetting::Path(PathBuf::from("/sys/class/backlight/10-0045"))
    );
    let off = ok(
        "screen-off",
        &format!(
            "{}[screen]\nblank = false\nbacklight = \"none\"\n",
            minimal()
        ),
    );
    assert!(!off.screen.blank);
    assert_eq!(off.screen.backlight, BacklightSetting::Drawn);
}

#[test]
fn screen_blanking_bad_values_say_what_is_wanted() {
    let screen = |body: &str| format!("{}[screen]\n{body}\n", minimal());
    for (body, key, words) in [
        (
            "service_hours = \"7-18\"",
            "screen.service_hours",
            "like \"07:00-18:00\"",
        ),
        (
            "service_hours = \"08:00-08:00\"",
            "screen.service_hours",
            "not \"08:00-08:00\"",
        ),
        (
            "blank_after = \"10s\"",
            "screen.blank_after",
            "between 1m and 1d",
        ),
        (
            "dim_for = \"3m\"\nblank_after_outside_service = \"2m\"",
            "screen.dim_for",
            "shorter than",
        ),
        (
            "backlight = \"lcd\"",
            "screen.backlight",
            "\"auto\", \"none\" or a backlight directory",
        ),
        ("blank_afer = \"5m\"", "screen.blank_afer", "blank_after"),
    ] {
        let r = errors("screen-bad", &screen(body));
        has(&r, "kiosk.toml", Some(12), key, &[words]);
    }
}
