package dev.hyrouter.server.tls;

import dev.hyrouter.config.TicketKeyFile;
import dev.hyrouter.config.TlsConfig;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.SslSessionTicketKey;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the server's QUIC TLS context: PEM certificate and key from config, or a generated
 * self-signed ECDSA P-256 certificate; the expanded ALPN list; a client certificate requested
 * but not required (it is not verified: plugins get its fingerprint and decide), unless
 * {@code tls.client_certificates: off}. The context
 * maps every SNI to itself so that the codec reports the server name to the connection.
 */
public final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    /** How long a generated certificate is valid: a development certificate, made afresh at every start. */
    static final Duration GENERATED_VALIDITY = Duration.ofDays(7);

    private ServerTls() {
    }

    /**
     * The server context. Session tickets are always issued (BoringSSL's default, which Netty
     * does not let a server turn off); {@code tls.session_ticket_keys} only chooses who holds the
     * key. {@code earlyData} lets a resuming client send its Connect in 0-RTT.
     */
    public static QuicSslContext build(TlsConfig tls, boolean earlyData) {
        return build(tls, earlyData, tls.hasCertificate() ? CertificatePair.load(Path.of(tls.certFile()), Path.of(tls.keyFile())) : null);
    }

    /** The server context serving {@code pair} (checked by {@link CertificatePair#load}); {@code null} = a generated certificate. */
    public static QuicSslContext build(TlsConfig tls, boolean earlyData, CertificatePair pair) {
        List<String> alpn = AlpnProtocols.expand(tls.alpn());
        QuicSslContextBuilder b;
        if (pair != null) {
            b = QuicSslContextBuilder.forServer(keyManager(pair.key(), pair.chain().toArray(new java.security.cert.X509Certificate[0])), null);
        } else {
            SelfSignedCertificate self = SelfSignedCertificate.generate("hyrouter.local", GENERATED_VALIDITY);
            LOG.warn("no tls.cert_file/tls.key_file configured: using a generated self-signed ECDSA P-256 certificate "
                    + "(fine for development; configure a real certificate for production)");
            b = QuicSslContextBuilder.forServer(keyManager(self.key(), self.certificate()), null);
        }
        // The SNI mapping returns this same context: it exists only so that the codec reports
        // the server name (an SniCompletionEvent). Mapping to another context would lose the
        // client-certificate request, which belongs to the context the handshake started with.
        AtomicReference<QuicSslContext> self = new AtomicReference<>();
        b.applicationProtocols(alpn.toArray(new String[0]));
        if (tls.requestClientCertificate()) {
            b.clientAuth(ClientAuth.OPTIONAL).trustManager(ClientCertificates.FACTORY);
        }
        QuicSslContext context = b
                .earlyData(earlyData)
                .sni(hostname -> self.get())
                .build();
        self.set(context);
        installTicketKeys(context, tls);
        return context;
    }

    /**
     * The JDK's own key manager (it picks the alias by key type, as for any TLS server) over an
     * in-memory JKS store. Netty's {@code forServer(key, password, chain)} builds a PKCS#12 store
     * instead, which protects the key with PBKDF2 (10,000 iterations) on the way in and again on
     * the way out: about 200 ms of a cold start and of every certificate reload, for a store that
     * never leaves memory. JKS protects an entry with a few hashes.
     */
    static javax.net.ssl.KeyManagerFactory keyManager(java.security.PrivateKey key, java.security.cert.X509Certificate... chain) {
        char[] password = "in-memory".toCharArray();
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry("hyrouter", key, password, chain);
            javax.net.ssl.KeyManagerFactory f = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
            f.init(store, password);
            return f;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the server certificate and key could not be loaded into a key manager: " + e, e);
        }
    }

    /**
     * Reads {@code tls.session_ticket_keys} again and hands them to the context; safe while it
     * serves (Netty swaps the key list atomically). An empty list gives the ticket key back to
     * BoringSSL, which makes its own per process. A file that changed into something that is no
     * key throws, and the keys in use stay.
     */
    public static void installTicketKeys(QuicSslContext context, TlsConfig tls) {
        List<String> files = tls.sessionTicketKeys();
        if (files.isEmpty()) {
            context.sessionContext().setTicketKeys((SslSessionTicketKey[]) null);
            return;
        }
        SslSessionTicketKey[] keys = new SslSessionTicketKey[files.size()];
        for (int i = 0; i < keys.length; i++) {
            byte[] k;
            try {
                k = TicketKeyFile.read(Path.of(files.get(i)));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("tls.session_ticket_keys[" + i + "]: ticket key file " + files.get(i) + " "
                        + (e instanceof IOException ? "cannot be read (" + e + ")" : e.getMessage()));
            }
            keys[i] = new SslSessionTicketKey(Arrays.copyOfRange(k, TicketKeyFile.NAME, TicketKeyFile.AES),
                    Arrays.copyOfRange(k, TicketKeyFile.HMAC, TicketKeyFile.BYTES), Arrays.copyOfRange(k, TicketKeyFile.AES, TicketKeyFile.HMAC));
            Arrays.fill(k, (byte) 0);
        }
        context.sessionContext().setTicketKeys(keys);
        LOG.info("TLS session tickets: {} key(s) from tls.session_ticket_keys, the first ({}) seals new tickets",
                keys.length, files.get(0));
    }
}
