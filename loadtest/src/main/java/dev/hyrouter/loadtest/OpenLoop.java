package dev.hyrouter.loadtest;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.DatagramCounter;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rush-hour client: phases of load against one server, each printed as one JSON line.
 *
 * <ul>
 *   <li>{@code closed:CONCURRENCY:SECONDS} — a closed loop (the next session starts when one
 *       ends): its sessions per second are the server's capacity C for the phases after it;</li>
 *   <li>{@code open:FACTOR:SECONDS} — an open loop: new sessions at FACTOR × C per second,
 *       whatever the server answers, as players arrive in a rush.</li>
 * </ul>
 *
 * Every session is a full TLS handshake and one Connect, with {@code TIMEOUT_S} to be answered;
 * a session that times out closes its attempt, as a player's client gives up. A session counts
 * in the phase it started in. Open phases run back to back. Per phase: offered, answered
 * (referrals) per second, goodput (answers completed inside the phase's window, whichever phase
 * their session started in), the answered sessions' p50/p99, and the failures split into refused
 * (the server said so: a CONNECTION_CLOSE or a Disconnect) with how long the client took to
 * learn it, and timed out.
 *
 * <p>Usage: {@code OpenLoop HOST:PORT SNI TIMEOUT_S CAPACITY PHASE...}; CAPACITY 0 takes C from
 * the last closed phase, a number fixes it (the same absolute load for two servers).
 */
public final class OpenLoop {
    private OpenLoop() {
    }

    /** Every 200th failure is printed with its time and message, for the run's log. */
    private static final AtomicLong SAMPLES = new AtomicLong();

    /** One open phase: its rate and window, and the server's counters over the window. */
    static final class OpenPhase {
        final String name;
        final double rate;
        final int seconds;
        final AtomicLong started;
        final long t0;
        long t1;
        PhaseCounters cpu;

        OpenPhase(String name, double rate, int seconds, AtomicLong started, long t0) {
            this.name = name;
            this.rate = rate;
            this.seconds = seconds;
            this.started = started;
            this.t0 = t0;
        }

        void close(PhaseCounters counters, long end) {
            cpu = counters;
            t1 = end;
        }
    }

    /**
     * Waits until every session of the pending phases has ended (each has its timeout; 2 s more
     * for stragglers), then reports each phase. Only here, after the last phase of a run of back
     * to back ones: waiting between phases would let a server drain its queue in a pause no real
     * rush gives it.
     */
    private static void drain(List<OpenPhase> pending, ConcurrentLinkedQueue<Ending> endings, Duration timeout) throws InterruptedException {
        if (pending.isEmpty()) {
            return;
        }
        long startedTotal = pending.stream().mapToLong(x -> x.started.get()).sum();
        long wait = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(2);
        while (endings.size() < startedTotal && System.nanoTime() < wait) {
            Thread.sleep(50);
        }
        List<Ending> all = new ArrayList<>(endings);
        for (OpenPhase ph : pending) {
            report(ph, all);
        }
        pending.clear();
        endings.clear();
    }

    /** One session's ending, with the phase it started in. */
    record Ending(OpenPhase phase, long startNanos, long tookNanos, int kind) {
        static final int ANSWERED = 0;
        static final int REFUSED = 1;
        static final int TIMED_OUT = 2;
        static final int FAILED = 3;
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        InetSocketAddress target = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        String sni = args[1];
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[2]));
        double capacity = Double.parseDouble(args[3]);
        HytaleClient client = HytaleClient.create(1);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "open-loop-ticker");
            t.setDaemon(true);
            return t;
        });
        // Open phases since the last report, and every ending of their sessions.
        List<OpenPhase> pending = new ArrayList<>();
        ConcurrentLinkedQueue<Ending> endings = new ConcurrentLinkedQueue<>();
        try {
            for (String phase : Arrays.copyOfRange(args, 4, args.length)) {
                String[] p = phase.split(":");
                int seconds = Integer.parseInt(p[2]);
                ClientRequest request = ClientRequest.to(target, sni).withTimeout(timeout);
                if (p[0].equals("closed")) {
                    drain(pending, endings, timeout);
                    int concurrency = Integer.parseInt(p[1]);
                    AtomicLong done = new AtomicLong();
                    PhaseCounters cpu0 = PhaseCounters.now(client, target.getPort());
                    long t0 = System.nanoTime();
                    long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
                    for (int w = 0; w < concurrency; w++) {
                        closedWorker(client, request, end, done);
                    }
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) + 1);
                    double c = done.get() / ((System.nanoTime() - t0) / 1e9);
                    // The server's CPU over the loop: C is its capacity only if the loop kept its quota busy.
                    PhaseCounters cpu = PhaseCounters.now(client, target.getPort()).minus(cpu0);
                    capacity = Double.parseDouble(args[3]) > 0 ? capacity : c;
                    System.out.printf(Locale.ROOT, "{\"phase\":\"%s\",\"kind\":\"closed\",\"concurrency\":%d,\"seconds\":%d,\"answered\":%d,"
                            + "\"answered_per_s\":%.1f,\"capacity\":%.1f,\"server_cpu_s\":%s,\"throttled_s\":%s}%n", phase, concurrency, seconds,
                            done.get(), c, capacity, seconds(cpu.cpuSeconds()), seconds(cpu.throttledSeconds()));
                    System.out.flush();
                    Thread.sleep(1000); // the last closed-loop sessions end
                    continue;
                }
                double rate = Double.parseDouble(p[1]) * capacity;
                OpenPhase ph = new OpenPhase(phase, rate, seconds, new AtomicLong(), System.nanoTime());
                long total = Math.round(rate * seconds);
                // Back to back: the next phase's rate starts the moment this one ends, as a rush
                // follows calm and calm follows a rush, with whatever queue the server has built.
                var tick = ticker.scheduleAtFixedRate(() -> {
                    long due = Math.min(total, (long) ((System.nanoTime() - ph.t0) / 1e9 * rate));
                    while (ph.started.get() < due) {
                        ph.started.incrementAndGet();
                        long s0 = System.nanoTime();
                        client.run(request).whenComplete((r, e) -> endings.add(ending(ph, s0, r, e)));
                    }
                }, 0, 2, TimeUnit.MILLISECONDS);
                PhaseCounters cpu0 = PhaseCounters.now(client, target.getPort());
                Thread.sleep(seconds * 1000L);
                tick.cancel(false);
                ph.close(PhaseCounters.now(client, target.getPort()).minus(cpu0), System.nanoTime());
                pending.add(ph);
            }
            drain(pending, endings, timeout);
        } finally {
            ticker.shutdownNow();
            client.close();
        }
    }

    /** One closed-loop worker: the next session starts when this one ends, until {@code end}. */
    private static void closedWorker(HytaleClient client, ClientRequest request, long end, AtomicLong done) {
        if (System.nanoTime() >= end) {
            return;
        }
        client.run(request).whenComplete((s, e) -> {
            if (e == null && s.answer().isReferral() && System.nanoTime() < end) {
                done.incrementAndGet();
            }
            closedWorker(client, request, end, done);
        });
    }

    private static Ending ending(OpenPhase phase, long start, SessionResult r, Throwable e) {
        long took = System.nanoTime() - start;
        if (e == null) {
            return new Ending(phase, start, took, r.answer().isReferral() ? Ending.ANSWERED : Ending.REFUSED);
        }
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (c instanceof TimeoutException) {
            return new Ending(phase, start, took, Ending.TIMED_OUT);
        }
        // A CONNECTION_CLOSE during the handshake (the router refusing or shedding) ends the attempt
        // when it arrives; a close seen only as the channel ending (another server's stack) still counts.
        String m = String.valueOf(c.getMessage()) + " " + c.getCause();
        boolean refused = c instanceof dev.hyrouter.client.ServerClosedException
                || m.contains("CONNECTION_REFUSED") || m.contains("busy") || m.contains("closed") || m.contains("Closed");
        if (SAMPLES.getAndIncrement() % 200 == 0) {
            System.err.printf(Locale.ROOT, "failure after %.1f ms (%s): %s%n", took / 1e6, refused ? "refused" : "other", m);
        }
        return new Ending(phase, start, took, refused ? Ending.REFUSED : Ending.FAILED);
    }

    /**
     * What a phase is judged by besides its sessions: the server's CPU seconds (utime + stime of
     * {@code -Dhyrouter.serverPid}, in the kernel's 100 Hz ticks) and their JIT and event-loop
     * shares (thread schedstat), the seconds its cgroup was throttled ({@code -Dhyrouter.cgroup}'s
     * {@code cpu.stat}), so a phase shows whether the server used its quota and on what (NaN
     * without them); the kernel's drops on the server's sockets; the client's datagrams.
     */
    record PhaseCounters(double cpuSeconds, double throttledSeconds, double jitSeconds, double loopSeconds, long socketDrops,
                     DatagramCounter.Totals client) {
        static PhaseCounters now(HytaleClient client, int port) {
            String pid = System.getProperty("hyrouter.serverPid");
            double jit = Double.NaN;
            double loops = Double.NaN;
            if (pid != null) {
                try {
                    WarmupCurve.Cpu c = WarmupCurve.Cpu.of(Long.parseLong(pid));
                    jit = c.jit() / 1e9;
                    loops = c.loops() / 1e9;
                } catch (java.io.IOException | RuntimeException e) {
                    // the server has gone: the phase reports no split
                }
            }
            return new PhaseCounters(processCpu(pid), throttled(System.getProperty("hyrouter.cgroup")), jit, loops, socketDrops(port),
                    client.datagrams());
        }

        PhaseCounters minus(PhaseCounters before) {
            return new PhaseCounters(cpuSeconds - before.cpuSeconds, throttledSeconds - before.throttledSeconds,
                    jitSeconds - before.jitSeconds, loopSeconds - before.loopSeconds, socketDrops - before.socketDrops,
                    new DatagramCounter.Totals(client.sent() - before.client.sent(), client.sentBytes() - before.client.sentBytes(),
                            client.received() - before.client.received(), client.receivedBytes() - before.client.receivedBytes()));
        }

        /**
         * Datagrams the kernel dropped for the server's sockets (every UDP socket bound to
         * {@code port}, IPv4 and IPv6; the last column of {@code /proc/net/udp}): a full receive
         * buffer. The count lives with the socket, so it starts at 0 for each server.
         */
        private static long socketDrops(int port) {
            long drops = 0;
            for (String[] f : UdpTable.boundTo(port)) {
                if (f.length > 12) {
                    drops += Long.parseLong(f[f.length - 1]);
                }
            }
            return drops;
        }

        private static double processCpu(String pid) {
            if (pid == null) {
                return Double.NaN;
            }
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
                // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
            } catch (java.io.IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        private static double throttled(String cgroup) {
            if (cgroup == null) {
                return Double.NaN;
            }
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(cgroup, "cpu.stat"))) {
                    if (line.startsWith("throttled_time ")) {
                        return Long.parseLong(line.substring("throttled_time ".length()).trim()) / 1e9;
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                return Double.NaN;
            }
            return Double.NaN;
        }
    }

    /**
     * One phase's line. Sessions count in the phase they started in (answered, latency, refused,
     * timed out); goodput counts the answers the server completed inside the phase's window,
     * whichever phase their session started in: what it delivered while that load lasted. The
     * two differ by the queue: a server that is seconds behind when a rush phase ends answers
     * that phase's sessions in the next one, on the next phase's CPU.
     */
    private static void report(OpenPhase ph, List<Ending> all) {
        List<Ending> endings = all.stream().filter(x -> x.phase == ph).toList();
        long t0 = ph.t0;
        long[] answered = endings.stream().filter(x -> x.kind == Ending.ANSWERED).mapToLong(Ending::tookNanos).sorted().toArray();
        long[] refused = endings.stream().filter(x -> x.kind == Ending.REFUSED).mapToLong(Ending::tookNanos).sorted().toArray();
        long timedOut = endings.stream().filter(x -> x.kind == Ending.TIMED_OUT).count();
        long failed = endings.stream().filter(x -> x.kind == Ending.FAILED).count();
        long unfinished = ph.started.get() - endings.size();
        long goodput = answeredWithin(all, ph.t0, ph.t1);
        double window = (ph.t1 - ph.t0) / 1e9;
        // The first 2 s of a phase apart: how fast latency recovers after a rush.
        long[] first2s = endings.stream().filter(x -> x.kind == Ending.ANSWERED && x.startNanos - t0 < 2_000_000_000L)
                .mapToLong(Ending::tookNanos).sorted().toArray();
        long[] after2s = endings.stream().filter(x -> x.kind == Ending.ANSWERED && x.startNanos - t0 >= 2_000_000_000L)
                .mapToLong(Ending::tookNanos).sorted().toArray();
        PhaseCounters cpu = ph.cpu;
        System.out.printf(Locale.ROOT, "{\"phase\":\"%s\",\"kind\":\"open\",\"offered_per_s\":%.1f,\"seconds\":%d,\"started\":%d,"
                        + "\"answered\":%d,\"answered_per_s\":%.1f,\"goodput\":%d,\"goodput_per_s\":%.1f,\"window_s\":%.2f,"
                        + "\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f,"
                        + "\"refused\":%d,\"refused_p99_ms\":%.1f,\"refused_max_ms\":%.1f,\"timed_out\":%d,\"failed_other\":%d,\"unfinished\":%d,"
                        + "\"p99_first_2s_ms\":%.1f,\"p99_after_2s_ms\":%.1f,\"server_cpu_s\":%s,\"throttled_s\":%s,"
                        + "\"server_jit_s\":%s,\"server_loops_s\":%s,\"server_socket_drops\":%d,\"client_sent\":%d,\"client_received\":%d}%n",
                ph.name, ph.rate, ph.seconds, ph.started.get(), answered.length, answered.length / (double) ph.seconds, goodput, goodput / window, window,
                ms(answered, 0.50), ms(answered, 0.99),
                ms(answered, 1.0), refused.length, ms(refused, 0.99), ms(refused, 1.0), timedOut, failed, unfinished,
                ms(first2s, 0.99), ms(after2s, 0.99), seconds(cpu.cpuSeconds()), seconds(cpu.throttledSeconds()),
                seconds(cpu.jitSeconds()), seconds(cpu.loopSeconds()), cpu.socketDrops(), cpu.client().sent(), cpu.client().received());
        System.out.flush();
    }

    /** Answers completed in [{@code t0}, {@code t1}), whichever phase their session started in. */
    static long answeredWithin(List<Ending> all, long t0, long t1) {
        return all.stream().filter(x -> x.kind == Ending.ANSWERED)
                .filter(x -> x.startNanos + x.tookNanos >= t0 && x.startNanos + x.tookNanos < t1).count();
    }

    /** JSON for a figure that may be missing (no pid or cgroup given). */
    private static String seconds(double s) {
        return Double.isNaN(s) ? "null" : String.format(Locale.ROOT, "%.2f", s);
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
