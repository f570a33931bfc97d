# loadtest/run.sh startup: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
# Issue 27's first figure: how long a fresh router takes from launch to ready (/readyz answers 200)
# on one core, with the CPU it spent and its RSS at that moment. Variants, alternating per round:
# plain = java -jar as the harness starts it; cds = the same with the class-data archive that
# router/dist/src/dist/train-cds makes for this jar (as router/hyrouter and the image do);
# large-cds = cds with the Go-sized generated module as a WASM plugin, loaded from its compile cache
# (filled by one unmeasured start of each jar before the rounds; needs wat2wasm).
[ "$variants" = "off,stdout,file" ] && variants="plain,cds"
cfg=$(router_config startup)
with_admin "$cfg"
cfg_large=""
if [[ ",$variants," == *large-cds,* ]]; then
  large_module
  cfg_large=$(router_config startup-large "$large")
  with_admin "$cfg_large"
fi
jsa="$work/hyrouter.jsa"
case ",$variants," in
  *,cds,*|*,large-cds,*) sh router/dist/src/dist/train-cds "$java_bin" "$router_jar" "$jsa" router/config/hyrouter.yaml ;;
esac
case ",$variants," in
  *,before-cds,*|*,before-large-cds,*) sh "${BEFORE_TRAIN_CDS:-router/dist/src/dist/train-cds}" "$java_bin" "${BEFORE_JAR:?variant before-cds needs BEFORE_JAR=an older hyrouter.jar}" "$work/before.jsa" router/config/hyrouter.yaml ;;
esac
hz=$(getconf CLK_TCK)
rows="$out/rounds.tsv"
printf 'variant\tround\tready_ms\tcpu_ms\trss_kib\n' > "$rows"
ready() { # -> 0 once /readyz answers 200
  exec 3<>/dev/tcp/127.0.0.1/$admin_port 2>/dev/null || return 1
  printf 'GET /readyz HTTP/1.0\r\n\r\n' >&3
  local line
  read -r line <&3 || true
  exec 3<&-
  [[ "$line" == *" 200"* ]]
}
variant_settings() { # VARIANT -> extra, jar, config
  case "$1" in
    plain) extra=(); jar="$router_jar"; config="$cfg" ;;
    cds) extra=(-XX:SharedArchiveFile="$jsa"); jar="$router_jar"; config="$cfg" ;;
    large-cds) extra=(-XX:SharedArchiveFile="$jsa"); jar="$router_jar"; config="$cfg_large" ;;
    before) extra=(); jar="${BEFORE_JAR:?variant before needs BEFORE_JAR=an older hyrouter.jar}"; config="$cfg" ;;
    before-cds) extra=(-XX:SharedArchiveFile="$work/before.jsa"); jar="$BEFORE_JAR"; config="$cfg" ;;
    before-large-cds) extra=(-XX:SharedArchiveFile="$work/before.jsa"); jar="$BEFORE_JAR"; config="$cfg_large" ;;
    *) echo "loadtest/run.sh: unknown startup variant $1 (plain, cds, large-cds, before, before-cds, before-large-cds)" >&2; exit 2 ;;
  esac
}
start_to_ready() { # VARIANT LOG: launches the variant and returns once /readyz answers 200 (pid in pid)
  variant_settings "$1"
  launch_router "$jar" "$config" "$2" warn "${extra[@]+"${extra[@]}"}"
  pid=$started_pid
  until ready; do
    kill -0 "$pid" 2>/dev/null || { cat "$2" >&2; echo "loadtest/run.sh: the router exited before ready" >&2; exit 1; }
    sleep 0.005
  done
}
# Each jar's compile-cache entry for the large module (another Chicory, another subdirectory).
for variant in ${variants//,/ }; do
  if [[ "$variant" == *large-cds ]]; then
    start_to_ready "$variant" "$work/startup-$variant-fill.log"
    stop "$pid"
  fi
done
for r in $(seq 1 "$rounds"); do
  for variant in ${variants//,/ }; do
    t0=$(date +%s%N)
    start_to_ready "$variant" "$work/startup-$variant-$r.log"
    t1=$(date +%s%N)
    ticks=$(cpu_ticks "$pid"); rss=$(rss_kib "$pid")
    stop "$pid"
    printf '%s\t%d\t%d\t%d\t%d\n' "$variant" "$r" $(( (t1 - t0) / 1000000 )) $(( ticks * 1000 / hz )) "$rss" >> "$rows"
    echo "loadtest/run.sh: startup $variant round $r: $(tail -1 "$rows")" >&2
  done
done
{
  echo "# Start-up: launch to ready on one core, $rounds round(s)"
  echo
  cat "$out/environment.md"
  echo
  echo "Command: \`loadtest/run.sh startup --rounds $rounds --variants $variants\`"
  echo
  echo "The router (${jar_note}the bundled config on a loopback port, per-address limits off, Retry never, admin listener on,"
  echo "log level warn, ParallelGC, Netty's leak detector $leak, the launcher's JIT priority when run as root; the bundled"
  echo "backend's health check on, as bundled) started fresh for each row on core 0; ready = the first /readyz that answers 200, polled"
  echo "every 5 ms; CPU = the process's user + system time at that moment; RSS at that moment. cds = with the class-data"
  echo "archive router/dist/src/dist/train-cds made for this jar before the rounds (one short run over loopback). large-cds: the"
  echo "same with the Go-sized generated module (1.8 MB, 24,000 functions) as a WASM plugin from its compile cache, which one"
  echo "unmeasured start of each jar filled before the rounds."
  [ -n "${BEFORE_JAR:-}" ] && echo "before = BEFORE_JAR=$BEFORE_JAR, started as plain (before-cds: with an archive made for it by ${BEFORE_TRAIN_CDS:-the same train-cds}); Netty's native libraries from beside a jar only where its build put them there (a copied jar has none: Netty extracts them)."
  echo
  echo "| variant | median ready ms | median CPU ms | median RSS MiB | rounds (ready ms) |"
  echo "|---|---:|---:|---:|---|"
  for variant in ${variants//,/ }; do
    awk -F'\t' -v v="$variant" 'function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      $1 == v { n++; r[n] = $3; c[n] = $4; m[n] = $5 / 1024; list = list (list ? " / " : "") $3 }
      END { printf "| %s | %.0f | %.0f | %.0f | %s |\n", v, median(r, n), median(c, n), median(m, n), list }' "$rows"
  done
  echo
  echo "Rounds: [\`rounds.tsv\`](rounds.tsv)."
} > "$out/summary.md"
cat "$out/summary.md"
