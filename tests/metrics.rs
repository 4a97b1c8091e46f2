//! `GET /metrics` of the built binary (`serve`) against the fake Liefersoft: what it counts,
//! that `promtool` accepts it, the token, no secret in it; a real Prometheus scraping it; the
//! alert rules checked by `promtool`.
//!
//! The Prometheus tools come from Debian's `prometheus` package (CI installs it); where they
//! are missing, those tests say so on stderr and pass.

mod support;
use support::kiosk::{KioskDir, Running, within};
use support::liefersoft::{LiefersoftFake, PASSWORD};

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const TOKEN: &str = "scrape-token-0f3c9a1e7d";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Adds `[metrics]` on `port` to the kiosk's config, with the token in its secrets file.
fn with_metrics(k: &KioskDir, port: u16) {
    let root = k.dir.path();
    append(
        &k.config,
        &format!("\n[metrics]\nlisten = \"127.0.0.1:{port}\"\ntoken = \"secret:metrics.token\"\n"),
    );
    append(
        &root.join("secrets.toml"),
        &format!("metrics.token = \"{TOKEN}\"\n"),
    );
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// One HTTP/1.0 GET (so no server chunks its answer): status and body.
fn get(port: u16, target: &str, authorization: Option<&str>) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let auth = authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    write!(s, "GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n{auth}\r\n").ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

fn scrape(port: u16) -> String {
    let bearer = format!("Bearer {TOKEN}");
    match get(port, "/metrics", Some(&bearer)) {
        Some((200, body)) => body,
        other => panic!("scrape failed: {other:?}"),
    }
}

/// The value of the series written exactly as `series` (name and labels).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
}

/// A tool of the `prometheus` package, or None after saying the test is skipped.
fn prometheus_tool(name: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        eprintln!(
            "SKIPPED {test}: `{name}` is not installed; install the Debian package prometheus \
             (apt-get install prometheus)"
        );
    }
    found
}

/// A kiosk on the fake platform whose logins are refused from the start, so an order parks
/// at its first send (a credential error), with the metrics on a port of its own.
fn kiosk_with_metrics(fake: &LiefersoftFake) -> (KioskDir, u16, Running) {
    let k = KioskDir::liefersoft(&fake.url());
    let port = free_port();
    with_metrics(&k, port);
    let running = k.serve();
    let up = within(Duration::from_secs(10), || {
        get(port, "/metrics", None).is_some()
    });
    assert!(up.is_some(), "the metrics endpoint did not come up");
    (k, port, running)
}

#[test]
fn metrics_count_what_the_kiosk_did_pass_promtool_and_want_the_token() {
    let fake = LiefersoftFake::start();
    let (k, port, _running) = kiosk_with_metrics(&fake);
    let sent = |t: &str| value(t, r#"canteen_orders{venue="pizzeria",state="sent"}"#);

    k.order_tomorrow();
    let arrived = within(Duration::from_secs(20), || sent(&scrape(port)) == Some(1.0));
    assert!(arrived.is_some(), "not counted as sent:\n{}", scrape(port));
    // The platform now refuses the kiosk: the next order parks at once.
    fake.refuse_logins(true);
    fake.revoke_tokens();
    k.order_tomorrow();
    let parked = within(Duration::from_secs(20), || {
        value(&scrape(port), "canteen_outbox_parked") == Some(1.0)
    });
    let text = scrape(port);
    assert!(parked.is_some(), "not parked:\n{text}");

    let v = |series: &str| value(&text, series).unwrap_or_else(|| panic!("no {series}:\n{text}"));
    assert_eq!(sent(&text), Some(1.0));
    // A parked order is still queued; its row says parked.
    assert_eq!(v(r#"canteen_orders{venue="pizzeria",state="queued"}"#), 1.0);
    assert_eq!(
        v(r#"canteen_orders{venue="pizzeria",state="rejected"}"#),
        0.0
    );
    assert_eq!(v(r#"canteen_outbox_rows{status="parked"}"#), 1.0);
    assert_eq!(v(r#"canteen_outbox_rows{status="pending"}"#), 0.0);
    assert_eq!(v("canteen_outbox_oldest_pending_age_seconds"), 0.0);
    let sends = |outcome: &str| {
        v(&format!(
            r#"canteen_order_sends_total{{venue="pizzeria",outcome="{outcome}"}}"#
        ))
    };
    assert_eq!((sends("sent"), sends("failed")), (1.0, 1.0));
    assert_eq!((sends("rejected"), sends("unknown")), (0.0, 0.0));
    // Login and order of the first send at least, each timed.
    let calls = v(r#"canteen_vendor_request_duration_seconds_count{venue="pizzeria"}"#);
    assert!(calls >= 2.0, "{text}");
    assert_eq!(
        v(r#"canteen_vendor_request_duration_seconds_bucket{venue="pizzeria",le="+Inf"}"#),
        calls
    );
    let contact = v(r#"canteen_vendor_last_contact_timestamp_seconds{venue="pizzeria"}"#);
    let now = jiff::Timestamp::now().as_second() as f64;
    assert!(
        (now - 120.0..=now + 1.0).contains(&contact),
        "{contact} vs {now}"
    );
    assert!(v(r#"canteen_vendor_last_error_timestamp_seconds{venue="pizzeria"}"#) >= contact);
    assert_eq!(v(r#"canteen_clock_trusted{reason="trusted"}"#), 1.0);
    assert!(v("canteen_database_size_bytes") > 0.0);
    assert!(v("canteen_disk_free_bytes") > 0.0);
    assert!(v("canteen_disk_size_bytes") >= v("canteen_disk_free_bytes"));
    assert_eq!(v("canteen_database_moved_aside_files"), 0.0);
    assert_eq!(v("canteen_store_read_ok"), 1.0);
    let version = format!(
        r#"canteen_build_info{{version="{}"}}"#,
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(v(&version), 1.0);
    for secret in [PASSWORD, TOKEN] {
        assert!(!text.contains(secret), "a secret in the metrics:\n{text}");
    }

    // Without the token, or with a wrong one: 401 and nothing else.
    for auth in [None, Some("Bearer wrong-token"), Some(TOKEN)] {
        let (status, body) = get(port, "/metrics", auth).unwrap();
        assert_eq!(status, 401, "{auth:?}");
        assert!(!body.contains("canteen_"), "{body}");
    }

    if let Some(promtool) = prometheus_tool("promtool", "promtool check metrics") {
        promtool_accepts_metrics(&promtool, &text);
    }
}

/// `promtool check metrics` exits 1 on a parse error and 3 on lint problems (names, units,
/// HELP): both fail the test, so the names stay clean.
fn promtool_accepts_metrics(promtool: &Path, text: &str) {
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics ({}): {}{}\n{text}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A Prometheus server, killed when dropped.
struct Prometheus {
    child: Child,
    port: u16,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    /// Starts `binary` on 127.0.0.1 scraping the kiosk's metrics every second (with the
    /// token), its storage in `dir`.
    fn start(binary: &Path, dir: &Path, kiosk_port: u16) -> Prometheus {
        let token_file = dir.join("token");
        std::fs::write(&token_file, TOKEN).unwrap();
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
                 scrape_configs:\n  - job_name: canteen-kiosk\n    \
                 authorization:\n      credentials_file: {}\n    \
                 static_configs:\n      - targets: ['127.0.0.1:{kiosk_port}']\n",
                token_file.display()
            ),
        )
        .unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.join("prometheus.log")).unwrap();
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("tsdb").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        Prometheus { child, port }
    }

    /// The values of an instant query's result, as Prometheus answers it now.
    fn query(&self, query: &str) -> Vec<f64> {
        let Some((200, body)) = get(self.port, &format!("/api/v1/query?query={query}"), None)
        else {
            return Vec::new();
        };
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        answer["data"]["result"]
            .as_array()
            .map(|results| {
                results
                    .iter()
                    .filter_map(|r| r["value"][1].as_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[test]
fn a_real_prometheus_sees_the_parked_order() {
    let Some(binary) = prometheus_tool("prometheus", "the real Prometheus test") else {
        return;
    };
    let fake = LiefersoftFake::start();
    fake.refuse_logins(true);
    let (k, port, _running) = kiosk_with_metrics(&fake);
    k.order_tomorrow();
    let dir = support::temp_dir("prometheus");
    let prometheus = Prometheus::start(&binary, &dir, port);
    let seen = within(Duration::from_secs(30), || {
        prometheus.query("canteen_outbox_parked") == [1.0]
    });
    let log = || std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default();
    assert!(
        seen.is_some(),
        "Prometheus did not see canteen_outbox_parked 1 (it has {:?}); its log:\n{}",
        prometheus.query("canteen_outbox_parked"),
        log()
    );
    // The target is up, scraped with the token.
    assert_eq!(prometheus.query("up"), [1.0], "{}", log());
}

#[test]
fn the_alert_rules_pass_promtool() {
    let Some(promtool) = prometheus_tool("promtool", "promtool check rules") else {
        return;
    };
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/prometheus-alerts.yml");
    let out = Command::new(promtool)
        .args(["check", "rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The writer's escaping and histogram lines, through the format's own parser: label values
/// with quotes, backslashes, a line feed and non-ASCII, a histogram with an empty bucket.
#[test]
fn promtool_parses_escaped_labels_and_histograms() {
    use canteen_kiosk::metrics::format::{Exposition, HistogramSnapshot, Kind};
    let Some(promtool) = prometheus_tool("promtool", "promtool check metrics (format)") else {
        return;
    };
    let mut e = Exposition::new();
    e.family(
        "canteen_test_rows",
        Kind::Gauge,
        "Help with \\ and a\nline feed.",
    );
    for venue in [r#"say "hi""#, r"back\slash", "two\nlines", "Küche süd"] {
        e.sample("canteen_test_rows", &[("venue", venue)], 2.5);
    }
    e.family("canteen_test_seconds", Kind::Histogram, "A histogram.");
    let h = HistogramSnapshot {
        bounds: &[0.5, 1.0],
        per_bucket: vec![1, 0],
        above: 2,
        sum: 7.25,
    };
    e.histogram("canteen_test_seconds", &[("venue", "a\"b")], &h);
    promtool_accepts_metrics(&promtool, &e.into_text());
}
