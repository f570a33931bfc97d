package dev.hyrouter.loadtest;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Warm-up as a curve (issue 27): from a server's start, how long until it answers, then its CPU
 * per session and answer latency per bucket of sessions, so the first thousand sessions of a new
 * replica can be set beside the hundred-thousandth.
 *
 * <p>Given the server's pid and the moment it was started (epoch nanoseconds, taken just before
 * the launch), it first tries a session every 20 ms until one is answered (start to answering),
 * then runs a closed loop of {@code CONCURRENCY} sessions, full TLS handshakes, for
 * {@code BUCKETS} buckets of {@code SIZE} sessions. Per bucket it prints one JSON line: sessions,
 * failures, wall time, the answer latency p50/p99/max, and the server's CPU time in that bucket
 * from {@code /proc/PID/task/&#42;/schedstat} (nanoseconds on a CPU, per thread) split into the JIT
 * compiler threads, the QUIC event loops, the GC and VM thread, and the rest; the total from
 * {@code /proc/PID/stat}, which keeps the time of threads that have ended; and the steal time of the
 * server's cores in the bucket (from {@code /proc/stat}, for the CPUs the server may run on).
 *
 * <p>Usage: {@code WarmupCurve HOST:PORT SNI PID STARTED_EPOCH_NANOS BUCKETS SIZE CONCURRENCY [READYZ_URL]};
 * with a {@code /readyz} URL the buckets start once it answers 200 (after the router's warm-up),
 * and each bucket also carries the router's own view of it: the p99 bounds of its handshake and
 * answer latency histograms over the bucket (from {@code /metrics} on the same listener, scraped
 * between buckets, outside their CPU window). Open loop, a bucket also says how late its sender
 * started its latest session: a client that fell behind its own schedule shows there, whatever
 * the server did, so a slow bucket can be told the client's or the server's.
 *
 * <p>With {@code -Dhyrouter.clientWarmup=HOST:PORT:SESSIONS} this client first warms itself with
 * that many sessions against another server (the same closed loop; open loop, its last 12.5 s of
 * sessions at the curve's rate), while the server under test starts, is collected, and the
 * buckets start only when both are done: the first buckets then measure a cold
 * server under a warm client, as a new replica meets players whose clients are not new. Without
 * it the client's own JVM is as cold as the server's, and in the first buckets it, not the
 * server, sets the rate.
 *
 * <p>With {@code -Dhyrouter.handoff=FILE} as well (the harness's {@code +cwr}), the client warms
 * first and alone, with the curve's own server name, against a partner the harness started (a router
 * like the one under test, on another port), and settles (see {@link #settle}); then it creates
 * {@code FILE.warmed} and waits for {@code FILE} to say "PID EPOCH_NANOS" of the router under test,
 * which the harness starts only then (the pid and start arguments are placeholders); it probes that
 * router only once its UDP port is bound, and waits up to 10 s for the answer. Once that
 * router answers, the client settles against the partner again and creates {@code FILE.settled}, and
 * the harness stops the partner. The curve's client has then run the curve's own code paths, and
 * what it does between its warm-up and the first bucket (its HTTP client, its probes, a collection)
 * has been done before it too.
 */
public final class WarmupCurve {
    private WarmupCurve() {
    }

    /**
     * The answer latency of the sessions started in the curve's first 10 s (the "first-10-s
     * p99"), across buckets; {@link #curveStart} is set when the first bucket starts.
     */
    private static final Histogram FIRST_10S = new Histogram(TimeUnit.SECONDS.toNanos(20), 3);
    private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);
    private static volatile long curveStart = Long.MAX_VALUE;

    /** USER_HZ: 100 on Linux x86-64 (what {@code getconf CLK_TCK} prints). */
    private static final long CLOCK_TICKS = Long.getLong("hyrouter.clockTicks", 100);
    /** Sessions per second, open loop ({@code -Dhyrouter.rate}); 0: closed loop of the given concurrency. */
    private static final double RATE = Double.parseDouble(System.getProperty("hyrouter.rate", "0"));
    private static final int MAX_IN_FLIGHT = 512;

    /** CPU nanoseconds of a process's threads, by kind. */
    record Cpu(long jit, long loops, long gc, long other, long process) {
        /** The whole process (utime + stime, threads that ended included), in nanoseconds; 10 ms resolution. */
        long total() {
            return process;
        }

        Cpu minus(Cpu o) {
            return new Cpu(jit - o.jit, loops - o.loops, gc - o.gc, other - o.other, process - o.process);
        }

        static Cpu of(long pid) throws IOException {
            long jit = 0;
            long loops = 0;
            long gc = 0;
            long other = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks) {
                    String comm;
                    long ns;
                    try {
                        comm = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).trim();
                        String stat = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII).trim();
                        ns = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
                    } catch (IOException | RuntimeException gone) {
                        continue; // a thread that ended between the listing and the read
                    }
                    if (comm.contains("Compiler")) {
                        jit += ns;
                    } else if (comm.startsWith("hyrouter-quic") || comm.contains("EventLoop") || comm.startsWith("multiThreadIo")
                            || comm.startsWith("epoll")) {
                        loops += ns;
                    } else if (comm.startsWith("GC ") || comm.contains("G1 ") || comm.startsWith("VM Thread")) {
                        gc += ns;
                    } else {
                        other += ns;
                    }
                }
            }
            // Threads that have ended are gone from the listing (the JIT starts and stops compiler
            // threads as it needs them): the total comes from the process, which keeps their time.
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return new Cpu(jit, loops, gc, other, ticks * (1_000_000_000L / CLOCK_TICKS));
        }
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        InetSocketAddress target = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        String sni = args[1];
        long pid = Long.parseLong(args[2]);
        long startedEpochNanos = Long.parseLong(args[3]);
        int buckets = Integer.parseInt(args[4]);
        int size = Integer.parseInt(args[5]);
        int concurrency = Integer.parseInt(args[6]);
        try (HytaleClient client = HytaleClient.create(1)) {
            String handoff = System.getProperty("hyrouter.handoff");
            boolean warmedFirst = handoff != null;
            if (warmedFirst && args.length > 7) {
                // The JDK's HTTP client (the /readyz polls, the router's view) loads classes that break
                // the JIT's class-hierarchy assumptions in the client's compiled per-session code (its
                // own CompletableFuture subclass; the first SocketChannel beside Netty's datagram
                // channels): when it was first used after the warm-up, 40 of those compiled methods were
                // thrown away and compiled again in the first bucket (session 27). Use it once first.
                try {
                    java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(args[7])).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
                } catch (IOException notUpYet) {
                    // Expected: the router under test is not started yet.
                }
                new RouterView(java.net.URI.create(args[7]).resolve("/metrics")).scrape();
            }
            if (warmedFirst) {
                CompletableFuture<Boolean> w = warmClient(client, System.getProperty("hyrouter.clientWarmup"), concurrency, sni, true);
                if (w == null || !w.join()) {
                    System.err.println("WarmupCurve: the client's warm-up against its partner failed");
                    System.exit(1);
                }
                Files.writeString(Path.of(handoff + ".warmed"), "");
                long[] started = awaitHandoff(Path.of(handoff));
                pid = started[0];
                startedEpochNanos = started[1];
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // A warm client probes only a bound port, and waits for the answer: a probe of a port not
            // yet bound, or one given up, fails the connect, a branch the warm-up never took, and
            // HotSpot threw out the compiled close path of every session for it; back at C2 only
            // ~5,000 sessions later, inside the buckets (session 28).
            Duration probeTimeout = Duration.ofMillis(500);
            if (warmedFirst) {
                awaitUdpBound(target.getPort(), deadline);
                probeTimeout = Duration.ofSeconds(10);
            }
            ClientRequest probe = ClientRequest.to(target, sni).withTimeout(probeTimeout);
            long answeringAt = -1;
            while (System.nanoTime() < deadline) {
                try {
                    if (client.run(probe).get(probeTimeout.toMillis() + 500, TimeUnit.MILLISECONDS).answer().isReferral()) {
                        answeringAt = epochNanos();
                        break;
                    }
                } catch (Exception notYet) {
                    // Not bound, or not answering yet.
                }
                Thread.sleep(20);
            }
            if (answeringAt < 0) {
                System.err.println("WarmupCurve: the server did not answer within 60 s");
                System.exit(1);
            }
            if (warmedFirst) {
                // Whatever the wait for the router under test changed in the client's compiled code
                // (session 28: its probes of a port not yet bound, before they waited for the bind),
                // settle against the partner again (the router under test runs its own warm-up
                // meanwhile), then the harness stops it.
                String[] partner = System.getProperty("hyrouter.clientWarmup").split(":");
                ClientRequest again = ClientRequest.to(new InetSocketAddress(partner[0], Integer.parseInt(partner[1])), sni)
                        .withTimeout(Duration.ofSeconds(10));
                if (!settle(client, again, new Histogram(TimeUnit.SECONDS.toNanos(20), 1))) {
                    System.err.println("WarmupCurve: the client's settling rounds against its partner failed");
                    System.exit(1);
                }
                Files.writeString(Path.of(handoff + ".settled"), "");
            }
            CompletableFuture<Boolean> clientWarmup = warmedFirst ? null
                    : warmClient(client, System.getProperty("hyrouter.clientWarmup"), concurrency, "warmup.client.invalid", false);
            // With the admin listener's /readyz given, the curve starts when the router says it is
            // ready (after a warm-up, if it runs one), as a load balancer would send players then.
            long readyAt = answeringAt;
            if (args.length > 7) {
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                java.net.http.HttpRequest readyz = java.net.http.HttpRequest.newBuilder(java.net.URI.create(args[7])).build();
                while (true) {
                    try {
                        if (http.send(readyz, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            readyAt = epochNanos();
                            break;
                        }
                    } catch (IOException notYet) {
                        // The admin listener is not up yet.
                    }
                    if (System.nanoTime() > deadline + TimeUnit.SECONDS.toNanos(120)) {
                        System.err.println("WarmupCurve: the server was not ready within 3 minutes");
                        System.exit(1);
                    }
                    Thread.sleep(20);
                }
            }
            RouterView router = args.length > 7 ? new RouterView(java.net.URI.create(args[7]).resolve("/metrics")) : null;
            RouterView.Scrape scrape = router != null ? router.scrape() : null;
            Self.now();
            // The router's view is read between buckets by code the client has not run yet: run it
            // now (the router is ready and idle), so its compilation is not charged to the first
            // bucket; and for as long as the client's own warm-up still runs.
            for (int i = 0; router != null && (i < 50 || clientWarmup != null && !clientWarmup.isDone()); i++) {
                RouterView.p99BoundMs(scrape, router.scrape(), RouterView.HANDSHAKE);
                Thread.sleep(20);
            }
            if (clientWarmup != null && !clientWarmup.join()) {
                // Not a warm client after all: a curve labelled +cw would claim what it did not measure.
                System.exit(1);
            }
            if (clientWarmup != null || warmedFirst) {
                // A warm client's leftovers (its warm-up, the polling) collected now, before the first
                // bucket, as the router collects its warm-up's before ready: a collection of the
                // client's inside a bucket stalls its sessions on its core and reads as the server's latency.
                System.gc();
                if (warmedFirst) {
                    // Netty's QUIC connections carry a finalizer (JDK 17 cannot turn finalization off):
                    // the collection finds the warm-up's tens of thousands of dead ones, whose
                    // finalizers, and the JIT's compilation of their path, then ran on the client's
                    // core in the first bucket (session 27). Run them now; collect what they released.
                    System.runFinalization();
                    System.gc();
                }
            }
            // The client's own uptime at the curve's start: its logs (-Xlog:...:uptime) line up with the buckets.
            System.out.printf(Locale.ROOT, "{\"kind\":\"start\",\"start_to_answer_ms\":%.1f,\"start_to_ready_ms\":%.1f,\"client_uptime_ms\":%d}%n",
                    (answeringAt - startedEpochNanos) / 1e6, (readyAt - startedEpochNanos) / 1e6,
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
            ClientRequest request = ClientRequest.to(target, sni).withTimeout(Duration.ofSeconds(10));
            if (router != null) {
                scrape = router.scrape();
            }
            long sessionsBefore = 1;
            int[] serverCpus = allowedCpus(pid);
            synchronized (FIRST_10S) {
                FIRST_10S.reset();
            }
            curveStart = System.nanoTime();
            for (int b = 0; b < buckets; b++) {
                Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(20), 3);
                AtomicInteger failed = new AtomicInteger();
                AtomicInteger issued = new AtomicInteger();
                CountDownLatch done = new CountDownLatch(size);
                long[] startLag = new long[1];
                Self self0 = Self.now();
                long steal0 = stealTicks(serverCpus);
                Cpu before = Cpu.of(pid);
                long t0 = System.nanoTime();
                if (RATE > 0) {
                    openLoop(client, request, size, done, latency, failed, startLag);
                } else {
                    for (int w = 0; w < Math.min(concurrency, size); w++) {
                        next(client, request, size, issued, done, latency, failed);
                    }
                }
                done.await();
                long wall = System.nanoTime() - t0;
                Cpu used = Cpu.of(pid).minus(before);
                long stealMs = (stealTicks(serverCpus) - steal0) * 1000 / CLOCK_TICKS;
                Self self = Self.now().minus(self0);
                String routerSide = "";
                if (router != null) {
                    RouterView.Scrape next = router.scrape();
                    routerSide = String.format(Locale.ROOT, ",\"router_handshake_p99_le_ms\":%s,\"router_answer_p99_le_ms\":%s",
                            RouterView.p99BoundMs(scrape, next, RouterView.HANDSHAKE), RouterView.p99BoundMs(scrape, next, RouterView.ANSWER));
                    scrape = next;
                }
                System.out.printf(Locale.ROOT, "{\"kind\":\"bucket\",\"bucket\":%d,\"sessions_before\":%d,\"sessions\":%d,\"failed\":%d,"
                                + "\"wall_ms\":%.1f,\"per_s\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,"
                                + "\"cpu_us_per_session\":%.1f,\"jit_us_per_session\":%.1f,\"loops_us_per_session\":%.1f,"
                                + "\"gc_us_per_session\":%.1f,\"other_us_per_session\":%.1f,\"client_start_lag_max_ms\":%.2f,"
                                + "\"client_cpu_us_per_session\":%.1f,\"client_jit_ms\":%d,\"client_gc_ms\":%d,\"client_classes_loaded\":%d%s%s}%n",
                        b, sessionsBefore, size, failed.get(), wall / 1e6, size / (wall / 1e9),
                        latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6,
                        used.total() / 1e3 / size, used.jit() / 1e3 / size, used.loops() / 1e3 / size, used.gc() / 1e3 / size,
                        used.other() / 1e3 / size, startLag[0] / 1e6, self.cpuNanos() / 1e3 / size, self.jitMillis(), self.gcMillis(), self.classes(),
                        // Left out when the server's CPUs could not be read: not measured is not "no steal".
                        serverCpus.length == 0 ? "" : ",\"server_steal_ms\":" + stealMs, routerSide);
                System.out.flush();
                sessionsBefore += size;
            }
            synchronized (FIRST_10S) {
                System.out.printf(Locale.ROOT, "{\"kind\":\"first10s\",\"sessions\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}%n",
                        FIRST_10S.getTotalCount(), FIRST_10S.getValueAtPercentile(50) / 1e6, FIRST_10S.getValueAtPercentile(99) / 1e6,
                        FIRST_10S.getMaxValue() / 1e6);
            }
        }
    }

    /** "PID EPOCH_NANOS" of the router under test, once the harness has written {@code file} (within 3 minutes). */
    private static long[] awaitHandoff(Path file) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String[] f = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
                return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
            }
            Thread.sleep(2);
        }
        System.err.println("WarmupCurve: no router under test within 3 minutes of the warm-up (" + file + ")");
        System.exit(1);
        return null;
    }

    /**
     * The CPUs a process may run on ({@code Cpus_allowed_list} in {@code /proc/PID/status}, such as
     * "0" or "0-1,3"): the server's core under {@code taskset}. Empty when it cannot be read.
     */
    static int[] allowedCpus(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parseCpuList(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException gone) {
            // No such process, or no /proc: no steal is reported.
        }
        return new int[0];
    }

    static int[] parseCpuList(String list) {
        java.util.stream.IntStream.Builder cpus = java.util.stream.IntStream.builder();
        for (String part : list.split(",")) {
            String[] range = part.trim().split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            for (int c = from; c <= to; c++) {
                cpus.add(c);
            }
        }
        return cpus.build().toArray();
    }

    /**
     * Steal time of {@code cpus} so far, in clock ticks (the eighth value of each {@code cpuN} line
     * of {@code /proc/stat}): time the hypervisor ran something else while this machine's CPU had
     * work. A bucket whose server core was stolen from shows the machine, not the server.
     */
    static long stealTicks(int[] cpus) {
        if (cpus.length == 0) {
            return 0;
        }
        try {
            return stealTicks(Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII), cpus);
        } catch (IOException noProc) {
            return 0;
        }
    }

    static long stealTicks(java.util.List<String> procStat, int[] cpus) {
        long sum = 0;
        for (String line : procStat) {
            for (int c : cpus) {
                if (line.startsWith("cpu" + c + " ")) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 8) {
                        sum += Long.parseLong(f[8]);
                    }
                }
            }
        }
        return sum;
    }

    /**
     * Waits until a UDP socket on this machine is bound to {@code port} (from {@code /proc/net/udp}
     * and {@code udp6}; nothing is sent), or {@code deadline} ({@link System#nanoTime}) passes.
     * Whether it was seen bound.
     */
    static boolean awaitUdpBound(int port, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            if (!UdpTable.boundTo(port).isEmpty()) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /**
     * Settling rounds (+cwr, which needs a rate: +rN): wait until the client's JIT is quiet (under 5 ms
     * of compilation in 500 ms), then 2.5 s of sessions at the curve's rate, until a round costs under 20 ms of
     * compilation (at most 12 rounds). After a change in what the client does (the closed loop's end,
     * its probes of a router not yet bound) compiled methods went back to the interpreter or to C1,
     * and HotSpot queues a method for C2 only when it is called: without these rounds the first
     * bucket paid for them (session 27). False when a round fails more than a tenth of its sessions.
     */
    private static boolean settle(HytaleClient client, ClientRequest request, Histogram ignored) {
        int perRound = (int) Math.max(1, RATE * 2.5);
        for (int round = 1; round <= 12; round++) {
            long quietSince = Self.now().jitMillis();
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            try {
                while (System.nanoTime() < waitUntil) {
                    Thread.sleep(500);
                    long now = Self.now().jitMillis();
                    if (now - quietSince < 5) {
                        break;
                    }
                    quietSince = now;
                }
            } catch (InterruptedException e) {
                return false;
            }
            long before = Self.now().jitMillis();
            int failed = openLoopOf(client, request, perRound, ignored);
            long spent = Self.now().jitMillis() - before;
            System.err.printf(Locale.ROOT, "WarmupCurve: client settling round %d: %d sessions, %d failed, %d ms of JIT%n", round, perRound,
                    failed, spent);
            if (failed > perRound / 10) {
                return false;
            }
            if (spent < 20) {
                break;
            }
        }
        return true;
    }

    /**
     * Starts the client's own warm-up against HOST:PORT:SESSIONS (or none), with server name
     * {@code sni}; completes when it is done, with whether at least nine in ten of its sessions were
     * answered (and, with {@code thenSettle}, its settling rounds held).
     */
    private static CompletableFuture<Boolean> warmClient(HytaleClient client, String spec, int concurrency, String sni, boolean thenSettle) {
        if (spec == null || spec.isEmpty()) {
            return null;
        }
        String[] f = spec.split(":");
        ClientRequest request = ClientRequest.to(new InetSocketAddress(f[0], Integer.parseInt(f[1])), sni)
                .withTimeout(Duration.ofSeconds(10));
        int sessions = Integer.parseInt(f[2]);
        Histogram ignored = new Histogram(TimeUnit.SECONDS.toNanos(20), 1);
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        CompletableFuture<Boolean> warmed = new CompletableFuture<>();
        // Open loop, the curve's own code, for its last sessions, so that the open loop's callbacks
        // are compiled in the warm-up, not in the first bucket (warmed by a closed loop alone, the
        // client compiled for 0.5-1.4 s of its core there; much of that was its warm-up not being
        // finished, hence 40,000 sessions in loadtest/lib.sh: session 26). Not open loop throughout:
        // cold, the client cannot hold the rate, and a router in its place refuses.
        int open = RATE > 0 ? Math.min(sessions / 2, (int) (RATE * 12.5)) : 0;
        int closed = sessions - open;
        // The warm-up counts its own "first 10 s" (dropped when the curve starts), so the client's
        // recording has taken both ways before the curve instead of first meeting its 10-s edge in
        // the fifth bucket. (Tried against the client's compilations 10-17.5 s into the curve; those
        // stayed, their cause not found: session 26.)
        curveStart = System.nanoTime();
        for (int w = 0; w < Math.min(concurrency, closed); w++) {
            warmNext(client, request, closed, issued, finished, failed, ignored, warmed);
        }
        if (open == 0) {
            return warmed;
        }
        return warmed.thenCompose(ok -> {
            if (!ok) {
                return CompletableFuture.completedFuture(false);
            }
            CompletableFuture<Boolean> tail = new CompletableFuture<>();
            Thread sender = new Thread(() -> {
                int tailFailed = openLoopOf(client, request, open, ignored);
                if (tailFailed > open / 10) {
                    System.err.println("WarmupCurve: the client's open-loop warm-up against " + request.target() + " failed "
                            + tailFailed + " of " + open + " sessions");
                }
                tail.complete(tailFailed <= open / 10 && (!thenSettle || settle(client, request, ignored)));
            }, "client-warmup");
            sender.setDaemon(true);
            sender.start();
            return tail;
        });
    }

    /** {@code sessions} sessions open loop at the curve's rate, waited for; how many failed (all of them if interrupted). */
    private static int openLoopOf(HytaleClient client, ClientRequest request, int sessions, Histogram ignored) {
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(sessions);
        openLoop(client, request, sessions, done, ignored, failed, new long[1]);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return sessions;
        }
        return failed.get();
    }

    /**
     * One more warm-up session. Gives up as soon as more than a tenth have failed: a warm-up
     * server that is not there would otherwise hold the curve for every session's timeout.
     */
    private static void warmNext(HytaleClient client, ClientRequest request, int sessions, AtomicInteger issued, AtomicInteger finished,
                                 AtomicInteger failed, Histogram ignored, CompletableFuture<Boolean> warmed) {
        if (warmed.isDone() || issued.incrementAndGet() > sessions) {
            return;
        }
        long s0 = System.nanoTime();
        client.run(request).whenComplete((r, e) -> {
            record(s0, r, e, ignored, failed);
            if (failed.get() > sessions / 10) {
                if (warmed.complete(false)) {
                    System.err.println("WarmupCurve: the client's warm-up against " + request.target() + " failed " + failed.get()
                            + " of " + (finished.get() + 1) + " sessions; giving up");
                }
                return;
            }
            if (finished.incrementAndGet() == sessions) {
                warmed.complete(true);
            } else {
                warmNext(client, request, sessions, issued, finished, failed, ignored, warmed);
            }
        });
    }

    private static void next(HytaleClient client, ClientRequest request, int size, AtomicInteger issued, CountDownLatch done,
                             Histogram latency, AtomicInteger failed) {
        if (issued.incrementAndGet() > size) {
            return;
        }
        long s0 = System.nanoTime();
        client.run(request).whenComplete((r, e) -> {
            record(s0, r, e, latency, failed);
            done.countDown();
            next(client, request, size, issued, done, latency, failed);
        });
    }

    /**
     * This client's own JVM over a bucket: its CPU, its JIT's time and its collectors' time (for a
     * concurrent collector, its cycles, which share the client's core with the sessions).
     */
    record Self(long cpuNanos, long jitMillis, long gcMillis, long classes) {
        static Self now() {
            long gc = 0;
            for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                gc += Math.max(0, b.getCollectionTime());
            }
            java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            long cpu = java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
            return new Self(cpu, jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0, gc,
                    java.lang.management.ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        }

        Self minus(Self o) {
            return new Self(cpuNanos - o.cpuNanos, jitMillis - o.jitMillis, gcMillis - o.gcMillis, classes - o.classes);
        }
    }

    /**
     * One bucket open loop ({@code -Dhyrouter.rate}): a session started every 1/rate seconds
     * whatever the earlier ones do, so that every bucket, the first after ready and the warm ones,
     * runs at the same rate, and the CPU per session of the two is compared at equal load (closed
     * loop, a cold client's first buckets ran at a third of the warm rate, and the router's CPU per
     * session falls with the rate). Latency counts from each session's scheduled start (no
     * coordinated omission). A session that would exceed {@value #MAX_IN_FLIGHT} in flight is not
     * started and counts as failed: the client could not hold the rate.
     */
    private static void openLoop(HytaleClient client, ClientRequest request, int size, CountDownLatch done,
                                 Histogram latency, AtomicInteger failed, long[] maxStartLag) {
        long period = (long) (1e9 / RATE);
        long start = System.nanoTime();
        AtomicInteger inFlight = new AtomicInteger();
        for (int i = 0; i < size; i++) {
            long at = start + i * period;
            long wait;
            while ((wait = at - System.nanoTime()) > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            maxStartLag[0] = Math.max(maxStartLag[0], -wait);
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                failed.incrementAndGet();
                done.countDown();
                continue;
            }
            inFlight.incrementAndGet();
            client.run(request).whenComplete((r, e) -> {
                record(at, r, e, latency, failed);
                inFlight.decrementAndGet();
                done.countDown();
            });
        }
    }

    private static void record(long s0, SessionResult r, Throwable e, Histogram latency, AtomicInteger failed) {
        if (e == null && r.answer().isReferral()) {
            long took = Math.min(System.nanoTime() - s0, latency.getHighestTrackableValue());
            synchronized (latency) {
                latency.recordValue(took);
            }
            long sinceStart = s0 - curveStart;
            if (sinceStart >= 0 && sinceStart < TEN_SECONDS) {
                synchronized (FIRST_10S) {
                    FIRST_10S.recordValue(took);
                }
            }
        } else {
            failed.incrementAndGet();
        }
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
