#!/usr/bin/env bash
# The monitoring kit checked by a real Prometheus: starts the router (the runnable jar) with a
# WASM deny plugin, a gRPC plugin whose server is down, file discovery and health checks of a
# backend that does not answer; drives referrals, denials and limit refusals with the probe, and
# refuses a reload; lets Prometheus (Debian's package: prometheus, promtool) scrape it every second
# and evaluate alerts.yaml (its `for:` durations set to 0s, so the run takes seconds). Then:
#   - promtool check rules passes on alerts.yaml;
#   - every alert expression and every dashboard query parses; every dashboard query returns data;
#   - every hyrouter_* series that alerts.yaml and grafana-dashboard.json name exists;
#   - the alerts this scenario must raise fire, and those it must not raise do not.
# Usage: router/deploy/monitoring/check.sh   (needs the jar: mvn -q -DskipTests -pl router/dist -am package)
# Without prometheus/promtool on PATH it skips with the reason, and fails when CI=true.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(cd "$here/../../.." && pwd)"
jar="$top/router/dist/target/hyrouter.jar"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

for tool in prometheus promtool python3; do
  if ! command -v "$tool" >/dev/null; then
    msg="monitoring check: $tool is not installed (Debian: apt-get install prometheus python3)"
    if [ "${CI:-}" = true ]; then echo "$msg; CI needs it" >&2; exit 1; fi
    echo "$msg; skipped" >&2
    exit 0
  fi
done
[ -f "$jar" ] || { echo "monitoring check: $jar missing (mvn -q -DskipTests -pl router/dist -am package)" >&2; exit 1; }

work="$(mktemp -d /tmp/hyrouter-monitoring.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
udp_port=$(free_port); admin_port=$(free_port); prom_port=$(free_port); dead_grpc=$(free_port); dead_backend=$(free_port)

# A backend nobody answers on (health checks eject it; panic routing still refers players there).
printf 'backends:\n  - {host: 127.0.0.1, port: %s}\n' "$dead_backend" > "$work/backends.yaml"
# The default pool's backend is drained by hand below (POST /-/backends/.../drain).
drained_backend=$(free_port)
cat > "$work/hyrouter.yaml" <<EOF
listen: "127.0.0.1:$udp_port"
admin: {listen: "127.0.0.1:$admin_port"}
logging: {stats_interval: 0s, access_log: "off"}
# Eight live connections per address: the refusal run below (32 at once) meets the limit.
limits: {max_connections_per_ip: 8, new_connections_per_ip: 0}
discovery:
  providers:
    - {name: files, type: file, file: {path: backends.yaml}}
health_checks: {enabled: true, interval: 1s, timeout: 500ms, jitter: 0s, unhealthy_threshold: 1}
routing:
  routes:
    - match: {hostname: play.localhost}
      pool: {strategy: round_robin, discovery: {provider: files}}
  default: {strategy: round_robin, backends: [{host: 127.0.0.1, port: $drained_backend}]}
plugins:
  - name: gate-grpc
    type: grpc
    stage: deny
    timeout: 200ms
    grpc: {address: "127.0.0.1:$dead_grpc"}
  - name: deny-wasm
    type: wasm
    stage: deny
    wasm: {path: "$top/plugins/examples/wat-plugin/plugin.wasm"}
EOF
"$java_bin" -jar "$jar" -config "$work/hyrouter.yaml" > "$work/router.log" 2>&1 &
pids+=($!)
router_pid=$!
http() { # METHOD URL -> the status code (0 when nothing answered)
  python3 - "$@" <<'PY'
import sys, urllib.error, urllib.request
method, url = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print(0)
PY
}
for _ in $(seq 1 120); do
  [ "$(http GET "http://127.0.0.1:$admin_port/readyz")" = 200 ] && break
  kill -0 "$router_pid" 2>/dev/null || { cat "$work/router.log" >&2; echo "monitoring check: the router exited" >&2; exit 1; }
  sleep 0.5
done

promtool check rules "$here/alerts.yaml" || { echo "monitoring check FAILED: promtool check rules $here/alerts.yaml" >&2; exit 1; }
sed -E 's/^( *)for: .*/\1for: 0s/' "$here/alerts.yaml" > "$work/alerts.yaml"
cat > "$work/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$work/alerts.yaml"]
scrape_configs:
  - job_name: hyrouter
    static_configs: [{targets: ["127.0.0.1:$admin_port"]}]
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" --web.listen-address="127.0.0.1:$prom_port" \
  > "$work/prometheus.log" 2>&1 &
pids+=($!)
prom_pid=$!
for _ in $(seq 1 60); do
  [ "$(http GET "http://127.0.0.1:$prom_port/-/ready")" = 200 ] && break
  kill -0 "$prom_pid" 2>/dev/null || { cat "$work/prometheus.log" >&2; echo "monitoring check FAILED: Prometheus exited" >&2; exit 1; }
  sleep 0.5
done

probe() { "$java_bin" -jar "$jar" probe --target "127.0.0.1:$udp_port" --sni play.localhost --timeout 5s "$@" 2>/dev/null || true; }
# Referrals and denials (the WASM plugin denies the username "deny"), spread over a few scrapes.
for round in 1 2 3; do
  probe --count 150 --concurrency 4 > "$work/referrals-$round.json"
  probe --count 100 --concurrency 4 --username deny > "$work/denials-$round.json"
done
# More at once than limits.max_connections_per_ip lets in.
probe --count 400 --concurrency 32 > "$work/refused.json"
# A reload of a broken file is refused; the running config keeps serving.
cp "$work/hyrouter.yaml" "$work/good.yaml"
printf 'routing: [\n' >> "$work/hyrouter.yaml"
reload="$(http POST "http://127.0.0.1:$admin_port/-/reload")"
cp "$work/good.yaml" "$work/hyrouter.yaml"
[ "$reload" = 409 ] || { echo "monitoring check: a broken reload answered $reload, not 409" >&2; exit 1; }
drain="$(http POST "http://127.0.0.1:$admin_port/-/backends/127.0.0.1:$drained_backend/drain")"
[ "$drain" = 200 ] || { echo "monitoring check: a drain answered $drain, not 200" >&2; exit 1; }
probe --count 100 --concurrency 4 > "$work/after.json"
sleep 4

python3 - "$here" "$work" "$prom_port" <<'PY' || { tail -20 "$work/router.log" >&2; exit 1; }
import json, re, sys, time, urllib.parse, urllib.request
here, work, port = sys.argv[1], sys.argv[2], sys.argv[3]
base = f"http://127.0.0.1:{port}/api/v1/"
def api(path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)
problems = []

rules = []
text = open(f"{here}/alerts.yaml").read()
for m in re.finditer(r"- alert: (\S+)\n\s+expr: (.+)", text):
    rules.append((m.group(1), m.group(2).strip()))
dash = json.load(open(f"{here}/grafana-dashboard.json"))
queries = [(p["title"], t["expr"]) for p in dash["panels"] for t in p.get("targets", [])]
def concrete(expr):
    return expr.replace("$__rate_interval", "1m").replace('"$instance"', '".*"')

# Wait until a sample after the last traffic is in (scrapes every second).
for _ in range(30):
    r = api("query", query='sum(hyrouter_answers_total)')
    if r.get("status") == "success" and r["data"]["result"]:
        break
    time.sleep(1)
for name, expr in rules:
    r = api("query", query=expr)
    if r.get("status") != "success":
        problems.append(f"alert {name}: expression does not run: {r.get('error')}")
empty = []
for title, expr in queries:
    r = api("query", query=concrete(expr))
    if r.get("status") != "success":
        problems.append(f"dashboard panel '{title}': query does not run: {r.get('error')}: {expr}")
    elif not r["data"]["result"]:
        empty.append(f"dashboard panel '{title}': no data: {expr}")
problems += empty
names = set()
for expr in [e for _, e in rules] + [e for _, e in queries]:
    names.update(re.findall(r"\bhyrouter_[a-z_]+", expr))
have = {s["__name__"] for s in api("series", **{"match[]": '{__name__=~"hyrouter_.*"}'})["data"]}
missing = sorted(names - have)
if missing:
    problems.append("series named by the rules or the dashboard that the router does not export: " + ", ".join(missing))

must_fire = {"HyrouterDenialsHigh", "HyrouterPluginFailing", "HyrouterPluginCircuitOpen", "HyrouterBackendDown",
             "HyrouterLimitRefusals", "HyrouterReloadFailed",
             # The generated development certificate lives 7 days.
             "HyrouterCertificateExpiring"}
must_not = {"HyrouterDown", "HyrouterNotReady", "HyrouterNoReferrals", "HyrouterDiscoveryNotSynced", "HyrouterDiscoveryErrors",
            "HyrouterShedding"}
firing = set()
for _ in range(20):
    firing = {a["labels"]["alertname"] for a in api("alerts")["data"]["alerts"] if a["state"] == "firing"}
    if must_fire <= firing:
        break
    time.sleep(1)
if not must_fire <= firing:
    problems.append("alerts that should fire and do not: " + ", ".join(sorted(must_fire - firing)))
if firing & must_not:
    problems.append("alerts that fire and should not: " + ", ".join(sorted(firing & must_not)))
print(f"monitoring check: {len(rules)} alert expressions and {len(queries)} dashboard queries ran against Prometheus; "
      f"{len(names)} hyrouter_* series named, all exported; firing: {', '.join(sorted(firing))}")
if problems:
    print("monitoring check FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
PY
echo "monitoring check: PASS"
