# loadtest/run.sh capacity: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
hz=$(getconf CLK_TCK)
if [ -n "$target" ]; then
  gatling CapacitySimulation capacity -Dhyrouter.start="$start" -Dhyrouter.step="$step" -Dhyrouter.levels="$levels" \
    -Dhyrouter.levelSeconds="$level_seconds" || status=$?
  exit $status
fi
cfg=$(router_config router)
start_router "$cfg" "$work/router.log"; pid=$started_pid
t0=$(cpu_ticks "$pid")
gatling CapacitySimulation capacity -Dhyrouter.start="$start" -Dhyrouter.step="$step" -Dhyrouter.levels="$levels" \
  -Dhyrouter.levelSeconds="$level_seconds" -Dhyrouter.timeoutSeconds=5 >&2 || status=$?
t1=$(cpu_ticks "$pid")
cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {printf "%.3f", (b - a) / hz}')
"$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport capacity "$out" "Capacity: $start sessions/s +$step × $levels levels of $level_seconds s" \
  "loadtest/run.sh capacity --start $start --step $step --levels $levels --level-seconds $level_seconds --slo-ms $slo" \
  "$out/environment.md" "$out/capacity.csv" "$cpu" "$(rss_kib "$pid")" "$start" "$step" "$levels" "$level_seconds" "$slo"
