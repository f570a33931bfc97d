package dev.hyrouter.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * HotSpot's C2 compiler threads at a low priority from launch until the router's listeners are
 * bound, then back to the priority they had. On one core C2 took two thirds of the main thread's
 * CPU by ready (380-440 against 570-590 ms), compiling code only the start runs (the jar's central
 * directory, maps growing to their size, the generated key's field arithmetic). Starved, its queue
 * grows, and HotSpot's tiered policy raises the C2 thresholds with the queue's length (its load
 * feedback), so far fewer start-up methods are queued for C2 at all, while C1 still compiles what
 * the start needs. Measured in perf-reports/loadtest/2026-12-05-warm-start.md, session 28. The
 * router's own warm-up ({@code warmup.sessions}) runs after the restore, so what it compiles is
 * what players run.
 *
 * <p>Only where the launcher asks ({@code -Dhyrouter.jit.boot_nice=19}, which it sets beside the
 * JIT priorities it gives as root) and only as root: raising a thread's priority back needs
 * {@code CAP_SYS_NICE}, and a C2 left at nice 19 would compile late under load. Linux only: the
 * threads are found in {@code /proc/self/task} and reniced with {@code renice(1)} (Java has no call
 * for another thread's nice); anything missing leaves the priorities as the JVM set them. Only the
 * C2 threads alive at launch are lowered: one on a machine of two cores; where the JVM adds more as
 * its queue grows (more cores), those start at the JVM's priority.
 */
final class BootCompilerPriority {
    static final String PROPERTY = "hyrouter.jit.boot_nice";
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long WAIT_SECONDS = 5;

    /** The lowering of this process's start, or null when none was asked for or possible. */
    private static volatile BootCompilerPriority lowered;

    private final List<String> tids;
    private final int originalNice;
    private final int bootNice;
    private final Process renice;

    private BootCompilerPriority(List<String> tids, int originalNice, int bootNice, Process renice) {
        this.tids = tids;
        this.originalNice = originalNice;
        this.bootNice = bootNice;
        this.renice = renice;
    }

    /** What the launch and the restore did, for the log: null when nothing was asked for. */
    record Outcome(boolean ok, String message) {
    }

    /** The launch's note when it lowered nothing (logged at the restore, once logging is set up). */
    private static volatile Outcome launchNote;

    /** Call first in {@code main}, with the property's value (null: nothing is done). */
    static void lowerIfAsked(String bootNiceProperty) {
        launchNote = lower(bootNiceProperty);
    }

    private static Outcome lower(String bootNiceProperty) {
        if (bootNiceProperty == null || bootNiceProperty.isBlank()) {
            return null;
        }
        int bootNice;
        try {
            bootNice = Integer.parseInt(bootNiceProperty.trim());
        } catch (NumberFormatException e) {
            bootNice = Integer.MIN_VALUE;
        }
        if (bootNice < -20 || bootNice > 19) {
            return new Outcome(false, "-D" + PROPERTY + "=" + bootNiceProperty.strip()
                    + " is not a nice value (-20..19): compiler priorities left as the JVM set them");
        }
        try {
            if (!isRoot(Files.readAllLines(Path.of("/proc/self/status")))) {
                return new Outcome(false, "-D" + PROPERTY + " needs root (a lowered compiler thread could not be raised back):"
                        + " compiler priorities left as the JVM set them");
            }
            List<String> tids = new ArrayList<>();
            int nice = Integer.MIN_VALUE;
            try (Stream<Path> tasks = Files.list(TASKS)) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String comm;
                    String stat;
                    try {
                        comm = Files.readString(task.resolve("comm")).trim();
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException gone) {
                        continue; // a thread that ended while we looked
                    }
                    if (comm.startsWith("C2 CompilerThre")) {
                        tids.add(task.getFileName().toString());
                        nice = Math.max(nice, niceOf(stat));
                    }
                }
            }
            if (tids.isEmpty()) {
                return new Outcome(true, "no C2 compiler thread at launch (" + PROPERTY + " has nothing to do)");
            }
            if (nice >= bootNice) {
                return new Outcome(true, "the C2 compiler thread(s) already at nice " + nice + " (" + PROPERTY + " has nothing to do)");
            }
            lowered = new BootCompilerPriority(List.copyOf(tids), nice, bootNice, renice(bootNice, tids));
            return null;
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, "compiler priorities left as the JVM set them (" + PROPERTY + "): " + e);
        }
    }

    /**
     * Puts the threads lowered at launch back to their priority. Call once the listeners are
     * bound and before the warm-up. Returns what happened for the log, or null when nothing was
     * asked for; a failure says what to do.
     */
    static Outcome restore() {
        BootCompilerPriority b = lowered;
        lowered = null;
        if (b == null) {
            Outcome note = launchNote;
            launchNote = null;
            return note;
        }
        String threads = "C2 compiler thread(s) " + String.join(",", b.tids);
        try {
            try {
                finish(b.renice);
            } catch (IOException e) {
                return new Outcome(false, threads + " not lowered at launch (" + e.getMessage() + "): priorities as the JVM set them");
            }
            finish(renice(b.originalNice, b.tids));
            return new Outcome(true, threads + " at nice " + b.bootNice + " until the listeners were bound, now back at nice "
                    + b.originalNice + " (" + PROPERTY + ")");
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, "could not put the " + threads + " back from nice " + b.bootNice + " to " + b.originalNice
                    + " (" + e.getMessage() + "): the JIT compiles late under load; restart without -D" + PROPERTY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted while putting the " + threads + " back to nice " + b.originalNice
                    + ": restart without -D" + PROPERTY + " if this repeats");
        }
    }

    static boolean isRoot(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring(4).trim().split("\\s+");
                return ids.length > 1 && ids[1].equals("0"); // real, effective, ...: the effective one decides
            }
        }
        return false;
    }

    /** The nice value in a {@code /proc/<pid>/task/<tid>/stat} line (field 19; the name may hold spaces and parentheses). */
    static int niceOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Integer.parseInt(f[16]);
    }

    private static Process renice(int nice, List<String> tids) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        cmd.addAll(tids);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void finish(Process p) throws InterruptedException, IOException {
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("renice did not finish in " + WAIT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("renice exited with status " + p.exitValue());
        }
    }
}
