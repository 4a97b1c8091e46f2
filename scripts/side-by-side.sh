#!/usr/bin/env bash
# The kiosk beside what an operator would run instead: Chromium in kiosk mode showing the
# same menu as a web page, on the same Xvfb display, one after the other. Prints first frame,
# PSS of all the program's processes after PSS_AFTER s, and idle CPU over IDLE_SECS, for both,
# with the ratios (issue 15).
#
#   scripts/side-by-side.sh              # release binary, demo config, large store
#   YEARS=5 scripts/side-by-side.sh      # the store with five years of history (if make_store knows --years)
#   BIN=target/release/canteen-kiosk scripts/side-by-side.sh   # a binary already built (e.g. the KMS one: size only)
#
# Installs what it needs (xvfb xauth xdotool chromium python3) if missing. The store lives in
# a temporary XDG_DATA_HOME, removed at the end; Chromium gets a temporary profile.
set -euo pipefail
cd "$(dirname "$0")/.."

IDLE_SECS="${IDLE_SECS:-60}"
PSS_AFTER="${PSS_AFTER:-10}"
FRAMES="${FRAMES:-5}"
YEARS="${YEARS:-}"
SIZE="${SIZE:-800x480}"
. scripts/common.sh
install_missing Xvfb:xvfb xauth:xauth xdotool:xdotool chromium:chromium python3:python3
TARGET_DIR="$(target_dir)"
if [ -z "${BIN:-}" ]; then
    say "building the release binary and make_store …"
    cargo build --release --features bench-data --bin canteen-kiosk --example make_store >/dev/null 2>&1 ||
        { say "build failed: cargo build --release --features bench-data"; exit 1; }
    BIN="$TARGET_DIR/release/canteen-kiosk"
fi
MAKE_STORE="${MAKE_STORE:-$TARGET_DIR/release/examples/make_store}"

WORK="$(mktemp -d -t canteen-sbs.XXXXXX)"
XVFB_PID="" APP_PID=""
cleanup() {
    [ -n "$APP_PID" ] && kill -- -"$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

export XDG_DATA_HOME="$WORK/xdg"
say "making the large store …"
if [ -n "$YEARS" ]; then
    "$MAKE_STORE" "$XDG_DATA_HOME/canteen-kiosk" --years "$YEARS" >"$WORK/store.txt"
else
    "$MAKE_STORE" "$XDG_DATA_HOME/canteen-kiosk" >"$WORK/store.txt"
fi

# The page Chromium shows: the same menu the kiosk shows, from the same store
# (`canteen-kiosk menu --json`), laid out as a plain page with the same fonts' sizes.
"$BIN" menu --json >"$WORK/menu.json" 2>/dev/null
python3 - "$WORK/menu.json" "$WORK/menu.html" <<'PY'
import html, json, sys
days = json.load(open(sys.argv[1]))
out = ['<!doctype html><meta charset="utf-8"><title>Menu</title><style>',
       'body{margin:0;font:16px sans-serif;background:#f6f4ef;color:#1d1d1b}',
       'header{background:#1f4e46;color:#fff;padding:12px 20px;font-size:22px}',
       'nav{display:flex;gap:8px;padding:8px 20px}nav span{padding:8px 14px;border-radius:8px;background:#e4e0d6}',
       '.dish{display:flex;justify-content:space-between;margin:8px 20px;padding:12px;background:#fff;border-radius:10px}',
       '.d small{display:block;color:#666}button{font-size:16px;padding:10px 18px;border-radius:8px;border:0;background:#1f4e46;color:#fff}',
       '</style><header>Canteen — tap your badge</header><nav>']
for d in days[:5]:
    out.append('<span>%s</span>' % html.escape(d["date"]))
out.append('</nav>')
for dish in (days[0]["dishes"] if days else []):
    out.append('<div class="dish"><div class="d">%s<small>%s</small></div><div>%s € <button>Order</button></div></div>'
               % (html.escape(dish["name"]), html.escape(dish.get("description") or ""), html.escape(dish["price"])))
open(sys.argv[2], "w").write("\n".join(out))
PY

DISPLAY_NO=99
while [ -e "/tmp/.X11-unix/X$DISPLAY_NO" ] || [ -e "/tmp/.X$DISPLAY_NO-lock" ]; do DISPLAY_NO=$((DISPLAY_NO + 1)); done
mkdir -p "$WORK/fb"
Xvfb ":$DISPLAY_NO" -screen 0 "${SIZE}x24" -fbdir "$WORK/fb" -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=":$DISPLAY_NO"
for _ in $(seq 100); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.05; done
FB="$WORK/fb/Xvfb_screen0"
cp "$FB" "$WORK/fb-empty"

# Starts "$@" in its own process group and waits for the first change of the framebuffer.
FRAME_MS=""
start_and_wait_frame() {
    local start_ns
    FRAME_MS=""
    start_ns=$(date +%s%N)
    setsid "$@" >"$WORK/app.log" 2>&1 &
    APP_PID=$!
    for _ in $(seq 10000); do
        if ! cmp -s "$FB" "$WORK/fb-empty"; then
            FRAME_MS=$((($(date +%s%N) - start_ns) / 1000000))
            return
        fi
        kill -0 "$APP_PID" 2>/dev/null || return
        sleep 0.002
    done
}
stop_app() {
    kill -- -"$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
    for _ in $(seq 500); do cmp -s "$FB" "$WORK/fb-empty" && break; sleep 0.01; done
}
group_pids() { ps -eo pid=,pgid= | awk -v g="$APP_PID" '$2 == g {print $1}'; }
# group_sum FILE AWK: the sum over every process of the group of what AWK prints from
# /proc/PID/FILE (a process that ended meanwhile counts 0).
group_sum() {
    local t=0 p v
    for p in $(group_pids); do
        v=$(awk "$2" "/proc/$p/$1" 2>/dev/null || echo 0)
        t=$((t + ${v:-0}))
    done
    echo "$t"
}
pss_kb() { group_sum smaps_rollup '/^Pss:/ {print $2}'; }
# CPU time in ns of every thread of the group (schedstat: exact, where utime+stime count
# 10 ms ticks, too coarse for a 0.07 % idle over a minute). A thread that ended between the
# two readings is not counted: that can only flatter Chromium, whose helpers come and go.
cpu_ns() {
    local t=0 p f v
    for p in $(group_pids); do
        for f in /proc/"$p"/task/*/schedstat; do
            # (stderr first: a thread that ended since the glob must not print an error)
            read -r v _ 2>/dev/null <"$f" || v=0
            t=$((t + ${v:-0}))
        done
    done
    echo "$t"
}
# cpu_pct NS0 NS1 WALL0 WALL1: CPU as % of one core between two readings.
cpu_pct() { awk -v c=$(($2 - $1)) -v ns=$(($4 - $3)) 'BEGIN {printf "%.3f", 100 * c / ns}'; }
measure() { # NAME COMMAND… → NAME_frame NAME_pss NAME_cpu NAME_procs
    local name=$1 frames=() n sorted median t0 t1 s0 s1
    shift
    for n in $(seq "$FRAMES"); do
        start_and_wait_frame "$@"
        [ -z "$FRAME_MS" ] && { say "$name painted nothing:"; tail -n 5 "$WORK/app.log" >&2; break; }
        frames+=("$FRAME_MS")
        [ "$n" -lt "$FRAMES" ] && stop_app
    done
    sorted=$(printf '%s\n' "${frames[@]:-}" | sort -n)
    median=$(sed -n "$(((${#frames[@]} + 1) / 2))p" <<<"$sorted")
    # The kiosk's first start on years of history prunes them in the background (a quarter
    # of a second per second, once): idle is what comes after, so wait for its log line.
    if [ -n "${WAIT_FOR:-}" ]; then
        for _ in $(seq 600); do grep -q "$WAIT_FOR" "$WORK/app.log" && break; sleep 1; done
        grep -m1 "$WAIT_FOR" "$WORK/app.log" | sed 's/^/    /' >&2 || say "no \"$WAIT_FOR\" in the log"
    fi
    sleep "$PSS_AFTER"
    printf -v "${name}_pss" '%s' "$(pss_kb)"
    printf -v "${name}_procs" '%s' "$(group_pids | wc -l)"
    t0=$(cpu_ns); s0=$(date +%s%N)
    sleep "$IDLE_SECS"
    t1=$(cpu_ns); s1=$(date +%s%N)
    printf -v "${name}_cpu" '%s' "$(cpu_pct "$t0" "$t1" "$s0" "$s1")"
    printf -v "${name}_frame" '%s' "$median"
    printf -v "${name}_frames" '%s' "$(tr '\n' ',' <<<"$sorted" | sed 's/,$//')"
    stop_app
}

say "the kiosk ($FRAMES starts, then ${PSS_AFTER} s + ${IDLE_SECS} s idle) …"
WAIT_FOR="pruned " measure kiosk env RUST_LOG=warn,canteen_kiosk::sync::engine::prune=info "$BIN" --windowed "$SIZE"
# The same kiosk and store with a file config that blanks after a minute (drawn black: Xvfb
# has no backlight): idle CPU while blank, after BLANK_WAIT s.
BLANK_WAIT="${BLANK_WAIT:-65}"
{
    sed '/^\[screen\]/,$d' data/demo-kiosk.toml | sed "s|^fullscreen = false|data_dir = \"$XDG_DATA_HOME/canteen-kiosk\"\nfullscreen = false|"
    printf '[screen]\nbacklight = "none"\nblank_after = "1m"\nblank_after_outside_service = "1m"\ndim_for = "10s"\n'
    sed -n '/^\[venues.demo\]/,$p' data/demo-kiosk.toml
} >"$WORK/blank-kiosk.toml"
"$BIN" check-config "$WORK/blank-kiosk.toml" >/dev/null || { say "the blanking config is invalid"; exit 1; }
say "the kiosk blank (${BLANK_WAIT} s to go black, then ${IDLE_SECS} s) …"
setsid env RUST_LOG=warn "$BIN" --config "$WORK/blank-kiosk.toml" --windowed "$SIZE" >"$WORK/app.log" 2>&1 &
APP_PID=$!
sleep "$BLANK_WAIT"
t0=$(cpu_ns); s0=$(date +%s%N)
sleep "$IDLE_SECS"
t1=$(cpu_ns); s1=$(date +%s%N)
blank_cpu=$(cpu_pct "$t0" "$t1" "$s0" "$s1")
stop_app

say "Chromium in kiosk mode ($FRAMES starts, then the same) …"
W=${SIZE%x*} H=${SIZE#*x}
measure chromium chromium --kiosk --no-first-run --no-default-browser-check --disable-gpu \
    --no-sandbox --user-data-dir="$WORK/chromium-profile" --window-size="$W,$H" \
    --window-position=0,0 "file://$WORK/menu.html"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 == 0) print "∞"; else printf "%.1f×", b / a }'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
size_mb=$(awk -v b="$(stat -c %s "$BIN")" 'BEGIN {printf "%.1f", b / 1048576}')
printf '\nstore: %s\ndisplay: Xvfb %s\n\n' "$(cat "$WORK/store.txt")" "$SIZE"
printf '%-34s %14s %14s %10s\n' "measure" "canteen-kiosk" "chromium" "ratio"
printf '%-34s %14s %14s %10s\n' "first frame, median (ms)" "$kiosk_frame" "$chromium_frame" "$(ratio "$kiosk_frame" "$chromium_frame")"
printf '%-34s %14s %14s %10s\n' "  all starts (ms)" "$kiosk_frames" "$chromium_frames" ""
printf '%-34s %14s %14s %10s\n' "PSS after ${PSS_AFTER} s, all processes (MiB)" "$(mib "$kiosk_pss")" "$(mib "$chromium_pss")" "$(ratio "$kiosk_pss" "$chromium_pss")"
printf '%-34s %14s %14s %10s\n' "  processes" "$kiosk_procs" "$chromium_procs" ""
printf '%-34s %14s %14s %10s\n' "idle CPU over ${IDLE_SECS} s (% of a core)" "$kiosk_cpu" "$chromium_cpu" "$(ratio "$kiosk_cpu" "$chromium_cpu")"
printf '%-34s %14s\n' "idle CPU while blank (% of a core)" "$blank_cpu"
printf '%-34s %14s\n' "binary (MiB)" "$size_mb"
