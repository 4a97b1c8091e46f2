#!/usr/bin/env bash
# Builds the DRM/KMS Debian package (canteen-kiosk-kms) with cargo-deb and runs its whole life
# on this machine: install, check the installed config, verify the unit, check the user and
# the file modes, install again (an upgrade must change nothing), remove (config, data and
# user stay), purge (config and data go, the user stays). CI runs it as root on a fresh
# Debian 12 (.ci/run); it needs root because it really installs the package.
#
#   scripts/deb-check.sh              # build (a release build: minutes), then the cycle
#   scripts/deb-check.sh FILE.deb     # the cycle with a package built before
#
# Needs cargo-deb (cargo install cargo-deb --locked), dpkg, adduser, and systemd for
# systemd-analyze. Leaves nothing installed but the canteen-kiosk user.
set -euo pipefail
cd "$(dirname "$0")/.."

PKG=canteen-kiosk-kms
KIOSK_USER=canteen-kiosk
UNIT=/usr/lib/systemd/system/canteen-kiosk.service

say() { printf 'deb-check: %s\n' "$*" >&2; }
fail() {
    say "FAILED: $*"
    exit 1
}

if [ "$(id -u)" -ne 0 ]; then
    fail "run as root: it installs and removes $PKG"
fi
if dpkg-query -W -f='${db:Status-Abbrev}\n' canteen-kiosk "$PKG" 2>/dev/null | grep -q '^ii'; then
    fail "a canteen-kiosk package is installed already; this check would remove it"
fi

# --- build -------------------------------------------------------------------------------
if [ $# -ge 1 ]; then
    deb="$1"
else
    command -v cargo-deb >/dev/null || fail "cargo-deb is missing: cargo install cargo-deb --locked"
    start=$(date +%s)
    # cargo deb prints the package's path last on stdout.
    deb=$(cargo deb --variant kms | tail -n 1)
    say "built $deb in $(($(date +%s) - start)) s"
fi
[ -f "$deb" ] || fail "no package at $deb"
say "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p' >&2

# --- checks ------------------------------------------------------------------------------
mode_is() { # path "mode owner group"
    local got
    got=$(stat -c '%a %U %G' "$1") || fail "$1 is missing"
    [ "$got" = "$2" ] || fail "$1 is \"$got\", expected \"$2\""
}

user_is_set_up() {
    getent passwd "$KIOSK_USER" >/dev/null || fail "no user $KIOSK_USER"
    [ "$(getent passwd "$KIOSK_USER" | cut -d: -f6)" = /var/lib/canteen-kiosk ] ||
        fail "$KIOSK_USER's home is not /var/lib/canteen-kiosk"
    local groups
    groups=" $(id -nG "$KIOSK_USER") "
    for group in "$KIOSK_USER" video input render; do
        # A group the system lacks is warned about by the postinst, not fatal.
        if getent group "$group" >/dev/null; then
            [[ "$groups" == *" $group "* ]] || fail "$KIOSK_USER is not in group $group"
        fi
    done
}

installed_files_are_right() {
    mode_is /usr/bin/canteen-kiosk "755 root root"
    mode_is /etc/canteen-kiosk "775 root $KIOSK_USER"
    mode_is /etc/canteen-kiosk/kiosk.toml "644 root root"
    mode_is /etc/canteen-kiosk/secrets.toml "600 $KIOSK_USER $KIOSK_USER"
    mode_is /var/lib/canteen-kiosk "750 $KIOSK_USER $KIOSK_USER"
    mode_is "$UNIT" "644 root root"
    mode_is /usr/lib/udev/rules.d/70-canteen-kiosk-backlight.rules "644 root root"
    local conffiles
    conffiles=$(dpkg-query -W -f='${Conffiles}' "$PKG")
    for f in /etc/canteen-kiosk/kiosk.toml /etc/canteen-kiosk/secrets.toml; do
        grep -q " $f " <<<"$conffiles " || fail "$f is not a conffile"
    done
}

config_checks_clean() {
    # As root (what the README's admin types first) and as the kiosk, who must read secrets.
    canteen-kiosk check-config /etc/canteen-kiosk/kiosk.toml >/dev/null ||
        fail "check-config refused the installed config"
    runuser -u "$KIOSK_USER" -- canteen-kiosk check-config /etc/canteen-kiosk/kiosk.toml >/dev/null ||
        fail "check-config as $KIOSK_USER refused the installed config"
}

# --- install -----------------------------------------------------------------------------
dpkg -i "$deb"
say "installed size: $(dpkg-query -W -f='${Installed-Size}' "$PKG") KiB"
user_is_set_up
installed_files_are_right
config_checks_clean
systemd-analyze verify "$UNIT" || fail "systemd-analyze verify $UNIT"
uid=$(id -u "$KIOSK_USER")
say "installed: user $KIOSK_USER (uid $uid), files, config and unit check out"

# --- install again: an upgrade keeps the admin's edits, owners and modes -----------------
echo 'kiosk-check.token = "edited-by-the-admin-0123"' >>/etc/canteen-kiosk/secrets.toml
touch /var/lib/canteen-kiosk/kiosk.sqlite3 # stands in for the store
dpkg -i "$deb"
[ "$(id -u "$KIOSK_USER")" = "$uid" ] || fail "the reinstall made a new user"
grep -q edited-by-the-admin /etc/canteen-kiosk/secrets.toml || fail "the reinstall lost an edit"
installed_files_are_right
config_checks_clean
say "installed again: nothing changed"

# --- remove: config, data and user stay ---------------------------------------------------
dpkg -r "$PKG"
[ ! -e /usr/bin/canteen-kiosk ] || fail "remove left the binary"
[ ! -e "$UNIT" ] || fail "remove left the unit"
[ -f /etc/canteen-kiosk/kiosk.toml ] || fail "remove deleted the config"
[ -f /var/lib/canteen-kiosk/kiosk.sqlite3 ] || fail "remove deleted the data"
getent passwd "$KIOSK_USER" >/dev/null || fail "remove deleted the user"
say "removed: config, data and user kept"

# --- purge: config and data go, the user stays ---------------------------------------------
dpkg --purge "$PKG"
[ ! -e /etc/canteen-kiosk ] || fail "purge left /etc/canteen-kiosk"
[ ! -e /var/lib/canteen-kiosk ] || fail "purge left /var/lib/canteen-kiosk"
if dpkg-statoverride --list | grep -q canteen-kiosk; then
    fail "purge left stat overrides: $(dpkg-statoverride --list | grep canteen-kiosk)"
fi
getent passwd "$KIOSK_USER" >/dev/null || fail "purge deleted the user"
say "purged: config and data gone, user kept"
say "OK"
