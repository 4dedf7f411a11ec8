#!/bin/sh
# Installs Debian's Chromium for the browser test (tests/test_browser.py), when it is missing.
#
# Playwright's own browser download is not reachable from CI, so the test drives /usr/bin/chromium.
# As root with apt-get (CI, a fresh machine): install it quietly, trying three times.
# Elsewhere: say so once; the browser test then skips with the same reason.
# On CI (CI set) a failed install is an error: a browser test that silently skips tests nothing.
CHROMIUM=/usr/bin/chromium
PACKAGES="chromium fonts-dejavu-core"  # no recommends: the sandbox helper is unused (--no-sandbox)

[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "browser-deps: $CHROMIUM is missing and installing it needs root and apt-get; the browser test will be skipped"
    exit 0
fi

echo "browser-deps: installing Debian's chromium for the browser test"
log=$(mktemp)
for try in 1 2 3; do
    if { apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES; } >"$log" 2>&1 &&
       [ -x "$CHROMIUM" ]; then
        rm -f "$log"
        exit 0
    fi
    [ "$try" -lt 3 ] && sleep $((try * 10))
done

tail -n 20 "$log" >&2
rm -f "$log"
if [ -n "${CI:-}" ]; then
    echo "browser-deps: could not install chromium (apt-get output above); CI must run the browser test" >&2
    exit 1
fi
echo "browser-deps: could not install chromium (apt-get output above); the browser test will be skipped" >&2
exit 0
