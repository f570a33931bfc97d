# loadtest/run.sh memory: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
count="${count:-5000}"
# Connections held open (handshake done, no Connect: the router keeps each until its connect
# deadline, raised here), measured after a full GC: RSS (heap, native QUIC/TLS state, buffers) and heap.
cfg=$(router_config memory)
sed -i "s/^  max_idle_timeout: .*/  max_idle_timeout: 600s\n  connect_timeout: 500s/" "$cfg"
with_admin "$cfg"
start_router "$cfg" "$work/memory.log"; pid=$started_pid
warmup=0; rate=200; duration=10; p99=100000
measured_steady warm-up "$pid" warm-up >/dev/null || true
rm -rf "$out/warm-up.csv" "$out/gatling"
sleep 6 # the warm-up's connections close (close_after_answer)
"$jcmd_bin" "$pid" GC.run >/dev/null; sleep 1
rss0=$(rss_kib "$pid"); heap0=$(metric_sum 'jvm_memory_used_bytes{area="heap"}'); open0=$(metric_sum hyrouter_connections_open)
"${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.HoldConnections \
  "127.0.0.1:$port" "$count" 600 > "$work/hold.log" 2>&1 &
holder=$!; pids+=("$holder")
for _ in $(seq 1 600); do
  open=$(metric_sum hyrouter_connections_open); [ "${open%.*}" -ge "$count" ] && break; sleep 0.5
done
sleep 2
"$jcmd_bin" "$pid" GC.run >/dev/null; sleep 1
rss1=$(rss_kib "$pid"); heap1=$(metric_sum 'jvm_memory_used_bytes{area="heap"}'); open1=$(metric_sum hyrouter_connections_open)
kill "$holder" 2>/dev/null || true
stop "$pid"
{
  echo "# Memory per live connection: $count connections held open"
  echo
  cat "$out/environment.md"
  echo
  echo "Command: \`loadtest/run.sh memory --count $count\`"
  echo
  echo "Router: the bundled config on loopback, \`quic.connect_timeout\` raised so connections that completed their handshake"
  echo "and sent no Connect stay open; each measurement after a full GC (\`jcmd GC.run\`), after a 10 s warm-up at 200 sessions/s."
  echo
  echo "| | live connections | RSS MiB | heap used MiB |"
  echo "|---|---:|---:|---:|"
  awk -v o="$open0" -v r="$rss0" -v h="$heap0" 'BEGIN {printf "| before | %d | %.1f | %.1f |\n", o, r / 1024, h / 1048576}'
  awk -v o="$open1" -v r="$rss1" -v h="$heap1" 'BEGIN {printf "| holding | %d | %.1f | %.1f |\n", o, r / 1024, h / 1048576}'
  echo
  awk -v o0="$open0" -v o1="$open1" -v r0="$rss0" -v r1="$rss1" -v h0="$heap0" -v h1="$heap1" 'BEGIN {
    n = o1 - o0; if (n <= 0) { print "No connection was held: see the logs."; exit }
    printf "**Per live connection: %.1f KiB of RSS, of which %.1f KiB Java heap** (%d connections).\n", (r1 - r0) / n, (h1 - h0) / 1024 / n, n }'
} > "$out/summary.md"
cat "$out/summary.md"
