package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log belongs to its router: two routers in one process each write their own
 * outcomes to their own file, and a router that stops ends its log's thread and closes its file
 * while the other goes on.
 */
class AccessLogPerRouterTest {
    @TempDir
    Path dir;

    @Test
    void eachRouterLogsItsOwnOutcomesAndStoppingOneClosesOnlyItsLog() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        int threadsBefore = TestRouter.accessLogThreads();
        try (TestRouter second = TestRouter.start(TestRouter.ONE_BACKEND + "logging: {access_log: \"" + b + "\"}\n", Map.of())) {
            try (TestRouter first = TestRouter.start(TestRouter.ONE_BACKEND + "logging: {access_log: \"" + a + "\"}\n", Map.of())) {
                assertThat(TestRouter.accessLogThreads()).as("one access-log thread per router").isEqualTo(threadsBefore + 2);
                assertThat(first.run("first.example.com").answer().isReferral()).isTrue();
                assertThat(second.run("second.example.com").answer().isReferral()).isTrue();
                first.server.intake().flushAccessLog(10_000);
                second.server.intake().flushAccessLog(10_000);
                assertThat(Files.readAllLines(a)).singleElement().asString().contains("\"sni\":\"first.example.com\"");
                assertThat(Files.readAllLines(b)).singleElement().asString().contains("\"sni\":\"second.example.com\"");
                assertThat(first.server.intake().accessLogDropped()).isZero();
            }
            assertThat(TestRouter.accessLogThreads()).as("the stopped router's log thread ended").isEqualTo(threadsBefore + 1);
            assertThat(openFiles()).as("the stopped router's file closed, the running one's open").contains(b).doesNotContain(a);

            assertThat(second.run("again.example.com").answer().isReferral()).isTrue();
            second.server.intake().flushAccessLog(10_000);
            assertThat(Files.readAllLines(b)).hasSize(2);
            assertThat(Files.readAllLines(a)).hasSize(1);
        }
        assertThat(TestRouter.accessLogThreads()).isEqualTo(threadsBefore);
        assertThat(openFiles()).doesNotContain(a, b);
    }


    /** What this process's file descriptors point at (Linux, where the tests run). */
    private static List<Path> openFiles() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd);
                } catch (Exception gone) {
                    return Path.of("");
                }
            }).toList();
        }
    }
}
