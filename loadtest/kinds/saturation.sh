# loadtest/run.sh saturation: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
# Router-bound runs: the closed-loop probe client (Netty QUIC, 64 sessions in flight) on core 1 keeps
# the router's one core busy, so sessions/s is the router's capacity on that core and CPU per session
# its cost; the server-side latencies come from the router's own histograms (/metrics bucket deltas
# over the measured run), so the client's share of the box does not enter them.
count="${count:-20000}"
# --warmup N: sessions before each measured run (default a quarter of --count). The gRPC path
# needs more than the default before the JIT is done with it (perf-reports/dataplane/2026-11-30-tls-sessions.md).
warm=$(( warmup > 0 ? warmup : count / 4 ))
[ "$variants" = "off,stdout,file" ] && variants="none,wat,c,grpc,loop"
sdk_jar=$(ls plugins/sdk/target/hyrouter-plugin-sdk-*-all.jar | head -1)
"${load_cpu[@]}" "$java_bin" -jar "$sdk_jar" --listen 127.0.0.1:17777 > "$work/grpc-plugin.log" 2>&1 &
pids+=($!)
# BEFORE AFTER METRIC [LABEL_FILTER] -> "count le50us le1ms p99_bound_us p999_bound_us": bucket deltas of one histogram
hist_delta() {
  awk -v m="$3_bucket" -v f="${4:-}" '
    function le(line) { match(line, /le="[^"]*"/); return substr(line, RSTART + 4, RLENGTH - 5) }
    index($1, m "{") == 1 && (f == "" || index($1, f) > 0) { v = le($1); key = (v == "+Inf") ? 1e9 : v + 0
      if (FNR == NR) { before[key] += $2 } else { if (!(key in after)) order[++n] = key; after[key] += $2 } }
    END { total = n ? after[1e9] - before[1e9] : 0; a50 = 0; a1 = 0; p99 = "inf"; p999 = "inf"
      for (i = 1; i <= n; i++) { b = order[i]; d = after[b] - before[b]   # buckets come in ascending order
        if (b <= 0.00005 + 1e-12) a50 = d; if (b <= 0.001 + 1e-12) a1 = d
        if (p99 == "inf" && total > 0 && d >= 0.99 * total && b < 1e9) p99 = sprintf("%g", b * 1e6)
        if (p999 == "inf" && total > 0 && d >= 0.999 * total && b < 1e9) p999 = sprintf("%g", b * 1e6) }
      printf "%d %.4f %.4f %s %s\n", total, total ? a50 / total : 0, total ? a1 / total : 0, p99, p999 }' "$1" "$2"
}
rows="$out/rounds.tsv"
printf 'variant\tround\tsessions\tfailed\tsessions_per_s\trouter_cpu_util\tcpu_us_per_session\tanswers\tanswer_le50us\tanswer_le1ms\tanswer_p99_bucket_us\tplugin_calls\tcall_le50us\tcall_p99_bucket_us\tmax_overshoot_ms (interrupts more than 1 ms late)\tdatagrams_in\tdatagrams_out\tbytes_in\tbytes_out\tloop_cpu_us_per_session\tloop_alloc_bytes_per_session\tall_alloc_bytes_per_session\tclient_p99_ms\tclient_p999_ms\thandshake_p99_bucket_us\thandshake_p999_bucket_us\tresumed_share\tserver_steal_ms\n' > "$rows"
hz=$(getconf CLK_TCK)
# Steal time so far (clock ticks) of the server's core (all CPUs when unpinned): time this virtual
# machine's hypervisor held that CPU while it had work. A round stolen from reads slow for the
# machine's reasons, not the server's; the per-round table shows it beside the round's CPU.
steal_line=cpu; [ ${#server_cpu[@]} -gt 0 ] && steal_line="cpu${server_cpu[2]}"
# Empty where /proc/stat cannot be read: the column then says "—", not a steal of 0.
steal_ticks() { awk -v c="$steal_line" '$1 == c {print $9 + 0}' /proc/stat 2>/dev/null || true; }
probe() { # COUNT: a closed-loop run of the project's client on the load core
  "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.cli.Main probe \
    --target "127.0.0.1:$port" --sni play.localhost --count "$1" --concurrency 64 --timeout 30s --handshake "${handshake:-full}"
}
for r in $(seq 1 "$rounds"); do
  for variant in ${variants//,/ }; do
    handshake=full; server=router
    case "$variant" in
      none) plugin="" ;;
      wat) plugin="  - {name: wat, type: wasm, stage: mutate, timeout: 1s, wasm: {path: $top/plugins/examples/wat-plugin/plugin.wasm}}" ;;
      c) plugin="  - {name: c, type: wasm, stage: mutate, timeout: 1s, wasm: {path: $top/plugins/examples/c-plugin/plugin.wasm}}" ;;
      grpc) plugin="$grpc" ;;
      # Never returns: every call is ended by the watchdog at its 5 ms deadline, on the loop that made it.
      loop) plugin="  - {name: loop, type: wasm, timeout: 5ms, wasm: {path: $top/plugins/wasm/src/test/wat/loop.wasm, max_calls_per_instance: 0}}" ;;
      # The same with the event loop alone on the router's core: the JVM's other threads (JIT, GC,
      # watchdog, admin) moved to the load core once the router is up, so what is left of an
      # overshoot is the plugin's, not the scheduler's.
      loop-alone) plugin="  - {name: loop, type: wasm, timeout: 5ms, wasm: {path: $top/plugins/wasm/src/test/wat/loop.wasm, max_calls_per_instance: 0}}"; loop_alone=1 ;;
      # The data plane's socket options, no plugin: base (one datagram per syscall, no GSO), mmsgN
      # (recvmmsg, N per read), gsoN (GSO, up to N segments), gro, or several joined with +.
      # The collector, no plugin: the router's default (Parallel) against G1 and ZGC.
      # The TLS handshake, no plugin: every session a full handshake (the default of every other
      # variant: Hytale clients are not known to resume), the client resuming with the router's
      # tickets, or resuming with 0-RTT offered (quic.early_data on; Netty's client still sends its
      # Connect after the handshake: router/docs/operations.md "TLS sessions").
      full) plugin=""; handshake=full ;;
      # The reference: the project's minimal Netty QUIC answerer (BareQuicServer, Netty's defaults,
      # the same TLS context and answer), full handshakes; it has no /metrics, so only CPU and
      # datagram columns apply.
      bare) plugin=""; handshake=full; server=bare ;;
      # The untuned reference (UntunedQuicServer: Netty's example and defaults, one NIO loop, its own
      # JVM defaults), and the same asking for a client certificate as the protocol requires.
      untuned) plugin=""; handshake=full; server=untuned ;;
      untuned-certreq) plugin=""; handshake=full; server=untuned; untuned_args=--request-client-certificate ;;
      # The Go original (GO_ORIGINAL, lib.sh's launch_go) at warn, without a plugin and with the same
      # gRPC plugin server; it has no /metrics, so only the CPU and datagram columns apply.
      go) plugin=""; server=go ;;
      go-grpc) plugin="$grpc"; server=go ;;
      # The router as bundled: outcome lines on (info), and without the client-certificate request.
      log) plugin=""; router_level=info ;;
      # The same with more JVM flags (XFLAGS: a candidate setting measured against log in one run).
      logx) plugin=""; router_level=info; read -r -a router_x <<< "${XFLAGS:?variant logx needs XFLAGS}" ;;
      # The same with more environment for the router (XENV, NAME=VALUE ...: a candidate such as LD_PRELOAD of another malloc).
      logenv) plugin=""; router_level=info; read -r -a router_env <<< "${XENV:?variant logenv needs XENV}" ;;
      nocert) plugin=""; tls_keys='  client_certificates: "off"' ;;
      # The router on JDK 25 (JDK25_HOME, default Temurin's Debian path); every other variant runs on java_bin.
      jdk25) plugin=""; router_java="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" ;;
      resume) plugin=""; handshake=resume ;;
      0rtt) plugin=""; handshake=0rtt; quic_keys="  early_data: true\n" ;;
      parallel) plugin=""; router_gc=-XX:+UseParallelGC ;;
      g1) plugin=""; router_gc=-XX:+UseG1GC ;;
      zgc) plugin=""; router_gc=-XX:+UseZGC ;;
      base|mmsg*|gso*|gro|*+*) plugin=""; quic_keys=""
        for part in ${variant//+/ }; do
          case "$part" in
            base) quic_keys="$quic_keys  datagrams_per_read: 1\n  gso_segments: 0\n  udp_gro: false\n" ;;
            mmsg[0-9]*) quic_keys="$quic_keys  datagrams_per_read: ${part#mmsg}\n" ;;
            gso[0-9]*) quic_keys="$quic_keys  gso_segments: ${part#gso}\n" ;;
            gro) quic_keys="$quic_keys  udp_gro: true\n" ;;
            *) echo "loadtest/run.sh: unknown data-plane part $part in $variant (base, mmsgN, gsoN, gro)" >&2; exit 2 ;;
          esac
        done ;;
      *) echo "loadtest/run.sh: unknown saturation variant $variant (none, wat, c, grpc, loop, loop-alone; base, mmsgN, gsoN, gro joined with +; parallel, g1, zgc; full, resume, 0rtt, bare, untuned, untuned-certreq, log, nocert; go, go-grpc with GO_ORIGINAL)" >&2; exit 2 ;;
    esac
    if [ "$server" = go ]; then cfg=$(go_config "sat-$variant" "$plugin"); else cfg=$(router_config "sat-$variant" "$plugin"); fi
    [ -n "${quic_keys:-}" ] && sed -i "s/^  max_idle_timeout: 30s\$/  max_idle_timeout: 30s\n$quic_keys/" "$cfg"
    [ -n "${tls_keys:-}" ] && sed -i "s/^tls:\$/tls:\n$tls_keys/" "$cfg"
    quic_keys=""; tls_keys=""
    if [ "${server:-router}" = bare ]; then
      start_bare "$cfg" "$work/sat-$variant-$r.log"; pid=$started_pid; no_admin=1 # its metric columns read 0
    elif [ "$server" = go ]; then
      launch_go "$cfg" "$work/sat-$variant-$r.log"; pid=$started_pid; wait_ready "$pid" "$work/sat-$variant-$r.log"; no_admin=1
    elif [ "$server" = untuned ]; then
      start_untuned "$work/sat-$variant-$r.log" "${untuned_args:-}"; pid=$started_pid; no_admin=1; untuned_args=""
    else
      with_admin "$cfg"
      start_router "$cfg" "$work/sat-$variant-$r.log" "${router_level:-warn}" "${router_x[@]+"${router_x[@]}"}"
      pid=$started_pid; router_gc=""; router_level=""; router_java=""; router_x=(); router_env=()
      if [ "${loop_alone:-0}" = 1 ] && [ ${#load_cpu[@]} -gt 0 ]; then
        for task in /proc/"$pid"/task/*; do
          case "$(cat "$task/comm")" in hyrouter-quic*) ;; *) taskset -p -c "${load_cpu[2]}" "${task##*/}" > /dev/null ;; esac
        done
      fi
      loop_alone=0
    fi
    probe "$warm" > /dev/null 2>&1 || true # warm-up (JIT), unmeasured
    metrics_text > "$work/m0"; t0=$(cpu_ticks "$pid"); thread_ns "$pid" > "$work/th0"; st0=$(steal_ticks)
    probe "$count" > "$work/probe.json" 2> "$work/probe.err" || status=$?
    st1=$(steal_ticks); t1=$(cpu_ticks "$pid"); thread_ns "$pid" > "$work/th1"; metrics_text > "$work/m1"
    # The QUIC event loop alone (hyrouter-quic-*; Netty's default name before b5c1b15, cut to 15
    # characters by the kernel): steadier than the process total, which also carries GC, JIT and the admin listener.
    thread_delta "$work/th0" "$work/th1" | sort -t$'\t' -k2 -nr > "$out/$variant-$r.threads.tsv"
    loop_s=$(awk -F'\t' '$1 ~ /^(hyrouter-quic|multiThreadIoEv)/ {s += $2} END {printf "%.6f", s}' "$out/$variant-$r.threads.tsv")
    # Heap allocated per session: by the loops, and by every thread (the router's exact per-thread counters).
    alloc_loop=$(( $(metric_sum 'hyrouter_thread_allocated_bytes_total{threads="hyrouter-quic-#-#"}' "$work/m1" | cut -d. -f1) - $(metric_sum 'hyrouter_thread_allocated_bytes_total{threads="hyrouter-quic-#-#"}' "$work/m0" | cut -d. -f1) ))
    alloc_all=$(( $(metric_sum hyrouter_thread_allocated_bytes_total "$work/m1" | cut -d. -f1) - $(metric_sum hyrouter_thread_allocated_bytes_total "$work/m0" | cut -d. -f1) ))
    stop "$pid"
    no_admin=0
    read -r sessions failed sps elapsed < <(sed -E 's/.*"sessions":([0-9]+).*"failed":([0-9]+).*"elapsed_s":([0-9.eE+-]+).*"sessions_per_s":([0-9.eE+-]+).*/\1 \2 \4 \3/' "$work/probe.json")
    # A round with failed sessions keeps the probe's report: it names each failure's kind (the router's refusal reason or what the client saw).
    if [ "${failed:-0}" -gt 0 ]; then
      cp "$work/probe.json" "$out/$variant-$r.probe.json"
      # and, from the router, which admission signal began each shedding episode (before / after the measured run)
      grep -h '^hyrouter_shedding_episodes_total' "$work/m0" "$work/m1" > "$out/$variant-$r.shedding.txt" 2>/dev/null || true
    fi
    read -r cl99 cl999 < <(sed -E 's/.*"p99":([0-9.eE+-]+),"p999":([0-9.eE+-]+).*/\1 \2/' "$work/probe.json")
    resumed=$(sed -E 's/.*"resumed":([0-9]+).*/\1/' "$work/probe.json"); case "$resumed" in ''|*[!0-9]*) resumed=0 ;; esac
    read -r dg_in dg_out by_in by_out < <(sed -E 's/.*"datagrams_per_session":\{"sent":([0-9.eE+-]+),"received":([0-9.eE+-]+),"bytes_sent":([0-9.eE+-]+),"bytes_received":([0-9.eE+-]+)\}.*/\1 \2 \3 \4/' "$work/probe.json")
    read -r answers a50 a1 ap99 _ < <(hist_delta "$work/m0" "$work/m1" hyrouter_answer_latency_seconds)
    read -r calls c50 _ cp99 _ < <(hist_delta "$work/m0" "$work/m1" hyrouter_plugin_call_latency_seconds)
    read -r _ _ _ hp99 hp999 < <(hist_delta "$work/m0" "$work/m1" hyrouter_handshake_latency_seconds)
    overshoot=$(awk '$1 ~ /^hyrouter_wasm_max_overshoot_seconds/ {printf "%.3f", $2 * 1000}' "$work/m1")
    # Endless plugin: how many of the run's deadline interrupts came more than 1 ms late.
    interrupts=$(( $(metric_sum hyrouter_wasm_deadline_interrupts_total "$work/m1") - $(metric_sum hyrouter_wasm_deadline_interrupts_total "$work/m0") ))
    late=$(( $(metric_sum hyrouter_wasm_late_interrupts_total "$work/m1") - $(metric_sum hyrouter_wasm_late_interrupts_total "$work/m0") ))
    [ "$interrupts" -gt 0 ] && overshoot="$overshoot ($late of $interrupts late)"
    printf '%s\t%d\t%d\t%d\t%.0f\t%.2f\t%.0f\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%.3f\t%s\n' "$variant" "$r" "$sessions" "$failed" "$sps" \
      "$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v e="$elapsed" 'BEGIN {print (b - a) / hz / e}')" \
      "$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v n="$sessions" 'BEGIN {print (b - a) / hz * 1e6 / n}')" \
      "$answers" "$a50" "$a1" "$ap99" "$calls" "$c50" "$cp99" "${overshoot:--}" "$dg_in" "$dg_out" "$by_in" "$by_out" "$(awk -v l="$loop_s" -v n="$sessions" 'BEGIN {print l * 1e6 / n}')" \
      "$(( alloc_loop / sessions ))" "$(( alloc_all / sessions ))" "$cl99" "$cl999" "$hp99" "$hp999" \
      "$(awk -v a="$resumed" -v n="$sessions" 'BEGIN {print n ? a / n : 0}')" "$( [ -n "$st0" ] && [ -n "$st1" ] && echo $(( (st1 - st0) * 1000 / hz )) )" >> "$rows"
    echo "loadtest/run.sh: saturation $variant round $r: $(tail -1 "$rows")" >&2
  done
done
{
  echo "# Saturation: the router's core kept busy by a closed-loop client, $count sessions per run, $rounds round(s)"
  echo
  cat "$out/environment.md"
  echo
  echo "Command: \`${jar_note}${XFLAGS:+XFLAGS=\"$XFLAGS\" }${XENV:+XENV=\"$XENV\" }loadtest/run.sh saturation --count $count --rounds $rounds --variants $variants$( [ "$warmup" -gt 0 ] && echo " --warmup $warmup")\`"
  echo
  echo "Client: \`hyrouter probe --count $count --concurrency 64\` (Netty QUIC, closed loop) on core 1 with the gRPC plugin server;"
  echo "router alone on core 0, one event loop, access log at warn; a warm-up of $warm sessions before each measured run."
  echo "Latencies are the router's own histograms (bucket deltas over the measured run): answer = Connect complete → answer"
  echo "written; call = one plugin call. \"≤ 50 µs\" is the share of samples in buckets up to 50 µs; p99 is the smallest bucket"
  echo "bound holding 99 % of the samples (an upper bound on the p99)."
  echo
  echo "Rounds: [\`rounds.tsv\`](rounds.tsv)."
  echo
  echo "Handshake p99/p999 are bucket bounds of the router's handshake-latency histogram (connection start → handshake complete); client p99/p999 are the probe's session latencies (its core is the bottleneck)."
  echo "Datagrams and bytes per session are counted by the client at its sockets: \"in\" is what the router received, \"out\" what it sent."
  echo "Data-plane variants (no plugin): base = one datagram per system call and no GSO; mmsgN = \`quic.datagrams_per_read: N\`;"
  echo "gsoN = \`quic.gso_segments: N\`; gro = \`quic.udp_gro: true\`; the first variant is the baseline of the \"vs\" columns."
  echo "Every session is a full TLS handshake (\`--handshake full\`) except in the variants resume (the client keeps the router's"
  echo "tickets and resumes) and 0rtt (resumes with 0-RTT offered, router \`quic.early_data: true\`; Netty's client sends its Connect after the handshake all the same); \"sessions resumed\""
  echo "is the share the client saw resume (its ticket cache holds one ticket per server name, and a ticket is used once)."
  echo "bare = the reference server (BareQuicServer: Netty's defaults, the same TLS context and answer; no /metrics, so its latency,"
  echo "allocation and handshake columns are empty). untuned = UntunedQuicServer (Netty's QUIC example with its defaults, one NIO"
  echo "loop, its own JVM defaults: what a user writes untuned); untuned-certreq = the same asking for a client certificate, as the"
  echo "protocol requires of a Hytale server. log = the router with its outcome lines on (info, as bundled); nocert = the router"
  echo "with \`tls.client_certificates: off\`; go / go-grpc = the Go original at warn (GO_ORIGINAL; see the environment table), without a plugin / with the gRPC plugin server; jdk25 = the router at warn on JDK 25; logx = log with the JVM flags XFLAGS added; logenv = log with the environment XENV for the router process (as run: see the command). Every other router variant runs at warn."
  echo
  echo "| variant | median sessions/s | vs first | router core busy | median CPU µs/session | vs first (µs) | answers ≤ 50 µs | answer p99 ≤ µs | calls ≤ 50 µs | call p99 ≤ µs | max overshoot ms (late interrupts) | datagrams in / out per session | bytes in / out per session | event loop CPU µs/session | vs first (µs) | heap allocated per session: loops / all threads (bytes) | client session p99 / p999 ms | handshake p99 / p999 ≤ µs | sessions resumed |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 { v = $1; order[v] = order[v] ? order[v] : ++nv; names[order[v]] = v; n[v]++
      sps[v, n[v]] = $5; util[v, n[v]] = $6; cpu[v, n[v]] = $7; a50[v, n[v]] = $9; ap99[v, n[v]] = $11; c50[v, n[v]] = $13; cp99[v, n[v]] = $14; os[v] = $15
      di[v, n[v]] = $16; do_[v, n[v]] = $17; bi[v, n[v]] = $18; bo[v, n[v]] = $19; lc[v, n[v]] = $20; al[v, n[v]] = $21; aa[v, n[v]] = $22; q99[v, n[v]] = $23; q999[v, n[v]] = $24; h99[v, n[v]] = $25; h999[v, n[v]] = $26; rs[v, n[v]] = $27 }
    function med(arr, v,   i, j, m, t, x) { m = n[v]; for (i = 1; i <= m; i++) x[i] = arr[v, i] + 0
      for (i = 2; i <= m; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
      return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2 }
    END { base = names[1]; bs = med(sps, base); bc = med(cpu, base); bl = med(lc, base)
      for (i = 1; i <= nv; i++) { v = names[i]; s = med(sps, v); c = med(cpu, v); plain = (v == "none" || v ~ /^(base|mmsg|gso|gro|parallel|g1|zgc|full|resume|0rtt|bare|untuned|log|nocert|jdk25|go$)/)
        printf "| %s | %.0f | %s | %.0f %% | %.0f | %s | %.1f %% | %g | %s | %s | %s | %.2f / %.2f | %.0f / %.0f | %.0f | %s | %.0f / %.0f | %.1f / %.1f | %g / %g | %.0f %% |\n", v, s, (i > 1) ? sprintf("%.2f", s / bs) : "—", med(util, v) * 100, c,
          (i > 1) ? sprintf("%+.0f", c - bc) : "—", med(a50, v) * 100, med(ap99, v), plain ? "—" : sprintf("%.1f %%", med(c50, v) * 100),
          plain ? "—" : sprintf("%g", med(cp99, v)), os[v], med(di, v), med(do_, v), med(bi, v), med(bo, v), med(lc, v), (i > 1) ? sprintf("%+.0f", med(lc, v) - bl) : "—", med(al, v), med(aa, v), med(q99, v), med(q999, v), med(h99, v), med(h999, v), med(rs, v) * 100 }
    }' "$rows"
  echo
  echo "Per round (variants alternating within a round), with the steal time of the server's core over the measured run:"
  echo
  echo "| variant | round | sessions/s | CPU µs/session | event loop µs/session | server core's steal, ms |"
  echo "|---|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %.0f | %s |\n", $1, $2, $5, $7, $20, ($28 == "" ? "—" : $28) }' "$rows"
} > "$out/summary.md"
cat "$out/summary.md"
