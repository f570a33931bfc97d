# loadtest/run.sh steady: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
if [ -n "$target" ]; then
  gatling SteadySimulation steady -Dhyrouter.rate="$rate" -Dhyrouter.duration="$duration" -Dhyrouter.p99Ms="$p99" || status=$?
  exit $status
fi
cfg=$(router_config router)
start_router "$cfg" "$work/router.log"
run=$(measured_steady router "$started_pid" steady) || status=$?
"$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Steady load: $rate sessions/s for $duration s" \
  "loadtest/run.sh steady --rate $rate --duration $duration" "$out/environment.md" "$run"
