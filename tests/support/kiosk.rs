//! The built binary as a black box: a kiosk data dir with a config for one venue (Liefersoft
//! or Bessa) on a fake vendor, and the commands an admin would run on it.
//!
//! The clock's trust is the test's lever: `KIOSK_CLOCK_SYNCED_FILE` points at a marker in the
//! kiosk's dir, so a test can hold orders back (system clock "not synchronised": saved, not
//! sent) and let them go, without waiting out a backoff.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_canteen-kiosk")
}

pub struct KioskDir {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
}

impl KioskDir {
    /// A kiosk for one Liefersoft venue at `url`, with badges 1001 (employee), 9001 (kitchen:
    /// so the platform's full order list is fetched) and 9999 (admin), a file menu with dish
    /// `P1` every day, and its clock synchronised.
    pub fn liefersoft(url: &str) -> KioskDir {
        let venue = format!(
            r#"[venues.pizzeria]
vendor = "liefersoft"
time_zone = "Europe/Berlin"
serving_time = "12:00"
preorder_delta = "1h"
cancellation_cutoff = "1h"
menu_file = "menu.csv"
base_url = "{url}"
company_id = "{company}"
restaurant_id = "{restaurant}"
login = "{login}"
password = "secret:pizzeria.password"
"#,
            company = super::liefersoft::COMPANY,
            restaurant = super::liefersoft::RESTAURANT,
            login = super::liefersoft::LOGIN,
        );
        let secrets = format!("pizzeria.password = \"{}\"\n", super::liefersoft::PASSWORD);
        KioskDir::with_venue(&secrets, &venue)
    }

    /// A kiosk for one Bessa venue (591, Europe/Berlin, lunch at 12:00) at `url`, with the
    /// venue token of the capture and the same badges; menus come from the fake.
    pub fn bessa(url: &str) -> KioskDir {
        let venue = format!(
            r#"[venues.canteen]
vendor = "bessa"
time_zone = "Europe/Berlin"
serving_time = "12:00"
preorder_delta = "1h"
cancellation_cutoff = 3600
allow_cancel = true
base_url = "{url}"
venue_id = 591
token = "secret:canteen.token"
"#
        );
        let secrets = format!("canteen.token = \"{}\"\n", super::bessa::CAPTURE_TOKEN);
        KioskDir::with_venue(&secrets, &venue)
    }

    /// A kiosk for one Order Mesa venue at `url`, whose newOrder path is `new_order_path`,
    /// with a file menu (dish `B1` every day), the same badges and its clock synchronised.
    pub fn order_mesa(url: &str, new_order_path: &str) -> KioskDir {
        let venue = format!(
            r#"[venues.bistro]
vendor = "order_mesa"
time_zone = "Europe/Berlin"
serving_time = "12:00"
preorder_delta = "1h"
cancellation_cutoff = "1h"
currency = "BRL"
menu_file = "menu.toml"
base_url = "{url}"
integration_hub_service_id = "{hub}"
merchant_id = "c312d2ff-1a8f-40ad-8eed-9ae9a908df6e"
merchant_name = "BOTECO DO ALBINO"
new_order_path = "{new_order_path}"
credential = "secret:bistro.credential"
table_number = "8"
payment_method = "credit"
"#,
            hub = super::order_mesa::HUB_ID,
        );
        let secrets = format!(
            "bistro.credential = \"{}\"\n",
            super::order_mesa::CREDENTIAL
        );
        let k = KioskDir::with_venue(&secrets, &venue);
        std::fs::write(
            k.dir.path().join("menu.toml"),
            r#"[[dishes]]
code = "B1"
name = "Feijoada"
price = "32.90"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"#,
        )
        .unwrap();
        k
    }

    /// A kiosk with one venue (`venue`: its TOML table) and `secrets`, a file menu with dish
    /// `P1` every day (for venues that take one), the three badges, its clock synchronised.
    pub fn with_venue(secrets: &str, venue: &str) -> KioskDir {
        let dir = tempfile::Builder::new().prefix("ck-bb-").tempdir().unwrap();
        let root = dir.path();
        let secrets_file = root.join("secrets.toml");
        std::fs::write(&secrets_file, secrets).unwrap();
        std::fs::set_permissions(&secrets_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(
            root.join("menu.csv"),
            "code,name,description,price,vat,allergens,portions,weekdays,dates\n\
             P1,Pizza Margherita,,8.50,7,,,mon tue wed thu fri sat sun,\n",
        )
        .unwrap();
        let config = root.join("kiosk.toml");
        std::fs::write(
            &config,
            format!(
                r#"secrets_file = "secrets.toml"

[kiosk]
id = "black-box"
name = "Black box"
data_dir = "{data}"

{venue}
[[badges]]
number = "1001"
name = "Anna Berger"
email = "anna.berger@example.com"

[[badges]]
number = "9001"
name = "Karl Koch"
role = "kitchen"

[[badges]]
number = "9999"
name = "Ada Admin"
role = "admin"
"#,
                data = root.join("data").display(),
            ),
        )
        .unwrap();
        std::fs::create_dir_all(root.join("timesync")).unwrap();
        let k = KioskDir { dir, config };
        k.set_synced(true);
        k
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn db(&self) -> PathBuf {
        self.data_dir().join("kiosk.sqlite3")
    }

    fn marker(&self) -> PathBuf {
        self.dir.path().join("timesync").join("synchronized")
    }

    /// Whether the system "says" its clock is synchronised. While not, orders are saved but
    /// nothing that depends on a cutoff is sent.
    pub fn set_synced(&self, synced: bool) {
        if synced {
            std::fs::write(self.marker(), "").unwrap();
        } else {
            let _ = std::fs::remove_file(self.marker());
        }
    }

    /// The binary with this kiosk's config and clock marker.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.arg("--config")
            .arg(&self.config)
            .args(args)
            .env("KIOSK_CLOCK_SYNCED_FILE", self.marker())
            .env("RUST_LOG", "warn");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Starts the headless kiosk (`serve`) and waits until its control socket is there.
    pub fn serve(&self) -> Running {
        let child = self
            .command(&["serve"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let socket = self.data_dir().join("kiosk.sock");
        let up = within(Duration::from_secs(20), || socket.exists());
        assert!(up.is_some(), "the kiosk did not come up");
        Running(child)
    }

    /// Orders dish P1 for tomorrow (venue time) for badge 1001; returns the order id.
    pub fn order_tomorrow(&self) -> String {
        self.order_dish_tomorrow("P1")
    }

    /// Orders `dish` for tomorrow (venue time) for badge 1001; returns the order id.
    pub fn order_dish_tomorrow(&self, dish: &str) -> String {
        let out = self.run(&[
            "order",
            "--badge",
            "1001",
            "--date",
            &tomorrow(),
            "--dish",
            dish,
            "--json",
        ]);
        assert!(out.status.success(), "order: {}", stderr(&out));
        json(&out)["id"].as_str().unwrap().to_string()
    }

    /// Files next to the database that were moved aside as corrupt.
    pub fn moved_aside(&self) -> Vec<PathBuf> {
        list(&self.data_dir())
            .into_iter()
            .filter(|p| p.to_string_lossy().contains(".corrupt-"))
            .collect()
    }
}

/// A running kiosk process. Dropped, it is killed (SIGKILL), so a failing test leaves no
/// kiosk behind.
pub struct Running(pub Child);

impl Running {
    /// kill -9, and wait for it to be gone.
    pub fn kill_9(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill_9();
    }
}

/// Waits until `done` holds, up to `limit`; returns how long it took.
pub fn within(limit: Duration, done: impl Fn() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Tomorrow in the venue's zone.
pub fn tomorrow() -> String {
    day_after(1)
}

/// The day `days` after today in the venue's zone (Europe/Berlin).
pub fn day_after(days: i64) -> String {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date()
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

pub fn list(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(o), stderr(o)))
}

/// Sends one raw HTTP/1.1 request (head and body, `Connection: close`) to `addr` and reads
/// the whole answer (each read waits at most `wait`): its status code (0 when none came) and
/// body.
pub fn exchange(addr: std::net::SocketAddr, request: &str, wait: Duration) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    let code = answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (code, body)
}
