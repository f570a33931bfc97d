#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of the router's parsers, one target per run:
#   router/fuzz.sh TARGET [EXECUTIONS]     # TARGET: frames connect plugin-response config envelope all; EXECUTIONS default 1000000
# The normal test command (`mvn -B -ntp verify`) already replays every committed input once
# (regression mode); this runs the fuzzer for real. Inputs that find new coverage go to
# <module>/.cifuzz-corpus/ (not committed); a crash is written under the test's *Inputs/ folder in
# src/test/resources, where it becomes a regression input: commit it with a named test for it.
# Prints one line per target with executions, seconds, corpus size and the outcome, and appends it
# to router/target/fuzz-summary.md. router/docs/reliability.md explains the figures.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
target="${1:-}"; runs="${2:-1000000}"
declare -A where=(
  [frames]="router/core dev.hyrouter.codec.CodecFuzzTest#frames"
  [connect]="router/core dev.hyrouter.codec.CodecFuzzTest#connectPayload"
  [plugin-response]="router/core dev.hyrouter.plugin.json.PluginJsonFuzzTest#response"
  [config]="router/core dev.hyrouter.config.ConfigFuzzTest#config"
  [envelope]="router/envelope dev.hyrouter.envelope.EnvelopeFuzzTest#envelope"
)
if [ "$target" = all ]; then
  for t in frames connect plugin-response config envelope; do "$0" "$t" "$runs"; done
  exit 0
fi
if [ -z "$target" ] || [ -z "${where[$target]:-}" ]; then
  sed -n '2,9p' "$0"; exit 2
fi
read -r module test <<<"${where[$target]}"
echo "router/fuzz.sh: building ..." >&2
mvn -B -q -ntp -DskipTests -pl "$module" -am install >&2
log="$top/router/target/fuzz-$target.log"
mkdir -p "$top/router/target"
start=$(date +%s)
# JAZZER_FUZZ turns the @FuzzTest into a fuzzing run; -runs is libFuzzer's execution bound (the
# annotation's maxDuration stays the cap on time). Leak detection at its cheapest: paranoid
# tracking of every buffer would measure the detector, and the regression run keeps it paranoid.
status=0
JAZZER_FUZZ=1 mvn -B -ntp -pl "$module" surefire:test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="-runs=$runs" -Dio.netty.leakDetection.level=disabled > "$log" 2>&1 || status=$?
seconds=$(( $(date +%s) - start ))
execs=$(grep -o '#[0-9]*' "$log" | tr -d '#' | sort -n | tail -1)
corpus=$(ls "$module/.cifuzz-corpus/${test%#*}/${test#*#}" 2>/dev/null | wc -l)
outcome=$([ "$status" -eq 0 ] && echo "no finding" || echo "FINDING or failure (see $log)")
line="| $target | ${execs:-?} | $seconds | ${corpus} | $outcome |"
echo "$line"
summary="$top/router/target/fuzz-summary.md"
[ -f "$summary" ] || printf '| target | executions | seconds | corpus entries | outcome |\n|---|---:|---:|---:|---|\n' > "$summary"
echo "$line" >> "$summary"
exit "$status"
