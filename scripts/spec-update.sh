#!/usr/bin/env bash
# Fetches Prolific's published OpenAPI document into the spec-drift guard's
# testdata (platform/prolific/mock/testdata/openapi/prolific-openapi.yml), with a header
# saying where and when it was taken, then runs the guard against it.
#
# It needs the network (curl to docs.prolific.com). Without it, it fails with
# a clear message and leaves the current copy untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${SPEC_URL:-https://docs.prolific.com/openapi.yaml}
DEST=platform/prolific/mock/testdata/openapi/prolific-openapi.yml
GO=${GO:-go}

if ! command -v curl >/dev/null 2>&1; then
  echo "spec-update: curl is not installed; install it (apt-get install curl) and run again. $DEST is unchanged." >&2
  exit 1
fi
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.new"' EXIT
if ! curl --fail --silent --show-error --location --max-time 60 --proto '=https' -o "$tmp" "$URL"; then
  echo "spec-update: could not fetch $URL (no network, or the address moved: set SPEC_URL). $DEST is unchanged." >&2
  exit 1
fi
if ! head -c 200 "$tmp" | grep -qE '^openapi: *3\.'; then
  echo "spec-update: $URL did not answer an OpenAPI 3 YAML document (first line: $(head -n1 "$tmp" | cut -c1-80)). $DEST is unchanged." >&2
  exit 1
fi
{
  echo "# Prolific API reference: the OpenAPI document Prolific publishes at"
  echo "# $URL, fetched on $(date -u +%Y-%m-%d) by \`make spec-update\`"
  echo "# (see README.md in this directory). Everything below this header is the"
  echo "# document, unchanged."
  cat "$tmp"
} > "$tmp.new"
mv "$tmp.new" "$DEST"
echo "spec-update: wrote $DEST from $URL; running the spec-drift guard against it"
"$GO" test -count=1 -run 'TestSpecDrift' ./platform/prolific/mock/
