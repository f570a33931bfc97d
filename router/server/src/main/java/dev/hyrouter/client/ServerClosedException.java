package dev.hyrouter.client;

import dev.hyrouter.util.LogText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The server closed the connection before the handshake completed (a CONNECTION_CLOSE, such as
 * the router's stateless "server busy"). Reported as soon as the close arrives, as a game client
 * would see it, not after the client stack's draining period.
 */
public final class ServerClosedException extends IOException {
    private final boolean applicationClose;
    private final long error;
    private final String reason;

    ServerClosedException(String attempt, boolean applicationClose, long error, byte[] reason) {
        this(attempt, applicationClose, error, reason == null ? "" : new String(reason, StandardCharsets.UTF_8));
    }

    private ServerClosedException(String attempt, boolean applicationClose, long error, String reason) {
        // The message is logged by whoever catches it: the server's text is escaped and bounded there.
        super(attempt + " was closed by the server: " + describe(applicationClose, error) + " "
                + LogText.value(reason, LogText.CLIENT_CAP));
        this.applicationClose = applicationClose;
        this.error = error;
        this.reason = reason;
    }

    private static String describe(boolean applicationClose, long error) {
        if (applicationClose) {
            return "application error 0x" + Long.toHexString(error);
        }
        return switch ((int) error) {
            case 0x0 -> "NO_ERROR";
            case 0x2 -> "CONNECTION_REFUSED";
            case 0x1 -> "INTERNAL_ERROR";
            default -> "transport error 0x" + Long.toHexString(error);
        };
    }

    /** True for CONNECTION_REFUSED, the transport's "try again later". */
    public boolean refused() {
        return !applicationClose && error == 0x2;
    }

    public boolean applicationClose() {
        return applicationClose;
    }

    public long error() {
        return error;
    }

    /** The server's reason phrase as sent (client-side text: escape before logging it). */
    public String reason() {
        return reason;
    }
}
