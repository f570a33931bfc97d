# loadtest/run.sh accesslog: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
# The same router with the access log off, on standard output (redirected to a file, as a container
# runtime would), and as a JSON-lines file; -log-level info so standard output takes the lines.
runs=()
for r in $(seq 1 "$rounds"); do
  for variant in ${variants//,/ }; do
    cfg=$(router_config "access-$variant")
    access=""
    case "$variant" in
      off) access="off"; level=info ;;
      warn) level=warn ;; # an older build without logging.access_log: the lines silenced by the level
      stdout) access="stdout"; level=info ;;
      info) level=info ;; # an older build: the lines at info through Logback
      file) access="$work/access-$r.jsonl"; level=info ;;
      *) echo "loadtest/run.sh: unknown access-log variant $variant (off, stdout, file; warn, info for older builds)" >&2; exit 2 ;;
    esac
    # Into the bundled config's own logging section (a second one would be a duplicate key).
    [ -n "$access" ] && sed -i "s|^  log_client_ip: false\$|  log_client_ip: false\n  access_log: \"$access\"|" "$cfg"
    router_round "access-log-$variant" "$cfg" "$variant-$r" "$level"
    lines=$( { [ "$variant" = file ] && cat "$work/access-$r.jsonl" 2>/dev/null || cat "$work/$variant-$r.log"; } | grep -c '"event"\|outcome - ' || true)
    echo "loadtest/run.sh: $variant round $r wrote $lines access-log line(s)" >&2
  done
done
"$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Access log cost: $rate sessions/s for $duration s, $rounds round(s), warm-up $warmup s" \
  "${jar_note}loadtest/run.sh accesslog --rate $rate --duration $duration --rounds $rounds --warmup $warmup --variants $variants" "$out/environment.md" "${runs[@]}"
