# loadtest/run.sh overload: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
# Rush hour (issue 32): the server under test is held below the client's reach by a cgroup v1 CPU
# quota, then an open-loop client offers more sessions per second than it can serve.
[ "$variants" = "off,stdout,file" ] && variants="router"
[ "$duration" = 30 ] && duration=15
c_inflight="${C_INFLIGHT:-64}"
warm_s=$(( warmup > 0 ? warmup : 20 ))
cg_root=/sys/fs/cgroup/cpu
if [ ! -w "$cg_root" ]; then
  echo "loadtest/run.sh overload: needs a writable cgroup v1 cpu controller at $cg_root (run as root)" >&2; exit 1
fi
cg="$cg_root/hyrouter-overload-$$"
mkdir -p "$cg"
echo 100000 > "$cg/cpu.cfs_period_us"; echo "$quota_us" > "$cg/cpu.cfs_quota_us"
trap 'cleanup; rmdir "$cg" 2>/dev/null || true' EXIT
hz=$(getconf CLK_TCK)
phases_file="$out/phases.jsonl"; : > "$phases_file"
jf() { # KEY < JSON line -> value
  sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}
for r in $(seq 1 "$rounds"); do
  for v in ${variants//,/ }; do
    case "$v" in
      router|router-*)
        cfg=$(router_config "$v")
        # The bundled config, access log off (warn), per-address limits off: one client address.
        # router-<duration> (router-250ms): the same with limits.handshake_queue_target set to it;
        # router-buf<bytes> (router-buf1048576): with quic.socket_buffer_bytes set to it.
        case "$v" in
          router-buf*) sed -i "s/^quic:\$/quic:\n  socket_buffer_bytes: ${v#router-buf}/" "$cfg" ;;
          router-*) sed -i "s/retry: never}/retry: never, handshake_queue_target: ${v#router-}}/" "$cfg" ;;
        esac
        # SCRAPE_MS=N (a diagnosis, not a comparison: the scrapes cost the router CPU under its quota):
        # the admin listener on, its queue gauges read every N ms into <variant>-<round>.scrape.tsv.
        [ -n "${SCRAPE_MS:-}" ] && printf '\nadmin: {listen: "127.0.0.1:%s"}\n' "$((port + 1))" >> "$cfg"
        start_router "$cfg" "$work/$v-$r.log" warn ;;
      before)
        # An earlier build (BEFORE_JAR), alternating with this one: as it shipped, with its launcher's
        # flags of the time (no JIT priority), or with BEFORE_FLAGS=same with this build's flags, so
        # that only the code differs.
        [ -n "${BEFORE_JAR:-}" ] || { echo "loadtest/run.sh overload: variant before needs BEFORE_JAR=path/to/hyrouter.jar" >&2; exit 2; }
        cfg=$(router_config router)
        saved_jar="$router_jar"; saved_jit=("${router_jit[@]+"${router_jit[@]}"}")
        router_jar="$BEFORE_JAR"
        [ "${BEFORE_FLAGS:-}" = same ] || router_jit=()
        start_router "$cfg" "$work/$v-$r.log" warn
        router_jar="$saved_jar"; router_jit=("${saved_jit[@]+"${saved_jit[@]}"}") ;;
      untuned)
        # The untuned reference (UntunedQuicServer): Netty's QUIC example with its defaults.
        start_untuned "$work/$v-$r.log" ;;
      untuned-certreq)
        # The same asking for a client certificate, as the protocol requires of a Hytale server:
        # the client then sends its certificate and a signature the server verifies in every handshake.
        start_untuned "$work/$v-$r.log" --request-client-certificate ;;
      *) echo "loadtest/run.sh overload: unknown variant $v (router, router-<target>, router-buf<bytes>, before, untuned, untuned-certreq)" >&2; exit 2 ;;
    esac
    pid=$started_pid
    # Warmed on the whole core first, so the JIT has compiled the serving path as on a replica that
    # has served a while (a cold start is issue 27's bench); then the quota, then the measured phases.
    "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.OpenLoop \
      "127.0.0.1:$port" play.localhost 5 0 closed:16:"$warm_s" > "$work/$v-$r.warm.jsonl" 2> "$work/$v-$r.warm.log" || status=$?
    echo "$pid" > "$cg/cgroup.procs"
    rss0=$(rss_kib "$pid"); t0=$(cpu_ticks "$pid")
    thread_ns "$pid" > "$work/$v-$r.threads0"
    # C from a closed loop deep enough to keep the quota busy: under a short quota each round trip can
    # wait out a throttled period, so 16 in flight measured a latency bound (C 128-215/s while the
    # same servers answered 260-340/s in the open phases); the line says how much of the quota it used.
    phases=("closed:$c_inflight:10")
    phases+=(open:0.5:"$duration" open:1.5:"$duration" open:2.5:"$duration" open:0.5:"$duration")
    # The client's own CPU (user+sys seconds): it must stay below its one core, or the client, not the server, sets the pace.
    TIMEFORMAT='%U %S'
    scraper=""
    if [ -n "${SCRAPE_MS:-}" ] && [[ "$v" == router* ]]; then
      # ms since the client started (its phases back to back: closed 10 s, then $duration s each),
      # then the socket queue delay (s), loops shedding, handshakes in progress, refusals so far.
      ( set +e +o pipefail; c0=$(date +%s%3N); printf 'ms\tsocket_delay_s\tshedding\thandshaking\trefused\n'
        while sleep "$(awk -v m="$SCRAPE_MS" 'BEGIN {print m / 1000}')"; do
          curl -s --max-time 1 "http://127.0.0.1:$((port + 1))/metrics" | awk -v t="$(( $(date +%s%3N) - c0 ))" '
            /^hyrouter_socket_queue_delay_seconds / {d = $2} /^hyrouter_loops_shedding / {s = $2}
            /^hyrouter_handshakes_in_progress / {h = $2} /^hyrouter_refused_total\{limit="handshake_queue_target"\}/ {f = $2}
            END {printf "%s\t%s\t%s\t%s\t%s\n", t, d, s, h, f}'
        done ) > "$out/$v-$r.scrape.tsv" &
      scraper=$!
      taskset -pc 1 "$scraper" >/dev/null 2>&1 || true
    fi
    # The server's pid and cgroup: each open phase then reports the server's CPU and the time its quota throttled it.
    { time "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -Dhyrouter.serverPid="$pid" -Dhyrouter.cgroup="$cg" \
      -cp "$cp" dev.hyrouter.loadtest.OpenLoop \
      "127.0.0.1:$port" play.localhost 5 "$capacity" "${phases[@]}" > "$work/$v-$r.jsonl" 2> "$work/$v-$r.client.log" || status=$?; } 2> "$work/$v-$r.client.time"
    if [ -n "$scraper" ]; then kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true; fi
    client_s=$(awk '{printf "%.2f", $1 + $2}' "$work/$v-$r.client.time")
    t1=$(cpu_ticks "$pid"); rss1=$(rss_kib "$pid")
    thread_ns "$pid" > "$work/$v-$r.threads1"
    thread_delta "$work/$v-$r.threads0" "$work/$v-$r.threads1" | sort -t$'\t' -k2 -nr > "$out/$v-$r.threads.tsv"
    cp "$work/$v-$r.log" "$out/$v-$r.log"
    cp "$work/$v-$r.client.log" "$out/$v-$r.client.log"
    # The same absolute load for every server: C from the first run's measuring phase.
    if [ "$capacity" = 0 ]; then
      capacity=$(grep '"kind":"closed"' "$work/$v-$r.jsonl" | jf capacity)
    fi
    warm_sessions=$(jf answered < "$work/$v-$r.warm.jsonl")
    while read -r line; do
      printf '{"variant":"%s","round":%s,"warm_sessions":%s,"client_cpu_s":%s,"cpu_s":%s,"jit_s":%s,"loops_s":%s,"rss0_kib":%s,"rss1_kib":%s,%s\n' "$v" "$r" \
        "${warm_sessions:-0}" "$client_s" "$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz}')" \
        "$(awk -F'\t' '$1 ~ /Compiler/ {s += $2} END {printf "%.2f", s}' "$out/$v-$r.threads.tsv")" \
        "$(awk -F'\t' '$1 ~ /quic|nioEventLoop|epoll|Loop|multiThreadIo/ {s += $2} END {printf "%.2f", s}' "$out/$v-$r.threads.tsv")" \
        "$rss0" "$rss1" "${line#\{}" >> "$phases_file"
    done < "$work/$v-$r.jsonl"
    stop "$pid"
  done
done
{
  echo "# Rush hour: goodput past capacity ($rounds round(s), $duration s per phase)"
  echo
  echo "Command: \`${jar_note}loadtest/run.sh overload --rounds $rounds --duration $duration --variants $variants --quota-us $quota_us\`"
  echo
  echo "Each server pinned to core 0 and held to $quota_us µs of CPU per 100 ms (cgroup v1 quota); the client on core 1."
  echo "Warmed $warm_s s on the whole core by a closed loop of 16 (the JIT done, as on a replica that has served a while), then the quota;"
  echo "C = $capacity sessions/s (the first run's closed loop of $c_inflight in flight over 10 s under the quota; C_INFLIGHT), the same for every server."
  echo "Then an open loop: new sessions at a fixed rate whatever the server answers, full TLS handshakes, 5 s timeout each; the phases back to back."
  echo "router = this build, the bundled config (access log off, per-address limits off, Retry never), the launcher's JVM flags;"
  echo "before = BEFORE_JAR=${BEFORE_JAR:-} with the same config and its own launcher's flags."
  echo "untuned = UntunedQuicServer: Netty's QUIC server example with its defaults (one NIO loop, kernel socket buffers, the example's transport parameters, no Retry), a self-signed ECDSA P-256 certificate like the router's default, the same fixed answer;"
  echo "untuned-certreq = the same asking for a client certificate, as the protocol requires (the client sends its certificate and a signature the server verifies)."
  echo
  echo "| server | round | offered/s | goodput/s | answered/s | p50 ms | p99 ms | refused | refused p99 ms | timed out | other failures | p99 first 2 s / after ms | CPU % of quota | throttled s | JIT s | loops s | µs per answered | datagrams in per session | dropped by kernel |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  grep '"kind":"open"' "$phases_file" | while read -r line; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(jf variant <<<"$line")" "$(jf round <<<"$line")" \
      "$(jf offered_per_s <<<"$line")" "$(jf goodput_per_s <<<"$line")" "$(jf answered_per_s <<<"$line")" "$(jf p50_ms <<<"$line")" "$(jf p99_ms <<<"$line")" \
      "$(jf refused <<<"$line")" "$(jf refused_p99_ms <<<"$line")" "$(jf timed_out <<<"$line")" \
      "$(( $(jf failed_other <<<"$line") + $(jf unfinished <<<"$line") ))" "$(jf p99_first_2s_ms <<<"$line")" "$(jf p99_after_2s_ms <<<"$line")" \
      "$(awk -v c="$(jf server_cpu_s <<<"$line")" -v s="$(jf seconds <<<"$line")" -v q="$quota_us" 'BEGIN {if (c == "" || c == "null") print "—"; else printf "%.0f", 100 * c / (s * q / 100000)}')" \
      "$(jf throttled_s <<<"$line")" "$(jf server_jit_s <<<"$line")" "$(jf server_loops_s <<<"$line")" \
      "$(awk -v c="$(jf server_cpu_s <<<"$line")" -v a="$(jf goodput <<<"$line")" 'BEGIN {if (c == "" || c == "null" || a == 0) print "—"; else printf "%.0f", 1e6 * c / a}')" \
      "$(awk -v d="$(jf client_sent <<<"$line")" -v n="$(jf started <<<"$line")" 'BEGIN {if (d == "" || n == 0) print "—"; else printf "%.1f", d / n}')" \
      "$(jf server_socket_drops <<<"$line")"
  done
  echo
  echo "CPU % of quota: the server's CPU while the phase offered load, over the quota for that time (100 = the quota used to the full); throttled s: how long the quota held the server back meanwhile;"
  echo "goodput/s: answers the server completed inside the phase's window (whichever phase their session started in); answered/s and the columns after it: the sessions that started in the phase, over its length"
  echo "(a server still behind when the phase ends answers some of them in the next phase, on that phase's CPU);"
  echo "JIT s / loops s: that CPU's share spent by its JIT compiler threads and its event loops; µs per answered: the server's CPU in the window over the answers it completed in it;"
  echo "datagrams in per session: datagrams the client sent (to the server) per session started, resends included; dropped by kernel: datagrams the server's sockets lost to a full receive buffer."
  echo
  echo "Server CPU under the quota (all phases after the warm-up): the whole process, its JIT compiler threads, its event loops; RSS before/after:"
  echo
  echo "| server | round | warm-up sessions | closed loop answered/s | its CPU % of quota | cpu s | JIT s | loops s | client cpu s | RSS before KiB | RSS after KiB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  grep '"kind":"closed"' "$phases_file" | while read -r line; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(jf variant <<<"$line")" "$(jf round <<<"$line")" "$(jf warm_sessions <<<"$line")" \
      "$(jf answered_per_s <<<"$line")" \
      "$(awk -v c="$(jf server_cpu_s <<<"$line")" -v s="$(jf seconds <<<"$line")" -v q="$quota_us" 'BEGIN {if (c == "" || c == "null") print "—"; else printf "%.0f", 100 * c / (s * q / 100000)}')" \
      "$(jf cpu_s <<<"$line")" "$(jf jit_s <<<"$line")" "$(jf loops_s <<<"$line")" "$(jf client_cpu_s <<<"$line")" "$(jf rss0_kib <<<"$line")" "$(jf rss1_kib <<<"$line")"
  done
  echo
  echo "Per-thread CPU of each run: \`*.threads.tsv\`; every phase as JSON: \`phases.jsonl\`."
} > "$out/summary.md"
cat "$out/summary.md"
