# loadtest/run.sh reference (also smoke): sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
# The smoke compares warm data paths: each server first takes 5 s of the same load, unmeasured. Cold,
# on a slow shared CI machine, the first second's sessions wait over a second (a CI run: p50 1.4 s in
# that second, 10 of 2,250 handshakes failed there and none after; whether the router's door refused
# them, as it does by design when handshakes wait that long, that run could not tell), and a
# zero-failure assertion must not read a cold first second as a broken data path. The first sessions
# after a start are the warm-start gate's subject.
[ "$kind" = smoke ] && { rate=150; duration=15; rounds=1; p99=5000; warmup=5; }
cfg=$(router_config router)
runs=()
for r in $(seq 1 "$rounds"); do
  router_round router "$cfg" "router-$r" warn
  start_bare "$cfg" "$work/bare-$r.log"; pid=$started_pid
  runs+=("$(measured_steady bare "$pid" "bare-$r")") || status=$?
  stop "$pid"
done
"$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Router vs bare QUIC: $rate sessions/s for $duration s, $rounds round(s)" \
  "${jar_note}loadtest/run.sh $kind --rate $rate --duration $duration --rounds $rounds$([ "$warmup" -gt 0 ] && echo " --warmup $warmup")" "$out/environment.md" "${runs[@]}"
