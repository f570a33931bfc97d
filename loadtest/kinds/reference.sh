# loadtest/run.sh reference (also smoke): sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
[ "$kind" = smoke ] && { rate=150; duration=15; rounds=1; p99=5000; }
cfg=$(router_config router)
runs=()
for r in $(seq 1 "$rounds"); do
  router_round router "$cfg" "router-$r" warn
  start_bare "$cfg" "$work/bare-$r.log"; pid=$started_pid
  runs+=("$(measured_steady bare "$pid" "bare-$r")") || status=$?
  stop "$pid"
done
"$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Router vs bare QUIC: $rate sessions/s for $duration s, $rounds round(s)" \
  "${jar_note}loadtest/run.sh $kind --rate $rate --duration $duration --rounds $rounds" "$out/environment.md" "${runs[@]}"
