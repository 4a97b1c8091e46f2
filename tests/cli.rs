//! The binary as an admin or a script uses it: real processes, a temporary data directory,
//! the built-in demo (no config file) and sample configs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_canteen-kiosk")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ck-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with the demo's data under `home` (no config file anywhere).
fn demo(home: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("XDG_DATA_HOME", home)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn the_demo_orders_and_cancels_from_the_command_line() {
    let home = temp_dir("demo");
    let sync = demo(&home, &["sync", "--once", "--json"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    assert_eq!(json(&sync)["menus_refreshed"], 1);
    // The demo keeps its data under the user's data dir, never a system path.
    assert!(home.join("canteen-kiosk").join("kiosk.sqlite3").exists());

    let menu = json(&demo(&home, &["menu", "--json"]));
    let (date, dish) = menu
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["open"] == true)
        .find_map(|d| {
            let dish = d["dishes"]
                .as_array()?
                .iter()
                .find(|a| a["available"] == true)?;
            Some((
                d["date"].as_str()?.to_string(),
                dish["id"].as_str()?.to_string(),
            ))
        })
        .expect("an open day with an available dish in the demo week");

    let placed = demo(
        &home,
        &[
            "order", "--badge", "1001", "--date", &date, "--dish", &dish, "--json",
        ],
    );
    assert!(placed.status.success(), "{}", stderr(&placed));
    let order = json(&placed);
    let id = order["id"].as_str().unwrap().to_string();
    assert_eq!(order["badge"], "1001");

    // The worker pass at the end of `order` sent it to the simulated vendor.
    let mine = json(&demo(&home, &["orders", "--badge", "1001", "--json"]));
    let found = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap();
    // The demo kitchen confirms at its first status look, which may be the same pass.
    assert!(
        found["state"] == "sent" || found["state"] == "confirmed",
        "{found}"
    );
    assert_eq!(
        found["vendor_ref"].as_str().map(|r| r.starts_with("DEMO-")),
        Some(true)
    );

    let csv = demo(&home, &["orders", "--date", &date, "--csv"]);
    let text = stdout(&csv);
    assert!(text.starts_with("date,name,badge,dish,quantity,price,state,order_id,reason\n"));
    assert!(text.contains("Anna Berger") && text.contains(&id), "{text}");

    let cancelled = demo(
        &home,
        &["cancel", "--badge", "1001", "--order", &id, "--json"],
    );
    assert!(cancelled.status.success(), "{}", stderr(&cancelled));
    let mine = json(&demo(&home, &["orders", "--badge", "1001", "--json"]));
    let found = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap();
    assert_eq!(found["state"], "cancelled");

    let status = json(&demo(&home, &["status", "--json"]));
    assert_eq!(status["clock_trusted"], true);
    assert_eq!(status["database"]["health"], "ok");
    assert_eq!(status["orders"]["cancelled"], 1);
    assert!(status["vendors"][0]["last_ok_at"].is_string());
}

#[test]
fn refusals_exit_1_with_a_reason() {
    let home = temp_dir("refuse");
    assert!(demo(&home, &["sync", "--once"]).status.success());
    let unknown = demo(
        &home,
        &[
            "order",
            "--badge",
            "4242",
            "--date",
            "2030-01-07",
            "--dish",
            "D100",
        ],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("not registered"),
        "{}",
        stderr(&unknown)
    );
    // A day long past: no such dish on the menu (or ordering closed): refused, not a crash.
    let past = demo(
        &home,
        &[
            "order",
            "--badge",
            "1001",
            "--date",
            "2020-01-06",
            "--dish",
            "D100",
        ],
    );
    assert_eq!(past.status.code(), Some(1), "{}", stderr(&past));
    let cancel = demo(
        &home,
        &["cancel", "--badge", "1001", "--order", "no-such-order"],
    );
    assert_eq!(cancel.status.code(), Some(1));
    assert!(stderr(&cancel).contains("no such order"));
    // Wrong usage is exit 2 (clap).
    let usage = demo(&home, &["order", "--badge"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn status_in_words_names_the_clock_and_the_database() {
    let home = temp_dir("status");
    let out = demo(&home, &["status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("config: built-in demo"), "{text}");
    assert!(text.contains("clock: trusted"), "{text}");
    assert!(text.contains("database: ok"), "{text}");
}

#[test]
fn check_config_accepts_the_sample_and_names_file_line_key_of_problems() {
    let dir = temp_dir("check");
    for f in [
        "sample-kiosk.toml",
        "sample-secrets.toml",
        "sample-badges.csv",
        "sample-menu.toml",
        "sample-menu.csv",
    ] {
        std::fs::copy(Path::new("data").join(f), dir.join(f)).unwrap();
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("sample-secrets.toml"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let sample = dir.join("sample-kiosk.toml");
    let ok = Command::new(bin())
        .args(["check-config"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}{}", stdout(&ok), stderr(&ok));
    assert!(stdout(&ok).contains("OK"));

    let text = std::fs::read_to_string(&sample).unwrap();
    let bad = text.replacen("[kiosk]", "[kiosk]\nfavourite_colour = \"blue\"", 1);
    let bad_path = dir.join("bad.toml");
    std::fs::write(&bad_path, bad).unwrap();
    let out = Command::new(bin())
        .args(["check-config"])
        .arg(&bad_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("bad.toml:") && err.contains("favourite_colour"),
        "{err}"
    );
}
