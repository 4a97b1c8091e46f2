#!/usr/bin/env bash
# Rebuilds ui/fonts/Inter-{Regular,SemiBold,Bold}.otf as subsets of Debian's fonts-inter
# (issue 7: the full fonts are 260 KB each and are compiled into the binary; the subsets are
# about 80 KB). Kept: Basic Latin, Latin-1, Latin Extended-A (every EU language the kiosk may
# meet in dish and employee names), Romanian comma letters, general punctuation, currency
# signs, arrows, the check/cross marks and all OpenType layout features (kerning, tabular
# figures). A character outside the subset falls back to a system font, it does not vanish.
#
#   scripts/subset-fonts.sh          # needs fonts-inter and python3-fonttools (installs them; uses Debian's python3)
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=/usr/share/fonts/opentype/inter
if [ ! -e "$SRC/Inter-Regular.otf" ] || ! /usr/bin/python3 -c 'import fontTools' 2>/dev/null; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get install -y -qq --no-install-recommends fonts-inter python3-fonttools >/dev/null
fi
UNICODES="U+0020-007E,U+00A0-017F,U+0192,U+0218-021B,U+02C6-02DD,U+2000-206F,U+20A0-20CF"
UNICODES="$UNICODES,U+2100-2122,U+2190-2199,U+2212,U+25CB,U+25CF,U+2713,U+2715,U+2717,U+FFFD"
for weight in Regular SemiBold Bold; do
    /usr/bin/python3 -m fontTools.subset "$SRC/Inter-$weight.otf" --output-file="ui/fonts/Inter-$weight.otf" \
        --unicodes="$UNICODES" --layout-features='*' --notdef-outline \
        --name-IDs='*' --name-languages='*'
done
ls -l ui/fonts/*.otf
