//! The promise under faults, tried on the built binary as an admin would break a kiosk: a
//! full disk, too many open files, a database locked by another process, a corrupt page, a
//! clock from the future. Each counts what the (fake) vendor received in the end.

mod support;

use std::os::unix::process::CommandExt;
use std::process::Output;
use support::kiosk::{KioskDir, json, stderr, stdout};
use support::liefersoft::LiefersoftFake;

/// A kiosk with `n` orders saved but not sent (the system clock "not synchronised").
fn kiosk_with_unsent(fake: &LiefersoftFake, n: usize) -> (KioskDir, Vec<String>) {
    let k = KioskDir::liefersoft(&fake.url());
    // The menu file is imported by a pass.
    assert!(k.run(&["sync", "--once"]).status.success());
    k.set_synced(false);
    let ids: Vec<String> = (0..n).map(|_| k.order_tomorrow()).collect();
    assert!(
        fake.orders().is_empty(),
        "held back while the clock is doubted"
    );
    (k, ids)
}

/// Lets the held orders go and checks every one reached the vendor exactly once.
fn release_and_count(k: &KioskDir, fake: &LiefersoftFake, ids: &[String]) {
    k.set_synced(true);
    let out = k.run(&["sync", "--once", "--json"]);
    assert!(out.status.success(), "sync: {}", stderr(&out));
    let received: Vec<String> = fake.orders().iter().map(|o| o.order_id.clone()).collect();
    for id in ids {
        let n = received.iter().filter(|r| *r == id).count();
        assert_eq!(
            n, 1,
            "order {id} reached the vendor {n} times: {received:?}"
        );
    }
}

/// Runs a command with a resource limit on the child only.
fn limited(k: &KioskDir, args: &[&str], resource: libc::__rlimit_resource_t, value: u64) -> Output {
    let mut cmd = k.command(args);
    // SAFETY: setrlimit is async-signal-safe; it only changes this child's limits.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: value,
                rlim_max: value,
            };
            if libc::setrlimit(resource, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

#[test]
fn a_full_disk_too_many_files_and_a_lock_never_move_a_healthy_file_aside() {
    let fake = LiefersoftFake::start();
    let (k, ids) = kiosk_with_unsent(&fake, 16);
    k.set_synced(true);

    // The disk is full: no file may grow past 1 KiB (the WAL's index cannot even be made).
    let full = limited(&k, &["status"], libc::RLIMIT_FSIZE, 1024);
    assert_eq!(full.status.code(), Some(3), "{}", stderr(&full));
    assert!(stderr(&full).contains("disk"), "{}", stderr(&full));
    let full_sync = limited(&k, &["sync", "--once"], libc::RLIMIT_FSIZE, 1024);
    assert_eq!(full_sync.status.code(), Some(3), "{}", stderr(&full_sync));

    // Too many open files.
    let files = limited(&k, &["status"], libc::RLIMIT_NOFILE, 5);
    assert_eq!(files.status.code(), Some(3), "{}", stderr(&files));

    // Another process holds the database exclusively for longer than the busy timeout.
    let holder = rusqlite::Connection::open(k.db()).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode=exclusive; BEGIN EXCLUSIVE;")
        .unwrap();
    let locked = k.run(&["status"]);
    assert_eq!(locked.status.code(), Some(3), "{}", stderr(&locked));
    assert!(
        stderr(&locked).contains("another process"),
        "{}",
        stderr(&locked)
    );
    drop(holder);

    assert!(k.moved_aside().is_empty(), "{:?}", k.moved_aside());
    assert!(fake.orders().is_empty());
    release_and_count(&k, &fake, &ids);
}

/// Overwrites `len` bytes of the database file at the first place `needle` occurs, with
/// bytes from a fixed seed (the same damage each run).
fn damage(k: &KioskDir, needle: &[u8], len: usize) {
    let mut bytes = std::fs::read(k.db()).unwrap();
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the row is in the file");
    let mut rng = fastrand::Rng::with_seed(7);
    for b in &mut bytes[at..at + len] {
        *b = rng.u8(..);
    }
    std::fs::write(k.db(), bytes).unwrap();
}

#[test]
fn a_damaged_order_row_costs_that_order_only() {
    let fake = LiefersoftFake::start();
    let (k, ids) = kiosk_with_unsent(&fake, 20);
    // The orders row of the 8th order: its id, then its venue and badge, as SQLite stores them.
    let needle = format!("{}pizzeria1001", ids[7]);
    damage(&k, needle.as_bytes(), 64);

    let status = k.run(&["status", "--json"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    k.set_synced(true);
    let sync = k.run(&["sync", "--once", "--json"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    let received: Vec<String> = fake.orders().iter().map(|o| o.order_id.clone()).collect();
    let intact: Vec<&String> = ids.iter().filter(|id| received.contains(id)).collect();
    assert!(
        intact.len() >= 19,
        "only {} of 20 sent: {received:?}",
        intact.len()
    );
    assert_eq!(
        received.len(),
        intact.len(),
        "nothing twice, nothing unknown"
    );
    // The admin is told: a parked row with its error, or a salvage record.
    let report = json(&k.run(&["status", "--json"]));
    let told = !report["parked"].as_array().unwrap().is_empty()
        || report["salvage"].is_object()
        || report["unreadable"].as_u64().unwrap_or(0) > 0;
    assert!(told, "{report}");
}

#[test]
fn a_corrupt_file_is_salvaged_before_the_kiosk_takes_orders() {
    let fake = LiefersoftFake::start();
    let (k, ids) = kiosk_with_unsent(&fake, 20);
    // The page that holds the outbox rows: its header bytes become noise, so SQLite itself
    // calls the file malformed.
    let page = 4096;
    let bytes = std::fs::read(k.db()).unwrap();
    let outbox_row = bytes
        .windows(5 + 36)
        .position(|w| w.starts_with(b"place") && w[5..] == *ids[0].as_bytes())
        .expect("an outbox row in the file");
    let start = outbox_row / page * page;
    let mut bytes = bytes;
    bytes[start..start + 8].copy_from_slice(&[0xee; 8]);
    std::fs::write(k.db(), bytes).unwrap();

    let status = k.run(&["status", "--json"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    let report = json(&status);
    let salvage = &report["salvage"];
    assert!(salvage.is_object(), "{report}");
    assert!(
        salvage["orders_carried"].as_u64().unwrap() >= 19,
        "{salvage}"
    );
    assert_eq!(k.moved_aside().len(), 1, "moved aside once, never deleted");
    release_and_count(&k, &fake, &ids[..]);

    // Shown until an admin acknowledges it.
    let again = json(&k.run(&["status", "--json"]));
    assert!(again["salvage"].is_object());
    let ack = k.run(&["acknowledge-salvage"]);
    assert!(ack.status.success(), "{}", stderr(&ack));
    let after = json(&k.run(&["status", "--json"]));
    assert!(after["salvage"].is_null(), "{after}");
    assert!(stdout(&k.run(&["status"])).contains("database: ok"));
}

/// faketime, or `None` with the reason printed (the test is then skipped, and says so).
fn faketime() -> Option<&'static str> {
    let path = "/usr/bin/faketime";
    if std::path::Path::new(path).exists() {
        return Some(path);
    }
    eprintln!("SKIPPED: faketime is not installed (Debian package faketime); .ci/run installs it");
    None
}

/// One `sync --once` with the clock in 2099 (faketime), the kiosk's marker as it is.
fn sync_in_2099(k: &KioskDir, faketime: &str) -> Output {
    std::process::Command::new(faketime)
        .arg("2099-06-01 09:00:00")
        .arg(support::kiosk::bin())
        .arg("--config")
        .arg(&k.config)
        .args(["sync", "--once"])
        .env(
            "KIOSK_CLOCK_SYNCED_FILE",
            k.dir.path().join("timesync/synchronized"),
        )
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[test]
fn a_clock_from_the_future_does_not_stop_sending_for_good() {
    let Some(faketime) = faketime() else {
        return;
    };
    let fake = LiefersoftFake::start();
    let k = KioskDir::liefersoft(&fake.url());
    assert!(k.run(&["sync", "--once"]).status.success());
    let days_before = json(&k.run(&["menu", "--json"])).as_array().unwrap().len();

    // One pass with the clock in 2099 (the system "synchronised" all the same).
    let out = sync_in_2099(&k, faketime);
    assert!(out.status.success(), "{}", stderr(&out));

    // Back at the real time: the floor from 2099 gives way to the synchronised clock.
    let id = k.order_tomorrow();
    let sync = k.run(&["sync", "--once", "--json"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    let sent: Vec<String> = fake.orders().iter().map(|o| o.order_id.clone()).collect();
    assert_eq!(sent, vec![id]);
    let status = json(&k.run(&["status", "--json"]));
    assert_eq!(status["clock_trusted"], true, "{status}");
    // The pass in 2099 pruned nothing as "older than a week".
    let days_after = json(&k.run(&["menu", "--json"])).as_array().unwrap().len();
    assert_eq!(days_after, days_before);
}

#[test]
fn without_the_systems_word_an_admin_accepts_the_clock() {
    let Some(faketime) = faketime() else {
        return;
    };
    let fake = LiefersoftFake::start();
    let k = KioskDir::liefersoft(&fake.url());
    assert!(k.run(&["sync", "--once"]).status.success());
    // No time daemon at all: the kiosk cannot know, the floor holds.
    std::fs::remove_dir_all(k.dir.path().join("timesync")).unwrap();
    let out = sync_in_2099(&k, faketime);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = k.order_tomorrow();
    assert!(k.run(&["sync", "--once"]).status.success());
    assert!(fake.orders().is_empty(), "the floor from 2099 holds");
    let status = json(&k.run(&["status", "--json"]));
    assert_eq!(status["clock_trusted"], false);

    let accept = k.run(&["clock", "accept"]);
    assert!(accept.status.success(), "{}", stderr(&accept));
    assert!(k.run(&["sync", "--once"]).status.success());
    let sent: Vec<String> = fake.orders().iter().map(|o| o.order_id.clone()).collect();
    assert_eq!(sent, vec![id]);
}

#[test]
fn a_pass_stopped_by_a_database_error_exits_3_and_sends_later() {
    let fake = LiefersoftFake::start();
    let (k, ids) = kiosk_with_unsent(&fake, 1);
    // Every change of an outbox row fails inside SQLite (as a full disk would fail it, but
    // deterministically): the pass cannot mark the row in flight and stops.
    let db = rusqlite::Connection::open(k.db()).unwrap();
    db.execute_batch(
        "CREATE TRIGGER no_writes BEFORE UPDATE ON outbox BEGIN SELECT RAISE(ABORT, 'no room'); END;",
    )
    .unwrap();
    k.set_synced(true);
    let out = k.run(&["sync", "--once", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(json(&out)["store_error"].is_string());
    assert!(
        stderr(&out).contains("the pass stopped early"),
        "{}",
        stderr(&out)
    );
    assert!(k.moved_aside().is_empty());

    db.execute_batch("DROP TRIGGER no_writes;").unwrap();
    drop(db);
    release_and_count(&k, &fake, &ids);
}
