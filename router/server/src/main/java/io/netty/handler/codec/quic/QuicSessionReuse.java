package io.netty.handler.codec.quic;

import javax.net.ssl.SSLEngine;

/**
 * Whether a QUIC TLS handshake resumed a session. Netty knows (BoringSSL reports it when the
 * handshake completes) but keeps the accessor package-private, so this class lives in Netty's
 * package. It answers {@code false} for an engine it does not know, or if a later Netty changes
 * the method: the router then counts no resumptions rather than failing a handshake.
 */
public final class QuicSessionReuse {
    private static final boolean AVAILABLE = probe();

    private QuicSessionReuse() {
    }

    private static boolean probe() {
        try {
            QuicheQuicSslEngine.class.getDeclaredMethod("isSessionReused");
            return true;
        } catch (NoSuchMethodException | LinkageError e) {
            return false;
        }
    }

    /** True once the handshake of this engine has completed by resuming a session. */
    public static boolean resumed(SSLEngine engine) {
        if (!AVAILABLE || !(engine instanceof QuicheQuicSslEngine q)) {
            return false;
        }
        try {
            return q.isSessionReused();
        } catch (LinkageError e) {
            return false;
        }
    }
}
