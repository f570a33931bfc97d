#!/bin/bash
# Router CPU per refused session with limits.new_connections_per_ip: 1 (burst 1): every connection from the
# probe's one address but the first is refused. Alternating jars, per round: 20,000 unmeasured then 20,000 measured.
set -u
cd /work/main
cp="$PWD/loadtest/target/classes:$(cat loadtest/target/classpath.txt)"
port=15520
cfg=/tmp/rp/refcost.yaml
sed -e "s/^listen: .*/listen: \"127.0.0.1:$port\"/" router/config/hyrouter.yaml > $cfg
printf '\nlimits: {max_connections_per_ip: 0, new_connections_per_ip: 1, new_connections_per_ip_burst: 1, retry: never}\n' >> $cfg
hz=$(getconf CLK_TCK)
probe() { taskset -c 1 java -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.cli.Main probe \
    --target 127.0.0.1:$port --sni play.localhost --count $1 --concurrency 64 --timeout 30s --handshake full > /tmp/rp/probe.json 2>/tmp/rp/probe.err; }
for r in 1 2 3; do
  for j in $JARS; do
    taskset -c 0 java -XX:+UseParallelGC -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=1 -XX:JavaPriority1_To_OSPriority=19 -Dio.netty.leakDetection.level=disabled \
      --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar /tmp/rp/$j.jar -config $cfg -log-level warn > /tmp/rp/refcost-$j-$r.log 2>&1 &
    pid=$!
    sleep 5
    probe 20000
    t0=$(awk '{print $14+$15}' /proc/$pid/stat)
    probe 20000
    t1=$(awk '{print $14+$15}' /proc/$pid/stat)
    echo "$j round $r: $(awk -v a=$t0 -v b=$t1 -v hz=$hz 'BEGIN {printf "%.1f", (b-a)/hz*1e6/20000}') us/session; $(head -c 300 /tmp/rp/probe.json | tr '\n' ' ')"
    kill $pid; wait $pid 2>/dev/null
  done
done
