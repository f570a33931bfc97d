package dev.hyrouter.client;

import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectView;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * One session a {@link HytaleClient} runs: where to connect, with which SNI, ALPN and client
 * certificate, and what to send (a Connect in layout V1 or V2, raw bytes, or nothing at all).
 * Immutable; build with the {@code with*} methods.
 */
public record ClientRequest(
        InetSocketAddress target,
        String sni,
        List<String> alpn,
        ConnectView.Layout layout,
        ConnectFields fields,
        byte[] rawBytes,
        boolean silent,
        PrivateKey clientKey,
        X509Certificate clientCertificate,
        Duration timeout,
        Handshake handshake) {

    /**
     * How the TLS handshake treats sessions. Real Hytale clients are not known to resume, so a
     * load test measures {@link #FULL} unless it says otherwise.
     */
    public enum Handshake {
        /** Every session a full handshake: the client keeps no tickets. */
        FULL,
        /** Keep the router's session tickets and resume with them (no certificate, no signature). */
        RESUME,
        /** As {@link #RESUME}, and send the Connect as 0-RTT early data when a ticket allows it. */
        EARLY_DATA
    }

    public static ClientRequest to(InetSocketAddress target, String sni) {
        return new ClientRequest(target, sni, List.of("hytale/2"), ConnectView.Layout.V2, ConnectFields.defaults(), null, false,
                null, null, Duration.ofSeconds(10), Handshake.FULL);
    }

    public ClientRequest withAlpn(List<String> v) {
        return new ClientRequest(target, sni, List.copyOf(v), layout, fields, rawBytes, silent, clientKey, clientCertificate, timeout, handshake);
    }

    public ClientRequest withLayout(ConnectView.Layout v) {
        return new ClientRequest(target, sni, alpn, v, fields, rawBytes, silent, clientKey, clientCertificate, timeout, handshake);
    }

    public ClientRequest withFields(ConnectFields v) {
        return new ClientRequest(target, sni, alpn, layout, v, rawBytes, silent, clientKey, clientCertificate, timeout, handshake);
    }

    /** Sends these bytes on the stream instead of a Connect frame. */
    public ClientRequest withRawBytes(byte[] v) {
        return new ClientRequest(target, sni, alpn, layout, fields, v, silent, clientKey, clientCertificate, timeout, handshake);
    }

    /** Opens the stream but sends nothing. */
    public ClientRequest withSilence() {
        return new ClientRequest(target, sni, alpn, layout, fields, rawBytes, true, clientKey, clientCertificate, timeout, handshake);
    }

    public ClientRequest withClientCertificate(PrivateKey key, X509Certificate cert) {
        return new ClientRequest(target, sni, alpn, layout, fields, rawBytes, silent, key, cert, timeout, handshake);
    }

    public ClientRequest withTimeout(Duration v) {
        return new ClientRequest(target, sni, alpn, layout, fields, rawBytes, silent, clientKey, clientCertificate, v, handshake);
    }

    public ClientRequest withHandshake(Handshake v) {
        return new ClientRequest(target, sni, alpn, layout, fields, rawBytes, silent, clientKey, clientCertificate, timeout, v);
    }
}
