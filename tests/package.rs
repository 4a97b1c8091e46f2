//! The files the Debian package installs (data/debian/, the units): the installed config
//! loads clean as the package lays it out, and the units agree with it on the paths and the
//! user. `scripts/deb-check.sh` checks the same on a real install; these catch a drift in
//! seconds, without the release build.

use canteen_kiosk::config::{self, Role};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// /etc/canteen-kiosk as the package leaves it: the two conffiles, secrets.toml 0600.
fn installed_config_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    for name in ["kiosk.toml", "secrets.toml"] {
        fs::copy(data("debian").join(name), dir.path().join(name)).unwrap();
    }
    let secrets = dir.path().join("secrets.toml");
    fs::set_permissions(&secrets, fs::Permissions::from_mode(0o600)).unwrap();
    dir
}

#[test]
fn the_installed_config_checks_clean_and_runs_the_demo() {
    let dir = installed_config_dir();
    let c = config::load(&dir.path().join("kiosk.toml")).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(c.kiosk.data_dir, Path::new("/var/lib/canteen-kiosk"));
    assert_eq!(c.secrets.path, Some(dir.path().join("secrets.toml")));
    assert!(c.secrets.values.is_empty(), "the template holds no secret");
    let kinds: Vec<&str> = c.venues.iter().map(|v| v.vendor.kind()).collect();
    assert_eq!(kinds, ["demo"]);
    // The admin screen must be reachable on a fresh install.
    assert!(c.badges.iter().any(|b| b.role == Role::Admin));
}

#[test]
fn the_installed_config_is_refused_if_the_secrets_file_is_not_private() {
    let dir = installed_config_dir();
    let secrets = dir.path().join("secrets.toml");
    fs::set_permissions(&secrets, fs::Permissions::from_mode(0o644)).unwrap();
    let report = config::load(&dir.path().join("kiosk.toml")).unwrap_err();
    assert!(report.to_string().contains("chmod 600"), "{report}");
}

/// The values of a unit file's `Key=value` lines (any section: the keys read here are unique).
fn unit_values(unit: &str, key: &str) -> Vec<String> {
    let text = fs::read_to_string(data(unit)).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix(&format!("{key}=")))
        .map(str::to_string)
        .collect()
}

#[test]
fn both_units_run_the_installed_binary_as_the_kiosk_user_on_its_data_dir() {
    for unit in ["canteen-kiosk.service", "canteen-kiosk-kms.service"] {
        assert_eq!(unit_values(unit, "User"), ["canteen-kiosk"], "{unit}");
        assert_eq!(
            unit_values(unit, "ExecStart"),
            ["/usr/bin/canteen-kiosk --config /etc/canteen-kiosk/kiosk.toml"],
            "{unit}"
        );
        // The only writable path is the installed config's data dir.
        assert_eq!(
            unit_values(unit, "ReadWritePaths"),
            ["/var/lib/canteen-kiosk"],
            "{unit}"
        );
        assert_eq!(unit_values(unit, "ProtectSystem"), ["strict"], "{unit}");
    }
    // The uid of the system user is not known when the unit is written: the postinst's
    // drop-in sets XDG_RUNTIME_DIR, never a hard-coded /run/user/1000.
    let desktop = fs::read_to_string(data("canteen-kiosk.service")).unwrap();
    assert!(
        !desktop.contains("Environment=XDG_RUNTIME_DIR"),
        "{desktop}"
    );
    let postinst = fs::read_to_string(data("debian/postinst")).unwrap();
    assert!(
        postinst.contains("XDG_RUNTIME_DIR=/run/user/$(id -u"),
        "{postinst}"
    );
}
