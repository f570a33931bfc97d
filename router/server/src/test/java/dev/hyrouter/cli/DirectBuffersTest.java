package dev.hyrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class DirectBuffersTest {
    @Test
    void theNoCleanerPathIsAskedForUnlessTheOperatorSaidOtherwise() {
        Properties unset = new Properties();
        DirectBuffers.preferNoCleaner(unset);
        assertThat(unset.getProperty(DirectBuffers.PROPERTY)).isEqualTo("true");

        Properties operator = new Properties();
        operator.setProperty(DirectBuffers.PROPERTY, "false");
        DirectBuffers.preferNoCleaner(operator);
        assertThat(operator.getProperty(DirectBuffers.PROPERTY)).isEqualTo("false");
    }

    @Test
    void theStartUpLineSaysWhichPathAndHowToGetTheFasterOne() {
        assertThat(DirectBuffers.describe(true, "true")).isEqualTo("direct buffers: Netty's no-cleaner allocation");
        assertThat(DirectBuffers.describe(false, "true")).contains("java.nio is not open").contains("--add-opens java.base/java.nio=ALL-UNNAMED");
        assertThat(DirectBuffers.describe(false, "false")).contains(DirectBuffers.PROPERTY + "=false was set");
    }
}
