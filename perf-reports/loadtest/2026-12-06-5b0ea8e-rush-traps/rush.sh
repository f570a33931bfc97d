#!/bin/bash
# Rush profile: server on core 0 under a 15 ms/100 ms quota, warmed 20 s, closed:16:10 for C, then open:2.5:15 under perf record.
# PHASES replaces the measured phases (OpenLoop's syntax, e.g. "open:0.5:10 open:1.5:15"); perf starts
# PERF_AFTER seconds into them (default 0) and records PERF_SECONDS (default 14); NOPERF=1 records nothing;
# EXTRA adds JVM flags; JITP sets the router's compiler-thread priority (the launcher's is 1); TAG names /tmp/rp/TAG.
set -u
cd "$(dirname "$0")/../../.."
V="$1"; C="${2:-0}"; OUT=/tmp/rp/${TAG:-$V}; mkdir -p $OUT
cp="$PWD/loadtest/target/classes:$(cat loadtest/target/classpath.txt)"
port=15520
jflags=(-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer ${EXTRA:-})
cfg=$OUT/router.yaml
sed -e "s/^listen: .*/listen: \"127.0.0.1:$port\"/" router/config/hyrouter.yaml > $cfg
printf '\nlimits: {max_connections_per_ip: 0, new_connections_per_ip: 0, retry: never}\n' >> $cfg
if [ "$V" = router ]; then
  taskset -c 0 java -XX:+UseParallelGC -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=${JITP:-19} -XX:JavaPriority1_To_OSPriority=19 "${jflags[@]}" -Dio.netty.leakDetection.level=disabled \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar ${JAR:-router/dist/target/hyrouter.jar} -config $cfg -log-level warn > $OUT/server.log 2>&1 &
else
  taskset -c 0 java "${jflags[@]}" -Dio.netty.leakDetection.level=disabled --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.UntunedQuicServer $port > $OUT/server.log 2>&1 &
fi
pid=$!; tstart=$(date +%s%N)
sleep 4
taskset -c 1 java -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.OpenLoop 127.0.0.1:$port play.localhost 5 0 closed:16:20 > $OUT/warm.jsonl 2>$OUT/warm.log
cg=/sys/fs/cgroup/cpu/rushprof; mkdir -p $cg; echo 100000 > $cg/cpu.cfs_period_us; echo 15000 > $cg/cpu.cfs_quota_us
echo $pid > $cg/cgroup.procs
if [ "$C" = 0 ]; then
  taskset -c 1 java -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.OpenLoop 127.0.0.1:$port play.localhost 5 0 closed:16:10 > $OUT/cap.jsonl 2>$OUT/cap.log
  C=$(sed -n 's/.*"capacity":\([0-9.]*\).*/\1/p' $OUT/cap.jsonl | head -1)
fi
echo "C=$C"
echo "rush starts at ms $(( ($(date +%s%N) - tstart) / 1000000 ))"; t0=$(awk '{print $14+$15}' /proc/$pid/stat)
after=${PERF_AFTER:-0}; secs=${PERF_SECONDS:-14}
if [ -z "${NOPERF:-}" ]; then (sleep "$after"; exec taskset -c 1 perf record -F 1999 -g -p $pid -o $OUT/perf.data -- sleep "$secs" > $OUT/perf.log 2>&1) & else sleep "$(awk -v a="$after" -v s="$secs" 'BEGIN {print a + s}')" & fi
ppid=$!
taskset -c 1 java -Dlogback.configurationFile=logback-loadtest.xml -Dhyrouter.serverPid=$pid -Dhyrouter.cgroup=$cg -cp "$cp" dev.hyrouter.loadtest.OpenLoop 127.0.0.1:$port play.localhost 5 $C ${PHASES:-open:2.5:15} > $OUT/rush.jsonl 2>$OUT/rush.log
wait $ppid
t1=$(awk '{print $14+$15}' /proc/$pid/stat)
echo "cpu ticks $((t1-t0))"
cat $OUT/rush.jsonl
kill $pid; wait $pid
echo $$ > /dev/null
rmdir $cg 2>/dev/null
