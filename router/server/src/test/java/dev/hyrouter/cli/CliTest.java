package dev.hyrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.server.RouterServer;
import dev.hyrouter.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private Level rootLevel;

    // The run command sets the JVM-wide root log level (-log-level, default info); later test
    // classes in this fork must keep the level of logback-test.xml.
    @BeforeEach
    void rememberLogLevel() {
        rootLevel = root.getLevel();
    }

    @AfterEach
    void restoreLogLevel() {
        root.setLevel(rootLevel);
    }

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void validateAcceptsEveryFixtureConfig(@TempDir Path dir) throws Exception {
        for (String name : Fixtures.CONFIGS) {
            Path f = Fixtures.configFile(name, dir);
            assertThat(run("validate", f.toString())).as(name).isZero();
        }
        assertThat(out()).contains("plugins.yaml: ok (0 route(s), default pool set, 2 plugin(s), 0 warning(s))")
                .contains("dev.yaml: ok (1 route(s), default pool set, 0 plugin(s), 0 warning(s))");
        assertThat(err()).isEmpty();
    }

    @Test
    void validateRefusesABrokenConfigWithItsReason(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "routing:\n  default:\n    strategy: fastest\n    backends: [{host: a, port: 1}]\n");
        assertThat(run("validate", bad.toString())).isEqualTo(1);
        assertThat(err()).contains("invalid config: " + bad + ":3: routing.default.strategy: unknown strategy \"fastest\"");
    }

    @Test
    void validateReportsWarnings(@TempDir Path dir) throws Exception {
        Path warn = dir.resolve("w.yml");
        Files.writeString(warn, "listen: \":5520\"\nlisten_port: 1\n");
        assertThat(run("--config=" + warn, "validate")).isEqualTo(2);
        out.reset();
        err.reset();
        assertThat(run("validate", warn.toString())).isZero();
        assertThat(err()).contains("warning: " + warn + ":2: listen_port: unknown key");
    }

    @Test
    void unknownFlagsAndBadLevelsAreUsageErrors() {
        assertThat(run("-nope")).isEqualTo(2);
        assertThat(err()).contains("flag provided but not defined: -nope").contains("Usage:");
        assertThat(run("-log-level", "loud", "-config", "x.yaml")).isEqualTo(2);
        assertThat(err()).contains("invalid log level \"loud\"");
    }

    @Test
    void runFailsCleanlyOnAMissingConfig() {
        assertThat(run("-config", "does-not-exist.yaml")).isEqualTo(1);
    }

    @Test
    void probePrintsOneJsonLineWithTheCheckedEnvelope() throws Exception {
        String yaml = "listen: \"127.0.0.1:0\"\nreferral: {key_id: 2, hmac_secret: s3cret}\n"
                + "routing:\n  default: {strategy: round_robin, backends: [{host: play.hyvane.com, port: 5520}]}\n";
        try (RouterServer server = RouterServer.start(ConfigLoader.parse(yaml, "p.yaml", false))) {
            String target = "127.0.0.1:" + server.address().getPort();
            assertThat(run("probe", "--target", target, "--sni", "play.example.com", "--hmac-secret", "s3cret", "--layout", "v1"))
                    .isZero();
            assertThat(out()).startsWith("{\"target\":\"" + target + "\",\"sni\":\"play.example.com\",\"alpn\":\"hytale/2\","
                    + "\"outcome\":\"referral\",\"host\":\"play.hyvane.com\",\"port\":5520,"
                    + "\"envelope\":{\"version\":1,\"key_id\":2,\"signed\":true,\"content_base64\":\"\",\"signature\":\"valid\"}");
            out.reset();
            assertThat(run("probe", "--target", target, "--sni", "play.example.com", "--hmac-secret", "wrong")).isZero();
            assertThat(out()).contains("\"signature\":\"invalid\"");
            out.reset();
            assertThat(run("probe", "--target", target, "--sni", "play.example.com", "--count", "200", "--concurrency", "16")).isZero();
            assertThat(out()).contains("\"sessions\":200").contains("\"referrals\":200").contains("\"failed\":0")
                    .contains("\"sessions_per_s\":").contains("\"p99\":").doesNotContain("envelopes_invalid");
            out.reset();
            // With a secret, load mode checks every envelope: the right key passes, a wrong one fails the run.
            assertThat(run("probe", "--target", target, "--sni", "play.example.com", "--count", "50", "--hmac-secret", "s3cret")).isZero();
            assertThat(out()).contains("\"referrals\":50").contains("\"envelopes_invalid\":0");
            out.reset();
            assertThat(run("probe", "--target", target, "--sni", "play.example.com", "--count", "50", "--hmac-secret", "wrong")).isEqualTo(1);
            assertThat(out()).contains("\"referrals\":50").contains("\"envelopes_invalid\":50");
        }
    }

    @Test
    void probeSaysWhySessionsFailed() throws Exception {
        // One new connection per second from an address, a burst of 2: a load from one machine is refused.
        String yaml = "listen: \"127.0.0.1:0\"\nlimits: {new_connections_per_ip: 1, new_connections_per_ip_burst: 2}\n"
                + "routing:\n  default: {strategy: round_robin, backends: [{host: play.hyvane.com, port: 5520}]}\n";
        try (RouterServer server = RouterServer.start(ConfigLoader.parse(yaml, "p.yaml", false))) {
            String target = "127.0.0.1:" + server.address().getPort();
            assertThat(run("probe", "--target", target, "--sni", "play.example.com", "--count", "20", "--concurrency", "4")).isEqualTo(1);
            assertThat(out()).contains("\"failures\":{\"refused: too many connections from your address\":")
                    .contains("\"hint\":\"the router's per-address limits");
        }
    }

    @Test
    void probeWritesAQlogPerSession(@TempDir Path dir) throws Exception {
        String yaml = "listen: \"127.0.0.1:0\"\nrouting:\n  default: {strategy: round_robin, backends: [{host: play.hyvane.com, port: 5520}]}\n";
        try (RouterServer server = RouterServer.start(ConfigLoader.parse(yaml, "p.yaml", false))) {
            String target = "127.0.0.1:" + server.address().getPort();
            assertThat(run("probe", "--target", target, "--sni", "play.example.com", "--count", "3", "--qlog", dir.resolve("q").toString()))
                    .isEqualTo(0);
            try (var files = Files.list(dir.resolve("q"))) {
                List<Path> qlogs = files.sorted().toList();
                assertThat(qlogs).extracting(p -> p.getFileName().toString())
                        .containsExactly("session-1.qlog", "session-2.qlog", "session-3.qlog");
                // The client's view of its packets, the Connect's stream among them.
                assertThat(Files.readString(qlogs.get(0))).contains("\"quic:packet_sent\"").contains("\"frame_type\":\"stream\"");
            }
        }
    }

    @Test
    void probeReportsAnUnreachableRouterAsAnError() {
        assertThat(run("probe", "--target", "127.0.0.1:9", "--sni", "play.example.com", "--timeout", "1s")).isEqualTo(1);
        assertThat(out()).contains("\"outcome\":\"error\"");
    }
}
