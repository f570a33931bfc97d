#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of the router's parsers, one target per run:
#   router/fuzz.sh TARGET [EXECUTIONS]        # TARGET: frames connect plugin-response config envelope all; EXECUTIONS default 1000000
#   router/fuzz.sh TARGET --seconds N         # a time budget instead (CI: router/fuzz.sh all --seconds 20)
#   router/fuzz.sh TARGET ... --keep          # then copy the corpus it grew into the committed inputs (see below)
# The normal test command (`mvn -B -ntp verify`) already replays every committed input once
# (regression mode); this runs the fuzzer for real, starting from those inputs. Inputs that find new
# coverage go to <module>/.cifuzz-corpus/ (not committed); with --keep they are copied into the
# test's *Inputs/<method>/ folder in src/test/resources (named by content hash), so the replay in
# the test command covers what the run found: commit them. A crash is written under the same
# folder, where it becomes a regression input: commit it with a named test for it.
# Prints one line per target with executions, seconds, corpus size and the outcome, and appends it
# to router/target/fuzz-summary.md; the whole fuzzer output is router/target/fuzz-TARGET.log.
# router/docs/reliability.md explains the figures.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
target="${1:-}"; shift || true
runs=1000000; seconds_budget=""; keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds_budget="$2"; shift 2 ;;
    --keep) keep=yes; shift ;;
    [0-9]*) runs="$1"; shift ;;
    *) echo "router/fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
declare -A where=(
  [frames]="router/core dev.hyrouter.codec.CodecFuzzTest#frames"
  [connect]="router/core dev.hyrouter.codec.CodecFuzzTest#connectPayload"
  [plugin-response]="router/core dev.hyrouter.plugin.json.PluginJsonFuzzTest#response"
  [config]="router/core dev.hyrouter.config.ConfigFuzzTest#config"
  [envelope]="router/envelope dev.hyrouter.envelope.EnvelopeFuzzTest#envelope"
)
if [ "$target" = all ]; then
  echo "router/fuzz.sh: building ..." >&2
  mvn -B -q -ntp -DskipTests -pl router/core,router/envelope -am install >&2
  status=0
  for t in frames connect plugin-response config envelope; do
    FUZZ_BUILT=1 "$0" "$t" "$runs" ${seconds_budget:+--seconds "$seconds_budget"} ${keep:+--keep} || status=1
  done
  exit "$status"
fi
if [ -z "$target" ] || [ -z "${where[$target]:-}" ]; then
  sed -n '2,9p' "$0"; exit 2
fi
read -r module test <<<"${where[$target]}"
if [ -z "${FUZZ_BUILT:-}" ]; then
  echo "router/fuzz.sh: building ..." >&2
  mvn -B -q -ntp -DskipTests -pl "$module" -am install >&2
fi
log="$top/router/target/fuzz-$target.log"
mkdir -p "$top/router/target"
start=$(date +%s)
# JAZZER_FUZZ turns the @FuzzTest into a fuzzing run; -runs is libFuzzer's execution bound (the
# annotation's maxDuration stays the cap on time). Leak detection at its cheapest: paranoid
# tracking of every buffer would measure the detector, and the regression run keeps it paranoid.
status=0
bound="-runs=$runs"
[ -n "$seconds_budget" ] && bound="-max_total_time=$seconds_budget"
JAZZER_FUZZ=1 mvn -B -ntp -pl "$module" surefire:test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="$bound" -Dio.netty.leakDetection.level=disabled > "$log" 2>&1 || status=$?
seconds=$(( $(date +%s) - start ))
execs=$(grep -o '#[0-9]*' "$log" | tr -d '#' | sort -n | tail -1)
corpus=$(ls "$module/.cifuzz-corpus/${test%#*}/${test#*#}" 2>/dev/null | wc -l)
outcome=$([ "$status" -eq 0 ] && echo "no finding" || echo "FINDING or failure (see $log)")
kept=""
if [ -n "$keep" ] && [ "$status" -eq 0 ]; then
  class="${test%#*}"; method="${test#*#}"
  inputs="$module/src/test/resources/$(echo "${class%.*}" | tr . /)/${class##*.}Inputs/$method"
  mkdir -p "$inputs"
  added=0
  for f in "$module/.cifuzz-corpus/$class/$method"/*; do
    [ -f "$f" ] || continue
    name="corpus-$(sha1sum "$f" | cut -c1-16)"
    [ -e "$inputs/$name" ] && continue
    cp "$f" "$inputs/$name"; added=$((added + 1))
  done
  kept=" ($added kept in $inputs)"
fi
line="| $target | ${execs:-?} | $seconds | ${corpus}${kept} | $outcome |"
echo "$line"
summary="$top/router/target/fuzz-summary.md"
[ -f "$summary" ] || printf '| target | executions | seconds | corpus entries | outcome |\n|---|---:|---:|---:|---|\n' > "$summary"
echo "$line" >> "$summary"
exit "$status"
