#!/usr/bin/env bash
# Lighthouse (mobile, Debian's Chromium) on the front page, an article, a section page and the
# most read, against a running site: bench/lighthouse.sh [BASE_URL] [ARTICLE_PATH].
# Run the site as production does first (gunicorn, DEBUG=0, collectstatic, PostgreSQL, the demo
# content: docs/performance.md says how). Lighthouse comes from npm, pinned, outside the repo's
# node_modules (it is a measuring tool, not a test dependency).
set -euo pipefail
BASE="${1:-http://127.0.0.1:8000}"
ARTICLE="${2:-/news/ministr-kultury-i-sporta-vstretilsya-s-poslom-azerbaydzhana/}"
LIGHTHOUSE_VERSION=12.8.2
CHROME_PATH="${CHROME_PATH:-$(command -v chromium)}"
export CHROME_PATH
OUT="$(mktemp -d)"
printf '%-70s %5s %5s %5s %5s\n' page perf a11y bp seo
for path in / "$ARTICLE" /section/ekonomika/ /popular/; do
  report="$OUT/$(echo "$path" | tr '/' '_').json"
  npm exec --yes --package="lighthouse@$LIGHTHOUSE_VERSION" -- lighthouse "$BASE$path" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    --only-categories=performance,accessibility,best-practices,seo --output=json --output-path="$report" >/dev/null
  python3 - "$path" "$report" <<'PY'
import json, sys
path, report = sys.argv[1], json.load(open(sys.argv[2]))
scores = [report["categories"][name]["score"] for name in ("performance", "accessibility", "best-practices", "seo")]
print(f"{path:<70} " + " ".join(f"{round(score * 100) if score is not None else '-':>5}" for score in scores))
for category in report["categories"].values():
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"    {category['id']}: {ref['id']} {audit.get('displayValue', '')}")
PY
done
rm -rf "$OUT"
