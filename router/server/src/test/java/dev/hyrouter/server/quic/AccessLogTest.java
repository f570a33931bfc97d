package dev.hyrouter.server.quic;

import static org.assertj.core.api.Assertions.assertThat;

import com.dslplatform.json.DslJson;
import dev.hyrouter.pipeline.OutcomeKind;
import dev.hyrouter.testing.Await;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogTest {
    /** Collects what the agent writes; optionally holds the agent inside its first write. */
    private static final class Capture implements AccessLog.Sink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;
        int writes;

        Capture(boolean hold) {
            release = new CountDownLatch(hold ? 1 : 0);
        }

        @Override
        public synchronized void write(byte[] b, int length) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bytes.write(b, 0, length);
            writes++;
        }

        synchronized int writes() {
            return writes;
        }

        synchronized List<String> lines() {
            String all = bytes.toString(StandardCharsets.UTF_8);
            return all.isEmpty() ? List.of() : List.of(all.split("\n"));
        }
    }

    /** An access log of {@code capacity} bytes writing into {@code c}, as JSON lines or text. */
    private static AccessLog logTo(int capacity, Capture c, boolean json) {
        return new AccessLog(capacity, LoggerFactory.getLogger("dev.hyrouter.outcome.test"), new AccessLog.Target(c, json));
    }

    @Test
    void jsonLinesCarryEveryFieldAndEscapeText() throws Exception {
        Capture c = new Capture(false);
        AccessLog log = logTo(64 * 1024, c, true);
        log.referral("play.example.com", "a.internal", 5521, 0, 12, "192.0.2.1:4000");
        log.referral("x.example.com", "lobby.internal", 5520, -1, 0, "");
        log.disconnect("deny.example.com", 2, OutcomeKind.DENIED, "banned: \"cheater\"\nbye", "");
        log.refused("", "no Connect within the connect timeout", "");
        log.flush(10_000);
        List<String> lines = c.lines();
        assertThat(lines).hasSize(4);
        DslJson<Object> json = new DslJson<>();
        List<Map<String, Object>> parsed = new ArrayList<>();
        for (String line : lines) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = json.deserialize(Map.class, b, b.length);
            parsed.add(m);
        }
        assertThat(parsed.get(0)).containsEntry("event", "referral").containsEntry("sni", "play.example.com")
                .containsEntry("backend_host", "a.internal").containsEntry("client", "192.0.2.1:4000");
        assertThat(((Number) parsed.get(0).get("route")).intValue()).isZero();
        assertThat(((Number) parsed.get(0).get("backend_port")).intValue()).isEqualTo(5521);
        assertThat(((Number) parsed.get(0).get("content_bytes")).intValue()).isEqualTo(12);
        assertThat((String) parsed.get(0).get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(parsed.get(1)).containsEntry("route", "default").doesNotContainKey("client");
        assertThat(parsed.get(2)).containsEntry("event", "disconnect").containsEntry("decision", "denied")
                .containsEntry("reason", "banned: \"cheater\"\nbye");
        assertThat(parsed.get(3)).containsEntry("decision", "invalid_stream").containsEntry("detail", "no Connect within the connect timeout");
    }

    @Test
    void textLinesReadAsTheConsoleLogDoes() throws Exception {
        Capture c = new Capture(false);
        AccessLog log = logTo(64 * 1024, c, false);
        log.referral("play.example.com", "a.internal", 5521, 3, 0, "");
        log.disconnect("full.example.com", -1, OutcomeKind.NO_ROUTE, "no route", "192.0.2.1:4000");
        log.flush(10_000);
        assertThat(c.lines()).satisfiesExactly(
                l -> assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  outcome - "
                        + "referral sni=play\\.example\\.com route=3 backend=a\\.internal:5521 content_bytes=0"),
                l -> assertThat(l).endsWith(" INFO  outcome - disconnect sni=full.example.com decision=no_route route=- reason=\"no route\""
                        + " client=192.0.2.1:4000"));
    }

    /** What hostile clients and plugins send: line breaks, terminal escapes, quotes, NUL, lone surrogates, bidi overrides. */
    static final String[] HOSTILE = {"kwik.example.com\nFORGED LINE route=default backend=evil:1", "cr\rlf", "\u001b[31mred\u001b[0m",
            "say \"hi\" = yes", "nul\u0000byte", "lone\ud800surrogate", "\u202eevil", "line\u2028separator", "tab\there", "emoji \ud83d\ude00",
            "größe.example.com", "back\\slash"};

    @Test
    void hostileTextStaysInItsFieldInBothFormatsAndParsesBack() throws Exception {
        Capture text = new Capture(false);
        Capture json = new Capture(false);
        AccessLog t = logTo(256 * 1024, text, false);
        AccessLog j = logTo(256 * 1024, json, true);
        for (String h : HOSTILE) {
            for (AccessLog log : new AccessLog[] {t, j}) {
                log.referral(h, "host\nforged", 5520, 0, 0, "");
                log.disconnect(h, 1, OutcomeKind.DENIED, "plugin says: " + h, "");
                log.refused(h, "detail " + h, "");
            }
        }
        t.flush(10_000);
        j.flush(10_000);
        assertThat(text.lines()).as("one line per entry, none forged").hasSize(3 * HOSTILE.length);
        assertThat(json.lines()).hasSize(3 * HOSTILE.length);
        DslJson<Object> dsl = new DslJson<>();
        for (int i = 0; i < HOSTILE.length; i++) {
            String expected = HOSTILE[i].replace('\ud800', '\ufffd');
            Map<String, String> referral = dev.hyrouter.server.Logfmt.fields(text.lines().get(3 * i));
            assertThat(referral.get("sni")).isEqualTo(expected);
            assertThat(referral.get("backend")).isEqualTo("host\nforged:5520");
            assertThat(text.lines().get(3 * i + 1)).contains(" decision=denied ");
            for (int k = 0; k < 3; k++) {
                byte[] b = json.lines().get(3 * i + k).getBytes(StandardCharsets.UTF_8);
                @SuppressWarnings("unchecked")
                Map<String, Object> m = dsl.deserialize(Map.class, b, b.length);
                assertThat(m.get("sni")).isEqualTo(expected);
            }
        }
        for (String line : text.lines()) {
            assertThat(line.chars().noneMatch(c -> c < 0x20 || c == 0x2028 || c == 0x202e)).as(line).isTrue();
        }
    }

    @Test
    void aHugeSniOrReasonIsCutAndMarked() throws Exception {
        Capture c = new Capture(false);
        AccessLog log = logTo(256 * 1024, c, true);
        log.disconnect("s".repeat(5_000), 0, OutcomeKind.DENIED, "r".repeat(50_000), "");
        log.flush(10_000);
        byte[] b = c.lines().get(0).getBytes(StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new DslJson<>().deserialize(Map.class, b, b.length);
        assertThat((String) m.get("sni")).isEqualTo("s".repeat(dev.hyrouter.util.LogText.CLIENT_CAP) + "\u2026");
        assertThat((String) m.get("reason")).isEqualTo("r".repeat(dev.hyrouter.util.LogText.PLUGIN_CAP) + "\u2026");
    }

    @Test
    void aFullRingDropsAndCountsAndNeverBlocksTheWriter() throws Exception {
        Capture c = new Capture(true);
        AccessLog log = logTo(4 * 1024, c, true);
        log.referral("first.example.com", "a", 1, 0, 0, "");
        c.entered.await(); // the agent is now stuck in a slow write
        int attempts = 1_000;
        for (int i = 0; i < attempts; i++) {
            log.referral("play.example.com", "a.internal", 5521, 0, 0, "");
        }
        long dropped = log.droppedTotal();
        assertThat(dropped).as("a 4 KiB ring cannot hold a thousand entries").isPositive();
        c.release.countDown();
        log.flush(10_000);
        assertThat(c.lines()).hasSize(1 + attempts - (int) dropped);
    }

    @Test
    void anIdleAgentWaitsWithoutATimerAndWakesForTheNextEntry() throws Exception {
        Capture c = new Capture(false);
        AccessLog log = logTo(64 * 1024, c, true);
        log.referral("a.example.com", "a", 1, 0, 0, "");
        // Written first (an agent still parked from before the entry would also read WAITING), then idle.
        Await.until("the first entry written", () -> c.lines().size() == 1);
        Await.until("the agent parked without a timeout", () -> log.agentState() == Thread.State.WAITING);
        log.referral("b.example.com", "a", 1, 0, 0, "");
        Await.until("the second entry written", () -> c.lines().size() == 2);
        assertThat(c.writes()).as("one write per batch").isEqualTo(2);
    }
}
