package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.server.admin.RouterMetrics;
import dev.hyrouter.testing.TestPlugin;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A full set of sessions at debug level with identity tokens and a referral key configured, and
 * client addresses off: no token, no key and no client address in any log line, access-log
 * entry or metric.
 */
class SecretsNeverLoggedTest {
    private static final byte[] KEY = "hyrouter-test-hmac-key-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOKEN = "identity-token-SECRET-4f1c9e".getBytes(StandardCharsets.US_ASCII);

    /** Every event of every logger, formatted with its throwable. */
    private static final class Capture extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new ArrayList<>();

        @Override
        protected synchronized void append(ILoggingEvent e) {
            String t = e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy());
            lines.add(e.getLoggerName() + " " + e.getFormattedMessage() + " " + t);
        }

        synchronized List<String> all() {
            return List.copyOf(lines);
        }
    }

    @Test
    void noTokenKeyOrClientAddressAppearsAnywhere(@TempDir Path dir) throws Exception {
        Path accessLog = dir.resolve("access.jsonl");
        String yaml = """
                logging: {log_client_ip: false, access_log: "%s"}
                limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
                referral: {key_id: 3, hmac_secret: "base64:%s"}
                routing:
                  routes:
                    - match: {hostname: full.example.com}
                      pool: {strategy: random, filters: [{type: game_start_not_past, key: s}], backends: [{host: x, port: 1, meta: {s: "5"}}]}
                  default: {strategy: round_robin, backends: [{host: lobby.internal, port: 5520}]}
                plugins:
                  - {name: gate, type: wasm, wasm: {path: unused.wasm}}
                  - {name: broken, type: wasm, wasm: {path: unused.wasm}}
                """.formatted(accessLog, Base64.getEncoder().encodeToString(KEY));
        TestPlugin gate = TestPlugin.answering("gate", q -> "deny".equals(q.event().username())
                ? ConnectResponse.denyWith("denied by gate") : ConnectResponse.EMPTY);
        Capture capture = new Capture();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("dev.hyrouter");
        Level before = ours.getLevel();
        capture.start();
        root.addAppender(capture);
        ours.setLevel(Level.DEBUG);
        String metrics;
        int serverPort;
        try (TestRouter r = TestRouter.start(yaml, Map.of("gate", gate, "broken", TestPlugin.throwing("broken")))) {
            serverPort = r.server.address().getPort();
            ConnectFields withToken = ConnectFields.defaults().withIdentityToken(TOKEN).withUsername("alex");
            for (int i = 0; i < 3; i++) {
                assertThat(r.run(r.request("play.example.com").withFields(withToken)).answer().isReferral()).isTrue();
            }
            assertThat(r.run(r.request("play.example.com").withFields(withToken.withUsername("deny"))).answer().reason())
                    .isEqualTo("denied by gate");
            assertThat(r.run(r.request("full.example.com").withFields(withToken)).answer().isReferral()).isFalse();
            byte[] garbage = ByteBufUtil.getBytes(Unpooled.buffer().writeIntLE(TOKEN.length).writeIntLE(0).writeBytes(TOKEN));
            assertThat(r.run(r.request("play.example.com").withRawBytes(garbage)).answer().isReferral()).isTrue();
            assertThat(gate.requests()).isNotEmpty();
            r.assertNothingLeaks();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            new PrometheusTextFormatWriter(false).write(text, RouterMetrics.registry(r.server).scrape());
            metrics = text.toString(StandardCharsets.UTF_8);
            r.server.intake().flushAccessLog(10_000);
        } finally {
            root.detachAppender(capture);
            ours.setLevel(before);
        }
        String access = Files.readString(accessLog);
        assertThat(access.lines()).hasSize(6);
        List<String> everything = new ArrayList<>(capture.all());
        everything.add(access);
        everything.add(metrics);
        assertThat(capture.all()).as("debug lines were logged").anyMatch(l -> l.contains("rx packet"));

        List<String> forbidden = List.of(new String(TOKEN, StandardCharsets.US_ASCII), Base64.getEncoder().encodeToString(TOKEN),
                Base64.getUrlEncoder().withoutPadding().encodeToString(TOKEN), HexFormat.of().formatHex(TOKEN),
                new String(KEY, StandardCharsets.US_ASCII), Base64.getEncoder().encodeToString(KEY), HexFormat.of().formatHex(KEY));
        Pattern loopback = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
        for (String text : everything) {
            for (String secret : forbidden) {
                assertThat(text).as("a secret in: " + text).doesNotContain(secret);
            }
            assertThat(text).doesNotContain("client=").doesNotContain("\"client\"");
            Matcher m = loopback.matcher(text);
            while (m.find()) {
                assertThat(Integer.parseInt(m.group(1))).as("only the router's own address may appear: " + text).isEqualTo(serverPort);
            }
        }
    }
}
