package io.netty.handler.codec.quic;

import javax.net.ssl.SSLEngine;

/**
 * Lets a closed QUIC connection's channel go at the next young collection. Netty's native
 * connection object has a finalizer (a safety net; the router frees every connection when it
 * closes), so the collector keeps everything it reaches until the finalizer thread has run, one
 * collection later. Through its TLS engine's SNI callback (a lambda over the channel) that was
 * the whole channel: pipeline, handlers, streams, timers. Each young collection then copied every
 * connection closed since the previous one, which under a CPU quota stretched a pause to
 * 0.4-0.9 s in a rush (issue 32). The callback is needed only while the handshake runs; the
 * field is package-private, so this class lives in Netty's package. On Java 18+ the launchers
 * turn finalization off altogether; this helps Java 17. If a later Netty drops the field, it
 * does nothing.
 */
public final class QuicConnectionRelease {
    private static final boolean AVAILABLE = probe();

    private QuicConnectionRelease() {
    }

    private static boolean probe() {
        try {
            QuicheQuicSslEngine.class.getDeclaredField("sniSelectedCallback");
            return true;
        } catch (NoSuchFieldException | LinkageError e) {
            return false;
        }
    }

    /** Drops what {@code engine} (a closed connection's, or {@code null}) holds of its channel. */
    public static void release(SSLEngine engine) {
        if (AVAILABLE && engine instanceof QuicheQuicSslEngine e) {
            try {
                e.sniSelectedCallback = null;
            } catch (LinkageError ignored) {
                // A Netty without the field: the channel goes one collection later, as before.
            }
        }
    }
}
