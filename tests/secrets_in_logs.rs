//! No secret in the log at any level: the built binary runs a full sync at `RUST_LOG=trace`
//! against the fakes of all three vendors, and its stderr (and any hex dump in it, put back
//! together into bytes) is searched for every credential that went on the wire and for the
//! badge numbers, which are the employees' credentials at the kiosk.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::bessa::{self, BessaFake};
use support::kiosk::{bin, json, stderr};
use support::liefersoft::{self, LiefersoftFake};
use support::order_mesa::{self, OrderMesaFake};

/// Eight digits each: numbers no id, time or token of the run holds by chance.
const EMPLOYEE_BADGE: &str = "73915284";
const ADMIN_BADGE: &str = "58203716";
/// Typed at the kiosk but in no roster.
const UNKNOWN_BADGE: &str = "41786392";

/// A kiosk with one venue per vendor, each on its fake, every credential in the secrets file.
struct ThreeVendors {
    _dir: tempfile::TempDir,
    config: PathBuf,
}

impl ThreeVendors {
    fn new(bessa: &BessaFake, mesa: &OrderMesaFake, ls: &LiefersoftFake) -> ThreeVendors {
        let dir = tempfile::Builder::new()
            .prefix("ck-logs-")
            .tempdir()
            .unwrap();
        let root = dir.path();
        let secrets = root.join("secrets.toml");
        std::fs::write(
            &secrets,
            format!(
                "canteen.token = \"{}\"\ncanteen.guest_token = \"{}\"\n\
                 bistro.credential = \"{}\"\npizzeria.password = \"{}\"\n",
                bessa::CAPTURE_TOKEN,
                bessa::GUEST_TOKEN,
                order_mesa::CREDENTIAL,
                liefersoft::PASSWORD
            ),
        )
        .unwrap();
        std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(
            root.join("menu.csv"),
            "code,name,description,price,vat,allergens,portions,weekdays,dates\n\
             P1,Pizza Margherita,,8.50,7,,,mon tue wed thu fri sat sun,\n",
        )
        .unwrap();
        let config = root.join("kiosk.toml");
        std::fs::write(&config, config_text(root, bessa, mesa, ls)).unwrap();
        std::fs::create_dir_all(root.join("timesync")).unwrap();
        std::fs::write(root.join("timesync").join("synchronized"), "").unwrap();
        ThreeVendors { _dir: dir, config }
    }

    /// Runs the binary at trace level; returns its output, stderr appended to `log`.
    fn run(&self, args: &[&str], log: &mut String) -> std::process::Output {
        let out = Command::new(bin())
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .env(
                "KIOSK_CLOCK_SYNCED_FILE",
                self.config.with_file_name("timesync").join("synchronized"),
            )
            .env("RUST_LOG", "trace")
            .output()
            .unwrap();
        log.push_str(&stderr(&out));
        out
    }
}

fn config_text(
    root: &Path,
    bessa: &BessaFake,
    mesa: &OrderMesaFake,
    ls: &LiefersoftFake,
) -> String {
    format!(
        r#"secrets_file = "secrets.toml"

[kiosk]
id = "log-check"
name = "Log check"
data_dir = "{data}"

[venues.canteen]
vendor = "bessa"
time_zone = "Europe/Vienna"
serving_time = "11:00"
preorder_delta = "1h"
cancellation_cutoff = "1h"
base_url = "{bessa_url}"
venue_id = 591
token = "secret:canteen.token"
guest_token = "secret:canteen.guest_token"

[venues.bistro]
vendor = "order_mesa"
time_zone = "Europe/Vienna"
serving_time = "12:00"
preorder_delta = "1h"
cancellation_cutoff = "1h"
menu_file = "menu.csv"
base_url = "{mesa_url}"
integration_hub_service_id = "{hub}"
merchant_id = "c312d2ff-1a8f-40ad-8eed-9ae9a908df6e"
merchant_name = "BOTECO DO ALBINO"
credential = "secret:bistro.credential"
table_number = "8"
payment_method = "credit"
cancelled_poll_tries = 3
cancelled_poll_delay = "1s"

[venues.pizzeria]
vendor = "liefersoft"
time_zone = "Europe/Vienna"
serving_time = "12:00"
preorder_delta = "1h"
cancellation_cutoff = "1h"
menu_file = "menu.csv"
base_url = "{ls_url}"
company_id = "{company}"
restaurant_id = "{restaurant}"
login = "{login}"
password = "secret:pizzeria.password"

[[badges]]
number = "{EMPLOYEE_BADGE}"
name = "Anna Berger"
employee_number = "2041"

[[badges]]
number = "{ADMIN_BADGE}"
name = "Ada Admin"
email = "it@example.com"
role = "admin"
"#,
        data = root.join("data").display(),
        bessa_url = bessa.url(),
        mesa_url = mesa.url(),
        hub = order_mesa::HUB_ID,
        ls_url = ls.url(),
        company = liefersoft::COMPANY,
        restaurant = liefersoft::RESTAURANT,
        login = liefersoft::LOGIN,
    )
}

/// Tomorrow in Vienna (every venue's zone here).
fn tomorrow() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Vienna").unwrap())
        .date()
        .tomorrow()
        .unwrap()
}

/// The bytes of every hex dump in a log, put back together: a dump row (ureq-proto's format)
/// is eight groups of four hex digits ("--" pads the last row) after the line's header, then
/// the printable characters. A secret split across rows is whole again in the bytes.
fn hex_dump_bytes(log: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in log.lines() {
        let body = line.split_once("] ").map_or(line, |(_, rest)| rest);
        let groups: Vec<&str> = body.split_whitespace().take(8).collect();
        let is_group =
            |g: &&str| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        if groups.len() < 8 || !groups.iter().all(is_group) {
            continue;
        }
        for g in groups {
            for pair in [&g[..2], &g[2..]] {
                if let Ok(b) = u8::from_str_radix(pair, 16) {
                    bytes.push(b);
                }
            }
        }
    }
    bytes
}

fn assert_absent(log: &str, dumped: &[u8], what: &str, value: &str) {
    assert!(!value.is_empty());
    if let Some(line) = log.lines().find(|l| l.contains(value)) {
        panic!("{what} in the log: {line}");
    }
    let needle = value.as_bytes();
    assert!(
        !dumped.windows(needle.len()).any(|w| w == needle),
        "{what} in a hex dump of the log"
    );
}

#[test]
fn hex_dumps_are_put_back_together() {
    // Two rows as ureq-proto writes them: "GET /v1/venues/591/menu/dates/".
    let log = "[2026-12-02T10:00:00Z TRACE ureq_proto::util] 4745 5420 2f76 312f 7665 6e75 6573 2f35 GET./v1/venues/5\n\
               [2026-12-02T10:00:00Z TRACE ureq_proto::util] 3931 2f6d 656e 752f 6461 7465 732f ---- 91/menu/dates/.\n\
               [2026-12-02T10:00:00Z DEBUG canteen_kiosk::vendors::http] GET /x: 200 in 3 ms\n";
    assert_eq!(hex_dump_bytes(log), b"GET /v1/venues/591/menu/dates/");
}

#[test]
fn a_full_sync_at_trace_level_logs_no_secret_and_no_badge_number() {
    let (bessa, mesa, ls) = (
        BessaFake::start(),
        OrderMesaFake::start(),
        LiefersoftFake::start(),
    );
    let day = tomorrow();
    // Bessa's menu days: tomorrow (ids and dishes as in the capture).
    {
        let mut s = bessa.state.lock().unwrap();
        s.days.truncate(1);
        s.days[0].date = day.to_string();
    }
    let k = ThreeVendors::new(&bessa, &mesa, &ls);
    let mut log = String::new();

    // Menus (Bessa's with the venue token), then one order per vendor, sent by the next pass
    // (the Mesa key, the Liefersoft login and its JWT) and polled by the one after.
    let first = k.run(&["sync", "--once"], &mut log);
    assert!(first.status.success(), "{log}");
    let menu = k.run(&["menu", "--venue", "canteen", "--json"], &mut log);
    let bessa_dish = json(&menu)
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == day.to_string())
        .and_then(|d| d["dishes"][0]["id"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no Bessa dish tomorrow: {log}"));
    for (venue, dish) in [
        ("canteen", bessa_dish.as_str()),
        ("bistro", "P1"),
        ("pizzeria", "P1"),
    ] {
        let args = [
            "order",
            "--badge",
            EMPLOYEE_BADGE,
            "--date",
            &day.to_string(),
        ];
        let out = k.run(
            &[&args[..], &["--dish", dish, "--venue", venue]].concat(),
            &mut log,
        );
        assert!(out.status.success(), "order at {venue}: {log}");
    }
    let args = [
        "order",
        "--badge",
        UNKNOWN_BADGE,
        "--date",
        &day.to_string(),
        "--dish",
        "P1",
    ];
    let unknown = k.run(&[&args[..], &["--venue", "pizzeria"]].concat(), &mut log);
    assert_eq!(unknown.status.code(), Some(1), "{log}");
    for _ in 0..2 {
        let pass = k.run(&["sync", "--once"], &mut log);
        assert!(pass.status.success(), "{log}");
    }

    // The run did what it should, and the log was at trace level: the orders reached every
    // vendor with the credentials on the wire, and the kiosk's own debug lines are there.
    assert_eq!(bessa.orders().len(), 1, "{log}");
    assert_eq!(mesa.order_ids().len(), 1, "{log}");
    assert_eq!(ls.orders().len(), 1, "{log}");
    let bessa_requests = bessa.server.requests();
    let bearer = format!("Token {}", bessa::CAPTURE_TOKEN);
    assert!(
        bessa_requests
            .iter()
            .any(|r| r.header("Authorization") == Some(&bearer))
    );
    let mesa_requests = mesa.server.requests();
    assert!(
        mesa_requests
            .iter()
            .any(|r| r.header(order_mesa::AUTH_HEADER) == Some(order_mesa::CREDENTIAL))
    );
    let ls_requests = ls.server.requests();
    assert!(
        ls_requests
            .iter()
            .any(|r| r.is("POST", "/login") && r.text().contains(liefersoft::PASSWORD))
    );
    let jwts: Vec<String> = ls.state.lock().unwrap().valid_tokens.clone();
    assert!(!jwts.is_empty(), "the platform handed out no token");
    assert!(ls_requests.iter().any(|r| {
        r.header("Authorization")
            .is_some_and(|h| jwts.iter().any(|t| h.ends_with(t.as_str())))
    }));
    for call in ["POST /user/orders/", "POST newOrder", "POST /orders"] {
        let ours = format!("DEBUG canteen_kiosk::vendors::http] {call}");
        assert!(log.contains(&ours), "no debug line for {call}: {log}");
    }

    let dumped = hex_dump_bytes(&log);
    let mut secrets: Vec<(&str, &str)> = vec![
        ("the Bessa token", bessa::CAPTURE_TOKEN),
        ("the Bessa guest token", bessa::GUEST_TOKEN),
        ("the Order Mesa key", order_mesa::CREDENTIAL),
        ("the Liefersoft password", liefersoft::PASSWORD),
        ("the employee's badge number", EMPLOYEE_BADGE),
        ("the admin's badge number", ADMIN_BADGE),
        ("an unknown badge number", UNKNOWN_BADGE),
    ];
    secrets.extend(jwts.iter().map(|t| ("a Liefersoft JWT", t.as_str())));
    for (what, value) in secrets {
        assert_absent(&log, &dumped, what, value);
    }
    // Without its header (the same in every token) a JWT would do as much harm as whole.
    for t in &jwts {
        let (_, signed) = t.split_once('.').unwrap();
        assert_absent(&log, &dumped, "a Liefersoft JWT's payload", signed);
    }
}
