package dev.hyrouter.server.tls;

import dev.hyrouter.config.TlsConfig;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the server's QUIC TLS context: PEM certificate and key from config, or a generated
 * self-signed ECDSA P-256 certificate; the expanded ALPN list; a client certificate requested
 * but not required (it is not verified: plugins get its fingerprint and decide). The context
 * maps every SNI to itself so that the codec reports the server name to the connection.
 */
public final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    private ServerTls() {
    }

    public static QuicSslContext build(TlsConfig tls) {
        List<String> alpn = AlpnProtocols.expand(tls.alpn());
        QuicSslContextBuilder b;
        if (tls.hasCertificate()) {
            File cert = new File(tls.certFile());
            File key = new File(tls.keyFile());
            if (!cert.canRead()) {
                throw new IllegalStateException("tls.cert_file " + cert + " cannot be read");
            }
            if (!key.canRead()) {
                throw new IllegalStateException("tls.key_file " + key + " cannot be read");
            }
            b = QuicSslContextBuilder.forServer(key, null, cert);
        } else {
            SelfSignedCertificate self = SelfSignedCertificate.generate("hyrouter.local", Duration.ofDays(7));
            LOG.warn("no tls.cert_file/tls.key_file configured: using a generated self-signed ECDSA P-256 certificate "
                    + "(fine for development; configure a real certificate for production)");
            b = QuicSslContextBuilder.forServer(self.key(), null, self.certificate());
        }
        // The SNI mapping returns this same context: it exists only so that the codec reports
        // the server name (an SniCompletionEvent). Mapping to another context would lose the
        // client-certificate request, which belongs to the context the handshake started with.
        AtomicReference<QuicSslContext> self = new AtomicReference<>();
        QuicSslContext context = b.applicationProtocols(alpn.toArray(new String[0]))
                .clientAuth(ClientAuth.OPTIONAL)
                .trustManager(ClientCertificates.FACTORY)
                .earlyData(false)
                .sni(hostname -> self.get())
                .build();
        self.set(context);
        return context;
    }
}
