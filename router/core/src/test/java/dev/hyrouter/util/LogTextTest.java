package dev.hyrouter.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.dslplatform.json.DslJson;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogTextTest {
    private static final DslJson<Object> JSON = new DslJson<>();

    @Test
    void plainValuesStayBareAndEverythingElseIsQuotedAndEscaped() {
        assertThat(LogText.client("play.example.com")).isEqualTo("play.example.com");
        assertThat(LogText.client("")).isEqualTo("\"\"");
        assertThat(LogText.client("kwik.example.com\nFORGED LINE")).isEqualTo("\"kwik.example.com\\nFORGED LINE\"");
        assertThat(LogText.client("a\rb")).isEqualTo("\"a\\rb\"");
        assertThat(LogText.client("\u001b[31mred")).isEqualTo("\"\\x1b[31mred\"");
        assertThat(LogText.client("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
        assertThat(LogText.client("a=b")).isEqualTo("\"a=b\"");
        assertThat(LogText.client("nul\u0000")).isEqualTo("\"nul\\x00\"");
        assertThat(LogText.client("back\\slash")).isEqualTo("\"back\\\\slash\"");
        // Visible text of any script stays readable; what a reader cannot see is escaped.
        assertThat(LogText.client("größe")).isEqualTo("\"größe\"");
        assertThat(LogText.client("line\u2028sep")).isEqualTo("\"line\\u2028sep\"");
        assertThat(LogText.client("\u202eevil")).isEqualTo("\"\\u202eevil\"");
        assertThat(LogText.client("lone\ud800")).isEqualTo("\"lone\\ufffd\"");
        assertThat(LogText.client("pair\ud83d\ude00")).isEqualTo("\"pair\ud83d\ude00\"");
    }

    @Test
    void longValuesAreCutAndSaySo() {
        String sni = "a".repeat(1000);
        String v = LogText.value(sni, 255);
        assertThat(v).startsWith("\"" + "a".repeat(255) + "...(745 more chars)").endsWith("\"");
        assertThat(LogText.controls("x".repeat(2000), LogText.PLUGIN_CAP)).hasSize(LogText.PLUGIN_CAP + "...(976 more chars)".length());
    }

    @Test
    void controlsEscapesOnlyWhatCouldStartALine() {
        assertThat(LogText.controls("a plain message: with spaces", 100)).isEqualTo("a plain message: with spaces");
        assertThat(LogText.controls("two\nlines\r\u001b[2J", 100)).isEqualTo("two\\x0alines\\x0d\\x1b[2J");
    }

    @Test
    void anyStringBecomesOneValidJsonStringThatParsesBackAndOneLogfmtValueWithoutANewline() throws Exception {
        Random random = new Random(26);
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[random.nextInt(40)];
            for (int j = 0; j < chars.length; j++) {
                int pick = random.nextInt(4);
                chars[j] = (char) (pick == 0 ? random.nextInt(0x20) : pick == 1 ? random.nextInt(0x80) : pick == 2 ? random.nextInt(0x10000)
                        : "\"\\\n\r=".charAt(random.nextInt(5)));
            }
            String s = new String(chars);
            String json = LogText.json(new StringBuilder(), s, Integer.MAX_VALUE).toString();
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            String parsed = JSON.deserialize(String.class, bytes, bytes.length);
            assertThat(parsed).isEqualTo(withoutLoneSurrogates(s));
            String logfmt = LogText.value(s, Integer.MAX_VALUE);
            assertThat(logfmt).doesNotContain("\n", "\r", "\u2028", "\u0085");
            assertThat(logfmt.chars().noneMatch(c -> c < 0x20)).isTrue();
        }
    }

    private static String withoutLoneSurrogates(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\ufffd' : c);
            }
        }
        return b.toString();
    }
}
