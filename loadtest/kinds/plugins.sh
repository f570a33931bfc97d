# loadtest/run.sh plugins: sourced by loadtest/run.sh after loadtest/lib.sh (its functions and settings).
sdk_jar=$(ls plugins/sdk/target/hyrouter-plugin-sdk-*-all.jar | head -1)
"${load_cpu[@]}" "$java_bin" -jar "$sdk_jar" --listen 127.0.0.1:17777 > "$work/grpc-plugin.log" 2>&1 &
pids+=($!)
runs=()
for r in $(seq 1 "$rounds"); do
  for variant in none wat c grpc; do
    case "$variant" in
      none) cfg=$(router_config none); label=router; host=play.hyvane.com ;;
      wat) cfg=$(router_config wat "$wat"); label=router+wat ;;
      c) cfg=$(router_config c "$cw"); label=router+c-wasi ;;
      grpc) cfg=$(router_config grpc "$grpc"); label=router+grpc ;;
    esac
    router_round "$label" "$cfg" "$variant-$r" warn -Dhyrouter.expectHost=play.hyvane.com
  done
done
"$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Plugins: $rate sessions/s for $duration s, $rounds round(s)" \
  "${jar_note}loadtest/run.sh plugins --rate $rate --duration $duration --rounds $rounds --warmup $warmup" "$out/environment.md" "${runs[@]}"
