package dev.hyrouter.server.tls;

import dev.hyrouter.config.TlsConfig;
import io.netty.handler.codec.quic.QuicSslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context new handshakes start with, and its rotation: when {@code tls.cert_file} or
 * {@code tls.key_file} change on disk ({@link #checkFiles}, every few seconds off the event loops;
 * cert-manager rewrites a mounted Secret in place) or a reload names other files
 * ({@link #rotate}), the new pair is read and checked first ({@link CertificatePair}); only a good
 * pair replaces the context, for handshakes that start from then on. Handshakes in flight finish
 * on the context they started with (their engine holds it). A broken pair is logged once, with
 * the file and the reason, and counted, and the old pair keeps serving.
 */
public final class ServerCertificates {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificates.class);

    private final boolean earlyData;
    private volatile QuicSslContext current;
    private volatile TlsConfig tls;
    private volatile CertificatePair pair;
    /** The content last tried (good or broken): a broken file is reported once, not every check. */
    private byte[] lastTried;
    private final AtomicLong rotated = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public ServerCertificates(TlsConfig tls, boolean earlyData) {
        this.earlyData = earlyData;
        this.tls = tls;
        CertificatePair p = tls.hasCertificate() ? CertificatePair.load(Path.of(tls.certFile()), Path.of(tls.keyFile())) : null;
        this.current = ServerTls.build(tls, earlyData, p);
        this.pair = p;
        this.lastTried = p == null ? null : p.contentHash();
        if (p != null) {
            LOG.info("TLS certificate {} (sha256 {}), valid until {}", p.leaf().getSubjectX500Principal().getName(), p.fingerprint(),
                    p.notAfter());
        }
    }

    /** The context a handshake starting now uses. */
    public QuicSslContext current() {
        return current;
    }

    /** The pair in use, {@code null} with a generated certificate. */
    public CertificatePair pair() {
        return pair;
    }

    /** When the certificate in use expires (a generated one too: it is built afresh at each start). */
    public Instant notAfter() {
        CertificatePair p = pair;
        return p != null ? p.notAfter() : generatedNotAfter;
    }

    private final Instant generatedNotAfter = Instant.now().plus(ServerTls.GENERATED_VALIDITY);

    public long rotations() {
        return rotated.get();
    }

    public long failures() {
        return failed.get();
    }

    /**
     * Reads the configured files again and switches when their content changed and the new pair is
     * good. Returns whether a new certificate now serves. Serialized with {@link #rotate}.
     */
    public synchronized boolean checkFiles() {
        TlsConfig t = tls;
        if (!t.hasCertificate()) {
            return false;
        }
        byte[] hash;
        try {
            hash = CertificatePair.hashFiles(Path.of(t.certFile()), Path.of(t.keyFile()));
        } catch (IOException e) {
            // Mid-rewrite (a Secret's symlink swap) or gone: the next check sees the settled state.
            return false;
        }
        if (lastTried != null && Arrays.equals(hash, lastTried)) {
            return false;
        }
        lastTried = hash;
        try {
            install(t, CertificatePair.load(Path.of(t.certFile()), Path.of(t.keyFile())), "its files changed");
            return true;
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.error("TLS certificate not rotated, the current one keeps serving: {} (fix the files; they are checked again every few"
                    + " seconds)", e.getMessage());
            return false;
        }
    }

    /**
     * A reload's TLS settings: the same files are checked for new content, other files are read
     * and, when good, serve from now on. Throws with the file and the reason when the new pair is
     * broken; the current one then keeps serving.
     */
    public synchronized void rotate(TlsConfig next) {
        TlsConfig t = tls;
        boolean samePaths = next.hasCertificate() == t.hasCertificate() && (!next.hasCertificate()
                || next.certFile().equals(t.certFile()) && next.keyFile().equals(t.keyFile()));
        if (samePaths) {
            tls = next;
            checkFiles();
            return;
        }
        if (!next.hasCertificate()) {
            throw new IllegalStateException("tls.cert_file and tls.key_file cannot be removed while running (a generated certificate"
                    + " needs a restart)");
        }
        CertificatePair p;
        try {
            p = CertificatePair.load(Path.of(next.certFile()), Path.of(next.keyFile()));
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            throw e;
        }
        tls = next;
        lastTried = p.contentHash();
        install(next, p, "the config names other files");
    }

    private void install(TlsConfig t, CertificatePair p, String why) {
        // The previous context stays with the engines created from it; Netty frees its native part when it is collected.
        current = ServerTls.build(t, earlyData, p);
        pair = p;
        rotated.incrementAndGet();
        LOG.info("TLS certificate rotated ({}): {} (sha256 {}), valid until {}; handshakes from now on use it, those under way finish"
                + " with the previous one", why, p.leaf().getSubjectX500Principal().getName(), p.fingerprint(), p.notAfter());
    }

    /** Re-reads {@code tls.session_ticket_keys} into the context in use (a reload's key rotation). */
    public void installTicketKeys(TlsConfig t) {
        ServerTls.installTicketKeys(current, t);
    }
}
