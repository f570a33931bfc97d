# loadtest/run.sh flood: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
# Legitimate clients (Gatling, open model, --rate sessions/s from 127.0.0.1) while a handshake flood
# (HandshakeFlood: real Initials, nothing read back, from 200 source addresses 127.0.0.3+, or from one)
# hits the router, under each Retry mode. The per-address rate limit is on (1,000 new/s per address, so
# the legitimate load passes and a single flooding address does not).
[ "$variants" = "off,stdout,file" ] && variants="none,retry-never,retry-auto,retry-always,one-source"
side="$out/flood.tsv"
printf 'variant\tround\tinitials_started\trouter_cpu_util\tpeak_rss_mib\trss_mib\tretries_sent\trefused\thandshakes_failed\n' > "$side"
runs=()
for r in $(seq 1 "$rounds"); do
  for variant in ${variants//,/ }; do
    retry=never; sources=200
    case "$variant" in
      none|retry-never) ;;
      retry-auto) retry=auto ;;
      retry-always) retry=always ;;
      one-source) sources=1 ;;
      *) echo "loadtest/run.sh: unknown flood variant $variant" >&2; exit 2 ;;
    esac
    cfg=$(router_config "flood-$variant")
    # Concurrent connections per address off: Gatling is one address whose closed connections stay counted
    # through QUIC's draining period (about 1 s), so 200 sessions/s would meet the default 256.
    sed -i "s/^limits: .*/limits: {max_connections_per_ip: 0, new_connections_per_ip: 1000, new_connections_per_ip_burst: 1000, retry: $retry}/" "$cfg"
    with_admin "$cfg"
    start_router "$cfg" "$work/flood-$variant-$r.log"; pid=$started_pid
    flooder=""
    if [ "$variant" != none ]; then
      "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.HandshakeFlood \
        "127.0.0.1:$port" "$flood_rate" "$(( duration + warmup + 15 ))" "$sources" > "$work/flood.json" 2> "$work/flood.err" &
      flooder=$!; pids+=("$flooder")
      sleep 3
    fi
    # Half-open connections (Initial seen, handshake never finished) are not counted as open connections;
    # what they cost shows in the router's memory, sampled every second.
    ( peak=0; while kill -0 "$pid" 2>/dev/null; do o=$(( $(rss_kib "$pid" 2>/dev/null || echo 0) / 1024 ))
        [ "$o" -gt "$peak" ] && peak=$o && echo "$peak" > "$work/peak"; sleep 1; done ) &
    sampler=$!; echo 0 > "$work/peak"
    t0=$(cpu_ticks "$pid"); s0=$(date +%s)
    runs+=("$(measured_steady "flood:$variant" "$pid" "$variant-$r")") || status=$?
    t1=$(cpu_ticks "$pid"); s1=$(date +%s)
    retries=$(metric_sum hyrouter_retries_sent_total); refused=$(metric_sum hyrouter_refused_total); failed=$(metric_sum hyrouter_handshakes_failed_total)
    rss=$(( $(rss_kib "$pid") / 1024 ))
    [ -n "$flooder" ] && { wait "$flooder" || true; }
    kill "$sampler" 2>/dev/null || true
    stop "$pid"
    initials=$([ -n "$flooder" ] && sed -E 's/.*"initials_started":([0-9]+).*/\1/' "$work/flood.json" || echo 0)
    printf '%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$r" "$initials" \
      "$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" -v e="$(( s1 - s0 ))" 'BEGIN {printf "%.2f", (b - a) / hz / e}')" \
      "$(cat "$work/peak")" "$rss" "${retries%.*}" "${refused%.*}" "${failed%.*}" >> "$side"
    echo "loadtest/run.sh: flood $variant round $r: $(tail -1 "$side")" >&2
  done
done
"$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Handshake flood: legitimate $rate sessions/s for $duration s while $flood_rate Initials/s flood, $rounds round(s)" \
  "${jar_note}loadtest/run.sh flood --rate $rate --flood-rate $flood_rate --duration $duration --rounds $rounds --warmup $warmup --variants $variants" "$out/environment.md" "${runs[@]}"
{
  echo
  echo "The router's side of each run (\`flood.tsv\`; CPU is the share of the router's one core over the measured run, which"
  echo "includes the flood; peak RSS is sampled every second: half-open connections hold memory, not an open-connection slot):"
  echo
  echo "| variant | round | Initials sent | router core busy | peak RSS MiB | RSS at end MiB | Retry sent | refused by a limit | handshakes failed |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 {printf "| %s | %s | %s | %.0f %% | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4 * 100, $5, $6, $7, $8, $9}' "$side"
} >> "$out/summary.md"
cat "$out/summary.md"
