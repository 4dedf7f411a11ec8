#!/bin/sh
# Installs a CJK font (Debian's fonts-wqy-microhei, 5 MB) when none is on the machine: the Chinese course's
# figures (backprop-lab build --lang zh) and plots are drawn with it, and the browser test's Chromium
# shows the Chinese notebook with it. utils/fonts.py lists the fonts matplotlib falls back to.
#
# As root with apt-get (CI, a fresh machine): install it quietly, trying three times. Elsewhere: say so;
# the font test then skips with the same reason, and Chinese figures would show empty boxes.
# On CI (CI set) a failed install is an error: the font test must run there.
PACKAGES="fonts-wqy-microhei"

if command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh family | grep -q .; then
    exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "cjk-font: no CJK font, and installing $PACKAGES needs root and apt-get; Chinese figures would show boxes"
    exit 0
fi

echo "cjk-font: installing Debian's $PACKAGES for the Chinese figures"
log=$(mktemp)
for try in 1 2 3; do
    if { apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES fontconfig; } \
         >"$log" 2>&1; then
        rm -f "$log"
        exit 0
    fi
    [ "$try" -lt 3 ] && sleep $((try * 10))
done

tail -n 20 "$log" >&2
rm -f "$log"
if [ -n "${CI:-}" ]; then
    echo "cjk-font: could not install $PACKAGES (apt-get output above); CI must draw the Chinese figures" >&2
    exit 1
fi
echo "cjk-font: could not install $PACKAGES (apt-get output above); Chinese figures would show boxes" >&2
exit 0
