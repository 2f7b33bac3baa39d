#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (run by hand when upgrading).
# Pages load nothing from a CDN: everything they use is committed under static/vendor/.
set -euo pipefail
BOOTSTRAP=5.3.9
CHARTJS=4.6.1
HTMX=2.0.11
AXE=4.14.1  # accessibility checks of the browser tests only: vendored under tests/, never served
REDOC=2.5.4
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "bootstrap@$BOOTSTRAP" "chart.js@$CHARTJS" "htmx.org@$HTMX" "axe-core@$AXE" "redoc@$REDOC" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
dest="$root/static/vendor"
rm -rf "$dest" && mkdir -p "$dest/bootstrap" "$dest/chartjs" "$dest/htmx" "$dest/redoc"
cp "bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css"{,.map} "$dest/bootstrap/"
cp "bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js"{,.map} "$dest/bootstrap/"
cp "bootstrap-$BOOTSTRAP/package/LICENSE" "$dest/bootstrap/LICENSE"
cp "chart.js-$CHARTJS/package/dist/chart.umd.min.js"{,.map} "$dest/chartjs/"
cp "chart.js-$CHARTJS/package/LICENSE.md" "$dest/chartjs/LICENSE.md"
cp "htmx.org-$HTMX/package/dist/htmx.min.js" "$dest/htmx/"
cp "htmx.org-$HTMX/package/LICENSE" "$dest/htmx/LICENSE"
# Redoc's menu shows a logo loaded from the vendor's CDN: an empty local image instead (the CSP
# allows no other origin), and no source map reference.
sed -e "s#https://cdn.redoc.ly/redoc/logo-mini.svg#data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E#" \
    -e '/^\/\/# sourceMappingURL=/d' \
    "redoc-$REDOC/package/bundles/redoc.standalone.js" > "$dest/redoc/redoc.standalone.js"
grep -q "cdn.redoc.ly" "$dest/redoc/redoc.standalone.js" && { echo "redoc: CDN address left in the bundle" >&2; exit 1; }
cp "redoc-$REDOC/package/bundles/redoc.standalone.js.LICENSE.txt" "redoc-$REDOC/package/LICENSE" "$dest/redoc/"
axe="$root/tests/vendor/axe-core"
rm -rf "$axe" && mkdir -p "$axe"
cp "axe-core-$AXE/package/axe.min.js" "axe-core-$AXE/package/LICENSE" "axe-core-$AXE/package/LICENSE-3RD-PARTY.txt" "$axe/"
echo "vendored bootstrap $BOOTSTRAP, chart.js $CHARTJS, htmx $HTMX, redoc $REDOC into static/vendor; axe-core $AXE into tests/vendor"
