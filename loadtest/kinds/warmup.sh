# loadtest/run.sh warmup: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
# Warm-up as a curve (issue 27): each variant started fresh, its start-to-answer time, then its
# CPU per session and latency per bucket of 1,000 sessions from the first session on.
[ "$variants" = "off,stdout,file" ] && variants="none,wat,c,grpc"
buckets="${count:-30}"
grpc_example_for "$variants"
client_warm_server_for "$variants"
curve_file="$out/curve.jsonl"; : > "$curve_file"
for r in $(seq 1 "$rounds"); do
  for v in ${variants//,/ }; do
    warmup_run "$v" "$r" "$curve_file" "$buckets" || status=$?
  done
done
"$java_bin" -cp "$cp" dev.hyrouter.loadtest.WarmupReport "$curve_file" "$out" \
  "${jar_note}loadtest/run.sh warmup --variants $variants --rounds $rounds --count $buckets" "$out/environment.md"
