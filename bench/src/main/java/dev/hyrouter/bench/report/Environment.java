package dev.hyrouter.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where a number was measured: machine, JVM, JMH settings, commit. Written beside every report. */
public final class Environment {
    private Environment() {
    }

    public static Map<String, String> capture(List<JmhResult> results, String command) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        e.put("git", git("rev-parse", "--short", "HEAD") + (git("status", "--porcelain", "--untracked-files=no").isEmpty() ? "" : " (dirty)"));
        e.put("cpu", cpuModel());
        e.put("cpu_id", cpuId());
        e.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        e.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        e.put("command", command);
        if (!results.isEmpty()) {
            Map<String, String> run = results.get(0).run();
            e.put("jdk", run.getOrDefault("vmName", "") + " " + run.getOrDefault("jdkVersion", "") + " (" + run.getOrDefault("vmVersion", "") + ")");
            e.put("jvm_args", distinct(results, "jvmArgs"));
            e.put("gc", gc(run.getOrDefault("jvmArgs", "")));
            e.put("jmh", run.getOrDefault("jmhVersion", "") + ", forks " + distinct(results, "forks") + ", warm-up "
                    + distinct(results, "warmupIterations") + " × " + distinct(results, "warmupTime") + ", measurement "
                    + distinct(results, "measurementIterations") + " × " + distinct(results, "measurementTime")
                    + ("0".equals(run.get("forks")) ? " (forks 0: every benchmark in the runner JVM, "
                    + "with the calibration)" : ""));
        }
        return e;
    }

    /**
     * A setting as the run used it: one value when every benchmark had it, else each value with
     * the benchmarks that had it, so a row never states one class's setting for all.
     */
    static String distinct(List<JmhResult> results, String key) {
        Map<String, List<String>> byValue = new LinkedHashMap<>();
        for (JmhResult r : results) {
            String name = r.name().contains("[") ? r.name().substring(0, r.name().indexOf('[')) : r.name();
            String cls = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
            cls = cls.substring(cls.lastIndexOf('.') + 1);
            List<String> classes = byValue.computeIfAbsent(r.run().getOrDefault(key, ""), k -> new java.util.ArrayList<>());
            if (!classes.contains(cls)) {
                classes.add(cls);
            }
        }
        if (byValue.size() == 1) {
            return byValue.keySet().iterator().next();
        }
        StringBuilder b = new StringBuilder();
        byValue.forEach((value, classes) -> b.append(b.length() == 0 ? "" : "; ").append(value.isEmpty() ? "(none)" : value)
                .append(" (").append(String.join(", ", classes)).append(')'));
        return b.toString();
    }

    static String gc(String jvmArgs) {
        for (String gc : List.of("UseParallelGC", "UseG1GC", "UseZGC", "UseShenandoahGC", "UseSerialGC")) {
            if (jvmArgs.contains("+" + gc)) {
                return gc.substring(3);
            }
        }
        return "JVM default (G1)";
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: the architecture below must do.
        }
        return System.getProperty("os.arch");
    }

    /**
     * The processor's family, model and stepping ({@code 23-49-0}): "AMD EPYC" names several
     * generations, and the gate's ratios move by half between them (benchmark and calibration
     * do not speed up alike), so a baseline holds only on the processor it was recorded on.
     */
    public static String cpuId() {
        String family = "?";
        String model = "?";
        String stepping = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                String value = line.substring(line.indexOf(':') + 1).trim();
                if (line.startsWith("cpu family")) {
                    family = value;
                } else if (line.matches("model\\s*:.*")) {
                    model = value;
                } else if (line.startsWith("stepping")) {
                    stepping = value;
                } else if (line.isEmpty()) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
        return family + "-" + model + "-" + stepping;
    }

    private static String git(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "git";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
