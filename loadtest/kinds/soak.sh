# loadtest/run.sh soak: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
# A long closed-loop run through the C/WASI plugin with signed envelopes; the router sampled every
# 10 s over /metrics and /proc; at the end, after close_after_answer and a full GC: what is left open.
count="${count:-100000}"
secret="soak-$(date +%s)-secret"
cfg=$(router_config soak "$cw")
printf '\nreferral: {key_id: 1, hmac_secret: "%s"}\n' "$secret" >> "$cfg"; with_admin "$cfg"
threads() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }
start_router "$cfg" "$work/soak.log" warn; pid=$started_pid
"$jcmd_bin" "$pid" GC.run >/dev/null; sleep 1
heap0=$(metric_sum 'jvm_memory_used_bytes{area="heap"}'); rss0=$(rss_kib "$pid"); threads0=$(threads "$pid")
t0=$(cpu_ticks "$pid"); started_at=$(date +%s)
"${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.cli.Main probe \
  --target "127.0.0.1:$port" --sni play.localhost --count "$count" --concurrency 64 --hmac-secret "$secret" --timeout 30s \
  > "$out/probe.json" 2> "$work/probe.err" &
prober=$!; pids+=("$prober")
echo "seconds,sessions_accepted,connections_open,heap_used_mib,heap_committed_mib,rss_mib,threads" > "$out/samples.csv"
while kill -0 "$prober" 2>/dev/null; do
  echo "$(( $(date +%s) - started_at )),$(metric_sum hyrouter_connections_accepted_total),$(metric_sum hyrouter_connections_open),$(awk -v h="$(metric_sum 'jvm_memory_used_bytes{area="heap"}')" 'BEGIN {printf "%.1f", h / 1048576}'),$(awk -v h="$(metric_sum 'jvm_memory_committed_bytes{area="heap"}')" 'BEGIN {printf "%.0f", h / 1048576}'),$(( $(rss_kib "$pid") / 1024 )),$(threads "$pid")" >> "$out/samples.csv"
  sleep 10
done
wait "$prober" || status=$?
t1=$(cpu_ticks "$pid"); elapsed=$(( $(date +%s) - started_at ))
# Closed connections stay reachable for a while after the run (close_after_answer, QUIC's draining
# period, state released on the next timer tick): wait until none is open, then past the bundled
# config's idle timeout (30 s), so the heap after GC shows what sessions left behind, not what is in flight.
for _ in $(seq 1 60); do [ "$(metric_sum hyrouter_connections_open | cut -d. -f1)" = 0 ] && break; sleep 1; done
sleep 35
# Netty's QuicheQuicConnection has a finalizer (a safety net; its native state is freed at close), so a
# closed connection's whole object graph survives the first collection that finds it dead and goes at
# the next one, after the finalizer thread has run: a count after one GC shows those graphs, not a leak.
# Both are reported; only the second says whether sessions left anything reachable.
channels() { "$jcmd_bin" "$pid" GC.class_histogram | awk '$4 == "io.netty.handler.codec.quic.QuicheQuicChannel" {n = $2} END {print n + 0}'; }
pending1=$(channels)
"$jcmd_bin" "$pid" GC.run_finalization >/dev/null; "$jcmd_bin" "$pid" GC.run >/dev/null; sleep 1
retained1=$(channels)
heap1=$(metric_sum 'jvm_memory_used_bytes{area="heap"}'); rss1=$(rss_kib "$pid"); threads1=$(threads "$pid")
committed1=$(metric_sum 'jvm_memory_committed_bytes{area="heap"}')
open1=$(metric_sum hyrouter_connections_open); streams1=$(metric_sum hyrouter_streams_open)
calls=$(metric_sum 'hyrouter_plugin_calls_total{plugin="c"}'); perrors=$(metric_sum 'hyrouter_plugin_errors_total{plugin="c"}')
ptimeouts=$(metric_sum 'hyrouter_plugin_timeouts_total{plugin="c"}'); shed=$(metric_sum 'hyrouter_plugin_shed_total{plugin="c"}')
leaks=$(grep -c 'LEAK:' "$work/soak.log" || true)
stop "$pid"
cp "$work/soak.log" "$out/router.log"
hz=$(getconf CLK_TCK)
{
  echo "# Soak: $count sessions, 64 concurrent, C/WASI plugin, signed envelopes"
  echo
  cat "$out/environment.md"
  echo
  echo "Command: \`${jar_note}loadtest/run.sh soak --count $count --leak $leak${heap:+ --heap $heap}\`"
  echo
  echo "Router: the bundled config on loopback with the C/WASI example plugin (mutate stage), a referral HMAC key, the admin"
  echo "listener sampled every 10 s (\`samples.csv\`), Netty's leak detector at \`$leak\`. Client: \`hyrouter probe --count $count"
  echo "--concurrency 64 --hmac-secret …\` (closed loop; every envelope's signature checked), pinned apart from the router."
  echo
  echo "Client's result: \`$(cat "$out/probe.json")\`"
  echo
  echo "| | value |"
  echo "|---|---:|"
  echo "| wall time s | $elapsed |"
  awk -v a="$t0" -v b="$t1" -v hz="$hz" -v n="$count" 'BEGIN {printf "| router CPU µs/session | %.0f |\n", (b - a) / hz * 1e6 / n}'
  echo "| plugin calls / errors / timeouts / shed | ${calls%.*} / ${perrors%.*} / ${ptimeouts%.*} / ${shed%.*} |"
  echo "| connections open after the run (then 35 s later, after a full GC, the rest) | ${open1%.*} |"
  echo "| streams open after the run | ${streams1%.*} |"
  if [ "$leak" = disabled ]; then
    # Nothing reports a leak with the detector off: say so rather than print a 0 that means nothing.
    echo "| Netty LEAK reports in the router log | not looked for (leak detector disabled; --leak simple samples 1 % of buffers) |"
  else
    echo "| Netty LEAK reports in the router log (detector at $leak) | $leaks |"
  fi
  echo "| QUIC channels (QuicheQuicChannel) after one full GC: awaiting Netty's finalizer | $pending1 |"
  echo "| QUIC channels reachable after finalization and a second full GC (a leak if not 0) | $retained1 |"
  awk -v a="$heap0" -v b="$heap1" 'BEGIN {printf "| heap used after full GC (and finalization), before → after MiB | %.1f → %.1f |\n", a / 1048576, b / 1048576}'
  awk -v a="$rss0" -v b="$rss1" -v c="$committed1" 'BEGIN {printf "| RSS before → after MiB (of which heap committed at the end) | %.0f → %.0f (%.0f) |\n", a / 1024, b / 1024, c / 1048576}'
  echo "| threads before → after | $threads0 → $threads1 |"
} > "$out/summary.md"
cat "$out/summary.md"
