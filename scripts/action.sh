#!/usr/bin/env bash
# The logic of the hookdrill GitHub Action (action.yml): install hookdrill, wait for the
# receiver the job started, run `hookdrill conform` or `hookdrill run` with a JUnit report, and
# set the step's outputs. Every input arrives as an environment variable (INPUT_*), is checked,
# and is passed to hookdrill as one argv element: no input is ever evaluated as shell code.
#
# Inputs: INPUT_COMMAND (conform|run), INPUT_PLATFORM, INPUT_TARGET, INPUT_SCENARIOS (one per
# line), INPUT_PROBE_APPLIED, INPUT_PROBE_STATUS, INPUT_STRICT, INPUT_ARGS (one argument per
# line), INPUT_JUNIT, INPUT_WAIT (seconds), INPUT_FAIL, INPUT_VERSION, HOOKDRILL_SECRET.
# HOOKDRILL_BIN: use this hookdrill binary instead of installing one.
# Outputs (to $GITHUB_OUTPUT): junit, exit-code. A summary goes to $GITHUB_STEP_SUMMARY.
# Exit status: hookdrill's (0 passed, 1 a check failed, 2 usage or invalid input, 3 could not
# run); 0 whatever happened with INPUT_FAIL=false; 2 for an invalid input of the action itself.
set -uo pipefail

command=${INPUT_COMMAND:-conform}
platform=${INPUT_PLATFORM:-}
target=${INPUT_TARGET:-}
junit=${INPUT_JUNIT:-hookdrill-junit.xml}
wait_s=${INPUT_WAIT:-30}
strict=${INPUT_STRICT:-false}
fail=${INPUT_FAIL:-true}
version=${INPUT_VERSION:-}

# annotate LEVEL MESSAGE: a workflow-command annotation, its message escaped as GitHub requires
# (an input's newline must not start a workflow command of its own).
annotate() {
  local m=$2
  m=${m//'%'/'%25'}
  m=${m//$'\r'/'%0D'}
  m=${m//$'\n'/'%0A'}
  echo "::$1 title=hookdrill::$m" >&2
}

die() { # an invalid input of the action
  annotate error "$*"
  exit 2
}

output() { # name value
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

# lines VAR: the non-empty lines of VAR, trimmed, into the array "lines".
lines() {
  lines=()
  local l
  while IFS= read -r l || [ -n "$l" ]; do
    l=${l#"${l%%[![:space:]]*}"}
    l=${l%"${l##*[![:space:]]}"}
    [ -n "$l" ] && lines+=("$l")
  done <<<"$1"
}

case $command in conform | run) ;; *) die "command must be conform or run, got \"$command\"" ;; esac
case $strict in true | false) ;; *) die "strict must be true or false, got \"$strict\"" ;; esac
case $fail in true | false) ;; *) die "fail must be true or false, got \"$fail\"" ;; esac
[[ $wait_s =~ ^[0-9]{1,4}$ ]] || die "wait must be a number of seconds, got \"$wait_s\""
[ -n "$junit" ] || die "junit must name a file"
if [ "$command" = conform ]; then
  case $platform in prolific | respondent) ;; *) die "conform needs platform: prolific or respondent, got \"$platform\"" ;; esac
  [ -n "$target" ] || die "conform needs target: the receiver's webhook URL"
fi
if [ -n "$target" ] && { ! [[ $target =~ ^https?:// ]] || [[ $target =~ [[:space:][:cntrl:]] ]]; }; then
  die "target must be an http:// or https:// URL, got \"$target\""
fi
[[ $junit =~ [[:cntrl:]] ]] && die "junit must be a file name without control characters"

# Install.
bin=${HOOKDRILL_BIN:-}
if [ -z "$bin" ]; then
  bindir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/hookdrill-bin
  mkdir -p "$bindir" || exit 3
  if [ -z "$version" ]; then
    src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
    echo "hookdrill: building from the action's source ($src)"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$bindir/hookdrill" ./cmd/hookdrill) || exit 3
  else
    [[ $version =~ ^(latest|v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?|[0-9a-f]{7,40})$ ]] ||
      die "version must be latest, a version such as v1.2.3 or a commit hash, got \"$version\""
    echo "hookdrill: go install github.com/hookdrill/hookdrill/cmd/hookdrill@$version"
    GOBIN=$bindir CGO_ENABLED=0 go install "github.com/hookdrill/hookdrill/cmd/hookdrill@$version" || exit 3
  fi
  bin=$bindir/hookdrill
fi

# Wait for the receiver started earlier in the job: any HTTP answer (even 404 or 405) will do.
if [ -n "$target" ] && [ "$wait_s" -gt 0 ]; then
  deadline=$((SECONDS + wait_s))
  until curl -s -o /dev/null --max-time 2 -- "$target"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      annotate error "no receiver answers at $target after ${wait_s}s: start it earlier in the job (in the background) or raise wait"
      output junit ""
      output exit-code 3
      [ "$fail" = true ] && exit 3
      exit 0
    fi
    sleep 1
  done
fi

args=("$command" --format junit --out "$junit")
if [ "$command" = conform ]; then
  args+=(--platform "$platform" --target "$target")
  [ "$strict" = true ] && args+=(--strict)
else
  [ -n "$target" ] && args+=(--target "$target")
fi
# hookdrill reads the secret from $HOOKDRILL_SECRET itself: it never appears in argv.
[ -n "${INPUT_PROBE_APPLIED:-}" ] && args+=(--probe-applied "$INPUT_PROBE_APPLIED")
[ -n "${INPUT_PROBE_STATUS:-}" ] && args+=(--probe-status "$INPUT_PROBE_STATUS")
lines "${INPUT_ARGS:-}"
args+=("${lines[@]}")
if [ "$command" = run ]; then
  lines "${INPUT_SCENARIOS:-}"
  [ ${#lines[@]} -gt 0 ] || die "run needs scenarios: files or directories, one per line"
  args+=(--)
  args+=("${lines[@]}")
fi

mkdir -p "$(dirname "$junit")"
echo "hookdrill: $command${platform:+ $platform}${target:+ against $target}, JUnit report in $junit"
"$bin" "${args[@]}"
rc=$?

summary="hookdrill $command: exit code $rc"
if [ -s "$junit" ]; then
  head=$(grep -m1 -o '<testsuites [^>]*>' "$junit" || true)
  attr() { sed -n "s/.* $1=\"\\([0-9]*\\)\".*/\\1/p" <<<"$head"; }
  summary="hookdrill $command: $(attr tests) checks, $(attr failures) failed, $(attr errors) could not run, $(attr skipped) skipped (exit code $rc)"
fi
echo "$summary"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '### %s\n\nJUnit report: `%s`\n' "$summary" "$junit" >>"$GITHUB_STEP_SUMMARY"
fi
output junit "$junit"
output exit-code "$rc"
if [ "$rc" -ne 0 ]; then
  annotate error "$summary"
  [ "$fail" = true ] && exit "$rc"
fi
exit 0
