#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (run by hand when upgrading).
# Pages load nothing from a CDN: everything they use is committed under static/vendor/.
set -euo pipefail
BOOTSTRAP=5.3.9
CHARTJS=4.6.1
HTMX=2.0.11
AXE=4.14.1  # accessibility checks of the browser tests only: vendored under tests/, never served
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "bootstrap@$BOOTSTRAP" "chart.js@$CHARTJS" "htmx.org@$HTMX" "axe-core@$AXE" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
dest="$root/static/vendor"
rm -rf "$dest" && mkdir -p "$dest/bootstrap" "$dest/chartjs" "$dest/htmx"
cp "bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css"{,.map} "$dest/bootstrap/"
cp "bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js"{,.map} "$dest/bootstrap/"
cp "bootstrap-$BOOTSTRAP/package/LICENSE" "$dest/bootstrap/LICENSE"
cp "chart.js-$CHARTJS/package/dist/chart.umd.min.js"{,.map} "$dest/chartjs/"
cp "chart.js-$CHARTJS/package/LICENSE.md" "$dest/chartjs/LICENSE.md"
cp "htmx.org-$HTMX/package/dist/htmx.min.js" "$dest/htmx/"
cp "htmx.org-$HTMX/package/LICENSE" "$dest/htmx/LICENSE"
axe="$root/tests/vendor/axe-core"
rm -rf "$axe" && mkdir -p "$axe"
cp "axe-core-$AXE/package/axe.min.js" "axe-core-$AXE/package/LICENSE" "axe-core-$AXE/package/LICENSE-3RD-PARTY.txt" "$axe/"
echo "vendored bootstrap $BOOTSTRAP, chart.js $CHARTJS, htmx $HTMX into static/vendor; axe-core $AXE into tests/vendor"
