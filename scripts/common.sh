# Sourced by scripts/measure.sh and scripts/side-by-side.sh: what both need before measuring.

say() { printf '%s\n' "$*" >&2; }

# install_missing COMMAND:PACKAGE … — installs (apt) the package of every command not found.
install_missing() {
    local need=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
    done
    ((${#need[@]})) || return 0
    local SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    say "installing ${need[*]} …"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >/dev/null
}

# cargo's target directory (CARGO_TARGET_DIR or a workspace setting may move it).
target_dir() {
    local dir
    dir="$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
    echo "${dir:-target}"
}
