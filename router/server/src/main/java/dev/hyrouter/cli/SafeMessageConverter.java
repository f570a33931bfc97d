package dev.hyrouter.cli;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.hyrouter.util.LogText;
import org.slf4j.helpers.MessageFormatter;

/**
 * {@code %msg} for every log line of the router: the message with each argument's control
 * characters escaped ({@link LogText#controls}), so no value that came from a client, a plugin
 * or a peer (an SNI, a deny reason, an exception's message) can start a line of its own or
 * drive the operator's terminal, and none longer than {@link LogText#PLUGIN_CAP} characters
 * fills the log. The message patterns are the router's own and are left as written; a
 * throwable is printed by {@code %ex} as before.
 */
public final class SafeMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        Object[] args = event.getArgumentArray();
        if (args == null || args.length == 0) {
            return event.getFormattedMessage();
        }
        Object[] safe = new Object[args.length];
        boolean changed = false;
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null || a instanceof Number || a instanceof Boolean || a instanceof Throwable) {
                safe[i] = a;
                continue;
            }
            String text = String.valueOf(a);
            String escaped = LogText.controls(text, LogText.PLUGIN_CAP);
            changed |= escaped != text;
            safe[i] = escaped;
        }
        return changed ? MessageFormatter.basicArrayFormat(event.getMessage(), safe) : event.getFormattedMessage();
    }
}
