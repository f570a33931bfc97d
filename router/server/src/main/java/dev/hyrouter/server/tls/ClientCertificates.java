package dev.hyrouter.server.tls;

import io.netty.handler.codec.quic.QuicSessionReuse;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.Socket;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Client certificates as plugins see them. The router requests one but does not verify it
 * (plugins get its fingerprint and decide), so this trust manager accepts every chain; it also
 * notes which handshakes presented one, so a connection without a certificate learns that
 * without asking its TLS session (which answers "none" by throwing); a resumed handshake, which
 * verifies nothing, asks its session. The fingerprint is base64url
 * (no padding) of SHA-256 of the leaf's DER, with one digest per thread.
 */
public final class ClientCertificates {
    /** Engines whose handshake presented a certificate, until their connection asks (or ends). */
    private static final Map<SSLEngine, Boolean> PRESENTED = new ConcurrentHashMap<>();
    private static final FastThreadLocal<MessageDigest> SHA256 = new FastThreadLocal<>() {
        @Override
        protected MessageDigest initialValue() throws NoSuchAlgorithmException {
            return MessageDigest.getInstance("SHA-256");
        }
    };

    private ClientCertificates() {
    }

    /** Trusts every client chain and notes the engines that presented one. */
    static final SimpleTrustManagerFactory FACTORY = new SimpleTrustManagerFactory() {
        @Override
        protected void engineInit(KeyStore keyStore) {
        }

        @Override
        protected void engineInit(ManagerFactoryParameters params) {
        }

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {TRUST_ALL_AND_NOTE};
        }
    };

    private static final X509ExtendedTrustManager TRUST_ALL_AND_NOTE = new X509ExtendedTrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            if (chain != null && chain.length > 0 && engine != null) {
                PRESENTED.put(engine, Boolean.TRUE);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    /**
     * The fingerprint of the certificate {@code engine}'s client presented, or {@code ""} when it
     * presented none; asks the session only in the first case. Call once per connection.
     */
    public static String fingerprint(SSLEngine engine) {
        // A resumed handshake has no certificate to verify: the original session's, if it had one,
        // came back inside the ticket, and only the session knows.
        if (engine == null || PRESENTED.remove(engine) == null && !QuicSessionReuse.resumed(engine)) {
            return "";
        }
        return ofPeer(engine.getSession());
    }

    /** Forgets {@code engine} (its connection ended before asking). */
    public static void forget(SSLEngine engine) {
        if (engine != null) {
            PRESENTED.remove(engine);
        }
    }

    public static String of(byte[] der) {
        MessageDigest d = SHA256.get();
        d.reset();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(d.digest(der));
    }

    /** The fingerprint of the session's peer leaf certificate, or {@code ""} when there is none. */
    public static String ofPeer(SSLSession session) {
        if (session == null) {
            return "";
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length == 0 ? "" : of(chain[0].getEncoded());
        } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
            return "";
        }
    }
}
