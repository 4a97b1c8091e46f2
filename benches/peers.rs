//! The door kiosk's peer feed with 50 kitchen screens reading it at once (issue 14; budget:
//! under 5 % of one core on the door kiosk).
//!
//! The built binary runs as the door kiosk (`serve`, the demo vendor, `[peers] listen`); 50
//! readers in this process do what a kitchen screen's reader does (long polls with the
//! token, `since` the last cursor); the CLI saves an order every 2 s for 30 s. Printed: the
//! door process's CPU over the window (utime + stime from /proc/<pid>/stat), the same with no
//! reader for comparison, and how long each order took from "saved" to all 50 readers.
//!
//! `cargo bench --bench peers` (a few seconds of set-up, then 45 s).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const READERS: usize = 50;
const WINDOW: Duration = Duration::from_secs(30);
const ORDER_EVERY: Duration = Duration::from_secs(2);
const TOKEN: &str = "the-canteen-peer-token-of-the-bench";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_canteen-kiosk")
}

/// The door kiosk's dir: the demo venue and badges, its feed on `addr`.
fn door_config(dir: &Path, addr: &str) -> PathBuf {
    let secrets = dir.join("secrets.toml");
    std::fs::write(&secrets, format!("peers.token = \"{TOKEN}\"\n")).unwrap();
    std::fs::set_permissions(
        &secrets,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let demo = canteen_kiosk::config::DEMO_TOML.replace(
        "[kiosk]\n",
        &format!("[kiosk]\ndata_dir = \"{}\"\n", dir.join("data").display()),
    );
    let config = format!(
        "secrets_file = \"secrets.toml\"\n{demo}\n[peers]\nlisten = \"{addr}\"\ntoken = \"secret:peers.token\"\n"
    );
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, config).unwrap();
    path
}

fn cli(config: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .arg("--config")
        .arg(config)
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

/// The (day, dish) pairs that can be ordered, to cycle through (portions are limited).
fn orderable(config: &Path) -> Vec<(String, String)> {
    let out = cli(config, &["menu", "--json"]);
    let days: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut pairs = Vec::new();
    for day in days
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["open"] == true)
    {
        for dish in day["dishes"].as_array().unwrap() {
            if dish["available"] == true {
                pairs.push((
                    day["date"].as_str().unwrap().into(),
                    dish["id"].as_str().unwrap().into(),
                ));
            }
        }
    }
    assert!(!pairs.is_empty(), "the demo has no open day");
    pairs
}

/// CPU seconds (user + system) the process used so far.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

/// When each reader saw each order id.
type Seen = Arc<Mutex<HashMap<String, Vec<Instant>>>>;

/// One kitchen screen's reader: long polls until told to stop.
fn reader(addr: String, stop: Arc<AtomicBool>, seen: Seen) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(40)))
        .build()
        .into();
    let mut cursor = 0i64;
    while !stop.load(Ordering::Relaxed) {
        let url = format!("http://{addr}/peer/v1/orders?since={cursor}&wait=20");
        let Ok(mut response) = agent
            .get(&url)
            .header("Authorization", &format!("Bearer {TOKEN}"))
            .call()
        else {
            std::thread::sleep(Duration::from_millis(200));
            continue;
        };
        let Ok(body) = response.body_mut().read_to_vec() else {
            continue;
        };
        let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let now = Instant::now();
        cursor = page["cursor"].as_i64().unwrap();
        let mut seen = seen.lock().unwrap();
        for order in page["orders"].as_array().unwrap() {
            seen.entry(order["id"].as_str().unwrap().to_string())
                .or_default()
                .push(now);
        }
    }
}

struct Door(Child);

impl Drop for Door {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_door(config: &Path, dir: &Path) -> Door {
    let child = Command::new(bin())
        .arg("--config")
        .arg(config)
        .arg("serve")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let socket = dir.join("data").join("kiosk.sock");
    let started = Instant::now();
    while !socket.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the door kiosk did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Door(child)
}

/// Saves an order every [`ORDER_EVERY`] for `window`; returns (id, saved at).
fn order_for(config: &Path, window: Duration) -> Vec<(String, Instant)> {
    let pairs = orderable(config);
    let start = Instant::now();
    let mut saved = Vec::new();
    let mut n = 0;
    while start.elapsed() < window {
        let (day, dish) = &pairs[n % pairs.len()];
        let badge = ["1001", "1002", "1003"][n % 3];
        let out = cli(
            config,
            &[
                "order", "--badge", badge, "--date", day, "--dish", dish, "--json",
            ],
        );
        if out.status.success() {
            let order: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            saved.push((order["id"].as_str().unwrap().to_string(), Instant::now()));
        }
        n += 1;
        let next = start + ORDER_EVERY * n as u32;
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    saved
}

fn percent_of_core(cpu: f64, over: Duration) -> f64 {
    100.0 * cpu / over.as_secs_f64()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and `cargo test --benches` ask for a list.
    }
    let dir = tempfile::Builder::new()
        .prefix("ck-bench-peers-")
        .tempdir()
        .unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let config = door_config(dir.path(), &addr);
    assert!(cli(&config, &["sync", "--once"]).status.success(), "menus");
    let door = start_door(&config, dir.path());
    let pid = door.0.id();

    // With no reader: the door kiosk idle, saving an order every 2 s.
    let idle_window = Duration::from_secs(10);
    let before = cpu_seconds(pid);
    order_for(&config, idle_window);
    let idle = percent_of_core(cpu_seconds(pid) - before, idle_window);

    let stop = Arc::new(AtomicBool::new(false));
    let seen: Seen = Arc::default();
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (addr, stop, seen) = (addr.clone(), stop.clone(), seen.clone());
            std::thread::spawn(move || reader(addr, stop, seen))
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2)); // every reader has its full page
    let before = cpu_seconds(pid);
    let saved = order_for(&config, WINDOW);
    let busy = percent_of_core(cpu_seconds(pid) - before, WINDOW);
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);

    let seen = seen.lock().unwrap();
    let mut latencies: Vec<Duration> = Vec::new();
    let mut missing = 0;
    for (id, at) in &saved {
        match seen.get(id) {
            Some(times) if times.len() >= READERS => {
                let last = times.iter().max().unwrap();
                latencies.push(last.saturating_duration_since(*at));
            }
            _ => missing += 1,
        }
    }
    latencies.sort();
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or_default()
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "peer feed, {READERS} readers, an order every {ORDER_EVERY:?} for {WINDOW:?}:"
    );
    let _ = writeln!(
        out,
        "  door kiosk CPU: {busy:.2} % of one core (with no reader: {idle:.2} %)"
    );
    let _ = writeln!(
        out,
        "  saved → seen by all {READERS}: median {} ms, max {} ms ({} orders, {missing} not seen by all)",
        pick(0.5).as_millis(),
        pick(1.0).as_millis(),
        saved.len()
    );
    drop(door);
    // The readers' last long polls end with the door; they are not waited for.
    drop(readers);
}
