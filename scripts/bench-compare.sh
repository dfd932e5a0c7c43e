#!/usr/bin/env bash
# Sender throughput next to wrk against the same local receiver, same run.
# Installs wrk from Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
HOOKDRILL_WRK=$(command -v wrk) go test -run '^$' -bench 'BenchmarkSenderThroughput' -benchtime 100000x -count 5 ./sender/
