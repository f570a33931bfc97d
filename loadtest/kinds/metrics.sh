# loadtest/run.sh metrics: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
cfg=$(router_config router)
cfg_admin=$(router_config admin)
with_admin "$cfg_admin"
runs=()
for r in $(seq 1 "$rounds"); do
  router_round router "$cfg" "router-$r" warn
  start_router "$cfg_admin" "$work/admin-$r.log"; pid=$started_pid
  # A Prometheus-like scraper on the load generator's core: GET /metrics every second, with bash alone.
  "${load_cpu[@]}" bash -c 'while :; do exec 3<>/dev/tcp/127.0.0.1/'"$admin_port"' && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3 >/dev/null; exec 3<&-; sleep 1; done' &
  scraper=$!; pids+=("$scraper")
  runs+=("$(measured_steady router+metrics-scraped-1s "$pid" "scraped-$r")") || status=$?
  kill "$scraper" 2>/dev/null || true
  stop "$pid"
done
"$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Metrics overhead: $rate sessions/s for $duration s, $rounds round(s), /metrics scraped every second" \
  "${jar_note}loadtest/run.sh metrics --rate $rate --duration $duration --rounds $rounds --warmup $warmup" "$out/environment.md" "${runs[@]}"
