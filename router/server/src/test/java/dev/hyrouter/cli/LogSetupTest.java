package dev.hyrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogSetupTest {
    /** A context as logback's service provider makes it (it gives each its MDC adapter). */
    private static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        return context;
    }

    @Test
    void aLineAsTheRouterWritesItWithClientTextEscaped() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = newContext();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LogSetup.install(context);
            context.getLogger("dev.hyrouter.server.Example").info("refused sni={}", "evil\nINFO  forged - line");
            context.getLogger("io.netty.Example").info("not at info");
            context.stop(); // the async appender writes what it holds
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).hasSize(1);
        assertThat(out).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ INFO  Example - refused sni=evil\\S+INFO  forged - line\\n");
        assertThat(out).doesNotContain("not at info");
    }

    @Test
    void theAppenderNeverBlocksAnEventLoopAndNettyLogsWarningsOnly() {
        LoggerContext context = newContext();
        LogSetup.install(context);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        AsyncAppender async = (AsyncAppender) root.getAppender("ASYNC");
        assertThat(async.isNeverBlock()).isTrue();
        assertThat(async.getDiscardingThreshold()).isZero();
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        context.stop();
    }

    @Test
    void aTestsOwnFileWins() {
        // This module's tests carry logback-test.xml: the setup steps aside for it, as for -Dlogback.configurationFile.
        LogSetup setup = new LogSetup();
        LoggerContext context = newContext();
        setup.setContext(context);
        assertThat(setup.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }
}
