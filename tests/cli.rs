//! The binary as an admin or a script uses it: real processes, a temporary data directory,
//! the built-in demo (no config file) and sample configs.

mod support;
use support::temp_dir;

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_canteen-kiosk")
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

/// The order `id` in the output of `orders --badge B --json`.
fn badge_order(out: &Output, id: &str) -> serde_json::Value {
    json(out)
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("order {id} not listed: {}", stdout(out)))
        .clone()
}

#[test]
fn the_demo_orders_and_cancels_from_the_command_line() {
    let home = temp_dir("demo");
    let sync = demo(&home, &["sync", "--once", "--json"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    // One menu per demo venue (the canteen and the bistro).
    assert_eq!(json(&sync)["menus_refreshed"], 2);
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
    let found = badge_order(&demo(&home, &["orders", "--badge", "1001", "--json"]), &id);
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
    let found = badge_order(&demo(&home, &["orders", "--badge", "1001", "--json"]), &id);
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

/// `menu | head`: the reader leaves before the command has written all it has; the command
/// ends quietly (killed by SIGPIPE like any Unix filter) instead of panicking with "failed
/// printing to stdout". The pipe's read end is closed before the start, so the very first
/// line meets a reader that has gone.
#[test]
fn a_read_only_command_whose_reader_left_ends_without_a_panic() {
    use std::os::unix::process::ExitStatusExt;
    let home = temp_dir("pipe");
    let sync = demo(&home, &["sync", "--once"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    for args in [&["menu", "--json"][..], &["status"], &["orders"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(bin())
            .args(args)
            .env("XDG_DATA_HOME", &home)
            .env("RUST_LOG", "warn")
            .stdout(writer)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{args:?}: {err}");
    }
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

/// A badge reader that is not there (unplugged) or cannot be read is a warning of an
/// accepted config, not a refusal: the kiosk looks for it while it runs.
#[test]
fn check_config_warns_of_a_badge_reader_it_cannot_read() {
    let dir = temp_dir("check-reader");
    let venue = "[venues.demo]\nvendor = \"demo\"\ntime_zone = \"Europe/Vienna\"\n\
                 serving_time = \"12:00\"\npreorder_delta = \"1h\"\ncancellation_cutoff = \"2h\"\n";
    let check = |reader: &str| {
        let path = dir.join("kiosk.toml");
        let text =
            format!("[kiosk]\nid = \"k1\"\nname = \"K\"\nbadge_reader = \"{reader}\"\n{venue}");
        std::fs::write(&path, text).unwrap();
        let out = Command::new(bin())
            .args(["check-config"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    };
    let out = check("usb-gone-event-kbd");
    assert!(
        out.contains("Warning: badge_reader")
            && out.contains("usb-gone-event-kbd is not there now (unplugged?)")
            && out.contains("ls -l /dev/input/by-id/"),
        "{out}"
    );
    let out = check("/dev");
    assert!(
        out.contains("Warning: badge_reader /dev is neither an input device"),
        "{out}"
    );
    std::fs::write(dir.join("recording.bin"), b"").unwrap();
    let out = check("recording.bin");
    assert!(out.contains("OK") && !out.contains("Warning"), "{out}");
}

/// Very long keys and values (200 KB) get their answer at once: the did-you-mean search holds
/// each against the known names with a bounded edit distance (unbounded, the time zone alone
/// took minutes: 200 000 × every zone name's length × 600 zones).
#[test]
fn check_config_answers_at_once_on_very_long_keys_and_values() {
    let dir = temp_dir("long");
    let long = "Europe/".repeat(30_000);
    let key = "idle_".repeat(40_000);
    let column = "number_".repeat(30_000);
    std::fs::write(
        dir.join("badges.csv"),
        format!("number,name,{column}\n1001,Anna,x\n"),
    )
    .unwrap();
    let text = format!(
        "badges_file = \"badges.csv\"\n[kiosk]\nid = \"k1\"\nname = \"Kiosk\"\n{key} = 1\n\n\
         [venues.demo]\nvendor = \"demo\"\ntime_zone = \"{long}\"\nserving_time = \"12:00\"\n\
         preorder_delta = \"1h\"\ncancellation_cutoff = \"2h\"\n"
    );
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    // Output to files: the messages quote the long text, more than a pipe holds unread.
    let (out_path, err_path) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = Command::new(bin())
        .args(["check-config"])
        .arg(&path)
        .env("RUST_LOG", "warn")
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("check-config gave no answer within 20 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(1));
    let err = std::fs::read_to_string(&err_path).unwrap();
    for words in [
        "is not a known setting",
        "is not a known time zone",
        "is not a known column",
    ] {
        assert!(
            err.contains(words),
            "no \"{words}\": {}",
            &err[..err.len().min(2000)]
        );
    }
}

/// A row the vendor refused with a credential error parks at once; an admin discards one
/// (asked twice) and retries another from the command line, and the kitchen's day list comes
/// from the platform's list of all orders.
#[test]
fn parked_rows_are_retried_and_discarded_from_the_command_line() {
    let fake = support::liefersoft::LiefersoftFake::start();
    let k = support::kiosk::KioskDir::liefersoft(&fake.url());
    let tomorrow = support::kiosk::tomorrow();
    let order = |_tag: &str| k.order_tomorrow();
    // The platform lists an order from its web shop too.
    fake.add_order(
        "web-1",
        "Erika Muster",
        Some(&format!("{tomorrow}T10:00:00Z")),
        "PROCESSING",
        &[("Pizza Margherita", 2, "8.5")],
    );
    // The menu (a file for Liefersoft) is cached by the first sync pass. Then the platform
    // refuses the kiosk's login: both orders park at once (a credential error).
    assert!(k.run(&["sync", "--once"]).status.success());
    fake.refuse_logins(true);
    let first = order("first");
    let second = order("second");
    let status = json(&k.run(&["status", "--json"]));
    let parked = status["parked"].as_array().unwrap().clone();
    assert_eq!(parked.len(), 2, "{status}");
    let row_of = |id: &str| {
        parked
            .iter()
            .find(|r| r["order"] == id)
            .unwrap_or_else(|| panic!("{id} not parked: {parked:?}"))["row"]
            .as_i64()
            .unwrap()
            .to_string()
    };
    let (first_row, second_row) = (row_of(&first), row_of(&second));

    // Discarding asks for the row number twice.
    let once = k.run(&["discard", &first_row]);
    assert_eq!(once.status.code(), Some(1));
    assert!(
        stderr(&once).contains(&format!("--confirm {first_row}")),
        "{}",
        stderr(&once)
    );
    let wrong = k.run(&["discard", &first_row, "--confirm", &second_row]);
    assert_eq!(wrong.status.code(), Some(1));
    let done = k.run(&["discard", &first_row, "--confirm", &first_row]);
    assert!(done.status.success(), "{}", stderr(&done));
    let mine = k.run(&["orders", "--badge", "1001", "--json"]);
    assert_eq!(badge_order(&mine, &first)["state"], "rejected");
    let from_kiosk = || -> Vec<String> {
        fake.orders()
            .iter()
            .map(|o| o.order_id.clone())
            .filter(|id| id != "web-1")
            .collect()
    };
    assert!(from_kiosk().is_empty(), "nothing reached the platform yet");

    // The credentials are fine again: a retry sends the second order, once.
    fake.refuse_logins(false);
    let retried = k.run(&["retry", &second_row]);
    assert!(retried.status.success(), "{}", stderr(&retried));
    assert_eq!(from_kiosk(), vec![second.clone()]);
    let again = k.run(&["retry", &second_row]);
    assert_eq!(again.status.code(), Some(1), "no longer parked");
    assert!(
        stderr(&again).contains("is not parked"),
        "{}",
        stderr(&again)
    );

    // The kitchen's day, from the list fetched by the first pass (at most every 2 minutes,
    // also across processes).
    let day = json(&k.run(&["orders", "--date", &tomorrow, "--json"]));
    assert_eq!(day["source"], "vendor", "{day}");
    assert_eq!(day["complete"], true);
    let names: Vec<&str> = day["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Anna Berger", "Anna Berger", "Erika Muster"],
        "{day}"
    );
}
