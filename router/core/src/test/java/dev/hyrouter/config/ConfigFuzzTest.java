package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of the config loader: a config file (YAML, or JSON when it
 * starts with '{') either loads or is refused with a {@link ConfigException} that names the file
 * and a line inside it; no other exception, hang or stack overflow gets out. Regression inputs (the
 * fixture configs and the bundled one, plus what fuzzing found):
 * {@code src/test/resources/dev/hyrouter/config/ConfigFuzzTestInputs/}.
 */
class ConfigFuzzTest {
    private static final String FILE = "fuzz-config.yaml";

    @FuzzTest(maxDuration = "10m")
    void config(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean json = text.startsWith("{");
        try {
            RouterConfig c = ConfigLoader.parse(text, FILE, json);
            assertThat(c.listen()).isNotBlank();
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).startsWith(FILE);
            assertThat(refused.line()).isBetween(0, (int) text.lines().count() + 1);
            assertThat(refused.rule()).isNotBlank();
        }
    }
}
