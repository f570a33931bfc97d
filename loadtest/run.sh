#!/usr/bin/env bash
# Gatling load tests speaking Hytale over QUIC. One command per run; each writes
# perf-reports/loadtest/<date>-<sha>-<kind>/ (summary.md, Gatling's HTML report, session logs):
#   loadtest/run.sh steady    [--rate N] [--duration S] [--p99-ms MS]   # the router at N sessions/s, asserted
#   loadtest/run.sh capacity  [--start N] [--step N] [--levels K] [--level-seconds S] [--slo-ms MS]
#   loadtest/run.sh plugins   [--rate N] [--duration S]   # none vs WAT vs C/WASI vs gRPC (own process)
#   loadtest/run.sh reference [--rate N] [--duration S] [--rounds R]   # router vs the bare-QUIC server, alternating
#   loadtest/run.sh metrics   [--rate N] [--duration S] [--rounds R]   # no admin listener vs /metrics scraped every second, alternating
#   loadtest/run.sh memory    [--count N]   # memory per live connection: N connections held open, RSS and heap before/after
#   loadtest/run.sh accesslog [--rate N] [--duration S] [--rounds R] [--variants off,stdout,file]   # access log off vs on, alternating
#   loadtest/run.sh soak      [--count N] [--leak simple|paranoid]   # N sessions (default 100000), 64 concurrent, C/WASI plugin, signed envelopes
#   loadtest/run.sh saturation [--count N] [--rounds R] [--variants none,wat,c,grpc,loop,loop-alone]   # router-bound: closed-loop client saturating the router's core
#                              [--variants base,mmsg16,gso16,gro,mmsg16+gso16]   # the same for the data plane's socket options
#                              [--variants parallel,g1,zgc]   # the same for the router's garbage collector
#                              [--variants full,resume,0rtt]   # full TLS handshakes (every other variant) vs a client resuming, and 0-RTT
#                              [--variants full,bare]   # the router vs the minimal Netty QUIC answerer (the reference), full handshakes
#                              [--variants log,full,nocert,untuned,untuned-certreq,bare]   # issue 30: the router as bundled vs the untuned reference
#                              [--variants none,go,grpc,go-grpc]   # the router vs the Go original (GO_ORIGINAL=its binary, built outside this repository; GO_ORIGINAL_BUILD=how)
#                              [--warmup N]   # warm-up sessions before each measured run (default count/4)
#   loadtest/run.sh flood     [--rate N] [--flood-rate N] [--duration S] [--rounds R] [--variants none,retry-never,retry-auto,retry-always,one-source]
#   loadtest/run.sh warmup    [--variants none,wat,c,grpc,large] [--rounds R] [--count BUCKETS]   issue 27: CPU per session from the first session (large: a Go-sized generated module, needs wat2wasm)
#                             [--variants grpc+warm+cds+cw,go-grpc+cw]   # the same for the Go original (go, go-grpc; GO_ORIGINAL as for saturation)
#   loadtest/run.sh overload  [--rounds R] [--duration S] [--variants router[,router-250ms][,router-buf1048576][,before][,untuned][,untuned-certreq]] [--capacity N] [--quota-us U]
#                             # rush hour: each server held to U µs of CPU per 100 ms (cgroup v1 quota, default 25000),
#                             # warmed on the whole core, C measured under the quota (or fixed), then an open-loop client
#                             # offers 0.5, 1.5, 2.5, 0.5 × C; variant before needs BEFORE_JAR=an older hyrouter.jar
#   loadtest/run.sh smoke     # CI: a short reference run (after 5 s of unmeasured warm-up) with generous assertions
#   loadtest/run.sh startup   [--rounds R] [--variants plain,cds[,large-cds,before,before-cds,before-large-cds]]   # issue 27: launch to /readyz on one core, CPU, RSS; cds = with the class-data archive (train-cds)
#                             # large-cds: with the Go-sized WASM module from its compile cache (needs wat2wasm)
#                             # before/before-cds need BEFORE_JAR=an older hyrouter.jar; BEFORE_TRAIN_CDS=an older train-cds script trains before-cds
#   loadtest/run.sh warmup-gate [--count BUCKETS]   # CI: first 2,000 sessions after ready vs warm, per perf-reports/warmup-gate.json (WARMUP_GATE_FILE=)
#   add --target HOST:PORT to load a router that is already running (steady/capacity only; no CPU figures)
#   add --heap SIZE to start the router with -Xmx SIZE (e.g. 256m; default: the JVM's, a quarter of RAM)
#   add --warmup S to run S seconds of the same load, unmeasured, before each measured run (JIT warm-up)
#   HYROUTER_JAR=path runs that router jar instead of this checkout's (to measure an older build the same way)
# Servers run pinned to core 0 and Gatling to core 1 (taskset) when the machine has 2+ cores.
# Needs a JDK 17+ and Maven; builds what it needs first.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

kind="${1:-}"
[ -n "$kind" ] && shift || true
rate=300; duration=30; p99=50; rounds=3; target=""; warmup=0; variants="off,stdout,file"; count=""; leak=disabled; heap=""; flood_rate=3000
start=200; step=200; levels=8; level_seconds=10; slo=50; capacity=0; quota_us=25000
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --p99-ms) p99="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --leak) leak="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --flood-rate) flood_rate="$2"; shift 2 ;;
    --variants) variants="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    --start) start="$2"; shift 2 ;;
    --step) step="$2"; shift 2 ;;
    --levels) levels="$2"; shift 2 ;;
    --level-seconds) level_seconds="$2"; shift 2 ;;
    --slo-ms) slo="$2"; shift 2 ;;
    --capacity) capacity="$2"; shift 2 ;;
    --quota-us) quota_us="$2"; shift 2 ;;
    *) echo "loadtest/run.sh: unknown argument $1 (see the comment at the top)" >&2; exit 2 ;;
  esac
done
case "$kind" in
  steady|capacity|plugins|reference|smoke|metrics|accesslog|memory|soak|saturation|flood|overload|warmup|warmup-gate|startup) ;;
  *) sed -n '2,27p' "$0"; exit 2 ;;
esac

source "$top/loadtest/lib.sh"
# One file per kind; smoke is the reference run with CI's settings.
kind_file="$kind"
[ "$kind" = smoke ] && kind_file=reference
source "$top/loadtest/kinds/$kind_file.sh"
echo "loadtest/run.sh: report in $out" >&2
exit $status
