# loadtest/run.sh warmup-gate: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
# CI's warm-start gate (issue 27): per variant of perf-reports/warmup-gate.json, a fresh router
# with its warm-up before ready; the CPU per session of its first 2,000 sessions after ready over
# its warm figure must stay within the committed limit. A variant over it gets a second round,
# and fails when that one is over too (WarmupGate).
gate_file="${WARMUP_GATE_FILE:-$top/perf-reports/warmup-gate.json}"
buckets="${count:-12}"
curve_file="$out/curve.jsonl"; : > "$curve_file"
# The variants: every key with a number (the limit) in the gate file.
pending=$(grep -oE '"[^"]+"[[:space:]]*:[[:space:]]*[0-9.]+' "$gate_file" | sed 's/^"\([^"]*\)".*/\1/' | paste -sd, -)
grpc_example_for "$pending"
client_warm_server_for "$pending"
gate_status=1
for attempt in 1 2; do
  for v in ${pending//,/ }; do
    warmup_run "$v" "$attempt" "$curve_file" "$buckets" || status=$?
  done
  if "$java_bin" -cp "$cp" dev.hyrouter.loadtest.WarmupGate "$curve_file" "$gate_file" > "$out/gate-$attempt.txt"; then
    gate_status=0
  fi
  cat "$out/gate-$attempt.txt"
  [ "$gate_status" = 0 ] && break
  pending=$(sed -n 's/^failing: //p' "$out/gate-$attempt.txt")
done
[ "$gate_status" = 0 ] || status=1
