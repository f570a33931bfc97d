package dev.hyrouter.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A session log written by the simulations ({@code SessionLog}): per-second rows and whole-run lines. */
record SessionCsv(List<Second> seconds, long ok, long failed, double p50, double p99, double p999, List<String> failures) {
    record Second(long second, long ok, long failed, double p50Ms, double p99Ms, double p999Ms) {
    }

    static SessionCsv read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new SessionCsv(List.of(), 0, 0, Double.NaN, Double.NaN, Double.NaN,
                    List.of("no session log " + file.getFileName() + ": the simulation did not run (see its output)"));
        }
        List<Second> seconds = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long ok = 0;
        long failed = 0;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double p999 = Double.NaN;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("# failed ")) {
                failures.add(line.substring("# failed ".length()));
            } else if (line.startsWith("# total ")) {
                for (String kv : line.substring("# total ".length()).split(" ")) {
                    String[] p = kv.split("=");
                    switch (p[0]) {
                        case "p50_ms" -> p50 = Double.parseDouble(p[1]);
                        case "p99_ms" -> p99 = Double.parseDouble(p[1]);
                        case "p999_ms" -> p999 = Double.parseDouble(p[1]);
                        default -> {
                        }
                    }
                }
            } else if (!line.isEmpty() && Character.isDigit(line.charAt(0))) {
                String[] c = line.split(",");
                Second s = new Second(Long.parseLong(c[0]), Long.parseLong(c[1]), Long.parseLong(c[2]), Double.parseDouble(c[3]),
                        Double.parseDouble(c[4]), Double.parseDouble(c[5]));
                seconds.add(s);
                ok += s.ok();
                failed += s.failed();
            }
        }
        return new SessionCsv(seconds, ok, failed, p50, p99, p999, failures);
    }

    /** Seconds in which sessions completed (the run's length as the server saw it). */
    long activeSeconds() {
        return seconds.isEmpty() ? 0 : seconds.get(seconds.size() - 1).second() - seconds.get(0).second() + 1;
    }
}
